// The transaction sketch (block/tx_sketch.hpp, spec/reconciliation.md): two nodes'
// sketches subtract into the sketch of their difference, which decodes to exactly the
// ids each side alone holds; the sizing rule decodes at least 99 times in 100; bytes a
// peer sends are checked in full before they change anything.
#include "midnight/block/tx_sketch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <vector>

#include "midnight/crypto/hash.hpp"
#include "midnight/sim/rng.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

SketchKey key_of(std::uint8_t fill) { return sketch_key(test::block_id(fill)); }

std::vector<ShortTxId> random_ids(sim::Rng& rng, std::size_t n) {
  std::vector<ShortTxId> ids(n);
  for (ShortTxId& id : ids) id = rng.next();
  return ids;
}

TxSketch sketch_of(const SketchKey& key, std::size_t per_hash, const std::vector<ShortTxId>& ids) {
  TxSketch s = TxSketch::make(key, per_hash).value();
  for (const ShortTxId id : ids) s.insert(id);
  return s;
}

struct Decoded {
  bool ok = false;
  std::vector<ShortTxId> inserted;
  std::vector<ShortTxId> erased;
};

Decoded decode(TxSketch s) {
  Decoded d;
  d.inserted.reserve(s.cells());
  d.erased.reserve(s.cells());
  d.ok = s.decode(d.inserted, d.erased).has_value();
  std::sort(d.inserted.begin(), d.inserted.end());
  std::sort(d.erased.begin(), d.erased.end());
  return d;
}

TEST(TxSketch, ShortIdsAreKeyedAndDeterministic) {
  const TxId a = sha256(test::bytes_of({1, 2, 3}));
  EXPECT_EQ(short_tx_id(key_of(1), a), short_tx_id(key_of(1), a));
  EXPECT_NE(short_tx_id(key_of(1), a), short_tx_id(key_of(2), a));
  EXPECT_NE(sketch_key(test::block_id(1)).short_id_key, sketch_key(test::block_id(1)).cell_key);
}

// The case the sketch exists for: two large sets that differ in a few ids each.
TEST(TxSketch, TheDifferenceOfTwoNearlyEqualSetsDecodesExactly) {
  sim::Rng rng(7);
  const auto common = random_ids(rng, 20000);
  const auto only_a = random_ids(rng, 40);
  const auto only_b = random_ids(rng, 25);
  const SketchKey key = key_of(3);
  const std::size_t per_hash = TxSketch::cells_per_hash_for(only_a.size() + only_b.size());
  std::vector<ShortTxId> a = common;
  a.insert(a.end(), only_a.begin(), only_a.end());
  std::vector<ShortTxId> b = common;
  b.insert(b.end(), only_b.begin(), only_b.end());
  TxSketch sa = sketch_of(key, per_hash, a);
  const TxSketch sb = sketch_of(key, per_hash, b);
  ASSERT_TRUE(sa.subtract(sb));
  const Decoded d = decode(sa);
  ASSERT_TRUE(d.ok);
  auto want_a = only_a;
  auto want_b = only_b;
  std::sort(want_a.begin(), want_a.end());
  std::sort(want_b.begin(), want_b.end());
  EXPECT_EQ(d.inserted, want_a);
  EXPECT_EQ(d.erased, want_b);
  // 65 differing ids out of 40,065: 3 * 95 cells of 16 bytes, 4,564 bytes, against 240 KB
  // for 6-byte short ids of the whole set.
  EXPECT_EQ(sa.encoded_size(), kSketchHeaderBytes + 3 * per_hash * kSketchCellBytes);
  EXPECT_EQ(sa.encoded_size(), 4564U);
}

// cells_per_hash_for(d) decodes a difference of d ids in at least 99 % of trials: 1,000
// trials for each d up to 1,000, 100 above (a fixed seed: the same trials each run).
TEST(TxSketch, TheSizingRuleDecodesAtLeast99In100) {
  sim::Rng rng(11);
  for (const std::size_t d : {1U, 2U, 3U, 5U, 10U, 20U, 50U, 100U, 250U, 300U, 1000U, 3000U, 10000U}) {
    const int trials = d <= 1000 ? 1000 : 100;
    int decoded = 0;
    for (int trial = 0; trial < trials; ++trial) {
      const auto ids = random_ids(rng, d);
      Hash32 salt = test::block_id(static_cast<std::uint8_t>(d));
      store_u32(salt.data(), static_cast<std::uint32_t>(trial));
      TxSketch s = TxSketch::make(sketch_key(salt), TxSketch::cells_per_hash_for(d)).value();
      for (std::size_t i = 0; i < ids.size(); ++i) (i % 2 == 0) ? s.insert(ids[i]) : s.erase(ids[i]);
      const Decoded out = decode(s);
      if (out.ok && out.inserted.size() + out.erased.size() == d) ++decoded;
    }
    EXPECT_GE(100 * decoded, 99 * trials) << "difference " << d << ": " << decoded << " of " << trials;
  }
}

TEST(TxSketch, ATooLargeDifferenceIsUndecodableAndSaysSo) {
  sim::Rng rng(5);
  TxSketch s = sketch_of(key_of(4), 8, random_ids(rng, 500));
  std::vector<ShortTxId> inserted;
  std::vector<ShortTxId> erased;
  inserted.reserve(s.cells());
  erased.reserve(s.cells());
  const auto r = s.decode(inserted, erased);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), sketch_errc::undecodable);
  EXPECT_LE(inserted.size() + erased.size(), s.cells());
  EXPECT_NE(make_error_code(sketch_errc::undecodable).message().find("too large"), std::string::npos);
}

TEST(TxSketch, SizesOutOfRangeAndMismatchesAreRefusedWithoutChange) {
  EXPECT_EQ(TxSketch::make(key_of(1), 0).error(), sketch_errc::size_out_of_range);
  EXPECT_EQ(TxSketch::make(key_of(1), kMaxSketchCellsPerHash + 1).error(), sketch_errc::size_out_of_range);
  sim::Rng rng(9);
  TxSketch a = sketch_of(key_of(1), 10, random_ids(rng, 5));
  const TxSketch before = a;
  const TxSketch b = sketch_of(key_of(1), 11, random_ids(rng, 5));
  EXPECT_EQ(a.subtract(b).error(), sketch_errc::size_mismatch);
  EXPECT_TRUE(a == before);
}

TEST(TxSketch, BytesRoundTripAndBadBytesLeaveTheSketchAsItWas) {
  sim::Rng rng(13);
  const TxSketch a = sketch_of(key_of(2), 12, random_ids(rng, 30));
  std::vector<std::uint8_t> bytes(a.encoded_size());
  ASSERT_EQ(encode_tx_sketch(a, bytes), bytes.size());
  TxSketch b = TxSketch::make(key_of(2), 12).value();
  ASSERT_TRUE(decode_tx_sketch(bytes, b));
  EXPECT_TRUE(a == b);

  TxSketch c = sketch_of(key_of(2), 12, random_ids(rng, 3));
  const TxSketch c_before = c;
  std::vector<std::uint8_t> cut(bytes.begin(), bytes.end() - 1);
  EXPECT_EQ(decode_tx_sketch(cut, c).error(), sketch_errc::length_mismatch);
  EXPECT_EQ(decode_tx_sketch(std::span<const std::uint8_t>(bytes).first(3), c).error(), sketch_errc::length_mismatch);
  std::vector<std::uint8_t> other_size = bytes;
  store_u32(other_size.data(), 13);
  EXPECT_EQ(decode_tx_sketch(other_size, c).error(), sketch_errc::size_mismatch);
  store_u32(other_size.data(), 0);
  EXPECT_EQ(decode_tx_sketch(other_size, c).error(), sketch_errc::size_out_of_range);
  EXPECT_TRUE(c == c_before);
}

// Cells a peer chose: decoding ends within the table's size, with either an error or
// outputs that rebuild the very sketch it was given.
TEST(TxSketch, ArbitraryCellsDecodeWithinBoundsOrAreRefused) {
  sim::Rng rng(17);
  int refused = 0;
  for (int trial = 0; trial < 300; ++trial) {
    TxSketch s = TxSketch::make(key_of(5), 4).value();
    std::vector<std::uint8_t> bytes(s.encoded_size());
    encode_tx_sketch(s, bytes);
    for (std::size_t i = kSketchHeaderBytes; i < bytes.size(); ++i)
      bytes[i] = static_cast<std::uint8_t>(rng.between(0, 3) == 0 ? rng.next() : 0);
    if (trial % 3 == 0) {  // a pure-looking cell: count 1 and a matching check
      TxSketch one = sketch_of(key_of(5), 4, {rng.next()});
      encode_tx_sketch(one, bytes);
    }
    ASSERT_TRUE(decode_tx_sketch(bytes, s));
    const TxSketch given = s;
    Decoded d = decode(s);
    EXPECT_LE(d.inserted.size() + d.erased.size(), s.cells());
    if (!d.ok) {
      ++refused;
      continue;
    }
    TxSketch rebuilt = TxSketch::make(key_of(5), 4).value();
    for (const ShortTxId id : d.inserted) rebuilt.insert(id);
    for (const ShortTxId id : d.erased) rebuilt.erase(id);
    EXPECT_TRUE(rebuilt == given);
  }
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace midnight
