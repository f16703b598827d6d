// Hex conversion, big-endian helpers and the byte order of fixed-size byte strings.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "midnight/core/bytes.hpp"

namespace midnight {
namespace {

TEST(BytesHex, ToHexIsLowerCase) {
  const std::array<std::uint8_t, 5> b{0x00, 0x01, 0xab, 0xCD, 0xff};
  EXPECT_EQ(to_hex(b), "0001abcdff");
  EXPECT_EQ(to_hex(std::span<const std::uint8_t>()), "");
}

TEST(BytesHex, ToHexOfBytesAndShortHex) {
  Bytes<32> b;
  for (std::size_t i = 0; i < 32; ++i) b.v[i] = std::uint8_t(i);
  EXPECT_EQ(to_hex(b), "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  EXPECT_EQ(short_hex(b), "00010203");
}

TEST(BytesHex, FromHexAcceptsBothCases) {
  Bytes<4> lower, upper, mixed;
  ASSERT_TRUE(from_hex("deadbeef", lower.v));
  ASSERT_TRUE(from_hex("DEADBEEF", upper.v));
  ASSERT_TRUE(from_hex("DeAdBeEf", mixed.v));
  const Bytes<4> expected{{0xde, 0xad, 0xbe, 0xef}};
  EXPECT_EQ(lower, expected);
  EXPECT_EQ(upper, expected);
  EXPECT_EQ(mixed, expected);
}

TEST(BytesHex, FromHexRoundTripsAllByteValues) {
  std::array<std::uint8_t, 256> all{};
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = std::uint8_t(i);
  std::array<std::uint8_t, 256> back{};
  ASSERT_TRUE(from_hex(to_hex(all), back));
  EXPECT_EQ(all, back);
}

TEST(BytesHex, FromHexRejectsAndLeavesOutputUntouched) {
  const Bytes<4> sentinel{{0x11, 0x22, 0x33, 0x44}};
  for (const char* bad : {"", "dead", "deadbee", "deadbeef0", "deadbeef00", "deadbeeg", "dead beef", "0xdeadbe",
                          "deadbe-f", "gggggggg", "deadbee\xff"}) {
    Bytes<4> out = sentinel;
    EXPECT_FALSE(from_hex(bad, out.v)) << bad;
    EXPECT_EQ(out, sentinel) << bad;
  }
  // A bad digit late in the string must not leave the earlier bytes written.
  Bytes<4> out = sentinel;
  EXPECT_FALSE(from_hex("aabbccXd", out.v));
  EXPECT_EQ(out, sentinel);
  // An embedded NUL is not a hex digit.
  EXPECT_FALSE(from_hex(std::string_view("aabb\0cdd", 8), out.v));
  EXPECT_EQ(out, sentinel);
}

TEST(BytesHex, FromHexEmptyIntoEmpty) {
  std::span<std::uint8_t> empty;
  EXPECT_TRUE(from_hex("", empty));
  EXPECT_FALSE(from_hex("00", empty));
}

TEST(BytesBigEndian, StoreAndLoad) {
  std::array<std::uint8_t, 8> buf{};
  store_u16(buf.data(), 0x1234);
  EXPECT_EQ(buf[0], 0x12);
  EXPECT_EQ(buf[1], 0x34);
  EXPECT_EQ(load_u16(buf.data()), 0x1234);
  store_u32(buf.data(), 0x89abcdefU);
  EXPECT_EQ(to_hex(std::span<const std::uint8_t>(buf.data(), 4)), "89abcdef");
  EXPECT_EQ(load_u32(buf.data()), 0x89abcdefU);
  store_u64(buf.data(), 0x0123456789abcdefULL);
  EXPECT_EQ(to_hex(buf), "0123456789abcdef");
  EXPECT_EQ(load_u64(buf.data()), 0x0123456789abcdefULL);
  store_u64(buf.data(), UINT64_MAX);
  EXPECT_EQ(load_u64(buf.data()), UINT64_MAX);
  store_u16(buf.data(), 0xffff);
  EXPECT_EQ(load_u16(buf.data()), 0xffff);
}

TEST(BytesOrder, LexicographicAndZero) {
  Bytes<3> a{{0x00, 0xff, 0xff}}, b{{0x01, 0x00, 0x00}}, zero;
  EXPECT_LT(a, b);  // the first byte decides
  EXPECT_TRUE(zero.is_zero());
  EXPECT_FALSE(a.is_zero());
  EXPECT_LT(zero, a);
  EXPECT_EQ(zero, Bytes<3>{});
}

}  // namespace
}  // namespace midnight
