// libFuzzer target: the proposal decoder (spec/encoding.md, "Proposal").
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; its block id and its signature check,
//             computed from the decoded value, equal the same computed independently
//             from the input's own bytes at the offsets spec/encoding.md gives (so they
//             read the input and nothing else; ASan guards the bounds); a machine given
//             it either accepts it or rejects it without changing.
//   rejected  a readable codec error naming a field inside the input.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/check.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

// Offsets in the proposal message: prefix (2), then the header body (150), then the signature.
constexpr std::size_t kBody = kPrefixSize;
constexpr std::size_t kChainAt = kBody + 2, kHeightAt = kBody + 34, kProposerAt = kBody + 118;
constexpr std::size_t kSignatureAt = kBody + kHeaderBodySize;
static_assert(kSignatureAt + 64 == kProposalMessageSize);

// proposal_signing_input, spelled out over the raw bytes: tag || chain || height || round || block id.
bool verify_from_bytes(std::span<const std::uint8_t> in) {
  const Hash32 id = Sha256().update(tag::kBlockId).update(in.subspan(kBody, kHeaderBodySize)).finish();
  std::array<std::uint8_t, kProposalSigningInputSize> msg{};
  auto* out = std::copy(tag::kProposal.begin(), tag::kProposal.end(), msg.begin());
  out = std::copy_n(in.begin() + kChainAt, 32, out);
  out = std::copy_n(in.begin() + kHeightAt, 8 + 4, out);  // height, then round
  std::copy(id.v.begin(), id.v.end(), out);
  return crypto_sign_verify_detached(in.data() + kSignatureAt, msg.data(), msg.size(), in.data() + kProposerAt) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  DecodeWhere where;
  const auto decoded = decode_proposal(in, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, size);
    return 0;
  }
  const Proposal& p = decoded.value();
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_proposal(p, out); });
  const BlockId id = compute_block_id(p.header);
  MIDNIGHT_FUZZ_CHECK(id == Sha256().update(tag::kBlockId).update(in.subspan(kBody, kHeaderBodySize)).finish(),
                      "the block id is not the hash of the input's header bytes");
  const bool signed_ok = verify_proposal(p);
  MIDNIGHT_FUZZ_CHECK(signed_ok == verify_from_bytes(in),
                      "the proposal's signature check disagrees with libsodium over the input's bytes");

  static RoundMachine machine = fuzz::make_fuzz_machine(0);
  static const RoundMachine before = machine;
  const auto r = machine.on_proposal(p);
  MIDNIGHT_FUZZ_CHECK(r || !signed_ok || r.error() != make_error_code(round_errc::bad_signature),
                      "the machine rejects a signature that verifies");
  fuzz::check_handler(r, machine, before);
  return 0;
}
