// Differential rounds (spec/adapter.md §4): the simulator runs scenarios with some or all
// honest nodes played by the adapter's node hosts. Every input such a foreign node gets
// also goes to the reference host it replaces, its shadow; the answers and the observable
// states are compared event by event, and the foreign node's own output is what the
// network carries. The first divergence of a run is shrunk (faults removed, nodes and
// heights cut, one foreign node) while it still diverges, and reported with the command
// that replays the shrunk scenario alone.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "families.hpp"

namespace midnight::cli::conform {

struct SimulatedOptions {
  // One scenario to run alone (`midnight simulate` options) with its foreign nodes; empty:
  // the built-in scenarios and `random_runs` drawn from `seed`.
  std::string scenario;
  std::string foreign = "all";  // "all" (every honest node) or node indices "0,2"
  std::uint32_t random_runs = 0;
  std::uint64_t seed = 1;
  std::uint32_t shrink_runs = 60;  // at most this many re-runs to shrink a divergence
  std::vector<std::string> adapter_command;  // for the replay line
};

// The family "simulated": one case per run.
void drive_simulated(Driver& d, const SimulatedOptions& o);

}  // namespace midnight::cli::conform
