#include "midnight/block/body_check.hpp"

#include <algorithm>

#include "midnight/core/limits.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"

namespace midnight {

const char* ErrorTable<body_errc>::message(body_errc e) {
  switch (e) {
    case body_errc::no_coinbase: return "block body has no transaction, not even the coinbase";
    case body_errc::bad_coinbase: return "block body's first transaction is not the coinbase every member builds";
    case body_errc::bad_transaction_size: return "block body has an empty transaction or one above 65536 bytes";
    case body_errc::not_canonical_order: return "block body's txids are not strictly ascending after the coinbase";
    case body_errc::too_many_transactions: return "block body has more transactions than a block may hold";
    case body_errc::too_many_bytes: return "block body has more transaction bytes than a block may hold";
    case body_errc::invalid_transaction: return "block body has a transaction the application's predicate rejects";
    case body_errc::bad_merkle_root: return "block body's transactions do not hash to its header's merkle root";
  }
  return "unknown body error";
}

result<void> check_body_transactions(const ChainId& chain, std::span<const TxBytes> txs, const TxValidity* validity) {
  if (txs.empty()) return body_errc::no_coinbase;
  const std::span<const TxBytes> rest = txs.subspan(1);
  if (rest.size() > kMaxBlockTransactions) return body_errc::too_many_transactions;
  std::size_t bytes = 0;
  for (const TxBytes tx : rest) {
    if (tx.empty() || tx.size() > kMaxTransactionBytes) return body_errc::bad_transaction_size;
    bytes += tx.size();
  }
  if (bytes > kMaxBlockTransactionBytes) return body_errc::too_many_bytes;
  TxId previous{};
  for (std::size_t i = 0; i < rest.size(); ++i) {
    const TxId id = compute_txid(chain, rest[i]);
    if (i > 0 && !(previous < id)) return body_errc::not_canonical_order;
    previous = id;
  }
  for (const TxBytes tx : rest) {
    if (!tx_is_valid(validity, tx)) return body_errc::invalid_transaction;
  }
  return outcome::success();
}

result<void> check_block_body(const ChainId& chain, std::span<const TxBytes> txs, const Hash32& root,
                              TxBytes coinbase, const TxValidity* validity) {
  if (txs.empty()) return body_errc::no_coinbase;
  if (!std::equal(txs[0].begin(), txs[0].end(), coinbase.begin(), coinbase.end())) return body_errc::bad_coinbase;
  MIDNIGHT_TRY(check_body_transactions(chain, txs, validity));
  if (merkle_root(txs) != root) return body_errc::bad_merkle_root;
  return outcome::success();
}

}  // namespace midnight
