// MemberSet (a member-indexed bit set sized from the membership, in 64-bit words) and
// BlockIdIndex (block id -> small position, open addressing sized at set-up): the two
// containers that replaced the single 64-bit voter word and the scans over kMaxMembers.
#include "midnight/core/member_set.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "midnight/core/block_id_index.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/crypto/hash.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

std::vector<std::size_t> members_of(const MemberSet& s) {
  std::vector<std::size_t> out;
  s.for_each([&](std::size_t i) { out.push_back(i); });
  return out;
}

TEST(MemberSet, StartsEmptyAtItsSize) {
  const MemberSet none;
  EXPECT_EQ(none.size(), 0u);
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.count(), 0u);

  const MemberSet s(10'000);
  EXPECT_EQ(s.size(), 10'000u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.count(), 0u);
  for (const std::size_t i : {std::size_t{0}, std::size_t{63}, std::size_t{64}, std::size_t{9'999}}) {
    EXPECT_FALSE(s.contains(i)) << i;
  }
  EXPECT_TRUE(members_of(s).empty());
}

// Members on both sides of a word boundary (63 | 64) and in the last, partial word
// (10,000 = 156 words and 16 bits).
TEST(MemberSet, InsertContainsCountAndOrderAcrossWords) {
  MemberSet s(10'000);
  EXPECT_TRUE(s.insert(9'999));
  EXPECT_TRUE(s.insert(64));
  EXPECT_TRUE(s.insert(0));
  EXPECT_TRUE(s.insert(63));
  EXPECT_FALSE(s.insert(64)) << "already present";
  EXPECT_FALSE(s.insert(9'999));
  EXPECT_FALSE(s.empty());
  EXPECT_EQ(s.count(), 4u);
  for (const std::size_t i : {std::size_t{0}, std::size_t{63}, std::size_t{64}, std::size_t{9'999}}) {
    EXPECT_TRUE(s.contains(i)) << i;
  }
  for (const std::size_t i : {std::size_t{1}, std::size_t{62}, std::size_t{65}, std::size_t{127}, std::size_t{128},
                              std::size_t{9'998}}) {
    EXPECT_FALSE(s.contains(i)) << i;
  }
  // Ascending, whatever the insertion order.
  EXPECT_EQ(members_of(s), (std::vector<std::size_t>{0, 63, 64, 9'999}));
}

TEST(MemberSet, EveryMemberOfAFullSet) {
  constexpr std::size_t kN = 130;  // two full words and two bits
  MemberSet s(kN);
  for (std::size_t i = kN; i-- > 0;) EXPECT_TRUE(s.insert(i));
  EXPECT_EQ(s.count(), kN);
  const auto all = members_of(s);
  ASSERT_EQ(all.size(), kN);
  for (std::size_t i = 0; i < kN; ++i) EXPECT_EQ(all[i], i);
}

TEST(MemberSet, TheLargestMembership) {
  MemberSet s(kMaxMembers);
  EXPECT_TRUE(s.insert(kMaxMembers - 1));
  EXPECT_TRUE(s.insert(0));
  EXPECT_EQ(s.count(), 2u);
  EXPECT_EQ(members_of(s), (std::vector<std::size_t>{0, kMaxMembers - 1}));
  EXPECT_GE(s.memory_bytes(), (kMaxMembers + 63) / 64 * sizeof(std::uint64_t));
}

TEST(MemberSet, ClearEqualityAndResize) {
  MemberSet a(200);
  MemberSet b(200);
  EXPECT_TRUE(a == b);
  a.insert(100);
  EXPECT_FALSE(a == b);
  b.insert(100);
  EXPECT_TRUE(a == b);
  a.insert(199);
  EXPECT_FALSE(a == b);

  a.clear();
  EXPECT_TRUE(a.empty());
  EXPECT_EQ(a.count(), 0u);
  EXPECT_EQ(a.size(), 200u) << "clear keeps the size";
  EXPECT_FALSE(a.contains(100));
  EXPECT_FALSE(a == b);
  b.clear();
  EXPECT_TRUE(a == b);

  // Equal members, different sizes: different sets.
  MemberSet c(300);
  EXPECT_FALSE(a == c);

  // resize empties and re-sizes.
  c.insert(299);
  c.resize(64);
  EXPECT_EQ(c.size(), 64u);
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(c.insert(63));
  EXPECT_EQ(members_of(c), std::vector<std::size_t>{63});
}

// ---- BlockIdIndex ---------------------------------------------------------------------

BlockId id_of(std::uint32_t n) {
  std::uint8_t bytes[4];
  store_u32(bytes, n);
  return sha256(std::span<const std::uint8_t>(bytes, 4));
}

TEST(BlockIdIndex, EmptyAndUnreservedFindsNothing) {
  const BlockIdIndex none;
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.capacity(), 0u);
  EXPECT_FALSE(none.find(id_of(1)).has_value());

  BlockIdIndex full;  // reserved for nothing: every insert is refused
  full.reserve(0);
  EXPECT_FALSE(full.insert(id_of(1), 0));
  EXPECT_FALSE(full.find(id_of(1)).has_value());
}

TEST(BlockIdIndex, InsertFindClearAndRefuseWhenFull) {
  constexpr std::size_t kEntries = 100;
  BlockIdIndex index;
  index.reserve(kEntries);
  EXPECT_EQ(index.capacity(), kEntries);
  EXPECT_EQ(index.size(), 0u);
  for (std::uint32_t i = 0; i < kEntries; ++i) {
    ASSERT_TRUE(index.insert(id_of(i), i * 3)) << i;
    EXPECT_EQ(index.size(), i + 1u);
  }
  for (std::uint32_t i = 0; i < kEntries; ++i) EXPECT_EQ(index.find(id_of(i)), std::optional<std::uint32_t>(i * 3));
  EXPECT_FALSE(index.find(id_of(kEntries)).has_value());
  EXPECT_FALSE(index.find(BlockId{}).has_value());

  // Full: one more id is refused and changes nothing.
  const BlockIdIndex before = index;
  EXPECT_FALSE(index.insert(id_of(kEntries), 7));
  EXPECT_EQ(index.size(), kEntries);
  EXPECT_FALSE(index.find(id_of(kEntries)).has_value());
  EXPECT_TRUE(index == before);

  // clear() forgets every id and gives the room back.
  index.clear();
  EXPECT_EQ(index.size(), 0u);
  EXPECT_EQ(index.capacity(), kEntries);
  for (std::uint32_t i = 0; i < kEntries; ++i) EXPECT_FALSE(index.find(id_of(i)).has_value()) << i;
  BlockIdIndex fresh;
  fresh.reserve(kEntries);
  EXPECT_TRUE(index == fresh) << "cleared equals freshly reserved";
  EXPECT_TRUE(index.insert(id_of(kEntries), 7));
  EXPECT_EQ(index.find(id_of(kEntries)), std::optional<std::uint32_t>(7));
}

// Ids that share their first eight bytes (the home slot's hash) all land on one probe
// chain: every one is still found, and absent ids with that prefix are not.
TEST(BlockIdIndex, CollidingPrefixesAreAllFound) {
  constexpr std::uint32_t kEntries = 16;
  BlockIdIndex index;
  index.reserve(kEntries);
  const auto colliding = [](std::uint32_t n) {
    BlockId id;
    id.v.fill(0x5A);
    store_u32(id.v.data() + 28, n);  // differs only after the bytes that pick the slot
    return id;
  };
  for (std::uint32_t i = 0; i < kEntries; ++i) ASSERT_TRUE(index.insert(colliding(i), i));
  for (std::uint32_t i = 0; i < kEntries; ++i) EXPECT_EQ(index.find(colliding(i)), std::optional<std::uint32_t>(i));
  EXPECT_FALSE(index.find(colliding(kEntries)).has_value());
  EXPECT_FALSE(index.insert(colliding(kEntries), 0));
}

}  // namespace
}  // namespace midnight
