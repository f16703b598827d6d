// libFuzzer target: the polka and re-proposal decoders (spec/encoding.md 3.9, 3.15). A polka
// message (0x0f) is a proposal body followed by a certificate body, the polka, whose entries
// are prevotes; a re-proposal (0x09) is its round, reproposer, VRF proof and signature
// followed by exactly a polka message's body. The input's type byte picks the decoder.
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; the block id is SHA-256 over the input's
//             own header bytes and the proposal's signature check equals libsodium over
//             a signing input cut from the input's bytes; verify_polka accepts exactly
//             when the independent judge over the input's polka bytes does (the
//             certificate judge with prevote signatures); a re-proposal's own signature
//             check equals libsodium over its signing input cut from the input's bytes; a
//             round machine given it either refuses it without changing, or accepts it,
//             and then (a fresh machine has no polka it could take it for) the proposal is
//             signed, the polka verifies, is for the proposal's block and not older than
//             it, and a re-proposal is signed by its reproposer and of a later round than
//             its polka; a refusal as bad_polka or bad_signature is one of those failing.
//   rejected  a readable codec error naming a field inside the input, and the caller's
//             value exactly as it was before the call.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/check.hpp"
#include "common/proposal_bytes.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

// Offsets in the polka message: prefix (2), the proposal body (header 150, signature 64,
// VRF proof 80; common/proposal_bytes.hpp), then the polka's certificate body.
constexpr std::size_t kPolkaAt = fuzz::kBody + kProposalBodySize;
static_assert(kPolkaAt == kProposalMessageSize);
// In a re-proposal: round u32, reproposer 32, VRF proof 80, signature 64, then the polka body.
constexpr std::size_t kRoundAt = kPrefixSize, kReproposerAt = kRoundAt + 4, kReSignatureAt = kReproposerAt + 32 + 80;
constexpr std::size_t kCarriedAt = kPrefixSize + kReproposalFixedSize;
// In a certificate body: chain 32, height 8, round 4, block id 32, count 2.
constexpr std::size_t kCertRoundAt = 32 + 8;

// What both messages share, judged over a polka message's bytes `in`.
struct PolkaVerdict {
  bool signed_ok = false;
  bool polka_ok = false;
  BlockId id;
};

PolkaVerdict judge_polka(std::span<const std::uint8_t> in, const CarriedPolka& rp) {
  PolkaVerdict v;
  v.id = compute_block_id(rp.proposal.header);
  MIDNIGHT_FUZZ_CHECK(v.id == fuzz::block_id_from_bytes(in), "the block id is not the hash of the input's header bytes");
  v.signed_ok = verify_proposal(rp.proposal);
  MIDNIGHT_FUZZ_CHECK(v.signed_ok == fuzz::proposal_signature_verifies_from_bytes(in),
                      "the proposal's signature check disagrees with libsodium over the input's bytes");
  const fuzz::FuzzWorld& w = fuzz::fuzz_world();
  const auto polka = verify_polka(rp.polka, w.membership, w.chain);
  if (!polka) MIDNIGHT_FUZZ_CHECK(!polka.error().message().empty(), "a polka error has no message");
  v.polka_ok = polka.has_value();
  MIDNIGHT_FUZZ_CHECK(v.polka_ok == fuzz::judge_vote_quorum(in.subspan(kPolkaAt), VoteStep::prevote),
                      "verify_polka disagrees with the independent judge over the input's bytes");
  return v;
}

// reproposal_signing_input spelled out over the raw bytes: tag || chain || height (the
// carried header's) || round || reproposer || block id || polka round, verified with libsodium.
bool reproposal_signature_verifies_from_bytes(std::span<const std::uint8_t> in, const BlockId& id) {
  std::array<std::uint8_t, kReproposalSigningInputSize> msg{};
  auto* out = std::copy(tag::kReproposal.begin(), tag::kReproposal.end(), msg.begin());
  out = std::copy_n(in.begin() + kCarriedAt - kPrefixSize + fuzz::kChainAt, 32, out);
  out = std::copy_n(in.begin() + kCarriedAt - kPrefixSize + fuzz::kHeightAt, 8, out);
  out = std::copy_n(in.begin() + kRoundAt, 4, out);
  out = std::copy_n(in.begin() + kReproposerAt, 32, out);
  out = std::copy(id.v.begin(), id.v.end(), out);
  std::copy_n(in.begin() + kCarriedAt + kProposalBodySize + kCertRoundAt, 4, out);
  return crypto_sign_verify_detached(in.data() + kReSignatureAt, msg.data(), msg.size(), in.data() + kReproposerAt) == 0;
}

int fuzz_polka(std::span<const std::uint8_t> in) {
  static CarriedPolka rp;
  static CarriedPolka before_decode;
  before_decode = rp;
  DecodeWhere where;
  const auto decoded = decode_polka(in, rp, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    MIDNIGHT_FUZZ_CHECK(rp == before_decode, "a rejected polka changed the caller's CarriedPolka");
    return 0;
  }
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_polka(rp, out); });
  const PolkaVerdict v = judge_polka(in, rp);

  // A fresh machine of node 0 in round 0 (reset after every accepted message).
  static RoundMachine machine = fuzz::make_fuzz_machine(0);
  static const RoundMachine before = machine;
  const auto r = machine.on_polka(rp);
  const bool sound = v.signed_ok && v.polka_ok && rp.polka.block_id == v.id && rp.polka.round >= rp.proposal.header.round;
  MIDNIGHT_FUZZ_CHECK(!r || sound, "the machine accepted a polka that is not a signed proposal with its polka");
  MIDNIGHT_FUZZ_CHECK(r || !sound ||
                          (r.error() != make_error_code(round_errc::bad_polka) &&
                           r.error() != make_error_code(round_errc::bad_signature)),
                      "the machine refused a signed proposal with a valid polka for it as bad_polka or bad_signature");
  fuzz::check_handler(r, machine, before);
  return 0;
}

int fuzz_reproposal(std::span<const std::uint8_t> in) {
  static Reproposal rp;
  static Reproposal before_decode;
  before_decode = rp;
  DecodeWhere where;
  const auto decoded = decode_reproposal(in, rp, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    MIDNIGHT_FUZZ_CHECK(rp == before_decode, "a rejected re-proposal changed the caller's Reproposal");
    return 0;
  }
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_reproposal(rp, out); });
  // Its tail is a polka message's body: judged as one, with a polka prefix in front.
  static std::vector<std::uint8_t> carried;
  carried.assign(in.begin(), in.begin() + kPrefixSize);
  carried[1] = static_cast<std::uint8_t>(MessageType::polka);
  carried.insert(carried.end(), in.begin() + kCarriedAt, in.end());
  const PolkaVerdict v = judge_polka(carried, rp.carried);
  const bool re_signed = verify_reproposal(rp);
  MIDNIGHT_FUZZ_CHECK(re_signed == reproposal_signature_verifies_from_bytes(in, v.id),
                      "the re-proposal's signature check disagrees with libsodium over the input's bytes");

  // Fresh machines of node 0 in round 0 under policies A and B (reset after every accepted message).
  static RoundMachine machine = fuzz::make_fuzz_machine(0);
  static const RoundMachine before = machine;
  static RoundMachine vrf_machine = fuzz::make_fuzz_machine(0, true, &fuzz::fuzz_world().vrf_policy);
  static const RoundMachine vrf_before = vrf_machine;
  const bool sound = v.signed_ok && v.polka_ok && re_signed && rp.carried.polka.block_id == v.id &&
                     rp.carried.polka.round >= rp.carried.proposal.header.round && rp.carried.polka.round < rp.round;
  for (auto [m, b] : {std::pair{&machine, &before}, std::pair{&vrf_machine, &vrf_before}}) {
    const auto r = m->on_reproposal(rp);
    MIDNIGHT_FUZZ_CHECK(!r || sound, "the machine accepted a re-proposal that is not signed, or not of a later round "
                                     "than a valid polka for its signed proposal");
    MIDNIGHT_FUZZ_CHECK(r || !sound ||
                            (r.error() != make_error_code(round_errc::bad_polka) &&
                             r.error() != make_error_code(round_errc::bad_signature)),
                        "the machine refused a signed re-proposal of a valid polka as bad_polka or bad_signature");
    fuzz::check_handler(r, *m, *b);
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  if (size >= kPrefixSize && in[1] == static_cast<std::uint8_t>(MessageType::reproposal)) return fuzz_reproposal(in);
  return fuzz_polka(in);
}
