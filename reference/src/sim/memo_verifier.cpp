#include "midnight/sim/memo_verifier.hpp"

namespace midnight::sim {

bool MemoVerifier::verify(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message) const {
  // An Ed25519 signature's first bytes are R, a hash output: a good bucket key.
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | sig.v[i];
  return memo_.get(h, {pk, sig}, message, [&] { return verify_detached(pk, sig, message); });
}

}  // namespace midnight::sim
