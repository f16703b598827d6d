// One Twins scenario as a simulator run: members + 1 nodes with the last a twin of node
// members - 1 (SimConfig::twin_of), the key seed that gives the scenario's leaders, one
// Partition for each step whose family partition is a split (in force from the step's
// scheduled start to the next step's), and a run seed derived from the scenario index.
#pragma once
#include <cstdint>

#include "midnight/sim/config.hpp"
#include "midnight/sim/twins/leader_seeds.hpp"
#include "midnight/sim/twins/scenario_space.hpp"

namespace midnight::sim::twins {

// Where a round's three partition windows fall.
//   schedule  the schedule's steps: collect, prevote and precommit (builder.hpp,
//             round_start_ms), latency uniform in [20, 200] ms as `simulate` has it.
//   flight    the three message flights of a round: every message takes exactly
//             kFlightMs, so round messages are sent at S(r), the prevotes of an early
//             collect (protocol.md 5.4) at S(r) + kFlightMs and the precommits they lead
//             to at S(r) + 2 kFlightMs: windows [S, S+F), [S+F, S+2F), [S+2F, S(r+1)).
//             With every member's message in, a round runs its votes within the first
//             600 ms, inside the schedule's collect step, so the schedule's windows cannot
//             cut a round's prevotes from its precommits; these windows can, as Twins'
//             per-round partitions of a round-synchronous protocol do.
enum class Windows : std::uint8_t { schedule = 0, flight };
inline constexpr std::uint64_t kFlightMs = 100;
const char* to_string(Windows windows);

// What every scenario of one enumeration shares; a report names all of it, so that two
// reports of different enumerations are never merged.
struct EnumerationSettings {
  std::size_t members = 4;
  std::uint32_t rounds = 2;
  NegativeControl negative_control = NegativeControl::none;
  std::uint64_t seed = 1;             // mixed with the scenario index into each run's seed
  double mempool_divergence = 0.0;    // SimConfig::mempool_divergence of every run
  Windows windows = Windows::flight;
  friend bool operator==(const EnumerationSettings&, const EnumerationSettings&) = default;
};

// The run seed of scenario `index`: SplitMix64 of (seed, index), so that neighbouring
// scenarios draw unrelated latencies and no two scenarios of one enumeration share a seed
// by construction of the index alone.
std::uint64_t run_seed(std::uint64_t seed, std::uint64_t index);

// The simulator configuration of scenario `index` of `space` (index < space.count()).
SimConfig scenario_config(const EnumerationSettings& settings, const ScenarioSpace& space,
                          const LeaderSeeds& leader_seeds, std::uint64_t index);

}  // namespace midnight::sim::twins
