// libFuzzer target: the vote decoder (spec/encoding.md, "Vote") and, when the type byte
// says so, the commit-request, body-request or reconcile-request decoder ("Commit
// request", "Body request", "Reconcile request"): messages signed by one member.
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; its signature check, computed from the
//             decoded value, equals libsodium's over the input's own bytes (a vote signs
//             its first 78 body bytes after the tag, a commit request its first 40 after
//             its own tag, a body request its first 72, a reconcile request its first 72,
//             its kind and have, and the SHA-256 of its short ids), so it reads the input
//             and nothing else; a machine given a vote or a reconcile request either
//             accepts it or rejects it without changing, and answers a reconcile request
//             only when its signature verifies, with a sketch, a block or transactions
//             of the block named that decode (the transactions only those named).
//   rejected  a readable codec error naming a field inside the input.
// Built with MIDNIGHT_VOTE_FUZZER_LENIENT it is a negative control: the decoder under
// test then reads any approve byte above 1 as "approve" (the mistake of testing
// `byte != 0`), and the re-encoding check must catch it (fuzz/CMakeLists.txt).
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/check.hpp"
#include "common/fuzz_world.hpp"
#include "common/reconcile_scene.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/node/body_messages.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

// Offsets in the vote message: prefix (2), then chain 32, height 8, round 4, step 1,
// block id 32, approve 1 (the signed fields), voter 32, signature 64.
constexpr std::size_t kBody = kPrefixSize;
constexpr std::size_t kSignedFields = 32 + 8 + 4 + 1 + 32 + 1;
constexpr std::size_t kVoterAt = kBody + kSignedFields, kSignatureAt = kVoterAt + 32;
static_assert(kSignatureAt + 64 == kVoteMessageSize);
static_assert(kVoteSigningInputSize == 17 + kSignedFields, "a vote signs its tag and its signed fields");

bool verify_from_bytes(std::span<const std::uint8_t> in) {
  std::array<std::uint8_t, kVoteSigningInputSize> msg{};
  auto* out = std::copy(tag::kVote.begin(), tag::kVote.end(), msg.begin());
  std::copy_n(in.begin() + kBody, kSignedFields, out);
  return crypto_sign_verify_detached(in.data() + kSignatureAt, msg.data(), msg.size(), in.data() + kVoterAt) == 0;
}

// What a signed request's signature covers, cut from the input's own bytes: the signed
// message (its tag first) and where the signer's key and the signature are.
struct SignedBytes {
  std::array<std::uint8_t, 160> message{};
  std::size_t size = 0;
  const std::uint8_t* requester = nullptr;
  const std::uint8_t* signature = nullptr;
};

// A commit or body request: prefix (2), its signed fields, requester 32, signature 64; it
// signs the tag and the signed fields exactly as they are on the wire.
SignedBytes fixed_request_bytes(std::span<const std::uint8_t> in, std::string_view tag, std::size_t signed_fields) {
  SignedBytes b;
  auto* out = std::copy(tag.begin(), tag.end(), b.message.begin());
  std::copy_n(in.begin() + kBody, signed_fields, out);
  b.size = tag.size() + signed_fields;
  b.requester = in.data() + kBody + signed_fields;
  b.signature = b.requester + 32;
  return b;
}

// Decodes `in` as a signed request; accepted, it re-encodes to the input, its signing
// input is what `wire` cuts from the input, and its signature check is libsodium's over it.
template <class Decode, class Encode, class SigningInput, class Verify, class Wire>
void check_signed_request(std::span<const std::uint8_t> in, Decode decode, Encode encode,
                          SigningInput signing_input_of, Verify verify, Wire wire) {
  DecodeWhere where;
  const auto decoded = decode(in, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    return;
  }
  const auto& request = decoded.value();
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode(request, out); });
  const SignedBytes expected = wire(in);
  const auto signing_input = signing_input_of(request);
  MIDNIGHT_FUZZ_CHECK(signing_input.size() == expected.size &&
                          std::equal(signing_input.begin(), signing_input.end(), expected.message.begin()),
                      "a request's signing input is not its signed fields as they are on the wire");
  MIDNIGHT_FUZZ_CHECK(verify(request) == (crypto_sign_verify_detached(expected.signature, expected.message.data(),
                                                                      expected.size, expected.requester) == 0),
                      "a request's signature check disagrees with libsodium over the input's bytes");
}

// Commit request: chain 32 and height 8 signed; body request: chain 32, height 8, block id 32.
constexpr std::size_t kCommitRequestSignedFields = 32 + 8, kBodyRequestSignedFields = 32 + 8 + 32;
static_assert(kBody + kCommitRequestSignedFields + 32 + 64 == kCommitRequestMessageSize);
static_assert(kBody + kBodyRequestSignedFields + 32 + 64 == kBodyRequestMessageSize);
static_assert(kCommitRequestSigningInputSize == tag::kCommitRequest.size() + kCommitRequestSignedFields);
static_assert(kBodyRequestSigningInputSize == tag::kBodyRequest.size() + kBodyRequestSignedFields);

void check_commit_request(std::span<const std::uint8_t> in) {
  check_signed_request(
      in, [](std::span<const std::uint8_t> b, DecodeWhere* w) { return decode_commit_request(b, w); },
      [](const CommitRequest& c, std::span<std::uint8_t> out) { return encode_commit_request(c, out); },
      [](const CommitRequest& c) { return commit_request_signing_input(c); },
      [](const CommitRequest& c) { return verify_commit_request(c); },
      [](std::span<const std::uint8_t> b) { return fixed_request_bytes(b, tag::kCommitRequest, kCommitRequestSignedFields); });
}

void check_body_request(std::span<const std::uint8_t> in) {
  check_signed_request(
      in, [](std::span<const std::uint8_t> b, DecodeWhere* w) { return decode_body_request(b, w); },
      [](const BodyRequest& r, std::span<std::uint8_t> out) { return encode_body_request(r, out); },
      [](const BodyRequest& r) { return body_request_signing_input(r); },
      [](const BodyRequest& r) { return verify_body_request(r); },
      [](std::span<const std::uint8_t> b) { return fixed_request_bytes(b, tag::kBodyRequest, kBodyRequestSignedFields); });
}

// Reconcile request: prefix (2), chain 32, height 8, block id 32 (signed as they are),
// requester 32, kind 1 and have 4 (signed as they are), count 4, 8 bytes a short id,
// signature 64. It signs its tag, chain, height and block id, kind and have, and the
// SHA-256 of its short ids' bytes (hashed here by libsodium, not the library's SHA-256).
constexpr std::size_t kReconcileLeadFields = 32 + 8 + 32;
constexpr std::size_t kReconcileRequesterAt = kBody + kReconcileLeadFields;
constexpr std::size_t kReconcileKindAt = kReconcileRequesterAt + 32;
constexpr std::size_t kReconcileIdsAt = kReconcileKindAt + 1 + 4 + 4;
static_assert(kReconcileIdsAt + 64 == kPrefixSize + kReconcileRequestFixedSize);
static_assert(kReconcileRequestSigningInputSize == tag::kReconcileRequest.size() + kReconcileLeadFields + 1 + 4 + 32);

SignedBytes reconcile_request_bytes(std::span<const std::uint8_t> in) {
  SignedBytes b;
  auto* out = std::copy(tag::kReconcileRequest.begin(), tag::kReconcileRequest.end(), b.message.begin());
  out = std::copy_n(in.begin() + kBody, kReconcileLeadFields, out);
  out = std::copy_n(in.begin() + kReconcileKindAt, 1 + 4, out);
  const std::span<const std::uint8_t> ids = in.subspan(kReconcileIdsAt, in.size() - 64 - kReconcileIdsAt);
  crypto_hash_sha256(out, ids.data(), ids.size());
  b.size = static_cast<std::size_t>(out - b.message.data()) + 32;
  b.requester = in.data() + kReconcileRequesterAt;
  b.signature = in.data() + in.size() - 64;
  return b;
}

// The serving machine of the reconciliation scene: a holder of a body that answers
// sketch and transactions requests (common/reconcile_scene.hpp).
void check_served(const ReconcileRequest& r) {
  const fuzz::ReconcileScene& scene = fuzz::reconcile_scene();
  static RoundMachine machine = *scene.serving;
  static const RoundMachine before = machine;
  const bool signed_ok = verify_reconcile_request(r);
  const auto answered = machine.on_reconcile_request(r);
  MIDNIGHT_FUZZ_CHECK(answered || !signed_ok || answered.error() != make_error_code(round_errc::bad_signature),
                      "the machine rejects a reconcile request whose signature verifies");
  if (answered) {
    MIDNIGHT_FUZZ_CHECK(answered.value().empty() || signed_ok, "the machine answers a reconcile request that is not signed");
    // What its host would send, encoded as node/body_messages.hpp does: it decodes, and
    // it is about the block named (a transactions answer: only transactions named).
    const auto& keys = fuzz::fuzz_world().keys.at(scene.server);
    for (const Action& a : answered.value()) {
      MIDNIGHT_FUZZ_CHECK(a.kind == ActionKind::send_sketch || a.kind == ActionKind::send_body ||
                              a.kind == ActionKind::send_transactions,
                          "the machine answers a reconcile request with something else than an answer");
      const auto bytes = encode_body_action(machine, r.chain_id, r.height, keys, a, &r);
      if (a.kind == ActionKind::send_sketch) {
        MIDNIGHT_FUZZ_CHECK(r.kind == ReconcileKind::sketch && bytes != nullptr, "a sketch answers no sketch request");
        const auto sketch = decode_body_sketch(*bytes);
        MIDNIGHT_FUZZ_CHECK(sketch && sketch.value().block_id == r.block_id &&
                                load_u32(sketch.value().sketch.data()) <= TxSketch::cells_per_hash_for(r.have),
                            "a sketch answer does not decode, names another block or is larger than the requester accepts");
      } else if (a.kind == ActionKind::send_body) {
        MIDNIGHT_FUZZ_CHECK(r.kind == ReconcileKind::sketch && bytes != nullptr, "a block answers no sketch request");
        static BlockView block;
        MIDNIGHT_FUZZ_CHECK(decode_block(*bytes, block) && compute_block_id(block.header) == r.block_id,
                            "a block answer does not decode or is of another block");
      } else if (bytes != nullptr) {  // none of the named transactions in the block: nothing is sent
        MIDNIGHT_FUZZ_CHECK(r.kind == ReconcileKind::transactions, "transactions answer no transactions request");
        static BodyTransactionsView txs;
        MIDNIGHT_FUZZ_CHECK(decode_body_transactions(*bytes, txs) && txs.block_id == r.block_id,
                            "a transactions answer does not decode or is of another block");
        const SketchKey key = sketch_key(r.block_id);
        for (const TxBytes& tx : txs.txs) {
          const ShortTxId id = short_tx_id(key, compute_txid(r.chain_id, tx));
          bool named = false;
          for (std::size_t i = 0; i < r.ids.count() && !named; ++i) named = r.ids[i] == id;
          MIDNIGHT_FUZZ_CHECK(named, "a transactions answer holds a transaction that was not named");
        }
      }
    }
  }
  fuzz::check_handler(answered, machine, before);
}

void check_reconcile_request(std::span<const std::uint8_t> in) {
  check_signed_request(
      in, [](std::span<const std::uint8_t> b, DecodeWhere* w) { return decode_reconcile_request(b, w); },
      [](const ReconcileRequest& r, std::span<std::uint8_t> out) { return encode_reconcile_request(r, out); },
      [](const ReconcileRequest& r) { return reconcile_request_signing_input(r); },
      [](const ReconcileRequest& r) { return verify_reconcile_request(r); }, reconcile_request_bytes);
  if (const auto decoded = decode_reconcile_request(in)) check_served(decoded.value());
}

#ifdef MIDNIGHT_VOTE_FUZZER_LENIENT
constexpr std::size_t kApproveAt = kVoterAt - 1;
result<Vote> decode_under_test(std::span<const std::uint8_t> in, DecodeWhere* where) {
  if (in.size() != kVoteMessageSize || in[kApproveAt] <= 1) return decode_vote(in, where);
  std::array<std::uint8_t, kVoteMessageSize> lax{};
  std::copy(in.begin(), in.end(), lax.begin());
  lax[kApproveAt] = 1;
  return decode_vote(lax, where);
}
#else
result<Vote> decode_under_test(std::span<const std::uint8_t> in, DecodeWhere* where) { return decode_vote(in, where); }
#endif

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  if (const auto type = peek_message_type(in); type && type.value() == MessageType::commit_request) {
    check_commit_request(in);
    return 0;
  }
  if (const auto type = peek_message_type(in); type && type.value() == MessageType::body_request) {
    check_body_request(in);
    return 0;
  }
  if (const auto type = peek_message_type(in); type && type.value() == MessageType::reconcile_request) {
    check_reconcile_request(in);
    return 0;
  }
  DecodeWhere where;
  const auto decoded = decode_under_test(in, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, size);
    return 0;
  }
  const Vote& v = decoded.value();
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_vote(v, out); });
  const auto signing_input = vote_signing_input(v);
  MIDNIGHT_FUZZ_CHECK(std::equal(signing_input.begin() + 17, signing_input.end(), in.begin() + kBody),
                      "a vote's signing input is not its signed fields as they are on the wire");
  const bool signed_ok = verify_vote(v);
  MIDNIGHT_FUZZ_CHECK(signed_ok == verify_from_bytes(in),
                      "the vote's signature check disagrees with libsodium over the input's bytes");

  static RoundMachine machine = fuzz::make_fuzz_machine(0);
  static const RoundMachine before = machine;
  const auto r = machine.on_vote(v);
  MIDNIGHT_FUZZ_CHECK(r || !signed_ok || r.error() != make_error_code(round_errc::bad_signature),
                      "the machine rejects a signature that verifies");
  fuzz::check_handler(r, machine, before);
  return 0;
}
