// Ed25519 through libsodium: seeded keypairs and detached signatures.
#include "midnight/crypto/sign.hpp"

#include <sodium.h>

namespace midnight {

static_assert(crypto_sign_PUBLICKEYBYTES == PublicKey::size());
static_assert(crypto_sign_SECRETKEYBYTES == SecretKey::size());
static_assert(crypto_sign_SEEDBYTES == Seed::size());
static_assert(crypto_sign_BYTES == Signature::size());

namespace {

// libsodium is given a valid pointer even for an empty message.
const unsigned char* message_data(std::span<const std::uint8_t> message) {
  static const unsigned char kEmpty = 0;
  return message.empty() ? &kEmpty : message.data();
}

}  // namespace

Keypair keypair_from_seed(const Seed& seed) {
  Keypair kp;
  crypto_sign_seed_keypair(kp.public_key.data(), kp.secret_key.data(), seed.data());
  return kp;
}

Signature sign_detached(const SecretKey& sk, std::span<const std::uint8_t> message) {
  Signature sig;
  crypto_sign_detached(sig.data(), nullptr, message_data(message), message.size(), sk.data());
  return sig;
}

bool verify_detached(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message) {
  return crypto_sign_verify_detached(sig.data(), message_data(message), message.size(), pk.data()) == 0;
}

namespace {
class DirectVerifier final : public SignatureVerifier {
 public:
  bool verify(const PublicKey& pk, const Signature& sig, std::span<const std::uint8_t> message) const override {
    return verify_detached(pk, sig, message);
  }
};
const DirectVerifier kDirectVerifier{};
}  // namespace

const SignatureVerifier& direct_verifier() { return kDirectVerifier; }

}  // namespace midnight
