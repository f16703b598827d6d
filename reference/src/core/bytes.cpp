// Hex conversion for fixed-size byte strings (human output, test vectors, CLI input).
#include "midnight/core/bytes.hpp"

namespace midnight {

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Value of one hex digit (either case), or -1.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string s;
  s.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    s[2 * i] = kHexDigits[bytes[i] >> 4];
    s[2 * i + 1] = kHexDigits[bytes[i] & 0x0f];
  }
  return s;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != 2 * out.size()) return false;  // also rejects odd lengths
  // Validate everything first so `out` is untouched on failure.
  for (char c : hex) {
    if (hex_value(c) < 0) return false;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = std::uint8_t((hex_value(hex[2 * i]) << 4) | hex_value(hex[2 * i + 1]));
  }
  return true;
}

}  // namespace midnight
