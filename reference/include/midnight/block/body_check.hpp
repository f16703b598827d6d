// Approval by validity (spec/protocol.md 3.4): the checks a node makes on another
// member's block body before it may hold it, and so approve the block. Members build
// from different mempool snapshots, so a node cannot ask "is this my block?"; it asks
// "could an honest member have built this block?": the coinbase every member builds,
// transactions in canonical order without repeats, within the block's caps, each
// accepted by the application's predicate, hashing to the header's Merkle root.
//
// Pure functions of their inputs; they allocate nothing. O(block): one txid per
// transaction and one Merkle root.
#pragma once
#include <span>

#include "midnight/block/tx_validity.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class body_errc {
  no_coinbase = 1,         // the body has no transaction at all
  bad_coinbase,            // its first transaction is not the coinbase every member builds
  bad_transaction_size,    // a transaction after the coinbase is empty or above kMaxTransactionBytes
  not_canonical_order,     // txids are not strictly ascending after the coinbase (out of order, or repeated)
  too_many_transactions,   // more than kMaxBlockTransactions after the coinbase
  too_many_bytes,          // more than kMaxBlockTransactionBytes of transactions after the coinbase
  invalid_transaction,     // the application's predicate rejects a transaction
  bad_merkle_root,         // the transactions do not hash to the header's Merkle root
};

template <>
struct ErrorTable<body_errc> {
  static constexpr const char* name = "midnight.body";
  static const char* message(body_errc e);
};

// The transactions after the coinbase: sizes, order, caps and the predicate, in that
// order (so the cheap structural checks come before the application's).
[[nodiscard]] result<void> check_body_transactions(const ChainId& chain, std::span<const TxBytes> txs,
                                                   const TxValidity* validity);

// A whole body for a header with `merkle_root`: the coinbase first (byte-equal to
// `coinbase`, which the checking node built itself), then check_body_transactions, then
// the Merkle root.
[[nodiscard]] result<void> check_block_body(const ChainId& chain, std::span<const TxBytes> txs,
                                            const Hash32& merkle_root, TxBytes coinbase, const TxValidity* validity);

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(body_errc)
