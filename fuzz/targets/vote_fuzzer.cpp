// libFuzzer target: the vote decoder (spec/encoding.md, "Vote") and, when the type byte
// says so, the commit-request or body-request decoder ("Commit request", "Body request"):
// fixed-size messages signed by one member.
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; its signature check, computed from the
//             decoded value, equals libsodium's over the input's own bytes (a vote signs
//             its first 78 body bytes after the tag, a commit request its first 40 after
//             its own tag, a body request its first 72), so it reads the input and
//             nothing else; a machine given a vote
//             either accepts it or rejects it without changing.
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
#include "midnight/crypto/hash.hpp"
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

// A request signed by one member (commit request, body request): prefix (2), its signed
// fields, requester 32, signature 64. Its signature is checked by libsodium over the tag
// and the signed fields exactly as they are on the wire.
bool request_verifies_from_bytes(std::span<const std::uint8_t> in, std::string_view tag, std::size_t signed_fields) {
  std::array<std::uint8_t, 128> msg{};
  auto* out = std::copy(tag.begin(), tag.end(), msg.begin());
  std::copy_n(in.begin() + kBody, signed_fields, out);
  const std::size_t requester_at = kBody + signed_fields;
  return crypto_sign_verify_detached(in.data() + requester_at + 32, msg.data(), tag.size() + signed_fields,
                                     in.data() + requester_at) == 0;
}

// Decodes `in` as a signed request; accepted, it re-encodes to the input, its signing
// input is its tag and signed fields as on the wire, and its signature check is libsodium's.
template <class Decode, class Encode, class SigningInput, class Verify>
void check_signed_request(std::span<const std::uint8_t> in, std::string_view tag, std::size_t signed_fields,
                          Decode decode, Encode encode, SigningInput signing_input_of, Verify verify) {
  DecodeWhere where;
  const auto decoded = decode(in, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    return;
  }
  const auto& request = decoded.value();
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode(request, out); });
  const auto signing_input = signing_input_of(request);
  MIDNIGHT_FUZZ_CHECK(signing_input.size() == tag.size() + signed_fields &&
                          std::equal(signing_input.begin() + static_cast<std::ptrdiff_t>(tag.size()),
                                     signing_input.end(), in.begin() + kBody),
                      "a request's signing input is not its signed fields as they are on the wire");
  MIDNIGHT_FUZZ_CHECK(verify(request) == request_verifies_from_bytes(in, tag, signed_fields),
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
      in, tag::kCommitRequest, kCommitRequestSignedFields,
      [](std::span<const std::uint8_t> b, DecodeWhere* w) { return decode_commit_request(b, w); },
      [](const CommitRequest& c, std::span<std::uint8_t> out) { return encode_commit_request(c, out); },
      [](const CommitRequest& c) { return commit_request_signing_input(c); },
      [](const CommitRequest& c) { return verify_commit_request(c); });
}

void check_body_request(std::span<const std::uint8_t> in) {
  check_signed_request(
      in, tag::kBodyRequest, kBodyRequestSignedFields,
      [](std::span<const std::uint8_t> b, DecodeWhere* w) { return decode_body_request(b, w); },
      [](const BodyRequest& r, std::span<std::uint8_t> out) { return encode_body_request(r, out); },
      [](const BodyRequest& r) { return body_request_signing_input(r); },
      [](const BodyRequest& r) { return verify_body_request(r); });
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
