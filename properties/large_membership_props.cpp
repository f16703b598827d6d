// Memberships of 17 to 200 members, the sizes the 64-member limit of wire version 1 kept
// out of every property: honest members decide one block, by weight.
//
// Conditions (spec/claims.md §3.1): silent Byzantine members under a third of the weight
// (or none), a synchronous network (latency below every step, no loss), lowest hash or
// VRF rank. Claims: the run is safe (assert_safe: agreement, valid certificates, no
// double vote, locks kept); every honest member finalizes, the same block; every
// certificate's signers hold a quorum of the weight. With tier weights (1, 10, 100, 1000)
// a certificate is often signed by two thirds of the members or fewer: counted by
// members it would be refused, and the run would not decide (classified below).
//
// Cost: a case simulates up to 200 nodes (about 0.7 s in release), so this property runs
// a fiftieth of RapidCheck's case count (20 of the default 1000), at least 10;
// RC_PARAMS's seed and reproduce apply as to every property.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <sstream>

#include "generators.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

inline constexpr std::size_t kLargeMin = 17;
inline constexpr std::size_t kLargeMax = 200;

void large_membership_property() {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    c.timing = *gen_timing(400);
    Members m;
    // Sizes spread over the whole range; RapidCheck's size still shrinks a failure toward 17.
    m.nodes = *gen::inRange<std::size_t>(kLargeMin, kLargeMax + 1);
    if (*gen::arbitrary<bool>()) m.weights = sim::tier_weights(m.nodes);
    apply(c, m);
    if (*gen::arbitrary<bool>()) apply(c, *gen_silent(c));
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(std::min<std::uint64_t>(min_phase - 1, 300)));
    c.policy = *gen::element(sim::Policy::lowest_hash, sim::Policy::vrf);
    c.max_rounds = 4;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
  const auto r = sim::run_simulation(config);
  assert_safe(r);
  RC_ASSERT(r.all_honest_finalized);
  RC_ASSERT(finalized_blocks(r).size() == 1U);
  const std::uint64_t total = total_weight(config);
  bool count_would_refuse = false;
  for (const auto& f : r.finalized) {
    RC_ASSERT(f.certificate_ok);
    RC_ASSERT(3 * f.certificate_weight > 2 * total);
    count_would_refuse = count_would_refuse || 3 * f.certificate_signers <= 2 * config.nodes;
  }
  RC_CLASSIFY(!config.weights.empty(), "tier weights");
  RC_CLASSIFY(count_would_refuse, "a certificate of two thirds of the members or fewer");
  RC_CLASSIFY(config.byzantine > 0, "silent members");
  RC_TAG(config.nodes <= 64 ? "17-64 members" : config.nodes <= 128 ? "65-128 members" : "129-200 members");
}

TEST(LargeMembership, HonestMembersDecideOneBlockByWeight) {
  rc::detail::TestMetadata meta;
  meta.id = "LargeMembership.HonestMembersDecideOneBlockByWeight";
  meta.description = meta.id;
  auto params = rc::detail::configuration().testParams;
  params.maxSuccess = std::max(10, params.maxSuccess / 50);
  const auto result = rc::detail::checkTestable(&large_membership_property, meta, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  std::cerr << message.str() << "\n";
  rc::detail::SuccessResult success;
  EXPECT_TRUE(result.match(success)) << message.str();
}

}  // namespace
}  // namespace midnight::prop
