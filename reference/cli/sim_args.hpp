// `midnight simulate`'s options: read into a SimConfig, and written back from one, so a
// run found elsewhere (a property's counterexample, the oracle's shrunk divergence) can be
// replayed with the very options that give its configuration.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "midnight/sim/config.hpp"

namespace midnight::cli {

struct SimulateOptions {
  sim::SimConfig config;  // validated
  bool json = false;
  bool trace = false;
  std::string model_trace_dir;  // --model-trace DIR: each height's model trace, DIR/height-H.ndjson
  std::string log_dir;          // --log DIR: each node's log, DIR/node-I.log (spec/node-log.md)
  std::string timeline_path;    // --timeline FILE.svg: the run's timeline picture, drawn from its node logs
};

// Throws UsageError naming the option at fault, or what validate() finds.
SimulateOptions parse_simulate_options(std::vector<std::string_view> argv);

// The configuration of options given as one line ("--nodes 4 --seed 1"): words apart by
// spaces, as a scenario or a replay line holds them. Throws UsageError.
sim::SimConfig simulate_config_of(std::string_view options);

// Options that parse back to `config` (a valid one), without --json or --trace: the
// partitions by listed side, probabilities and timing exactly, defaults left out.
std::string simulate_options_of(const sim::SimConfig& config);

}  // namespace midnight::cli
