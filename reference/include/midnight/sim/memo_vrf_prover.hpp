// A VRF prover that remembers its proofs (crypto/vrf_prover.hpp), for many runs of one
// membership: in a Twins enumeration every scenario of one leader sequence has the same
// keys, and each node proves for the same rounds in each. A proof is a pure function of
// (secret key, input), so remembering it changes no outcome, only the time. Not for a
// node: it holds secret keys in memory as long as it lives.
#pragma once
#include <cstdint>
#include <span>

#include "midnight/crypto/vrf_prover.hpp"
#include "midnight/sim/byte_memo.hpp"

namespace midnight::sim {

class MemoVrfProver final : public VrfProver {
 public:
  result<VrfProof> prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) const override;

  std::uint64_t proofs() const { return memo_.computed(); }         // made with ecvrf_prove
  std::uint64_t remembered() const { return memo_.remembered(); }  // answered from the memo

 private:
  mutable ByteMemo<VrfSecretKey, result<VrfProof>> memo_;
};

}  // namespace midnight::sim
