// Encoding of the body actions: see body_messages.hpp.
#include "midnight/node/body_messages.hpp"

#include <array>
#include <span>

#include "midnight/core/invariant.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {

namespace {

using Bytes_ = std::shared_ptr<const std::vector<std::uint8_t>>;

Bytes_ shared_or_none(result<std::vector<std::uint8_t>> r) {
  // Every value encoded here comes from the machine: it encodes.
  MIDNIGHT_INVARIANT(r.has_value() && "body actions only encode values that encode");
  if (!r) return nullptr;
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(r).value());
}

// Short ids as a reconcile request carries them: 8 bytes each, big-endian.
std::vector<std::uint8_t> short_id_bytes(std::span<const ShortTxId> ids) {
  std::vector<std::uint8_t> out(8 * ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(out.data() + 8 * i, ids[i]);
  return out;
}

}  // namespace

Bytes_ encode_body_action(const RoundMachine& m, const ChainId& chain, std::uint64_t height, const Keypair& keys,
                          const Action& a, const ReconcileRequest* serving) {
  switch (a.kind) {
    case ActionKind::request_body: {
      BodyRequest request;
      request.chain_id = chain;
      request.height = height;
      request.block_id = a.block_id;
      request.requester = keys.public_key;
      return shared_or_none(encode_to_vector(sign_body_request(request, keys.secret_key)));
    }
    case ActionKind::send_body: {
      const auto b = m.body_of(a.block_id);
      if (!b) return nullptr;
      return shared_or_none(encode_block_to_vector(b->header, b->signature, b->txs));
    }
    case ActionKind::request_sketch:
    case ActionKind::request_transactions: {
      const bool sketch = a.kind == ActionKind::request_sketch;
      std::array<ShortTxId, kReconcileSampleIds> sample{};
      const std::size_t sampled = sketch ? m.reconcile_sample(a.block_id, sample) : 0;
      const std::vector<std::uint8_t> ids =
          sketch ? short_id_bytes(std::span(sample).first(sampled)) : short_id_bytes(m.lacked_short_ids());
      ReconcileRequest request;
      request.chain_id = chain;
      request.height = height;
      request.block_id = a.block_id;
      request.requester = keys.public_key;
      request.kind = sketch ? ReconcileKind::sketch : ReconcileKind::transactions;
      // A complete sample states the number of distinct short ids it holds (two of our
      // transactions sharing a short id, a 2^-64 event per pair, count once), so that the
      // request is canonical: count = min(have, kReconcileSampleIds).
      request.have = sketch ? std::uint32_t(sampled < kReconcileSampleIds ? sampled : m.reconcile_have()) : 0;
      request.ids.bytes = ids;
      return shared_or_none(encode_to_vector(sign_reconcile_request(request, keys.secret_key)));
    }
    case ActionKind::send_sketch: {
      const auto b = m.body_of(a.block_id);
      if (!b) return nullptr;
      // The sketch is written where the message carries it, then framed in place.
      std::vector<std::uint8_t> out(encoded_size_body_sketch(a.cells_per_hash));
      const std::span<std::uint8_t> sketch = std::span(out).subspan(kPrefixSize + kBodySketchFixedSize);
      m.encode_body_sketch(a.block_id, a.cells_per_hash, sketch);
      const BodySketchView view{chain, height, a.block_id, std::uint32_t(b->txs.size() - 1), sketch};
      const auto n = encode_body_sketch(view, out);
      MIDNIGHT_INVARIANT(n.has_value() && n.value() == out.size());
      return std::make_shared<const std::vector<std::uint8_t>>(std::move(out));
    }
    case ActionKind::send_transactions: {
      // Only while the request that asked is at hand; none of the named ids in the block:
      // nothing to send (the requester asks again, or for the whole block, in time).
      if (serving == nullptr) return nullptr;
      const std::span<const TxBytes> txs = m.transactions_named(*serving);
      if (txs.empty()) return nullptr;
      return shared_or_none(encode_body_transactions_to_vector(chain, height, a.block_id, txs));
    }
    default:
      return nullptr;
  }
}

}  // namespace midnight
