#include "round/round_harness.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/check.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/node/journal_step.hpp"
#include "midnight/sim/encoding.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/vote_monitor.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/codec.hpp"
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
// Every delivery or timer is a machine step with Ed25519 work; a run stops after this many.
constexpr std::size_t kMaxHandlerCalls = 768;
// One handler call in this many is checked against a full copy of the machine (see checked_call).
constexpr std::size_t kFullCheckEvery = 16;
// One re-initialisation of a pooled machine in this many is checked against its template (see fresh_machine).
constexpr std::size_t kReinitCheckEvery = 16;
// The Byzantine member's remembered vote signatures (see byz_signed_vote): at most this
// many, and one reuse in this many is checked against a fresh signature.
constexpr std::size_t kMaxRememberedSignatures = 1U << 14;
constexpr std::size_t kSignatureCheckEvery = 16;

constexpr std::size_t kMempoolSize = 3;
constexpr std::uint64_t kReward = 1000;

using MessagePtr = std::shared_ptr<const std::vector<std::uint8_t>>;

// ---- the fixed facts of each preset, built once ----------------------------------
//
// A RoundMachine is about 1.2 MB, plus a 1.1 MB reserve made by its constructor. Built
// fresh for every node of every run (and every restart), the machines cost more than the
// protocol work: the kernel faults in and zeroes new pages each time. So every machine a
// run can need is built once per process, as a template (a machine constructed with that
// node's NodeConfig, never stepped), and a run's machines are a few pooled machines that
// are copy-assigned from their template (fresh_machine): the same state as a freshly
// constructed one (RoundMachine's copy takes every field, and fresh_machine samples
// operator== against the template), written over memory that is already mapped. What a
// template's config points to (membership, policy) is built once too and never moves.

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
  // [policy][node] for the honest nodes: what a machine of that node is when constructed.
  std::array<std::array<std::unique_ptr<const RoundMachine>, kMaxNodes>, kPolicyCount> templates{};
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
  for (std::size_t pol = 0; pol < kPolicyCount; ++pol) {
    for (std::size_t i = 0; i + 1 < p.nodes; ++i) {  // the last node is the Byzantine one
      NodeConfig c;
      c.chain_id = out->world.chain;
      c.membership = &out->world.membership;  // *out never moves
      c.policy = &policy(pol);
      c.keys = out->world.keys[i];
      c.timing = out->timing;
      c.reward_per_height = kReward;
      out->templates[pol][i] = std::make_unique<const RoundMachine>(c);
    }
  }
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

// Node `node`'s machine, equal to `templ`: the pooled machine of that node index,
// copy-assigned. Its previous contents (the previous run's machine of that index, or this
// node's own before a restart) are gone: a run has one live machine per node index.
RoundMachine& fresh_machine(std::size_t node, const RoundMachine& templ) {
  static std::array<std::unique_ptr<RoundMachine>, kMaxNodes> pool{};
  // Process-wide, so the sample moves over nodes and presets from run to run; it only
  // picks which re-initialisations are also compared in full, never what a run does.
  static std::size_t reinits = 0;
  auto& slot = pool[node];
  if (slot) {
    *slot = templ;
  } else {
    slot = std::make_unique<RoundMachine>(templ);
  }
  if (reinits++ % kReinitCheckEvery == 0)
    MIDNIGHT_FUZZ_CHECK(*slot == templ, "harness: a re-initialised pooled machine differs from its template");
  return *slot;
}

// The sampled full copy of checked_call: one per process, copy-assigned each sample.
RoundMachine& snapshot_of(const RoundMachine& m) {
  static std::unique_ptr<RoundMachine> snapshot;
  if (snapshot) {
    *snapshot = m;
  } else {
    snapshot = std::make_unique<RoundMachine>(m);
  }
  return *snapshot;
}

// The decode target of commits (about 23 KB): one per process, cleared at the start of
// each run, so a run sees exactly what a CommitView of its own would hold.
CommitView& commit_view() {
  static const auto view = std::make_unique<CommitView>();
  return *view;
}

// The decode target of re-proposals (about 6 KB), the same way.
Reproposal& reproposal_view() {
  static const auto view = std::make_unique<Reproposal>();
  return *view;
}

// MIDNIGHT_FUZZ_VERBOSE set: a summary line per run; set to 2: also every machine step.
int verbosity() {
  static const int level = [] {
    const char* v = std::getenv("MIDNIGHT_FUZZ_VERBOSE");
    return v == nullptr ? 0 : (std::string(v) == "2" ? 2 : 1);
  }();
  return level;
}

// ---- hosts ---------------------------------------------------------------------------

struct Message {
  std::uint64_t seq = 0;  // send order, so a batch of deliveries can find its messages again
  std::size_t from = 0;
  std::size_t to = 0;
  MessagePtr bytes;
};

struct PendingTimer {
  TimerFired timer;
  std::uint64_t at_ms = 0;
};

// One honest node and what its host keeps beside the machine. What survives a crash is
// what a real node keeps on disk: the journal's durable bytes and its block store.
struct HonestNode {
  std::size_t node = 0;
  const RoundMachine* templ = nullptr;  // what its machine is when (re)started, before begin_height
  std::vector<TxBytes> mempool;  // its own order of the shared transactions
  RoundMachine* machine = nullptr;  // pooled (fresh_machine)
  bool up = true;
  bool awaiting_start = false;  // a round start the script has to give (start_round)
  std::uint32_t start_round = 0;
  std::optional<sim::CrashPoint> armed;  // a crash inside the next journaling step
  std::uint8_t cut = 0;                  // torn_append: keep cut/256 of that step's append
  std::uint32_t crash_round = 0;
  std::vector<std::uint8_t> journal;  // durable bytes (spec/journal.md)
  Lock journaled_lock;
  MessagePtr block_store;  // its finalized commit
  std::vector<PendingTimer> timers;
  std::optional<BlockId> first_finalized;  // kept across crashes: the judge of agreement
  // The block of each prevote it released (nil for a rejection) in the rounds the
  // adversary names: what a Byzantine member watching the network agrees with.
  std::array<std::optional<BlockId>, kByzRounds> released_prevote{};
};

// What a rejected call must not change, read through the public observers: cheap enough
// to take around every call (the full operator== is sampled, see checked_call). The
// machine answers for the rounds of its window only, so the tallies and proposals are
// those of the window's rounds, lowest first, with the window itself; of the rounds
// before it, what is left is the held polka (the re-proposal); beyond it, the round each
// member was seen in (the round skip's input).
struct Fingerprint {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  Step step = Step::idle;
  Lock lock;
  BlockId decided;
  std::uint32_t window_lowest = 0, window_highest = 0;
  std::array<std::uint64_t, kRoundSlots> prevoters{}, prevote_equivocators{}, precommitters{},
      precommit_equivocators{}, proposers{};
  std::array<std::uint32_t, kMaxNodes> seen_round{};  // 1 + highest_round_seen(member); 0: none
  bool repropose = false;
  std::uint32_t polka_round = 0;
  BlockId polka_block;
  std::size_t polka_signers = 0;
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
};

Fingerprint fingerprint_of(const RoundMachine& m, std::size_t members) {
  Fingerprint f;
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
    for (std::size_t mem = 0; mem < members; ++mem)
      if (m.proposal_of(r, mem) != nullptr) f.proposers[i] |= std::uint64_t{1} << mem;
  }
  for (std::size_t mem = 0; mem < members; ++mem)
    if (const auto seen = m.highest_round_seen(mem)) f.seen_round[mem] = *seen + 1;
  if (const Reproposal* rp = m.reproposal()) {
    f.repropose = true;
    f.polka_round = rp->polka.round;
    f.polka_block = rp->polka.block_id;
    f.polka_signers = rp->polka.count;
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
  std::optional<std::uint64_t> send(std::size_t from, std::size_t to, const MessagePtr& bytes);
  void observe(const MessagePtr& bytes);  // the monitor and the adversary see every send
  void broadcast(std::size_t from, const MessagePtr& bytes);
  void deliver_at(std::size_t pool_index);
  void deliver_now(const std::vector<std::uint64_t>& seqs);
  void deliver_honest(HonestNode& h, std::span<const std::uint8_t> bytes);

  // Hosting.
  template <class Call>
  result<Actions> checked_call(HonestNode& h, Call call);
  void execute(HonestNode& h, const result<Actions>& r);
  bool journal_step(HonestNode& h, Actions actions);
  void record_finalize(HonestNode& h);
  void check_reproposal(const HonestNode& h, const Reproposal& rp) const;
  void fire(HonestNode& h, std::size_t timer_index);
  void go_down(HonestNode& h);
  void restart(HonestNode& h, std::uint8_t how);
  void begin_height(HonestNode& h);
  void note_proposal(const Proposal& p);
  void note_prevote(const Vote& v);

  // The adversary.
  void byz_propose(std::uint8_t target, std::uint8_t flags);
  void byz_vote(std::uint8_t target, std::uint8_t flags, std::uint8_t choice);
  void byz_replay(std::uint8_t target, std::uint8_t index);
  void byz_garbage(std::uint8_t target, std::uint8_t kind);
  void byz_repropose(std::uint8_t target, std::uint8_t flags, std::uint8_t choice);
  Vote byz_signed_vote(std::uint32_t round, VoteStep step, const BlockId& id, bool approve,
                       std::uint64_t height = sim::kSimHeight) const;
  std::vector<std::uint64_t> byz_send(const std::vector<std::size_t>& to, const MessagePtr& bytes);

  void check_invariants();
  void trace_step(const HonestNode& h, const result<Actions>& r) const;

  const Preset& preset_;
  const PresetWorld& pw_;
  const sim::World& world_;
  std::size_t byz_;  // the Byzantine node's index: the last one
  std::vector<std::unique_ptr<HonestNode>> honest_;  // by node index, 0 .. byz_ - 1
  std::unique_ptr<sim::VoteMonitor> monitor_;
  CommitView* commit_;  // decode target (large, shared by the runs: commit_view())
  Reproposal* reproposal_;  // decode target (shared by the runs: reproposal_view())
  // No timer due at or after the start of round kScriptRounds is given to a node.
  std::uint64_t round_limit_ms_ = 0;
  std::vector<Message> in_flight_;          // in send order
  std::uint64_t next_seq_ = 0;
  bool partitioned_ = false;
  std::uint32_t side_mask_ = 0;
  std::vector<MessagePtr> history_;
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
      round_limit_ms_(round_start_ms(sim::kSimMidnightMs, pw_.timing, kScriptRounds)) {
  *commit_ = CommitView{};
  *reproposal_ = Reproposal{};
  const std::size_t pol = (options & 2U) != 0 ? 1 : (options & 0x80U) != 0 ? 2 : 0;  // C, else B, else A
  const bool late_start = (options & 1U) != 0;
  const std::uint64_t order_seed = (options >> 2) & 0x1FU;
  std::vector<bool> honest_members(preset_.nodes, true);
  honest_members[world_.member_of_node[byz_]] = false;
  monitor_ = std::make_unique<sim::VoteMonitor>(world_.membership, world_.chain, std::move(honest_members),
                                                world_.node_of_member);
  for (std::size_t i = 0; i < byz_; ++i) {
    auto h = std::make_unique<HonestNode>();
    h->node = i;
    sim::Rng order(1000 + order_seed * kMaxNodes + i);
    h->mempool = sim::shuffled_mempool(world_, order);
    h->templ = pw_.templates[pol][i].get();
    h->machine = &fresh_machine(i, *h->templ);
    honest_.push_back(std::move(h));
  }
  // Midnight: every node begins the height and, unless the script starts them late, round 0.
  for (auto& h : honest_) {
    begin_height(*h);
    if (late_start) {
      h->awaiting_start = true;
    } else {
      execute(*h, checked_call(*h, [](RoundMachine& m) { return m.on_round_start({sim::kSimHeight, 0}); }));
    }
  }
}

void RoundHarness::begin_height(HonestNode& h) {
  HeightStart hs;
  hs.height = sim::kSimHeight;
  hs.prev_id = world_.prev_id;
  hs.midnight_ms = sim::kSimMidnightMs;
  hs.mempool = h.mempool;
  h.machine->begin_height(hs);
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

void RoundHarness::observe(const MessagePtr& bytes) {
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
std::optional<std::uint64_t> RoundHarness::send(std::size_t from, std::size_t to, const MessagePtr& bytes) {
  if (to == from || to == byz_) return std::nullopt;
  if (in_flight_.size() >= kMaxInFlight) {
    ++lost_;
    return std::nullopt;
  }
  in_flight_.push_back(Message{next_seq_, from, to, bytes});
  return next_seq_++;
}

void RoundHarness::broadcast(std::size_t from, const MessagePtr& bytes) {
  observe(bytes);
  for (std::size_t to = 0; to < preset_.nodes; ++to) send(from, to, bytes);
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
  deliver_honest(h, *m.bytes);
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

void RoundHarness::deliver_honest(HonestNode& h, std::span<const std::uint8_t> bytes) {
  const auto type = peek_message_type(bytes);
  if (!type) return;
  switch (type.value()) {
    case MessageType::proposal: {
      const auto p = decode_proposal(bytes);
      if (!p) return;
      execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_proposal(p.value()); }));
      return;
    }
    case MessageType::vote: {
      const auto v = decode_vote(bytes);
      if (!v) return;
      execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_vote(v.value()); }));
      return;
    }
    case MessageType::commit: {
      if (!decode_commit(bytes, *commit_)) return;
      execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_commit(*commit_); }));
      return;
    }
    case MessageType::reproposal: {
      if (!decode_reproposal(bytes, *reproposal_)) return;
      execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_reproposal(*reproposal_); }));
      return;
    }
    case MessageType::commit_request:  // not taken by the machine yet (a node of this height has no use for it)
    default:
      return;  // a well-formed message of a type no node sends: as good as garbage
  }
}

// ---- hosting -------------------------------------------------------------------------

// Every handler call goes through here. A call that returns an error must leave the
// machine unchanged (round_machine.hpp). The observable fingerprint is compared around
// every call; a full copy and RoundMachine::operator== (about 1.2 MB each way) only
// around one call in kFullCheckEvery, chosen by call count so it is the same in every
// run of the same bytes: comparing every call would cost more than the Ed25519 work that
// dominates a run, and over a fuzzing session the sample reaches every kind of rejection.
template <class Call>
result<Actions> RoundHarness::checked_call(HonestNode& h, Call call) {
  ++handler_calls_;
  const bool full = handler_calls_ % kFullCheckEvery == 0;
  // Reused across samples and runs: a 1.2 MB allocation per sample would cost more than the run.
  const RoundMachine* const snapshot = full ? &snapshot_of(*h.machine) : nullptr;
  const std::size_t members = world_.membership.size();
  const Fingerprint before = fingerprint_of(*h.machine, members);
  result<Actions> r = call(*h.machine);
  if (!r) {
    ++handler_errors_;
    MIDNIGHT_FUZZ_CHECK(!r.error().message().empty(), "errors: a rejection without a readable message");
    MIDNIGHT_FUZZ_CHECK(fingerprint_of(*h.machine, members) == before,
                        "errors: a handler that returned an error changed the machine's observable state");
    if (full) {
      ++full_checks_;
      MIDNIGHT_FUZZ_CHECK(*snapshot == *h.machine, "errors: a handler that returned an error changed the machine");
    }
  }
  return r;
}

// The host's half of the journal contract, as the simulator keeps it: the step's records
// are durable before any of its actions leaves the node. A crash armed for this step
// falls inside the append (a prefix reaches the disk) or just after it; either way
// nothing is released. Returns whether the actions may be released.
bool RoundHarness::journal_step(HonestNode& h, Actions actions) {
  const std::size_t before = h.journal.size();
  const std::size_t appended = append_step_frames(*h.machine, actions, h.journaled_lock, h.journal);
  if (appended == 0) return true;  // nothing to make durable (an armed crash waits for a step that has)
  if (!h.armed) return true;
  if (*h.armed == sim::CrashPoint::torn_append) {
    h.journal.resize(before + appended * h.cut / 256);  // any prefix, cut inside a frame or between frames
  }
  go_down(h);
  return false;
}

void RoundHarness::execute(HonestNode& h, const result<Actions>& r) {
  if (verbosity() > 1) trace_step(h, r);
  if (r && journal_step(h, r.value())) {
    // The span points into the machine's buffer; nothing below calls back into the machine.
    for (const Action& a : r.value()) {
      switch (a.kind) {
        case ActionKind::broadcast_proposal: {
          note_proposal(a.proposal);
          broadcast(h.node, std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(a.proposal)));
          break;
        }
        case ActionKind::broadcast_vote: {
          // A re-proposal carries its polka in one message: a node sends only its own votes.
          MIDNIGHT_FUZZ_CHECK(a.vote.voter == h.machine->public_key(), "host: a node broadcast a vote it did not sign");
          if (a.vote.step == VoteStep::prevote && a.vote.round < kByzRounds)
            h.released_prevote[a.vote.round] = a.vote.block_id;
          note_prevote(a.vote);
          broadcast(h.node, std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(a.vote)));
          break;
        }
        case ActionKind::broadcast_reproposal: {
          const Reproposal* rp = h.machine->reproposal();
          MIDNIGHT_FUZZ_CHECK(rp != nullptr, "host: broadcast_reproposal without a held polka");
          check_reproposal(h, *rp);
          note_proposal(rp->proposal);
          broadcast(h.node, std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(*rp)));
          break;
        }
        case ActionKind::set_timer:
          if (a.at_ms >= round_limit_ms_) break;  // the script's last round has no end (kScriptRounds)
          if (h.timers.size() >= kMaxPendingTimers) h.timers.erase(h.timers.begin());
          h.timers.push_back(PendingTimer{a.timer, a.at_ms});
          break;
        case ActionKind::finalize:
          record_finalize(h);
          break;
        case ActionKind::send_commit: {
          const auto d = h.machine->decision();
          MIDNIGHT_FUZZ_CHECK(d.has_value() && a.member < world_.node_of_member.size(),
                              "host: send_commit without a decision or to no member");
          const auto bytes = std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(*d));
          observe(bytes);
          send(h.node, world_.node_of_member[a.member], bytes);
          break;
        }
      }
    }
  }
  check_invariants();
}

void RoundHarness::record_finalize(HonestNode& h) {
  const auto d = h.machine->decision();
  MIDNIGHT_FUZZ_CHECK(d.has_value() && d->certificate != nullptr, "agreement: finalize without a decision");
  const Certificate& cert = *d->certificate;
  const auto weight = verify_certificate(cert, world_.membership, world_.chain);
  MIDNIGHT_FUZZ_CHECK(weight.has_value() && cert.block_id == d->block_id && cert.height == d->height &&
                          cert.round == d->round && compute_block_id(d->header) == d->block_id,
                      "certificate: a decision whose certificate is not a valid quorum for its block");
  if (!h.first_finalized) h.first_finalized = d->block_id;
  MIDNIGHT_FUZZ_CHECK(*h.first_finalized == d->block_id, "agreement: a node finalized a second, different block");
  h.block_store = std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(*d));
  broadcast(h.node, h.block_store);
}

// What an honest node re-proposes (rule "re-propose"): the signed proposal of a block with
// a prevote quorum for it, of a round at or after the proposal's and before the node's
// current one. A receiver verifies all of it, so a wrong one would only be refused; it is
// checked here because it is the honest side of the message.
void RoundHarness::check_reproposal(const HonestNode& h, const Reproposal& rp) const {
  const auto weight = verify_polka(rp.polka, world_.membership, world_.chain);
  MIDNIGHT_FUZZ_CHECK(weight.has_value() && verify_proposal(rp.proposal) &&
                          rp.polka.block_id == compute_block_id(rp.proposal.header) &&
                          rp.polka.height == sim::kSimHeight && rp.proposal.header.round <= rp.polka.round &&
                          rp.polka.round < h.machine->round(),
                      "re-proposal: an honest node re-proposed what is not a polka of an earlier round for its block");
}

void RoundHarness::fire(HonestNode& h, std::size_t timer_index) {
  const TimerFired t = h.timers[timer_index].timer;
  h.timers.erase(h.timers.begin() + static_cast<std::ptrdiff_t>(timer_index));
  execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_timer(t); }));
}

void RoundHarness::go_down(HonestNode& h) {
  h.up = false;
  h.armed.reset();
  h.timers.clear();  // its pending timers die with it
  h.awaiting_start = false;
  h.crash_round = h.machine->round();
  ++crashes_;
}

// A restart is a new process: a fresh machine, the height begun again, the journal
// replayed (spec/journal.md), the finalized commit taken back from the block store, or
// else a round at or after the one it crashed in (the clock has not gone back).
void RoundHarness::restart(HonestNode& h, std::uint8_t how) {
  if (h.up) {
    if (!h.armed) return;
    go_down(h);  // a crash armed for a journaling step that never came falls here, between steps
  }
  h.machine = &fresh_machine(h.node, *h.templ);
  begin_height(h);
  const auto replay = replay_journal(*h.machine, h.journal);
  if (!replay) std::fprintf(stderr, "node %zu: journal replay: %s\n", h.node, replay.error().message().c_str());
  // Only this host writes the journal, and a crash only ever cuts its last append, so a
  // refusal here (the node would have to stay down for good) is the library's failure.
  MIDNIGHT_FUZZ_CHECK(replay.has_value(), "journal: a journal written by the host, torn at most at its end, did not replay");
  h.journal.resize(replay.value().intact_bytes);
  h.journaled_lock = replay.value().lock;
  h.up = true;
  ++restarts_;
  if (h.block_store) {
    // Final before the crash: the block store gives the decision back. Nothing is sent.
    MIDNIGHT_FUZZ_CHECK(decode_commit(*h.block_store, *commit_).has_value(), "host: the block store does not decode");
    const auto adopted = checked_call(h, [&](RoundMachine& m) { return m.on_commit(*commit_); });
    MIDNIGHT_FUZZ_CHECK(adopted.has_value(), "agreement: a restarted node rejected its own finalized commit");
    check_invariants();
    return;
  }
  const std::uint32_t round = std::min<std::uint32_t>(h.crash_round + how % 3, kScriptRounds - 1);
  if ((how / 3) % 2 == 1) {
    h.awaiting_start = true;
    h.start_round = round;
    return;
  }
  execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_round_start({sim::kSimHeight, round}); }));
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

std::vector<std::uint64_t> RoundHarness::byz_send(const std::vector<std::size_t>& to, const MessagePtr& bytes) {
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
                                         round_start_ms(sim::kSimMidnightMs, pw_.timing, round), keys.public_key);
  Proposal p = sign_proposal(header, keys.secret_key);
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
  const MessagePtr old = history_[index % history_.size()];
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
  }
  byz_send(targets(target), std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)));
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
  auto rp = std::make_unique<Reproposal>();  // about 6 KB
  rp->proposal = seen.proposal;
  Certificate& polka = rp->polka;
  polka.chain_id = world_.chain;
  polka.height = sim::kSimHeight;
  polka.round = round;
  polka.block_id = seen.id;
  for (const auto& [voter, signature] : it->second) {  // ascending by key, as a polka must be
    if (leave_one_out && it->second.size() > 1 && voter == it->second.begin()->first) continue;
    polka.signatures[polka.count++] = CertificateSignature{voter, signature};
  }
  const auto seqs =
      byz_send(targets(target), std::make_shared<const std::vector<std::uint8_t>>(sim::encode_to_bytes(*rp)));
  if (now) deliver_now(seqs);
}

// ---- the judge -------------------------------------------------------------------------

void RoundHarness::check_invariants() {
  const HonestNode* first = nullptr;
  for (const auto& h : honest_) {
    if (h->up) {
      // A running machine's decision is the one its host recorded (a finalize is always released).
      if (const auto d = h->machine->decision()) {
        MIDNIGHT_FUZZ_CHECK(h->first_finalized.has_value() && *h->first_finalized == d->block_id,
                            "agreement: a node's decision is not the block it finalized first");
      }
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
    MIDNIGHT_FUZZ_CHECK(!h->up || h->machine->round() < kScriptRounds,
                        "skip: an honest node is in a round no honest node started (the Byzantine third moved it)");
  MIDNIGHT_FUZZ_CHECK(monitor_->locks_kept(), "lock kept: an honest node prevoted against its lock with no later polka");
}

void RoundHarness::trace_step(const HonestNode& h, const result<Actions>& r) const {
  const RoundMachine& m = *h.machine;
  std::string line = "  call " + std::to_string(handler_calls_) + " n" + std::to_string(h.node) + " r" +
                     std::to_string(m.round()) + " step " + std::to_string(int(m.step())) + ":";
  if (!r) {
    line += " rejected: " + r.error().message();
  } else {
    for (const Action& a : r.value()) {
      switch (a.kind) {
        case ActionKind::broadcast_proposal:
          line += " propose(r" + std::to_string(a.proposal.header.round) + " " +
                  short_hex(compute_block_id(a.proposal.header)) + ")";
          break;
        case ActionKind::broadcast_vote:
          line += std::string(a.vote.step == VoteStep::prevote ? " prevote(" : " precommit(") + "r" +
                  std::to_string(a.vote.round) + " " + short_hex(a.vote.block_id) +
                  (a.vote.approve ? "" : " reject") + ")";
          break;
        case ActionKind::broadcast_reproposal:
          if (const Reproposal* rp = m.reproposal())
            line += " repropose(r" + std::to_string(rp->proposal.header.round) + " " +
                    short_hex(rp->polka.block_id) + " polka r" + std::to_string(rp->polka.round) + ")";
          break;
        case ActionKind::set_timer: line += " timer"; break;
        case ActionKind::finalize: line += " FINALIZE(" + short_hex(m.decision()->block_id) + ")"; break;
        case ActionKind::send_commit: line += " commit->m" + std::to_string(a.member); break;
      }
    }
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
                  return std::pair(a.at_ms, a.timer.kind) < std::pair(b.at_ms, b.timer.kind);
                });
            const bool left_behind = earliest->timer.round < h->machine->round();
            fire(*h, static_cast<std::size_t>(earliest - h->timers.begin()));
            if (!left_behind) break;
          }
        }
        break;
      case Op::start_round: {
        HonestNode& h = honest(in.next());
        if (!h.up || !h.awaiting_start) break;
        h.awaiting_start = false;
        const std::uint32_t round = h.start_round;
        execute(h, checked_call(h, [&](RoundMachine& m) { return m.on_round_start({sim::kSimHeight, round}); }));
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
    const auto d = h->up ? h->machine->decision() : std::nullopt;
    if (h->first_finalized) {
      nodes += "final=" + short_hex(*h->first_finalized);
      if (d) nodes += "@r" + std::to_string(d->round);
    } else {
      nodes += "r" + std::to_string(h->machine->round()) + "-none";
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
