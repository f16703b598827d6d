// libFuzzer target: the proposal decoder (spec/encoding.md, "Proposal").
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; its block id, its signature check and its
//             VRF proof check, computed from the decoded value, equal the same computed
//             independently from the input's own bytes at the offsets spec/encoding.md
//             gives (so they read the input and nothing else; ASan guards the bounds); a
//             machine given it either accepts it or rejects it without changing.
//   rejected  a readable codec error naming a field inside the input.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/check.hpp"
#include "common/proposal_bytes.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

// Offsets in the proposal message (common/proposal_bytes.hpp): prefix (2), then the
// header body (150), the signature (64) and the VRF proof (80).
using fuzz::kChainAt, fuzz::kHeightAt, fuzz::kPrevAt, fuzz::kProposerAt, fuzz::kProofAt;
static_assert(kProofAt + kVrfProofSize == kProposalMessageSize);

// The key a proposal's VRF proof is checked against: its proposer's VRF key in the fuzz
// membership; for a proposer outside it (which every machine refuses before any proof
// check), the proposer field itself, so that the two checks below still compare.
PublicKey vrf_key_of_proposer(const PublicKey& proposer) {
  const Membership& m = fuzz::fuzz_world().membership;
  const auto index = m.index_of(proposer);
  return index ? m.member(*index).vrf_key : proposer;
}

// verify_proposal_vrf, spelled out over the raw bytes: the proof at kProofAt, the
// proposer's VRF key, and alpha = tag || chain || height || round || prev id.
bool vrf_verifies_from_bytes(std::span<const std::uint8_t> in) {
  VrfInput alpha{};
  auto* out = std::copy(tag::kVrfInput.begin(), tag::kVrfInput.end(), alpha.begin());
  out = std::copy_n(in.begin() + kChainAt, 32, out);
  out = std::copy_n(in.begin() + kHeightAt, 8 + 4, out);  // height, then round
  std::copy_n(in.begin() + kPrevAt, 32, out);
  PublicKey proposer;
  VrfProof pi;
  std::copy_n(in.begin() + kProposerAt, 32, proposer.v.begin());
  std::copy_n(in.begin() + kProofAt, kVrfProofSize, pi.v.begin());
  return ecvrf_verify(vrf_key_of_proposer(proposer), pi, alpha).has_value();
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
  MIDNIGHT_FUZZ_CHECK(id == fuzz::block_id_from_bytes(in),
                      "the block id is not the hash of the input's header bytes");
  const bool signed_ok = verify_proposal(p);
  MIDNIGHT_FUZZ_CHECK(signed_ok == fuzz::proposal_signature_verifies_from_bytes(in),
                      "the proposal's signature check disagrees with libsodium over the input's bytes");
  const bool proof_ok = verify_proposal_vrf(p, vrf_key_of_proposer(p.header.proposer)).has_value();
  MIDNIGHT_FUZZ_CHECK(proof_ok == vrf_verifies_from_bytes(in),
                      "the proposal's VRF check disagrees with ECVRF over the input's bytes");

  // One machine under policy A (never checks the proof) and one under policy B (must).
  // Each is reset after every accepted message, so every input meets a fresh machine.
  static RoundMachine machine = fuzz::make_fuzz_machine(0);
  static const RoundMachine before = machine;
  static RoundMachine vrf_machine = fuzz::make_fuzz_machine(0, true, &fuzz::fuzz_world().vrf_policy);
  static const RoundMachine vrf_before = vrf_machine;
  const auto r = machine.on_proposal(p);
  MIDNIGHT_FUZZ_CHECK(r || !signed_ok || r.error() != make_error_code(round_errc::bad_signature),
                      "the machine rejects a signature that verifies");
  MIDNIGHT_FUZZ_CHECK(r || r.error() != make_error_code(round_errc::bad_vrf_proof),
                      "a policy-A machine checked a VRF proof");
  fuzz::check_handler(r, machine, before);
  // Accepted by B: stored after its proof verified, or identical to the machine's own.
  const auto rv = vrf_machine.on_proposal(p);
  MIDNIGHT_FUZZ_CHECK(!rv || proof_ok, "a policy-B machine accepted a proposal whose VRF proof does not verify");
  MIDNIGHT_FUZZ_CHECK(rv || !proof_ok || rv.error() != make_error_code(round_errc::bad_vrf_proof),
                      "a policy-B machine rejects a VRF proof that verifies");
  fuzz::check_handler(rv, vrf_machine, vrf_before);
  return 0;
}
