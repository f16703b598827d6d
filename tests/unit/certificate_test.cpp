// Commit certificates: built from a precommit tally in canonical order, verified with
// every rejection reason.
#include "midnight/consensus/certificate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

constexpr std::uint64_t kHeight = 12;
constexpr std::uint32_t kRound = 2;

class CertificateTest : public ::testing::Test {
 protected:
  void SetUp() override { tally.reset(net.membership, chain, kHeight, kRound, VoteStep::precommit); }

  Vote precommit(std::size_t member, const BlockId& id, bool approve = true) const {
    return test::make_vote(net.keys[member], chain, kHeight, kRound, VoteStep::precommit, id, approve);
  }
  // A certificate for `a` signed by `members` (added in the given order).
  Certificate certify(std::initializer_list<std::size_t> members) {
    for (std::size_t m : members) EXPECT_TRUE(tally.add(precommit(m, a)));
    Certificate c;
    build_certificate(tally, net.membership, a, c);
    return c;
  }

  test::TestMembers net = test::make_members({1, 1, 1, 1, 2});  // total 6, quorum 5
  ChainId chain = test::chain();
  BlockId a = test::block_id(0xA1);
  BlockId b = test::block_id(0xB2);
  VoteTally tally;
};

TEST_F(CertificateTest, BuildThenVerify) {
  const Certificate c = certify({4, 2, 0, 3});  // weight 2 + 1 + 1 + 1 = 5
  EXPECT_EQ(c.chain_id, chain);
  EXPECT_EQ(c.height, kHeight);
  EXPECT_EQ(c.round, kRound);
  EXPECT_EQ(c.block_id, a);
  ASSERT_EQ(c.count(), 4u);
  // Canonical member order, whatever the arrival order.
  const std::size_t expected[] = {0, 2, 3, 4};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(c.signatures[i].voter, net.key(expected[i]));
    EXPECT_EQ(c.vote(i), precommit(expected[i], a));
  }
  auto w = verify_certificate(c, net.membership, chain);
  ASSERT_TRUE(w) << w.error().message();
  EXPECT_EQ(w.value(), 5u);
}

TEST_F(CertificateTest, OnlyApprovingPrecommitsForTheBlockAreIncluded) {
  ASSERT_TRUE(tally.add(precommit(1, b)));  // another block
  const Certificate c = certify({0, 2, 3, 4});
  ASSERT_EQ(c.count(), 4u);
  for (const auto& s : c.used()) EXPECT_NE(s.voter, net.key(1));

  // Votes against the block and nil votes are not approvals either.
  const auto seven = test::make_equal_members(7);  // quorum 5
  VoteTally t;
  t.reset(seven.membership, chain, kHeight, kRound, VoteStep::precommit);
  auto v = [&](std::size_t m, const BlockId& id, bool approve) {
    return test::make_vote(seven.keys[m], chain, kHeight, kRound, VoteStep::precommit, id, approve);
  };
  ASSERT_TRUE(t.add(v(0, a, false)));
  ASSERT_TRUE(t.add(v(3, BlockId{}, false)));
  for (std::size_t m : {1, 2, 4, 5, 6}) ASSERT_TRUE(t.add(v(m, a, true)));
  Certificate seven_cert;
  build_certificate(t, seven.membership, a, seven_cert);
  ASSERT_EQ(seven_cert.count(), 5u);
  const std::size_t expected[] = {1, 2, 4, 5, 6};
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(seven_cert.signatures[i].voter, seven.key(expected[i]));
  EXPECT_EQ(verify_certificate(seven_cert, seven.membership, chain).value(), 5u);
}

TEST_F(CertificateTest, EquivocatorsApprovingVoteIsIncludedOnce) {
  const Vote for_b = precommit(1, b);
  const Vote for_a = precommit(1, a);
  ASSERT_TRUE(tally.add(for_b));
  EXPECT_EQ(tally.add(for_a).value().outcome, VoteOutcome::equivocation);
  const Certificate c = certify({0, 2, 3, 4});
  ASSERT_EQ(c.count(), 5u);  // member 1 signed a precommit for a: it is in, once
  std::size_t ones = 0;
  for (const auto& s : c.used()) {
    if (s.voter != net.key(1)) continue;
    ++ones;
    EXPECT_EQ(s.signature, for_a.signature);
  }
  EXPECT_EQ(ones, 1u);
  EXPECT_TRUE(verify_certificate(c, net.membership, chain));
}

TEST_F(CertificateTest, RejectsTamperedSignature) {
  Certificate c = certify({0, 1, 2, 3, 4});
  c.signatures[2].signature.v[10] ^= 0x01;
  EXPECT_EQ(verify_certificate(c, net.membership, chain).error(), certificate_errc::bad_signature);

  // A valid signature, but over another vote (another block): also bad.
  c = certify({});
  c.signatures[1].signature = precommit(1, b).signature;
  EXPECT_EQ(verify_certificate(c, net.membership, chain).error(), certificate_errc::bad_signature);

  // Any field the votes signed, changed: the signatures no longer match.
  for (int field = 0; field < 3; ++field) {
    Certificate t = certify({});
    if (field == 0) t.height += 1;
    if (field == 1) t.round += 1;
    if (field == 2) t.block_id = b;
    EXPECT_EQ(verify_certificate(t, net.membership, chain).error(), certificate_errc::bad_signature) << field;
  }
}

TEST_F(CertificateTest, RejectsBelowQuorum) {
  Certificate c = certify({0, 1, 2, 3, 4});
  EXPECT_EQ(verify_certificate(c, net.membership, chain).value(), 6u);
  c.signatures.resize(4);  // drops member 4 (weight 2): 4 of 6 is exactly 2/3
  EXPECT_EQ(verify_certificate(c, net.membership, chain).error(), certificate_errc::below_quorum);
  c.signatures.clear();
  EXPECT_EQ(verify_certificate(c, net.membership, chain).error(), certificate_errc::below_quorum);
}

TEST_F(CertificateTest, RejectsDuplicateOrMisorderedSigners) {
  const Certificate good = certify({0, 1, 2, 3, 4});
  Certificate dup = good;
  dup.signatures[3] = dup.signatures[2];
  EXPECT_EQ(verify_certificate(dup, net.membership, chain).error(), certificate_errc::not_canonical);

  // Signers 0, 1, 4, 4: the distinct members hold 4 of 6 (no quorum); counting member 4
  // (weight 2) twice would make it 6.
  Certificate twice = good;
  twice.signatures.resize(4);
  twice.signatures[2] = good.signatures[4];
  twice.signatures[3] = good.signatures[4];
  EXPECT_EQ(verify_certificate(twice, net.membership, chain).error(), certificate_errc::not_canonical);

  Certificate swapped = good;
  std::swap(swapped.signatures[0], swapped.signatures[1]);
  EXPECT_EQ(verify_certificate(swapped, net.membership, chain).error(), certificate_errc::not_canonical);

  // More entries than the membership has members: some signer repeats.
  Certificate oversized = good;
  oversized.signatures.push_back(good.signatures[4]);
  ASSERT_EQ(oversized.count(), net.membership.size() + 1);
  EXPECT_EQ(verify_certificate(oversized, net.membership, chain).error(), certificate_errc::not_canonical);
  oversized.signatures.resize(kMaxMembers + 1, good.signatures[4]);
  EXPECT_EQ(verify_certificate(oversized, net.membership, chain).error(), certificate_errc::not_canonical);
}

TEST_F(CertificateTest, RejectsNonMemberSigner) {
  Certificate c = certify({0, 1, 2, 3, 4});
  // Replace member 1 by an outsider who signs the same precommit; keep ascending order.
  const Keypair outsider = test::keypair(777);
  const Vote v = test::make_vote(outsider, chain, kHeight, kRound, VoteStep::precommit, a);
  c.signatures[1] = CertificateSignature{outsider.public_key, v.signature};
  std::sort(c.signatures.begin(), c.signatures.end(),
            [](const CertificateSignature& x, const CertificateSignature& y) { return x.voter < y.voter; });
  EXPECT_EQ(verify_certificate(c, net.membership, chain).error(), certificate_errc::not_a_member);
}

TEST_F(CertificateTest, RejectsWrongChain) {
  const Certificate c = certify({0, 1, 2, 3, 4});
  EXPECT_EQ(verify_certificate(c, net.membership, test::chain(0x77)).error(), certificate_errc::wrong_chain);
  // The same signers on another chain's tally do not verify against ours either.
  Certificate moved = c;
  moved.chain_id = test::chain(0x77);
  EXPECT_EQ(verify_certificate(moved, net.membership, test::chain(0x77)).error(), certificate_errc::bad_signature);
}

TEST_F(CertificateTest, RejectsNilBlock) {
  Certificate c = certify({0, 1, 2, 3, 4});
  c.block_id = BlockId{};
  EXPECT_EQ(verify_certificate(c, net.membership, chain).error(), certificate_errc::nil_block);
}

TEST_F(CertificateTest, VerifiesAgainstTheGivenMembership) {
  const Certificate c = certify({0, 1, 2, 3, 4});
  // Another membership with the same keys but heavier outsiders: below its quorum.
  std::vector<Masternode> nodes(net.membership.members().begin(), net.membership.members().end());
  nodes.push_back(test::member_of(test::keypair(500), {}, 100));
  const auto bigger = Membership::make(nodes);
  ASSERT_TRUE(bigger);
  EXPECT_EQ(verify_certificate(c, bigger.value(), chain).error(), certificate_errc::below_quorum);
}

TEST(CertificateErrorsTest, Messages) {
  for (auto e : {certificate_errc::wrong_chain, certificate_errc::not_a_member, certificate_errc::bad_signature,
                 certificate_errc::not_canonical, certificate_errc::below_quorum, certificate_errc::nil_block}) {
    const std::error_code ec = e;
    EXPECT_STREQ(ec.category().name(), "midnight.certificate");
    EXPECT_EQ(ec.message().find("unknown"), std::string::npos);
  }
}

#ifndef NDEBUG
TEST_F(CertificateTest, BuildBelowQuorumIsAnAssertionFailureDeathTest) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ASSERT_TRUE(tally.add(precommit(0, a)));
  Certificate c;
  EXPECT_DEATH(build_certificate(tally, net.membership, a, c), "quorum");
}
#endif

}  // namespace
}  // namespace midnight
