// The round state machine of one node (sans-I/O). It takes events and returns actions;
// the host owns sockets, clocks and timers. No clock, thread, global state or randomness
// inside; the same events give the same actions, byte for byte.
//
// tla/MidnightRound.tla models this machine (tla/README.md maps every action).
// The model has no receive actions (a node may act on any message it can see); its
// actions are the machine's internal steps, with the same names:
//   Prevote -> prevote()          Precommit -> precommit()   PrecommitNil -> precommit_nil()
//   Finalize -> finalize()        AdoptCertificate -> adopt_certificate() (from on_commit)
//   AdvanceRound -> advance_round(), which starts the next round and proposes (propose()).
//
// Rounds are unbounded (wire version 2). The machine keeps full state for a window of
// rounds around its current one (kRoundsBehind, kRoundsAhead in limits.hpp) and, of the
// rounds before it, only the highest polka whose block it holds, with that block's
// proposal and the polka's signed prevotes: all that the lock rule, the choice and the
// re-proposal need. A valid message of a round beyond the window is not stored; it
// counts toward the round skip (spec/protocol.md 5.5). Memory is the same in every round.
//
// The lock rule (spec/protocol.md, "Lock rule"): a node precommits a block only after a
// prevote quorum ("polka") for it in the same round, and then is locked on it; in a
// later round it prevotes approve only for its locked block or for a block with a polka
// in a round at or after its lock round and before the current round.
//
// Every handler validates its whole input before changing anything: an error leaves
// the machine exactly as it was.
//
// Storage is sized once, in the constructor, from the membership (n members): per round
// of the window one proposal slot and two tallies' votes per member, indexed by member
// and by block id, so no step scans the window or allocates. Memory is O(n) and the
// same in every round (round_machine_memory_bytes() says how much).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "midnight/block/builder.hpp"
#include "midnight/block/held_body.hpp"
#include "midnight/consensus/body_exchange.hpp"
#include "midnight/block/tx_validity.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/lock.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/consensus/tally.hpp"
#include "midnight/core/block_id_index.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/crypto/vrf_prover.hpp"
#include "midnight/crypto/vrf_verifier.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class round_errc {
  not_started = 1,         // no height has begun
  wrong_chain,             // message for another chain
  wrong_height,            // message for another height
  round_out_of_range,      // round above kLastRound
  not_a_member,            // proposer or voter is not a member
  bad_signature,           // signature does not verify
  conflicting_proposal,    // a second, different proposal of one proposer for one round
  wrong_parent,            // header's previous block id is not ours
  wrong_timestamp,         // header's timestamp is not its round's scheduled time
  bad_header_version,      // header version unknown
  stale_timer,             // timer of another height or round, or already acted on
  already_decided,         // round start for a height already finalized
  stale_round,             // round start for a round not after the current one
  bad_certificate,         // certificate fails verification
  block_mismatch,          // committed block is not the certificate's block
  bad_merkle_root,         // committed block's transactions do not hash to its merkle root
  conflicting_commit,      // a valid certificate for a different block than we finalized
  restore_too_late,        // a restore after the first round has started
  not_own_vote,            // a restored vote that this node did not sign
  conflicting_own_vote,    // a restored vote that differs from one already restored for its round and step
  lock_without_precommit,  // a restored lock with no restored approving precommit for its block and round
  bad_vrf_proof,           // policy B: the proposal's VRF proof does not verify for its proposer's VRF key and round
  round_behind_window,     // a vote or proposal of a round this node has left behind its window
  bad_polka,               // a re-proposal's polka is not a prevote quorum for its block, at or after its round
  bad_coinbase,            // a committed block's coinbase is not the one every member builds
  unsolicited_body,        // a body for a block of which this node stored no proposal
  body_not_held,           // a body request for a block whose body this node does not hold
  body_answers_spent,      // a body request from a member this node has answered kMaxBodyAnswers times this height
  unsolicited_answer,      // a sketch or transactions for a block this node awaits no such answer for
};

template <>
struct ErrorTable<round_errc> {
  static constexpr const char* name = "midnight.round";
  static const char* message(round_errc e);
};

enum class TimerKind : std::uint8_t { collect_deadline = 1, prevote_deadline = 2, round_end = 3 };

// ---- inputs ------------------------------------------------------------------
struct NodeConfig {
  ChainId chain_id;
  const Membership* membership = nullptr;   // outlives the machine
  const SelectionPolicy* policy = nullptr;  // outlives the machine
  Keypair keys;                             // keys.public_key must be a member
  VrfKeypair vrf_keys;                      // vrf_keys.public_key must be that member's vrf_key
  RoundTiming timing;
  std::uint64_t reward_per_height = 0;
  // Who checks signatures (null: libsodium directly). A simulator may pass a memo
  // (crypto/sign.hpp); it must outlive the machine.
  const SignatureVerifier* verifier = nullptr;
  // Who checks VRF proofs (null: ecvrf_verify directly); the same contract as `verifier`.
  const VrfVerifier* vrf_verifier = nullptr;
  // Who makes this node's VRF proofs (null: ecvrf_prove directly); the same contract.
  const VrfProver* vrf_prover = nullptr;
  // The application's transaction predicate (block/tx_validity.hpp; null: every
  // transaction is valid); it must outlive the machine. It decides what this node builds
  // from its snapshot and which other members' bodies it may approve.
  const TxValidity* validity = nullptr;
  // A negative control, never set outside tests: every round's prevote is a fresh pick
  // among that round's proposals, with no lock and no preference for an earlier polka
  // (tla/MCNegNoLock.cfg is the same variant in the model). The property tests and TLC
  // must find it finalizing two blocks, which shows their safety checks can fail.
  bool unsafe_retry_without_lock = false;
  // A negative control of liveness, never set outside tests: rule "announce" is skipped, so
  // a leader may not know a lock taken in the round before its own (spec/protocol.md 4.6).
  // The Byzantine liveness property must then find an honest-led round after stabilisation
  // that does not decide.
  bool unsafe_skip_lock_announcement = false;
  // A negative control, never set outside tests: a body is held (rule "hold") and a
  // commit adopted after checking only its Merkle root, not its coinbase, order, caps or
  // transactions (tla/MCNegHeaderOnly.cfg is its kind in the model). The simulator's
  // judge and the properties must then find a decided block whose body is invalid.
  bool unsafe_hold_unchecked_bodies = false;
};

// Set-up for a height (may allocate: the block content is built here, once).
struct HeightStart {
  std::uint64_t height = 0;
  BlockId prev_id;
  std::uint64_t midnight_ms = 0;     // scheduled time of round 0
  std::span<const TxBytes> mempool;  // this node's snapshot, any order, may repeat
};

struct RoundStart {
  std::uint64_t height = 0;
  std::uint32_t round = 0;
};

struct TimerFired {
  TimerKind kind = TimerKind::collect_deadline;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  friend bool operator==(const TimerFired&, const TimerFired&) = default;
};

// ---- outputs -----------------------------------------------------------------
enum class ActionKind : std::uint8_t {
  broadcast_proposal = 1,  // send `proposal` to every other member
  broadcast_vote,          // send `vote` to every other member
  set_timer,               // fire `timer` when the local clock reaches `at_ms`
  finalize,                // decision() is final: persist it and send the commit to every member
  send_commit,             // send our commit (decision) to member `member`
  broadcast_reproposal,    // send reproposal() to every other member (rule "re-propose")
  broadcast_polka,         // send lock_polka() to every other member (rule "announce")
  request_body,            // send member `member` a body request for block `block_id` (rule "fetch")
  send_body,               // send member `member` the body of block `block_id`: body_of(block_id)
  // Body reconciliation (spec/reconciliation.md §5):
  request_sketch,          // send member `member` a sketch request for `block_id`: reconcile_sample
  request_transactions,    // send member `member` a transactions request for `block_id`: lacked_short_ids
  send_sketch,             // answer member `member`'s sketch request: encode_body_sketch(block_id, cells_per_hash)
  send_transactions,       // answer member `member`'s transactions request: transactions_named
};

struct Action {
  ActionKind kind = ActionKind::set_timer;
  Proposal proposal{};
  Vote vote{};
  TimerFired timer{};
  std::uint64_t at_ms = 0;
  std::size_t member = 0;
  BlockId block_id{};  // request_body, send_body, and the reconciliation actions
  std::size_t cells_per_hash = 0;  // send_sketch
  friend bool operator==(const Action&, const Action&) = default;
};

// One step emits at most: a commit reply, the votes and finalize of the rules it
// enables (3), and after a round skip a round start's proposal, three timers and again
// up to three votes and a finalize (24), and rule "fetch" asks for at most two bodies
// per polka and one per stored proposal; 32 leaves room.
inline constexpr std::size_t kMaxActionsPerStep = 32;

// A decided node answers one member's late messages with its commit at most this many
// times a height (spec/protocol.md 7.3): the bound on what a peer can make it send.
inline constexpr std::uint8_t kMaxCommitReplies = 16;

// A node answers one member's body requests at most this many times a height (spec/
// protocol.md 5.7): an honest member asks for a body it lacks once per proposal it ranks
// best so far, and a member's body does not change between rounds.
// A fetch by reconciliation costs up to three answers (sketch, transactions, and the whole
// block when it falls back).
inline constexpr std::uint8_t kMaxBodyAnswers = 48;

// The bodies of other members' blocks a node holds at once, beside its own. At most three
// are pinned (the lock's, the held polka's and a pending re-proposal's); the oldest other
// one makes room for a new one.
inline constexpr std::size_t kMaxForeignBodies = 4;

using Actions = std::span<const Action>;

// ---- observable state --------------------------------------------------------
enum class Step : std::uint8_t { idle = 0, collect, prevoted, precommitted, decided };

struct Decision {
  std::uint64_t height = 0;
  std::uint32_t round = 0;  // round of the certificate
  BlockId block_id;
  BlockHeader header;
  Signature signature;       // proposer's
  std::span<const TxBytes> txs;  // the block's transactions (valid while the machine lives)
  const Certificate* certificate = nullptr;
};

// A block whose body this node holds, as a send_body action sends it (a block message).
struct HeldBlock {
  BlockHeader header;
  Signature signature;
  std::span<const TxBytes> txs;  // valid until the next event
};

// The commit (certificate and block) a decided node sends; views point into the decision.
void commit_view_of(const Decision& d, CommitView& out);

class RoundMachine {
 public:
  explicit RoundMachine(const NodeConfig& config);
  RoundMachine(const RoundMachine& other);
  RoundMachine& operator=(const RoundMachine& other);

  // Set-up: builds this node's block content for the height. Resets all round state.
  void begin_height(const HeightStart& start);

  result<Actions> on_round_start(const RoundStart& e);
  result<Actions> on_proposal(const Proposal& p);
  result<Actions> on_vote(const Vote& v);
  result<Actions> on_timer(const TimerFired& t);
  result<Actions> on_commit(const CommitView& c);
  // Rule "re-propose", receiving side: a member's round message carrying a polka of an
  // earlier round, ranked as that member's message of its round (the leading message).
  result<Actions> on_reproposal(const Reproposal& r);
  // A polka carried whole without a round message (rule "announce"): what it teaches is
  // counted, as the polka of a re-proposal is, and nothing is ranked.
  result<Actions> on_polka(const CarriedPolka& p);
  // Rule "hold": the body of a block of which this node stored a proposal (a block
  // message: header, signature ignored, transactions), checked for validity
  // (block/body_check.hpp) and then held, so that the block can be a candidate.
  result<Actions> on_body(const BlockView& b);
  // Rule "serve": a member's request for a body this node holds, answered (send_body)
  // at most kMaxBodyAnswers times per member and height.
  result<Actions> on_body_request(const BodyRequest& r);
  // Rule "reconcile" (spec/reconciliation.md §5), requesting side: a sketch, then the
  // lacked transactions, of a block this node is fetching; the body they assemble is
  // checked and held as on_body, and any failure asks the same member for the whole block.
  result<Actions> on_body_sketch(const BodySketchView& s);
  result<Actions> on_body_transactions(const BodyTransactionsView& t);
  // Serving side: a sketch or transactions request for a body this node holds, under the
  // same budget as body requests (kMaxBodyAnswers per member and height).
  result<Actions> on_reconcile_request(const ReconcileRequest& r);

  // Restart from the vote journal (node/journal_step.hpp), after begin_height and
  // before the first round starts. A restored vote is this node's own signed vote of
  // this height: it is counted, and the machine never votes again in its round and step
  // (it re-sends the same vote instead). The machine then never starts a round below the
  // highest restored round, so restored votes of rounds older than the window that
  // round keeps can be let go. A restored lock must be the one the approving precommits
  // restored before it give. Restoring the same record twice is harmless.
  result<void> restore_vote(const Vote& v);
  result<void> restore_lock(std::uint64_t height, const Lock& lock);
  // The polka of a lock, journaled before the approving precommit: checked and verified
  // as a re-proposal, and counted in its round (which the machine then never starts
  // below), so that a restarted node that is locked can still re-propose its block.
  result<void> restore_polka(const CarriedPolka& r);

  // Observers.
  std::uint64_t height() const { return height_; }
  std::uint32_t round() const { return round_; }
  // Heap bytes this machine holds (its storage, sized from the membership at construction).
  std::size_t memory_bytes() const;
  Step step() const { return step_; }
  const Lock& lock() const { return lock_; }
  const PublicKey& public_key() const { return config_.keys.public_key; }
  std::size_t member_index() const { return self_; }
  const Hash32& expected_merkle_root() const { return content_.merkle_root; }
  // Whether this node holds a valid body with this Merkle root (its own, or one it received).
  bool holds_body(const Hash32& merkle_root) const;
  // A block (by id) whose proposal this node stored and whose body it holds, or nullopt.
  std::optional<HeldBlock> body_of(const BlockId& id) const;
  // What the reconciliation actions send (valid until the next event): the sample of a
  // sketch request (into out, returns the count; `have` is reconcile_have()), the short
  // ids of a transactions request, the sketch of a send_sketch (encoded_size_... bytes into
  // out, spec/reconciliation.md §3), the transactions of a send_transactions.
  std::size_t reconcile_have() const { return exchange_.have(); }
  std::size_t reconcile_sample(const BlockId& id, std::span<ShortTxId, kReconcileSampleIds> out) const {
    return exchange_.sample(id, out);
  }
  std::span<const ShortTxId> lacked_short_ids() const { return exchange_.lacked(); }
  void encode_body_sketch(const BlockId& id, std::size_t cells_per_hash, std::span<std::uint8_t> out) const;
  std::span<const TxBytes> transactions_named(const ReconcileRequest& r) const;
  const ReconcileCounts& reconcile_counts() const { return exchange_.counts(); }
  // This node's own block content for the height (coinbase first), built by begin_height.
  std::span<const TxBytes> own_transactions() const { return content_.views; }
  std::optional<Decision> decision() const;
  // What this node prevoted in `round` (its canonical choice), if it has.
  const Vote* prevote_of(std::uint32_t round) const;
  // The tallies of a round in the window, or null.
  const VoteTally* prevotes(std::uint32_t round) const;
  const VoteTally* precommits(std::uint32_t round) const;
  // The round message of `member` for `round` (including our own), while `round` is in the
  // window: a proposal of that round, or the proposal a re-proposal carries (then
  // polka_round_of says the round of its polka).
  const Proposal* proposal_of(std::uint32_t round, std::size_t member) const;
  std::optional<std::uint32_t> polka_round_of(std::uint32_t round, std::size_t member) const;
  // Under policy B, the verified VRF output (rank key) of that stored proposal; else null.
  const VrfOutput* vrf_output_of(std::uint32_t round, std::size_t member) const;
  // The rounds whose state the machine holds now: [lowest, highest].
  std::uint32_t window_lowest() const;
  std::uint32_t window_highest() const;
  // The re-proposal a broadcast_reproposal action sends: this node's round message when it
  // holds a polka of an earlier round (the highest whose block it holds), signed for the
  // round it was sent in. Valid until the next event.
  const Reproposal* reproposal() const { return own_reproposal_held_ ? &own_reproposal_ : nullptr; }
  // The held polka (rule "valid block"): the highest polka of a round before the current one
  // whose block this node holds, or null.
  const CarriedPolka* held_polka() const { return best_polka_.held ? &best_polka_.message : nullptr; }
  // The polka that justifies the lock (its block's proposal and the prevotes of the lock
  // round), which the host journals with the lock; null without a lock, or after a
  // restart whose journal had no polka for it.
  const CarriedPolka* lock_polka() const { return lock_polka_.held ? &lock_polka_.message : nullptr; }
  // The highest round of a valid vote or proposal seen from `member` at this height.
  std::optional<std::uint32_t> highest_round_seen(std::size_t member) const;

  friend bool operator==(const RoundMachine& a, const RoundMachine& b);

 private:
  // A member's round message: its proposal of the round, or a re-proposal (then `proposal`
  // is the carried block's proposal, of an earlier round, and polka_round its polka's round).
  static constexpr std::uint32_t kFresh = UINT32_MAX;
  struct StoredProposal {
    bool present = false;
    std::uint32_t arrival = 0;
    BlockId block_id;
    Proposal proposal;
    // Policy B: the sender's verified VRF output for the round (the proposal's proof, or
    // the re-proposal's own proof).
    VrfOutput vrf_output;
    std::uint32_t polka_round = kFresh;
    friend bool operator==(const StoredProposal&, const StoredProposal&) = default;
  };
  struct Polka {
    bool seen = false;
    BlockId block_id;
    friend bool operator==(const Polka&, const Polka&) = default;
  };
  // Everything of one round in the window.
  struct RoundSlot {
    std::uint32_t round = 0;
    std::vector<StoredProposal> proposals;  // one per member, sized at construction
    std::size_t present = 0;                // proposals with present == true
    BlockIdIndex by_id;                     // block id -> member (a replaced entry's id stays, stale)
    // The members whose proposals rank best and second best so far (rule "fetch").
    std::optional<std::uint32_t> best;
    std::optional<std::uint32_t> second;
    VoteTally prevotes;
    VoteTally precommits;
    Polka polka;
    // The proposal of this round's polka block when it came in a re-proposal whose
    // header is of a round outside the window (so it has no place in `proposals`).
    StoredProposal carried;
    friend bool operator==(const RoundSlot&, const RoundSlot&) = default;
  };
  // The highest polka of a round before the current one whose block we hold, carried
  // whole: what the choice, the lock rule and the re-proposal need of the rounds that
  // have left the window.
  struct HeldPolka {
    bool held = false;
    BlockId block_id;
    CarriedPolka message;  // the block's proposal and the polka's prevotes
    std::uint32_t round() const { return message.polka.round; }
    // Back to "none held", keeping the polka's reserved entries.
    void clear() {
      held = false;
      block_id = {};
      message.proposal = {};
      message.polka.clear();
    }
    friend bool operator==(const HeldPolka&, const HeldPolka&) = default;
  };

  // Internal steps, named as in the TLA+ model.
  void propose(std::uint32_t round);
  void prevote();
  void precommit(const BlockId& id);
  void precommit_nil();
  void finalize(std::uint32_t round, const BlockId& id);
  void adopt_certificate(const CommitView& c);
  void advance_round();
  void start_round(std::uint32_t round);
  void after_change();  // re-evaluates every rule that may now fire
  // The window.
  bool in_window(std::uint32_t round) const;
  RoundSlot& slot(std::uint32_t round) { return slots_[round % kRoundSlots]; }
  const RoundSlot& slot(std::uint32_t round) const { return slots_[round % kRoundSlots]; }
  void move_window(std::uint32_t round);  // makes the window the one of `round`
  void claim_slot(std::uint32_t round);
  void keep_best_polka(std::uint32_t before);  // rule "valid block" for the rounds before `before`
  void keep_lock_polka(std::uint32_t before);  // the lock's polka (of a round before `before`), held or pending
  void store_proposal(StoredProposal& entry, const Proposal& p, const VrfOutput& vrf_output,
                      std::uint32_t polka_round = kFresh);
  void store_round_proposal(RoundSlot& s, std::size_t sender, const Proposal& p, const VrfOutput& vrf_output,
                            std::uint32_t polka_round = kFresh);
  // The leading message of the round: the first, in message order, whose body we hold.
  std::optional<std::size_t> leading_message(const RoundSlot& s) const;
  void announce_lock();
  const SignatureVerifier& verifier() const {
    return config_.verifier != nullptr ? *config_.verifier : direct_verifier();
  }
  const VrfVerifier& vrf_verifier() const {
    return config_.vrf_verifier != nullptr ? *config_.vrf_verifier : direct_vrf_verifier();
  }
  const VrfProver& vrf_prover() const {
    return config_.vrf_prover != nullptr ? *config_.vrf_prover : direct_vrf_prover();
  }
  void note_round(std::size_t member, std::uint32_t round);
  result<bool> take_polka(const CarriedPolka& r, bool restoring);
  result<bool> take_checked_polka(const CarriedPolka& r, bool restoring);
  result<void> check_carried_polka(const CarriedPolka& r) const;
  void capture_lock_polka();
  void hold_polka(HeldPolka& out, const RoundSlot& s, const Proposal& p) const;
  void note_restored_round(std::uint32_t round);
  void restore_window(std::uint32_t round);
  std::optional<std::uint32_t> skip_target();
  bool skip_rounds();  // rule "skip": starts the round more than a third has reached
  const StoredProposal* find_proposal(const BlockId& id) const;
  const Proposal* held_proposal(const BlockId& id) const;  // a stored or carried proposal whose body we hold
  const Proposal* known_proposal(const BlockId& id) const;  // any stored, carried or pending proposal
  Candidate candidate_of(const StoredProposal& e, std::size_t m) const;
  bool ranks_before(const StoredProposal& a, std::size_t ma, const StoredProposal& b, std::size_t mb) const;
  void fetch(std::size_t member, const BlockId& id);
  void fetch_polka_body(const CarriedPolka& r, const BlockId& id);
  void store_body(const Hash32& root, std::span<const TxBytes> txs);
  result<void> check_body(const BlockHeader& h, std::span<const TxBytes> txs) const;
  // Rule "hold" for a body this node checked (or assembled and then checked).
  result<void> hold_body(const BlockHeader& h, std::span<const TxBytes> txs);
  void after_reconcile(const ReconcileOutcome& o, const BlockId& id);
  template <class Answer, class Step>
  result<Actions> on_reconcile_answer(const Answer& answer, Step step);
  std::span<const TxBytes> body_transactions(const Hash32& root) const;
  bool pinned(const Hash32& root) const;
  bool collect_may_end_early(std::uint32_t round) const;  // every proposal in, the best's body held
  void emit(const Action& a);
  void emit_timer(TimerKind kind, std::uint32_t round, std::uint64_t at_ms);
  void emit_vote(VoteStep step, std::uint32_t round, const BlockId& id, bool approve);
  Actions actions() const { return {actions_.data(), action_count_}; }
  bool decided() const { return step_ == Step::decided; }
  bool ranks_by_vrf() const { return config_.policy->kind() == PolicyKind::vrf_rank; }
  result<void> check_header(const BlockHeader& h) const;

  NodeConfig config_;
  std::size_t self_ = 0;
  BlockContent content_;
  std::uint64_t height_ = 0;
  bool started_ = false;
  BlockId prev_id_;
  std::uint64_t midnight_ms_ = 0;
  std::uint32_t round_ = 0;
  Step step_ = Step::idle;
  Lock lock_;
  std::uint32_t arrivals_ = 0;
  std::array<RoundSlot, kRoundSlots> slots_{};
  HeldPolka best_polka_;
  HeldPolka lock_polka_;  // the polka of lock_ (capture_lock_polka)
  // Restart: no round below the highest round of a restored vote is ever started.
  bool restored_ = false;
  std::uint32_t restored_round_ = 0;
  // Round skip: per member, 1 + the highest round of a valid message of it (0: none).
  std::vector<std::uint32_t> seen_round_;
  // The weight of the members seen beyond round ahead_round_ + 1, kept as messages come,
  // so that the skip rule costs O(1) per message until it may fire (kNoRound: stale).
  std::uint64_t ahead_weight_ = 0;
  std::uint32_t ahead_round_ = UINT32_MAX;
  // Decision (valid when step_ == Step::decided).
  std::uint32_t decided_round_ = 0;
  BlockId decided_id_;
  BlockHeader decided_header_;
  Signature decided_signature_;
  Certificate certificate_{};
  // Bodies of other members' blocks (rule "hold"), and of an adopted commit's block. Each
  // is reserved at begin_height for a block of our content's size, so holding a body up
  // to that size allocates nothing; only a larger one (built from a mempool holding what
  // ours lacked) grows its slot, once.
  struct ForeignBody {
    bool present = false;
    Hash32 root;
    std::uint32_t stored_at = 0;
    HeldBody body;
    friend bool operator==(const ForeignBody&, const ForeignBody&) = default;
  };
  std::array<ForeignBody, kMaxForeignBodies> bodies_{};
  std::uint32_t bodies_stored_ = 0;
  // A re-proposal of a round before the window whose body we do not hold yet: kept (and
  // its body fetched) so that it can become the held polka when the body comes.
  HeldPolka pending_polka_;
  // This node's re-proposal of the current round (propose), signed; its polka's entries are
  // reserved at construction.
  bool own_reproposal_held_ = false;
  Reproposal own_reproposal_{};
  bool lock_announced_ = false;  // rule "announce" has fired in the current round
  std::vector<std::uint8_t> body_answers_;  // per member, body requests answered this height
  // Fetches by reconciliation in flight, and the scratch of both sides (mutable: serving
  // reuses it without changing any state).
  mutable BodyExchange exchange_;
  // Per member, the highest of its rounds we answered with our commit (kNoRound: none),
  // so a lagging member gets the commit again in each later round, at most once a round,
  // and at most kMaxCommitReplies times a height: rounds are unbounded, and a member
  // sending votes of round after round must not make us send commit after commit.
  static constexpr std::uint32_t kNoRound = UINT32_MAX;
  std::vector<std::uint32_t> commit_sent_round_;
  std::vector<std::uint8_t> commit_replies_;
  // Scratch of single steps, sized at construction (not state: neither copied nor compared
  // as such, only reused).
  std::vector<std::pair<std::uint32_t, std::uint64_t>> ahead_;
  void reply_with_commit(std::size_t member, std::uint32_t their_round);
  void record_vote(RoundSlot& s, const Vote& v, const TallyUpdate& u);
  bool resend_restored_vote(const VoteTally& tally);
  void rebind_views();
  // Output buffer of the current step.
  std::array<Action, kMaxActionsPerStep> actions_{};
  std::size_t action_count_ = 0;
};

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(round_errc)
