#include "midnight/sim/simulator.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <optional>
#include <map>
#include <memory>

#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/journal/journal_step.hpp"
#include "midnight/sim/byzantine.hpp"
#include "midnight/sim/encoding.hpp"
#include "midnight/sim/event_queue.hpp"
#include "midnight/sim/network.hpp"
#include "midnight/sim/trace_json.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::sim {

const FinalizedRecord* SimResult::finalized_by(std::size_t node) const {
  for (const auto& f : finalized)
    if (f.node == node) return &f;
  return nullptr;
}

namespace {

// One honest node: its machine and what the host keeps beside it. What survives a
// crash is what a real node keeps on disk: the journal's durable bytes and, once it
// has finalized, the commit in its block store.
struct HonestNode {
  std::size_t node = 0;
  NodeConfig config;
  std::vector<TxBytes> mempool;  // its own order of the shared transactions
  std::unique_ptr<RoundMachine> machine;
  std::uint64_t sent = 0;
  bool up = true;
  bool refused = false;        // its journal did not replay: it stays down for good
  std::uint32_t epoch = 0;     // incarnation; timers of an earlier one are dead
  std::optional<CrashPoint> armed;  // a crash that falls inside the next journaling step
  std::vector<std::uint8_t> journal;  // durable bytes (spec/journal.md)
  Lock journaled_lock;
  MessageBytes block_store;    // its finalized commit, if any
};

class Simulator {
 public:
  explicit Simulator(const SimConfig& config);
  SimResult run();

 private:
  void begin_height(HonestNode& h);
  void start_honest(HonestNode& h);
  void handle(const Event& e);
  void deliver(const Event& e);
  void deliver_honest(HonestNode& h, std::span<const std::uint8_t> bytes);
  void execute(HonestNode& h, const result<Actions>& r, const char* handler, bool from_commit);
  void record_finalize(HonestNode& h, bool from_commit);
  void send_all(HonestNode& h, const MessageBytes& bytes);
  bool journal_step(HonestNode& h, Actions actions);
  void on_crash(const Event& e);
  void go_down(HonestNode& h);
  void restart(HonestNode& h);
  bool up(std::size_t node) const;
  void log_event(const Event& e);
  void collect_trace();
  void check_agreement();
  ByzantineContext byz_context() { return {config_, world_, network_, queue_, rng_, honest_}; }

  SimConfig config_;  // a copy: the network and the Byzantine nodes refer to it
  Rng rng_;
  EventQueue queue_;
  Network network_;
  World world_;
  std::unique_ptr<SelectionPolicy> policy_;
  std::vector<bool> honest_;
  std::vector<std::unique_ptr<HonestNode>> honest_nodes_;  // by node index; null if Byzantine
  std::vector<std::unique_ptr<ByzantineNode>> byzantine_;  // by node index; null if honest
  std::vector<bool> byzantine_up_;                         // by node index
  std::unique_ptr<VoteMonitor> monitor_;
  std::unique_ptr<CommitView> commit_;                     // decode target (large)
  std::unique_ptr<Reproposal> reproposal_;                 // decode target
  SimResult result_;
  Sha256 log_;
  std::uint64_t now_ = 0;
  std::uint64_t round_limit_ms_ = 0;
};

Simulator::Simulator(const SimConfig& config)
    : config_(config),
      rng_(config.seed),
      network_(config_, rng_, queue_),
      world_(make_world(config_, rng_)),
      commit_(std::make_unique<CommitView>()),
      reproposal_(std::make_unique<Reproposal>()) {
  result_.config = config_;
  result_.chain = world_.chain;
  result_.total_weight = world_.membership.total_weight();
  result_.quorum = world_.membership.quorum();
  round_limit_ms_ = run_round_limit_ms(config_);
  result_.time_limit_ms = run_time_limit_ms(config_);
  policy_ = make_policy(to_string(config_.policy));
  honest_.assign(config_.nodes, true);
  for (std::size_t i = config_.nodes - config_.byzantine; i < config_.nodes; ++i) honest_[i] = false;
  honest_nodes_.resize(config_.nodes);
  byzantine_.resize(config_.nodes);
  // Every honest node builds the same block content; a Byzantine node needs its Merkle
  // root to propose "honest" content under its own name.
  Hash32 honest_root;
  for (std::size_t i = 0; i < config_.nodes; ++i) {
    if (honest_[i]) {
      auto h = std::make_unique<HonestNode>();
      h->node = i;
      h->mempool = shuffled_mempool(world_, rng_);
      NodeConfig& nc = h->config;
      nc.chain_id = world_.chain;
      nc.membership = &world_.membership;
      nc.policy = policy_.get();
      nc.keys = world_.keys[i];
      nc.timing = config_.timing;
      nc.reward_per_height = config_.reward_per_height;
      nc.unsafe_retry_without_lock = config_.negative_control == NegativeControl::no_lock;
      h->machine = std::make_unique<RoundMachine>(nc);
      honest_nodes_[i] = std::move(h);
    }
  }
  if (config_.byzantine > 0) {
    std::vector<TxBytes> views;
    for (const auto& tx : world_.mempool) views.emplace_back(tx);
    honest_root = build_block_content(world_.chain, kSimHeight, world_.membership, config_.reward_per_height, views)
                      .merkle_root;
  }
  for (std::size_t i = 0; i < config_.nodes; ++i)
    if (!honest_[i]) byzantine_[i] = std::make_unique<ByzantineNode>(i, honest_root);
  byzantine_up_.assign(config_.nodes, true);
  std::vector<bool> honest_members(config_.nodes);
  for (std::size_t i = 0; i < config_.nodes; ++i) honest_members[world_.member_of_node[i]] = honest_[i];
  monitor_ = std::make_unique<VoteMonitor>(world_.membership, world_.chain, std::move(honest_members),
                                           world_.node_of_member);
  network_.set_monitor(monitor_.get());
  for (std::size_t k = 0; k < config_.crashes.size(); ++k) {
    const Crash& c = config_.crashes[k];
    Event e;
    e.kind = EventKind::crash;
    e.node = c.node;
    e.crash = k;
    e.time_ms = c.at_ms;
    queue_.push(e);
    if (c.restart_ms != 0) {
      e.kind = EventKind::restart;
      e.time_ms = c.restart_ms;
      queue_.push(e);
    }
  }
}

bool Simulator::up(std::size_t node) const {
  return honest_nodes_[node] ? honest_nodes_[node]->up : byzantine_up_[node];
}

void Simulator::on_crash(const Event& e) {
  const Crash& c = config_.crashes[e.crash];
  if (!honest_nodes_[e.node]) {
    byzantine_up_[e.node] = false;
    return;
  }
  HonestNode& h = *honest_nodes_[e.node];
  if (c.point == CrashPoint::before_step) {
    go_down(h);
  } else {
    h.armed = c.point;
  }
}

void Simulator::go_down(HonestNode& h) {
  h.up = false;
  h.armed.reset();
  ++h.epoch;  // its pending timers die with it
}

// A restart is a new process: a fresh machine, the height begun again, the journal
// replayed (spec/journal.md), the finalized commit taken back from the block store, or
// else the round the clock says started. A journal that does not replay means the node
// refuses to vote: it stays down rather than risk a second vote.
void Simulator::restart(HonestNode& h) {
  if (h.up || h.refused) return;
  h.machine = std::make_unique<RoundMachine>(h.config);
  begin_height(h);
  if (config_.negative_control == NegativeControl::restart_without_journal) h.journal.clear();
  const auto replay = replay_journal(*h.machine, h.journal);
  if (!replay) {
    h.refused = true;
    ++result_.journal_refusals;
    ++result_.handler_errors["restart: " + std::string(replay.error().category().name()) + ": " +
                             replay.error().message()];
    return;
  }
  h.journal.resize(replay.value().intact_bytes);
  if (replay.value().torn_bytes > 0) ++result_.torn_frames_dropped;
  h.journaled_lock = replay.value().lock;
  h.up = true;
  ++result_.restarts;
  if (h.block_store) {
    // Final before the crash: the block store gives the decision back. Nothing is sent.
    [[maybe_unused]] const bool decoded = decode_commit(*h.block_store, *commit_).has_value();
    assert(decoded && "the block store holds a commit this simulator encoded");
    const auto adopted = h.machine->on_commit(*commit_);
    if (!adopted) result_.violations.push_back("node " + std::to_string(h.node) + ": block store rejected");
    return;
  }
  const std::uint32_t round = round_at_ms(kSimMidnightMs, config_.timing, now_);
  if (round_start_ms(kSimMidnightMs, config_.timing, round) < round_limit_ms_) {
    execute(h, h.machine->on_round_start({kSimHeight, round}), "on_round_start", false);
  }
}

// The host's half of the journal contract: the step's records are appended and made
// durable before any of its actions leaves the node. A crash armed for this step falls
// inside the append (part of a frame reaches the disk) or just after it; either way
// nothing is released. Returns whether the actions may be released.
bool Simulator::journal_step(HonestNode& h, Actions actions) {
  const std::size_t before = h.journal.size();
  const std::size_t appended = append_step_frames(*h.machine, actions, h.journaled_lock, h.journal);
  if (appended == 0) return true;  // nothing to make durable (an armed crash waits for a step that has)
  if (!h.armed) return true;
  if (*h.armed == CrashPoint::torn_append) {
    // The host flushes frame by frame (spec/journal.md §4.1), so what reached the disk is
    // the frames flushed before the crash and part of the one being written: a prefix.
    h.journal.resize(before + static_cast<std::size_t>(rng_.below(appended)));
  }
  go_down(h);
  return false;
}

void Simulator::send_all(HonestNode& h, const MessageBytes& bytes) {
  for (std::size_t to = 0; to < config_.nodes; ++to) {
    if (to == h.node) continue;
    ++h.sent;
    network_.send(now_, h.node, to, bytes);
  }
}

void Simulator::execute(HonestNode& h, const result<Actions>& r, const char* handler, bool from_commit) {
  if (!r) {
    const auto& ec = r.error();
    ++result_.handler_errors[std::string(handler) + ": " + ec.category().name() + ": " + ec.message()];
    return;
  }
  if (!journal_step(h, r.value())) return;
  // The span points into the machine's buffer; nothing below calls back into it.
  for (const Action& a : r.value()) {
    switch (a.kind) {
      case ActionKind::broadcast_proposal:
        send_all(h, std::make_shared<const std::vector<std::uint8_t>>(encode_to_bytes(a.proposal)));
        break;
      case ActionKind::broadcast_vote:
        send_all(h, std::make_shared<const std::vector<std::uint8_t>>(encode_to_bytes(a.vote)));
        break;
      case ActionKind::set_timer: {
        // The round limit: a node gets no timer at or after round R's scheduled start,
        // so it never runs more than R rounds (it still answers messages after that).
        if (a.at_ms >= round_limit_ms_) {
          ++result_.timers_suppressed;
          break;
        }
        Event e;
        e.time_ms = std::max(a.at_ms, now_);
        e.kind = EventKind::timer;
        e.node = h.node;
        e.timer = a.timer;
        e.epoch = h.epoch;
        queue_.push(std::move(e));
        break;
      }
      case ActionKind::finalize:
        record_finalize(h, from_commit);
        break;
      case ActionKind::broadcast_reproposal: {
        const Reproposal* rp = h.machine->reproposal();
        if (rp == nullptr) {
          result_.violations.push_back("node " + std::to_string(h.node) + ": re-proposal without a held polka");
          break;
        }
        send_all(h, std::make_shared<const std::vector<std::uint8_t>>(encode_to_bytes(*rp)));
        break;
      }
      case ActionKind::send_commit: {
        const auto d = h.machine->decision();
        if (!d || a.member >= world_.node_of_member.size()) {
          result_.violations.push_back("node " + std::to_string(h.node) + ": send_commit without a decision");
          break;
        }
        const std::size_t to = world_.node_of_member[a.member];
        if (to == h.node) break;
        ++h.sent;
        network_.send(now_, h.node, to, std::make_shared<const std::vector<std::uint8_t>>(encode_to_bytes(*d)));
        break;
      }
    }
  }
}

void Simulator::record_finalize(HonestNode& h, bool from_commit) {
  const auto d = h.machine->decision();
  if (!d || d->certificate == nullptr) {
    result_.violations.push_back("node " + std::to_string(h.node) + ": finalize without a decision");
    result_.agreement = false;
    return;
  }
  if (result_.finalized_by(h.node) != nullptr) {
    result_.violations.push_back("node " + std::to_string(h.node) + " finalized twice");
    result_.agreement = false;
  }
  FinalizedRecord rec;
  rec.node = h.node;
  rec.height = d->height;
  rec.round = d->round;
  rec.block_id = d->block_id;
  rec.at_ms = now_;
  rec.adopted = from_commit;
  const Certificate& cert = *d->certificate;
  auto weight = verify_certificate(cert, world_.membership, world_.chain);
  rec.certificate_ok = weight.has_value() && cert.block_id == d->block_id && cert.height == d->height &&
                       cert.round == d->round && compute_block_id(d->header) == d->block_id;
  rec.certificate_weight = weight ? weight.value() : 0;
  if (!rec.certificate_ok) {
    result_.certificates_ok = false;
    result_.violations.push_back("node " + std::to_string(h.node) + ": certificate check failed" +
                                 (weight ? std::string() : ": " + weight.error().message()));
  }
  result_.finalized.push_back(rec);
  h.block_store = std::make_shared<const std::vector<std::uint8_t>>(encode_to_bytes(*d));
  send_all(h, h.block_store);
}

void Simulator::deliver_honest(HonestNode& h, std::span<const std::uint8_t> bytes) {
  RoundMachine& m = *h.machine;
  auto type = peek_message_type(bytes);
  if (!type) {
    ++network_.counts().decode_errors;
    return;
  }
  switch (type.value()) {
    case MessageType::proposal: {
      auto p = decode_proposal(bytes);
      if (!p) break;
      execute(h, m.on_proposal(p.value()), "on_proposal", false);
      return;
    }
    case MessageType::vote: {
      auto v = decode_vote(bytes);
      if (!v) break;
      execute(h, m.on_vote(v.value()), "on_vote", false);
      return;
    }
    case MessageType::commit: {
      if (!decode_commit(bytes, *commit_)) break;
      execute(h, m.on_commit(*commit_), "on_commit", true);
      return;
    }
    case MessageType::reproposal: {
      if (!decode_reproposal(bytes, *reproposal_)) break;
      execute(h, m.on_reproposal(*reproposal_), "on_reproposal", false);
      return;
    }
    default:
      break;  // a well-formed message of a type no node sends: as good as garbage
  }
  ++network_.counts().decode_errors;
}

void Simulator::deliver(const Event& e) {
  if (!up(e.node)) {
    ++network_.counts().to_crashed;
    return;
  }
  ++network_.counts().delivered;
  if (honest_nodes_[e.node]) {
    deliver_honest(*honest_nodes_[e.node], *e.bytes);
  } else {
    byzantine_[e.node]->on_message(byz_context(), now_, *e.bytes);
  }
}

void Simulator::log_event(const Event& e) {
  std::array<std::uint8_t, 8 + 1 + 4 + 4 + 4 + 1 + 1 + 8 + 4 + 8> rec{};
  std::uint8_t* p = rec.data();
  store_u64(p, e.time_ms);
  p[8] = static_cast<std::uint8_t>(e.kind);
  store_u32(p + 9, static_cast<std::uint32_t>(e.node));
  store_u32(p + 13, static_cast<std::uint32_t>(e.from));
  store_u32(p + 17, e.round);
  p[21] = e.phase;
  p[22] = static_cast<std::uint8_t>(e.timer.kind);
  store_u64(p + 23, e.timer.height);
  store_u32(p + 31, e.timer.round);
  const std::uint64_t len = e.bytes ? e.bytes->size() : 0;
  store_u64(p + 35, len);
  log_.update(rec);
  if (e.kind == EventKind::timer || e.kind == EventKind::crash || e.kind == EventKind::restart) {
    std::array<std::uint8_t, 8> extra{};
    store_u32(extra.data(), e.epoch);
    store_u32(extra.data() + 4, static_cast<std::uint32_t>(e.crash));
    log_.update(extra);
  }
  if (e.bytes) log_.update(*e.bytes);
}

void Simulator::handle(const Event& e) {
  log_event(e);
  ++result_.events;
  switch (e.kind) {
    case EventKind::deliver:
      deliver(e);
      return;
    case EventKind::timer: {
      if (!honest_nodes_[e.node]) return;
      HonestNode& h = *honest_nodes_[e.node];
      if (!h.up || e.epoch != h.epoch) return;
      execute(h, h.machine->on_timer(e.timer), "on_timer", false);
      return;
    }
    case EventKind::byzantine_step:
      if (!byzantine_[e.node] || !byzantine_up_[e.node]) return;
      byzantine_[e.node]->on_step(byz_context(), now_, e.round, e.phase);
      return;
    case EventKind::crash:
      on_crash(e);
      return;
    case EventKind::restart:
      if (!honest_nodes_[e.node]) return;
      // A crash armed for a journaling step that never came falls here, between steps.
      if (honest_nodes_[e.node]->armed) go_down(*honest_nodes_[e.node]);
      restart(*honest_nodes_[e.node]);
      return;
  }
}

void Simulator::begin_height(HonestNode& h) {
  HeightStart hs;
  hs.height = kSimHeight;
  hs.prev_id = world_.prev_id;
  hs.midnight_ms = kSimMidnightMs;
  hs.mempool = h.mempool;
  h.machine->begin_height(hs);
}

void Simulator::start_honest(HonestNode& h) {
  begin_height(h);
  execute(h, h.machine->on_round_start({kSimHeight, 0}), "on_round_start", false);
}

void Simulator::check_agreement() {
  std::map<std::uint64_t, const FinalizedRecord*> first;
  for (const auto& f : result_.finalized) {
    auto [it, inserted] = first.emplace(f.height, &f);
    if (!inserted && it->second->block_id != f.block_id) {
      result_.agreement = false;
      result_.violations.push_back("height " + std::to_string(f.height) + ": node " + std::to_string(f.node) +
                                   " finalized " + short_hex(f.block_id) + " but node " +
                                   std::to_string(it->second->node) + " finalized " +
                                   short_hex(it->second->block_id));
    }
  }
  bool all = true;
  for (std::size_t i = 0; i < config_.nodes; ++i) {
    if (!honest_[i]) continue;
    const bool ever_crashes = std::any_of(config_.crashes.begin(), config_.crashes.end(),
                                          [&](const Crash& c) { return c.node == i; });
    if (!ever_crashes && result_.finalized_by(i) == nullptr) all = false;
  }
  result_.all_honest_finalized = all;
}

void Simulator::collect_trace() {
  for (std::size_t i = 0; i < config_.nodes; ++i) {
    NodeTrace t;
    t.node = i;
    t.member_index = world_.member_of_node[i];
    t.key = world_.keys[i].public_key;
    t.weight = world_.membership.member(t.member_index).weight;
    t.byzantine = !honest_[i];
    t.slow = network_.slow(i);
    for (const auto& c : config_.crashes)
      if (c.node == i && (!t.crashed_at || c.at_ms < *t.crashed_at)) t.crashed_at = c.at_ms;
    if (!honest_[i]) {
      t.messages_sent = byzantine_[i]->messages_sent();
      result_.nodes.push_back(std::move(t));
      continue;
    }
    const HonestNode& h = *honest_nodes_[i];
    const RoundMachine& m = *h.machine;
    t.messages_sent = h.sent;
    t.last_round = m.round();
    t.step = m.step();
    t.lock = m.lock();
    // The rounds the machine still holds (its window up to its current round).
    for (std::uint32_t r = m.window_lowest(); r <= m.round(); ++r) {
      RoundTrace rt;
      rt.round = r;
      for (std::size_t mem = 0; mem < world_.membership.size(); ++mem) {
        if (const Proposal* p = m.proposal_of(r, mem))
          rt.proposals.push_back({world_.node_of_member[mem], compute_block_id(p->header),
                                  m.vrf_output_of(r, mem) ? std::optional(*m.vrf_output_of(r, mem)) : std::nullopt});
      }
      const VoteTally& pv = *m.prevotes(r);
      const VoteTally& pc = *m.precommits(r);
      if (const Vote* v = m.prevote_of(r)) {
        rt.prevoted = true;
        rt.prevote_approve = v->approve;
        rt.prevote_block = v->block_id;
        if (v->approve) {
          rt.prevote_weight = pv.approve_weight(v->block_id);
          rt.precommit_weight = pc.approve_weight(v->block_id);
        }
      }
      if (const Vote* v = pc.vote_of(m.member_index())) {
        rt.precommitted = true;
        rt.precommit_approve = v->approve;
        rt.precommit_block = v->block_id;
      }
      rt.prevote_voted_weight = pv.voted_weight();
      rt.precommit_voted_weight = pc.voted_weight();
      rt.prevote_quorum = pv.quorum_block();
      rt.precommit_quorum = pc.quorum_block();
      t.rounds.push_back(std::move(rt));
    }
    result_.nodes.push_back(std::move(t));
  }
}

SimResult Simulator::run() {
  now_ = kSimMidnightMs;
  for (std::size_t i = 0; i < config_.nodes; ++i)
    if (byzantine_[i]) byzantine_[i]->start(byz_context());
  // A node that crashes at midnight, between steps, never starts (until its restart).
  for (const Crash& c : config_.crashes)
    if (c.at_ms == now_ && c.point == CrashPoint::before_step && honest_nodes_[c.node]) go_down(*honest_nodes_[c.node]);
  for (std::size_t i = 0; i < config_.nodes; ++i)
    if (honest_nodes_[i] && honest_nodes_[i]->up) start_honest(*honest_nodes_[i]);
  while (!queue_.empty() && queue_.top().time_ms <= result_.time_limit_ms) {
    const Event e = queue_.pop();
    now_ = e.time_ms;
    result_.end_ms = now_;
    handle(e);
  }
  while (!queue_.empty()) {
    if (queue_.pop().kind == EventKind::deliver) ++network_.counts().undelivered;
  }
  result_.messages = network_.counts();
  result_.no_double_votes = monitor_->no_double_votes();
  result_.locks_kept = monitor_->locks_kept();
  for (const auto& v : monitor_->violations()) result_.violations.push_back(v);
  check_agreement();
  collect_trace();
  result_.event_log = log_.finish();
  return std::move(result_);
}

}  // namespace

std::uint64_t run_round_limit_ms(const SimConfig& config) {
  if (config.max_rounds > 0) return round_start_ms(kSimMidnightMs, config.timing, config.max_rounds);
  return run_time_limit_ms(config);
}

std::uint64_t run_time_limit_ms(const SimConfig& config) {
  if (config.max_rounds > 0) return run_round_limit_ms(config) + kDrainMs;
  return kSimMidnightMs + (config.time_limit_ms != 0 ? config.time_limit_ms : kDefaultRunMs);
}

std::uint32_t run_round_count(const SimConfig& config) {
  if (config.max_rounds > 0) return config.max_rounds;
  const std::uint64_t limit = run_round_limit_ms(config);
  const std::uint32_t last = round_at_ms(kSimMidnightMs, config.timing, limit);
  return round_start_ms(kSimMidnightMs, config.timing, last) < limit ? last + 1 : last;
}

SimResult run_simulation(const SimConfig& config) {
  if (auto err = validate(config); !err.empty()) {
    SimResult r;
    r.config = config;
    r.error = err;
    r.agreement = false;
    return r;
  }
  crypto_init();
  Simulator sim(config);
  return sim.run();
}

Hash32 digest(const SimResult& result) {
  const std::string json = to_json(result);
  return Sha256().update(result.event_log.span()).update(std::string_view(json)).finish();
}

}  // namespace midnight::sim
