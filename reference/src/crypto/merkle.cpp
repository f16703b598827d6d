// RFC 6962 section 2.1 Merkle tree hash.
#include "midnight/crypto/merkle.hpp"

#include "midnight/crypto/hash.hpp"

namespace midnight {

namespace {

constexpr std::uint8_t kLeafPrefix = 0x00;
constexpr std::uint8_t kNodePrefix = 0x01;

// MTH(D[n]) for n >= 1. Depth of recursion is ceil(log2(n)) + 1; nothing is allocated.
Hash32 subtree_root(std::span<const std::span<const std::uint8_t>> leaves) {
  if (leaves.size() == 1) return merkle_leaf_hash(leaves[0]);
  // k = the largest power of two smaller than n (n >= 2, so k >= 1).
  std::size_t k = 1;
  while (k * 2 < leaves.size()) k *= 2;
  return merkle_node_hash(subtree_root(leaves.first(k)), subtree_root(leaves.subspan(k)));
}

}  // namespace

Hash32 merkle_leaf_hash(std::span<const std::uint8_t> leaf) {
  const std::uint8_t prefix = kLeafPrefix;
  return Sha256().update(std::span<const std::uint8_t>(&prefix, 1)).update(leaf).finish();
}

Hash32 merkle_node_hash(const Hash32& left, const Hash32& right) {
  const std::uint8_t prefix = kNodePrefix;
  return Sha256().update(std::span<const std::uint8_t>(&prefix, 1)).update(left.span()).update(right.span()).finish();
}

Hash32 merkle_root(std::span<const std::span<const std::uint8_t>> leaves) {
  if (leaves.empty()) return sha256({});  // MTH({}) = SHA-256 of the empty string
  return subtree_root(leaves);
}

}  // namespace midnight
