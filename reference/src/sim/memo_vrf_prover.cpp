#include "midnight/sim/memo_vrf_prover.hpp"

namespace midnight::sim {

result<VrfProof> MemoVrfProver::prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) const {
  // The bucket: the key's last bytes (its public half, no secret) mixed with the input's.
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | sk.bytes.v[sk.bytes.v.size() - 1 - i];
  for (const std::uint8_t b : alpha) h = (h ^ b) * 0x100000001B3ULL;
  return memo_.get(h, sk, alpha, [&] { return ecvrf_prove(sk, alpha); });
}

}  // namespace midnight::sim
