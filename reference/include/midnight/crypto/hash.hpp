// SHA-256 (libsodium) and the domain-separated hashes of the protocol.
// Every hash other than the RFC 6962 Merkle tree starts with a NUL-terminated
// ASCII tag (prefix-free) and covers the chain id, so no hash or signature of one
// kind of object can stand for another kind, or for the same object on another chain.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "midnight/core/bytes.hpp"

namespace midnight {

// Domain-separation tags, including their terminating NUL byte on the wire.
namespace tag {
inline constexpr std::string_view kTxId{"midnight/v1/txid\0", 17};
inline constexpr std::string_view kBlockId{"midnight/v1/block\0", 18};
inline constexpr std::string_view kProposal{"midnight/v1/proposal\0", 21};
inline constexpr std::string_view kVote{"midnight/v1/vote\0", 17};
inline constexpr std::string_view kCoinbase{"midnight/v1/coinbase\0", 21};
// The VRF input of a round (policy B): not a hash, but tagged the same way.
inline constexpr std::string_view kVrfInput{"midnight/v1/vrf\0", 16};
inline constexpr std::string_view kCommitRequest{"midnight/v2/commit-request\0", 27};
inline constexpr std::string_view kBodyRequest{"midnight/v2/body-request\0", 25};
inline constexpr std::string_view kReconcileRequest{"midnight/v2/reconcile-request\0", 30};
inline constexpr std::string_view kReproposal{"midnight/v2/reproposal\0", 23};
// The keys of a transaction sketch (block/tx_sketch.hpp): hashed with the block id.
inline constexpr std::string_view kSketchKey{"midnight/v2/sketch-key\0", 23};

// Every tag with the name spec/encoding.md §6.1, the vectors and the adapter protocol
// give it, in the order of that table.
struct NamedTag {
  std::string_view name;
  std::string_view bytes;
};
inline constexpr NamedTag kAll[] = {
    {"txid", kTxId},
    {"block_id", kBlockId},
    {"proposal", kProposal},
    {"vote", kVote},
    {"coinbase", kCoinbase},
    {"vrf_input", kVrfInput},
    {"commit_request", kCommitRequest},
    {"body_request", kBodyRequest},
    {"reconcile_request", kReconcileRequest},
    {"sketch_key", kSketchKey},
    {"reproposal", kReproposal},
};
}  // namespace tag

// Incremental SHA-256; allocation-free.
class Sha256 {
 public:
  Sha256();
  Sha256& update(std::span<const std::uint8_t> bytes);
  Sha256& update(std::string_view bytes);
  Hash32 finish();

 private:
  alignas(16) unsigned char state_[128];  // >= sizeof(crypto_hash_sha256_state), checked in the .cpp
};

Hash32 sha256(std::span<const std::uint8_t> bytes);

// txid = SHA-256(tag::kTxId || chain_id || tx bytes)
TxId compute_txid(const ChainId& chain, std::span<const std::uint8_t> tx);

// Must be called once before any other function here (libsodium's sodium_init);
// idempotent. Returns false if libsodium cannot initialise.
bool crypto_init();

}  // namespace midnight
