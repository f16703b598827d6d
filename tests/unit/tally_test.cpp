// VoteTally: first vote counts, duplicates are idempotent, equivocation is evidence and
// never counted, errors change nothing, quorum is crossed exactly once, and the result
// does not depend on the order of different members' votes.
#include "midnight/consensus/tally.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

constexpr std::uint64_t kHeight = 9;
constexpr std::uint32_t kRound = 1;

// The members of a set, ascending.
std::vector<std::size_t> members_of(const MemberSet& set) {
  std::vector<std::size_t> out;
  set.for_each([&](std::size_t i) { out.push_back(i); });
  return out;
}

// The members whose signed vote (first or conflicting) approves `id`, ascending.
std::vector<std::size_t> approvers(const VoteTally& t, std::size_t members, const BlockId& id) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < members; ++i) {
    if (t.approving_vote(i, id) != nullptr) out.push_back(i);
  }
  return out;
}

using Members = std::vector<std::size_t>;

// Everything observable about a tally, for before/after comparisons.
struct Snapshot {
  std::vector<std::uint64_t> weights;
  std::vector<Members> approvers;
  std::uint64_t voted_weight;
  Members voters;
  Members equivocators;
  std::optional<BlockId> quorum_block;
  std::vector<std::optional<Vote>> votes;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot snapshot(const VoteTally& t, std::size_t members, std::initializer_list<BlockId> ids) {
  Snapshot s{{}, {}, t.voted_weight(), members_of(t.voters()), members_of(t.equivocators()), t.quorum_block(), {}};
  for (const BlockId& id : ids) {
    s.weights.push_back(t.approve_weight(id));
    s.approvers.push_back(approvers(t, members, id));
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
  EXPECT_EQ(approvers(tally, 4, a), Members{2});
  EXPECT_EQ(tally.approve_weight(b), 0u);
  EXPECT_EQ(approvers(tally, 4, b), Members{});
  EXPECT_EQ(tally.voters().size(), 4u) << "sized for the membership";
  EXPECT_TRUE(tally.voters().contains(2));
  EXPECT_FALSE(tally.voters().contains(1));
  EXPECT_EQ(tally.voters().count(), 1u);
  EXPECT_EQ(members_of(tally.voters()), Members{2});
  EXPECT_TRUE(tally.equivocators().empty());
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
  EXPECT_TRUE(tally.equivocators().empty());
  EXPECT_EQ(tally.equivocators().count(), 0u);
  EXPECT_EQ(members_of(tally.voters()), (Members{1, 3}));
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
  EXPECT_TRUE(tally.equivocators().contains(1));
  EXPECT_EQ(tally.equivocators().count(), 1u);
  EXPECT_EQ(members_of(tally.equivocators()), Members{1});
  const Evidence* ev = tally.evidence_of(1);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->first, first);
  EXPECT_EQ(ev->second, second);
  EXPECT_TRUE(verify_vote(ev->first));  // both signed: provable to anyone
  EXPECT_TRUE(verify_vote(ev->second));
  EXPECT_NE(ev->first.block_id, ev->second.block_id);

  // The member counts once as a voter and once toward each block it signed for.
  EXPECT_EQ(tally.voted_weight(), before.voted_weight);
  EXPECT_EQ(members_of(tally.voters()), before.voters);
  EXPECT_EQ(tally.voters().count(), 1u);
  EXPECT_EQ(tally.approve_weight(a), 1u);
  EXPECT_EQ(tally.approve_weight(b), 1u);
  EXPECT_EQ(approvers(tally, 4, a), Members{1});
  EXPECT_EQ(approvers(tally, 4, b), Members{1});
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
  EXPECT_EQ(approvers(tally, 4, a), Members{2});
  EXPECT_EQ(tally.approve_weight(BlockId{}), 0u);
  EXPECT_EQ(approvers(tally, 4, BlockId{}), Members{});
  EXPECT_EQ(tally.voted_weight(), 3u);
  EXPECT_EQ(tally.voters().count(), 3u);
  EXPECT_EQ(members_of(tally.voters()), (Members{0, 1, 2}));
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
  ASSERT_EQ(tally.voters().count(), 1u);
  ASSERT_EQ(tally.equivocators().count(), 1u);
  tally.reset(net.membership, chain, kHeight, kRound + 1, VoteStep::precommit);
  EXPECT_TRUE(tally.voters().empty());
  EXPECT_TRUE(tally.equivocators().empty());
  EXPECT_EQ(tally.voters().size(), 4u) << "still sized for the membership";
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

// 10,000 members in four weight tiers (1, 10, 100, 1000; 2,500 each, total 2,777,500):
// the quorum is more than two thirds of the weight, not of the members. Every light
// member and as many heavy ones as stay at or below two thirds of the weight make
// 9,074 voters (over 90% of the members) and no quorum; 1,852 heavy members (under a
// fifth) make one. Votes are unsigned: add() trusts its caller to have verified them.
TEST(TallyWeightedTest, QuorumIsByWeightNotByMemberCount) {
  constexpr std::size_t kMembers = 10'000;
  constexpr std::array<std::uint64_t, 4> kTiers{1, 10, 100, 1000};
  std::vector<std::uint64_t> weights(kMembers);
  for (std::size_t i = 0; i < kMembers; ++i) weights[i] = kTiers[i % kTiers.size()];
  const auto net = test::make_members(weights);  // keys from seeds 0 .. 9,999
  const Membership& m = net.membership;
  ASSERT_EQ(m.size(), kMembers);
  ASSERT_EQ(m.total_weight(), 2'777'500u);
  const std::uint64_t quorum = m.quorum();
  ASSERT_EQ(quorum, 1'851'667u);  // the least integer above 2/3 of 2,777,500
  ASSERT_FALSE(m.reaches_quorum(quorum - 1));
  ASSERT_TRUE(m.reaches_quorum(quorum));

  const ChainId chain = test::chain();
  const BlockId a = test::block_id(0xA1);
  const auto unsigned_vote = [&](std::size_t member, const BlockId& id) {
    Vote v;
    v.chain_id = chain;
    v.height = kHeight;
    v.round = kRound;
    v.step = VoteStep::precommit;
    v.block_id = id;
    v.approve = true;
    v.voter = net.key(member);
    return v;  // no signature
  };
  std::vector<std::size_t> light, heavy;
  for (std::size_t i = 0; i < kMembers; ++i) (m.member(i).weight == 1000 ? heavy : light).push_back(i);
  ASSERT_EQ(light.size(), 7'500u);
  ASSERT_EQ(heavy.size(), 2'500u);

  // Many members, too little weight: all 7,500 light ones (277,500) and 1,574 heavy ones.
  const std::size_t heavy_below = (2 * m.total_weight() / 3 - 277'500) / 1000;
  ASSERT_EQ(heavy_below, 1'574u);
  std::vector<std::size_t> many(light);
  many.insert(many.end(), heavy.begin(), heavy.begin() + std::ptrdiff_t(heavy_below));
  VoteTally t;
  t.reset(m, chain, kHeight, kRound, VoteStep::precommit);
  std::size_t crossings = 0;
  for (const std::size_t i : many) {
    const auto r = t.add(unsigned_vote(i, a));
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r.value().outcome, VoteOutcome::counted);
    crossings += r.value().quorum_reached;
  }
  EXPECT_EQ(t.voters().count(), 9'074u);
  EXPECT_GT(3 * t.voters().count(), 2 * kMembers) << "more than two thirds of the members voted";
  EXPECT_EQ(t.approve_weight(a), 1'851'500u);
  EXPECT_EQ(t.voted_weight(), 1'851'500u);
  EXPECT_LE(3 * t.approve_weight(a), 2 * m.total_weight()) << "but not more than two thirds of the weight";
  EXPECT_LT(t.approve_weight(a), quorum);
  EXPECT_EQ(crossings, 0u);
  EXPECT_FALSE(t.quorum_block().has_value());
  EXPECT_TRUE(t.voters().contains(light.front()) && t.voters().contains(light.back()));
  EXPECT_TRUE(t.voters().contains(heavy[heavy_below - 1]));
  EXPECT_FALSE(t.voters().contains(heavy[heavy_below]));

  // Fewer members, more weight: 1,852 heavy ones, under a fifth of the members.
  t.reset(m, chain, kHeight, kRound, VoteStep::precommit);
  EXPECT_TRUE(t.voters().empty());
  const std::size_t heavy_quorum = (quorum + 999) / 1000;
  ASSERT_EQ(heavy_quorum, 1'852u);
  std::optional<std::size_t> crossed_at;
  for (std::size_t k = 0; k < heavy_quorum; ++k) {
    const auto r = t.add(unsigned_vote(heavy[k], a));
    ASSERT_TRUE(r) << r.error().message();
    if (r.value().quorum_reached) {
      EXPECT_FALSE(crossed_at.has_value()) << "crossed once";
      crossed_at = k;
      EXPECT_EQ(r.value().block_id, a);
    }
  }
  EXPECT_EQ(crossed_at, heavy_quorum - 1) << "the 1,852nd heavy vote crosses, not one before";
  EXPECT_EQ(t.voters().count(), heavy_quorum);
  EXPECT_LT(t.voters().count(), many.size());
  EXPECT_LT(5 * t.voters().count(), kMembers);
  EXPECT_EQ(t.approve_weight(a), 1'852'000u);
  EXPECT_GT(3 * t.approve_weight(a), 2 * m.total_weight());
  EXPECT_EQ(t.quorum_block(), a);
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
