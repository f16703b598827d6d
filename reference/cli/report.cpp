#include "report.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "midnight/sim/trace_json.hpp"

namespace midnight::cli {

namespace {

std::string tally(std::string_view step, const BlockId& id, std::uint64_t weight, const sim::SimResult& r) {
  return std::string(step) + " for " + short_hex(id) + ": " + std::to_string(weight) + "/" +
         std::to_string(r.total_weight) + " (quorum " + std::to_string(r.quorum) + ")";
}

std::string choice(bool voted, bool approve, const BlockId& id) {
  if (!voted) return "none";
  return approve ? short_hex(id) : "nil";
}

}  // namespace

void print_config_line(std::ostream& out, const sim::SimConfig& c) {
  out << "n=" << c.nodes;
  if (c.byzantine > 0) {
    out << ", " << c.byzantine << " byzantine (";
    if (c.byzantine_modes.empty()) out << sim::to_string(c.byzantine_mode);
    for (std::size_t i = 0; i < c.byzantine_modes.size(); ++i)
      out << (i ? "," : "") << sim::to_string(c.byzantine_modes[i]);
    out << ")";
  }
  for (const auto& p : c.partitions) {
    out << ", partition {";
    for (std::size_t i = 0; i < p.side_a.size(); ++i) out << (i ? "," : "") << p.side_a[i];
    out << "}|rest " << p.start_ms << "-" << p.heal_ms << " ms";
  }
  for (auto s : c.slow_nodes) out << ", node " << s << " slow (+" << c.slow_ms << " ms)";
  for (const auto& cr : c.crashes) {
    out << ", node " << cr.node << " crashes at " << cr.at_ms << " ms";
    if (cr.point != sim::CrashPoint::before_step) out << " (" << sim::to_string(cr.point) << ")";
    if (cr.restart_ms != 0) out << " and restarts at " << cr.restart_ms << " ms";
  }
  if (c.negative_control != sim::NegativeControl::none)
    out << ", NEGATIVE CONTROL " << sim::to_string(c.negative_control);
  if (c.drop_probability > 0) out << ", drop " << c.drop_probability;
  if (c.duplicate_probability > 0) out << ", duplicate " << c.duplicate_probability;
  out << ", latency " << c.latency_min_ms << "-" << c.latency_max_ms << " ms, policy " << sim::to_string(c.policy)
      << ", rounds " << c.max_rounds << ", seed " << c.seed;
  if (c.key_seed != 0) out << ", key seed " << c.key_seed;
  if (c.version1_commit_traffic) out << ", version-1 commit traffic";
  out << "\n";
}

// The trace of node `n` for `round`, if its machine still holds that round.
const sim::RoundTrace* round_trace(const sim::NodeTrace& n, std::uint32_t round) {
  for (const auto& t : n.rounds)
    if (t.round == round) return &t;
  return nullptr;
}

void print_rounds(std::ostream& out, const sim::SimResult& r) {
  // Each machine keeps the rounds of its window (limits.hpp), so the rounds shown are
  // those some honest node still held at the end.
  std::set<std::uint32_t> rounds;
  for (const auto& n : r.nodes)
    if (!n.byzantine)
      for (const auto& t : n.rounds) rounds.insert(t.round);
  for (const std::uint32_t round : rounds) {
    // Every proposal any honest node saw this round, by proposer: two ids from one
    // proposer is an equivocation, shown as such.
    std::map<std::size_t, std::set<BlockId>> seen;
    for (const auto& n : r.nodes)
      if (const sim::RoundTrace* t = n.byzantine ? nullptr : round_trace(n, round))
        for (const auto& p : t->proposals) seen[p.proposer].insert(p.block_id);
    out << "  round " << round << " proposals:";
    if (seen.empty()) out << " none";
    for (const auto& [proposer, ids] : seen) {
      out << " node" << proposer << "=";
      bool first = true;
      for (const auto& id : ids) {
        out << (first ? "" : "+") << short_hex(id);
        first = false;
      }
      if (ids.size() > 1) out << "(equivocation)";
    }
    out << "\n";
    for (const auto& n : r.nodes) {
      const sim::RoundTrace* found = n.byzantine ? nullptr : round_trace(n, round);
      if (found == nullptr) continue;
      const auto& t = *found;
      out << "    node " << n.node << ": saw " << t.proposals.size() << ", canonical "
          << choice(t.prevoted, t.prevote_approve, t.prevote_block);
      if (t.prevoted && t.prevote_approve) {
        out << "; " << tally("prevotes", t.prevote_block, t.prevote_weight, r);
        out << "; " << tally("precommits", t.prevote_block, t.precommit_weight, r);
      }
      out << "; precommitted " << choice(t.precommitted, t.precommit_approve, t.precommit_block) << "\n";
    }
  }
  for (const auto& n : r.nodes)
    if (n.byzantine)
      out << "  node " << n.node << " is byzantine (" << sim::to_string(sim::byzantine_mode_of(r.config, n.node)) << "), sent "
          << n.messages_sent << " messages\n";
}

void print_finalized(std::ostream& out, const sim::SimResult& r) {
  if (r.config.mempool_divergence > 0.0) {
    out << "  mempools (divergence " << r.config.mempool_divergence << " of " << r.config.mempool_size << "):";
    for (const auto& n : r.nodes)
      if (!n.byzantine)
        out << " node " << n.node << " lacks " << n.mempool_missing << ", has " << n.mempool_own << " of its own;";
    out << "\n";
  }
  out << "  finalized:\n";
  for (const auto& n : r.nodes) {
    if (n.byzantine) continue;
    const auto* f = r.finalized_by(n.node);
    out << "    node " << n.node << ": ";
    if (f == nullptr) {
      out << "nothing";
      if (n.crashed_at) out << " (crashed at " << *n.crashed_at << " ms)";
      out << "\n";
      continue;
    }
    out << short_hex(f->block_id) << " (round " << f->round << ") at " << f->at_ms << " ms, "
        << (f->adopted ? "adopted from a commit certificate" : "own precommit quorum") << ", certificate "
        << f->certificate_signers << " of " << r.nodes.size() << " members, weight " << f->certificate_weight << " of "
        << r.total_weight << (f->certificate_ok ? "" : ", CERTIFICATE INVALID") << "\n";
  }
}

void print_verdict(std::ostream& out, const sim::SimResult& r) {
  std::set<BlockId> blocks;
  for (const auto& f : r.finalized) blocks.insert(f.block_id);
  out << "  agreement: " << (r.agreement ? "yes" : "NO");
  if (r.agreement && blocks.size() == 1) out << " (every finalizing node chose " << short_hex(*blocks.begin()) << ")";
  out << "; all honest finalized: " << (r.all_honest_finalized ? "yes" : "no")
      << "; certificates: " << (r.certificates_ok ? "valid" : "INVALID")
      << "; bodies: " << (r.bodies_valid ? "valid" : "INVALID") << "\n";
  out << "  votes: " << (r.no_double_votes ? "no double vote" : "DOUBLE VOTE") << "; locks: "
      << (r.locks_kept ? "kept" : "BROKEN");
  if (!r.config.crashes.empty())
    out << "; restarts: " << r.restarts << " (" << r.torn_frames_dropped << " torn frames dropped, "
        << r.journal_refusals << " refused to vote)";
  out << "\n";
  for (const auto& v : r.violations) out << "  VIOLATION: " << v << "\n";
}

void print_messages(std::ostream& out, const sim::SimResult& r) {
  const auto& m = r.messages;
  out << "  messages: " << m.sent << " sent, " << m.delivered << " delivered, " << m.dropped() << " dropped ("
      << m.dropped_partition << " by partition), " << m.duplicated << " duplicated, " << m.decode_errors
      << " undecodable, " << m.undelivered << " in flight at the end\n";
  out << "  bytes: " << m.bytes_sent << " sent, " << m.commit_bytes_sent << " of them in " << m.commits_sent
      << " commits\n";
  if (!r.handler_errors.empty()) {
    out << "  rejected by the round machine:\n";
    for (const auto& [what, count] : r.handler_errors) out << "    " << count << " x " << what << "\n";
  }
}

}  // namespace midnight::cli
