// The Twins enumeration's scenarios (Bano et al., "Twins: BFT Systems Made Robust"),
// numbered 0 .. count() - 1. A run has `members` members of weight 1 and members + 1
// nodes: nodes 0 .. members - 2 are honest, node members - 1 and node members are the
// twins (two honest hosts with one key). A scenario fixes, for each of `rounds` rounds:
//   - which member leads the round (its VRF output ranks first), by the node that holds
//     it: 0 .. members - 1, the last being the twins' member; and
//   - for each step of the round (collect, prevote, precommit), one partition of the
//     family below, in force during that step's window (scenario_config.hpp, Windows:
//     the schedule's steps, or the round's three message flights).
// The partition family: everyone together, or the twins apart, each honest node on one
// of their sides (2^(members - 1) splits: every way the honest nodes can join one twin or
// the other, including one twin alone). Splits that keep the twins together are left out:
// with one key on each side of every split, each side can see that member vote, and
// that is what makes twins equivocate; a split with both twins on one side is a crash of
// the honest nodes on the other, which the simulator's partition and crash tests cover.
//
// Numbering: mixed radix, least significant digit first: the leaders of rounds 0, 1, ...
// (radix members), then the partitions of round 0's collect, prevote and precommit steps,
// then round 1's, ... (radix 1 + 2^(members - 1)). So the first scenarios vary the
// leaders and round 0's partitions, with later rounds connected, and consecutive indices
// share most of their scenario.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace midnight::sim::twins {

inline constexpr std::size_t kStepsPerRound = 3;  // collect, prevote, precommit
inline constexpr std::size_t kMinMembers = 2;
inline constexpr std::size_t kMaxMembers = 8;     // 2^(M-1) + 1 partitions a step: 129 at 8
inline constexpr std::uint32_t kMaxRounds = 4;

struct TwinsScenario {
  std::vector<std::size_t> leaders;  // by round: the node whose member leads it
  // By round, then step: an index into the partition family (0: everyone together).
  std::vector<std::array<std::size_t, kStepsPerRound>> partitions;
  friend bool operator==(const TwinsScenario&, const TwinsScenario&) = default;
};

class ScenarioSpace {
 public:
  // members in [kMinMembers, kMaxMembers], rounds in [1, kMaxRounds]; check valid() first.
  ScenarioSpace(std::size_t members, std::uint32_t rounds) : members_(members), rounds_(rounds) {}
  // Empty when the space can be enumerated; otherwise why not.
  [[nodiscard]] std::string valid() const;

  std::size_t members() const { return members_; }
  std::uint32_t rounds() const { return rounds_; }
  std::size_t nodes() const { return members_ + 1; }
  std::size_t twin_original() const { return members_ - 1; }  // the twin that is the member's node
  std::size_t twin_copy() const { return members_; }          // the second host of that key
  // 1 + 2^(members - 1): everyone together, then the splits.
  std::size_t partition_family_size() const;
  // The nodes on the original twin's side of family partition p >= 1 (the copy is on the
  // other side, with every honest node not listed): bit i of p - 1 puts honest node i there.
  std::vector<std::size_t> side_of_original(std::size_t p) const;
  std::uint64_t count() const;
  [[nodiscard]] TwinsScenario scenario(std::uint64_t index) const;  // index < count()
  [[nodiscard]] std::uint64_t index_of(const TwinsScenario& s) const;

 private:
  std::size_t members_;
  std::uint32_t rounds_;
};

// "together" or "0,3|1,4": the two sides of family partition p, for reports.
std::string describe_partition(const ScenarioSpace& space, std::size_t p);

}  // namespace midnight::sim::twins
