// Memberships of 17 to 200 members, the sizes the 64-member limit of wire version 1 kept
// out of every property: honest members decide one block, by weight.
//
// Conditions (spec/claims.md §3.1): silent Byzantine members under a third of the weight
// (or none), a synchronous network (latency below every step, no loss), lowest hash
// (policy B's VRF proofs are checked unmemoised, 40,000 of them in a 200-member round;
// the VRF properties cover B up to 16 members). Claims: the run is safe (assert_safe: agreement, valid certificates, no
// double vote, locks kept); every honest member finalizes, the same block; every
// certificate's signers hold a quorum of the weight. With tier weights (1, 10, 100, 1000)
// a certificate is often signed by two thirds of the members or fewer: counted by
// members it would be refused, and the run would not decide (classified below).
//
// Cost: a case simulates up to 200 nodes (0.2 s in release for 200, several times that
// under ASan), so this property runs a tenth of RapidCheck's case count (100 of the
// default 1000), at least 10, mostly of 17-64 members;
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
    // A run costs about n^2: most cases 17-64 members, some 65-128, a few up to 200
    // (cli/simulate_weights.sh runs 200 every time). Shrinking goes toward 17.
    m.nodes = *gen::weightedOneOf<std::size_t>({{16, gen::inRange<std::size_t>(kLargeMin, 65)},
                                                 {3, gen::inRange<std::size_t>(65, 129)},
                                                 {1, gen::inRange<std::size_t>(129, kLargeMax + 1)}});
    if (*gen::arbitrary<bool>()) m.weights = sim::tier_weights(m.nodes);
    apply(c, m);
    if (*gen::arbitrary<bool>()) apply(c, *gen_silent(c));
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(std::min<std::uint64_t>(min_phase - 1, 300)));
    c.policy = sim::Policy::lowest_hash;
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
  params.maxSuccess = std::max(10, params.maxSuccess / 10);
  const auto result = rc::detail::checkTestable(&large_membership_property, meta, params);
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  std::cerr << message.str() << "\n";
  rc::detail::SuccessResult success;
  EXPECT_TRUE(result.match(success)) << message.str();
}

}  // namespace
}  // namespace midnight::prop
