// The design's five test scenarios (single node, two nodes, three or more with Byzantine
// members, network partition, slow node), each a simulator configuration plus the
// expectation that `midnight demo` checks on its result.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "midnight/sim/config.hpp"
#include "midnight/sim/result.hpp"

namespace midnight::cli {

struct Check {
  std::string what;
  bool ok = false;
};

struct Scenario {
  std::string name;         // short key, e.g. "partition"
  std::string title;        // the design's wording
  std::string expectation;  // what must hold, in one sentence
  sim::SimConfig config;
  std::function<std::vector<Check>(const sim::SimResult&)> check;
};

// The five scenarios under one selection policy. A and B claim liveness here; under C
// (not live, spec/claims.md) the checks are safety plus the deterministic stalls.
std::vector<Scenario> demo_scenarios(sim::Policy policy);

// The same five with divergent honest mempools (spec/claims.md 3.1): a pool of 1,000
// transactions of which each honest node lacks each with probability 0.01 and holds 10 of
// its own, so every honest block differs and bodies are fetched. The same expectations,
// and every decided body valid.
std::vector<Scenario> divergent_scenarios(sim::Policy policy);

}  // namespace midnight::cli
