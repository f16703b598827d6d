#include "adversary.hpp"

#include <algorithm>

#include "midnight/sim/simulator.hpp"
#include "midnight/sim/world.hpp"
#include "support.hpp"

namespace midnight::prop {

namespace gen = rc::gen;

rc::Gen<Byzantine> gen_byzantine_up_to_a_third(const sim::SimConfig& c, bool mixed) {
  const std::size_t max_count = max_byzantine_count(c, true);
  return gen::exec([max_count, mixed] {
    const auto gen_mode = gen::weightedElement<sim::ByzantineMode>({{3, sim::ByzantineMode::mirror},
                                                                     {3, sim::ByzantineMode::equivocate},
                                                                     {1, sim::ByzantineMode::garbage},
                                                                     {1, sim::ByzantineMode::withhold},
                                                                     {1, sim::ByzantineMode::withhold_body},
                                                                     {1, sim::ByzantineMode::bad_body},
                                                                     {1, sim::ByzantineMode::selective},
                                                                     {1, sim::ByzantineMode::grind},
                                                                     {1, sim::ByzantineMode::late_polka},
                                                                     {1, sim::ByzantineMode::lock_split}});
    Byzantine b;
    b.mode = *gen_mode;
    if (max_count == 0 || *gen_chance(17)) return b;  // none a sixth of the time
    b.count = *gen::arbitrary<bool>() ? max_count : *gen::inRange<std::size_t>(1, max_count + 1);
    // A mixed coalition a third of the time: members that act differently at once (one
    // equivocates while another mirrors each honest node's choice, or withholds its weight
    // from a quorum the rest is splitting) are a different adversary from any one mode.
    // At least two different modes, or it would be one mode spelt as a list.
    if (mixed && b.count >= 2 && *gen_chance(33)) {
      b.modes = *gen::container<std::vector<sim::ByzantineMode>>(b.count, gen_mode);
      if (std::all_of(b.modes.begin(), b.modes.end(), [&](sim::ByzantineMode m) { return m == b.modes.front(); })) {
        const auto first = b.modes.front();
        b.modes.back() = *gen::suchThat(gen_mode, [first](sim::ByzantineMode m) { return m != first; });
      }
    }
    return b;
  });
}

rc::Gen<sim::Partition> gen_vote_phase_partition(const sim::SimConfig& c) {
  return gen::exec([c] {
    sim::Partition p;
    const auto perm = *gen_permutation(c.nodes);
    const auto cut = *gen::inRange<std::size_t>(1, c.nodes);  // 1..nodes-1 nodes on side a
    for (std::size_t i = 0; i < cut; ++i) p.side_a.push_back(perm[i]);
    std::sort(p.side_a.begin(), p.side_a.end());
    const auto round = *gen::inRange<std::uint32_t>(0, c.max_rounds);
    // A node that got every proposal prevotes at once, so a round's votes are in flight
    // within a few latencies of its start, or just after its collect deadline.
    const std::uint64_t flight = 4 * std::max<std::uint64_t>(c.latency_max_ms, 1);
    const std::uint64_t base =
        round_start(c, round) + (*gen::arbitrary<bool>() ? 0 : collect_ms(c.timing, round));
    p.start_ms = base + *gen::inRange<std::uint64_t>(0, flight + 1);
    const std::uint64_t end = round_start(c, c.max_rounds) + sim::kDrainMs;
    p.heal_ms = *gen::arbitrary<bool>() ? end : *gen::inRange<std::uint64_t>(p.start_ms, end + 1);
    return p;
  });
}

rc::Gen<std::vector<sim::Crash>> gen_restarts(const sim::SimConfig& c, std::size_t max_nodes) {
  return gen::exec([c, max_nodes] {
    std::vector<sim::Crash> out;
    const std::size_t honest = c.nodes - c.byzantine;
    const auto perm = *gen_permutation(honest);
    const auto count = *gen::inRange<std::size_t>(1, std::min(max_nodes, honest) + 1);
    const std::uint64_t horizon = round_start(c, c.max_rounds);
    for (std::size_t k = 0; k < count; ++k) {
      std::uint64_t t = *gen::inRange<std::uint64_t>(0, horizon + 1);
      const auto times = *gen::inRange(1, 4);
      for (int i = 0; i < times; ++i) {
        sim::Crash cr;
        cr.node = perm[k];
        cr.at_ms = t;
        cr.point = *gen::element(sim::CrashPoint::before_step, sim::CrashPoint::torn_append,
                                 sim::CrashPoint::after_sync);
        const bool comes_back = !*gen_chance(20);
        // Down for up to two rounds, and up again for up to one, in the length of the round
        // it is in (steps grow from round to round).
        const std::uint64_t round_length = round_ms(c.timing, round_at_ms(sim::kSimMidnightMs, c.timing, t));
        cr.restart_ms = comes_back ? t + *gen::inRange<std::uint64_t>(1, 2 * round_length + 1) : 0;
        out.push_back(cr);
        if (!comes_back) break;
        const std::uint64_t next_length =
            round_ms(c.timing, round_at_ms(sim::kSimMidnightMs, c.timing, cr.restart_ms));
        t = cr.restart_ms + *gen::inRange<std::uint64_t>(1, next_length + 1);
      }
    }
    return out;
  });
}

namespace {
rc::Gen<sim::SimConfig> gen_lock_attack(AdversarySpec spec) {
  return gen::exec([spec] {
    sim::SimConfig c;
    c.nodes = *gen::inRange<std::size_t>(std::max<std::size_t>(spec.min_nodes, 4), std::max<std::size_t>(spec.max_nodes, 4) + 1);
    c.byzantine = (c.nodes - 1) / 3;
    c.byzantine_mode = sim::ByzantineMode::mirror;
    c.max_rounds = *gen_max_rounds(2, spec.max_rounds);
    sim::Partition p;
    p.side_a.push_back(*gen::inRange<std::size_t>(0, c.nodes - c.byzantine));
    p.start_ms = *gen::inRange<std::uint64_t>(0, 4 * c.latency_max_ms + 1);
    p.heal_ms = round_start(c, c.max_rounds) + sim::kDrainMs;
    c.partitions.push_back(p);
    // The attack is on the lock rule, whatever the pick; policy B would only make each of
    // its up to 20,000 cases dearer (an ECVRF verification per proposal received).
    c.policy = *gen::element(sim::Policy::lowest_hash, sim::Policy::first_to_quorum);
    c.mempool_size = *gen_mempool_size();
    c.negative_control = spec.control;
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
}
}  // namespace

rc::Gen<sim::SimConfig> gen_adversarial_config(AdversarySpec spec) {
  if (spec.lock_attack) return gen_lock_attack(spec);
  return gen::exec([spec] {
    sim::SimConfig c;
    const bool below_three = spec.min_nodes < 3 && *gen_chance(spec.below_three_percent);
    apply(c, below_three ? *gen_membership(spec.min_nodes, 2)
                         : *gen_membership(std::max<std::size_t>(spec.min_nodes, 3), spec.max_nodes));
    apply(c, *gen_byzantine_up_to_a_third(c, spec.mixed_coalitions));
    apply(c, *gen_network({.max_latency_ms = 400, .max_drop = 0.3, .max_duplicate = 0.3}));
    // No draw at all without long runs, so the specs that use none generate as before.
    // Drawn as "not short" so that shrinking, which moves gen_chance towards true, moves
    // a counterexample towards a short run.
    const bool long_run = spec.long_runs_percent > 0 && spec.max_rounds < kMaxPropRounds &&
                          !*gen_chance(100 - spec.long_runs_percent);
    c.max_rounds =
        long_run ? *gen_max_rounds(spec.max_rounds + 1, kMaxPropRounds) : *gen_max_rounds(2, spec.max_rounds);
    // gen::inRange narrows with RapidCheck's size, so the split is drawn as a fixed chance.
    const int partition = *gen::weightedElement<int>({{2, 0}, {1, 2}, {1, 3}});  // 0: aimed; 2: anywhere; 3: none
    if (c.nodes >= 2 && partition == 0) c.partitions.push_back(*gen_vote_phase_partition(c));
    if (c.nodes >= 2 && partition == 2)
      c.partitions.push_back(*gen_partition(c.nodes, round_start(c, c.max_rounds)));
    if (spec.restarts) c.crashes = *gen_restarts(c, 3);
    c.policy = *gen_policy();
    c.mempool_size = *gen_mempool_size();
    // Safety may not depend on the snapshots (spec/claims.md §2): the safety checks draw
    // divergent honest mempools too. Not under a negative control, whose counterexample
    // needs decisions, which divergence makes rarer (spec/claims.md §3).
    if (spec.control == sim::NegativeControl::none) c.mempool_divergence = *gen_mempool_divergence();
    c.negative_control = spec.control;
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
}

void check_agreement(const sim::SimResult& r) {
  if (!r.error.empty()) RC_FAIL("the configuration was rejected: " + r.error);
  for (const auto& v : r.violations)
    if (v.find(" finalized ") != std::string::npos) RC_FAIL("agreement broken: " + v);
  RC_ASSERT(r.agreement);
  RC_ASSERT(finalized_blocks(r).size() <= 1U);
}

void check_quorum_safety(const sim::SimResult& r) {
  check_agreement(r);
  if (!r.violations.empty()) RC_FAIL("violation: " + r.violations.front());
  RC_ASSERT(r.no_double_votes);
  RC_ASSERT(r.locks_kept);
  RC_ASSERT(r.certificates_ok);
  RC_ASSERT(r.bodies_valid);
  for (const auto& f : r.finalized) {
    RC_ASSERT(f.certificate_ok);
    RC_ASSERT(3 * f.certificate_weight > 2 * r.total_weight);
  }
}

}  // namespace midnight::prop
