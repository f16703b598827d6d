// Deterministic block building (spec/protocol.md, "Block building"): the content of a
// height's block depends only on (chain, membership, height, reward, mempool content),
// never on arrival order or on the builder. Building happens once per height at set-up
// and may allocate; everything after it does not.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

// Reward split by weight: member i (canonical order) gets floor(reward * w_i / W);
// the remainder r (< number of members) is one unit each to members 0..r-1.
std::array<std::uint64_t, kMaxMembers> split_reward(const Membership& m, std::uint64_t reward);

// Coinbase transaction bytes:
//   tag::kCoinbase || chain_id || height u64 || count u8 || count x (destination 32 || amount u64)
// one entry per member in canonical order.
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
// are dropped (they could never be encoded).
BlockContent build_block_content(const ChainId& chain, std::uint64_t height, const Membership& m,
                                 std::uint64_t reward, std::span<const TxBytes> mempool);

// Round schedule of a height: round r starts at midnight + r * round_ms and its
// timestamp is that start. Pure arithmetic on inputs; no clock.
struct RoundTiming {
  std::uint64_t collect_ms = 1000;    // proposals are collected this long
  std::uint64_t prevote_ms = 1000;    // then prevotes
  std::uint64_t precommit_ms = 1000;  // then precommits; the round ends after this
  constexpr std::uint64_t round_ms() const { return collect_ms + prevote_ms + precommit_ms; }
};
constexpr std::uint64_t round_start_ms(std::uint64_t midnight_ms, const RoundTiming& t, std::uint32_t round) {
  return midnight_ms + std::uint64_t(round) * t.round_ms();
}

BlockHeader make_header(const ChainId& chain, std::uint64_t height, std::uint32_t round, const BlockId& prev,
                        const Hash32& merkle_root, std::uint64_t timestamp_ms, const PublicKey& proposer);

}  // namespace midnight
