#include "midnight/sim/memo_vrf_prover.hpp"

#include <algorithm>

namespace midnight::sim {

result<VrfProof> MemoVrfProver::prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) const {
  // The bucket: the key's last bytes (its public half, no secret) mixed with the input's.
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | sk.bytes.v[sk.bytes.v.size() - 1 - i];
  for (const std::uint8_t b : alpha) h = (h ^ b) * 0x100000001B3ULL;
  const auto [first, last] = memo_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    const Entry& e = it->second;
    if (e.sk == sk && std::equal(e.alpha.begin(), e.alpha.end(), alpha.begin(), alpha.end())) {
      ++remembered_;
      return e.proof;
    }
  }
  ++proofs_;
  result<VrfProof> proof = ecvrf_prove(sk, alpha);
  memo_.emplace(h, Entry{sk, std::vector<std::uint8_t>(alpha.begin(), alpha.end()), proof});
  return proof;
}

}  // namespace midnight::sim
