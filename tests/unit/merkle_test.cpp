// RFC 6962 Merkle tree hash: the certificate-transparency reference vectors, the
// leaf/node domain separation, and no odd-leaf duplication.
#include "midnight/crypto/merkle.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight {
namespace {

using Leaf = std::vector<std::uint8_t>;
using LeafView = std::span<const std::uint8_t>;

// The eight test leaves of RFC 6962 implementations (certificate-transparency
// merkle_tree_test) and the roots of their first 1..8 leaves.
constexpr std::array<std::string_view, 8> kLeavesHex{
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
constexpr std::array<std::string_view, 8> kRootsHex{
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

class MerkleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto_init());
    for (std::string_view hex : kLeavesHex) {
      Leaf leaf(hex.size() / 2);
      ASSERT_TRUE(from_hex(hex, leaf));
      leaves_.push_back(leaf);
    }
    for (const Leaf& l : leaves_) views_.emplace_back(l.data(), l.size());
  }
  std::vector<Leaf> leaves_;
  std::vector<LeafView> views_;
};


// The definition written out with allocation, as an independent check.
Hash32 naive_root(std::vector<Hash32> level_hashes) {
  if (level_hashes.empty()) return sha256({});
  if (level_hashes.size() == 1) return level_hashes[0];
  std::size_t k = 1;
  while (k * 2 < level_hashes.size()) k *= 2;
  const std::vector<Hash32> left(level_hashes.begin(), level_hashes.begin() + std::ptrdiff_t(k));
  const std::vector<Hash32> right(level_hashes.begin() + std::ptrdiff_t(k), level_hashes.end());
  return merkle_node_hash(naive_root(left), naive_root(right));
}

TEST_F(MerkleTest, EmptyTreeIsSha256OfNothing) {
  EXPECT_EQ(to_hex(merkle_root({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_F(MerkleTest, Rfc6962ReferenceRoots) {
  for (std::size_t n = 1; n <= 8; ++n) {
    EXPECT_EQ(to_hex(merkle_root(std::span<const LeafView>(views_.data(), n))), kRootsHex[n - 1]) << n << " leaves";
  }
}

TEST_F(MerkleTest, LeafAndNodeHashDefinitions) {
  // Leaf: SHA-256(0x00 || data); node: SHA-256(0x01 || left || right).
  const Leaf data{0x20, 0x21};
  const std::uint8_t leaf_prefix = 0x00, node_prefix = 0x01;
  EXPECT_EQ(merkle_leaf_hash(data), sha256(test::concat({LeafView(&leaf_prefix, 1), data})));
  EXPECT_EQ(to_hex(merkle_leaf_hash({})), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");

  const Hash32 l = merkle_leaf_hash(views_[0]), r = merkle_leaf_hash(views_[1]);
  EXPECT_EQ(merkle_node_hash(l, r), sha256(test::concat({LeafView(&node_prefix, 1), l.span(), r.span()})));
  EXPECT_NE(merkle_node_hash(l, r), merkle_node_hash(r, l));
}

TEST_F(MerkleTest, OneLeafRootIsItsLeafHash) {
  for (const LeafView& v : views_) EXPECT_EQ(merkle_root(std::span<const LeafView>(&v, 1)), merkle_leaf_hash(v));
}

TEST_F(MerkleTest, OddLeafIsNotDuplicated) {
  // Bitcoin-style trees pad an odd level by repeating the last hash, so [a, b, c] and
  // [a, b, c, c] share a root (CVE-2012-2459). RFC 6962 does not.
  for (std::size_t n : {3, 5, 7}) {
    std::vector<LeafView> odd(views_.begin(), views_.begin() + std::ptrdiff_t(n));
    std::vector<LeafView> padded = odd;
    padded.push_back(odd.back());
    EXPECT_NE(merkle_root(odd), merkle_root(padded)) << n;
  }
  // Three leaves: MTH = node(node(l0, l1), leaf(l2)), never node(.., node(l2, l2)).
  const Hash32 h0 = merkle_leaf_hash(views_[0]), h1 = merkle_leaf_hash(views_[1]), h2 = merkle_leaf_hash(views_[2]);
  const std::span<const LeafView> three(views_.data(), 3);
  EXPECT_EQ(merkle_root(three), merkle_node_hash(merkle_node_hash(h0, h1), h2));
  EXPECT_NE(merkle_root(three), merkle_node_hash(merkle_node_hash(h0, h1), merkle_node_hash(h2, h2)));
}

TEST_F(MerkleTest, LeafCannotPoseAsInnerNode) {
  // A leaf whose bytes are the concatenation of two child hashes hashes differently from
  // the node over those children (0x00 vs 0x01 prefix): no second preimage by level shift.
  const Hash32 l = merkle_leaf_hash(views_[2]), r = merkle_leaf_hash(views_[3]);
  const Leaf fake = test::concat({l.span(), r.span()});
  const LeafView fake_view(fake);
  EXPECT_NE(merkle_root(std::span<const LeafView>(&fake_view, 1)), merkle_node_hash(l, r));
}

TEST_F(MerkleTest, MatchesNaiveDefinitionUpTo70Leaves) {
  std::vector<Leaf> leaves;
  for (std::size_t i = 0; i < 70; ++i) leaves.push_back(Leaf(i % 5, std::uint8_t(i)));
  std::vector<LeafView> views;
  for (const Leaf& l : leaves) views.emplace_back(l);
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    std::vector<Hash32> hashes;
    for (std::size_t i = 0; i < n; ++i) hashes.push_back(merkle_leaf_hash(views[i]));
    EXPECT_EQ(merkle_root(std::span<const LeafView>(views.data(), n)), naive_root(hashes)) << n;
  }
}

TEST_F(MerkleTest, OrderMatters) {
  std::vector<LeafView> swapped(views_.begin(), views_.end());
  std::swap(swapped[3], swapped[4]);
  EXPECT_NE(merkle_root(views_), merkle_root(swapped));
}

}  // namespace
}  // namespace midnight
