// What is hashed into a block id and what each signature covers (spec/encoding.md,
// "Hashes and signatures"). Signing inputs are fixed-size byte arrays.
#pragma once
#include <array>
#include <cstdint>

#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/crypto/vrf_prover.hpp"
#include "midnight/crypto/vrf_verifier.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

// block id = SHA-256(tag::kBlockId || header body); the header body carries the chain id.
BlockId compute_block_id(const BlockHeader& h);

// tag::kProposal || chain_id || height u64 || round u32 || block_id
inline constexpr std::size_t kProposalSigningInputSize = 21 + 32 + 8 + 4 + 32;
using ProposalSigningInput = std::array<std::uint8_t, kProposalSigningInputSize>;
ProposalSigningInput proposal_signing_input(const BlockHeader& h);

// tag::kVote || chain_id || height u64 || round u32 || step u8 || block_id || approve u8
inline constexpr std::size_t kVoteSigningInputSize = 17 + 32 + 8 + 4 + 1 + 32 + 1;
using VoteSigningInput = std::array<std::uint8_t, kVoteSigningInputSize>;
VoteSigningInput vote_signing_input(const Vote& v);

// tag::kCommitRequest || chain_id || height u64
inline constexpr std::size_t kCommitRequestSigningInputSize = 27 + 32 + 8;
using CommitRequestSigningInput = std::array<std::uint8_t, kCommitRequestSigningInputSize>;
CommitRequestSigningInput commit_request_signing_input(const CommitRequest& c);

// tag::kBodyRequest || chain_id || height u64 || block_id
inline constexpr std::size_t kBodyRequestSigningInputSize = 25 + 32 + 8 + 32;
using BodyRequestSigningInput = std::array<std::uint8_t, kBodyRequestSigningInputSize>;
BodyRequestSigningInput body_request_signing_input(const BodyRequest& b);

// tag::kReconcileRequest || chain_id || height u64 || block_id || kind u8 || have u32 ||
// SHA-256(the short ids' bytes): fixed-size, whatever the number of ids.
inline constexpr std::size_t kReconcileRequestSigningInputSize = 30 + 32 + 8 + 32 + 1 + 4 + 32;
using ReconcileRequestSigningInput = std::array<std::uint8_t, kReconcileRequestSigningInputSize>;
ReconcileRequestSigningInput reconcile_request_signing_input(const ReconcileRequest& r);

// tag::kReproposal || chain_id || height u64 || round u32 || reproposer || block_id ||
// polka round u32: the re-proposal's round, sender and the polka it stands on (the chain,
// height and block id are those of the carried proposal's header).
inline constexpr std::size_t kReproposalSigningInputSize = 23 + 32 + 8 + 4 + 32 + 32 + 4;
using ReproposalSigningInput = std::array<std::uint8_t, kReproposalSigningInputSize>;
ReproposalSigningInput reproposal_signing_input(const Reproposal& r);

// The VRF input of a round, alpha of ECVRF (spec/protocol.md 4.4): fixed before any block
// of the height exists, and nothing in it is the proposer's choice.
// tag::kVrfInput || chain_id || height u64 || round u32 || prev_id
inline constexpr std::size_t kVrfInputSize = 16 + 32 + 8 + 4 + 32;
using VrfInput = std::array<std::uint8_t, kVrfInputSize>;
VrfInput vrf_input(const ChainId& chain, std::uint64_t height, std::uint32_t round, const BlockId& prev_id);
VrfInput vrf_input(const BlockHeader& h);  // of the header's chain, height, round and parent

// Sign / verify the messages (Ed25519 over the inputs above). sign_proposal signs with the
// member's signing key and proves the header's VRF input with its VRF key (a separate key,
// spec/vrf.md §6), so every proposal carries its VRF proof.
Proposal sign_proposal(const BlockHeader& h, const SecretKey& sk, const VrfSecretKey& vrf_sk,
                       const VrfProver& prover = direct_vrf_prover());
[[nodiscard]] bool verify_proposal(const Proposal& p, const SignatureVerifier& verifier = direct_verifier());  // against p.header.proposer
// The proposal's VRF proof against the proposer's VRF key (its membership entry's vrf_key)
// and vrf_input(p.header): beta, the rank key of policy B, or the midnight.vrf error that
// rejects it.
[[nodiscard]] result<VrfOutput> verify_proposal_vrf(const Proposal& p, const PublicKey& proposer_vrf_key,
                                                   const VrfVerifier& verifier = direct_vrf_verifier());
// Signs r (its round, reproposer and carried polka set by the caller) as the reproposer's
// message of r.round and proves the round's VRF input with its VRF key (the same input as
// its fresh proposal of that round would prove, so a member has one rank a round whatever
// it sends). In place: r's polka stays in the caller's storage, so signing allocates nothing.
void sign_reproposal(Reproposal& r, const SecretKey& sk, const VrfSecretKey& vrf_sk,
                     const VrfProver& prover = direct_vrf_prover());
[[nodiscard]] bool verify_reproposal(const Reproposal& r,
                                     const SignatureVerifier& verifier = direct_verifier());  // against r.reproposer
// The re-proposal's VRF proof against the reproposer's VRF key and the VRF input of its round.
[[nodiscard]] result<VrfOutput> verify_reproposal_vrf(const Reproposal& r, const PublicKey& reproposer_vrf_key,
                                                     const VrfVerifier& verifier = direct_vrf_verifier());
Vote sign_vote(Vote unsigned_vote, const SecretKey& sk);
[[nodiscard]] bool verify_vote(const Vote& v, const SignatureVerifier& verifier = direct_verifier());  // against v.voter
CommitRequest sign_commit_request(CommitRequest unsigned_request, const SecretKey& sk);
[[nodiscard]] bool verify_commit_request(const CommitRequest& c,
                                         const SignatureVerifier& verifier = direct_verifier());  // against c.requester
BodyRequest sign_body_request(BodyRequest unsigned_request, const SecretKey& sk);
ReconcileRequest sign_reconcile_request(ReconcileRequest unsigned_request, const SecretKey& sk);
[[nodiscard]] bool verify_reconcile_request(const ReconcileRequest& r,
                                            const SignatureVerifier& verifier = direct_verifier());  // against r.requester
[[nodiscard]] bool verify_body_request(const BodyRequest& b,
                                       const SignatureVerifier& verifier = direct_verifier());  // against b.requester

}  // namespace midnight
