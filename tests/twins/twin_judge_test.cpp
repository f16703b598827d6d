// The judge and the twins (SimConfig::twin_of): the twins do equivocate (the two hosts of
// one key vote for two blocks in one round), and the judge holds their member to nothing
// while holding every other node to every promise. The first test is the enumeration's
// premise, the second what keeps its clean runs clean for the right reason.
#include <gtest/gtest.h>

#include "midnight/crypto/hash.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/twins/scenario_config.hpp"

namespace midnight::sim::twins {
namespace {

// Round 0 led by the twins' member, its collect step split {0, 3} | {1, 2, 4}: each twin
// ranks its own block first (the copy lacks one transaction, so the blocks differ).
SimConfig split_twin_leader() {
  const ScenarioSpace space(4, 1);
  const auto seeds = LeaderSeeds::search(4, 1);
  const TwinsScenario s{{3}, {{2, 0, 0}}};
  return scenario_config(EnumerationSettings{.rounds = 1}, space, *seeds, space.index_of(s));
}

TEST(TwinsJudge, TheTwinsVoteForTwoBlocksInOneRound) {
  ASSERT_TRUE(crypto_init());
  const SimResult r = run_simulation(split_twin_leader());
  ASSERT_TRUE(r.error.empty()) << r.error;
  ASSERT_EQ(r.nodes.size(), 5U);
  const NodeTrace& original = r.nodes[3];
  const NodeTrace& copy = r.nodes[4];
  EXPECT_EQ(original.member_index, copy.member_index);
  EXPECT_EQ(original.key, copy.key);
  ASSERT_FALSE(original.rounds.empty());
  ASSERT_FALSE(copy.rounds.empty());
  const RoundTrace& a = original.rounds.front();
  const RoundTrace& b = copy.rounds.front();
  ASSERT_TRUE(a.prevoted && b.prevoted);
  EXPECT_TRUE(a.prevote_approve != b.prevote_approve || a.prevote_block != b.prevote_block)
      << "the twins cast one prevote: the scenario would not test equivocation";
}

TEST(TwinsJudge, OnlyTheTwinsMemberIsExempt) {
  ASSERT_TRUE(crypto_init());
  const SimResult r = run_simulation(split_twin_leader());
  EXPECT_TRUE(r.agreement && r.certificates_ok && r.bodies_valid && r.no_double_votes && r.locks_kept)
      << (r.violations.empty() ? std::string() : r.violations.front());
  SimConfig c = split_twin_leader();
  EXPECT_TRUE(is_twin_node(c, 3) && is_twin_node(c, 4));
  EXPECT_FALSE(is_twin_node(c, 0) || is_twin_node(c, 1) || is_twin_node(c, 2));
  c.twin_of = SimConfig::kNoTwin;
  EXPECT_FALSE(is_twin_node(c, 3));
  EXPECT_EQ(member_count(c), 5U);
}

}  // namespace
}  // namespace midnight::sim::twins
