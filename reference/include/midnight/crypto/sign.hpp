// Ed25519 (RFC 8032, libsodium) keys and detached signatures.
#pragma once
#include <cstdint>
#include <span>

#include "midnight/core/bytes.hpp"

namespace midnight {

struct Keypair {
  PublicKey public_key;
  SecretKey secret_key;
};

// Deterministic: the same seed gives the same keypair (crypto_sign_seed_keypair).
Keypair keypair_from_seed(const Seed& seed);
Signature sign_detached(const SecretKey& sk, std::span<const std::uint8_t> message);
[[nodiscard]] bool verify_detached(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message);

// Who checks the protocol's Ed25519 signatures. Every verdict on a signature goes through
// one of these, so that a host may put a memo in front of libsodium: a verify result is a
// pure function of key, message and signature, and a simulator of a thousand nodes checks
// each vote a thousand times. The core itself remembers nothing.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  [[nodiscard]] virtual bool verify(const PublicKey& pk, const Signature& sig,
                                    std::span<const std::uint8_t> message) const = 0;
};
// verify_detached, every time (a stateless constant).
const SignatureVerifier& direct_verifier();

}  // namespace midnight
