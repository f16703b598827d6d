// The Twins enumeration's numbering (scenario_space.hpp): index <-> scenario is a
// bijection, the digits are where the header says, the family is what it says, and the
// leader seeds give the leaders they are found for.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "midnight/crypto/hash.hpp"
#include "midnight/sim/twins/leader_seeds.hpp"
#include "midnight/sim/twins/scenario_config.hpp"
#include "midnight/sim/twins/scenario_space.hpp"

namespace midnight::sim::twins {
namespace {

TEST(TwinsScenarioSpace, CountsAreTheProductOfTheDigits) {
  EXPECT_EQ(ScenarioSpace(4, 2).count(), 16U * 531441U);  // 4^2 leaders, 9^6 partitions
  EXPECT_EQ(ScenarioSpace(4, 1).count(), 4U * 729U);
  EXPECT_EQ(ScenarioSpace(3, 1).count(), 3U * 125U);
  EXPECT_EQ(ScenarioSpace(4, 2).partition_family_size(), 9U);
}

TEST(TwinsScenarioSpace, IndexAndScenarioAreInverse) {
  for (const auto& [members, rounds] : {std::pair<std::size_t, std::uint32_t>{3, 1}, {4, 1}, {3, 2}}) {
    const ScenarioSpace space(members, rounds);
    ASSERT_TRUE(space.valid().empty());
    std::set<std::vector<std::size_t>> seen;
    for (std::uint64_t i = 0; i < space.count(); ++i) {
      const TwinsScenario s = space.scenario(i);
      ASSERT_EQ(space.index_of(s), i);
      std::vector<std::size_t> flat = s.leaders;
      for (const auto& round : s.partitions) flat.insert(flat.end(), round.begin(), round.end());
      ASSERT_TRUE(seen.insert(flat).second) << "scenario " << i << " repeats an earlier one";
    }
  }
}

TEST(TwinsScenarioSpace, LeadersAreTheLowDigitsAndRoundZeroComesFirst) {
  const ScenarioSpace space(4, 2);
  const TwinsScenario s = space.scenario(1 + 4 * 2 + 16 * 5);
  EXPECT_EQ(s.leaders, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(s.partitions[0][0], 5U);  // round 0's collect: the first partition digit
  EXPECT_EQ(s.partitions[1][2], 0U);
}

TEST(TwinsScenarioSpace, EverySplitPutsTheTwinsApart) {
  const ScenarioSpace space(4, 1);
  std::set<std::vector<std::size_t>> sides;
  for (std::size_t p = 1; p < space.partition_family_size(); ++p) {
    const auto side = space.side_of_original(p);
    EXPECT_NE(std::find(side.begin(), side.end(), space.twin_original()), side.end());
    EXPECT_EQ(std::find(side.begin(), side.end(), space.twin_copy()), side.end());
    sides.insert(side);
  }
  EXPECT_EQ(sides.size(), 8U);
  EXPECT_EQ(describe_partition(space, 0), "together");
  EXPECT_EQ(describe_partition(space, 1), "3|0,1,2,4");
  EXPECT_EQ(describe_partition(space, 8), "0,1,2,3|4");
}

TEST(TwinsScenarioSpace, InvalidSpacesSayWhy) {
  EXPECT_FALSE(ScenarioSpace(1, 2).valid().empty());
  EXPECT_FALSE(ScenarioSpace(4, 0).valid().empty());
  EXPECT_FALSE(ScenarioSpace(4, kMaxRounds + 1).valid().empty());
}

TEST(TwinsLeaderSeeds, EachSeedGivesItsLeaders) {
  ASSERT_TRUE(crypto_init());
  const auto seeds = LeaderSeeds::search(3, 2);
  ASSERT_TRUE(seeds.has_value());
  for (std::size_t a = 0; a < 3; ++a)
    for (std::size_t b = 0; b < 3; ++b) {
      const std::vector<std::size_t> leaders{a, b};
      EXPECT_EQ(leaders_of(seeds->key_seed(leaders), 3, 2), leaders);
    }
}

TEST(TwinsScenarioConfig, PartitionsCoverTheirStepsAndTheTwinIsTheLastNode) {
  ASSERT_TRUE(crypto_init());
  const ScenarioSpace space(4, 1);
  const auto seeds = LeaderSeeds::search(4, 1);
  ASSERT_TRUE(seeds.has_value());
  TwinsScenario s{{2}, {{3, 0, 8}}};
  EnumerationSettings settings;
  settings.windows = Windows::schedule;
  const SimConfig c = scenario_config(settings, space, *seeds, space.index_of(s));
  EXPECT_EQ(c.nodes, 5U);
  EXPECT_EQ(c.twin_of, 3U);
  EXPECT_TRUE(validate(c).empty()) << validate(c);
  ASSERT_EQ(c.partitions.size(), 2U);  // the prevote step is together
  EXPECT_EQ(c.partitions[0].start_ms, 0U);
  EXPECT_EQ(c.partitions[0].heal_ms, 1000U);
  EXPECT_EQ(c.partitions[1].start_ms, 2000U);
  EXPECT_EQ(c.partitions[1].heal_ms, 3000U);
  EXPECT_NE(run_seed(1, 0), run_seed(1, 1));
  // The flights: every message 100 ms, the windows 100 ms apart from the round's start.
  settings.windows = Windows::flight;
  const SimConfig f = scenario_config(settings, space, *seeds, space.index_of(s));
  EXPECT_EQ(f.latency_min_ms, kFlightMs);
  EXPECT_EQ(f.latency_max_ms, kFlightMs);
  ASSERT_EQ(f.partitions.size(), 2U);
  EXPECT_EQ(f.partitions[0].heal_ms, kFlightMs);
  EXPECT_EQ(f.partitions[1].start_ms, 2 * kFlightMs);
  EXPECT_EQ(f.partitions[1].heal_ms, 3000U);  // round 1's start
}

}  // namespace
}  // namespace midnight::sim::twins
