// Block building: the reward split, the coinbase bytes, and block content that depends
// only on the mempool's content (never its order or repetitions), within the caps.
#include "midnight/block/builder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <numeric>
#include <random>
#include <vector>

#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

using Tx = std::vector<std::uint8_t>;

// Transaction number `i` of `size` bytes: deterministic filler, distinct per i.
Tx make_tx(std::uint32_t i, std::size_t size) {
  Tx tx(size);
  for (std::size_t k = 0; k < size; ++k) tx[k] = static_cast<std::uint8_t>((i * 131u + k * 7u) ^ (i >> 8));
  if (size >= 4) store_u32(tx.data(), i);
  return tx;
}

std::uint64_t sum(const std::vector<std::uint64_t>& a) {
  return std::accumulate(a.begin(), a.end(), std::uint64_t{0});
}

TEST(BuilderTest, RewardSplitRemainderGoesToTheFirstMembers) {
  const auto three = test::make_equal_members(3);
  auto s = split_reward(three.membership, 10);
  EXPECT_EQ(s[0], 4u);
  EXPECT_EQ(s[1], 3u);
  EXPECT_EQ(s[2], 3u);
  EXPECT_EQ(s.size(), 3u);  // one share per member, nothing more

  const auto four = test::make_equal_members(4);
  s = split_reward(four.membership, 7);  // floor 1 each, remainder 3
  EXPECT_EQ((std::vector<std::uint64_t>(s.begin(), s.begin() + 4)), (std::vector<std::uint64_t>{2, 2, 2, 1}));

  s = split_reward(four.membership, 0);
  EXPECT_EQ(sum(s), 0u);
  s = split_reward(four.membership, 3);  // fewer units than members
  EXPECT_EQ((std::vector<std::uint64_t>(s.begin(), s.begin() + 4)), (std::vector<std::uint64_t>{1, 1, 1, 0}));
}

TEST(BuilderTest, RewardSplitWeighted) {
  const auto net = test::make_members({1, 2, 3});
  // floors 7*1/6 = 1, 7*2/6 = 2, 7*3/6 = 3: 6 paid, remainder 1 to member 0.
  auto s = split_reward(net.membership, 7);
  EXPECT_EQ(s[0], 2u);
  EXPECT_EQ(s[1], 2u);
  EXPECT_EQ(s[2], 3u);

  const auto heavy = test::make_members({1, 10, 100, 1000});
  // 5558 = 5 * 1111 + 3: floors 5, 50, 500, 5002 pay 5557; remainder 1 to member 0.
  s = split_reward(heavy.membership, 5558);
  EXPECT_EQ(s[0], 6u);
  EXPECT_EQ(s[1], 50u);
  EXPECT_EQ(s[2], 500u);
  EXPECT_EQ(s[3], 5002u);
  s = split_reward(heavy.membership, 1111 * 9);  // divides exactly: no remainder
  EXPECT_EQ(s[0], 9u);
  EXPECT_EQ(s[3], 9000u);
}

TEST(BuilderTest, RewardSplitSumsExactly) {
  const auto a = test::make_members({1, 10, 100, 1000});
  const auto b = test::make_members({7, 7, 7, 7, 7, 3});
  const auto c = test::make_equal_members(9);
  for (const auto* net : {&a, &b, &c}) {
    for (std::uint64_t reward : std::initializer_list<std::uint64_t>{0, 1, 2, 5, 99, 1000, 123456789, kMaxRewardPerHeight - 1,
                                 kMaxRewardPerHeight}) {
      const auto s = split_reward(net->membership, reward);
      EXPECT_EQ(sum(s), reward) << reward;
      for (std::size_t i = 0; i < net->membership.size(); ++i) {
        const std::uint64_t floor_share = reward * net->membership.member(i).weight / net->membership.total_weight();
        EXPECT_TRUE(s[i] == floor_share || s[i] == floor_share + 1);
      }
    }
  }
}

TEST(BuilderTest, RewardSplitAtTheLimits) {
  std::vector<Masternode> nodes;
  for (std::uint64_t i = 0; i < kMaxMembers; ++i) {
    nodes.push_back(test::member_of(test::keypair(i), test::destination(i), kMaxMemberWeight - i));
  }
  const auto m = Membership::make(nodes);
  ASSERT_TRUE(m);
  const auto s = split_reward(m.value(), kMaxRewardPerHeight);
  ASSERT_EQ(s.size(), kMaxMembers);
  EXPECT_EQ(sum(s), kMaxRewardPerHeight);
  // The coinbase of the largest membership: its own bound (beyond kMaxTransactionBytes),
  // with the u16 member count 0xffff after tag, chain and height.
  const auto cb = build_coinbase(test::chain(), 1, m.value(), kMaxRewardPerHeight);
  EXPECT_EQ(cb.size(), kMaxCoinbaseBytes);
  EXPECT_GT(cb.size(), kMaxTransactionBytes);
  ASSERT_GE(cb.size(), 21u + 32 + 8 + 2);
  EXPECT_EQ(load_u16(cb.data() + 21 + 32 + 8), kMaxMembers);
}

TEST(BuilderTest, CoinbaseLayout) {
  const auto net = test::make_members({1, 2});
  const ChainId chain = test::chain(0xAB);
  const std::uint64_t height = 0x0102030405060708;
  const auto cb = build_coinbase(chain, height, net.membership, 10);  // shares 4 (3 + 1), 6

  // push_back rather than range insert: GCC 12 at -O3 reports a false
  // -Wstringop-overflow for inserts into a vector that grows from empty.
  std::vector<std::uint8_t> expected;
  expected.reserve(256);
  const char tag_bytes[] = "midnight/v1/coinbase";  // sizeof includes the NUL
  for (const char ch : tag_bytes) expected.push_back(static_cast<std::uint8_t>(ch));
  for (int k = 0; k < 32; ++k) expected.push_back(0xAB);
  for (std::uint8_t b : std::initializer_list<std::uint8_t>{1, 2, 3, 4, 5, 6, 7, 8}) expected.push_back(b);
  expected.push_back(0);  // count, u16 big-endian
  expected.push_back(2);
  for (std::size_t i = 0; i < 2; ++i) {
    const Destination& d = net.membership.member(i).reward_to;
    for (const std::uint8_t b : d.v) expected.push_back(b);
    const std::uint64_t amount = i == 0 ? 4 : 6;
    for (int k = 7; k >= 0; --k) expected.push_back(static_cast<std::uint8_t>(amount >> (8 * k)));
  }
  EXPECT_EQ(sizeof tag_bytes, 21u);
  EXPECT_EQ(cb.size(), 21u + 32 + 8 + 2 + 2 * 40);
  EXPECT_EQ(cb.size(), kCoinbaseFixedBytes + 2 * kCoinbaseEntryBytes);
  EXPECT_EQ(cb, expected);

  // The coinbase differs per chain and per height.
  EXPECT_NE(build_coinbase(test::chain(0xAC), height, net.membership, 10), cb);
  EXPECT_NE(build_coinbase(chain, height + 1, net.membership, 10), cb);
}

TEST(BuilderTest, ContentIgnoresOrderAndRepetition) {
  const auto net = test::make_equal_members(4);
  const ChainId chain = test::chain();
  std::vector<Tx> txs;
  for (std::uint32_t i = 0; i < 60; ++i) txs.push_back(make_tx(i, 1 + (i * 37) % 300));
  const auto views = test::views_of(txs);
  const BlockContent base = build_block_content(chain, 5, net.membership, 1000, views);

  ASSERT_EQ(base.txs.size(), 61u);
  ASSERT_EQ(base.views.size(), 61u);
  EXPECT_EQ(base.txs[0], build_coinbase(chain, 5, net.membership, 1000));
  for (std::size_t i = 0; i < base.txs.size(); ++i) {
    EXPECT_EQ(base.views[i].data(), base.txs[i].data());  // views point into txs
    EXPECT_EQ(base.views[i].size(), base.txs[i].size());
  }
  for (std::size_t i = 2; i < base.txs.size(); ++i) {
    EXPECT_LT(compute_txid(chain, base.txs[i - 1]), compute_txid(chain, base.txs[i]));
  }
  std::size_t bytes = 0;
  for (const auto& tx : txs) bytes += tx.size();
  EXPECT_EQ(base.mempool_bytes, bytes);
  EXPECT_EQ(base.merkle_root, merkle_root(std::span<const TxBytes>(base.views)));

  std::mt19937 rng(20240601);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<TxBytes> pool = views;
    // Repeat a random third of the transactions, some several times.
    for (int k = 0; k < 40; ++k) pool.push_back(views[rng() % views.size()]);
    std::shuffle(pool.begin(), pool.end(), rng);
    const BlockContent c = build_block_content(chain, 5, net.membership, 1000, pool);
    ASSERT_EQ(c.txs, base.txs) << "trial " << trial;  // every byte of every transaction
    EXPECT_EQ(c.merkle_root, base.merkle_root);
    EXPECT_EQ(c.mempool_bytes, base.mempool_bytes);
  }

  // Copies of the same bytes in different buffers are the same transaction.
  std::vector<Tx> copies = txs;
  auto copy_views = test::views_of(copies);
  copy_views.insert(copy_views.end(), views.begin(), views.end());
  EXPECT_EQ(build_block_content(chain, 5, net.membership, 1000, copy_views).txs, base.txs);
}

TEST(BuilderTest, EmptyMempoolIsCoinbaseOnly) {
  const auto net = test::make_equal_members(2);
  const BlockContent c = build_block_content(test::chain(), 1, net.membership, 3, {});
  ASSERT_EQ(c.txs.size(), 1u);
  EXPECT_EQ(c.mempool_bytes, 0u);
  EXPECT_EQ(c.merkle_root, merkle_leaf_hash(c.txs[0]));  // RFC 6962: a single leaf
}

TEST(BuilderTest, DropsEmptyAndOversizedTransactions) {
  const auto net = test::make_equal_members(2);
  const Tx empty;
  const Tx too_big = make_tx(1, kMaxTransactionBytes + 1);
  const Tx largest = make_tx(2, kMaxTransactionBytes);
  const Tx small = make_tx(3, 10);
  const std::vector<TxBytes> pool = {empty, too_big, largest, small};
  const BlockContent c = build_block_content(test::chain(), 1, net.membership, 3, pool);
  ASSERT_EQ(c.txs.size(), 3u);
  EXPECT_EQ(c.mempool_bytes, kMaxTransactionBytes + 10);
  for (std::size_t i = 1; i < c.txs.size(); ++i) {
    EXPECT_TRUE(c.txs[i] == largest || c.txs[i] == small);
  }
}

TEST(BuilderTest, CapsTheTransactionCountWithTheLowestTxids) {
  const auto net = test::make_equal_members(3);
  const ChainId chain = test::chain();
  std::vector<Tx> txs;
  for (std::uint32_t i = 0; i < kMaxBlockTransactions + 25; ++i) txs.push_back(make_tx(i, 8));
  const BlockContent c = build_block_content(chain, 2, net.membership, 0, test::views_of(txs));
  ASSERT_EQ(c.txs.size(), kMaxBlockTransactions + 1);

  std::vector<TxId> ids;
  for (const auto& tx : txs) ids.push_back(compute_txid(chain, tx));
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 1; i < c.txs.size(); ++i) EXPECT_EQ(compute_txid(chain, c.txs[i]), ids[i - 1]);
}

TEST(BuilderTest, CapsTheBytesAndStopsAtTheFirstTransactionThatDoesNotFit) {
  const auto net = test::make_equal_members(3);
  const ChainId chain = test::chain();
  // kFit x 60000 bytes fit in kMaxBlockTransactionBytes (256 MiB: 4473 of them), one
  // more does not; 55456 bytes stay free.
  constexpr std::size_t kBig = 60000;
  constexpr std::size_t kFit = kMaxBlockTransactionBytes / kBig;
  static_assert(kMaxBlockTransactionBytes - kFit * kBig > 100, "room for the small transaction below");
  std::vector<Tx> big;
  for (std::uint32_t i = 0; i < kFit + 1; ++i) big.push_back(make_tx(i, kBig));
  TxId last_big{};
  for (const auto& tx : big) last_big = std::max(last_big, compute_txid(chain, tx));
  // A small transaction that sorts after every big one: it would fit in the free bytes,
  // but the prefix has already stopped at the 18th big transaction.
  Tx after;
  for (std::uint32_t i = 1000;; ++i) {
    after = make_tx(i, 100);
    if (compute_txid(chain, after) > last_big) break;
  }
  std::vector<Tx> pool = big;
  pool.push_back(after);
  const BlockContent c = build_block_content(chain, 2, net.membership, 0, test::views_of(pool));
  ASSERT_EQ(c.txs.size(), 1u + kFit);
  EXPECT_EQ(c.mempool_bytes, kFit * kBig);
  EXPECT_LE(c.mempool_bytes, kMaxBlockTransactionBytes);
  for (std::size_t i = 1; i < c.txs.size(); ++i) EXPECT_EQ(c.txs[i].size(), kBig);

  // Exactly at the byte cap: 4096 transactions of the largest size fill 256 MiB exactly.
  constexpr std::size_t kLargest = kMaxBlockTransactionBytes / kMaxTransactionBytes;
  static_assert(kLargest * kMaxTransactionBytes == kMaxBlockTransactionBytes);
  std::vector<Tx> exact;
  for (std::uint32_t i = 0; i < kLargest + 1; ++i) exact.push_back(make_tx(i, kMaxTransactionBytes));
  const BlockContent e = build_block_content(chain, 2, net.membership, 0, test::views_of(exact));
  EXPECT_EQ(e.txs.size(), 1u + kLargest);
  EXPECT_EQ(e.mempool_bytes, kMaxBlockTransactionBytes);
}

TEST(BuilderTest, MakeHeaderAndRoundTiming) {
  const BlockHeader h = make_header(test::chain(), 7, 2, test::block_id(1), test::block_id(2), 12345,
                                    test::keypair(0).public_key);
  EXPECT_EQ(h.version, kHeaderVersion);
  EXPECT_EQ(h.chain_id, test::chain());
  EXPECT_EQ(h.height, 7u);
  EXPECT_EQ(h.round, 2u);
  EXPECT_EQ(h.prev_id, test::block_id(1));
  EXPECT_EQ(h.merkle_root, test::block_id(2));
  EXPECT_EQ(h.timestamp_ms, 12345u);
  EXPECT_EQ(h.proposer, test::keypair(0).public_key);
  // Wire v2 schedule (spec/protocol.md 5.1): every step of round r is r * 500 ms longer
  // than in round 0, so S(r) = midnight + 3000 r + 1500 r (r - 1) / 2 with the defaults.
  constexpr RoundTiming t;
  static_assert(round_start_ms(0, t, 0) == 0 && round_start_ms(0, t, 1) == 3000 &&
                round_start_ms(0, t, 2) == 7500 && round_start_ms(0, t, 3) == 13500);
  static_assert(round_start_ms(1000, t, 0) == 1000 && round_start_ms(1000, t, 3) == 14500);
  static_assert(collect_ms(t, 0) == 1000 && collect_ms(t, 2) == 2000 && prevote_ms(t, 3) == 2500 &&
                precommit_ms(t, 1) == 1500 && round_ms(t, 2) == 6000);
  for (std::uint32_t r = 0; r < 64; ++r) {
    EXPECT_EQ(round_start_ms(0, t, r + 1) - round_start_ms(0, t, r), round_ms(t, r)) << "round " << r;
    EXPECT_EQ(round_at_ms(1000, t, round_start_ms(1000, t, r)), r);
    if (r > 0) {
      EXPECT_EQ(round_at_ms(1000, t, round_start_ms(1000, t, r) - 1), r - 1);
    }
  }
  // Without an increment the schedule is the v1 one: equal rounds.
  constexpr RoundTiming flat{1000, 1000, 1000, 0};
  static_assert(round_start_ms(1000, flat, 2) == 7000 && round_ms(flat, 40) == 3000);
  // Far rounds saturate instead of wrapping.
  EXPECT_EQ(round_start_ms(0, t, UINT32_MAX - 1), UINT64_MAX);
  // The last unsaturated round: some 1.5e8 rounds in, with the defaults.
  const std::uint32_t last = round_at_ms(0, t, UINT64_MAX - 1);
  EXPECT_GT(last, 100'000'000u);
  EXPECT_LT(last, 200'000'000u);
  EXPECT_LT(round_start_ms(0, t, last), UINT64_MAX);
  EXPECT_EQ(round_start_ms(0, t, last + 1), UINT64_MAX);
}

}  // namespace
}  // namespace midnight
