#include "midnight/sim/model_trace.hpp"

#include "midnight/sim/json_writer.hpp"
#include "midnight/sim/trace_json.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::sim {

namespace {

// Block ids as the trace names them: 8 bytes in hex, unique within any run.
std::string trace_id(const BlockId& id) { return to_hex(std::span<const std::uint8_t>(id.v.data(), 8)); }

std::string node_id(std::size_t node) { return "n" + std::to_string(node); }

// A vote's target in the trace: the block, or "nil" for a vote that approves none.
std::string target_of(const Vote& v) { return v.approve ? trace_id(v.block_id) : std::string("nil"); }

}  // namespace

ModelTraceRecorder::ModelTraceRecorder(const SimConfig& config, const World& world, std::vector<bool> honest,
                                       const SignatureVerifier& verifier)
    : config_(config),
      world_(world),
      honest_(std::move(honest)),
      verifier_(verifier),
      restart_pending_(config.nodes, false),
      reproposal_(std::make_unique<Reproposal>()),
      polka_(std::make_unique<CarriedPolka>()),
      commit_(std::make_unique<CommitView>()) {}

ModelTraceRecorder::~ModelTraceRecorder() = default;

std::size_t ModelTraceRecorder::node_of_key(const PublicKey& key) const {
  const auto member = world_.membership.index_of(key);
  return member ? world_.node_of_member[*member] : config_.nodes;  // config_.nodes: no member
}

void ModelTraceRecorder::note_proposal(const Proposal& p) {
  const std::size_t proposer = node_of_key(p.header.proposer);
  if (proposer >= config_.nodes || !verify_proposal(p, verifier_)) return;  // no honest node stores it
  Height& h = height(p.header.height);
  const BlockId id = compute_block_id(p.header);
  if (h.block_index.contains(id)) return;
  Block b;
  b.id = trace_id(id);
  b.proposer = proposer;
  b.round = p.header.round;
  // A Byzantine member in mode bad_body signs blocks whose bodies fail the checks; every
  // other block's body is valid (honest members build valid ones).
  b.valid = honest_[proposer] || byzantine_mode_of(config_, proposer) != ByzantineMode::bad_body;
  b.variant = h.variants[{proposer, b.round}]++;
  h.block_index.emplace(id, h.blocks.size());
  h.blocks.push_back(std::move(b));
}

void ModelTraceRecorder::note_vote(const Vote& v) {
  const std::size_t voter = node_of_key(v.voter);
  if (voter >= config_.nodes || honest_[voter] || !verify_vote(v, verifier_)) return;
  height(v.height).byzantine_votes.emplace(voter, v.round, v.step == VoteStep::precommit, target_of(v));
}

void ModelTraceRecorder::note_polka(const CarriedPolka& polka) {
  note_proposal(polka.proposal);
  for (std::size_t i = 0; i < polka.polka.count(); ++i) note_vote(polka.polka.vote(i, VoteStep::prevote));
}

void ModelTraceRecorder::on_send(std::size_t /*from*/, std::span<const std::uint8_t> bytes) {
  const auto type = peek_message_type(bytes);
  if (!type) return;
  switch (type.value()) {
    case MessageType::proposal:
      if (auto p = decode_proposal(bytes)) note_proposal(p.value());
      return;
    case MessageType::vote:
      if (auto v = decode_vote(bytes)) note_vote(v.value());
      return;
    case MessageType::reproposal:
      if (decode_reproposal(bytes, *reproposal_)) note_polka(reproposal_->carried);
      return;
    case MessageType::polka:
      if (decode_polka(bytes, *polka_)) note_polka(*polka_);
      return;
    case MessageType::commit:
      if (decode_commit(bytes, *commit_)) {
        for (std::size_t i = 0; i < commit_->certificate.count(); ++i) note_vote(commit_->certificate.vote(i));
      }
      return;
    default:
      return;
  }
}

void ModelTraceRecorder::on_restart(std::size_t node) { restart_pending_[node] = true; }

// A round start, known by the round message it sends (propose() sends exactly one per
// round start). Round 0 of a height the node begins at midnight is the model's Init; a
// first round above 0 (the node began late) and the first round after a restart are
// the model's RestartAt; any other is AdvanceRound or SkipTo, which the trace spec tells
// apart.
void ModelTraceRecorder::round_started(std::size_t node, std::uint64_t h, std::uint32_t round, std::uint64_t now_ms) {
  Height& log = height(h);
  const bool first = log.started.insert(node).second;
  const char* action = nullptr;
  if (restart_pending_[node]) {
    restart_pending_[node] = false;
    action = "restart";
  } else if (first) {
    action = round == 0 ? nullptr : "restart";
  } else {
    action = "start";
  }
  if (action == nullptr) return;
  log.steps.push_back({node, now_ms, action, round, {}, false, {}});
}

ModelTraceRecorder::State ModelTraceRecorder::state_of(const NodeHost& host) {
  const RoundMachine& m = host.machine();
  State s;
  s.machine = true;
  s.round = m.round();
  s.step = to_string(m.step());  // the model's step names
  if (m.lock().held) {
    s.locked_round = m.lock().round;
    s.locked_block = trace_id(m.lock().block_id);
  }
  if (const auto d = m.decision()) {
    s.decision = trace_id(d->block_id);
    s.decision_round = d->round;
  }
  return s;
}

void ModelTraceRecorder::on_step(std::size_t node, std::uint64_t now_ms, const HostOutput& out, const NodeHost& host) {
  // The heights whose steps this event added to, with where its steps begin in each.
  std::map<std::uint64_t, std::size_t> touched;
  const auto touch = [&](std::uint64_t h) { touched.emplace(h, height(h).steps.size()); };
  for (const HostAction& a : out.actions) {
    if (a.kind != HostActionKind::broadcast || !a.bytes) continue;
    const auto bytes = std::span<const std::uint8_t>(*a.bytes);
    const auto type = peek_message_type(bytes);
    if (!type) continue;
    if (type.value() == MessageType::proposal) {
      if (auto p = decode_proposal(bytes)) {
        note_proposal(p.value());  // (with no other member, no send shows it)
        touch(p.value().header.height);
        round_started(node, p.value().header.height, p.value().header.round, now_ms);
      }
    } else if (type.value() == MessageType::reproposal) {
      if (decode_reproposal(bytes, *reproposal_)) {
        note_polka(reproposal_->carried);
        const std::uint64_t h = reproposal_->carried.proposal.header.height;
        touch(h);
        round_started(node, h, reproposal_->round, now_ms);
      }
    } else if (type.value() == MessageType::vote) {
      if (auto v = decode_vote(bytes)) {
        const Vote& vote = v.value();
        touch(vote.height);
        Height& log = height(vote.height);
        log.steps.push_back({node, now_ms, vote.step == VoteStep::prevote ? "prevote" : "precommit", vote.round,
                             target_of(vote), false, {}});
      }
    }
  }
  for (const StoredCommit& d : out.decided) {
    if (!d.commit || !decode_commit(*d.commit, *commit_)) continue;
    touch(d.height);
    height(d.height).steps.push_back({node, now_ms, "decide", commit_->certificate.round,
                                      trace_id(commit_->certificate.block_id), d.adopted, {}});
  }
  // The state after the event, on the last step it added to each height: the machine's
  // own where it is still at that height, else (it has moved on) the decision alone.
  for (const auto& [h, from] : touched) {
    Height& log = height(h);
    if (log.steps.size() == from) continue;
    TraceStep& last = log.steps.back();
    if (host.machine().height() == h && host.machine().step() != Step::idle) {
      last.state = state_of(host);
    } else if (std::string_view(last.action) == "decide") {
      State s;
      s.decision = last.block;
      s.decision_round = last.round;
      last.state = s;
    }
  }
}

std::vector<ModelTrace> ModelTraceRecorder::traces() const {
  std::vector<ModelTrace> out;
  for (const auto& entry : heights_) {
    // (Named locals, not structured bindings: clang before 16 lets no lambda capture those.)
    const std::uint64_t h = entry.first;
    const Height& log = entry.second;
    if (log.steps.empty()) continue;  // no honest node did anything the model names
    ModelTrace t;
    t.height = h;
    std::string& s = t.ndjson;
    const auto line = [&](auto&& write) {
      std::string one;
      JsonWriter w(one);
      w.begin_object(true);
      write(w);
      w.end_object();
      while (!one.empty() && (one.back() == '\n' || one.back() == ' ')) one.pop_back();  // one line each
      s += one;
      s += '\n';
    };
    line([&](JsonWriter& w) {
      w.field("kind", "trace").field("height", h);
      w.field("total_weight", world_.membership.total_weight()).field("quorum", world_.membership.quorum());
    });
    for (std::size_t i = 0; i < config_.nodes; ++i) {
      line([&](JsonWriter& w) {
        w.field("kind", "member").field("id", node_id(i));
        w.field("weight", world_.membership.member(world_.member_of_node[i]).weight).field("honest", bool(honest_[i]));
      });
    }
    for (const Block& b : log.blocks) {
      line([&](JsonWriter& w) {
        w.field("kind", "block").field("id", b.id).field("proposer", node_id(b.proposer));
        w.field("round", b.round).field("valid", b.valid).field("variant", b.variant);
      });
    }
    for (const auto& vote : log.byzantine_votes) {
      const auto& [voter, round, precommit, block] = vote;
      line([&, voter = voter, round = round, precommit = precommit, block = block](JsonWriter& w) {
        w.field("kind", "vote").field("src", node_id(voter)).field("round", round);
        w.field("step", precommit ? "precommit" : "prevote").field("block", block);
      });
    }
    for (const TraceStep& st : log.steps) {
      line([&](JsonWriter& w) {
        w.field("kind", "step").field("node", node_id(st.node)).field("at", st.at_ms);
        w.field("action", st.action).field("round", st.round);
        if (!st.block.empty()) w.field("block", st.block);
        if (std::string_view(st.action) == "decide") w.field("adopted", st.adopted);
        if (st.state) {
          const State& x = *st.state;
          w.key("state").begin_object(true);
          if (x.machine) {
            w.field("round", x.round).field("step", x.step);
            w.field("locked_round", x.locked_round).field("locked_block", x.locked_block);
          } else {
            w.field("step", x.step);
          }
          w.field("decision", x.decision).field("decision_round", x.decision_round);
          w.end_object();
        }
      });
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace midnight::sim
