// Merkle tree hash exactly as RFC 6962 section 2.1: SHA-256, leaf = H(0x00 || d),
// node = H(0x01 || left || right), split at the largest power of two below n,
// an odd leaf is never duplicated (no CVE-2012-2459 malleability). MTH({}) = SHA-256("").
#pragma once
#include <cstdint>
#include <span>

#include "midnight/core/bytes.hpp"

namespace midnight {

Hash32 merkle_leaf_hash(std::span<const std::uint8_t> leaf);
Hash32 merkle_node_hash(const Hash32& left, const Hash32& right);
// Recursion depth is log2(n); no allocation.
Hash32 merkle_root(std::span<const std::span<const std::uint8_t>> leaves);

}  // namespace midnight
