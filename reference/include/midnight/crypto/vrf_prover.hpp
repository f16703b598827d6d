// Who makes a member's VRF proofs (protocol.md 4.4). A proof is deterministic, a pure
// function of secret key and input (RFC 9381), so a simulator that runs many scenarios of
// one membership may answer from a memo: each member proves for the same rounds in every
// scenario, and an ECVRF proof costs some five signatures. The core remembers nothing.
#pragma once
#include <span>

#include "midnight/crypto/ecvrf.hpp"

namespace midnight {

class VrfProver {
 public:
  virtual ~VrfProver() = default;
  // ecvrf_prove's verdict: the proof, or the midnight.vrf error of a broken key.
  [[nodiscard]] virtual result<VrfProof> prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) const = 0;
};
// ecvrf_prove, every time (a stateless constant).
const VrfProver& direct_vrf_prover();

}  // namespace midnight
