// Commit certificates: building one from a precommit tally and verifying one received
// from a peer (every signature, distinct members, weight above two thirds).
#pragma once
#include <cstdint>

#include "midnight/block/membership.hpp"
#include "midnight/consensus/tally.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class certificate_errc {
  wrong_chain = 1,    // chain id differs from ours
  not_a_member,       // a signer is not in the membership
  bad_signature,      // a signature does not verify
  not_canonical,      // signers not strictly ascending
  below_quorum,       // signers hold 2/3 of the weight or less
  nil_block,          // the block id is all zero
};

template <>
struct ErrorTable<certificate_errc> {
  static constexpr const char* name = "midnight.certificate";
  static const char* message(certificate_errc e);
};

// All approving precommits for `block_id` in `precommits`, in canonical member order.
// Precondition (asserted): their weight is a quorum. Fills `out` in place: with entries
// reserved for the membership (Certificate::reserve_entries) it allocates nothing.
void build_certificate(const VoteTally& precommits, const Membership& m, const BlockId& block_id, Certificate& out);

// Verifies everything about the certificate; returns the signers' weight.
[[nodiscard]] result<std::uint64_t> verify_certificate(const Certificate& c, const Membership& m, const ChainId& chain,
                                                       const SignatureVerifier& verifier = direct_verifier());

// The approving prevotes for `block_id` in `prevotes`, in canonical member order, as a
// re-proposal's polka. Precondition (asserted): their weight is a quorum.
void build_polka(const VoteTally& prevotes, const Membership& m, const BlockId& block_id, Certificate& out);

// Verifies a re-proposal's polka as a prevote quorum (the same rules as a commit
// certificate, with prevote signatures); returns the signers' weight. Whether the polka
// is for the proposal's block is the receiver's check (RoundMachine::on_polka).
[[nodiscard]] result<std::uint64_t> verify_polka(const Certificate& polka, const Membership& m, const ChainId& chain,
                                                 const SignatureVerifier& verifier = direct_verifier());

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(certificate_errc)
