// Deterministic block building (spec/protocol.md, "Block building"): the content of a
// height's block depends only on (chain, membership, height, reward, mempool content),
// never on arrival order or on the builder. Building happens once per height at set-up
// and may allocate; everything after it does not.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/block/tx_validity.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

// Reward split by weight: member i (canonical order) gets floor(reward * w_i / W);
// the remainder r (< number of members) is one unit each to members 0..r-1.
std::vector<std::uint64_t> split_reward(const Membership& m, std::uint64_t reward);

// Coinbase transaction bytes:
//   tag::kCoinbase || chain_id || height u64 || count u16 || count x (destination 32 || amount u64)
// one entry per member in canonical order (at most kMaxCoinbaseBytes).
std::vector<std::uint8_t> build_coinbase(const ChainId& chain, std::uint64_t height, const Membership& m,
                                         std::uint64_t reward);

struct BlockContent {
  std::vector<std::vector<std::uint8_t>> txs;  // [0] = coinbase, then ascending txid
  std::vector<TxBytes> views;                  // views of txs, for encode/merkle
  Hash32 merkle_root;                          // RFC 6962 over txs
  std::size_t mempool_bytes = 0;               // bytes of the non-coinbase transactions
};

// Deduplicates the mempool by txid, sorts ascending by txid, keeps the longest prefix
// with at most kMaxBlockTransactions transactions and kMaxBlockTransactionBytes bytes,
// and prepends the coinbase. Transactions that are empty or above kMaxTransactionBytes
// are dropped (they could never be encoded), and so is every transaction that `validity`
// (the application's predicate; null: all valid) rejects.
//
// `limits` are the protocol's (limits.hpp) unless a test passes smaller ones: the rule is
// the same at any size, and a property can then reach both caps with a few transactions
// instead of 2^21 of them or 256 MiB.
struct BlockLimits {
  std::size_t max_transactions = kMaxBlockTransactions;
  std::size_t max_transaction_bytes = kMaxBlockTransactionBytes;
};
BlockContent build_block_content(const ChainId& chain, std::uint64_t height, const Membership& m,
                                 std::uint64_t reward, std::span<const TxBytes> mempool, BlockLimits limits = {},
                                 const TxValidity* validity = nullptr);

// Round schedule of a height (spec/protocol.md section 5.1). Every step of round r is
// r * increment_ms longer than in round 0, so once message delays are bounded by any
// finite value (however large, and unknown to the nodes), every round from some round on
// has steps long enough for them. Round r starts at
//   S(r) = midnight + r * (T_c + T_p + T_q) + 3 * increment * r * (r - 1) / 2,
// saturated at 2^64 - 1 (reached only after some 10^8 rounds with the defaults), and its
// timestamp is that start. Pure arithmetic on inputs; no clock.
struct RoundTiming {
  std::uint64_t collect_ms = 1000;    // round 0: proposals are collected this long
  std::uint64_t prevote_ms = 1000;    // then prevotes
  std::uint64_t precommit_ms = 1000;  // then precommits; the round ends after this
  std::uint64_t increment_ms = 500;   // added to every step for each round after round 0
  friend bool operator==(const RoundTiming&, const RoundTiming&) = default;
};

namespace timing_detail {
constexpr std::uint64_t add_saturated(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_add_overflow(a, b, &out) ? UINT64_MAX : out;
}
constexpr std::uint64_t mul_saturated(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}
}  // namespace timing_detail

// Length of one step of round r: its round-0 length plus r increments.
constexpr std::uint64_t step_ms(std::uint64_t base_ms, const RoundTiming& t, std::uint32_t round) {
  return timing_detail::add_saturated(base_ms, timing_detail::mul_saturated(t.increment_ms, round));
}
constexpr std::uint64_t collect_ms(const RoundTiming& t, std::uint32_t round) { return step_ms(t.collect_ms, t, round); }
constexpr std::uint64_t prevote_ms(const RoundTiming& t, std::uint32_t round) { return step_ms(t.prevote_ms, t, round); }
constexpr std::uint64_t precommit_ms(const RoundTiming& t, std::uint32_t round) {
  return step_ms(t.precommit_ms, t, round);
}
constexpr std::uint64_t round_ms(const RoundTiming& t, std::uint32_t round) {
  using namespace timing_detail;
  return add_saturated(add_saturated(collect_ms(t, round), prevote_ms(t, round)), precommit_ms(t, round));
}
constexpr std::uint64_t round_start_ms(std::uint64_t midnight_ms, const RoundTiming& t, std::uint32_t round) {
  using namespace timing_detail;
  const std::uint64_t r = round;
  const std::uint64_t base = add_saturated(add_saturated(t.collect_ms, t.prevote_ms), t.precommit_ms);
  const std::uint64_t triangle = r * (r == 0 ? 0 : r - 1) / 2;  // r < 2^32: no overflow
  const std::uint64_t grown = mul_saturated(mul_saturated(3, t.increment_ms), triangle);
  return add_saturated(add_saturated(midnight_ms, mul_saturated(r, base)), grown);
}
// The round the schedule is in at time t >= midnight: the highest r with S(r) <= t.
constexpr std::uint32_t round_at_ms(std::uint64_t midnight_ms, const RoundTiming& t, std::uint64_t at_ms) {
  std::uint32_t lo = 0, hi = UINT32_MAX - 1;  // S is non-decreasing: a binary search, 32 steps
  while (lo < hi) {
    const std::uint32_t mid = lo + (hi - lo + 1) / 2;
    if (round_start_ms(midnight_ms, t, mid) <= at_ms) lo = mid; else hi = mid - 1;
  }
  return lo;
}
static_assert(round_start_ms(0, RoundTiming{}, 1) == 3000 && round_start_ms(0, RoundTiming{}, 2) == 7500);
static_assert(round_start_ms(0, RoundTiming{}, 3) - round_start_ms(0, RoundTiming{}, 2) == round_ms(RoundTiming{}, 2));
static_assert(round_start_ms(0, RoundTiming{}, UINT32_MAX) == UINT64_MAX, "the schedule saturates");
static_assert(round_at_ms(0, RoundTiming{}, 7499) == 1 && round_at_ms(0, RoundTiming{}, 7500) == 2);

BlockHeader make_header(const ChainId& chain, std::uint64_t height, std::uint32_t round, const BlockId& prev,
                        const Hash32& merkle_root, std::uint64_t timestamp_ms, const PublicKey& proposer);

}  // namespace midnight
