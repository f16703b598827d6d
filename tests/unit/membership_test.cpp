// Membership: canonical order, rejections, total weight, and the quorum rule
// (strictly more than two thirds of the weight, integer arithmetic only).
#include "midnight/block/membership.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hex_support.hpp"
#include "small_order_points.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

// ceil(2n/3): the "at least two thirds" rule some protocols use. Not ours.
std::uint64_t ceil_two_thirds(std::uint64_t n) { return (2 * n + 2) / 3; }

TEST(QuorumTest, EqualWeightsOneToTen) {
  const std::uint64_t expected[] = {1, 2, 3, 3, 4, 5, 5, 6, 7, 7};
  for (std::size_t n = 1; n <= 10; ++n) {
    const auto net = test::make_equal_members(n);
    const std::uint64_t q = expected[n - 1];
    SCOPED_TRACE(n);
    EXPECT_EQ(net.membership.total_weight(), n);
    EXPECT_EQ(net.membership.quorum(), q);
    EXPECT_EQ(quorum_threshold(n), q);
    EXPECT_TRUE(is_quorum(q, n));
    EXPECT_FALSE(is_quorum(q - 1, n));
  }
}

TEST(QuorumTest, DiffersFromCeilTwoThirdsExactlyAtMultiplesOfThree) {
  // n = 3: two of three is exactly 2/3, not more, so not a quorum.
  EXPECT_EQ(ceil_two_thirds(3), 2u);
  EXPECT_EQ(quorum_threshold(3), 3u);
  EXPECT_FALSE(is_quorum(2, 3));
  // n = 6: four of six is exactly 2/3.
  EXPECT_EQ(ceil_two_thirds(6), 4u);
  EXPECT_EQ(quorum_threshold(6), 5u);
  EXPECT_FALSE(is_quorum(4, 6));
  for (std::uint64_t n = 1; n <= 10; ++n) {
    EXPECT_EQ(quorum_threshold(n) != ceil_two_thirds(n), n % 3 == 0) << n;
  }
}

TEST(QuorumTest, ThresholdIsTheSmallestQuorumForEveryTotal) {
  for (std::uint64_t total = 1; total <= 3000; ++total) {
    const std::uint64_t q = quorum_threshold(total);
    ASSERT_TRUE(is_quorum(q, total)) << total;
    ASSERT_FALSE(is_quorum(q - 1, total)) << total;
  }
  EXPECT_TRUE(is_quorum(kMaxTotalWeight, kMaxTotalWeight));  // no overflow at the maximum
  EXPECT_FALSE(is_quorum(kMaxTotalWeight / 3 * 2, kMaxTotalWeight));
}

TEST(QuorumTest, Weighted) {
  const auto net = test::make_members({1, 10, 100, 1000});
  const Membership& m = net.membership;
  EXPECT_EQ(m.total_weight(), 1111u);
  EXPECT_EQ(m.quorum(), 741u);  // floor(2222 / 3) + 1
  EXPECT_TRUE(is_quorum(741, 1111));
  EXPECT_FALSE(is_quorum(740, 1111));
  // The heavy member alone holds 90%: a quorum by itself; everyone else together is not.
  EXPECT_TRUE(is_quorum(1000, 1111));
  EXPECT_FALSE(is_quorum(1 + 10 + 100, 1111));

  const auto two = test::make_members({11, 100, 1000, 1000});
  EXPECT_EQ(two.membership.total_weight(), 2111u);
  EXPECT_EQ(two.membership.quorum(), 1408u);
  EXPECT_FALSE(is_quorum(1000, 2111));             // one heavy member
  EXPECT_FALSE(is_quorum(1000 + 100, 2111));       // one heavy plus the middle
  EXPECT_FALSE(is_quorum(1000 + 100 + 11, 2111));  // everyone but one heavy
  EXPECT_TRUE(is_quorum(1000 + 1000, 2111));       // both heavy

  // Exactly two thirds is never enough: {1, 2, 3}, 1 + 3 = 4 = 2/3 of 6.
  EXPECT_FALSE(is_quorum(1 + 3, 6));
  EXPECT_TRUE(is_quorum(2 + 3, 6));
}

TEST(MembershipTest, SortsByKeyAndFindsEveryMember) {
  std::vector<Masternode> nodes;
  for (std::uint64_t i = 0; i < 12; ++i) nodes.push_back(test::member_of(test::keypair(i), test::destination(i), i + 1));
  auto m = Membership::make(nodes);
  ASSERT_TRUE(m) << m.error().message();
  ASSERT_EQ(m.value().size(), 12u);
  EXPECT_EQ(m.value().total_weight(), 78u);
  for (std::size_t i = 1; i < m.value().size(); ++i) EXPECT_LT(m.value().member(i - 1).key, m.value().member(i).key);
  for (const Masternode& n : nodes) {
    auto idx = m.value().index_of(n.key);
    ASSERT_TRUE(idx.has_value());
    EXPECT_EQ(m.value().member(*idx), n);  // weight and destination travel with the key
  }
  EXPECT_FALSE(m.value().index_of(test::keypair(99).public_key).has_value());
  EXPECT_FALSE(m.value().index_of(PublicKey{}).has_value());
  PublicKey max_key;
  max_key.v.fill(0xFF);
  EXPECT_FALSE(m.value().index_of(max_key).has_value());
  EXPECT_EQ(m.value().members().size(), 12u);

  // Input order does not matter.
  std::vector<Masternode> reversed(nodes.rbegin(), nodes.rend());
  auto r = Membership::make(reversed);
  ASSERT_TRUE(r);
  for (std::size_t i = 0; i < r.value().size(); ++i) EXPECT_EQ(r.value().member(i), m.value().member(i));
}

TEST(MembershipTest, Rejections) {
  EXPECT_EQ(Membership::make({}).error(), membership_errc::empty);

  std::vector<Masternode> too_many;
  for (std::uint64_t i = 0; i <= kMaxMembers; ++i) too_many.push_back(test::member_of(test::keypair(i), {}, 1));
  EXPECT_EQ(Membership::make(too_many).error(), membership_errc::too_many_members);
  too_many.pop_back();
  auto full = Membership::make(too_many);
  ASSERT_TRUE(full);
  EXPECT_EQ(full.value().size(), kMaxMembers);

  const Keypair a = test::keypair(1);
  const Keypair b = test::keypair(2);
  Masternode a_again = test::member_of(a, test::destination(7), 2);
  a_again.vrf_key = test::vrf_keypair_of(test::keypair(3)).public_key;  // only the signing key repeats
  const Masternode dup[] = {test::member_of(a, {}, 1), test::member_of(b, {}, 1), a_again};
  EXPECT_EQ(Membership::make(dup).error(), membership_errc::duplicate_member);

  const Masternode zero[] = {test::member_of(a, {}, 1), test::member_of(b, {}, 0)};
  EXPECT_EQ(Membership::make(zero).error(), membership_errc::weight_out_of_range);
  const Masternode heavy[] = {test::member_of(a, {}, kMaxMemberWeight + 1)};
  EXPECT_EQ(Membership::make(heavy).error(), membership_errc::weight_out_of_range);
  const Masternode max_weight[] = {test::member_of(a, {}, kMaxMemberWeight), test::member_of(b, {}, 1)};
  ASSERT_TRUE(Membership::make(max_weight));
  EXPECT_EQ(Membership::make(max_weight).value().total_weight(), kMaxMemberWeight + 1);
}

TEST(MembershipTest, ErrorMessages) {
  for (auto e : {membership_errc::empty, membership_errc::too_many_members, membership_errc::duplicate_member,
                 membership_errc::weight_out_of_range}) {
    const std::error_code ec = e;
    EXPECT_STREQ(ec.category().name(), "midnight.membership");
    EXPECT_FALSE(ec.message().empty());
    EXPECT_EQ(ec.message().find("unknown"), std::string::npos);
  }
}

TEST(MembershipTest, TestSupportGivesWeightsInCanonicalOrder) {
  const auto net = test::make_members({5, 1, 3});
  ASSERT_EQ(net.keys.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(net.membership.member(i).key, net.key(i));
  EXPECT_EQ(net.membership.member(0).weight, 5u);
  EXPECT_EQ(net.membership.member(1).weight, 1u);
  EXPECT_EQ(net.membership.member(2).weight, 3u);
  EXPECT_EQ(test::keypair(4).public_key, test::keypair(4).public_key);
  EXPECT_EQ(test::keypair(4).secret_key, test::keypair(4).secret_key);
  EXPECT_NE(test::keypair(4).public_key, test::keypair(5).public_key);
}

// spec/protocol.md §1.1: every VRF key is a valid ECVRF key, and no key of a membership
// has two roles: a VRF key is never a signing key (its own member's or another's) nor
// another member's VRF key. The checks come after the signing-key checks, in that order.
TEST(MembershipTest, VrfKeysAreValidAndNeverShared) {
  const Keypair a = test::keypair(1);
  const Keypair b = test::keypair(2);
  const auto with_vrf_key = [](Masternode m, const PublicKey& vrf_key) {
    m.vrf_key = vrf_key;
    return m;
  };
  const Masternode ma = test::member_of(a, {}, 1);
  const Masternode mb = test::member_of(b, {}, 1);
  const Masternode fine[] = {ma, mb};
  ASSERT_TRUE(Membership::make(fine));
  EXPECT_EQ(Membership::make(fine).value().member(0).vrf_key,
            (ma.key < mb.key ? ma : mb).vrf_key);  // the VRF key travels with its member

  for (const std::string_view hex : testkit::kSmallOrderPointsHex) {
    const Masternode small[] = {ma, with_vrf_key(mb, test::hex_bytes<32>(hex))};
    EXPECT_EQ(Membership::make(small).error(), membership_errc::vrf_key_invalid) << hex;
  }
  PublicKey y_is_p;  // y = p = 2^255 - 19: not canonical
  y_is_p.v.fill(0xff);
  y_is_p.v[0] = 0xed;
  y_is_p.v[31] = 0x7f;
  const Masternode not_canonical[] = {ma, with_vrf_key(mb, y_is_p)};
  EXPECT_EQ(Membership::make(not_canonical).error(), membership_errc::vrf_key_invalid);

  const Masternode own_signing_key[] = {ma, with_vrf_key(mb, b.public_key)};
  EXPECT_EQ(Membership::make(own_signing_key).error(), membership_errc::vrf_key_reused);
  const Masternode others_signing_key[] = {ma, with_vrf_key(mb, a.public_key)};
  EXPECT_EQ(Membership::make(others_signing_key).error(), membership_errc::vrf_key_reused);
  const Masternode shared_vrf_key[] = {ma, with_vrf_key(mb, ma.vrf_key)};
  EXPECT_EQ(Membership::make(shared_vrf_key).error(), membership_errc::vrf_key_reused);
  // The signing-key rules come first: a duplicate member is named as such.
  const Masternode both[] = {ma, with_vrf_key(ma, a.public_key)};
  EXPECT_EQ(Membership::make(both).error(), membership_errc::duplicate_member);
  // Every rejection has a message a person can read.
  EXPECT_NE(make_error_code(membership_errc::vrf_key_reused).message().find("VRF key"), std::string::npos);
}

}  // namespace
}  // namespace midnight
