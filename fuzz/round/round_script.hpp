// The byte-script language of round_fuzzer: a few nodes (the last one Byzantine) and a
// sequence of network, timer, crash and adversary events, read byte by byte. Every
// choice is a byte taken modulo the number of options and a read past the end gives 0,
// so every byte string is a valid script: libFuzzer's mutations never produce an input
// the harness must reject, and a cut-short script still runs to its end.
//
//   byte 0   preset: kPresets[b % kPresetCount] (membership weights, last node Byzantine)
//   byte 1   options: bit 0 late start (nodes are up just before midnight and take
//            messages; round 0 starts when their height_start timer fires or at a
//            start_round op); policy: bit 1 first-to-quorum, else bit 7 vrf,
//            else lowest-hash; bits 2..5 seed of each node's mempool order; bit 6
//            divergent mempools (honest node i lacks shared transaction i % 3 and holds
//            one of its own, so every honest block differs and bodies travel)
//   then up to kMaxOps ops, each an opcode byte (b % kOpCount) and its argument bytes:
//
//   op            args                    effect
//   deliver       index                   deliver deliverable message [index % count]
//   deliver_all   -                       deliver every message deliverable now, oldest first
//   drop          index                   lose in-flight message [index % count]
//   duplicate     index                   the network copies in-flight message [index % count]
//   fire_timer    node, index             honest node's pending timer [index % count] fires (its
//                                         clock moves to the deadline, never back)
//   tick          -                       each running honest node's earliest pending timer fires
//                                         (and, while that one was of a round the node has
//                                         left, the next: a stale deadline takes no time)
//   start_round   node                    the node's awaited round start (late start, deferred restart):
//                                         its clock moves to that round's start and its host starts
//   partition     mask                    nodes with bit i set are cut off from the others
//   heal          -                       the partition ends
//   crash         node, point, cut        honest node crashes: point % 3 is sim::CrashPoint
//                                         (before_step now; torn_append / after_sync inside
//                                         its next journaling step, keeping cut/256 of the append)
//   restart       node, how               a crashed node comes back: fresh machine, journal
//                                         replayed; round = its round at the crash + how % 3,
//                                         started at once unless (how / 3) is odd
//   byz_propose   target, flags           Byzantine proposal for round flags & 3, honest
//                                         content or (bit 2) another Merkle root; bit 3: delivered now;
//                                         bit 4: its VRF proof with one bit flipped (policy B refuses it)
//   byz_vote      target, flags, choice   Byzantine vote(s) for round flags & 3, step
//                                         ((flags >> 2) & 3) % 3 (prevote, precommit, both),
//                                         approve unless bit 4, bit 5: delivered now; block =
//                                         choice % (seen + 3): 0 the one the recipient itself
//                                         prevoted in that round (nothing to a recipient that
//                                         has not prevoted in it yet), 1 nil, 2 an id no one
//                                         proposed, 3 + k the k-th proposal id ever sent
//   byz_replay    target, index           re-sends an earlier message (any sender) [index % count]
//   byz_garbage   target, kind            kind % 12: noise, a cut vote, a bad signature,
//                                         a vote of another height, a vote of round 2^32 - 1
//                                         (round_out_of_range), a valid prevote of a round
//                                         far ahead (kind / 12 picks it, see far_round()):
//                                         counted toward the round skip, never stored, or a
//                                         signed commit request (of the height, or for
//                                         (kind / 12) odd the next one): a decided host
//                                         answers within its budget; kind % 12 = 7: a signed
//                                         body request for the first proposal seen (a
//                                         holder answers within kMaxBodyAnswers); 8: a
//                                         block message for the first proposal seen whose
//                                         body is the pool's with its last transaction
//                                         dropped or, for (kind / 12) odd, one more (refused
//                                         by its root unless it is that header's body);
//                                         body reconciliation (spec/reconciliation.md), for
//                                         proposal seen [(kind / 48) % seen], variant
//                                         (kind / 12) % 4: 9, a signed reconcile request
//                                         (a sketch request sampling the pool, one with
//                                         nothing, a transactions request naming pool
//                                         transactions or ids of none; a holder answers
//                                         within kMaxBodyAnswers); 10, a body sketch made
//                                         for each recipient (the body's true sketch, with
//                                         a wrong count, random cells, or one cell a hash
//                                         larger than it accepts); 11, body transactions
//                                         made for each recipient (exactly what it lacks,
//                                         one more, one wrong, or one it holds instead).
//                                         The harness knows every body and mempool, so the
//                                         true answers complete a fetch a node has open.
//   byz_mirror    round                   to every honest node that has prevoted in round
//                                         round % 4: a prevote and a precommit for its own
//                                         choice, delivered now (sim's mirror mode in one op:
//                                         the strongest way to split nodes that chose apart)
//   byz_repropose target, flags, choice   a re-proposal of the (choice % seen)-th proposal
//                                         sent, with a polka of round flags & 3 made of the
//                                         approving prevotes for it sent in that round;
//                                         bit 2: the Byzantine member's own prevote added,
//                                         bit 3: one signer left out, bit 4: delivered now,
//                                         bit 5: sent as the Byzantine member's signed
//                                         round message of the polka's round + 1 (a
//                                         reproposal; else a polka message)
//
// `node` bytes pick an honest node (b % honest count); `target` bytes pick an honest
// node or, for b % (honest + 1) == honest, every honest node.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "midnight/core/limits.hpp"

namespace midnight::fuzz::round {

enum class Op : std::uint8_t {
  deliver = 0,
  deliver_all,
  drop,
  duplicate,
  fire_timer,
  tick,
  start_round,
  partition,
  heal,
  crash,
  restart,
  byz_propose,
  byz_vote,
  byz_replay,
  byz_garbage,
  byz_mirror,
  byz_repropose,
};
inline constexpr std::size_t kOpCount = 17;

// Where a script stops even if it has bytes left: keeps every run short (Ed25519 work
// dominates a run) and libFuzzer's inputs bounded.
inline constexpr std::size_t kMaxOps = 256;

// Memberships by node index; the Byzantine node is the last one. Three of the four give
// it exactly a third of the weight, the largest share the protocol tolerates, where a
// quorum needs every honest member and the Byzantine one (or all honest weight is not
// enough): the hardest legal case.
struct Preset {
  std::string_view name;
  std::size_t nodes;
  std::array<std::uint64_t, 4> weights;
};
inline constexpr std::size_t kPresetCount = 4;
inline constexpr std::array<Preset, kPresetCount> kPresets{{
    {"1,1,1", 3, {1, 1, 1, 0}},  // Byzantine weight W/3
    {"1,1,1,1", 4, {1, 1, 1, 1}},  // below W/3: three honest members are a quorum
    {"1,1,2,2", 4, {1, 1, 2, 2}},  // W/3, unequal weights
    {"1,2,3,3", 4, {1, 2, 3, 3}},  // W/3, three different honest weights
}};
inline constexpr std::size_t kMaxNodes = 4;

enum class ByzStep : std::uint8_t { prevote = 0, precommit = 1, both = 2 };
inline constexpr std::size_t kByzStepCount = 3;
inline constexpr std::uint32_t kByzRounds = 4;  // the adversary's votes and proposals name rounds 0..3

// Rounds are unbounded in the protocol; a script plays rounds 0 .. kScriptRounds - 1. The
// harness gives a node no timer due at or after the start of round kScriptRounds (as the
// simulator's max_rounds does), and restarts a node at most in round kScriptRounds - 1,
// so no honest node ever starts a later round: the round skip (more than a third of the
// weight) cannot take it there either, because the Byzantine member holds at most a
// third. The harness checks exactly that (see check_invariants).
inline constexpr std::uint32_t kScriptRounds = 16;

// Block choices of byz_vote below the seen proposals.
enum class ByzChoice : std::uint8_t { agree = 0, nil = 1, unknown = 2 };
inline constexpr std::size_t kByzFixedChoices = 3;

enum class GarbageKind : std::uint8_t {
  noise = 0,
  cut_vote,
  bad_signature,
  other_height,
  round_out_of_range,
  far_round,
  commit_request,
  body_request,
  bad_body,
  reconcile_request,
  bad_sketch,
  bad_transactions,
};
inline constexpr std::size_t kGarbageKinds = 12;
// The reconciliation kinds' variants: pick % kReconcileVariants; the proposal they are
// about: (pick / kReconcileVariants) % (proposals seen).
inline constexpr std::size_t kReconcileVariants = 4;

// The round of a far_round vote, from its kind byte's `pick` = byte / kGarbageKinds:
// rounds kByzRounds .. kScriptRounds + 3 (beyond the window of a node in the first rounds;
// from kScriptRounds on, rounds no honest node reaches) and, one pick in eight, the last
// round there is (kLastRound = 2^32 - 2).
inline constexpr std::uint32_t kFarRounds = kScriptRounds + 4 - kByzRounds;
constexpr std::uint32_t far_round(std::uint32_t pick) {
  return pick % 8 == 7 ? kLastRound : kByzRounds + pick % kFarRounds;
}

// Reads a script: a byte past the end is 0, so every prefix of a script is a script.
class ScriptReader {
 public:
  explicit ScriptReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint8_t next() { return at_ < bytes_.size() ? bytes_[at_++] : 0; }
  // n options: the next byte modulo n (n > 0).
  std::size_t choose(std::size_t n) { return next() % n; }
  bool at_end() const { return at_ >= bytes_.size(); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

// Writes scripts, for the seed corpus and the tests: ops by name, so a seed reads as the
// scenario it is and survives a change of opcode numbers.
class ScriptWriter {
 public:
  struct Options {
    bool late_start = false;
    bool first_to_quorum = false;
    bool vrf = false;                // policy B (first_to_quorum wins if both are set)
    std::uint8_t mempool_order = 0;  // 0..15
    bool divergent = false;          // every honest node lacks one shared transaction and holds one of its own
  };
  ScriptWriter(std::size_t preset, Options options);

  ScriptWriter& deliver(std::uint8_t index);
  ScriptWriter& deliver_all();
  ScriptWriter& drop(std::uint8_t index);
  ScriptWriter& duplicate(std::uint8_t index);
  ScriptWriter& fire_timer(std::uint8_t node, std::uint8_t index);
  ScriptWriter& tick();
  ScriptWriter& start_round(std::uint8_t node);
  ScriptWriter& partition(std::uint8_t side_mask);
  ScriptWriter& heal();
  ScriptWriter& crash(std::uint8_t node, std::uint8_t point, std::uint8_t cut = 0);
  ScriptWriter& restart(std::uint8_t node, std::uint8_t round_offset = 0, bool deferred = false);
  ScriptWriter& byz_propose(std::uint8_t target, std::uint8_t round, bool forged, bool now = false,
                            bool bad_proof = false);
  // `choice`: a ByzChoice or kByzFixedChoices + k for the k-th proposal id sent.
  ScriptWriter& byz_vote(std::uint8_t target, std::uint8_t round, ByzStep step, std::uint8_t choice,
                         bool approve = true, bool now = false);
  ScriptWriter& byz_replay(std::uint8_t target, std::uint8_t index);
  // `pick` (0 .. 255 / kGarbageKinds - 1): far_round's choice for GarbageKind::far_round,
  // the variant (and the proposal) of the others.
  ScriptWriter& byz_garbage(std::uint8_t target, GarbageKind kind, std::uint8_t pick = 0);
  ScriptWriter& byz_mirror(std::uint8_t round);
  // `choice`: the index of the proposal among those sent so far.
  ScriptWriter& byz_repropose(std::uint8_t target, std::uint8_t round, std::uint8_t choice, bool own_prevote,
                              bool leave_one_out = false, bool now = false, bool round_message = false);

  // The `target` that means every honest node in this preset.
  std::uint8_t all_honest() const { return static_cast<std::uint8_t>(kPresets[preset_].nodes - 1); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  ScriptWriter& op(Op o, std::initializer_list<std::uint8_t> args);
  std::size_t preset_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace midnight::fuzz::round
