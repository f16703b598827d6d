#include "midnight/sim/simulator.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <map>
#include <memory>

#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/journal/journal_record.hpp"
#include "midnight/node/node_disk.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/byzantine.hpp"
#include "midnight/sim/encoding.hpp"
#include "midnight/sim/memo_verifier.hpp"
#include "midnight/sim/model_trace.hpp"
#include "midnight/sim/sim_validity.hpp"
#include "midnight/block/body_check.hpp"
#include "midnight/sim/event_queue.hpp"
#include "midnight/sim/network.hpp"
#include "midnight/sim/node_tap.hpp"
#include "midnight/sim/sim_observer.hpp"
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

// NegativeControl::lock_without_polka: the journal as it would be had the host never
// journaled a lock's polka (spec/journal.md): every polka part frame removed, votes and
// locks kept. A restarted node is then locked without the polka that justified its lock.
void drop_polka_frames(std::vector<std::uint8_t>& journal) {
  std::vector<std::uint8_t> kept;
  for (std::size_t at = 0; at < journal.size(); at += kJournalFrameSize) {
    const std::size_t end = std::min(journal.size(), at + kJournalFrameSize);
    const bool polka_part = end - at > kJournalLengthSize &&
                            journal[at + kJournalLengthSize] == static_cast<std::uint8_t>(JournalRecordKind::polka);
    if (!polka_part) kept.insert(kept.end(), journal.begin() + static_cast<std::ptrdiff_t>(at),
                                 journal.begin() + static_cast<std::ptrdiff_t>(end));
  }
  journal = std::move(kept);
}

// An input of `kind` at `now_ms`, its other fields empty.
NodeInput input_at(NodeInputKind kind, std::uint64_t now_ms) {
  NodeInput in;
  in.kind = kind;
  in.now_ms = now_ms;
  return in;
}

// One honest node: its host (node/node_host.hpp), which owns the round machine, and
// what survives a crash, which is what a real node keeps on disk: the journal's durable
// bytes and the block store's commits.
struct HonestNode {
  std::size_t node = 0;
  HostConfig config;
  NodeMempool mempool;  // its snapshot: the pool (less what it lacks, plus its own) in its order
  std::unique_ptr<NodeHost> host;
  std::uint64_t sent = 0;
  bool up = true;
  bool refused = false;        // its journal did not replay: it stays down for good
  std::uint32_t epoch = 0;     // incarnation; timers of an earlier one are dead
  std::optional<CrashPoint> armed;  // a crash that falls inside the next journaling step
  NodeDisk disk;  // its block store and journal
  BodyTraffic bodies;
  ReconcileTraffic reconcile;
};

class Simulator {
 public:
  // `shared`: what this run takes from outside instead of making (simulator.hpp).
  Simulator(const SimConfig& config, NodeTap* tap, const SharedRunInputs& shared = {},
            SimObserver* observer = nullptr);
  SimResult run();

 private:
  void start_honest(HonestNode& h);
  void handle(const Event& e);
  void deliver(const Event& e);
  // The host's answer to `input`, or the tap's in its place, carried out.
  void step(HonestNode& h, const NodeInput& input, const HostOutput& out);
  void execute(HonestNode& h, const HostOutput& out);
  void deliver_honest_bytes(HonestNode& h, std::span<const std::uint8_t> bytes);
  void count_body_traffic_out(HonestNode& h, std::span<const std::uint8_t> bytes);
  void record_finalize(HonestNode& h, const StoredCommit& a);
  void send_all(HonestNode& h, const MessageBytes& bytes);
  void on_crash(const Event& e);
  void go_down(HonestNode& h);
  void restart(HonestNode& h);
  bool up(std::size_t node) const;
  // Whether the run holds `node` to the safety properties: an honest node that is not
  // one of the twins (their member is the faulty one, Twins' equivocating key).
  bool judged(std::size_t node) const { return honest_[node] && !is_twin_node(config_, node); }
  void log_event(const Event& e);
  void collect_trace();
  void check_agreement();
  std::uint64_t round_limit_ms(std::uint64_t height) const;
  ByzantineContext byz_context() { return {config_, world_, network_, queue_, rng_, honest_}; }

  SimConfig config_;  // a copy: the network and the Byzantine nodes refer to it
  NodeTap* tap_;                        // null: the reference hosts play every honest node
  SimObserver* observer_;               // null: no one watches (sim_observer.hpp)
  MemoVerifier memo_;
  const SignatureVerifier& verifier_;  // memo_ or libsodium directly (config_.verify_memo)
  const VrfVerifier& vrf_verifier_;    // a shared memo, or ecvrf_verify directly
  const VrfProver& vrf_prover_;        // a shared memo, or ecvrf_prove directly
  SimTxValidity sim_validity_;
  const TxValidity& validity_;          // every honest node's transaction predicate: the tap's or sim_validity_
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
  std::unique_ptr<ModelTraceRecorder> trace_;              // SimConfig::model_trace, without a tap
  std::unique_ptr<CommitView> commit_;                     // the judge's decode target (large)
  SimResult result_;
  Sha256 log_;
  std::uint64_t now_ = 0;
};

Simulator::Simulator(const SimConfig& config, NodeTap* tap, const SharedRunInputs& shared, SimObserver* observer)
    : config_(config),
      tap_(tap),
      observer_(observer),
      verifier_(shared.verifier != nullptr ? *shared.verifier
                : config.verify_memo       ? static_cast<const SignatureVerifier&>(memo_)
                                           : direct_verifier()),
      vrf_verifier_(shared.vrf_verifier != nullptr ? *shared.vrf_verifier : direct_vrf_verifier()),
      vrf_prover_(shared.vrf_prover != nullptr ? *shared.vrf_prover : direct_vrf_prover()),
      validity_(tap != nullptr && tap->validity() != nullptr ? *tap->validity() : sim_validity_),
      rng_(config.seed),
      network_(config_, rng_, queue_),
      world_(shared.world != nullptr ? *shared.world : make_world(config_, rng_)),
      commit_(std::make_unique<CommitView>()) {
  result_.config = config_;
  result_.chain = world_.chain;
  result_.total_weight = world_.membership.total_weight();
  result_.quorum = world_.membership.quorum();
  result_.time_limit_ms = run_time_limit_ms(config_);
  policy_ = make_policy(to_string(config_.policy));
  honest_.assign(config_.nodes, true);
  for (std::size_t i = config_.nodes - config_.byzantine; i < config_.nodes; ++i) honest_[i] = false;
  honest_nodes_.resize(config_.nodes);
  byzantine_.resize(config_.nodes);
  // Every honest node builds the same block content (unless mempools diverge); a
  // Byzantine node needs a Merkle root to propose "honest" content under its own name:
  // that of the whole pool.
  Hash32 honest_root;
  for (std::size_t i = 0; i < config_.nodes; ++i) {
    if (honest_[i]) {
      auto h = std::make_unique<HonestNode>();
      h->node = i;
      h->mempool = node_mempool(world_, config_.mempool_divergence, rng_);
      // The twin's snapshot lacks one transaction of its original's pool, so that when
      // their member leads the twins propose two blocks: the equivocating leader of Twins.
      if (is_twin_node(config_, i) && i != config_.twin_of && !h->mempool.views.empty())
        h->mempool.views.pop_back();
      NodeConfig& nc = h->config.node;
      nc.chain_id = world_.chain;
      nc.membership = &world_.membership;
      nc.policy = policy_.get();
      nc.keys = world_.keys[i];
      nc.vrf_keys = world_.vrf_keys[i];
      nc.timing = config_.timing;
      nc.reward_per_height = config_.reward_per_height;
      nc.unsafe_retry_without_lock = config_.negative_control == NegativeControl::no_lock;
      nc.unsafe_hold_unchecked_bodies = config_.negative_control == NegativeControl::hold_unchecked_body;
      nc.unsafe_skip_lock_announcement = config_.negative_control == NegativeControl::no_announce;
      nc.verifier = &verifier_;
      nc.vrf_verifier = &vrf_verifier_;
      nc.vrf_prover = &vrf_prover_;
      nc.validity = &validity_;
      h->config.schedule = sim_schedule(config_, world_);
      h->config.mempool = h->mempool.views;
      h->config.unsafe_no_catch_up = config_.negative_control == NegativeControl::no_catch_up;
      h->config.version1_commit_traffic = config_.version1_commit_traffic;
      h->host = std::make_unique<NodeHost>(h->config);
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
  std::vector<bool> honest_members(world_.membership.size());
  for (std::size_t i = 0; i < config_.nodes; ++i)
    honest_members[world_.member_of_node[i]] = judged(i);
  monitor_ = std::make_unique<VoteMonitor>(world_.membership, world_.chain, std::move(honest_members),
                                           world_.node_of_member, verifier_);
  network_.set_monitor(monitor_.get());
  network_.set_observer(observer_);
  if (config_.model_trace && tap_ == nullptr) {
    trace_ = std::make_unique<ModelTraceRecorder>(config_, world_, honest_, verifier_);
    network_.set_trace(trace_.get());
  }
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

// A restart is a new process: a fresh host given back the block store's commits and the
// journal (spec/journal.md), then started at the height and round the clock says. A
// journal that does not replay means the node refuses to vote: it stays down rather
// than risk a second vote.
void Simulator::restart(HonestNode& h) {
  if (h.up || h.refused) return;
  h.host = std::make_unique<NodeHost>(h.config);
  if (config_.negative_control == NegativeControl::restart_without_journal) h.disk.journal.clear();
  if (config_.negative_control == NegativeControl::lock_without_polka) drop_polka_frames(h.disk.journal);
  // What the host is given, kept for the tap before restore_into drops a torn tail.
  const std::vector<std::uint8_t> journal = tap_ != nullptr ? h.disk.journal : std::vector<std::uint8_t>();
  const auto replay = h.disk.restore_into(*h.host);
  if (tap_ != nullptr) {
    NodeInput input = input_at(NodeInputKind::restart, now_);
    input.block_store = h.disk.block_store;
    input.journal = journal;
    tap_->on_restart(h.node, input, replay);
  }
  if (!replay) {
    h.refused = true;
    ++result_.journal_refusals;
    ++result_.handler_errors["restart: " + std::string(replay.error().category().name()) + ": " +
                             replay.error().message()];
    return;
  }
  if (replay.value().torn_bytes > 0) ++result_.torn_frames_dropped;
  h.up = true;
  ++result_.restarts;
  if (trace_) trace_->on_restart(h.node);
  if (observer_ != nullptr) observer_->on_restart(now_, h.node);
  step(h, input_at(NodeInputKind::start, now_), h.host->handle_start(now_));
}

void Simulator::send_all(HonestNode& h, const MessageBytes& bytes) {
  for (std::size_t to = 0; to < config_.nodes; ++to) {
    if (to == h.node) continue;
    ++h.sent;
    network_.send(now_, h.node, to, bytes);
  }
}

std::uint64_t Simulator::round_limit_ms(std::uint64_t height) const {
  if (config_.max_rounds == 0) return result_.time_limit_ms;
  return round_start_ms(sim_schedule(config_, world_).midnight_ms(height), config_.timing, config_.max_rounds);
}

void Simulator::step(HonestNode& h, const NodeInput& input, const HostOutput& out) {
  execute(h, tap_ != nullptr ? tap_->on_step(h.node, input, out, *h.host) : out);
}

// The host's contract, carried out: the block store and the journal first, then the
// actions. A crash armed for this step falls inside the journal append (part of a frame
// reaches the disk) or just after it; either way nothing of the step is released.
void Simulator::execute(HonestNode& h, const HostOutput& out) {
  if (out.error) {
    ++result_.handler_errors[std::string(out.handler) + ": " + out.error.category().name() + ": " +
                             out.error.message()];
  }
  const std::size_t appended = h.disk.store(out);
  for (const StoredCommit& d : out.decided) record_finalize(h, d);
  if (appended > 0 && h.armed) {
    // The host flushes frame by frame (spec/journal.md 4.1): a torn append keeps a prefix.
    if (*h.armed == CrashPoint::torn_append) {
      h.disk.tear_last_append(appended, rng_.below(appended));
    } else if (trace_) {
      trace_->on_step(h.node, now_, out, *h.host);  // durable: its votes come back at the restart
    }
    go_down(h);
    return;
  }
  if (trace_) trace_->on_step(h.node, now_, out, *h.host);
  for (const HostAction& a : out.actions) {
    switch (a.kind) {
      case HostActionKind::broadcast:
        send_all(h, a.bytes);
        break;
      case HostActionKind::send: {
        if (a.member >= world_.node_of_member.size()) break;
        // A message to the twins' member reaches both of them, as it would reach every
        // machine that runs one key.
        const std::size_t original = world_.node_of_member[a.member];
        const bool twins = is_twin_node(config_, original);
        for (std::size_t copy = 0; copy < (twins ? 2U : 1U); ++copy) {
          const std::size_t to = copy == 0 ? original : config_.nodes - 1;
          if (to == h.node) continue;
          ++h.sent;
          count_body_traffic_out(h, *a.bytes);
          network_.send(now_, h.node, to, a.bytes);
        }
        break;
      }
      case HostActionKind::set_timer: {
        // The round limit: a node gets no round timer at or after round R's scheduled
        // start, so it never runs more than R rounds (it still answers messages after that).
        const bool round_timer = a.timer.kind == HostTimerKind::round;
        const std::uint64_t limit = round_timer ? round_limit_ms(a.timer.round_timer.height) : result_.time_limit_ms;
        if (a.at_ms >= limit) {
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
    }
  }
}

// The judge: every decision is checked from the commit's bytes, independently of the
// host that made it: its certificate against the membership, its block id, its parent.
void Simulator::record_finalize(HonestNode& h, const StoredCommit& a) {
  const MessageBytes& commit = a.commit;
  // The twins' decisions are recorded, never judged.
  const auto fail = [&](const std::string& why) {
    if (!judged(h.node)) return;
    result_.violations.push_back("node " + std::to_string(h.node) + ": " + why);
    result_.agreement = false;
  };
  if (observer_ != nullptr && commit) observer_->on_decide(now_, h.node, a.height, *commit);
  if (!commit || !decode_commit(*commit, *commit_)) return fail("finalize without a decodable commit");
  for (const auto& f : result_.finalized) {
    if (f.node == h.node && f.height == a.height) fail("finalized height " + std::to_string(a.height) + " twice");
  }
  const Certificate& cert = commit_->certificate;
  const BlockHeader& header = commit_->block.header;
  FinalizedRecord rec;
  rec.node = h.node;
  rec.height = a.height;
  rec.round = cert.round;
  rec.block_id = cert.block_id;
  rec.prev_id = header.prev_id;
  rec.at_ms = now_;
  rec.adopted = a.adopted;
  auto weight = verify_certificate(cert, world_.membership, world_.chain, verifier_);
  rec.certificate_ok = weight.has_value() && cert.height == a.height && header.height == a.height &&
                       compute_block_id(header) == cert.block_id;
  rec.certificate_weight = weight ? weight.value() : 0;
  rec.certificate_signers = cert.count();
  rec.block_transactions = commit_->block.tx_count;
  rec.commit_bytes = commit->size();
  // Validity (spec/claims.md 2): the decided body is one an honest member could have
  // built: the coinbase every member builds, canonical order, within the caps, every
  // transaction valid under the simulator's predicate, hashing to the header's root.
  const std::vector<std::uint8_t> coinbase =
      build_coinbase(world_.chain, a.height, world_.membership, config_.reward_per_height);
  if (auto valid = check_block_body(world_.chain, commit_->block.transactions(), header.merkle_root, coinbase,
                                    &validity_);
      !valid && judged(h.node)) {
    result_.bodies_valid = false;
    result_.violations.push_back("node " + std::to_string(h.node) + ": decided an invalid body: " +
                                 valid.error().message());
  }
  if (!rec.certificate_ok && judged(h.node)) {
    result_.certificates_ok = false;
    result_.violations.push_back("node " + std::to_string(h.node) + ": certificate check failed" +
                                 (weight ? std::string() : ": " + weight.error().message()));
  }
  result_.finalized.push_back(rec);
}

// Body requests and the blocks that answer them are sent to one member, never broadcast.
void Simulator::count_body_traffic_out(HonestNode& h, std::span<const std::uint8_t> bytes) {
  const auto type = peek_message_type(bytes);
  if (type && type.value() == MessageType::body_request) {
    ++h.bodies.requests_sent;
    h.bodies.request_bytes_sent += bytes.size();
  } else if (type && type.value() == MessageType::block) {
    ++h.bodies.bodies_served;
    h.bodies.body_bytes_served += bytes.size();
  } else if (type && type.value() == MessageType::reconcile_request) {
    ++h.reconcile.requests_sent;
    h.reconcile.request_bytes_sent += bytes.size();
  } else if (type && (type.value() == MessageType::body_sketch || type.value() == MessageType::body_transactions)) {
    ++h.reconcile.answers_served;
    h.reconcile.bytes_served += bytes.size();
  }
}

void Simulator::deliver_honest_bytes(HonestNode& h, std::span<const std::uint8_t> bytes) {
  if (const auto type = peek_message_type(bytes); type && type.value() == MessageType::block) {
    ++h.bodies.bodies_received;
    h.bodies.body_bytes_received += bytes.size();
    // The transaction count, u32 after the prefix and the signed header.
    if (bytes.size() >= kPrefixSize + kSignedHeaderBodySize + 4) {
      h.bodies.transactions_received += load_u32(bytes.data() + kPrefixSize + kSignedHeaderBodySize);
    }
  } else if (type && type.value() == MessageType::body_sketch) {
    ++h.reconcile.sketches_received;
    h.reconcile.sketch_bytes_received += bytes.size();
  } else if (type && type.value() == MessageType::body_transactions) {
    ++h.reconcile.transaction_answers_received;
    h.reconcile.transaction_bytes_received += bytes.size();
    if (bytes.size() >= kPrefixSize + kBodyTransactionsFixedSize) {
      h.reconcile.transactions_received += load_u32(bytes.data() + kPrefixSize + kBodyTransactionsFixedSize - 4);
    }
  }
  const HostOutput& out = h.host->handle_message(now_, bytes);
  if (out.error && out.error.category() == error_category_of<codec_errc>()) ++network_.counts().decode_errors;
  NodeInput input = input_at(NodeInputKind::message, now_);
  input.message = bytes;
  step(h, input, out);
}

void Simulator::deliver(const Event& e) {
  if (!up(e.node)) {
    ++network_.counts().to_crashed;
    return;
  }
  ++network_.counts().delivered;
  if (observer_ != nullptr) observer_->on_deliver(now_, e.from, e.node, *e.bytes);
  if (honest_nodes_[e.node]) {
    deliver_honest_bytes(*honest_nodes_[e.node], *e.bytes);
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
  const bool round_timer = e.timer.kind == HostTimerKind::round;
  p[22] = round_timer ? static_cast<std::uint8_t>(e.timer.round_timer.kind)
                      : static_cast<std::uint8_t>(0x80U | static_cast<unsigned>(e.timer.kind));
  store_u64(p + 23, round_timer ? e.timer.round_timer.height : e.timer.height);
  store_u32(p + 31, round_timer ? e.timer.round_timer.round : 0);
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
      NodeInput input = input_at(NodeInputKind::timer, now_);
      input.timer = e.timer;
      step(h, input, h.host->handle_timer(now_, e.timer));
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

void Simulator::start_honest(HonestNode& h) {
  step(h, input_at(NodeInputKind::start, now_), h.host->handle_start(now_));
}

// Agreement: one block per height across all honest nodes. Chains: each honest node's
// decisions are heights 1, 2, ... in order, each block the child of the one before, so
// with agreement every two chains are prefixes of one another.
void Simulator::check_agreement() {
  std::map<std::uint64_t, const FinalizedRecord*> first;
  for (const auto& f : result_.finalized) {
    if (!judged(f.node)) continue;
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
  bool complete = true;
  for (std::size_t i = 0; i < config_.nodes; ++i) {
    if (!judged(i)) continue;
    std::uint64_t next = kSimHeight;
    BlockId parent = world_.prev_id;
    for (const auto& f : result_.finalized) {
      if (f.node != i) continue;
      if (f.height != next || f.prev_id != parent) {
        result_.chains_linked = false;
        result_.violations.push_back("node " + std::to_string(i) + ": height " + std::to_string(f.height) +
                                     " is not the child of its height " + std::to_string(next - 1));
      }
      next = f.height + 1;
      parent = f.block_id;
    }
    const bool every_height = next == kSimHeight + config_.heights;
    const bool ever_crashes = std::any_of(config_.crashes.begin(), config_.crashes.end(),
                                          [&](const Crash& c) { return c.node == i; });
    if (!ever_crashes && !every_height) all = false;
    if (honest_nodes_[i]->up && !every_height) complete = false;
  }
  result_.all_honest_finalized = all;
  result_.chains_complete = complete;
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
    const RoundMachine& m = h.host->machine();
    t.messages_sent = h.sent;
    t.mempool_held = h.mempool.views.size();
    t.mempool_missing = h.mempool.missing;
    t.mempool_own = h.mempool.own.size();
    t.bodies = h.bodies;
    t.reconcile = h.reconcile;
    const ReconcileCounts& rc = h.host->machine().reconcile_counts();
    t.reconcile.fetches_opened = rc.opened;
    t.reconcile.bodies_assembled = rc.assembled;
    t.reconcile.fell_back_undecodable = rc.undecodable;
    t.reconcile.fell_back_inconsistent = rc.inconsistent;
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
  if (tap_ != nullptr) {
    std::vector<TapNode> honest;
    for (const auto& h : honest_nodes_)
      if (h) honest.push_back({h->node, &h->config});
    tap_->begin(config_, world_, honest);
  }
  if (observer_ != nullptr) observer_->begin(config_, world_, honest_);
  for (std::size_t i = 0; i < config_.nodes; ++i)
    if (byzantine_[i]) byzantine_[i]->start(byz_context());
  // A node that crashes at midnight, between steps, never starts (until its restart).
  for (const Crash& c : config_.crashes)
    if (c.at_ms == now_ && c.point == CrashPoint::before_step && honest_nodes_[c.node]) go_down(*honest_nodes_[c.node]);
  for (std::size_t i = 0; i < config_.nodes; ++i)
    if (honest_nodes_[i] && honest_nodes_[i]->up) start_honest(*honest_nodes_[i]);
  while (!queue_.empty() && queue_.top().time_ms <= result_.time_limit_ms) {
    if (tap_ != nullptr && tap_->stopped()) break;
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
  if (trace_) result_.model_traces = trace_->traces();
  return std::move(result_);
}

}  // namespace

ChainSchedule sim_schedule(const SimConfig& config, const World& world) {
  ChainSchedule s;
  s.genesis_id = world.prev_id;
  s.first_height = kSimHeight;
  s.first_midnight_ms = kSimMidnightMs;
  s.height_interval_ms = config.height_interval_ms;
  s.last_height = kSimHeight + config.heights - 1;
  return s;
}

namespace {
std::uint64_t last_midnight_ms(const SimConfig& config) {
  return kSimMidnightMs + (config.heights - 1) * config.height_interval_ms;  // validate() bounds it
}
}  // namespace

std::uint64_t run_round_limit_ms(const SimConfig& config) {
  if (config.max_rounds > 0) return round_start_ms(last_midnight_ms(config), config.timing, config.max_rounds);
  return run_time_limit_ms(config);
}

std::uint64_t run_time_limit_ms(const SimConfig& config) {
  using timing_detail::add_saturated;  // S(R) saturates for R above some 10^8 rounds
  if (config.max_rounds > 0) return add_saturated(run_round_limit_ms(config), kDrainMs);
  return add_saturated(last_midnight_ms(config), config.time_limit_ms != 0 ? config.time_limit_ms : kDefaultRunMs);
}

std::uint32_t run_round_count(const SimConfig& config) {
  if (config.max_rounds > 0) return config.max_rounds;
  const std::uint64_t limit = std::min(run_round_limit_ms(config), kSimMidnightMs + config.height_interval_ms);
  const std::uint32_t last = round_at_ms(kSimMidnightMs, config.timing, limit);
  return round_start_ms(kSimMidnightMs, config.timing, last) < limit ? last + 1 : last;
}

SimResult run_simulation(const SimConfig& config) { return run_simulation(config, nullptr); }

SimResult run_simulation(const SimConfig& config, NodeTap* tap) { return run_simulation(config, tap, SharedRunInputs{}); }

SimResult run_simulation(const SimConfig& config, NodeTap* tap, const SharedRunInputs& shared) {
  if (auto err = validate(config); !err.empty()) {
    SimResult r;
    r.config = config;
    r.error = err;
    r.agreement = false;
    return r;
  }
  crypto_init();
  Simulator sim(config, tap, shared);
  return sim.run();
}

SimResult run_simulation(const SimConfig& config, SimObserver& observer) {
  if (auto err = validate(config); !err.empty()) return run_simulation(config, nullptr);
  crypto_init();
  Simulator sim(config, nullptr, SharedRunInputs{}, &observer);
  return sim.run();
}

Hash32 digest(const SimResult& result) {
  const std::string json = to_json(result);
  return Sha256().update(result.event_log.span()).update(std::string_view(json)).finish();
}

}  // namespace midnight::sim
