#include "midnight/crypto/vrf_verifier.hpp"

namespace midnight {

namespace {
class DirectVrfVerifier final : public VrfVerifier {
 public:
  result<VrfOutput> verify(const PublicKey& vrf_key, const VrfProof& proof,
                           std::span<const std::uint8_t> alpha) const override {
    return ecvrf_verify(vrf_key, proof, alpha);
  }
};
const DirectVrfVerifier kDirectVrfVerifier;
}  // namespace

const VrfVerifier& direct_vrf_verifier() { return kDirectVrfVerifier; }

}  // namespace midnight
