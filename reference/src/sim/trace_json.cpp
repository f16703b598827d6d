#include "midnight/sim/trace_json.hpp"

namespace midnight::sim {

const char* to_string(Step step) {
  switch (step) {
    case Step::idle: return "idle";
    case Step::collect: return "collect";
    case Step::prevoted: return "prevoted";
    case Step::precommitted: return "precommitted";
    case Step::decided: return "decided";
  }
  return "?";
}

namespace {

void write_vote_choice(JsonWriter& w, std::string_view name, bool voted, bool approve, const BlockId& id) {
  w.key(name);
  if (!voted)
    w.null();
  else if (!approve)
    w.value("nil");
  else
    w.value(short_hex(id));
}

void write_round(JsonWriter& w, const RoundTrace& r, std::uint64_t quorum) {
  w.begin_object(true);
  w.field("round", r.round);
  w.key("proposals").begin_array(true);
  for (const auto& p : r.proposals) {
    w.begin_object(true);
    w.field("proposer", p.proposer);
    w.field("block_id", short_hex(p.block_id));
    if (p.vrf_output) w.field("vrf_output", short_hex(*p.vrf_output));
    w.end_object();
  }
  w.end_array();
  write_vote_choice(w, "prevote", r.prevoted, r.prevote_approve, r.prevote_block);
  w.field("prevote_weight", r.prevote_weight);
  w.field("prevote_voted_weight", r.prevote_voted_weight);
  write_vote_choice(w, "precommit", r.precommitted, r.precommit_approve, r.precommit_block);
  w.field("precommit_weight", r.precommit_weight);
  w.field("precommit_voted_weight", r.precommit_voted_weight);
  w.field("quorum", quorum);
  w.key("polka");
  if (r.prevote_quorum) w.value(short_hex(*r.prevote_quorum)); else w.null();
  w.key("commit_quorum");
  if (r.precommit_quorum) w.value(short_hex(*r.precommit_quorum)); else w.null();
  w.end_object();
}

void write_node(JsonWriter& w, const NodeTrace& n, std::uint64_t quorum) {
  w.begin_object();
  w.field("node", n.node);
  w.field("member_index", n.member_index);
  w.field("key", to_hex(n.key));
  w.field("weight", n.weight);
  w.field("byzantine", n.byzantine);
  w.field("slow", n.slow);
  w.key("crashed_at");
  if (n.crashed_at) w.value(*n.crashed_at); else w.null();
  w.field("messages_sent", n.messages_sent);
  if (!n.byzantine) {
    w.key("mempool").begin_object(true);
    w.field("held", n.mempool_held).field("missing", n.mempool_missing).field("own", n.mempool_own);
    w.end_object();
    const BodyTraffic& b = n.bodies;
    w.key("bodies").begin_object(true);
    w.field("requests_sent", b.requests_sent).field("request_bytes_sent", b.request_bytes_sent);
    w.field("received", b.bodies_received).field("bytes_received", b.body_bytes_received);
    w.field("transactions_received", b.transactions_received);
    w.field("served", b.bodies_served).field("bytes_served", b.body_bytes_served);
    w.end_object();
    const ReconcileTraffic& rt = n.reconcile;
    w.key("reconcile").begin_object(true);
    w.field("requests_sent", rt.requests_sent).field("request_bytes_sent", rt.request_bytes_sent);
    w.field("sketches_received", rt.sketches_received).field("sketch_bytes_received", rt.sketch_bytes_received);
    w.field("transaction_answers_received", rt.transaction_answers_received);
    w.field("transaction_bytes_received", rt.transaction_bytes_received);
    w.field("transactions_received", rt.transactions_received);
    w.field("answers_served", rt.answers_served).field("bytes_served", rt.bytes_served);
    w.field("fetches_opened", rt.fetches_opened).field("bodies_assembled", rt.bodies_assembled);
    w.field("fell_back_undecodable", rt.fell_back_undecodable);
    w.field("fell_back_inconsistent", rt.fell_back_inconsistent);
    w.end_object();
    w.field("last_round", n.last_round);
    w.field("step", to_string(n.step));
    w.key("lock");
    if (n.lock.held) {
      w.begin_object(true).field("block_id", short_hex(n.lock.block_id)).field("round", n.lock.round).end_object();
    } else {
      w.null();
    }
    w.key("rounds").begin_array();
    for (const auto& r : n.rounds) write_round(w, r, quorum);
    w.end_array();
  }
  w.end_object();
}

}  // namespace

void write_config(JsonWriter& w, const SimConfig& c) {
  w.begin_object();
  w.field("nodes", c.nodes);
  w.key("weights").begin_array(true);
  for (std::size_t i = 0; i < c.nodes; ++i) w.value(c.weights.empty() ? std::uint64_t{1} : c.weights[i]);
  w.end_array();
  w.field("byzantine", c.byzantine);
  w.field("byzantine_mode", to_string(c.byzantine_mode));
  // Only a mixed coalition has the list, so that every other configuration prints as before.
  if (!c.byzantine_modes.empty()) {
    w.key("byzantine_modes").begin_array(true);
    for (auto m : c.byzantine_modes) w.value(to_string(m));
    w.end_array();
  }
  w.field("latency_min_ms", c.latency_min_ms);
  w.field("latency_max_ms", c.latency_max_ms);
  w.field("drop", c.drop_probability);
  w.field("duplicate", c.duplicate_probability);
  w.key("partitions").begin_array();
  for (const auto& p : c.partitions) {
    w.begin_object(true);
    w.key("side_a").begin_array(true);
    for (auto i : p.side_a) w.value(i);
    w.end_array();
    w.field("start_ms", p.start_ms);
    w.field("heal_ms", p.heal_ms);
    w.end_object();
  }
  w.end_array();
  w.key("slow_nodes").begin_array(true);
  for (auto s : c.slow_nodes) w.value(s);
  w.end_array();
  w.field("slow_ms", c.slow_ms);
  w.key("crashes").begin_array();
  for (const auto& cr : c.crashes) {
    w.begin_object(true).field("node", cr.node).field("at_ms", cr.at_ms);
    if (cr.restart_ms != 0) w.field("restart_ms", cr.restart_ms);
    if (cr.point != CrashPoint::before_step) w.field("point", to_string(cr.point));
    w.end_object();
  }
  w.end_array();
  w.field("rounds", c.max_rounds);
  if (c.heights != 1) w.field("heights", c.heights);
  if (c.height_interval_ms != SimConfig{}.height_interval_ms) w.field("height_interval_ms", c.height_interval_ms);
  w.field("policy", to_string(c.policy));
  if (c.negative_control != NegativeControl::none) w.field("negative_control", to_string(c.negative_control));
  w.key("timing")
      .begin_object(true)
      .field("collect_ms", c.timing.collect_ms)
      .field("prevote_ms", c.timing.prevote_ms)
      .field("precommit_ms", c.timing.precommit_ms)
      .field("increment_ms", c.timing.increment_ms)
      .end_object();
  if (c.time_limit_ms != 0) w.field("time_limit_ms", c.time_limit_ms);
  w.field("seed", c.seed);
  // Only when set, so that every configuration without it prints (and digests) as before.
  if (c.key_seed != 0) w.field("key_seed", c.key_seed);
  if (c.version1_commit_traffic) w.field("version1_commit_traffic", true);
  w.field("reward_per_height", c.reward_per_height);
  w.field("mempool_size", c.mempool_size);
  if (c.mempool_divergence != 0.0) w.field("mempool_divergence", c.mempool_divergence);
  w.end_object();
}

void write_result_fields(JsonWriter& w, const SimResult& r, bool trace) {
  w.key("config");
  write_config(w, r.config);
  if (!r.error.empty()) {
    w.field("error", r.error);
    return;
  }
  w.field("chain_id", to_hex(r.chain));
  w.field("total_weight", r.total_weight);
  w.field("quorum", r.quorum);
  w.field("agreement", r.agreement);
  w.field("all_honest_finalized", r.all_honest_finalized);
  if (r.config.heights > 1 || !r.config.crashes.empty()) {
    w.field("chains_complete", r.chains_complete);
    w.field("chains_linked", r.chains_linked);
  }
  w.field("certificates_ok", r.certificates_ok);
  w.field("bodies_valid", r.bodies_valid);
  w.field("no_double_votes", r.no_double_votes);
  w.field("locks_kept", r.locks_kept);
  if (!r.config.crashes.empty()) {
    w.field("restarts", r.restarts);
    w.field("journal_refusals", r.journal_refusals);
    w.field("torn_frames_dropped", r.torn_frames_dropped);
  }
  w.key("violations").begin_array();
  for (const auto& v : r.violations) w.value(v);
  w.end_array();
  w.key("finalized").begin_array();
  for (const auto& f : r.finalized) {
    w.begin_object(true);
    w.field("node", f.node);
    w.field("height", f.height);
    w.field("round", f.round);
    w.field("block_id", to_hex(f.block_id));
    w.field("at", f.at_ms);
    w.field("via", f.adopted ? "commit" : "quorum");
    w.field("certificate_ok", f.certificate_ok);
    w.field("certificate_weight", f.certificate_weight);
    w.field("certificate_signers", f.certificate_signers);
    w.field("block_transactions", f.block_transactions);
    w.field("commit_bytes", f.commit_bytes);
    w.end_object();
  }
  w.end_array();
  const auto& m = r.messages;
  w.key("messages")
      .begin_object()
      .field("sent", m.sent)
      .field("delivered", m.delivered)
      .field("dropped", m.dropped())
      .field("dropped_random", m.dropped_random)
      .field("dropped_partition", m.dropped_partition)
      .field("duplicated", m.duplicated)
      .field("to_crashed", m.to_crashed)
      .field("undelivered", m.undelivered)
      .field("decode_errors", m.decode_errors)
      .field("bytes_sent", m.bytes_sent)
      .field("commits_sent", m.commits_sent)
      .field("commit_bytes_sent", m.commit_bytes_sent)
      .end_object();
  w.key("handler_errors").begin_object();
  for (const auto& [k, n] : r.handler_errors) w.field(k, n);
  w.end_object();
  w.field("timers_suppressed", r.timers_suppressed);
  w.field("events", r.events);
  w.field("end_ms", r.end_ms);
  w.field("time_limit_ms", r.time_limit_ms);
  if (trace) {
    w.key("nodes").begin_array();
    for (const auto& n : r.nodes) write_node(w, n, r.quorum);
    w.end_array();
  }
}

std::string to_json(const SimResult& result) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_result_fields(w, result, true);
  w.field("event_log", to_hex(result.event_log));
  w.end_object();
  return out;
}

}  // namespace midnight::sim
