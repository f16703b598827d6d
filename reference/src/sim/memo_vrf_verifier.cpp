#include "midnight/sim/memo_vrf_verifier.hpp"

namespace midnight::sim {

result<VrfOutput> MemoVrfVerifier::verify(const PublicKey& vrf_key, const VrfProof& proof,
                                          std::span<const std::uint8_t> alpha) const {
  // A proof's first bytes encode Gamma, a point no prover chooses freely: a good bucket key.
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | proof.v[i];
  return memo_.get(h, {vrf_key, proof}, alpha, [&] { return ecvrf_verify(vrf_key, proof, alpha); });
}

}  // namespace midnight::sim
