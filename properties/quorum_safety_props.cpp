// Quorum safety (issue 4, property 2) and the crash-restart property of the vote journal.
// Both hold under the adversary of adversary.hpp: Byzantine members up to and including
// a third of the weight that equivocate, mirror, withhold, replay old-round votes and
// vote for blocks that do not exist, any loss, duplication and reordering, partitions
// aimed at the vote phase, across every round the run allows, under each of the three
// selection policies (gen_policy).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "adversary.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

void tag(const sim::SimConfig& c) {
  std::uint64_t f = 0;
  for (std::size_t i = c.nodes - c.byzantine; i < c.nodes; ++i) f += weight_of(c, i);
  RC_TAG(node_band(c.nodes));
  RC_TAG(c.max_rounds >= 6 ? "rounds 6-16" : "rounds 2-5");
  RC_CLASSIFY(c.nodes <= 2, "1 or 2 members");
  RC_TAG(c.byzantine == 0 ? "no byzantine" : 3 * f == total_weight(c) ? "byzantine = W/3" : "byzantine < W/3");
  RC_TAG(sim::to_string(c.policy));
  RC_CLASSIFY(!c.byzantine_modes.empty(), "mixed coalition");
  // Under policy B the member with the lowest round-0 VRF output is the first-ranked
  // proposer; with the keys drawn from key_seed it is a Byzantine one in a share of the
  // cases (with index-only keys it almost never was: the Byzantine members are the last
  // indices). Computed only when it can be true: it costs an ECVRF proof per member.
  if (c.policy == sim::Policy::vrf && c.byzantine > 0) {
    const auto betas = own_vrf_outputs(c, 0);
    const auto first = static_cast<std::size_t>(std::min_element(betas.begin(), betas.end()) - betas.begin());
    RC_CLASSIFY(is_byzantine(c, first), "vrf: a Byzantine member ranks first in round 0");
  }
}

// Every membership size the issue names, 1 to 16: one or two members in 1 case in 10
// (they seldom admit a Byzantine member), otherwise 3 to 16 by gen_node_count, which keeps
// 12 or more to about 1 % of the cases, appearing as RapidCheck's size grows. And long
// runs (rounds are unbounded, a run is bounded by max_rounds): 1 case in 10 has 6 to
// kMaxPropRounds (16) rounds, the rest 2 to 5 as before.
// One-round runs stay out, as before: up to S(1) such a run is the first round of a longer
// one, and Determinism.SimulationIsReproducible checks the same verdicts (assert_safe)
// on runs of 1 to 4 rounds, with Byzantine weight under a third.
RC_GTEST_PROP(QuorumSafety, NoTwoHonestNodesFinalizeDifferentBlocks, ()) {
  const auto config =
      *gen_adversarial_config({.min_nodes = 1, .max_nodes = kMaxPropNodes, .max_rounds = 5, .long_runs_percent = 10});
  tag(config);
  const auto r = sim::run_simulation(config);
  check_quorum_safety(r);
  // Coverage: bodies fetched as a difference (spec/reconciliation.md §5), not only whole.
  RC_CLASSIFY(std::any_of(r.nodes.begin(), r.nodes.end(),
                          [](const sim::NodeTrace& n) { return n.reconcile.bodies_assembled > 0; }),
              "a body assembled by reconciliation");
}

// A node crashed and restarted at any point (between steps, inside its journal append,
// after the append's sync but before the release) never signs two different votes for
// one (height, round, step) and never breaks its lock; and since its journal is never
// damaged here, it never has reason to refuse to vote.
RC_GTEST_PROP(CrashRestart, NoDoubleVoteAndNoBrokenLockAcrossRestarts, ()) {
  const auto config = *gen_adversarial_config({.max_nodes = 6, .restarts = true});
  tag(config);
  const auto r = sim::run_simulation(config);
  check_quorum_safety(r);
  RC_ASSERT(r.journal_refusals == 0U);
  RC_TAG(r.torn_frames_dropped > 0 ? "torn frame dropped" : "no torn frame");
}

}  // namespace
}  // namespace midnight::prop
