// The inputs built by a rule (rules.hpp): counted transactions, the mempools of
// block_building.json and the blocks of rejections.json too large to print.
#include "rules.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "midnight/core/limits.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"

namespace midnight::cli::vectors {

namespace {

constexpr std::size_t kOverByteCapCount = kMaxBlockTransactionBytes / kMaxTransactionBytes + 1;
Buf block_after_coinbase(const EncodingFixture& f, std::size_t count, std::size_t fill) {
  std::vector<Buf> txs = counted_transactions(count, fill);
  sort_by_txid(f.chain, txs);
  std::vector<TxBytes> views{f.content.views[0]};
  views.insert(views.end(), txs.begin(), txs.end());
  return raw_block(f.header, f.proposal.signature, static_cast<std::uint32_t>(views.size()), views);
}
std::string block_after_coinbase_rule(std::size_t count, std::size_t fill) {
  return "the block's header and signature, then the coinbase, then " + counted_rule(count, fill) +
         ", in ascending txid order";
}
// The byte cap's mempool: twice the transactions of 65536 bytes that fit.
constexpr std::size_t kByteCapBig = 2 * (kMaxBlockTransactionBytes / kMaxTransactionBytes);

}  // namespace

Buf raw_block(const BlockHeader& h, const Signature& sig, std::uint32_t tx_count, std::span<const TxBytes> txs) {
  Buf out = unwrap(encode_to_vector(h));
  out[1] = static_cast<std::uint8_t>(MessageType::block);
  out.insert(out.end(), sig.v.begin(), sig.v.end());
  Buf n(4);
  put_u32(n, 0, tx_count);
  out = append(std::move(out), n);
  for (const TxBytes& tx : txs) {
    put_u32(n, 0, static_cast<std::uint32_t>(tx.size()));
    out = append(std::move(out), n);
    out = append(std::move(out), tx);
  }
  return out;
}

void sort_by_txid(const ChainId& chain, std::vector<Buf>& txs) {
  std::vector<std::pair<TxId, Buf>> keyed;
  keyed.reserve(txs.size());
  for (Buf& tx : txs) keyed.emplace_back(compute_txid(chain, tx), std::move(tx));
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < keyed.size(); ++i) txs[i] = std::move(keyed[i].second);
}

std::vector<Buf> counted_transactions(std::size_t count, std::size_t fill) {
  std::vector<Buf> txs;
  txs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Buf t(4 + fill, 0x5b);
    store_u32(t.data(), static_cast<std::uint32_t>(i));
    txs.push_back(std::move(t));
  }
  return txs;
}
std::string counted_rule(std::size_t count, std::size_t fill) {
  return "transaction i is i as u32 big-endian" + (fill == 0 ? std::string() : " then " + std::to_string(fill) + " bytes of 0x5b") +
         ", for i = 0 .. " + std::to_string(count - 1);
}
Buf over_count_cap_block(const EncodingFixture& f) { return block_after_coinbase(f, kMaxBlockTransactions + 1, 0); }
std::string over_count_cap_rule() { return block_after_coinbase_rule(kMaxBlockTransactions + 1, 0); }
Buf over_byte_cap_block(const EncodingFixture& f) {
  return block_after_coinbase(f, kOverByteCapCount, kMaxTransactionBytes - 4);
}
std::string over_byte_cap_rule() { return block_after_coinbase_rule(kOverByteCapCount, kMaxTransactionBytes - 4); }

RuleMempool day_mempool() { return {counted_rule(1'000'000), counted_transactions(1'000'000)}; }
RuleMempool count_cap_mempool() {
  return {counted_rule(kMaxBlockTransactions + 5), counted_transactions(kMaxBlockTransactions + 5)};
}
std::string byte_cap_mempool_rule() {
  return counted_rule(kByteCapBig, kMaxTransactionBytes - 4) + ", then the seven one-byte transactions 'a' .. 'g'";
}
RuleMempool byte_cap_mempool() {
  RuleMempool m{byte_cap_mempool_rule(), counted_transactions(kByteCapBig, kMaxTransactionBytes - 4)};
  for (std::string_view t : {"a", "b", "c", "d", "e", "f", "g"}) m.txs.push_back(bytes_of(t));
  return m;
}

}  // namespace midnight::cli::vectors
