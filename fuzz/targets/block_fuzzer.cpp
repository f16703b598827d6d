// libFuzzer target: the block decoder (spec/encoding.md, "Block") and, when the type byte
// says so, the decoders of the answers of body reconciliation ("Body sketch", "Body
// transactions"), which carry a block's body, or its difference, as views.
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; every transaction view (and a sketch's
//             cells) lies inside the input, so the Merkle root and the txids hash input
//             bytes and nothing else (ASan guards the bounds); the block id is the hash
//             of the input's header bytes; the mempool transactions' txids, recomputed
//             here, are strictly ascending (the decoder's order rule, checked
//             independently). A sketch or transactions answer is given to a machine
//             that awaits it (common/reconcile_scene.hpp): it accepts it or rejects it
//             without changing; what it then asks for names no transaction it holds,
//             and a body it then holds hashes to the header's root.
//   rejected  a readable codec error naming a field inside the input, and the caller's
//             BlockView (BodyTransactionsView) exactly as it was before the call.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/check.hpp"
#include "common/fuzz_world.hpp"
#include "common/reconcile_scene.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/node/body_messages.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

bool same_view(const BlockView& a, const BlockView& b) {
  if (!(a.header == b.header) || a.signature != b.signature || a.tx_count != b.tx_count) return false;
  for (std::size_t i = 0; i < a.txs.size(); ++i)
    if (a.txs[i].data() != b.txs[i].data() || a.txs[i].size() != b.txs[i].size()) return false;
  return true;
}

// The ids of a machine's own mempool transactions under the sketch key of `id`.
std::vector<ShortTxId> own_short_ids(const RoundMachine& m, const BlockId& id) {
  const SketchKey key = sketch_key(id);
  std::vector<ShortTxId> out;
  const auto own = m.own_transactions();
  for (std::size_t i = 1; i < own.size(); ++i) out.push_back(short_tx_id(key, compute_txid(fuzz::fuzz_world().chain, own[i])));
  std::sort(out.begin(), out.end());
  return out;
}

// After a reconciliation answer was accepted: what the machine asks for next, encoded as
// its host would, never names a transaction it holds, and a body of the block it now
// holds is the header's.
void check_after_answer(const RoundMachine& m, Actions actions, const BlockId& id) {
  const fuzz::ReconcileScene& scene = fuzz::reconcile_scene();
  for (const Action& a : actions) {
    if (a.kind != ActionKind::request_transactions) continue;
    const auto bytes =
        encode_body_action(m, fuzz::fuzz_world().chain, fuzz::kFuzzHeight, fuzz::fuzz_world().keys.at(scene.requester), a, nullptr);
    MIDNIGHT_FUZZ_CHECK(bytes != nullptr, "a transactions request sends nothing");
    const auto request = decode_reconcile_request(*bytes);
    MIDNIGHT_FUZZ_CHECK(request && request.value().kind == ReconcileKind::transactions && request.value().block_id == id,
                        "a transactions request does not decode, or is for another block");
    const std::vector<ShortTxId> own = own_short_ids(m, id);
    for (std::size_t i = 0; i < request.value().ids.count(); ++i)
      MIDNIGHT_FUZZ_CHECK(!std::binary_search(own.begin(), own.end(), request.value().ids[i]),
                          "a transactions request names a transaction the node holds");
  }
  if (const auto held = m.body_of(id))
    MIDNIGHT_FUZZ_CHECK(merkle_root(held->txs) == held->header.merkle_root, "a held body is not the header's");
}

void check_body_sketch(std::span<const std::uint8_t> in) {
  DecodeWhere where;
  const auto decoded = decode_body_sketch(in, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    return;
  }
  const BodySketchView& s = decoded.value();
  MIDNIGHT_FUZZ_CHECK(fuzz::lies_within(s.sketch, in) && s.sketch.size() >= kSketchHeaderBytes,
                      "a sketch view points outside the input");
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_body_sketch(s, out); });
  static RoundMachine machine = *fuzz::reconcile_scene().awaiting_sketch;
  static const RoundMachine before = machine;
  const auto r = machine.on_body_sketch(s);
  if (r) check_after_answer(machine, r.value(), s.block_id);
  fuzz::check_handler(r, machine, before);
}

bool same_transactions(const BodyTransactionsView& a, const BodyTransactionsView& b) {
  if (!(a.chain_id == b.chain_id) || a.height != b.height || !(a.block_id == b.block_id) || a.txs.size() != b.txs.size())
    return false;
  for (std::size_t i = 0; i < a.txs.size(); ++i)
    if (a.txs[i].data() != b.txs[i].data() || a.txs[i].size() != b.txs[i].size()) return false;
  return true;
}

void check_body_transactions(std::span<const std::uint8_t> in) {
  // Kept from input to input: a failed decode must leave the previous contents alone.
  static BodyTransactionsView view;
  static BodyTransactionsView before_view;
  before_view = view;
  DecodeWhere where;
  const auto decoded = decode_body_transactions(in, view, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    MIDNIGHT_FUZZ_CHECK(same_transactions(view, before_view), "rejected transactions changed the caller's view");
    return;
  }
  MIDNIGHT_FUZZ_CHECK(!view.txs.empty(), "decoded transactions hold none");
  for (const TxBytes& tx : view.txs)
    MIDNIGHT_FUZZ_CHECK(fuzz::lies_within(tx, in), "a transaction view points outside the input");
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) {
    return encode_body_transactions(view.chain_id, view.height, view.block_id, view.txs, out);
  });
  TxId previous;
  for (std::size_t i = 0; i < view.txs.size(); ++i) {
    const TxId id = compute_txid(view.chain_id, view.txs[i]);
    MIDNIGHT_FUZZ_CHECK(i == 0 || previous < id, "decoded transactions' txids are not strictly ascending");
    previous = id;
  }
  static RoundMachine machine = *fuzz::reconcile_scene().awaiting_transactions;
  static const RoundMachine before = machine;
  const auto r = machine.on_body_transactions(view);
  if (r) check_after_answer(machine, r.value(), view.block_id);
  fuzz::check_handler(r, machine, before);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  if (const auto type = peek_message_type(in); type && type.value() == MessageType::body_sketch) {
    check_body_sketch(in);
    return 0;
  }
  if (const auto type = peek_message_type(in); type && type.value() == MessageType::body_transactions) {
    check_body_transactions(in);
    return 0;
  }
  // Kept from input to input: a failed decode must leave the previous contents alone.
  static BlockView view;
  static BlockView before;
  before = view;
  DecodeWhere where;
  const auto decoded = decode_block(in, view, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, size);
    MIDNIGHT_FUZZ_CHECK(same_view(view, before), "a rejected block changed the caller's BlockView");
    return 0;
  }
  const auto txs = view.transactions();
  MIDNIGHT_FUZZ_CHECK(txs.size() >= 1, "a decoded block has no coinbase");
  for (const TxBytes& tx : txs) MIDNIGHT_FUZZ_CHECK(fuzz::lies_within(tx, in), "a transaction view points outside the input");

  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_block(view.header, view.signature, txs, out); });

  MIDNIGHT_FUZZ_CHECK(compute_block_id(view.header) ==
                          Sha256().update(tag::kBlockId).update(in.subspan(kPrefixSize, kHeaderBodySize)).finish(),
                      "the block id is not the hash of the input's header bytes");
  TxId previous;
  for (std::size_t i = 1; i < txs.size(); ++i) {
    const TxId id = compute_txid(view.header.chain_id, txs[i]);
    MIDNIGHT_FUZZ_CHECK(i == 1 || previous < id, "a decoded block's txids are not strictly ascending");
    previous = id;
  }
  // Both read only the views (inside the input, checked above); their values are checked
  // by the unit tests and the vectors, here they must merely run on anything decodable.
  (void)merkle_root(txs);
  (void)verify_proposal(Proposal{view.header, view.signature});
  return 0;
}
