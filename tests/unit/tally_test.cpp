// VoteTally: first vote counts, duplicates are idempotent, equivocation is evidence and
// never counted, errors change nothing, quorum is crossed exactly once, and the result
// does not depend on the order of different members' votes.
#include "midnight/consensus/tally.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

constexpr std::uint64_t kHeight = 9;
constexpr std::uint32_t kRound = 1;

// Everything observable about a tally, for before/after comparisons.
struct Snapshot {
  std::vector<std::uint64_t> weights;
  std::vector<std::uint64_t> approvers;
  std::uint64_t voted_weight;
  std::uint64_t voters;
  std::uint64_t equivocators;
  std::optional<BlockId> quorum_block;
  std::vector<std::optional<Vote>> votes;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot snapshot(const VoteTally& t, std::size_t members, std::initializer_list<BlockId> ids) {
  Snapshot s{{}, {}, t.voted_weight(), t.voters(), t.equivocators(), t.quorum_block(), {}};
  for (const BlockId& id : ids) {
    s.weights.push_back(t.approve_weight(id));
    s.approvers.push_back(t.approvers(id));
  }
  for (std::size_t i = 0; i < members; ++i) {
    const Vote* v = t.vote_of(i);
    s.votes.push_back(v ? std::optional<Vote>(*v) : std::nullopt);
  }
  return s;
}

class TallyTest : public ::testing::Test {
 protected:
  void SetUp() override { tally.reset(net.membership, chain, kHeight, kRound, VoteStep::prevote); }

  Vote vote(std::size_t member, const BlockId& id, bool approve = true) const {
    return test::make_vote(net.keys[member], chain, kHeight, kRound, VoteStep::prevote, id, approve);
  }
  Snapshot snap() const { return snapshot(tally, net.membership.size(), {a, b}); }

  test::TestMembers net = test::make_equal_members(4);  // quorum 3
  ChainId chain = test::chain();
  BlockId a = test::block_id(0x0A);
  BlockId b = test::block_id(0x0B);
  VoteTally tally;
};

TEST_F(TallyTest, CountsFirstVotes) {
  EXPECT_EQ(tally.height(), kHeight);
  EXPECT_EQ(tally.round(), kRound);
  EXPECT_EQ(tally.step(), VoteStep::prevote);
  EXPECT_EQ(tally.chain(), chain);
  EXPECT_EQ(tally.voted_weight(), 0u);
  EXPECT_EQ(tally.vote_of(0), nullptr);

  auto r = tally.add(vote(2, a));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r.value().outcome, VoteOutcome::counted);
  EXPECT_FALSE(r.value().quorum_reached);
  EXPECT_EQ(tally.approve_weight(a), 1u);
  EXPECT_EQ(tally.approvers(a), 1u << 2);
  EXPECT_EQ(tally.approve_weight(b), 0u);
  EXPECT_EQ(tally.approvers(b), 0u);
  EXPECT_EQ(tally.voters(), 1u << 2);
  EXPECT_EQ(tally.voted_weight(), 1u);
  ASSERT_NE(tally.vote_of(2), nullptr);
  EXPECT_EQ(*tally.vote_of(2), vote(2, a));
  EXPECT_EQ(tally.vote_of(1), nullptr);
  EXPECT_EQ(tally.evidence_of(2), nullptr);
  EXPECT_EQ(tally.vote_of(kMaxMembers), nullptr);
}

TEST_F(TallyTest, DuplicateIsIdempotent) {
  ASSERT_TRUE(tally.add(vote(1, a)));
  ASSERT_TRUE(tally.add(vote(3, b)));
  const Snapshot before = snap();
  for (int k = 0; k < 3; ++k) {
    auto r = tally.add(vote(1, a));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().outcome, VoteOutcome::duplicate);
    EXPECT_FALSE(r.value().quorum_reached);
  }
  EXPECT_EQ(snap(), before);
  EXPECT_EQ(tally.equivocators(), 0u);
}

TEST_F(TallyTest, EquivocationIsKeptAsEvidenceAndCountedAtMostOncePerBlock) {
  const Vote first = vote(1, a);
  const Vote second = vote(1, b);
  ASSERT_TRUE(tally.add(first));
  const Snapshot before = snap();

  auto r = tally.add(second);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().outcome, VoteOutcome::equivocation);
  EXPECT_FALSE(r.value().quorum_reached);
  EXPECT_EQ(tally.equivocators(), 1u << 1);
  const Evidence* ev = tally.evidence_of(1);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->first, first);
  EXPECT_EQ(ev->second, second);
  EXPECT_TRUE(verify_vote(ev->first));  // both signed: provable to anyone
  EXPECT_TRUE(verify_vote(ev->second));
  EXPECT_NE(ev->first.block_id, ev->second.block_id);

  // The member counts once as a voter and once toward each block it signed for.
  EXPECT_EQ(tally.voted_weight(), before.voted_weight);
  EXPECT_EQ(tally.voters(), before.voters);
  EXPECT_EQ(tally.approve_weight(a), 1u);
  EXPECT_EQ(tally.approve_weight(b), 1u);
  EXPECT_EQ(*tally.vote_of(1), first);
  EXPECT_EQ(*tally.approving_vote(1, a), first);
  EXPECT_EQ(*tally.approving_vote(1, b), second);

  // A third different vote (nil) is still equivocation; the first evidence is kept and
  // nothing else changes.
  const Snapshot with_evidence = snap();
  r = tally.add(vote(1, BlockId{}, false));
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().outcome, VoteOutcome::equivocation);
  EXPECT_EQ(tally.evidence_of(1)->second, second);
  EXPECT_EQ(snap(), with_evidence);
  // Repeating either signed vote is a duplicate: never counted twice.
  for (const Vote& again : {first, second}) {
    r = tally.add(again);
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().outcome, VoteOutcome::duplicate);
    EXPECT_EQ(snap(), with_evidence);
  }
  EXPECT_EQ(tally.approve_weight(a), 1u);
  EXPECT_EQ(tally.approve_weight(b), 1u);
  EXPECT_EQ(tally.voted_weight(), 1u);
}

TEST_F(TallyTest, EquivocatorCannotPushTwoBlocksToQuorum) {
  // Members 0, 1 approve a; member 2 approves a then b; member 3 approves b.
  ASSERT_TRUE(tally.add(vote(0, a)));
  ASSERT_TRUE(tally.add(vote(1, a)));
  auto r = tally.add(vote(2, a));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().quorum_reached);
  ASSERT_TRUE(tally.add(vote(3, b)));
  r = tally.add(vote(2, b));
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().outcome, VoteOutcome::equivocation);
  EXPECT_FALSE(r.value().quorum_reached);  // 2 of 4: one equivocator (< W/3) is not enough
  EXPECT_EQ(tally.approve_weight(a), 3u);
  EXPECT_EQ(tally.approve_weight(b), 2u);
  EXPECT_EQ(tally.quorum_block(), a);
}

// Why an equivocator's second vote counts: a polka that includes it must be visible to a
// node that received the equivocator's other vote first, or honest nodes that saw the
// polka (and locked) and those that did not can stay split for ever.
TEST_F(TallyTest, AnEquivocatorsSecondVoteCanCompleteAPolka) {
  ASSERT_TRUE(tally.add(vote(0, b)));  // this node happened to get member 0's b vote first
  ASSERT_TRUE(tally.add(vote(1, a)));
  ASSERT_TRUE(tally.add(vote(2, a)));
  EXPECT_FALSE(tally.quorum_block().has_value());
  auto r = tally.add(vote(0, a));  // a re-proposal's polka carries member 0's a vote
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().outcome, VoteOutcome::equivocation);
  EXPECT_TRUE(r.value().quorum_reached);
  EXPECT_EQ(r.value().block_id, a);
  EXPECT_EQ(tally.quorum_block(), a);
}

TEST_F(TallyTest, NonMemberIsRejectedAndChangesNothing) {
  ASSERT_TRUE(tally.add(vote(0, a)));
  const Snapshot before = snap();
  const Keypair outsider = test::keypair(1000);
  const Vote v = test::make_vote(outsider, chain, kHeight, kRound, VoteStep::prevote, a);
  auto r = tally.add(v);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), tally_errc::not_a_member);
  EXPECT_EQ(snap(), before);
}

TEST_F(TallyTest, WrongSlotIsRejectedAndChangesNothing) {
  ASSERT_TRUE(tally.add(vote(0, a)));
  const Snapshot before = snap();
  const Keypair& k = net.keys[1];
  const Vote wrong[] = {
      test::make_vote(k, test::chain(0x02), kHeight, kRound, VoteStep::prevote, a),
      test::make_vote(k, chain, kHeight + 1, kRound, VoteStep::prevote, a),
      test::make_vote(k, chain, kHeight - 1, kRound, VoteStep::prevote, a),
      test::make_vote(k, chain, kHeight, kRound + 1, VoteStep::prevote, a),
      test::make_vote(k, chain, kHeight, kRound, VoteStep::precommit, a),
  };
  for (const Vote& v : wrong) {
    auto r = tally.add(v);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), tally_errc::wrong_slot);
    EXPECT_EQ(snap(), before);
  }
  // The slot is checked before membership.
  const Vote both = test::make_vote(test::keypair(1000), chain, kHeight, kRound + 1, VoteStep::prevote, a);
  EXPECT_EQ(tally.add(both).error(), tally_errc::wrong_slot);
}

TEST_F(TallyTest, QuorumIsCrossedExactlyOnce) {
  EXPECT_FALSE(tally.quorum_block().has_value());
  int crossings = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    auto r = tally.add(vote(i, a));
    ASSERT_TRUE(r);
    EXPECT_EQ(r.value().outcome, VoteOutcome::counted);
    if (r.value().quorum_reached) {
      ++crossings;
      EXPECT_EQ(i, 2u);  // the third of four equal members
      EXPECT_EQ(r.value().block_id, a);
    }
    EXPECT_EQ(tally.quorum_block().has_value(), i >= 2);
  }
  EXPECT_EQ(crossings, 1);
  EXPECT_EQ(tally.quorum_block(), a);
  EXPECT_EQ(tally.approve_weight(a), 4u);
  // Re-sending every vote crosses nothing again.
  for (std::size_t i = 0; i < 4; ++i) EXPECT_FALSE(tally.add(vote(i, a)).value().quorum_reached);
}

TEST_F(TallyTest, DisapprovalCountsOnlyAsVoted) {
  auto r = tally.add(vote(0, a, false));  // against a
  ASSERT_TRUE(r);
  EXPECT_EQ(r.value().outcome, VoteOutcome::counted);
  ASSERT_TRUE(tally.add(vote(1, BlockId{}, false)));  // nil
  ASSERT_TRUE(tally.add(vote(2, a)));
  EXPECT_EQ(tally.approve_weight(a), 1u);
  EXPECT_EQ(tally.approvers(a), 1u << 2);
  EXPECT_EQ(tally.approve_weight(BlockId{}), 0u);
  EXPECT_EQ(tally.voted_weight(), 3u);
  EXPECT_EQ(tally.voters(), 0b0111u);
  r = tally.add(vote(3, a));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r.value().quorum_reached);  // 2 of 4 approve: no quorum although all voted
  EXPECT_FALSE(tally.quorum_block().has_value());
  // Changing one's mind from "against a" to "for a" is equivocation; the signed
  // approval counts toward a, once.
  r = tally.add(vote(0, a));
  EXPECT_EQ(r.value().outcome, VoteOutcome::equivocation);
  EXPECT_EQ(tally.approve_weight(a), 3u);
  EXPECT_EQ(tally.voted_weight(), 4u);
}

TEST_F(TallyTest, ResetForgetsEverything) {
  ASSERT_TRUE(tally.add(vote(0, a)));
  ASSERT_TRUE(tally.add(vote(0, b)));
  tally.reset(net.membership, chain, kHeight, kRound + 1, VoteStep::precommit);
  EXPECT_EQ(tally.voters(), 0u);
  EXPECT_EQ(tally.equivocators(), 0u);
  EXPECT_EQ(tally.approve_weight(a), 0u);
  EXPECT_EQ(tally.vote_of(0), nullptr);
  EXPECT_EQ(tally.evidence_of(0), nullptr);
  EXPECT_EQ(tally.round(), kRound + 1);
  EXPECT_EQ(tally.step(), VoteStep::precommit);
  EXPECT_EQ(tally.add(vote(0, a)).error(), tally_errc::wrong_slot);  // a prevote
}

TEST(TallyWeightedTest, HeavyMemberAloneReachesQuorum) {
  const auto net = test::make_members({1, 10, 100, 1000});
  const ChainId chain = test::chain();
  VoteTally t;
  t.reset(net.membership, chain, 1, 0, VoteStep::precommit);
  const BlockId a = test::block_id(1);
  for (std::size_t i = 0; i < 3; ++i) {
    auto r = t.add(test::make_vote(net.keys[i], chain, 1, 0, VoteStep::precommit, a));
    ASSERT_TRUE(r);
    EXPECT_FALSE(r.value().quorum_reached);
  }
  EXPECT_EQ(t.approve_weight(a), 111u);
  auto r = t.add(test::make_vote(net.keys[3], chain, 1, 0, VoteStep::precommit, a));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r.value().quorum_reached);
  EXPECT_EQ(t.approve_weight(a), 1111u);
  EXPECT_EQ(t.voted_weight(), 1111u);
}

TEST(TallyOrderTest, AllPermutationsGiveTheSameResult) {
  const auto net = test::make_members({1, 2, 3, 4, 5});  // total 15, quorum 11
  const ChainId chain = test::chain();
  const BlockId a = test::block_id(0x0A);
  const BlockId b = test::block_id(0x0B);
  auto v = [&](std::size_t m, const BlockId& id, bool approve = true) {
    return test::make_vote(net.keys[m], chain, 3, 0, VoteStep::precommit, id, approve);
  };
  // a: 2 + 4 + 5 = 11 (a quorum), b: 1, member 2 (weight 3) nil.
  std::vector<Vote> votes = {v(1, a), v(3, a), v(4, a), v(0, b), v(2, BlockId{}, false)};
  std::vector<std::size_t> order = {0, 1, 2, 3, 4};

  std::optional<Snapshot> reference;
  int permutations = 0;
  do {
    VoteTally t;
    t.reset(net.membership, chain, 3, 0, VoteStep::precommit);
    int crossings = 0;
    for (std::size_t k : order) {
      auto r = t.add(votes[k]);
      ASSERT_TRUE(r);
      ASSERT_EQ(r.value().outcome, VoteOutcome::counted);
      if (r.value().quorum_reached) {
        ++crossings;
        EXPECT_EQ(r.value().block_id, a);
      }
    }
    EXPECT_EQ(crossings, 1);
    const Snapshot s = snapshot(t, net.membership.size(), {a, b, BlockId{}});
    if (!reference) reference = s;
    EXPECT_EQ(s, *reference);
    ++permutations;
  } while (std::next_permutation(order.begin(), order.end()));
  EXPECT_EQ(permutations, 120);
  EXPECT_EQ(reference->weights, (std::vector<std::uint64_t>{11, 1, 0}));
  EXPECT_EQ(reference->voted_weight, 15u);
  EXPECT_EQ(reference->quorum_block, a);
}

TEST(TallyErrorsTest, Messages) {
  for (auto e : {tally_errc::not_a_member, tally_errc::wrong_slot}) {
    const std::error_code ec = e;
    EXPECT_STREQ(ec.category().name(), "midnight.tally");
    EXPECT_EQ(ec.message().find("unknown"), std::string::npos);
  }
}

}  // namespace
}  // namespace midnight
