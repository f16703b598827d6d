// Block ids and signing inputs: tagged (NUL-terminated, prefix-free), chain-bound,
// fixed-size byte strings, so a signature of one kind never verifies as another.
#include "midnight/wire/signing.hpp"

#include <algorithm>

#include "midnight/crypto/sign.hpp"

namespace midnight {

namespace {

// Appends to a fixed-size array whose size is static_asserted below to be exactly
// the sum of the fields written into it.
class Appender {
 public:
  explicit Appender(std::uint8_t* p) : p_(p) {}
  Appender& tag(std::string_view t) {
    p_ = std::transform(t.begin(), t.end(), p_, [](char c) { return static_cast<std::uint8_t>(c); });
    return *this;
  }
  template <std::size_t N>
  Appender& fixed(const Bytes<N>& b) {
    p_ = std::copy(b.v.begin(), b.v.end(), p_);
    return *this;
  }
  Appender& u8(std::uint8_t x) { *p_++ = x; return *this; }
  Appender& u32(std::uint32_t x) { store_u32(p_, x); p_ += 4; return *this; }
  Appender& u64(std::uint64_t x) { store_u64(p_, x); p_ += 8; return *this; }
 private:
  std::uint8_t* p_;
};

static_assert(kProposalSigningInputSize == tag::kProposal.size() + 32 + 8 + 4 + 32);
static_assert(kVoteSigningInputSize == tag::kVote.size() + 32 + 8 + 4 + 1 + 32 + 1);
static_assert(kVrfInputSize == tag::kVrfInput.size() + 32 + 8 + 4 + 32);
static_assert(kCommitRequestSigningInputSize == tag::kCommitRequest.size() + 32 + 8);
static_assert(kBodyRequestSigningInputSize == tag::kBodyRequest.size() + 32 + 8 + 32);
// The VRF nonce of a key equals its Ed25519 nonce for the 32-byte message H (spec/vrf.md),
// so no signing input of this protocol may be 32 bytes long.
static_assert(kProposalSigningInputSize != 32 && kVoteSigningInputSize != 32 && kCommitRequestSigningInputSize != 32 &&
              kBodyRequestSigningInputSize != 32);

}  // namespace

BlockId compute_block_id(const BlockHeader& h) {
  std::array<std::uint8_t, kHeaderBodySize> body;
  encode_header_body(h, body);
  return Sha256().update(tag::kBlockId).update(body).finish();
}

ProposalSigningInput proposal_signing_input(const BlockHeader& h) {
  ProposalSigningInput in{};
  Appender a(in.data());
  a.tag(tag::kProposal).fixed(h.chain_id).u64(h.height).u32(h.round).fixed(compute_block_id(h));
  return in;
}

VoteSigningInput vote_signing_input(const Vote& v) {
  VoteSigningInput in{};
  Appender a(in.data());
  a.tag(tag::kVote)
      .fixed(v.chain_id)
      .u64(v.height)
      .u32(v.round)
      .u8(static_cast<std::uint8_t>(v.step))
      .fixed(v.block_id)
      .u8(v.approve ? 1 : 0);
  return in;
}

CommitRequestSigningInput commit_request_signing_input(const CommitRequest& c) {
  CommitRequestSigningInput in{};
  Appender a(in.data());
  a.tag(tag::kCommitRequest).fixed(c.chain_id).u64(c.height);
  return in;
}

BodyRequestSigningInput body_request_signing_input(const BodyRequest& b) {
  BodyRequestSigningInput in{};
  Appender a(in.data());
  a.tag(tag::kBodyRequest).fixed(b.chain_id).u64(b.height).fixed(b.block_id);
  return in;
}

static_assert(kReconcileRequestSigningInputSize == tag::kReconcileRequest.size() + 32 + 8 + 32 + 1 + 4 + 32);

ReconcileRequestSigningInput reconcile_request_signing_input(const ReconcileRequest& r) {
  ReconcileRequestSigningInput in{};
  Appender a(in.data());
  const Hash32 ids = Sha256().update(r.ids.bytes).finish();
  a.tag(tag::kReconcileRequest).fixed(r.chain_id).u64(r.height).fixed(r.block_id).u8(std::uint8_t(r.kind)).u32(r.have).fixed(ids);
  return in;
}

static_assert(kReproposalSigningInputSize == tag::kReproposal.size() + 32 + 8 + 4 + 32 + 32 + 4);

ReproposalSigningInput reproposal_signing_input(const Reproposal& r) {
  const BlockHeader& h = r.carried.proposal.header;
  ReproposalSigningInput in{};
  Appender a(in.data());
  a.tag(tag::kReproposal).fixed(h.chain_id).u64(h.height).u32(r.round).fixed(r.reproposer).fixed(compute_block_id(h)).u32(
      r.carried.polka.round);
  return in;
}

VrfInput vrf_input(const ChainId& chain, std::uint64_t height, std::uint32_t round, const BlockId& prev_id) {
  VrfInput in{};
  Appender a(in.data());
  a.tag(tag::kVrfInput).fixed(chain).u64(height).u32(round).fixed(prev_id);
  return in;
}

VrfInput vrf_input(const BlockHeader& h) { return vrf_input(h.chain_id, h.height, h.round, h.prev_id); }

Proposal sign_proposal(const BlockHeader& h, const SecretKey& sk, const VrfSecretKey& vrf_sk,
                       const VrfProver& prover) {
  const ProposalSigningInput in = proposal_signing_input(h);
  Proposal p{h, sign_detached(sk, in), {}};
  // Proving fails only for a secret key whose halves disagree (a broken key store) or
  // with probability about 2^-256; the proposal then carries a zero proof, which no
  // verifier accepts, so the proposer is simply unranked under policy B.
  if (auto proof = prover.prove(vrf_sk, vrf_input(h))) p.vrf_proof = proof.value();
  return p;
}

result<VrfOutput> verify_proposal_vrf(const Proposal& p, const PublicKey& proposer_vrf_key,
                                      const VrfVerifier& verifier) {
  return verifier.verify(proposer_vrf_key, p.vrf_proof, vrf_input(p.header));
}

bool verify_proposal(const Proposal& p, const SignatureVerifier& verifier) {
  const ProposalSigningInput in = proposal_signing_input(p.header);
  return verifier.verify(p.header.proposer, p.signature, in);
}

void sign_reproposal(Reproposal& r, const SecretKey& sk, const VrfSecretKey& vrf_sk, const VrfProver& prover) {
  const ReproposalSigningInput in = reproposal_signing_input(r);
  r.signature = sign_detached(sk, in);
  const BlockHeader& h = r.carried.proposal.header;
  // As for a proposal: a zero proof only for a broken key, and then unranked under policy B.
  r.vrf_proof = {};
  if (auto proof = prover.prove(vrf_sk, vrf_input(h.chain_id, h.height, r.round, h.prev_id))) r.vrf_proof = proof.value();
}

bool verify_reproposal(const Reproposal& r, const SignatureVerifier& verifier) {
  const ReproposalSigningInput in = reproposal_signing_input(r);
  return verifier.verify(r.reproposer, r.signature, in);
}

result<VrfOutput> verify_reproposal_vrf(const Reproposal& r, const PublicKey& reproposer_vrf_key,
                                        const VrfVerifier& verifier) {
  const BlockHeader& h = r.carried.proposal.header;
  return verifier.verify(reproposer_vrf_key, r.vrf_proof, vrf_input(h.chain_id, h.height, r.round, h.prev_id));
}

Vote sign_vote(Vote unsigned_vote, const SecretKey& sk) {
  const VoteSigningInput in = vote_signing_input(unsigned_vote);
  unsigned_vote.signature = sign_detached(sk, in);
  return unsigned_vote;
}

bool verify_vote(const Vote& v, const SignatureVerifier& verifier) {
  const VoteSigningInput in = vote_signing_input(v);
  return verifier.verify(v.voter, v.signature, in);
}

CommitRequest sign_commit_request(CommitRequest unsigned_request, const SecretKey& sk) {
  const CommitRequestSigningInput in = commit_request_signing_input(unsigned_request);
  unsigned_request.signature = sign_detached(sk, in);
  return unsigned_request;
}

bool verify_commit_request(const CommitRequest& c, const SignatureVerifier& verifier) {
  const CommitRequestSigningInput in = commit_request_signing_input(c);
  return verifier.verify(c.requester, c.signature, in);
}

BodyRequest sign_body_request(BodyRequest unsigned_request, const SecretKey& sk) {
  const BodyRequestSigningInput in = body_request_signing_input(unsigned_request);
  unsigned_request.signature = sign_detached(sk, in);
  return unsigned_request;
}

bool verify_body_request(const BodyRequest& b, const SignatureVerifier& verifier) {
  const BodyRequestSigningInput in = body_request_signing_input(b);
  return verifier.verify(b.requester, b.signature, in);
}

ReconcileRequest sign_reconcile_request(ReconcileRequest unsigned_request, const SecretKey& sk) {
  const ReconcileRequestSigningInput in = reconcile_request_signing_input(unsigned_request);
  unsigned_request.signature = sign_detached(sk, in);
  return unsigned_request;
}

bool verify_reconcile_request(const ReconcileRequest& r, const SignatureVerifier& verifier) {
  const ReconcileRequestSigningInput in = reconcile_request_signing_input(r);
  return verifier.verify(r.requester, r.signature, in);
}

}  // namespace midnight
