// Chains of heights: nodes decide height after height, each block the child of the one
// before, and a node that was down or cut off for heights catches up through commit
// requests and then votes in the current height (spec/protocol.md 7.5, spec/claims.md).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "chain.hpp"
#include "generators.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

// Heights are a day apart in the protocol; a shorter interval keeps every height's
// rounds and its catch-up inside the run while still leaving each height its own time.
constexpr std::uint64_t kInterval = 600'000;

}  // namespace

rc::Gen<sim::SimConfig> gen_chain_config(sim::NegativeControl control) {
  return gen::exec([control] {
    sim::SimConfig c;
    apply(c, *gen_membership(1, 7));
    c.heights = *gen::inRange<std::uint64_t>(2, 7);
    c.height_interval_ms = kInterval;
    const std::uint64_t last_midnight = (c.heights - 1) * kInterval;
    apply(c, *gen_synchronous_network(300));
    // Crashes of any honest nodes at any time before the last height, each restarting
    // before the last midnight (so the node is up and connected for the last height).
    const std::size_t crashes = *gen::inRange<std::size_t>(0, std::min<std::size_t>(c.nodes, 3) + 1);
    // Crashes inside a journaling step (a torn append, or after its sync) in 40 % of the
    // cases, between steps otherwise.
    const bool inside_steps = *gen_chance(40);
    for (const std::size_t node :
         *gen::unique<std::vector<std::size_t>>(crashes, gen::inRange<std::size_t>(0, c.nodes))) {
      sim::Crash k;
      k.node = node;
      k.at_ms = *gen::inRange<std::uint64_t>(0, last_midnight);
      k.restart_ms = *gen::inRange<std::uint64_t>(k.at_ms + 1, last_midnight + 1);
      k.point = inside_steps ? *gen::element(sim::CrashPoint::before_step, sim::CrashPoint::torn_append,
                                             sim::CrashPoint::after_sync)
                             : sim::CrashPoint::before_step;
      c.crashes.push_back(k);
    }
    // A partition of any side at any time, healed before the last midnight.
    if (c.nodes >= 2 && *gen_chance(50)) {
      auto p = *gen_partition(c.nodes, last_midnight);
      p.heal_ms = std::min(p.heal_ms, last_midnight);
      c.partitions.push_back(p);
    }
    c.policy = *gen::weightedElement<sim::Policy>({{3, sim::Policy::lowest_hash}, {1, sim::Policy::vrf}});
    c.negative_control = control;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
}

void check_chains(const sim::SimConfig& config, const sim::SimResult& r) {
  assert_safe(r);
  RC_ASSERT(r.chains_linked);
  // Prefixes: one block per height across all nodes (assert_safe checks agreement), and
  // every node's heights run 1, 2, ... without a gap (chains_linked). Stated again here,
  // independently of the simulator's own verdicts.
  std::map<std::size_t, std::vector<BlockId>> chains;
  for (const auto& f : r.finalized) {
    auto& chain = chains[f.node];
    RC_ASSERT(f.height == chain.size() + 1);
    chain.push_back(f.block_id);
  }
  for (const auto& [a, ca] : chains)
    for (const auto& [b, cb] : chains) {
      const std::size_t n = std::min(ca.size(), cb.size());
      RC_ASSERT(std::equal(ca.begin(), ca.begin() + static_cast<std::ptrdiff_t>(n), cb.begin()));
    }
  // Every node is up and connected before the last midnight: every node has every height,
  // whatever point its crashes fell at. A crash inside the step that locks comes back
  // locked with the lock's polka (journaled before the precommit), so it can re-propose
  // its block when its vote is needed for every quorum.
  for (std::size_t i = 0; i < config.nodes; ++i) {
    if (chains[i].size() != config.heights) {
      RC_FAIL("node " + std::to_string(i) + " ended with " + std::to_string(chains[i].size()) + " of " +
              std::to_string(config.heights) + " heights");
    }
  }
  RC_ASSERT(r.chains_complete);
}

namespace {

// Over random chains of 2-6 heights with crashes (restarting at any later time, within
// a height or days later, at any crash point) and partitions: honest nodes' chains are
// prefixes of one another, and every honest node that is up and connected from some
// time before the last height's midnight on ends with every height.
RC_GTEST_PROP(Chain, HonestChainsArePrefixesAndEveryUpNodeEndsWithEveryHeight, ()) {
  const auto config = *gen_chain_config();
  check_chains(config, sim::run_simulation(config));
  const bool down_across_a_height = std::any_of(config.crashes.begin(), config.crashes.end(), [](const sim::Crash& k) {
    return k.restart_ms / kInterval > k.at_ms / kInterval;
  });
  RC_TAG(down_across_a_height ? "down across a midnight" : "no crash across a midnight");
  RC_CLASSIFY(std::any_of(config.crashes.begin(), config.crashes.end(),
                          [](const sim::Crash& k) { return k.point != sim::CrashPoint::before_step; }),
              "crash inside a journaling step");
  RC_CLASSIFY(!config.partitions.empty(), "partition");
}

}  // namespace
}  // namespace midnight::prop
