// Partitions: while the network is split only a side holding a quorum can finalize, and
// after the split heals on a synchronous network every node finalizes the same block
// within a bounded time (spec/claims.md §2, §3.1 and §3.3).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "generators.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

// While partitioned, only a side holding a quorum can finalize.
//
// Let a partition last [start, heal). A finalization at a time t in [start, heal) whose
// certificate is of a round r that starts at or after the partition (S(r) >= start) rests
// on precommits of round r, all signed at or after S(r) >= start and received before
// heal, so all sent during the partition: they come from the finalizing node's own side.
// A commit adopted in that window also crossed no partition, so its sender, and every
// signer of its certificate, is on the adopting node's side. Hence the certificate's
// weight, a quorum, is at most the weight of the node's side: that side is a quorum.
// (Rounds that began before the partition are excluded: their precommits may have crossed
// before it started. With start = 0 the condition covers every finalization before heal.)
//
// This is a safety fact, so it is checked under any network (loss, duplication, any
// latency) and with Byzantine members under a third: their messages cross no partition
// either.
RC_GTEST_PROP(Partition, OnlyAQuorumSideFinalizesWhilePartitioned, ()) {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    apply(c, *gen_membership(2, kMaxPropNodes));
    if (*gen_chance(25)) apply(c, *gen_byzantine(c));
    apply(c, *gen_network());
    c.max_rounds = *gen_max_rounds(1, 4);
    const std::uint64_t horizon = round_start(c, c.max_rounds);
    auto p = *gen_partition(c.nodes, horizon);
    // Half the time a side that holds a quorum, so that finalizations while partitioned
    // are common; half the time from midnight on (then every finalization before the heal
    // is constrained), otherwise often at a round's start.
    if (*gen_chance(50)) {
      const auto side = *gen_quorum_side(c);
      if (!side.empty()) p.side_a = side;
    }
    if (*gen_chance(50)) {
      p.start_ms = 0;
    } else if (*gen_chance(50)) {
      p.start_ms = round_start(c, *gen::inRange<std::uint32_t>(0, c.max_rounds));
    }
    // Often long enough for a whole round to run inside it (the run's longest: its last).
    const std::uint64_t at_least = *gen_chance(50) ? round_ms(c.timing, c.max_rounds - 1) : 0;
    p.heal_ms = std::max(p.heal_ms, p.start_ms + at_least + *gen::inRange<std::uint64_t>(0, horizon + 1));
    c.partitions.push_back(p);
    // C rarely finalizes, and B costs an ECVRF verification per proposal received.
    c.policy = *gen::weightedElement<sim::Policy>(
        {{2, sim::Policy::lowest_hash}, {1, sim::Policy::vrf}, {1, sim::Policy::first_to_quorum}});
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
  const auto r = sim::run_simulation(config);
  assert_safe(r);
  const std::uint64_t total = total_weight(config);
  RC_ASSERT(r.total_weight == total);
  const sim::Partition& p = config.partitions.front();
  bool constrained = false;
  bool minority_side_exists = false;
  for (std::size_t i = 0; i < config.nodes; ++i)
    minority_side_exists = minority_side_exists || !is_quorum(side_weight(config, p, i), total);
  for (const auto& f : r.finalized) {
    if (f.at_ms < p.start_ms || f.at_ms >= p.heal_ms || round_start(config, f.round) < p.start_ms) continue;
    constrained = true;
    const std::uint64_t side = side_weight(config, p, f.node);
    RC_LOG() << "node " << f.node << " finalized at " << f.at_ms << " ms (round " << f.round
             << (f.adopted ? ", adopted" : "") << "), side weight " << side << " of " << total << ", certificate weight "
             << f.certificate_weight << "\n";
    RC_ASSERT(is_quorum(side, total));
    RC_ASSERT(f.certificate_weight <= side);
  }
  // A side without a quorum that was cut off for a whole round: it had the time to finalize
  // and must not have.
  bool minority_cut_a_round = false;
  for (std::uint32_t round = 0; round < config.max_rounds; ++round) {
    const std::uint64_t s = round_start(config, round);
    if (s >= p.start_ms && s + round_ms(config.timing, round) <= p.heal_ms) minority_cut_a_round = minority_side_exists;
  }
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(constrained, "a quorum side finalized while partitioned");
  RC_CLASSIFY(minority_cut_a_round, "a side without a quorum was cut off for a whole round");
  RC_CLASSIFY(config.byzantine > 0, "byzantine");
  RC_TAG(sim::to_string(config.policy));
}

// After the partition heals on a synchronous network, every node finalizes the same
// block, and no later than S(r_h) + T_c(r_h) + 2Δ, T_c(r) being round r's collect step
// (T_c + r * increment: steps grow from round to round).
//
// The bound, from spec/claims.md §3.1 (every member honest or silent: a third of the
// cases have Byzantine members under a third of the weight that withhold everything; one
// mempool; lowest hash or VRF rank, both of which pick from a set of proposals by the set
// alone; perfect clocks so ε = 0; messages delayed at most Δ = latency_max <
// min(T_c, T_p, T_q); no loss): GST is the heal time. Let r_h be the first round with S(r_h) >= heal + Δ.
// By S(r_h) every earlier message has arrived or was lost to the partition, so knowledge
// of polkas is final; in round r_h every undecided node either receives the highest
// polka's re-proposal or all round-r_h proposals by S(r_h) + Δ < S(r_h) + T_c(r_h) and so
// prevotes the same block by its collect deadline S(r_h) + T_c(r_h); the polka reaches
// everyone by S(r_h) + T_c(r_h) + Δ and the precommit quorum by S(r_h) + T_c(r_h) + 2Δ (the
// later steps are longer than round 0's, so Δ stays below each). A node that decided
// earlier (a side with a quorum) answers each round-r_h proposal or vote with its commit,
// which arrives by S(r_h) + 2Δ (§3.3). The run must leave round r_h room: max_rounds > r_h.
//
// Under policy B the round that decides is r_h + 1 at the latest, not r_h: its choice is the
// leader's round message (spec/protocol.md 4.6), sent at S(r_h) before the leader has seen
// the other re-proposals of r_h, and a node that locked before the heal, whose announcement
// the partition dropped, refuses a leader that re-proposes an older polka. By S(r_h + 1)
// every lock has been re-proposed to everyone, so the leader of r_h + 1 re-proposes a polka
// at or after all of them (a silent leader sends nothing, and the next-ranked message,
// the same at every node, leads). Under policy A the highest re-proposed polka leads
// every node in round r_h already. (Found by this property: 2 members, partition 1|1
// from 135 to 2001 ms, seed 2054.)
RC_GTEST_PROP(Partition, AllFinalizeOneBlockSoonAfterHeal, ()) {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    c.timing = *gen_timing();
    apply(c, *gen_membership(2, kMaxPropNodes));
    if (*gen_chance(33)) apply(c, *gen_silent(c));
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(min_phase - 1));
    // Heal within the first two rounds' time (by S(2)), so r_h <= 3 and runs stay short.
    c.partitions.push_back(*gen_partition(c.nodes, round_start(c, 2)));
    const auto& p = c.partitions.front();
    const auto r_h = first_round_from(c, p.heal_ms + c.latency_max_ms);
    c.policy = *gen::element(sim::Policy::lowest_hash, sim::Policy::vrf);
    const std::uint32_t r_live = c.policy == sim::Policy::vrf ? r_h + 1 : r_h;
    c.max_rounds = *gen_max_rounds(r_live + 1, r_live + 2);
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
  const auto& p = config.partitions.front();
  const std::uint64_t delta = config.latency_max_ms;
  const auto r_h = first_round_from(config, p.heal_ms + delta);
  RC_ASSERT(round_start(config, r_h) >= p.heal_ms + delta);
  RC_ASSERT(r_h == 0 || round_start(config, r_h - 1) < p.heal_ms + delta);
  const std::uint32_t r_live = config.policy == sim::Policy::vrf ? r_h + 1 : r_h;
  RC_ASSERT(r_live < config.max_rounds);
  const std::uint64_t deadline = round_start(config, r_live) + collect_ms(config.timing, r_live) + 2 * delta;

  const auto r = sim::run_simulation(config);
  assert_safe(r);
  RC_LOG() << "r_h = " << r_h << ", deciding round at the latest " << r_live << ", deadline " << deadline << " ms\n";
  for (std::size_t i = 0; i < config.nodes - config.byzantine; ++i) {  // the silent are the last indices
    const auto* f = r.finalized_by(i);
    if (f == nullptr) RC_FAIL("node " + std::to_string(i) + " never finalized");
    RC_LOG() << "node " << i << " finalized round " << f->round << " at " << f->at_ms << " ms"
             << (f->adopted ? " (adopted)" : "") << "\n";
    RC_ASSERT(f->at_ms <= deadline);
    RC_ASSERT(f->round <= r_live);
    RC_ASSERT(f->block_id == r.finalized.front().block_id);
  }
  RC_ASSERT(r.all_honest_finalized);

  const std::uint64_t total = total_weight(config);
  bool quorum_side = false;
  for (std::size_t i = 0; i < config.nodes; ++i) quorum_side = quorum_side || is_quorum(side_weight(config, p, i), total);
  const bool real_split = p.heal_ms > p.start_ms;
  RC_TAG(node_band(config.nodes));
  RC_TAG(sim::to_string(config.policy));
  RC_CLASSIFY(config.byzantine > 0, "silent members");
  RC_CLASSIFY(real_split && !quorum_side, "no side a quorum");
  RC_CLASSIFY(real_split && quorum_side, "one side a quorum");
  RC_CLASSIFY(std::any_of(r.finalized.begin(), r.finalized.end(), [&](const auto& f) { return f.at_ms >= p.heal_ms; }),
              "finalized after the heal");
}

}  // namespace
}  // namespace midnight::prop
