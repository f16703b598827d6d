// libFuzzer target: the re-proposal decoder (spec/encoding.md, "Re-proposal"): a proposal
// body followed by a certificate body, the polka, whose entries are prevotes.
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; the block id is SHA-256 over the input's
//             own header bytes and the proposal's signature check equals libsodium over
//             a signing input cut from the input's bytes; verify_polka accepts exactly
//             when the independent judge over the input's polka bytes does (the
//             certificate judge with prevote signatures); a round machine given it either
//             refuses it without changing, or accepts it, and then (a fresh machine has no
//             polka it could take it for) the proposal is signed, the polka verifies, is
//             for the proposal's block and not older than it; a refusal as bad_polka or
//             bad_signature is one of those failing.
//   rejected  a readable codec error naming a field inside the input, and the caller's
//             Reproposal exactly as it was before the call.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/check.hpp"
#include "common/proposal_bytes.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

// Offsets in the re-proposal message: prefix (2), the proposal body (header 150,
// signature 64, VRF proof 80; common/proposal_bytes.hpp), then the polka's certificate body.
constexpr std::size_t kPolkaAt = fuzz::kBody + kProposalBodySize;
static_assert(kPolkaAt == kProposalMessageSize);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  static Reproposal rp;
  static Reproposal before_decode;
  before_decode = rp;
  DecodeWhere where;
  const auto decoded = decode_reproposal(in, rp, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, size);
    MIDNIGHT_FUZZ_CHECK(rp == before_decode, "a rejected re-proposal changed the caller's Reproposal");
    return 0;
  }
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_reproposal(rp, out); });
  const BlockId id = compute_block_id(rp.proposal.header);
  MIDNIGHT_FUZZ_CHECK(id == fuzz::block_id_from_bytes(in),
                      "the block id is not the hash of the input's header bytes");
  const bool signed_ok = verify_proposal(rp.proposal);
  MIDNIGHT_FUZZ_CHECK(signed_ok == fuzz::proposal_signature_verifies_from_bytes(in),
                      "the re-proposal's signature check disagrees with libsodium over the input's bytes");
  const fuzz::FuzzWorld& w = fuzz::fuzz_world();
  const auto polka = verify_polka(rp.polka, w.membership, w.chain);
  if (!polka) MIDNIGHT_FUZZ_CHECK(!polka.error().message().empty(), "a polka error has no message");
  MIDNIGHT_FUZZ_CHECK(polka.has_value() == fuzz::judge_vote_quorum(in.subspan(kPolkaAt), VoteStep::prevote),
                      "verify_polka disagrees with the independent judge over the input's bytes");

  // A fresh machine of node 0 in round 0 (reset after every accepted message).
  static RoundMachine machine = fuzz::make_fuzz_machine(0);
  static const RoundMachine before = machine;
  const auto r = machine.on_reproposal(rp);
  const bool sound =
      signed_ok && polka.has_value() && rp.polka.block_id == id && rp.polka.round >= rp.proposal.header.round;
  MIDNIGHT_FUZZ_CHECK(!r || sound, "the machine accepted a re-proposal that is not a signed proposal with its polka");
  MIDNIGHT_FUZZ_CHECK(r || !sound ||
                          (r.error() != make_error_code(round_errc::bad_polka) &&
                           r.error() != make_error_code(round_errc::bad_signature)),
                      "the machine refused a signed proposal with a valid polka for it as bad_polka or bad_signature");
  fuzz::check_handler(r, machine, before);
  return 0;
}
