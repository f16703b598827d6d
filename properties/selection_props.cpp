// Canonical selection under lowest hash (spec/protocol.md §4.3, spec/claims.md §3.1).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "generators.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

// When every proposal reaches every node before the collect deadline, every node that
// prevotes in round 0 chooses the lowest block id, and that block finalizes in round 0 at
// every node. (A node may finalize before it prevotes: when the others hold a quorum of
// the weight, their precommits can reach it before its last proposal and its deadline.)
//
// Conditions: every member honest, no loss, no partition, lowest hash, and
// Δ = latency_max < min(T_c, T_p, T_q) (claims.md §3.1 with GST = 0): all n round-0
// proposals arrive by Δ < T_c, so every node's candidates are all n blocks; each
// prevotes the lowest id at the latest at T_c, the polka reaches everyone by T_c + Δ,
// before the prevote deadline, and the precommit quorum by T_c + 2Δ < S(1).
//
// The expected ids are computed from the configuration alone (own_round0_block_ids):
// every node's round-0 block is the header over the one content every member builds from
// the seed's mempool, so this also checks that the proposals are those blocks.
RC_GTEST_PROP(Selection, LowestHashAgreesInRoundZero, ()) {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    c.timing = *gen_timing();
    apply(c, *gen_membership(1, kMaxPropNodes));
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(min_phase - 1));
    c.max_rounds = *gen_max_rounds(1, 2);
    c.policy = sim::Policy::lowest_hash;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    return c;
  });
  const auto ids = own_round0_block_ids(config);
  const BlockId lowest = *std::min_element(ids.begin(), ids.end());
  const std::uint64_t delta = config.latency_max_ms;
  const std::uint64_t deadline = config.timing.collect_ms + 2 * delta;

  const auto r = sim::run_simulation(config);
  assert_safe(r);
  RC_ASSERT(r.nodes.size() == config.nodes);
  bool any_adopted = false;
  bool decided_before_prevoting = false;
  for (std::size_t i = 0; i < config.nodes; ++i) {
    const auto& t = r.nodes[i];
    RC_ASSERT(!t.rounds.empty());
    const auto& r0 = t.rounds[0];
    // It saw every member's round-0 proposal, and they are the expected blocks.
    RC_ASSERT(r0.proposals.size() == config.nodes);
    for (const auto& p : r0.proposals) RC_ASSERT(p.block_id == ids.at(p.proposer));
    // It finalized the lowest of them in round 0, by T_c + 2Δ.
    const auto* f = r.finalized_by(i);
    if (f == nullptr) RC_FAIL("node " + std::to_string(i) + " never finalized");
    RC_ASSERT(f->block_id == lowest);
    RC_ASSERT(f->round == 0U);
    RC_ASSERT(f->at_ms <= deadline);
    any_adopted = any_adopted || f->adopted;
    // It prevoted (approving) the lowest of them, unless the others' precommit quorum
    // decided it before it had every proposal and before its collect deadline (a node
    // prevotes at the latest at T_c, and a decided node votes no more).
    if (r0.prevoted) {
      RC_ASSERT(r0.prevote_approve);
      RC_ASSERT(r0.prevote_block == lowest);
    } else {
      RC_ASSERT(f->at_ms < config.timing.collect_ms);
      decided_before_prevoting = true;
    }
  }
  RC_ASSERT(r.all_honest_finalized);
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(any_adopted, "some node adopted a commit");
  RC_CLASSIFY(decided_before_prevoting, "some node decided before prevoting");
  RC_CLASSIFY(!config.weights.empty(), "unequal weights");
}

}  // namespace
}  // namespace midnight::prop
