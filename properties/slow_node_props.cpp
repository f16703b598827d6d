// Slow nodes: members whose every message is later than a whole round do not stop the
// others, and follow them (spec/claims.md §3.3, design scenario 5).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "generators.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

// With slow nodes whose weight leaves the others a quorum, the others finalize in
// round 0, and every slow node ends with the same block.
//
// Conditions: every member honest, no loss, no partition, lowest hash,
// Δ = latency_max < min(T_c, T_p, T_q), and slow_ms > T_c + T_p + T_q, the length of
// round 0 (a slow node's round-0 messages arrive after round 0 has ended). No slow node's proposal
// reaches a fast node before its collect deadline T_c, so the fast nodes prevote, at T_c,
// the lowest of the fast nodes' blocks (all of which arrive by Δ); the fast nodes are a
// quorum, so the polka forms by T_c + Δ and the precommit quorum by T_c + 2Δ: each fast
// node finalizes that block in round 0 by T_c + 2Δ. No commit is sent unasked
// (spec/protocol.md 7.3): a slow node finalizes from the fast nodes' precommits if they
// reach it while round 0 is in its window, and otherwise it shows it missed the
// decision when round 0 ends, at S(1): its commit request and its round-1 messages reach
// the decided fast nodes by S(1) + slow_ms + Δ, and their commits come back by
// S(1) + 2·slow_ms + 2Δ. So each slow node finalizes, by its own quorum or by adopting a
// commit, by S(1) + 2·slow_ms + 2Δ (version 1, which broadcast commits, promised the
// first fast decision + slow_ms + Δ). The run's time limit (S(max_rounds) + 5000 ms) is
// chosen to leave room for that.
RC_GTEST_PROP(SlowNode, OthersFinalizeAndSlowNodesFollow, ()) {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    c.timing = *gen_timing();
    const auto m = *gen::suchThat(gen_membership(2, kMaxPropNodes), [](const Members& mm) {
      sim::SimConfig probe;
      apply(probe, mm);
      return can_have_slow_node(probe);
    });
    apply(c, m);
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(min_phase - 1));
    // Slower than round 0, the round the fast nodes finalize in.
    const std::uint64_t round0_ms = round_ms(c.timing, 0);
    apply(c, *gen_slow_nodes(c, std::max<std::size_t>(1, c.nodes / 3), round0_ms + 1, 3 * round0_ms));
    // Room for the slow nodes' commit: S(1) + 2 slow_ms + 2Δ <= S(max_rounds) + kDrainMs.
    const std::uint64_t needed = round0_ms + 2 * c.slow_ms + 2 * c.latency_max_ms;
    const std::uint32_t min_rounds =
        needed <= sim::kDrainMs ? 1 : std::max<std::uint32_t>(1, first_round_from(c, needed - sim::kDrainMs));
    c.max_rounds = *gen_max_rounds(min_rounds, std::max<std::uint32_t>(2, min_rounds + 1));
    c.policy = sim::Policy::lowest_hash;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
  const std::uint64_t total = total_weight(config);
  RC_ASSERT(!config.slow_nodes.empty());
  RC_ASSERT(is_quorum(total - weight_of(config, config.slow_nodes), total));
  const auto ids = own_round0_block_ids(config);
  BlockId expected{};
  bool first = true;
  for (std::size_t i = 0; i < config.nodes; ++i) {
    if (is_slow(config, i)) continue;
    if (first || ids[i] < expected) expected = ids[i];
    first = false;
  }
  const std::uint64_t delta = config.latency_max_ms;
  const std::uint64_t slow_bound = round_ms(config.timing, 0) + 2 * config.slow_ms + 2 * delta;
  RC_ASSERT(slow_bound <= round_start(config, config.max_rounds) + sim::kDrainMs);

  const auto r = sim::run_simulation(config);
  assert_safe(r);
  std::uint64_t first_fast = UINT64_MAX;
  for (std::size_t i = 0; i < config.nodes; ++i) {
    if (is_slow(config, i)) continue;
    const auto* f = r.finalized_by(i);
    if (f == nullptr) RC_FAIL("fast node " + std::to_string(i) + " never finalized");
    RC_ASSERT(f->block_id == expected);
    RC_ASSERT(f->round == 0U);
    RC_ASSERT(f->at_ms <= config.timing.collect_ms + 2 * delta);
    first_fast = std::min(first_fast, f->at_ms);
  }
  bool any_adopted = false;
  for (auto s : config.slow_nodes) {
    const auto* f = r.finalized_by(s);
    if (f == nullptr) RC_FAIL("slow node " + std::to_string(s) + " never finalized");
    RC_LOG() << "slow node " << s << " finalized at " << f->at_ms << " ms" << (f->adopted ? " (adopted)" : "")
             << "; first fast node at " << first_fast << " ms\n";
    RC_ASSERT(f->block_id == expected);
    // From the others' round-0 certificate: the commit it adopted, or the same precommits
    // reaching it one by one; never from a later round of its own (the others, decided,
    // answer its later rounds with their commit and vote no more).
    RC_ASSERT(f->round == 0U);
    RC_ASSERT(f->at_ms <= slow_bound);
    any_adopted = any_adopted || f->adopted;
  }
  RC_ASSERT(r.all_honest_finalized);
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(any_adopted, "a slow node adopted a commit");
  RC_CLASSIFY(config.slow_nodes.size() > 1, "several slow nodes");
}

}  // namespace
}  // namespace midnight::prop
