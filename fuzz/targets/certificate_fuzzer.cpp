// libFuzzer target: the commit certificate, alone (spec/encoding.md, "Certificate") and
// travelling with its block in a commit message ("Commit"). The type byte picks the
// decoder, so one corpus covers both.
// Beyond "no crash", for every input:
//   accepted  re-encodes to exactly the input; block views lie inside the input;
//             verify_certificate accepts exactly when an independent judge built here
//             from the input's own bytes and raw libsodium does (our chain, a non-nil
//             block, every signer a member, ascending signers, every signature valid
//             over the precommit it stands for, and weight w with 3w > 2W); a machine
//             given the commit accepts it or rejects it without changing.
//   rejected  a readable codec error naming a field inside the input, and the caller's
//             output exactly as it was before the call.
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/check.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

using namespace midnight;

namespace {

void check_certificate(const Certificate& c, std::span<const std::uint8_t> body) {
  const auto verdict = verify_certificate(c, fuzz::fuzz_world().membership, fuzz::fuzz_world().chain);
  if (!verdict) MIDNIGHT_FUZZ_CHECK(!verdict.error().message().empty(), "a certificate error has no message");
  MIDNIGHT_FUZZ_CHECK(verdict.has_value() == fuzz::judge_vote_quorum(body, VoteStep::precommit),
                      "verify_certificate disagrees with the independent judge over the input's bytes");
}

void decode_and_check_certificate(std::span<const std::uint8_t> in) {
  static Certificate cert;
  static Certificate before;
  before = cert;
  DecodeWhere where;
  const auto decoded = decode_certificate(in, cert, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    MIDNIGHT_FUZZ_CHECK(cert == before, "a rejected certificate changed the caller's Certificate");
    return;
  }
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) { return encode_certificate(cert, out); });
  check_certificate(cert, in.subspan(kPrefixSize));
}

void decode_and_check_commit(std::span<const std::uint8_t> in) {
  static CommitView commit;
  DecodeWhere where;
  const auto decoded = decode_commit(in, commit, &where);
  if (!decoded) {
    fuzz::check_codec_rejection(decoded.error(), where, in.size());
    return;
  }
  const auto txs = commit.block.transactions();
  for (const TxBytes& tx : txs) MIDNIGHT_FUZZ_CHECK(fuzz::lies_within(tx, in), "a transaction view points outside the input");
  fuzz::check_reencodes(in, [&](std::span<std::uint8_t> out) {
    return encode_commit(commit.certificate, commit.block.header, commit.block.signature, txs, out);
  });
  check_certificate(commit.certificate, in.subspan(kPrefixSize));

  static RoundMachine machine = fuzz::make_fuzz_machine(1);
  static const RoundMachine before = machine;
  fuzz::check_handler(machine.on_commit(commit), machine, before);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  const auto type = peek_message_type(in);
  if (type && type.value() == MessageType::commit)
    decode_and_check_commit(in);
  else
    decode_and_check_certificate(in);
  return 0;
}
