// A VRF verifier that remembers its answers (crypto/vrf_verifier.hpp), for many runs of one
// membership: every scenario of a Twins enumeration with the same keys carries the same
// proofs (a proof is deterministic per key and round), and each node checks each of them.
// A verdict is a pure function of (key, proof, input), so remembering it changes no
// outcome, only the time. Not for a node.
#pragma once
#include <cstdint>
#include <span>

#include "midnight/crypto/vrf_verifier.hpp"
#include "midnight/sim/byte_memo.hpp"

namespace midnight::sim {

class MemoVrfVerifier final : public VrfVerifier {
 public:
  result<VrfOutput> verify(const PublicKey& vrf_key, const VrfProof& proof,
                           std::span<const std::uint8_t> alpha) const override;

  std::uint64_t checks() const { return memo_.computed(); }         // proofs verified with ecvrf_verify
  std::uint64_t remembered() const { return memo_.remembered(); }  // answers given from the memo

 private:
  mutable ByteMemo<std::pair<PublicKey, VrfProof>, result<VrfOutput>> memo_;
};

}  // namespace midnight::sim
