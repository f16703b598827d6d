// The fuzz targets' judge of a signed header, over a message's own bytes: where the
// header fields of a proposal body sit, and the proposal's signature check with the
// signing input cut from those bytes (spec/encoding.md 3.4, 7.1), independent of the
// library's encoder. A proposal message and a re-proposal message both begin with a
// proposal body, so both targets judge their input with it.
#pragma once
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::fuzz {

// Offsets of a proposal body that follows the 2-byte prefix.
inline constexpr std::size_t kBody = kPrefixSize;
inline constexpr std::size_t kChainAt = kBody + 2, kHeightAt = kBody + 34, kPrevAt = kBody + 46;
inline constexpr std::size_t kProposerAt = kBody + 118;
inline constexpr std::size_t kSignatureAt = kBody + kHeaderBodySize;
inline constexpr std::size_t kProofAt = kSignatureAt + 64;

// SHA-256(tag::kBlockId || header body), from the input's bytes.
inline Hash32 block_id_from_bytes(std::span<const std::uint8_t> in) {
  return Sha256().update(tag::kBlockId).update(in.subspan(kBody, kHeaderBodySize)).finish();
}

// proposal_signing_input, spelled out over the raw bytes: tag || chain || height || round
// || block id, verified with libsodium against the proposer field.
inline bool proposal_signature_verifies_from_bytes(std::span<const std::uint8_t> in) {
  const Hash32 id = block_id_from_bytes(in);
  std::array<std::uint8_t, kProposalSigningInputSize> msg{};
  auto* out = std::copy(tag::kProposal.begin(), tag::kProposal.end(), msg.begin());
  out = std::copy_n(in.begin() + kChainAt, 32, out);
  out = std::copy_n(in.begin() + kHeightAt, 8 + 4, out);  // height, then round
  std::copy(id.v.begin(), id.v.end(), out);
  return crypto_sign_verify_detached(in.data() + kSignatureAt, msg.data(), msg.size(), in.data() + kProposerAt) == 0;
}

}  // namespace midnight::fuzz
