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

// Policy B ranks by the whole 64-byte VRF output: a difference in its last byte decides,
// the block id only breaks exact ties, and a candidate with no verified output is last.
TEST(SelectionTest, VrfRankUsesTheWholeOutputAndRanksUnverifiedLast) {
  std::vector<VrfOutput> outputs(4);
  for (auto& o : outputs) o.v.fill(0x40);
  outputs[0].v[63] = 0x02;  // differs from outputs[1] only in the last byte
  outputs[1].v[63] = 0x01;  // the lowest
  outputs[2].v[0] = 0x41;
  outputs[3] = outputs[1];  // a tie with outputs[1]: the block id decides
  std::vector<Candidate> cs = {candidate(0x05, 0), candidate(0x30, 1), candidate(0x01, 2), candidate(0x20, 3),
                               candidate(0x00, 4)};
  for (std::size_t i = 0; i < outputs.size(); ++i) cs[i].vrf_output = &outputs[i];
  // cs[4] has the lowest block id but no output: it must not win.
  const VrfRankPolicy policy;
  EXPECT_EQ(policy.rank(cs[1]), RankKey{outputs[1].v});
  RankKey last;
  last.v.fill(0xff);
  EXPECT_EQ(policy.rank(cs[4]), last);
  std::mt19937 rng(5);
  for (int trial = 0; trial < 30; ++trial) {
    std::shuffle(cs.begin(), cs.end(), rng);
    EXPECT_EQ(cs[*select_canonical(policy, cs)].block_id, test::block_id(0x20));
  }
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
  auto vrf = make_policy("vrf");
  ASSERT_NE(vrf, nullptr);
  EXPECT_EQ(vrf->kind(), PolicyKind::vrf_rank);
  EXPECT_EQ(vrf->name(), "vrf");
  EXPECT_EQ(make_policy("vrf-rank"), nullptr);
  EXPECT_EQ(make_policy(""), nullptr);
  EXPECT_EQ(make_policy("Lowest-Hash"), nullptr);
  EXPECT_EQ(make_policy("lowest-hash "), nullptr);
}

}  // namespace
}  // namespace midnight
