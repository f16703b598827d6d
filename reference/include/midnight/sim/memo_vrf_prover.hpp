// A VRF prover that remembers its proofs (crypto/vrf_prover.hpp), for many runs of one
// membership: in a Twins enumeration every scenario of one leader sequence has the same
// keys, and each node proves for the same rounds in each. A proof is a pure function of
// (secret key, input), so remembering it changes no outcome, only the time. Not for a
// node: it holds secret keys in memory as long as it lives.
#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "midnight/crypto/vrf_prover.hpp"

namespace midnight::sim {

class MemoVrfProver final : public VrfProver {
 public:
  result<VrfProof> prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) const override;

  std::uint64_t proofs() const { return proofs_; }          // made with ecvrf_prove
  std::uint64_t remembered() const { return remembered_; }  // answered from the memo

 private:
  struct Entry {
    VrfSecretKey sk;
    std::vector<std::uint8_t> alpha;
    result<VrfProof> proof;
  };
  mutable std::unordered_multimap<std::uint64_t, Entry> memo_;
  mutable std::uint64_t proofs_ = 0;
  mutable std::uint64_t remembered_ = 0;
};

}  // namespace midnight::sim
