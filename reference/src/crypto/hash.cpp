// SHA-256 through libsodium, and the tagged transaction id.
#include "midnight/crypto/hash.hpp"

#include <sodium.h>

#include <new>

namespace midnight {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256::state_ is too small for libsodium's state");
static_assert(alignof(crypto_hash_sha256_state) <= 16, "Sha256::state_ is under-aligned for libsodium's state");

namespace {

crypto_hash_sha256_state* state_of(unsigned char* buffer) {
  return std::launder(reinterpret_cast<crypto_hash_sha256_state*>(buffer));
}

}  // namespace

Sha256::Sha256() {
  // crypto_hash_sha256_state is a plain C struct: start its lifetime in the buffer.
  crypto_hash_sha256_init(::new (static_cast<void*>(state_)) crypto_hash_sha256_state);
}

Sha256& Sha256::update(std::span<const std::uint8_t> bytes) {
  if (!bytes.empty()) crypto_hash_sha256_update(state_of(state_), bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::update(std::string_view bytes) {
  return update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

// Returns the digest and resets the hasher, so an object can be reused.
Hash32 Sha256::finish() {
  Hash32 out;
  crypto_hash_sha256_final(state_of(state_), out.data());
  crypto_hash_sha256_init(state_of(state_));
  return out;
}

Hash32 sha256(std::span<const std::uint8_t> bytes) { return Sha256().update(bytes).finish(); }

TxId compute_txid(const ChainId& chain, std::span<const std::uint8_t> tx) {
  return Sha256().update(tag::kTxId).update(chain.span()).update(tx).finish();
}

bool crypto_init() { return sodium_init() >= 0; }

}  // namespace midnight
