// Commit certificates: built from a precommit tally, verified against the membership.
#include "midnight/consensus/certificate.hpp"


#include "midnight/core/invariant.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {

const char* ErrorTable<certificate_errc>::message(certificate_errc e) {
  switch (e) {
    case certificate_errc::wrong_chain:
      return "certificate is for another chain";
    case certificate_errc::not_a_member:
      return "certificate signer is not a member";
    case certificate_errc::bad_signature:
      return "certificate signature does not verify";
    case certificate_errc::not_canonical:
      return "certificate signers are not strictly ascending";
    case certificate_errc::below_quorum:
      return "certificate signers hold two thirds of the weight or less";
    case certificate_errc::nil_block:
      return "certificate names the nil block";
  }
  return "unknown certificate error";
}

namespace {

// Commit certificates and polkas are the same structure over votes of one step.
void build_quorum(const VoteTally& tally, const Membership& m, const BlockId& block_id, Certificate& out) {
  MIDNIGHT_INVARIANT(!block_id.is_zero());
  out.clear();  // keeps the reserve
  out.chain_id = tally.chain();
  out.height = tally.height();
  out.round = tally.round();
  out.block_id = block_id;

  [[maybe_unused]] std::uint64_t weight = 0;  // checked by the asserts below
  // Canonical member order = ascending key, so the signers come out strictly ascending.
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Vote* v = tally.approving_vote(i, block_id);
    if (v == nullptr) continue;
    MIDNIGHT_INVARIANT(v->voter == m.member(i).key);
    out.signatures.push_back(CertificateSignature{v->voter, v->signature});
    weight += m.member(i).weight;
  }
  MIDNIGHT_INVARIANT(out.count() <= m.size());
  MIDNIGHT_INVARIANT(weight == tally.approve_weight(block_id));
  MIDNIGHT_INVARIANT(m.reaches_quorum(weight) && "a certificate or polka needs a quorum");
}

result<std::uint64_t> verify_quorum(const Certificate& c, const Membership& m, const ChainId& chain, VoteStep step,
                                    const SignatureVerifier& verifier) {
  if (c.chain_id != chain) return certificate_errc::wrong_chain;
  if (c.block_id.is_zero()) return certificate_errc::nil_block;
  // More entries than there can be distinct members: some key repeats.
  if (c.count() > m.size()) return certificate_errc::not_canonical;

  // Cheap structural checks first (order, membership, weight), signatures last: a
  // malformed certificate costs no signature verification.
  const auto signers = c.used();
  std::uint64_t weight = 0;
  for (std::size_t i = 0; i < signers.size(); ++i) {
    if (i > 0 && !(signers[i - 1].voter < signers[i].voter)) return certificate_errc::not_canonical;
    const auto index = m.index_of(signers[i].voter);
    if (!index) return certificate_errc::not_a_member;
    weight += m.member(*index).weight;
  }
  if (!m.reaches_quorum(weight)) return certificate_errc::below_quorum;
  for (std::size_t i = 0; i < signers.size(); ++i) {
    if (!verify_vote(c.vote(i, step), verifier)) return certificate_errc::bad_signature;
  }
  return weight;
}

}  // namespace

void build_certificate(const VoteTally& precommits, const Membership& m, const BlockId& block_id, Certificate& out) {
  MIDNIGHT_INVARIANT(precommits.step() == VoteStep::precommit);
  build_quorum(precommits, m, block_id, out);
}

void build_polka(const VoteTally& prevotes, const Membership& m, const BlockId& block_id, Certificate& out) {
  MIDNIGHT_INVARIANT(prevotes.step() == VoteStep::prevote);
  build_quorum(prevotes, m, block_id, out);
}

result<std::uint64_t> verify_certificate(const Certificate& c, const Membership& m, const ChainId& chain,
                                         const SignatureVerifier& verifier) {
  return verify_quorum(c, m, chain, VoteStep::precommit, verifier);
}

result<std::uint64_t> verify_polka(const Certificate& polka, const Membership& m, const ChainId& chain,
                                   const SignatureVerifier& verifier) {
  return verify_quorum(polka, m, chain, VoteStep::prevote, verifier);
}

}  // namespace midnight
