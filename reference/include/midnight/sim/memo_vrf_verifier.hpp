// A VRF verifier that remembers its answers (crypto/vrf_verifier.hpp), for many runs of one
// membership: every scenario of a Twins enumeration with the same keys carries the same
// proofs (a proof is deterministic per key and round), and each node checks each of them.
// A verdict is a pure function of (key, proof, input), so remembering it changes no
// outcome, only the time. Not for a node.
#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "midnight/crypto/vrf_verifier.hpp"

namespace midnight::sim {

class MemoVrfVerifier final : public VrfVerifier {
 public:
  result<VrfOutput> verify(const PublicKey& vrf_key, const VrfProof& proof,
                           std::span<const std::uint8_t> alpha) const override;

  std::uint64_t checks() const { return checks_; }          // proofs verified with ecvrf_verify
  std::uint64_t remembered() const { return remembered_; }  // answers given from the memo

 private:
  struct Entry {
    PublicKey vrf_key;
    VrfProof proof;
    std::vector<std::uint8_t> alpha;
    result<VrfOutput> verdict;
  };
  mutable std::unordered_multimap<std::uint64_t, Entry> memo_;
  mutable std::uint64_t checks_ = 0;
  mutable std::uint64_t remembered_ = 0;
};

}  // namespace midnight::sim
