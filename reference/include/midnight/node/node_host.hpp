// The node host: everything a member runs around its round machine, once, for every
// host there is (the simulator, the round fuzzer, the vector generator, the tests, a real
// node). Sans-I/O like the machine: messages, timer expiries and the time come in through
// handle_*(); what must be made durable and what must be sent or scheduled comes out in a
// HostOutput. It owns the machine, the chain of decided heights, decode-and-dispatch, the
// journal contract ("durable before released"), restart and replay, catch-up across
// heights (commit requests and answers, spec/protocol.md 7.5), the transport of bodies
// (body requests and the blocks that answer them, 5.7, and body reconciliation,
// spec/reconciliation.md §5) and its timer table.
//
// Heights follow one another: the block decided at h is prev_id of h + 1, and height h
// begins at its midnight (ChainSchedule), or at once if that has passed when h - 1 is
// decided. A node that is behind (restarted, or partitioned for days) asks for the
// commits it lacks, verifies each against the membership as a commit of its height, and
// then votes in the height the network is at.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/core/result.hpp"
#include "midnight/node/journal_step.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

using MessageBytes = std::shared_ptr<const std::vector<std::uint8_t>>;

// When each height starts: midnight(h) = first_midnight_ms + (h - first_height) * interval.
struct ChainSchedule {
  BlockId genesis_id;                         // prev_id of the first height
  std::uint64_t first_height = 1;
  std::uint64_t first_midnight_ms = 0;
  std::uint64_t height_interval_ms = 86'400'000;  // one day
  std::uint64_t last_height = 0;              // 0: the chain goes on; else no height after it begins
  std::uint64_t midnight_ms(std::uint64_t height) const;  // saturating
};

struct HostConfig {
  NodeConfig node;
  ChainSchedule schedule;
  // The snapshot this node builds each height's block from (the views must outlive the
  // host). A real node would hand it a new one every day; the simulator keeps one.
  std::span<const TxBytes> mempool;
  // A negative control, never set outside tests: the host answers no commit request and
  // no message of a height it has left, so a node that fell behind never catches up.
  // The chain property must then find a node without every height.
  bool unsafe_no_catch_up = false;
  // For measurement only, never in a node: the commit traffic of wire version 1, where a
  // node broadcast its commit on deciding and answered a late message of any round
  // (spec/protocol.md 7.3 says why version 2 does not). bench/ compares the two.
  bool version1_commit_traffic = false;
};

// A decided node answers one member with at most this many commits per
// kCommitAnswerWindowRounds round-0 lengths, whatever that member sends (late votes of a
// decided height, commit requests): the bound on what a peer can make it send.
inline constexpr std::uint32_t kCommitAnswersPerWindow = 4;
inline constexpr std::uint32_t kCommitAnswerWindowRounds = 1;

enum class HostTimerKind : std::uint8_t {
  round = 1,     // the machine's timer
  height_start,  // `height` begins (its midnight)
  ask_again,     // still behind at `height`: ask for its commit again
};

struct HostTimer {
  HostTimerKind kind = HostTimerKind::round;
  TimerFired round_timer{};  // kind == round: the machine's timer
  std::uint64_t height = 0;  // height_start, ask_again: the height
  friend bool operator==(const HostTimer&, const HostTimer&) = default;
};

enum class HostActionKind : std::uint8_t {
  broadcast = 1,  // send `bytes` to every other member
  send,           // send `bytes` to member `member`
  set_timer,      // call handle_timer(`timer`) when the local clock reaches `at_ms`
};

// A height decided in this event: final once stored.
struct StoredCommit {
  std::uint64_t height = 0;
  MessageBytes commit;   // the commit message (certificate and block)
  bool adopted = false;  // from a peer's commit, not from this node's own precommit quorum
};

struct HostAction {
  HostActionKind kind = HostActionKind::broadcast;
  MessageBytes bytes;
  std::size_t member = 0;
  HostTimer timer{};
  std::uint64_t at_ms = 0;
};

// What one event asks of the caller, in this order: (1) store each of `decided` durably in
// the block store, in order (one event can decide several heights: a catch-up adopts one
// and the next may then decide at once); (2) if `journal_reset`, empty the journal (every
// height before the current one is then in the block store); (3) append `journal_append`
// to the journal and make it durable; (4) only then carry out `actions`, in order. A crash before (1)-(3)
// are durable means none of the actions happened. `error` is the rejection of the event,
// if any (the message, timer or restart changed nothing), with `handler` naming what
// rejected it ("on_vote", "decode", ...).
struct HostOutput {
  std::vector<StoredCommit> decided;
  bool journal_reset = false;
  std::vector<std::uint8_t> journal_append;
  std::vector<HostAction> actions;
  std::error_code error;
  const char* handler = "";
  void clear();
};

class NodeHost {
 public:
  explicit NodeHost(const HostConfig& config);
  NodeHost(const NodeHost&) = delete;
  NodeHost& operator=(const NodeHost&) = delete;

  // A restart, before handle_start: the block store's commits (lowest height first, each
  // of the height after the one before) are adopted one by one, then the journal is
  // replayed into the height after them. A journal that does not replay is returned as an
  // error and the host refuses to vote from then on (refused()): it still serves commits.
  result<JournalReplay> restore(std::span<const MessageBytes> block_store, std::span<const std::uint8_t> journal);

  // Begins work at `now_ms`: the height after the last decided one, at the round the
  // clock says, or a timer for its midnight.
  const HostOutput& handle_start(std::uint64_t now_ms);
  const HostOutput& handle_message(std::uint64_t now_ms, std::span<const std::uint8_t> bytes);
  const HostOutput& handle_timer(std::uint64_t now_ms, const HostTimer& timer);

  // Observers.
  std::uint64_t height() const { return height_; }        // the height being decided
  std::uint64_t decided_height() const { return height_ - 1; }  // first_height - 1: none yet
  const BlockId& tip_id() const { return tip_id_; }
  bool refused() const { return refused_; }
  const RoundMachine& machine() const { return *machine_; }
  std::size_t member_index() const { return machine_->member_index(); }
  // The commit this host stored for `height` (its own block store's copy), if any.
  const MessageBytes* commit_of(std::uint64_t height) const;
  // Every height of a chain with a last height is decided: the host only answers.
  bool past_last_height() const;

 private:
  // One member's window of rule "answer" (spec/protocol.md 7.5): fixed, opened by the
  // first answer due when none is open, with the heights answered in it.
  struct AnswerBudget {
    bool open = false;
    std::uint64_t window_start_ms = 0;
    std::uint32_t used = 0;
    std::array<std::uint64_t, kCommitAnswersPerWindow> heights{};  // the first `used` are answered
  };

  void reset_output(const char* handler);
  void begin_height(std::uint64_t now_ms);
  void start_rounds(std::uint64_t now_ms);
  // `from_commit`: the event was a peer's commit, so a decision in it is adopted.
  void after_step(std::uint64_t now_ms, const result<Actions>& r, const char* handler, bool from_commit = false);
  void on_decided(std::uint64_t now_ms, bool adopted);
  void reject(const std::error_code& ec, const char* handler);
  // `behind`: this node knows it is behind (it began the height late, or heard a later
  // one), so it keeps asking every round-0 length until the height is decided.
  void request_commit(std::uint64_t now_ms, std::uint64_t height, bool behind);
  void answer_with_commit(std::uint64_t now_ms, std::size_t member, std::uint64_t height);
  void answer_late(std::uint64_t now_ms, std::size_t member, std::uint64_t height, std::uint32_t round);
  void dispatch(std::uint64_t now_ms, std::span<const std::uint8_t> bytes);
  void note_height(std::uint64_t now_ms, std::uint64_t height);
  void broadcast(MessageBytes bytes);
  void set_timer(const HostTimer& t, std::uint64_t at_ms);

  HostConfig config_;
  std::unique_ptr<RoundMachine> machine_;
  std::uint64_t height_ = 0;  // the height in progress (decided_height() + 1)
  BlockId tip_id_;
  bool begun_ = false;        // the machine has begun height_
  bool started_ = false;      // and started a round
  bool refused_ = false;
  Lock journaled_lock_{};
  std::vector<MessageBytes> block_store_;  // this host's commits, from first_height on
  struct Decided {
    BlockId block_id;
    std::uint32_t round = 0;  // the certificate's round
  };
  std::vector<Decided> decided_;           // their block ids and rounds
  std::vector<AnswerBudget> budgets_;      // per member
  std::uint64_t last_request_ms_ = 0;
  std::optional<std::uint64_t> last_request_height_;  // none yet
  // Decode targets (large): reserved once.
  std::unique_ptr<CommitView> commit_;
  std::unique_ptr<CarriedPolka> polka_;
  std::unique_ptr<Reproposal> reproposal_;
  std::unique_ptr<BlockView> body_;
  std::unique_ptr<BodyTransactionsView> body_txs_;
  // The reconcile request being handled, while its step's actions are carried out.
  const ReconcileRequest* serving_ = nullptr;
  StepFrames step_frames_;
  HostOutput out_;
  const SignatureVerifier& verifier() const {
    return config_.node.verifier != nullptr ? *config_.node.verifier : direct_verifier();
  }
};

}  // namespace midnight
