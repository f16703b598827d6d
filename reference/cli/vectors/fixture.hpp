// The messages of encoding.json, which rejections.json breaks one rule at a time: the
// encoding fixture, its reconciliation messages and the certificates of many signers.
#pragma once
#include <cstdint>
#include <vector>

#include "common.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::cli::vectors {

// Ascending public keys: the order of a certificate's entries.
bool by_public_key(const Keypair& a, const Keypair& b);

// The messages of the encoding family, also the base of the rejections.
struct EncodingFixture {
  ChainId chain = test_chain();
  Members members;  // seeds 1..4, weights 1..4
  BlockContent content;
  BlockHeader header;    // of the block
  Proposal proposal;     // of the block, by seed 1
  Certificate certificate;  // precommits of seeds 2..4 (weight 9 of 10) for the block
  Vote vote;             // the spec's worked example
  Vote nil_vote;
  Buf tx = bytes_of("hello");
  Masternode masternode;
  Masternode heavy_masternode;
};

// The weights of seeds 1..4, the fixture's members (and block_building's, selection's and
// reconciliation's).
inline constexpr std::uint64_t kFixtureWeights[] = {1, 2, 3, 4};

EncodingFixture make_encoding_fixture();

// The reconciliation messages of the encoding fixture: seed 3, holding the fixture block's
// three mempool transactions, asks for the block by sketch (a complete sample of three) and
// then for two of them by short id; the answers are a sketch of two cells a hash of the
// block's mempool transactions and those transactions.
struct ReconcileFixture {
  Buf sample_ids;
  ReconcileRequest sketch_request;
  Buf named_ids;
  ReconcileRequest transactions_request;
  Buf sketch;  // spec/reconciliation.md §3's encoding
  std::vector<TxBytes> named;  // the two transactions, ascending by txid
};

// Short ids as a reconcile request lists them: ascending, 8 bytes each.
Buf short_id_list(std::vector<ShortTxId> ids);
// A reconcile request of seed 3 (the requester of every reconciliation vector) for block
// `id` at height 1, signed; its ids are a view of `ids`, which must outlive it.
ReconcileRequest seed_3_reconcile_request(const ChainId& chain, const BlockId& id, ReconcileKind kind,
                                          std::uint32_t have, const Buf& ids);
ReconcileFixture make_reconcile_fixture(const EncodingFixture& f);

// The fixture certificate signed by the keys of wide seeds 1..n, in ascending key order.
// The one of 10,000 entries is listed by digest only (1 MB of hex would bury the file);
// the oracle (conform) rebuilds it by its name through encoding_message_from_name.
Certificate wide_certificate(const EncodingFixture& f, std::uint32_t signers_count);
constexpr const char* kWideCertificateName = "certificate of 10000 precommits (wide seeds 1..10000), by digest";

}  // namespace midnight::cli::vectors
