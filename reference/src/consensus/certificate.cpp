// Commit certificates: built from a precommit tally, verified against the membership.
#include "midnight/consensus/certificate.hpp"

#include <cassert>

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

void build_certificate(const VoteTally& precommits, const Membership& m, const BlockId& block_id, Certificate& out) {
  assert(precommits.step() == VoteStep::precommit);
  assert(!block_id.is_zero());
  out = Certificate{};
  out.chain_id = precommits.chain();
  out.height = precommits.height();
  out.round = precommits.round();
  out.block_id = block_id;

  [[maybe_unused]] std::uint64_t weight = 0;  // checked by the asserts below
  std::size_t count = 0;
  // Canonical member order = ascending key, so the signers come out strictly ascending.
  for (std::size_t i = 0; i < m.size(); ++i) {
    const Vote* v = precommits.approving_vote(i, block_id);
    if (v == nullptr) continue;
    assert(v->voter == m.member(i).key);
    out.signatures[count] = CertificateSignature{v->voter, v->signature};
    ++count;
    weight += m.member(i).weight;
  }
  assert(count <= kMaxMembers);
  assert(weight == precommits.approve_weight(block_id));
  assert(m.reaches_quorum(weight) && "build_certificate needs a precommit quorum");
  out.count = static_cast<std::uint8_t>(count);
}

result<std::uint64_t> verify_certificate(const Certificate& c, const Membership& m, const ChainId& chain) {
  if (c.chain_id != chain) return certificate_errc::wrong_chain;
  if (c.block_id.is_zero()) return certificate_errc::nil_block;
  // More entries than there can be distinct members: some key repeats.
  if (c.count > kMaxMembers) return certificate_errc::not_canonical;

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
    if (!verify_vote(c.vote(i))) return certificate_errc::bad_signature;
  }
  return weight;
}

}  // namespace midnight
