// Fixed-size byte strings and the big-endian helpers the canonical encoding uses.
#pragma once
#include <algorithm>
#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace midnight {

template <std::size_t N>
struct Bytes {
  std::array<std::uint8_t, N> v{};

  static constexpr std::size_t size() { return N; }
  constexpr const std::uint8_t* data() const { return v.data(); }
  constexpr std::uint8_t* data() { return v.data(); }
  constexpr std::span<const std::uint8_t, N> span() const { return std::span<const std::uint8_t, N>(v); }
  constexpr bool is_zero() const {
    return std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; });
  }
  // Lexicographic byte order: the order of "lowest hash" and of canonical member order.
  friend constexpr auto operator<=>(const Bytes&, const Bytes&) = default;
  friend constexpr bool operator==(const Bytes&, const Bytes&) = default;
};

using Hash32 = Bytes<32>;       // SHA-256 output
using BlockId = Bytes<32>;      // SHA-256 of the tagged header
using TxId = Bytes<32>;
using ChainId = Bytes<32>;
using PublicKey = Bytes<32>;    // Ed25519 public key
using Destination = Bytes<32>;  // reward destination, opaque
using Signature = Bytes<64>;    // Ed25519 signature
using Seed = Bytes<32>;         // Ed25519 secret seed
using SecretKey = Bytes<64>;    // libsodium's expanded Ed25519 secret key

// Lower-case hex of any byte span.
std::string to_hex(std::span<const std::uint8_t> bytes);
template <std::size_t N>
std::string to_hex(const Bytes<N>& b) { return to_hex(std::span<const std::uint8_t>(b.v)); }
// First 8 hex digits: the "short id" used in human output.
template <std::size_t N>
std::string short_hex(const Bytes<N>& b) { return to_hex(std::span<const std::uint8_t>(b.v.data(), 4)); }
// Parses exactly 2*N hex digits; false (and `out` untouched) on anything else.
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

// Big-endian store/load. Callers check bounds first.
inline void store_u16(std::uint8_t* p, std::uint16_t x) { p[0] = std::uint8_t(x >> 8); p[1] = std::uint8_t(x); }
inline void store_u32(std::uint8_t* p, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) p[i] = std::uint8_t(x >> (24 - 8 * i));
}
inline void store_u64(std::uint8_t* p, std::uint64_t x) {
  for (int i = 0; i < 8; ++i) p[i] = std::uint8_t(x >> (56 - 8 * i));
}
inline std::uint16_t load_u16(const std::uint8_t* p) { return std::uint16_t((p[0] << 8) | p[1]); }
inline std::uint32_t load_u32(const std::uint8_t* p) {
  std::uint32_t x = 0;
  for (int i = 0; i < 4; ++i) x = (x << 8) | p[i];
  return x;
}
inline std::uint64_t load_u64(const std::uint8_t* p) {
  std::uint64_t x = 0;
  for (int i = 0; i < 8; ++i) x = (x << 8) | p[i];
  return x;
}

}  // namespace midnight
