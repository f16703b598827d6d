#include "midnight/sim/memo_verifier.hpp"

#include <algorithm>

namespace midnight::sim {

bool MemoVerifier::verify(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message) const {
  // An Ed25519 signature's first bytes are R, a hash output: a good bucket key.
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < 8; ++i) h = (h << 8) | sig.v[i];
  const auto [first, last] = memo_.equal_range(h);
  for (auto it = first; it != last; ++it) {
    const Entry& e = it->second;
    if (e.pk == pk && e.sig == sig && std::equal(e.message.begin(), e.message.end(), message.begin(), message.end())) {
      ++remembered_;
      return e.valid;
    }
  }
  ++checks_;
  const bool valid = verify_detached(pk, sig, message);
  memo_.emplace(h, Entry{pk, sig, std::vector<std::uint8_t>(message.begin(), message.end()), valid});
  return valid;
}

}  // namespace midnight::sim
