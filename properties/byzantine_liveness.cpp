// The liveness property with Byzantine members that send (byzantine_liveness.hpp).
#include "byzantine_liveness.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {

namespace gen = rc::gen;

namespace {

// Members strictly under a third of the weight, each with a mode that sends something (a
// member that sends nothing is silent, spec/claims.md §3.1), a mixed coalition a third of
// the time when there are two or more.
rc::Gen<Byzantine> gen_sending_byzantine(const sim::SimConfig& c) {
  const std::size_t most = max_byzantine_count(c, false);
  return gen::exec([most] {
    const auto gen_mode = gen::weightedElement<sim::ByzantineMode>({{3, sim::ByzantineMode::selective},
                                                                     {3, sim::ByzantineMode::late_polka},
                                                                     {3, sim::ByzantineMode::lock_split},
                                                                     {1, sim::ByzantineMode::grind},  // selective under B
                                                                     {2, sim::ByzantineMode::equivocate},
                                                                     {2, sim::ByzantineMode::mirror},
                                                                     {1, sim::ByzantineMode::withhold_body},
                                                                     {1, sim::ByzantineMode::bad_body},
                                                                     {1, sim::ByzantineMode::garbage},
                                                                     {1, sim::ByzantineMode::withhold}});
    Byzantine b;
    b.mode = *gen_mode;
    b.count = most == 0 ? 0 : *gen::inRange<std::size_t>(1, most + 1);
    if (b.count >= 2 && *gen_chance(33)) b.modes = *gen::container<std::vector<sim::ByzantineMode>>(b.count, gen_mode);
    return b;
  });
}

}  // namespace

rc::Gen<sim::SimConfig> gen_byzantine_liveness_config(sim::NegativeControl control) {
  return gen::exec([control] {
    sim::SimConfig c;
    c.timing = *gen_timing();
    apply(c, *gen_membership(4, kMaxPropNodes));
    apply(c, *gen_sending_byzantine(c));
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(std::max<std::uint64_t>(min_phase / 6, 1)));
    // Half the time the network stabilises only when a partition heals, within two rounds.
    if (*gen::arbitrary<bool>()) c.partitions.push_back(*gen_partition(c.nodes, round_start(c, 2)));
    c.policy = sim::Policy::vrf;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    c.negative_control = control;
    return c;
  });
}

// The claim's bound (spec/claims.md §3.4, with perfect clocks, ε = 0, and GST the heal time
// of a partition, or 0 without one). Let r_s be the first round with S(r_s) >= GST + Δ:
// its messages all arrive within Δ. The leader of round r knows every honest lock of the
// rounds before r, with time to fetch its body, once round r - 1 was also at or after r_s
// (its locks announced at its prevote deadline, older ones re-proposed at S(r - 1)); round
// 0 has no earlier round. So let r* be the first round r >= r_s, with r = 0 or r - 1 >= r_s,
// whose leader is honest: every honest node prevotes the leader's block, the honest weight
// is a polka everyone sees and precommits, and every honest node finalizes round r*'s
// block by S(r*) + T_c(r*) + 2Δ, or, when an equivocator's precommits let one node decide
// before it precommitted, by adopting the commit it asks for when round r* ends: by
// S(r* + 1) + 2Δ. The step lengths leave room for a body fetch by reconciliation and an
// announcement: Δ <= min(T_c, T_p, T_q) / 6.
void check_byzantine_liveness(const sim::SimConfig& config) {
  const std::uint64_t delta = config.latency_max_ms;
  const std::uint64_t gst = config.partitions.empty() ? 0 : config.partitions.front().heal_ms;
  const std::uint32_t r_s = first_round_from(config, gst + (gst == 0 ? 0 : delta));
  const std::size_t honest = config.nodes - config.byzantine;  // the Byzantine are the last indices
  std::uint32_t r_star = r_s == 0 ? 0 : r_s + 1;
  std::vector<std::size_t> byzantine_led;
  for (;; ++r_star) {
    const auto betas = own_vrf_outputs(config, r_star);
    const std::size_t leader =
        static_cast<std::size_t>(std::min_element(betas.begin(), betas.end()) - betas.begin());
    if (leader < honest) break;
    byzantine_led.push_back(r_star);
    RC_PRE(r_star < 12U);  // an unlucky draw of keys: a dozen Byzantine-led rounds in a row
  }
  auto run_config = config;
  run_config.max_rounds = r_star + 2;  // round r*'s end fires, so a node may ask for the commit
  const std::uint64_t deadline = round_start(config, r_star + 1) + 2 * delta;

  const auto r = sim::run_simulation(run_config);
  assert_safe(r);
  RC_LOG() << "GST " << gst << " ms, r_s = " << r_s << ", first honest-led round r* = " << r_star
           << ", Byzantine-led rounds before it: " << byzantine_led.size() << ", deadline " << deadline << " ms\n";
  for (std::size_t i = 0; i < honest; ++i) {
    const auto* f = r.finalized_by(i);
    if (f != nullptr) {
      RC_LOG() << "node " << i << " finalized round " << f->round << " at " << f->at_ms << " ms"
               << (f->adopted ? " (adopted)" : "") << "\n";
    }
    if (f == nullptr || f->round > r_star || f->at_ms > deadline) {
      RC_FAIL("node " + std::to_string(i) + " did not finalize by the first honest-led round after stabilisation (" +
              (f == nullptr ? std::string("never finalized")
                            : "round " + std::to_string(f->round) + " at " + std::to_string(f->at_ms) + " ms") +
              ")");
    }
  }
  RC_ASSERT(r.all_honest_finalized);
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(config.byzantine > 0, "byzantine");
  RC_CLASSIFY(!config.byzantine_modes.empty(), "mixed coalition");
  RC_CLASSIFY(!config.partitions.empty(), "stabilises at a heal");
  RC_CLASSIFY(!byzantine_led.empty(), "a Byzantine-led round first");
}

}  // namespace midnight::prop
