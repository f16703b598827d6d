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

#include "midnight/crypto/sign.hpp"
#include "midnight/sim/byte_memo.hpp"

namespace midnight::sim {

class MemoVerifier final : public SignatureVerifier {
 public:
  bool verify(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message) const override;

  std::uint64_t checks() const { return memo_.computed(); }       // signatures verified with libsodium
  std::uint64_t remembered() const { return memo_.remembered(); }  // answers given from the memo

 private:
  mutable ByteMemo<std::pair<PublicKey, Signature>, bool> memo_;
};

}  // namespace midnight::sim
