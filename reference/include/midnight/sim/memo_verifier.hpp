// A signature verifier that remembers its answers, for simulations of many nodes in one
// process: every node checks every vote it receives, so a thousand nodes check each
// signature a thousand times. A verify result is a pure function of (key, message,
// signature), so remembering it changes no outcome, only the time: a run gives the same
// output byte for byte with the memo and without it (tests/cli/simulate_determinism.sh
// compares the two). Not for a node: a real node checks each signature once anyway.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "midnight/crypto/sign.hpp"

namespace midnight::sim {

class MemoVerifier final : public SignatureVerifier {
 public:
  bool verify(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message) const override;

  std::uint64_t checks() const { return checks_; }        // signatures verified with libsodium
  std::uint64_t remembered() const { return remembered_; }  // answers given from the memo

 private:
  // The whole input is the key: a hit needs equal key, signature and message bytes.
  struct Entry {
    PublicKey pk;
    Signature sig;
    std::vector<std::uint8_t> message;
    bool valid = false;
  };
  mutable std::unordered_multimap<std::uint64_t, Entry> memo_;
  mutable std::uint64_t checks_ = 0;
  mutable std::uint64_t remembered_ = 0;
};

}  // namespace midnight::sim
