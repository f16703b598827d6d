// The allocating encoders: size from codec.hpp, encode, hand the vector over.
#include "midnight/wire/encode_vector.hpp"

#include <cstddef>
#include <utility>

#include "midnight/core/invariant.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight {

namespace {

using Buf = std::vector<std::uint8_t>;

// `encode(span)` is one of codec.hpp's encoders; `size` is what codec.hpp says it writes.
template <class Encode>
result<Buf> encode_sized(std::size_t size, Encode&& encode) {
  Buf out(size);
  const result<std::size_t> n = encode(std::span<std::uint8_t>(out));
  if (!n) return n.error();
  // The encoders return exactly encoded_size_* (or the k*MessageSize constant).
  MIDNIGHT_INVARIANT(n.value() == size && "encoded_size_* and the encoder disagree");
  out.resize(n.value());
  return out;
}

}  // namespace

result<Buf> encode_to_vector(const Masternode& m) {
  return encode_sized(kMasternodeMessageSize, [&](std::span<std::uint8_t> out) { return encode_masternode(m, out); });
}

result<Buf> encode_to_vector(const BlockHeader& h) {
  return encode_sized(kHeaderMessageSize, [&](std::span<std::uint8_t> out) { return encode_header(h, out); });
}

result<Buf> encode_to_vector(const Proposal& p) {
  return encode_sized(kProposalMessageSize, [&](std::span<std::uint8_t> out) { return encode_proposal(p, out); });
}

result<Buf> encode_to_vector(const Vote& v) {
  return encode_sized(kVoteMessageSize, [&](std::span<std::uint8_t> out) { return encode_vote(v, out); });
}

result<Buf> encode_to_vector(const Certificate& c) {
  return encode_sized(encoded_size_certificate(c),
                      [&](std::span<std::uint8_t> out) { return encode_certificate(c, out); });
}

result<Buf> encode_to_vector(const CarriedPolka& r) {
  return encode_sized(encoded_size_polka(r), [&](std::span<std::uint8_t> out) { return encode_polka(r, out); });
}

result<Buf> encode_to_vector(const Reproposal& r) {
  return encode_sized(encoded_size_reproposal(r), [&](std::span<std::uint8_t> out) { return encode_reproposal(r, out); });
}

result<Buf> encode_to_vector(const CommitRequest& c) {
  return encode_sized(kCommitRequestMessageSize,
                      [&](std::span<std::uint8_t> out) { return encode_commit_request(c, out); });
}

result<Buf> encode_to_vector(const BodyRequest& b) {
  return encode_sized(kBodyRequestMessageSize, [&](std::span<std::uint8_t> out) { return encode_body_request(b, out); });
}

result<Buf> encode_to_vector(const ReconcileRequest& r) {
  return encode_sized(encoded_size_reconcile_request(r.ids.count()),
                      [&](std::span<std::uint8_t> out) { return encode_reconcile_request(r, out); });
}

result<Buf> encode_to_vector(const BodySketchView& s) {
  if (s.sketch.size() < kSketchHeaderBytes) return codec_errc::truncated;
  const std::size_t cells_per_hash = load_u32(s.sketch.data());
  if (cells_per_hash == 0 || cells_per_hash > kMaxSketchCellsPerHash) return codec_errc::length_out_of_range;
  return encode_sized(encoded_size_body_sketch(cells_per_hash),
                      [&](std::span<std::uint8_t> out) { return encode_body_sketch(s, out); });
}

result<Buf> encode_body_transactions_to_vector(const ChainId& chain, std::uint64_t height, const BlockId& block_id,
                                               std::span<const TxBytes> txs) {
  return encode_sized(encoded_size_body_transactions(txs), [&](std::span<std::uint8_t> out) {
    return encode_body_transactions(chain, height, block_id, txs, out);
  });
}

result<Buf> encode_transaction_to_vector(std::span<const std::uint8_t> tx) {
  return encode_sized(encoded_size_transaction(tx),
                      [&](std::span<std::uint8_t> out) { return encode_transaction(tx, out); });
}

result<Buf> encode_block_to_vector(const BlockHeader& h, const Signature& sig, std::span<const TxBytes> txs) {
  return encode_sized(encoded_size_block(txs),
                      [&](std::span<std::uint8_t> out) { return encode_block(h, sig, txs, out); });
}

result<Buf> encode_commit_to_vector(const Certificate& c, const BlockHeader& h, const Signature& sig,
                                    std::span<const TxBytes> txs) {
  return encode_sized(encoded_size_commit(c, txs),
                      [&](std::span<std::uint8_t> out) { return encode_commit(c, h, sig, txs, out); });
}

}  // namespace midnight
