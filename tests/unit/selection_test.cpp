// Canonical selection: rank keys of the policies, and a choice that depends only on the
// set of candidates, never on the order they are stored in.
#include "midnight/consensus/selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "test_support.hpp"

namespace midnight {
namespace {

Candidate candidate(std::uint8_t id_fill, std::uint32_t arrival) {
  Candidate c;
  c.block_id = test::block_id(id_fill);
  c.arrival = arrival;
  return c;
}

TEST(SelectionTest, RankKeys) {
  const Candidate c = candidate(0x42, 0x01020304);
  RankKey id_key{};
  std::copy(c.block_id.v.begin(), c.block_id.v.end(), id_key.v.begin());
  EXPECT_EQ(LowestHashPolicy{}.rank(c), id_key);
  RankKey expected{};
  // The arrival index, big-endian, in the key's last four bytes.
  expected.v[RankKey::size() - 4] = 0x01;
  expected.v[RankKey::size() - 3] = 0x02;
  expected.v[RankKey::size() - 2] = 0x03;
  expected.v[RankKey::size() - 1] = 0x04;
  EXPECT_EQ(FirstToQuorumPolicy{}.rank(c), expected);
  // Byte order of the key is numeric order of the arrival.
  const FirstToQuorumPolicy p;
  EXPECT_LT(p.rank(candidate(0, 1)), p.rank(candidate(0, 256)));
  EXPECT_LT(p.rank(candidate(0, 0xFF)), p.rank(candidate(0, 0x01000000)));
  EXPECT_LT(p.rank(candidate(0, 0xFFFFFFFE)), p.rank(candidate(0, 0xFFFFFFFF)));
}

TEST(SelectionTest, EmptyHasNoChoice) {
  EXPECT_FALSE(select_canonical(LowestHashPolicy{}, {}).has_value());
  EXPECT_FALSE(select_canonical(FirstToQuorumPolicy{}, {}).has_value());
}

TEST(SelectionTest, LowestHashIgnoresStorageOrder) {
  std::vector<Candidate> cs;
  // Arrival deliberately anti-correlated with the id.
  for (std::uint8_t i = 0; i < 20; ++i) cs.push_back(candidate(static_cast<std::uint8_t>(0x30 + i * 7), 19u - i));
  const LowestHashPolicy policy;
  std::mt19937 rng(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::shuffle(cs.begin(), cs.end(), rng);
    const auto i = select_canonical(policy, cs);
    ASSERT_TRUE(i.has_value());
    EXPECT_EQ(cs[*i].block_id, test::block_id(0x30));
  }
  const Candidate one[] = {candidate(0x99, 5)};
  EXPECT_EQ(select_canonical(policy, one), 0u);
}

TEST(SelectionTest, FirstToQuorumPicksEarliestArrivalTieBrokenByBlockId) {
  std::vector<Candidate> cs = {candidate(0x10, 3), candidate(0x20, 1), candidate(0x05, 2), candidate(0x30, 256)};
  const FirstToQuorumPolicy policy;
  std::mt19937 rng(11);
  for (int trial = 0; trial < 30; ++trial) {
    std::shuffle(cs.begin(), cs.end(), rng);
    EXPECT_EQ(cs[*select_canonical(policy, cs)].block_id, test::block_id(0x20));
  }
  // Equal ranks: the smaller block id wins, whatever the order.
  std::vector<Candidate> tie = {candidate(0x20, 1), candidate(0x07, 1), candidate(0x09, 1), candidate(0x01, 2)};
  for (int trial = 0; trial < 30; ++trial) {
    std::shuffle(tie.begin(), tie.end(), rng);
    EXPECT_EQ(tie[*select_canonical(policy, tie)].block_id, test::block_id(0x07));
  }
}

TEST(SelectionTest, PoliciesDisagreeOnlyThroughTheirKeys) {
  const std::vector<Candidate> cs = {candidate(0x02, 9), candidate(0x01, 10), candidate(0x03, 0)};
  EXPECT_EQ(cs[*select_canonical(LowestHashPolicy{}, cs)].block_id, test::block_id(0x01));
  EXPECT_EQ(cs[*select_canonical(FirstToQuorumPolicy{}, cs)].block_id, test::block_id(0x03));
}

TEST(SelectionTest, MakePolicyByName) {
  auto lh = make_policy("lowest-hash");
  ASSERT_NE(lh, nullptr);
  EXPECT_EQ(lh->kind(), PolicyKind::lowest_hash);
  EXPECT_EQ(lh->name(), "lowest-hash");
  auto fq = make_policy("first-to-quorum");
  ASSERT_NE(fq, nullptr);
  EXPECT_EQ(fq->kind(), PolicyKind::first_to_quorum);
  EXPECT_EQ(fq->name(), "first-to-quorum");
  EXPECT_EQ(make_policy("vrf-rank"), nullptr);  // not implemented yet
  EXPECT_EQ(make_policy(""), nullptr);
  EXPECT_EQ(make_policy("Lowest-Hash"), nullptr);
  EXPECT_EQ(make_policy("lowest-hash "), nullptr);
}

}  // namespace
}  // namespace midnight
