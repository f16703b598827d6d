// Who checks the members' VRF proofs (policy B's rank keys, protocol.md 4.4). As for
// signatures (sign.hpp, SignatureVerifier), a verdict is a pure function of key, proof and
// input, so a host may put a memo in front of ecvrf_verify: a simulator that runs many
// scenarios of one membership sees the same proofs again and again, and an ECVRF check
// costs some ten signature checks. The core itself remembers nothing.
#pragma once
#include <cstdint>
#include <span>

#include "midnight/crypto/ecvrf.hpp"

namespace midnight {

class VrfVerifier {
 public:
  virtual ~VrfVerifier() = default;
  // beta for a valid proof, or the midnight.vrf error that rejects it (ecvrf_verify's verdict).
  [[nodiscard]] virtual result<VrfOutput> verify(const PublicKey& vrf_key, const VrfProof& proof,
                                                 std::span<const std::uint8_t> alpha) const = 0;
};
// ecvrf_verify, every time (a stateless constant).
const VrfVerifier& direct_vrf_verifier();

}  // namespace midnight
