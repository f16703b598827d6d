#include "midnight/crypto/vrf_prover.hpp"

namespace midnight {

namespace {
class DirectVrfProver final : public VrfProver {
 public:
  result<VrfProof> prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) const override {
    return ecvrf_prove(sk, alpha);
  }
};
const DirectVrfProver kDirectVrfProver;
}  // namespace

const VrfProver& direct_vrf_prover() { return kDirectVrfProver; }

}  // namespace midnight
