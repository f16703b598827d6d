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
bool verify_detached(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message);

}  // namespace midnight
