// Hex and text literals in unit tests: a malformed hex literal is a test failure naming the literal,
// never a silently zero value.
#pragma once
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "midnight/core/bytes.hpp"

namespace midnight::test {

template <std::size_t N>
Bytes<N> hex_bytes(std::string_view hex) {
  Bytes<N> b;
  EXPECT_TRUE(from_hex(hex, b.v)) << hex;
  return b;
}

inline std::vector<std::uint8_t> hex_vec(std::string_view hex) {
  std::vector<std::uint8_t> v(hex.size() / 2);
  EXPECT_TRUE(hex.size() % 2 == 0 && from_hex(hex, v)) << hex;
  return v;
}

// A text literal's bytes (a test's label hashed into an id, a message signed).
inline std::span<const std::uint8_t> text_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace midnight::test
