// Deterministic block building: the same (chain, membership, height, reward, mempool
// content) gives the same bytes, whatever the mempool's order or repetitions.
#include "midnight/block/builder.hpp"

#include <algorithm>

#include "midnight/core/invariant.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"

namespace midnight {

std::vector<std::uint64_t> split_reward(const Membership& m, std::uint64_t reward) {
  MIDNIGHT_INVARIANT(reward <= kMaxRewardPerHeight);
  MIDNIGHT_INVARIANT(m.size() >= 1 && m.size() <= kMaxMembers);
  const std::uint64_t total = m.total_weight();
  std::vector<std::uint64_t> shares(m.size(), 0);
  std::uint64_t paid = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    // reward * w_i <= kMaxRewardPerHeight * kMaxMemberWeight fits in 64 bits (limits.hpp).
    shares[i] = reward * m.member(i).weight / total;
    paid += shares[i];
  }
  // Each floor loses less than one unit, so the remainder is below the member count.
  const std::uint64_t remainder = reward - paid;
  MIDNIGHT_INVARIANT(remainder < m.size());
  for (std::size_t i = 0; i < remainder; ++i) shares[i] += 1;
  return shares;
}

std::vector<std::uint8_t> build_coinbase(const ChainId& chain, std::uint64_t height, const Membership& m,
                                         std::uint64_t reward) {
  const auto shares = split_reward(m, reward);
  static_assert(kCoinbaseFixedBytes == tag::kCoinbase.size() + 32 + 8 + 2);
  std::vector<std::uint8_t> out(kCoinbaseFixedBytes + m.size() * kCoinbaseEntryBytes);
  std::uint8_t* p = out.data();
  p = std::copy(tag::kCoinbase.begin(), tag::kCoinbase.end(), p);
  p = std::copy(chain.v.begin(), chain.v.end(), p);
  store_u64(p, height);
  p += 8;
  static_assert(kMaxMembers <= UINT16_MAX, "member count is u16");
  store_u16(p, static_cast<std::uint16_t>(m.size()));
  p += 2;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Destination& to = m.member(i).reward_to;
    p = std::copy(to.v.begin(), to.v.end(), p);
    store_u64(p, shares[i]);
    p += 8;
  }
  MIDNIGHT_INVARIANT(p == out.data() + out.size());
  return out;
}

BlockContent build_block_content(const ChainId& chain, std::uint64_t height, const Membership& m,
                                 std::uint64_t reward, std::span<const TxBytes> mempool, BlockLimits limits,
                                 const TxValidity* validity) {
  MIDNIGHT_INVARIANT(limits.max_transactions <= kMaxBlockTransactions &&
                     limits.max_transaction_bytes <= kMaxBlockTransactionBytes);
  struct Keyed {
    TxId id;
    std::size_t index;  // into mempool
  };
  std::vector<Keyed> keyed;
  keyed.reserve(mempool.size());
  for (std::size_t i = 0; i < mempool.size(); ++i) {
    const TxBytes tx = mempool[i];
    if (tx.empty() || tx.size() > kMaxTransactionBytes) continue;  // could never be encoded
    if (!tx_is_valid(validity, tx)) continue;                         // no honest block holds it
    keyed.push_back({compute_txid(chain, tx), i});
  }
  // Ascending txid; equal txids are equal bytes, so which copy survives does not matter.
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) { return a.id < b.id; });
  keyed.erase(std::unique(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) { return a.id == b.id; }),
              keyed.end());

  BlockContent out;
  out.txs.push_back(build_coinbase(chain, height, m, reward));
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (const Keyed& k : keyed) {
    const TxBytes tx = mempool[k.index];
    // The longest prefix within both caps: stop at the first transaction that does not fit.
    if (count + 1 > limits.max_transactions || bytes + tx.size() > limits.max_transaction_bytes) break;
    out.txs.emplace_back(tx.begin(), tx.end());
    ++count;
    bytes += tx.size();
  }
  out.mempool_bytes = bytes;
  // Views are taken only after every push_back: the inner buffers no longer move.
  out.views.reserve(out.txs.size());
  for (const auto& tx : out.txs) out.views.emplace_back(tx.data(), tx.size());
  out.merkle_root = merkle_root(std::span<const TxBytes>(out.views));
  return out;
}

BlockHeader make_header(const ChainId& chain, std::uint64_t height, std::uint32_t round, const BlockId& prev,
                        const Hash32& merkle_root, std::uint64_t timestamp_ms, const PublicKey& proposer) {
  BlockHeader h;
  h.version = kHeaderVersion;
  h.chain_id = chain;
  h.height = height;
  h.round = round;
  h.prev_id = prev;
  h.merkle_root = merkle_root;
  h.timestamp_ms = timestamp_ms;
  h.proposer = proposer;
  return h;
}

}  // namespace midnight
