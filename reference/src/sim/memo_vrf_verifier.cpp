#include "midnight/sim/memo_vrf_verifier.hpp"

#include <algorithm>

namespace midnight::sim {

result<VrfOutput> MemoVrfVerifier::verify(const PublicKey& vrf_key, const VrfProof& proof,
                                          std::span<const std::uint8_t> alpha) const {
  // A proof's first bytes encode Gamma, a point no prover chooses freely: a good bucket key.
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | proof.v[i];
  const auto [first, last] = memo_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    const Entry& e = it->second;
    if (e.vrf_key == vrf_key && e.proof == proof &&
        std::equal(e.alpha.begin(), e.alpha.end(), alpha.begin(), alpha.end())) {
      ++remembered_;
      return e.verdict;
    }
  }
  ++checks_;
  result<VrfOutput> verdict = ecvrf_verify(vrf_key, proof, alpha);
  memo_.emplace(h, Entry{vrf_key, proof, std::vector<std::uint8_t>(alpha.begin(), alpha.end()), verdict});
  return verdict;
}

}  // namespace midnight::sim
