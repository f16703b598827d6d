// Which key seed gives which leaders. Under policy B a round's leader is the member whose
// VRF output over (chain, height 1, round, genesis) is lowest, and SimConfig::key_seed
// fixes every node's VRF key, so a scenario that wants given leaders picks a key seed
// whose VRF order gives them. The map is found by trying key seeds 1, 2, 3, ... in order
// and keeping the first for each leader sequence: deterministic, the same on every
// machine, and computed once per enumeration (a few hundred VRF proofs).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace midnight::sim::twins {

class LeaderSeeds {
 public:
  // For every sequence of `rounds` leaders among `members` member nodes (0 .. members - 1,
  // the twins' member being members - 1, as in scenario_space.hpp); members + 1 nodes, the
  // last a twin of node members - 1. Gives up after `max_tries` key seeds.
  static std::optional<LeaderSeeds> search(std::size_t members, std::uint32_t rounds,
                                           std::uint64_t max_tries = 1'000'000);

  // The key seed whose round-r leader is leaders[r] for every round.
  std::uint64_t key_seed(const std::vector<std::size_t>& leaders) const;
  std::uint64_t tries() const { return tries_; }  // key seeds tried to cover every sequence

 private:
  std::size_t members_ = 0;
  std::vector<std::uint64_t> seeds_;  // by leader sequence, read as a base-members number
  std::uint64_t tries_ = 0;
};

// The leading node of each of `rounds` rounds when the keys come from `key_seed`.
std::vector<std::size_t> leaders_of(std::uint64_t key_seed, std::size_t members, std::uint32_t rounds);

}  // namespace midnight::sim::twins
