#include "round/round_harness.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/check.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/core/member_set.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/node/node_disk.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/encoding.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/vote_monitor.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"
#include "round/round_script.hpp"

namespace midnight::fuzz::round {

namespace {

// Bounds that keep one run short and its memory fixed, whatever the script.
constexpr std::size_t kMaxInFlight = 256;       // a send beyond this is lost (the network may lose anything)
constexpr std::size_t kMaxPendingTimers = 16;   // per node; the oldest is forgotten first
constexpr std::size_t kMaxHistory = 64;         // messages the adversary can replay (the latest)
constexpr std::size_t kMaxSeenProposals = 32;   // proposal ids the adversary can name
constexpr std::size_t kMaxDeliverAll = 64;      // deliveries of one deliver_all
// Every delivery or timer is a host step with Ed25519 work; a run stops after this many.
constexpr std::size_t kMaxHandlerCalls = 768;
// One host call in this many is checked against a full copy of the machine (see checked_call).
constexpr std::size_t kFullCheckEvery = 16;
// The Byzantine member's remembered vote signatures (see byz_signed_vote): at most this
// many, and one reuse in this many is checked against a fresh signature.
constexpr std::size_t kMaxRememberedSignatures = 1U << 14;
constexpr std::size_t kSignatureCheckEvery = 16;

constexpr std::size_t kMempoolSize = 3;
constexpr std::uint64_t kReward = 1000;
// The height's midnight on every node's clock. Above 0, so that a node can be up before
// it (a late start: the host waits for midnight with a height_start timer).
constexpr std::uint64_t kMidnightMs = 86'400'000;

// ---- the fixed facts of each preset, built once ----------------------------------

// The selection policies by the options bits (round_script.hpp): stateless, built once.
// Index 0 lowest-hash (A), 1 first-to-quorum (C), 2 vrf (B).
constexpr std::size_t kPolicyCount = 3;
const SelectionPolicy& policy(std::size_t index) {
  static const std::array<std::unique_ptr<SelectionPolicy>, kPolicyCount> policies{
      make_policy("lowest-hash"), make_policy("first-to-quorum"), make_policy("vrf")};
  const auto& p = policies[index];
  MIDNIGHT_FUZZ_CHECK(p != nullptr, "harness set-up: a selection policy name is unknown");
  return *p;
}

struct PresetWorld {
  sim::World world;
  Hash32 honest_root;  // the Merkle root every honest node builds: a Byzantine "honest" proposal uses it
  RoundTiming timing;
};

std::unique_ptr<const PresetWorld> build_preset_world(std::size_t preset, sim::NegativeControl control) {
  MIDNIGHT_FUZZ_CHECK(crypto_init(), "libsodium failed to initialise");
  const Preset& p = kPresets[preset];
  sim::SimConfig config;
  config.nodes = p.nodes;
  config.weights.assign(p.weights.begin(), p.weights.begin() + static_cast<std::ptrdiff_t>(p.nodes));
  config.byzantine = 1;
  config.negative_control = control;
  config.mempool_size = kMempoolSize;
  config.reward_per_height = kReward;
  MIDNIGHT_FUZZ_CHECK(sim::validate(config).empty(), "harness set-up: a preset is not a valid simulator configuration");
  // The mempool is drawn from a fixed seed: the same transactions in every run.
  sim::Rng rng(config.seed);
  auto out = std::make_unique<PresetWorld>();
  out->world = sim::make_world(config, rng);
  out->timing = config.timing;
  std::vector<TxBytes> views;
  for (const auto& tx : out->world.mempool) views.emplace_back(tx);
  out->honest_root =
      build_block_content(out->world.chain, sim::kSimHeight, out->world.membership, kReward, views).merkle_root;
  return out;
}

// Function-local static: set-up only (keys, membership, mempool), identical in every run,
// so a run's outcome depends on its bytes alone.
const PresetWorld& preset_world(std::size_t preset, sim::NegativeControl control) {
  static std::array<std::unique_ptr<const PresetWorld>, kPresetCount * 2> worlds{};
  const std::size_t slot = preset * 2 + (control == sim::NegativeControl::quorum_ceil ? 1 : 0);
  if (!worlds[slot]) worlds[slot] = build_preset_world(preset, control);
  return *worlds[slot];
}

// The sampled full copy of checked_call: one per process, copy-assigned each sample (a
// machine is about 362 KB; a fresh one per sample would cost more than the run's work).
RoundMachine& snapshot_of(const RoundMachine& m) {
  static std::unique_ptr<RoundMachine> snapshot;
  if (snapshot) {
    *snapshot = m;
  } else {
    snapshot = std::make_unique<RoundMachine>(m);
  }
  return *snapshot;
}

// The harness's own decode targets, for what it watches go by (about 23 KB and 6 KB):
// one per process.
CommitView& commit_view() {
  static const auto view = std::make_unique<CommitView>();
  return *view;
}
Reproposal& reproposal_view() {
  static const auto view = std::make_unique<Reproposal>();
  return *view;
}
BodyTransactionsView& body_transactions_view() {
  static const auto view = std::make_unique<BodyTransactionsView>();
  return *view;
}

// MIDNIGHT_FUZZ_VERBOSE set: a summary line per run; set to 2: also every host step.
int verbosity() {
  static const int level = [] {
    const char* v = std::getenv("MIDNIGHT_FUZZ_VERBOSE");
    return v == nullptr ? 0 : (std::string(v) == "2" ? 2 : 1);
  }();
  return level;
}

// ---- nodes ---------------------------------------------------------------------------

struct Message {
  std::uint64_t seq = 0;  // send order, so a batch of deliveries can find its messages again
  std::size_t from = 0;
  std::size_t to = 0;
  MessageBytes bytes;
};

struct PendingTimer {
  HostTimer timer;
  std::uint64_t at_ms = 0;
};

// One honest node: its host (node/node_host.hpp), which owns the round machine, the
// journal contract, restart and the answers to commit requests, and what survives a
// crash, which is what a real node keeps on disk (node/node_disk.hpp). The harness adds
// a clock: it moves to a timer's deadline when the timer fires, and never back.
struct HonestNode {
  std::size_t node = 0;
  HostConfig config;
  std::vector<TxBytes> mempool;  // its own order of the shared transactions (and own_tx)
  std::vector<std::uint8_t> own_tx;  // divergent mempools: a transaction only this node holds
  std::unique_ptr<NodeHost> host;
  std::uint64_t clock_ms = 0;
  bool up = true;
  bool awaiting_start = false;  // a round start the script has to give (start_round)
  std::uint32_t start_round = 0;
  std::optional<sim::CrashPoint> armed;  // a crash inside the next journaling step
  std::uint8_t cut = 0;                  // torn_append: keep cut/256 of that step's append
  std::uint32_t crash_round = 0;
  NodeDisk disk;
  std::vector<PendingTimer> timers;
  std::optional<BlockId> first_finalized;  // kept across crashes: the judge of agreement
  // The block of each prevote it released (nil for a rejection) in the rounds the
  // adversary names: what a Byzantine member watching the network agrees with.
  std::array<std::optional<BlockId>, kByzRounds> released_prevote{};
  // Commits it sent the Byzantine member since its last (re)start, and the clock at the
  // first: the bound on what a peer can make a host send (kCommitAnswersPerWindow per
  // window). A host keeps the count in memory, so a restart, which the peer cannot
  // cause, begins it again.
  std::size_t answers_to_byz = 0;
  std::uint64_t first_answer_ms = 0;
  // Bodies, sketches and transactions it sent the Byzantine member (at most
  // kMaxBodyAnswers a height, one budget for the three), the body and reconcile requests
  // it sent it, the proposals and re-proposals it took from it, and the reconciliation
  // answers it took from anyone: a host opens a fetch from a member at most once per
  // proposal of its it stores and twice per polka, and asks again within a fetch (for
  // the lacked transactions, or for the whole block) only on an answer, which carries no
  // sender: a sketch from anyone is taken for any fetch of its block.
  std::size_t bodies_to_byz = 0;
  std::size_t body_requests_to_byz = 0;
  std::size_t proposals_from_byz = 0;
  std::size_t reconcile_answers_received = 0;
};

// What a rejected call must not change, read through the public observers: cheap enough
// to take around every call (the full operator== is sampled, see checked_call). The
// machine answers for the rounds of its window only, so the tallies and proposals are
// those of the window's rounds, lowest first, with the window itself; of the rounds
// before it, what is left is the held polka (the re-proposal); beyond it, the round each
// member was seen in (the round skip's input). Of the host: its height and chain tip.
struct Fingerprint {
  std::uint64_t host_height = 0;
  BlockId tip;
  bool refused = false;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  Step step = Step::idle;
  Lock lock;
  BlockId decided;
  std::uint32_t window_lowest = 0, window_highest = 0;
  std::array<MemberSet, kRoundSlots> prevoters{}, prevote_equivocators{}, precommitters{},
      precommit_equivocators{}, proposers{};
  std::array<std::uint32_t, kMaxNodes> seen_round{};  // 1 + highest_round_seen(member); 0: none
  bool repropose = false;
  std::uint32_t polka_round = 0;
  BlockId polka_block;
  std::size_t polka_signers = 0;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

Fingerprint fingerprint_of(const NodeHost& host, std::size_t members) {
  Fingerprint f;
  f.host_height = host.height();
  f.tip = host.tip_id();
  f.refused = host.refused();
  const RoundMachine& m = host.machine();
  f.height = m.height();
  f.round = m.round();
  f.step = m.step();
  f.lock = m.lock();
  if (const auto d = m.decision()) f.decided = d->block_id;
  f.window_lowest = m.window_lowest();
  f.window_highest = m.window_highest();
  MIDNIGHT_FUZZ_CHECK(f.window_lowest <= f.round && f.round <= f.window_highest &&
                          f.window_highest - f.window_lowest < kRoundSlots,
                      "window: the machine's window does not hold its round, or is wider than its slots");
  // Outside the window the machine answers nothing (scripts stay far below 2^32 - 1).
  MIDNIGHT_FUZZ_CHECK(m.prevotes(f.window_highest + 1) == nullptr && m.precommits(f.window_highest + 1) == nullptr &&
                          (f.window_lowest == 0 || m.prevotes(f.window_lowest - 1) == nullptr),
                      "window: the machine answers for a round outside its window");
  for (std::uint32_t r = f.window_lowest; r <= f.window_highest; ++r) {
    const std::size_t i = r - f.window_lowest;
    const VoteTally* prevotes = m.prevotes(r);
    const VoteTally* precommits = m.precommits(r);
    MIDNIGHT_FUZZ_CHECK(prevotes != nullptr && precommits != nullptr, "window: a round in the window has no tally");
    f.prevoters[i] = prevotes->voters();
    f.prevote_equivocators[i] = prevotes->equivocators();
    f.precommitters[i] = precommits->voters();
    f.precommit_equivocators[i] = precommits->equivocators();
    f.proposers[i].resize(members);
    for (std::size_t mem = 0; mem < members; ++mem)
      if (m.proposal_of(r, mem) != nullptr) f.proposers[i].insert(mem);
  }
  for (std::size_t mem = 0; mem < members; ++mem)
    if (const auto seen = m.highest_round_seen(mem)) f.seen_round[mem] = *seen + 1;
  if (const CarriedPolka* rp = m.held_polka()) {
    f.repropose = true;
    f.polka_round = rp->polka.round;
    f.polka_block = rp->polka.block_id;
    f.polka_signers = rp->polka.count();
  }
  return f;
}

class RoundHarness {
 public:
  RoundHarness(std::size_t preset, std::uint8_t options, sim::NegativeControl control);
  void run(ScriptReader& in);
  void print_summary() const;

 private:
  bool budget_left() const { return handler_calls_ < kMaxHandlerCalls; }
  HonestNode& honest(std::uint8_t pick) { return *honest_[pick % honest_.size()]; }
  // Honest recipients named by a `target` byte: one honest node, or every one.
  std::vector<std::size_t> targets(std::uint8_t pick) const;

  // Network.
  bool crosses_partition(const Message& m) const;
  std::vector<std::size_t> deliverable() const;
  std::optional<std::uint64_t> send(std::size_t from, std::size_t to, const MessageBytes& bytes);
  void observe(const MessageBytes& bytes);  // the monitor and the adversary see every send
  void deliver_at(std::size_t pool_index);
  void deliver_now(const std::vector<std::uint64_t>& seqs);

  // Hosting: every event goes to the node's host, and its output is carried out here.
  template <class Call>
  const HostOutput& checked_call(HonestNode& h, Call call);
  void execute(HonestNode& h, const HostOutput& out);
  void release(HonestNode& h, const HostAction& a);
  void record_finalize(HonestNode& h, const StoredCommit& d);
  void check_polka(const HonestNode& h, const CarriedPolka& rp, bool announced) const;
  void check_body_send(const HonestNode& h, MessageType type, std::span<const std::uint8_t> bytes);
  void start(HonestNode& h);
  void fire(HonestNode& h, std::size_t timer_index);
  void go_down(HonestNode& h);
  void restart(HonestNode& h, std::uint8_t how);
  void note_proposal(const Proposal& p);
  void note_prevote(const Vote& v);

  // The adversary.
  void byz_propose(std::uint8_t target, std::uint8_t flags);
  void byz_vote(std::uint8_t target, std::uint8_t flags, std::uint8_t choice);
  void byz_replay(std::uint8_t target, std::uint8_t index);
  void byz_garbage(std::uint8_t target, std::uint8_t kind);
  // byz_garbage's reconciliation kinds (round_script.hpp).
  MessageBytes byz_reconcile_request(const BlockId& id, std::size_t variant) const;
  MessageBytes byz_sketch_for(const HonestNode& to, const BlockId& id, const BlockContent& body,
                              std::size_t variant) const;
  MessageBytes byz_transactions_for(const HonestNode& to, const BlockId& id, const BlockContent& body,
                                    std::size_t variant) const;
  BlockContent body_named_by(const Proposal& p) const;
  void byz_repropose(std::uint8_t target, std::uint8_t flags, std::uint8_t choice);
  Vote byz_signed_vote(std::uint32_t round, VoteStep step, const BlockId& id, bool approve,
                       std::uint64_t height = sim::kSimHeight) const;
  std::vector<std::uint64_t> byz_send(const std::vector<std::size_t>& to, const MessageBytes& bytes);

  void check_invariants();
  void trace_step(const HonestNode& h, const HostOutput& out) const;

  const Preset& preset_;
  const PresetWorld& pw_;
  const sim::World& world_;
  std::size_t byz_;  // the Byzantine node's index: the last one
  std::vector<std::unique_ptr<HonestNode>> honest_;  // by node index, 0 .. byz_ - 1
  std::unique_ptr<sim::VoteMonitor> monitor_;
  CommitView* commit_;      // decode target (large, shared by the runs: commit_view())
  Reproposal* reproposal_;  // decode target (shared by the runs: reproposal_view())
  BodyTransactionsView* body_txs_;  // decode target (shared by the runs: body_transactions_view())
  // No timer due at or after the start of round kScriptRounds is given to a node.
  std::uint64_t round_limit_ms_ = 0;
  std::uint64_t answer_window_ms_ = 0;  // NodeHost's commit-answer window
  std::vector<Message> in_flight_;      // in send order
  std::uint64_t next_seq_ = 0;
  bool partitioned_ = false;
  std::uint32_t side_mask_ = 0;
  std::vector<MessageBytes> history_;
  std::size_t history_next_ = 0;
  struct SeenProposal {
    std::uint32_t round = 0;
    BlockId id;
    Proposal proposal;  // the first one sent with that id
  };
  std::vector<SeenProposal> seen_;  // every proposal sent, by first sending
  // The approving prevotes sent (honest ones as released, the Byzantine member's own), by
  // (round, block): what a Byzantine member can put in a polka of its own.
  std::map<std::pair<std::uint32_t, BlockId>, std::map<PublicKey, Signature>> prevotes_sent_;
  // Counters for the summary.
  std::size_t ops_ = 0, handler_calls_ = 0, handler_errors_ = 0, full_checks_ = 0, delivered_ = 0,
              lost_ = 0, crashes_ = 0, restarts_ = 0;
};

RoundHarness::RoundHarness(std::size_t preset, std::uint8_t options, sim::NegativeControl control)
    : preset_(kPresets[preset]),
      pw_(preset_world(preset, control)),
      world_(pw_.world),
      byz_(preset_.nodes - 1),
      commit_(&commit_view()),
      reproposal_(&reproposal_view()),
      body_txs_(&body_transactions_view()),
      round_limit_ms_(round_start_ms(kMidnightMs, pw_.timing, kScriptRounds)),
      answer_window_ms_(kCommitAnswerWindowRounds * round_ms(pw_.timing, 0)) {
  const std::size_t pol = (options & 2U) != 0 ? 1 : (options & 0x80U) != 0 ? 2 : 0;  // C, else B, else A
  const bool late_start = (options & 1U) != 0;
  const std::uint64_t order_seed = (options >> 2) & 0x0FU;
  const bool divergent = (options & 0x40U) != 0;
  std::vector<bool> honest_members(preset_.nodes, true);
  honest_members[world_.member_of_node[byz_]] = false;
  monitor_ = std::make_unique<sim::VoteMonitor>(world_.membership, world_.chain, std::move(honest_members),
                                                world_.node_of_member);
  for (std::size_t i = 0; i < byz_; ++i) {
    auto h = std::make_unique<HonestNode>();
    h->node = i;
    sim::Rng order(1000 + order_seed * kMaxNodes + i);
    h->mempool = sim::shuffled_mempool(world_, order);
    if (divergent) {
      // Lacks one shared transaction and holds one of its own: its block is its alone.
      const TxBytes lacked(world_.mempool[i % world_.mempool.size()]);
      std::erase_if(h->mempool, [&](TxBytes t) { return t.data() == lacked.data(); });
      h->own_tx = {0x6f, 0x77, 0x6e, static_cast<std::uint8_t>(i)};
      h->mempool.emplace_back(h->own_tx);
    }
    HostConfig& c = h->config;
    c.node.chain_id = world_.chain;
    c.node.membership = &world_.membership;  // the preset's world never moves
    c.node.policy = &policy(pol);
    c.node.keys = world_.keys[i];
    c.node.vrf_keys = world_.vrf_keys[i];
    c.node.timing = pw_.timing;
    c.node.reward_per_height = kReward;
    c.schedule.genesis_id = world_.prev_id;
    c.schedule.first_height = sim::kSimHeight;
    c.schedule.first_midnight_ms = kMidnightMs;
    c.schedule.last_height = sim::kSimHeight;  // a script plays one height
    c.mempool = h->mempool;                    // *h never moves
    h->host = std::make_unique<NodeHost>(c);
    honest_.push_back(std::move(h));
  }
  // Every node starts: at midnight, or, with a late start, just before it; it then takes
  // messages, and its rounds begin when its height_start timer fires or the script says.
  for (auto& h : honest_) {
    h->clock_ms = late_start ? kMidnightMs - 1 : kMidnightMs;
    h->awaiting_start = late_start;
    start(*h);
  }
}

std::vector<std::size_t> RoundHarness::targets(std::uint8_t pick) const {
  const std::size_t choice = pick % (honest_.size() + 1);
  std::vector<std::size_t> out;
  if (choice < honest_.size()) {
    out.push_back(choice);
  } else {
    for (std::size_t i = 0; i < honest_.size(); ++i) out.push_back(i);
  }
  return out;
}

// ---- network ---------------------------------------------------------------------------

bool RoundHarness::crosses_partition(const Message& m) const {
  return partitioned_ && (((side_mask_ >> m.from) ^ (side_mask_ >> m.to)) & 1U) != 0;
}

std::vector<std::size_t> RoundHarness::deliverable() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < in_flight_.size(); ++i)
    if (!crosses_partition(in_flight_[i])) out.push_back(i);
  return out;
}

void RoundHarness::observe(const MessageBytes& bytes) {
  monitor_->on_send(*bytes);
  if (history_.size() < kMaxHistory) {
    history_.push_back(bytes);
  } else {
    history_[history_next_] = bytes;
    history_next_ = (history_next_ + 1) % kMaxHistory;
  }
}

// The Byzantine node never receives: it is omniscient (observe() shows it every send),
// which is at least as strong as any message it could be sent.
std::optional<std::uint64_t> RoundHarness::send(std::size_t from, std::size_t to, const MessageBytes& bytes) {
  if (to == from || to == byz_) return std::nullopt;
  if (in_flight_.size() >= kMaxInFlight) {
    ++lost_;
    return std::nullopt;
  }
  in_flight_.push_back(Message{next_seq_, from, to, bytes});
  return next_seq_++;
}

void RoundHarness::deliver_at(std::size_t pool_index) {
  const Message m = std::move(in_flight_[pool_index]);
  in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(pool_index));
  HonestNode& h = *honest_[m.to];
  if (!h.up) {
    ++lost_;  // arrives while the node is down: lost, as in the simulator
    return;
  }
  ++delivered_;
  if (const auto type = peek_message_type(*m.bytes);
      type && (type.value() == MessageType::body_sketch || type.value() == MessageType::body_transactions)) {
    ++h.reconcile_answers_received;
  }
  if (m.from == byz_) {
    if (const auto type = peek_message_type(*m.bytes);
        type && (type.value() == MessageType::proposal || type.value() == MessageType::polka)) {
      ++h.proposals_from_byz;
    }
  }
  execute(h, checked_call(h, [&](NodeHost& host) -> const HostOutput& { return host.handle_message(h.clock_ms, *m.bytes); }));
}

// Delivers the messages with these sequence numbers that are still in flight and not cut
// off, in the given order.
void RoundHarness::deliver_now(const std::vector<std::uint64_t>& seqs) {
  for (const std::uint64_t seq : seqs) {
    if (!budget_left()) return;
    const auto it = std::find_if(in_flight_.begin(), in_flight_.end(), [&](const Message& m) { return m.seq == seq; });
    if (it == in_flight_.end() || crosses_partition(*it)) continue;
    deliver_at(static_cast<std::size_t>(it - in_flight_.begin()));
  }
}

// ---- hosting -------------------------------------------------------------------------

// Every host call goes through here. A call whose output carries an error must have
// changed nothing and must ask for nothing (node_host.hpp). The observable fingerprint
// is compared around every call; a full copy of the machine and RoundMachine::operator==
// only around one call in kFullCheckEvery, chosen by call count so it is the same in
// every run of the same bytes: comparing every call would cost more than the Ed25519
// work that dominates a run, and over a fuzzing session the sample reaches every kind of
// rejection.
template <class Call>
const HostOutput& RoundHarness::checked_call(HonestNode& h, Call call) {
  ++handler_calls_;
  const bool full = handler_calls_ % kFullCheckEvery == 0;
  const RoundMachine* const snapshot = full ? &snapshot_of(h.host->machine()) : nullptr;
  const std::size_t members = world_.membership.size();
  const Fingerprint before = fingerprint_of(*h.host, members);
  const HostOutput& out = call(*h.host);
  if (out.error) {
    ++handler_errors_;
    MIDNIGHT_FUZZ_CHECK(!out.error.message().empty() && out.handler[0] != '\0',
                        "errors: a rejection without a readable message or the handler that made it");
    MIDNIGHT_FUZZ_CHECK(out.decided.empty() && !out.journal_reset && out.journal_append.empty() && out.actions.empty(),
                        "errors: a rejected event still asked for something to be stored or done");
    MIDNIGHT_FUZZ_CHECK(fingerprint_of(*h.host, members) == before,
                        "errors: a host call that returned an error changed the host's observable state");
    if (full) {
      ++full_checks_;
      MIDNIGHT_FUZZ_CHECK(*snapshot == h.host->machine(), "errors: a host call that returned an error changed the machine");
    }
  }
  return out;
}

// The host's output carried out in the order node_host.hpp states: the block store and
// the journal first, then the actions. A crash armed for this step falls inside the
// journal append (a prefix reaches the disk) or just after it; either way nothing of
// the step is released.
void RoundHarness::execute(HonestNode& h, const HostOutput& out) {
  if (verbosity() > 1) trace_step(h, out);
  const std::size_t appended = h.disk.store(out);
  for (const StoredCommit& d : out.decided) record_finalize(h, d);
  if (appended > 0 && h.armed) {
    if (*h.armed == sim::CrashPoint::torn_append) h.disk.tear_last_append(appended, appended * h.cut / 256);
    go_down(h);
  } else {
    for (const HostAction& a : out.actions) release(h, a);
  }
  check_invariants();
}

void RoundHarness::release(HonestNode& h, const HostAction& a) {
  switch (a.kind) {
    case HostActionKind::broadcast: {
      const auto type = peek_message_type(*a.bytes);
      MIDNIGHT_FUZZ_CHECK(type.has_value(), "host: a node broadcast bytes that are not a message");
      // What the adversary learns from it: the proposals and approving prevotes sent.
      if (type.value() == MessageType::vote) {
        // A re-proposal carries its polka in one message: a node sends only its own votes.
        const auto v = decode_vote(*a.bytes);
        MIDNIGHT_FUZZ_CHECK(v.has_value() && v.value().voter == world_.keys[h.node].public_key,
                            "host: a node broadcast a vote it did not sign");
        if (v.value().step == VoteStep::prevote && v.value().round < kByzRounds)
          h.released_prevote[v.value().round] = v.value().block_id;
        note_prevote(v.value());
      } else if (type.value() == MessageType::proposal) {
        const auto p = decode_proposal(*a.bytes);
        MIDNIGHT_FUZZ_CHECK(p.has_value(), "host: a node broadcast a proposal that does not decode");
        note_proposal(p.value());
      } else if (type.value() == MessageType::reproposal) {
        MIDNIGHT_FUZZ_CHECK(decode_reproposal(*a.bytes, *reproposal_).has_value(),
                            "host: a node broadcast a re-proposal that does not decode");
        MIDNIGHT_FUZZ_CHECK(reproposal_->reproposer == world_.keys[h.node].public_key &&
                                reproposal_->round == h.host->machine().round() && verify_reproposal(*reproposal_),
                            "re-proposal: an honest node sent one that is not its own, signed, of its round");
        check_polka(h, reproposal_->carried, false);
        note_proposal(reproposal_->carried.proposal);
      } else if (type.value() == MessageType::polka) {
        MIDNIGHT_FUZZ_CHECK(decode_polka(*a.bytes, reproposal_->carried).has_value(),
                            "host: a node broadcast a polka that does not decode");
        check_polka(h, reproposal_->carried, true);
        note_proposal(reproposal_->carried.proposal);
      }
      observe(a.bytes);
      for (std::size_t to = 0; to < preset_.nodes; ++to) send(h.node, to, a.bytes);
      return;
    }
    case HostActionKind::send: {
      MIDNIGHT_FUZZ_CHECK(a.member < world_.node_of_member.size(), "host: a send to no member");
      const std::size_t to = world_.node_of_member[a.member];
      const auto type = peek_message_type(*a.bytes);
      MIDNIGHT_FUZZ_CHECK(type.has_value(), "host: a node sent a message without a known type");
      check_body_send(h, type.value(), *a.bytes);
      const bool answer = type.value() == MessageType::block || type.value() == MessageType::body_sketch ||
                          type.value() == MessageType::body_transactions;
      const bool request = type.value() == MessageType::body_request || type.value() == MessageType::reconcile_request;
      if (to == byz_ && answer) {
        // A body, sketch or transactions, answering a body or reconcile request: at most
        // kMaxBodyAnswers a height between them, whatever it asks.
        MIDNIGHT_FUZZ_CHECK(++h.bodies_to_byz <= kMaxBodyAnswers,
                            "bounded: a host sent one peer more bodies, sketches and transactions than kMaxBodyAnswers");
      } else if (to == byz_ && request) {
        // Rule "fetch": opened once per stored proposal of the peer's, twice per polka (one
        // per round of the window at most, over the rounds the host has been through);
        // within a fetch, a transactions request or the fall-back to the whole block
        // follows a reconciliation answer.
        const std::size_t rounds = h.host->machine().round() + 1 + kRoundsAhead;
        MIDNIGHT_FUZZ_CHECK(++h.body_requests_to_byz <= h.proposals_from_byz + 2 * rounds + h.reconcile_answers_received,
                            "bounded: a host asked one peer for bodies more often than proposals and answers gave it cause");
      } else if (to == byz_) {
        // Whatever the Byzantine member sends (late votes, commit requests, replays), a
        // host answers it with at most kCommitAnswersPerWindow commits per window.
        MIDNIGHT_FUZZ_CHECK(type.value() == MessageType::commit, "host: a node sent a peer an unexpected message");
        if (h.answers_to_byz++ == 0) h.first_answer_ms = h.clock_ms;
        const std::uint64_t windows = 1 + (h.clock_ms - h.first_answer_ms) / answer_window_ms_;
        MIDNIGHT_FUZZ_CHECK(h.answers_to_byz <= kCommitAnswersPerWindow * windows,
                            "bounded: a host sent one peer more commits than its answer budget allows");
      }
      observe(a.bytes);
      send(h.node, to, a.bytes);
      return;
    }
    case HostActionKind::set_timer:
      if (a.at_ms >= round_limit_ms_) return;  // the script's last round has no end (kScriptRounds)
      if (h.timers.size() >= kMaxPendingTimers) h.timers.erase(h.timers.begin());
      h.timers.push_back(PendingTimer{a.timer, a.at_ms});
      return;
  }
}

void RoundHarness::record_finalize(HonestNode& h, const StoredCommit& d) {
  MIDNIGHT_FUZZ_CHECK(d.height == sim::kSimHeight && d.commit && decode_commit(*d.commit, *commit_).has_value(),
                      "agreement: a decision of no height this script plays, or without a commit that decodes");
  const Certificate& cert = commit_->certificate;
  const auto weight = verify_certificate(cert, world_.membership, world_.chain);
  MIDNIGHT_FUZZ_CHECK(weight.has_value() && cert.height == d.height &&
                          compute_block_id(commit_->block.header) == cert.block_id,
                      "certificate: a decision whose certificate is not a valid quorum for its block");
  if (!h.first_finalized) h.first_finalized = cert.block_id;
  MIDNIGHT_FUZZ_CHECK(*h.first_finalized == cert.block_id, "agreement: a node finalized a second, different block");
}

// What an honest node re-proposes (rule "re-propose") or announces (rule "announce"): the
// signed proposal of a block with a prevote quorum for it, of a round at or after the
// proposal's, and before the node's current one (a re-proposal) or its current one, which
// it locked in (an announcement). A receiver verifies all of it, so a wrong one would only
// be refused; it is checked here because it is the honest side of the message.
void RoundHarness::check_polka(const HonestNode& h, const CarriedPolka& rp, bool announced) const {
  const auto weight = verify_polka(rp.polka, world_.membership, world_.chain);
  const std::uint32_t round = h.host->machine().round();
  MIDNIGHT_FUZZ_CHECK(weight.has_value() && verify_proposal(rp.proposal) &&
                          rp.polka.block_id == compute_block_id(rp.proposal.header) &&
                          rp.polka.height == sim::kSimHeight && rp.proposal.header.round <= rp.polka.round &&
                          (announced ? rp.polka.round == round : rp.polka.round < round),
                      "re-proposal: an honest node sent what is not a polka for its block, of an earlier round "
                      "(re-proposed) or of its round (announced)");
  if (announced) {
    MIDNIGHT_FUZZ_CHECK(h.host->machine().lock() == (Lock{true, rp.polka.block_id, round}),
                        "announce: an honest node announced a polka it is not locked on this round");
  }
}

// What a host sends to fetch or serve a body by reconciliation decodes as its type says,
// and a request is its own and signed, and never asks for a transaction the node holds: a
// receiver refuses anything else, but these are the honest side of the messages.
void RoundHarness::check_body_send(const HonestNode& h, MessageType type, std::span<const std::uint8_t> bytes) {
  if (type == MessageType::reconcile_request) {
    const auto r = decode_reconcile_request(bytes);
    MIDNIGHT_FUZZ_CHECK(r.has_value() && r.value().requester == world_.keys[h.node].public_key &&
                            verify_reconcile_request(r.value()),
                        "host: a node sent a reconcile request that does not decode, or is not its own and signed");
    if (r.value().kind != ReconcileKind::transactions) return;
    const SketchKey key = sketch_key(r.value().block_id);
    const auto own = h.host->machine().own_transactions();
    for (std::size_t i = 1; i < own.size(); ++i) {
      const ShortTxId id = short_tx_id(key, compute_txid(world_.chain, own[i]));
      for (std::size_t k = 0; k < r.value().ids.count(); ++k)
        MIDNIGHT_FUZZ_CHECK(r.value().ids[k] != id, "host: a node asked for a transaction it holds");
    }
  } else if (type == MessageType::body_sketch) {
    MIDNIGHT_FUZZ_CHECK(decode_body_sketch(bytes).has_value(), "host: a node sent a body sketch that does not decode");
  } else if (type == MessageType::body_transactions) {
    MIDNIGHT_FUZZ_CHECK(decode_body_transactions(bytes, *body_txs_).has_value(),
                        "host: a node sent body transactions that do not decode");
  }
}

// The host starts the round its clock is in, or waits for midnight.
void RoundHarness::start(HonestNode& h) {
  execute(h, checked_call(h, [&](NodeHost& host) -> const HostOutput& { return host.handle_start(h.clock_ms); }));
}

void RoundHarness::fire(HonestNode& h, std::size_t timer_index) {
  const PendingTimer t = h.timers[timer_index];
  h.timers.erase(h.timers.begin() + static_cast<std::ptrdiff_t>(timer_index));
  h.clock_ms = std::max(h.clock_ms, t.at_ms);
  execute(h, checked_call(h, [&](NodeHost& host) -> const HostOutput& { return host.handle_timer(h.clock_ms, t.timer); }));
}

void RoundHarness::go_down(HonestNode& h) {
  h.up = false;
  h.armed.reset();
  h.timers.clear();  // its pending timers die with it
  h.awaiting_start = false;
  h.crash_round = h.host->machine().round();
  ++crashes_;
}

// A restart is a new process: a fresh host given back the block store and the journal
// (spec/journal.md), started at a round at or after the one it crashed in (its clock
// has not gone back), at once or when the script says.
void RoundHarness::restart(HonestNode& h, std::uint8_t how) {
  if (h.up) {
    if (!h.armed) return;
    go_down(h);  // a crash armed for a journaling step that never came falls here, between steps
  }
  h.host = std::make_unique<NodeHost>(h.config);
  h.answers_to_byz = 0;
  h.bodies_to_byz = 0;
  h.body_requests_to_byz = 0;
  h.proposals_from_byz = 0;
  h.reconcile_answers_received = 0;
  const auto replay = h.disk.restore_into(*h.host);
  if (!replay) std::fprintf(stderr, "node %zu: restore: %s\n", h.node, replay.error().message().c_str());
  // Only this host wrote the block store and the journal, and a crash only ever cuts the
  // journal's last append, so a refusal here (the node would have to stay down for good)
  // is the library's failure.
  MIDNIGHT_FUZZ_CHECK(replay.has_value(),
                      "journal: a block store and journal written by the host, torn at most at its end, did not restore");
  h.up = true;
  ++restarts_;
  const std::uint32_t round = std::min<std::uint32_t>(h.crash_round + how % 3, kScriptRounds - 1);
  h.clock_ms = std::max(h.clock_ms, round_start_ms(kMidnightMs, pw_.timing, round));
  if ((how / 3) % 2 == 1) {
    h.awaiting_start = true;
    h.start_round = round;
    return;
  }
  start(h);
}

void RoundHarness::note_proposal(const Proposal& p) {
  const BlockId id = compute_block_id(p.header);
  const bool known = std::any_of(seen_.begin(), seen_.end(), [&](const auto& s) { return s.id == id; });
  if (!known && seen_.size() < kMaxSeenProposals) seen_.push_back(SeenProposal{p.header.round, id, p});
}

void RoundHarness::note_prevote(const Vote& v) {
  if (v.step != VoteStep::prevote || !v.approve || v.round >= kByzRounds) return;
  prevotes_sent_[{v.round, v.block_id}].emplace(v.voter, v.signature);
}

// ---- the adversary ---------------------------------------------------------------------

std::vector<std::uint64_t> RoundHarness::byz_send(const std::vector<std::size_t>& to, const MessageBytes& bytes) {
  observe(bytes);
  std::vector<std::uint64_t> seqs;
  for (const std::size_t node : to)
    if (const auto seq = send(byz_, node, bytes)) seqs.push_back(*seq);
  return seqs;
}

Vote RoundHarness::byz_signed_vote(std::uint32_t round, VoteStep step, const BlockId& id, bool approve,
                                   std::uint64_t height) const {
  Vote v;
  v.chain_id = world_.chain;
  v.height = height;
  v.round = round;
  v.step = step;
  v.block_id = id;
  v.approve = approve && !id.is_zero();  // an approving vote must name a block (the codec refuses it otherwise)
  v.voter = world_.keys[byz_].public_key;
  // Signing was about 8% of a run (perf, ASan+UBSan): the adversary signs the same few votes over and
  // over, within a run and across runs. Ed25519 signatures are deterministic (RFC 8032),
  // so a remembered signature is the one sign_vote makes now, and the bytes sent are the
  // same as without the memory (one reuse in kSignatureCheckEvery, counted process-wide,
  // signs again and compares). Keyed by the voter and everything the signature covers.
  using Key = std::pair<PublicKey, VoteSigningInput>;
  static std::map<Key, Signature> remembered;
  static std::size_t reuses = 0;
  Key key{v.voter, vote_signing_input(v)};
  if (const auto it = remembered.find(key); it != remembered.end()) {
    v.signature = it->second;
    if (reuses++ % kSignatureCheckEvery == 0)
      MIDNIGHT_FUZZ_CHECK(sign_vote(v, world_.keys[byz_].secret_key) == v,
                          "harness: a remembered Byzantine signature differs from a fresh one");
    return v;
  }
  v = sign_vote(v, world_.keys[byz_].secret_key);
  if (remembered.size() < kMaxRememberedSignatures) remembered.emplace(std::move(key), v.signature);
  return v;
}

void RoundHarness::byz_propose(std::uint8_t target, std::uint8_t flags) {
  const std::uint32_t round = flags % kByzRounds;
  const bool forged = (flags & 4U) != 0;
  const bool now = (flags & 8U) != 0;
  const bool bad_proof = (flags & 16U) != 0;
  const auto& keys = world_.keys[byz_];
  // Any other root will do; hashing the honest one keeps it fixed.
  const Hash32 root = forged ? sha256(pw_.honest_root.span()) : pw_.honest_root;
  const BlockHeader header = make_header(world_.chain, sim::kSimHeight, round, world_.prev_id, root,
                                         round_start_ms(kMidnightMs, pw_.timing, round), keys.public_key);
  Proposal p = sign_proposal(header, keys.secret_key, world_.vrf_keys[byz_].secret_key);
  note_proposal(p);
  if (bad_proof) p.vrf_proof.v[flags % VrfProof::size()] ^= 0x01;  // signed header, broken rank
  const auto seqs = byz_send(targets(target), std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(p)));
  if (now) deliver_now(seqs);
}

void RoundHarness::byz_vote(std::uint8_t target, std::uint8_t flags, std::uint8_t choice_byte) {
  const std::uint32_t round = flags % kByzRounds;
  const auto step = static_cast<ByzStep>(((flags >> 2) & 3U) % kByzStepCount);
  const bool approve = (flags & 16U) == 0;
  const bool now = (flags & 32U) != 0;
  const std::size_t choice = choice_byte % (seen_.size() + kByzFixedChoices);
  std::vector<std::uint64_t> seqs;
  for (const std::size_t to : targets(target)) {
    BlockId id;
    if (choice == std::size_t(ByzChoice::agree)) {
      // Agree with the recipient: the block it prevoted in this round. Before it has
      // prevoted there is nothing to agree with, and a guess now would be this member's
      // only counted vote of the round at that node, so nothing is sent.
      const auto& own = honest_[to]->released_prevote[round];
      if (!own) continue;
      id = *own;
    } else if (choice == std::size_t(ByzChoice::unknown)) {
      const std::array<std::uint8_t, 2> salt{choice_byte, static_cast<std::uint8_t>(round)};
      id = sha256(salt);
    } else if (choice >= kByzFixedChoices) {
      id = seen_[choice - kByzFixedChoices].id;
    }  // else nil: all zero
    for (const VoteStep s : {VoteStep::prevote, VoteStep::precommit}) {
      const bool wanted = step == ByzStep::both || (step == ByzStep::prevote) == (s == VoteStep::prevote);
      if (!wanted) continue;
      const Vote v = byz_signed_vote(round, s, id, approve);
      note_prevote(v);
      const auto bytes = std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(v));
      const auto sent = byz_send({to}, bytes);
      seqs.insert(seqs.end(), sent.begin(), sent.end());
    }
  }
  if (now) deliver_now(seqs);
}

void RoundHarness::byz_replay(std::uint8_t target, std::uint8_t index) {
  if (history_.empty()) return;
  const MessageBytes old = history_[index % history_.size()];
  byz_send(targets(target), old);
}

void RoundHarness::byz_garbage(std::uint8_t target, std::uint8_t kind_byte) {
  const auto kind = static_cast<GarbageKind>(kind_byte % kGarbageKinds);
  const BlockId id = seen_.empty() ? sha256(std::array<std::uint8_t, 1>{kind_byte}) : seen_.front().id;
  std::vector<std::uint8_t> bytes;
  switch (kind) {
    case GarbageKind::noise:
      bytes = {0xFF, kind_byte, target};  // no wire version: does not even peek
      break;
    case GarbageKind::cut_vote:
      bytes = sim::encode_to_bytes(byz_signed_vote(0, VoteStep::precommit, id, true));
      bytes.resize(bytes.size() / 2);
      break;
    case GarbageKind::bad_signature: {
      Vote v = byz_signed_vote(0, VoteStep::prevote, id, true);
      v.signature.v[0] ^= 0x01;
      bytes = sim::encode_to_bytes(v);
      break;
    }
    case GarbageKind::other_height:
      bytes = sim::encode_to_bytes(byz_signed_vote(0, VoteStep::prevote, id, true, sim::kSimHeight + 1));
      break;
    case GarbageKind::round_out_of_range:
      // The one round number no round may have (kLastRound + 1 = 2^32 - 1).
      bytes = sim::encode_to_bytes(byz_signed_vote(UINT32_MAX, VoteStep::prevote, id, true));
      break;
    case GarbageKind::far_round:
      // Valid, of a round beyond the recipient's window: verified and counted toward the
      // round skip, not stored. The Byzantine weight alone (at most a third) never moves a
      // node there (check_invariants).
      bytes = sim::encode_to_bytes(
          byz_signed_vote(far_round(static_cast<std::uint32_t>(kind_byte / kGarbageKinds)), VoteStep::prevote, id, true));
      break;
    case GarbageKind::commit_request: {
      // Valid: a decided host answers it from its block store, within the budget it
      // keeps for this member (the judge counts the answers, see release()).
      CommitRequest request;
      request.chain_id = world_.chain;
      request.height = sim::kSimHeight + (kind_byte / kGarbageKinds) % 2;  // the height, or one no one decided
      request.requester = world_.keys[byz_].public_key;
      bytes = sim::encode_to_bytes(sign_commit_request(request, world_.keys[byz_].secret_key));
      break;
    }
    case GarbageKind::body_request: {
      // Valid when someone holds that body: answered within the requester's budget.
      BodyRequest request;
      request.chain_id = world_.chain;
      request.height = sim::kSimHeight;
      request.block_id = id;
      request.requester = world_.keys[byz_].public_key;
      bytes = sim::encode_to_bytes(sign_body_request(request, world_.keys[byz_].secret_key));
      break;
    }
    case GarbageKind::reconcile_request: {
      // Valid when someone holds that body: answered (a sketch, the block, or the
      // transactions named) within the requester's budget, as body requests are.
      const std::size_t pick = kind_byte / kGarbageKinds;
      const BlockId named = seen_.empty() ? id : seen_[(pick / kReconcileVariants) % seen_.size()].id;
      byz_send(targets(target), byz_reconcile_request(named, pick % kReconcileVariants));
      return;
    }
    case GarbageKind::bad_sketch:
    case GarbageKind::bad_transactions: {
      // Answers made for each recipient, from its own block and the body the proposal
      // names: the true ones complete a fetch it has open (and are otherwise unsolicited).
      if (seen_.empty()) return;
      const std::size_t pick = kind_byte / kGarbageKinds;
      const SeenProposal& s = seen_[(pick / kReconcileVariants) % seen_.size()];
      const BlockContent body = body_named_by(s.proposal);
      for (const std::size_t to : targets(target)) {
        const HonestNode& h = *honest_[to];
        const MessageBytes answer = kind == GarbageKind::bad_sketch
                                        ? byz_sketch_for(h, s.id, body, pick % kReconcileVariants)
                                        : byz_transactions_for(h, s.id, body, pick % kReconcileVariants);
        if (answer) byz_send({to}, answer);
      }
      return;
    }
    case GarbageKind::bad_body: {
      // The header of a proposal sent, with the shared pool's body cut short or grown by
      // a transaction (canonical either way, so it encodes): a body whose root is not
      // the header's, unless the header is of exactly that body (then it is held).
      if (seen_.empty()) return;
      static constexpr std::array<std::uint8_t, 2> kExtra{0xee, 0x01};
      std::vector<TxBytes> views;
      for (const auto& tx : world_.mempool) views.emplace_back(tx);
      if ((kind_byte / kGarbageKinds) % 2 == 1) views.emplace_back(kExtra);
      BlockContent body = build_block_content(world_.chain, sim::kSimHeight, world_.membership, kReward, views);
      if ((kind_byte / kGarbageKinds) % 2 == 0 && body.views.size() > 1) body.views.pop_back();
      const SeenProposal& s = seen_.front();
      bytes = sim::encode_block_to_bytes(s.proposal.header, s.proposal.signature, body.views);
      break;
    }
  }
  byz_send(targets(target), std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)));
}

// The body a proposal's root names when the harness knows it (an honest node's block, the
// Byzantine member's of the shared pool), else the shared pool's body (for a forged root:
// a body that is not the header's).
BlockContent RoundHarness::body_named_by(const Proposal& p) const {
  std::vector<TxBytes> views;
  for (const auto& h : honest_)
    if (world_.keys[h->node].public_key == p.header.proposer) views = h->mempool;
  if (views.empty())
    for (const auto& tx : world_.mempool) views.emplace_back(tx);
  return build_block_content(world_.chain, sim::kSimHeight, world_.membership, kReward, views);
}

namespace {
MessageBytes shared_bytes(result<std::vector<std::uint8_t>> r, const char* what) {
  MIDNIGHT_FUZZ_CHECK(r.has_value(), what);
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(r).value());
}

std::vector<TxId> mempool_txids(const ChainId& chain, std::span<const TxBytes> block) {
  std::vector<TxId> out;
  for (std::size_t i = 1; i < block.size(); ++i) out.push_back(compute_txid(chain, block[i]));
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

// Variants (round_script.hpp): 0 a sketch request sampling the shared pool (as a node that
// holds it asks), 1 a sketch request of a node that holds nothing (answered with the whole
// block), 2 a transactions request naming every pool transaction, 3 one naming ids of no
// transaction (nothing to send, the answer still counted).
MessageBytes RoundHarness::byz_reconcile_request(const BlockId& id, std::size_t variant) const {
  const SketchKey key = sketch_key(id);
  std::vector<TxId> pool;
  for (const auto& tx : world_.mempool) pool.push_back(compute_txid(world_.chain, tx));
  std::vector<ShortTxId> ids;
  ReconcileRequest r;
  r.chain_id = world_.chain;
  r.height = sim::kSimHeight;
  r.block_id = id;
  r.requester = world_.keys[byz_].public_key;
  r.kind = variant < 2 ? ReconcileKind::sketch : ReconcileKind::transactions;
  if (variant == 0) {
    std::array<ShortTxId, kReconcileSampleIds> sample{};
    ids.assign(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(sample_short_ids(key, pool, sample)));
    r.have = static_cast<std::uint32_t>(ids.size());
  } else if (variant == 2) {
    for (const TxId& txid : pool) ids.push_back(short_tx_id(key, txid));
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  } else if (variant == 3) {
    ids = {1, 2, 3};
  }
  std::vector<std::uint8_t> id_bytes(8 * ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(id_bytes.data() + 8 * i, ids[i]);
  r.ids.bytes = id_bytes;
  return shared_bytes(encode_to_vector(sign_reconcile_request(r, world_.keys[byz_].secret_key)),
                      "harness: a Byzantine reconcile request does not encode");
}

// Variants: 0 the body's true sketch, sized for the exact difference from the recipient's
// block (within what it accepts), 1 the same with the body's count off by one, 2 cells of
// that size that are no set's, 3 the true sketch one cell a hash larger than it accepts.
MessageBytes RoundHarness::byz_sketch_for(const HonestNode& to, const BlockId& id, const BlockContent& body,
                                          std::size_t variant) const {
  const SketchKey key = sketch_key(id);
  const std::vector<TxId> own = mempool_txids(world_.chain, to.host->machine().own_transactions());
  const std::vector<TxId> theirs = mempool_txids(world_.chain, body.views);
  std::vector<TxId> difference;
  std::set_symmetric_difference(own.begin(), own.end(), theirs.begin(), theirs.end(), std::back_inserter(difference));
  const std::size_t bound = max_sketch_cells_for(own.size());
  const std::size_t cells =
      variant == 3 ? bound + 1 : std::min(TxSketch::cells_per_hash_for(difference.size()), bound);
  std::vector<std::uint8_t> out(encoded_size_body_sketch(cells));
  const std::span<std::uint8_t> cells_out = std::span(out).subspan(kPrefixSize + kBodySketchFixedSize);
  if (variant == 2) {
    store_u32(cells_out.data(), static_cast<std::uint32_t>(cells));
    sim::Rng noise(load_u64(id.data()));
    noise.fill(cells_out.subspan(kSketchHeaderBytes));
  } else {
    TxSketch sketch = TxSketch::make(key, cells).value();
    for (const TxId& txid : theirs) sketch.insert(short_tx_id(key, txid));
    encode_tx_sketch(sketch, cells_out);
  }
  const auto count = static_cast<std::uint32_t>(theirs.size() + (variant == 1 ? 1 : 0));
  const BodySketchView view{world_.chain, sim::kSimHeight, id, count, cells_out};
  return shared_bytes(encode_to_vector(view), "harness: a Byzantine body sketch does not encode");
}

// Variants: 0 exactly the body's transactions the recipient lacks, 1 one more, 2 the last
// of them replaced by one of no block (the count right, the body wrong), 3 the first
// replaced by one the recipient holds (its assembled body would hold it twice). Null when
// that leaves nothing to send.
MessageBytes RoundHarness::byz_transactions_for(const HonestNode& to, const BlockId& id, const BlockContent& body,
                                                std::size_t variant) const {
  static constexpr std::array<std::uint8_t, 2> kMore{0xee, 0x02};
  static constexpr std::array<std::uint8_t, 2> kWrong{0xee, 0x03};
  const std::vector<TxId> own = mempool_txids(world_.chain, to.host->machine().own_transactions());
  std::vector<TxBytes> txs;
  std::vector<TxBytes> held;
  for (std::size_t i = 1; i < body.views.size(); ++i) {
    const bool holds = std::binary_search(own.begin(), own.end(), compute_txid(world_.chain, body.views[i]));
    (holds ? held : txs).push_back(body.views[i]);
  }
  if (variant == 1) txs.emplace_back(kMore);
  if (variant == 2 && !txs.empty()) txs.back() = TxBytes(kWrong);
  if (variant == 3 && !txs.empty() && !held.empty()) txs.front() = held.front();
  std::vector<std::pair<TxId, TxBytes>> ordered;
  for (const TxBytes& tx : txs) ordered.emplace_back(compute_txid(world_.chain, tx), tx);
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  ordered.erase(std::unique(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                ordered.end());
  if (ordered.empty()) return nullptr;
  txs.clear();
  for (const auto& [txid, tx] : ordered) txs.push_back(tx);
  return shared_bytes(encode_body_transactions_to_vector(world_.chain, sim::kSimHeight, id, txs),
                      "harness: Byzantine body transactions do not encode");
}

// A re-proposal of a proposal sent so far with a polka made of the approving prevotes
// for it that were sent in the polka's round: with the Byzantine member's own prevote
// added, or one signer left out, it may or may not be a quorum, and its round may be
// below its proposal's (both refused as bad_polka), in the window or past it.
void RoundHarness::byz_repropose(std::uint8_t target, std::uint8_t flags, std::uint8_t choice) {
  if (seen_.empty()) return;
  const SeenProposal& seen = seen_[choice % seen_.size()];
  const std::uint32_t round = flags % kByzRounds;
  const bool own_prevote = (flags & 4U) != 0;
  const bool leave_one_out = (flags & 8U) != 0;
  const bool now = (flags & 16U) != 0;
  if (own_prevote) {
    // Its prevote goes out inside the re-proposal: the monitor, which judges a lock change
    // by the polkas sent, sees it as sent.
    const Vote v = byz_signed_vote(round, VoteStep::prevote, seen.id, true);
    note_prevote(v);
    byz_send({}, std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(v)));
  }
  const auto it = prevotes_sent_.find({round, seen.id});
  if (it == prevotes_sent_.end()) return;
  const bool round_message = (flags & 32U) != 0;
  auto re = std::make_unique<Reproposal>();  // about 6 KB
  CarriedPolka* rp = &re->carried;
  rp->proposal = seen.proposal;
  Certificate& polka = rp->polka;
  polka.chain_id = world_.chain;
  polka.height = sim::kSimHeight;
  polka.round = round;
  polka.block_id = seen.id;
  for (const auto& [voter, signature] : it->second) {  // ascending by key, as a polka must be
    if (leave_one_out && it->second.size() > 1 && voter == it->second.begin()->first) continue;
    polka.signatures.push_back(CertificateSignature{voter, signature});
  }
  std::vector<std::uint8_t> bytes;
  if (round_message) {
    // As the Byzantine member's round message of the next round: signed and proved, so it
    // ranks as its message there (and conflicts with any other it sends for that round).
    re->round = round + 1;
    re->reproposer = world_.keys[byz_].public_key;
    sign_reproposal(*re, world_.keys[byz_].secret_key, world_.vrf_keys[byz_].secret_key);
    bytes = sim::encode_to_bytes(*re);
  } else {
    bytes = sim::encode_to_bytes(*rp);
  }
  const auto seqs = byz_send(targets(target), std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)));
  if (now) deliver_now(seqs);
}

// ---- the judge -------------------------------------------------------------------------

void RoundHarness::check_invariants() {
  const HonestNode* first = nullptr;
  for (const auto& h : honest_) {
    // A running host that has decided holds the block it finalized first as its tip.
    if (h->up && h->host->decided_height() >= sim::kSimHeight) {
      MIDNIGHT_FUZZ_CHECK(h->first_finalized.has_value() && *h->first_finalized == h->host->tip_id(),
                          "agreement: a node's decided block is not the block it finalized first");
    }
    if (!h->first_finalized) continue;
    if (first == nullptr) {
      first = h.get();
    } else if (*first->first_finalized != *h->first_finalized) {
      std::fprintf(stderr, "node %zu finalized %s, node %zu finalized %s\n", first->node,
                   short_hex(*first->first_finalized).c_str(), h->node, short_hex(*h->first_finalized).c_str());
      MIDNIGHT_FUZZ_CHECK(false, kAgreementViolation);
    }
  }
  if (!monitor_->no_double_votes() || !monitor_->locks_kept()) {
    for (const auto& v : monitor_->violations()) std::fprintf(stderr, "monitor: %s\n", v.c_str());
  }
  MIDNIGHT_FUZZ_CHECK(monitor_->no_double_votes(), "no double vote: an honest node signed two different votes");
  // The round skip starts a round only when more than a third of the weight is there, so
  // at least one honest member: no honest node is ever in a round no honest node started
  // (kScriptRounds, round_script.hpp).
  for (const auto& h : honest_)
    MIDNIGHT_FUZZ_CHECK(!h->up || h->host->machine().round() < kScriptRounds,
                        "skip: an honest node is in a round no honest node started (the Byzantine third moved it)");
  MIDNIGHT_FUZZ_CHECK(monitor_->locks_kept(), "lock kept: an honest node prevoted against its lock with no later polka");
}

void RoundHarness::trace_step(const HonestNode& h, const HostOutput& out) const {
  const RoundMachine& m = h.host->machine();
  std::string line = "  call " + std::to_string(handler_calls_) + " n" + std::to_string(h.node) + " t" +
                     std::to_string(h.clock_ms) + " r" + std::to_string(m.round()) + " step " +
                     std::to_string(int(m.step())) + " " + out.handler + ":";
  if (out.error) line += " rejected: " + out.error.message();
  for (const StoredCommit& d : out.decided) line += " DECIDED(h" + std::to_string(d.height) + ")";
  if (out.journal_reset) line += " journal-reset";
  if (!out.journal_append.empty()) line += " journal+" + std::to_string(out.journal_append.size());
  for (const HostAction& a : out.actions) {
    if (a.kind == HostActionKind::set_timer) {
      line += " timer@" + std::to_string(a.at_ms);
      continue;
    }
    const auto type = peek_message_type(*a.bytes);
    const std::string what = type ? std::to_string(int(type.value())) : "?";
    line += a.kind == HostActionKind::broadcast ? " broadcast(type " + what + ")"
                                                : " send(type " + what + " to m" + std::to_string(a.member) + ")";
  }
  std::fprintf(stderr, "%s%s\n", line.c_str(), h.up ? "" : " [crashed]");
}

// ---- the script --------------------------------------------------------------------------

void RoundHarness::run(ScriptReader& in) {
  for (; ops_ < kMaxOps && !in.at_end() && budget_left(); ++ops_) {
    const auto op = static_cast<Op>(in.choose(kOpCount));
    if (verbosity() > 1) std::fprintf(stderr, "op %zu: %d (in flight %zu)\n", ops_, int(op), in_flight_.size());
    switch (op) {
      case Op::deliver: {
        const auto ready = deliverable();
        const std::uint8_t index = in.next();
        if (!ready.empty()) deliver_at(ready[index % ready.size()]);
        break;
      }
      case Op::deliver_all: {
        std::vector<std::uint64_t> seqs;
        for (const std::size_t i : deliverable()) {
          if (seqs.size() == kMaxDeliverAll) break;
          seqs.push_back(in_flight_[i].seq);
        }
        deliver_now(seqs);
        break;
      }
      case Op::drop: {
        const std::uint8_t index = in.next();
        if (!in_flight_.empty())
          in_flight_.erase(in_flight_.begin() + static_cast<std::ptrdiff_t>(index % in_flight_.size()));
        break;
      }
      case Op::duplicate: {
        const std::uint8_t index = in.next();
        if (!in_flight_.empty()) {
          const Message m = in_flight_[index % in_flight_.size()];
          send(m.from, m.to, m.bytes);
        }
        break;
      }
      case Op::fire_timer: {
        HonestNode& h = honest(in.next());
        const std::uint8_t index = in.next();
        if (h.up && !h.timers.empty()) fire(h, index % h.timers.size());
        break;
      }
      case Op::tick:
        // Each node's local clock reaches its next deadline (clocks are not synchronised).
        // Deadlines of rounds it has already left (skipped, or ended early) fire on the way
        // and are refused, taking no time: otherwise a node that skipped rounds would spend
        // a tick on each of their timers and never catch up.
        for (auto& h : honest_) {
          while (h->up && !h->timers.empty() && budget_left()) {
            const auto earliest =
                std::min_element(h->timers.begin(), h->timers.end(), [](const auto& a, const auto& b) {
                  return std::pair(a.at_ms, a.timer.round_timer.kind) < std::pair(b.at_ms, b.timer.round_timer.kind);
                });
            const bool left_behind = earliest->timer.kind == HostTimerKind::round &&
                                     earliest->timer.round_timer.round < h->host->machine().round();
            fire(*h, static_cast<std::size_t>(earliest - h->timers.begin()));
            if (!left_behind) break;
          }
        }
        break;
      case Op::start_round: {
        HonestNode& h = honest(in.next());
        if (!h.up || !h.awaiting_start) break;
        h.awaiting_start = false;
        h.clock_ms = std::max(h.clock_ms, round_start_ms(kMidnightMs, pw_.timing, h.start_round));
        start(h);
        break;
      }
      case Op::partition:
        side_mask_ = in.next();
        partitioned_ = true;
        break;
      case Op::heal:
        partitioned_ = false;
        break;
      case Op::crash: {
        HonestNode& h = honest(in.next());
        const auto point = static_cast<sim::CrashPoint>(in.choose(3));
        const std::uint8_t cut = in.next();
        if (!h.up) break;
        if (point == sim::CrashPoint::before_step) {
          go_down(h);
        } else {
          h.armed = point;
          h.cut = cut;
        }
        break;
      }
      case Op::restart: {
        HonestNode& h = honest(in.next());
        restart(h, in.next());
        break;
      }
      case Op::byz_propose: {
        const std::uint8_t target = in.next();
        byz_propose(target, in.next());
        break;
      }
      case Op::byz_vote: {
        const std::uint8_t target = in.next();
        const std::uint8_t flags = in.next();
        byz_vote(target, flags, in.next());
        break;
      }
      case Op::byz_replay: {
        const std::uint8_t target = in.next();
        byz_replay(target, in.next());
        break;
      }
      case Op::byz_garbage: {
        const std::uint8_t target = in.next();
        byz_garbage(target, in.next());
        break;
      }
      case Op::byz_repropose: {
        const std::uint8_t target = in.next();
        const std::uint8_t flags = in.next();
        byz_repropose(target, flags, in.next());
        break;
      }
      case Op::byz_mirror: {
        // byz_vote's "agree, both steps, to every honest node, delivered now", in one op.
        const auto flags = static_cast<std::uint8_t>(in.next() % kByzRounds | unsigned(ByzStep::both) << 2 | 32U);
        byz_vote(static_cast<std::uint8_t>(honest_.size()), flags, static_cast<std::uint8_t>(ByzChoice::agree));
        break;
      }
    }
  }
}

void RoundHarness::print_summary() const {
  std::string nodes;
  for (const auto& h : honest_) {
    nodes += " n" + std::to_string(h->node) + (h->up ? "" : "(down)") + ":";
    if (h->first_finalized) {
      nodes += "final=" + short_hex(*h->first_finalized);
    } else {
      nodes += "r" + std::to_string(h->host->machine().round()) + "-none";
    }
  }
  std::fprintf(stderr,
               "round_fuzzer: preset %.*s ops=%zu calls=%zu errors=%zu full_checks=%zu delivered=%zu lost=%zu "
               "in_flight=%zu crashes=%zu restarts=%zu;%s\n",
               static_cast<int>(preset_.name.size()), preset_.name.data(), ops_, handler_calls_, handler_errors_,
               full_checks_, delivered_, lost_, in_flight_.size(), crashes_, restarts_, nodes.c_str());
}

}  // namespace

void run_round_script(std::span<const std::uint8_t> script, sim::NegativeControl control) {
  MIDNIGHT_FUZZ_CHECK(control == sim::NegativeControl::none || control == sim::NegativeControl::quorum_ceil,
                      "harness set-up: round_fuzzer knows no other negative control");
  ScriptReader in(script);
  const std::size_t preset = in.choose(kPresetCount);
  const std::uint8_t options = in.next();
  RoundHarness harness(preset, options, control);
  harness.run(in);
  if (verbosity() > 0) harness.print_summary();
}

}  // namespace midnight::fuzz::round
