// Value types of the protocol's messages. Fixed-size fields only, except transaction
// bytes, which decoding exposes as views into the caller's buffer (no allocation).
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/crypto/ecvrf.hpp"

namespace midnight {

// A transaction is opaque bytes; its id is compute_txid(chain, bytes).
using TxBytes = std::span<const std::uint8_t>;

// A member of the height. Two keys, never the same one (Membership::make refuses it): `key`
// signs proposals, votes and commit requests (Ed25519); `vrf_key` proves the member's VRF
// outputs (ECVRF, spec/vrf.md). With one key for both, an Ed25519 signature over a 32-byte
// message could reveal the secret (spec/vrf.md §6); with two, the VRF secret never signs.
struct Masternode {
  PublicKey key;
  PublicKey vrf_key;
  Destination reward_to;
  std::uint64_t weight = 1;
  friend bool operator==(const Masternode&, const Masternode&) = default;
};

struct BlockHeader {
  std::uint16_t version = kHeaderVersion;
  ChainId chain_id;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  BlockId prev_id;
  Hash32 merkle_root;
  std::uint64_t timestamp_ms = 0;  // the scheduled round time, never a clock reading
  PublicKey proposer;
  friend bool operator==(const BlockHeader&, const BlockHeader&) = default;
};

struct Proposal {
  BlockHeader header;
  Signature signature;  // proposer's, over proposal_signing_input(header)
  // The proposer's ECVRF proof over vrf_input(header) under its VRF key (the membership's
  // vrf_key): its rank under policy B. Not covered by the signature (it authenticates
  // itself against the proposer's VRF key) and
  // not part of the block id; verified only under policy B (spec/protocol.md 4.4).
  VrfProof vrf_proof{};  // zero until proved (sign_proposal)
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

// The two vote steps of a round (see spec/protocol.md, "Why two vote steps").
enum class VoteStep : std::uint8_t { prevote = 1, precommit = 2 };

struct Vote {
  ChainId chain_id;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  VoteStep step = VoteStep::prevote;
  BlockId block_id;     // all-zero with approve = false is a vote for no block ("nil")
  bool approve = false;
  PublicKey voter;
  Signature signature;  // voter's, over vote_signing_input(vote)
  friend bool operator==(const Vote&, const Vote&) = default;
};

// A precommit quorum for one block: every vote in it is a precommit with
// approve = true for (chain_id, height, round, block_id), so only the voter and the
// signature are carried. Voters are strictly ascending by key (canonical, no duplicates).
//
// The entries are owned; their count is the vector's size (1..kMaxMembers when valid).
// Storage is sized at set-up (reserve_entries: one per member of the membership), after
// which decoding, building and copying into the certificate reuse it and allocate nothing.
struct CertificateSignature {
  PublicKey voter;
  Signature signature;
  friend bool operator==(const CertificateSignature&, const CertificateSignature&) = default;
};

struct Certificate {
  ChainId chain_id;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  BlockId block_id;
  std::vector<CertificateSignature> signatures;

  std::size_t count() const { return signatures.size(); }
  std::span<const CertificateSignature> used() const { return signatures; }
  // Set-up: room for `members` entries, so that filling it later does not allocate.
  void reserve_entries(std::size_t members) { signatures.reserve(members); }
  // Back to the empty value, keeping the reserve.
  void clear() {
    chain_id = {};
    height = 0;
    round = 0;
    block_id = {};
    signatures.clear();
  }
  // The i-th signature as the full vote it stands for: a precommit in a commit
  // certificate, a prevote in a re-proposal's polka.
  Vote vote(std::size_t i, VoteStep step = VoteStep::precommit) const;
  friend bool operator==(const Certificate&, const Certificate&) = default;
};

// A block: header, proposer signature, transactions (coinbase first, then the
// mempool transactions strictly ascending by txid). Views into the decoded buffer; the
// view list is the caller's storage, reserved for the blocks it expects
// (reserve_transactions), so that decoding one of those allocates nothing.
struct BlockView {
  BlockHeader header;
  Signature signature;
  std::uint32_t tx_count = 0;  // including the coinbase, so >= 1; txs.size() == tx_count
  std::vector<TxBytes> txs;

  std::span<const TxBytes> transactions() const { return {txs.data(), tx_count}; }
  void reserve_transactions(std::size_t count) { txs.reserve(count); }
};

// A finalized block travelling with its certificate (catch-up).
struct CommitView {
  Certificate certificate;
  BlockView block;
};

// A polka carried whole (spec/protocol.md 5.4): a block's original signed proposal with a
// prevote quorum for it, so that a receiver in any later round learns the polka from this
// one message and keeps nothing of old rounds. Sent alone as a lock announcement (message
// "polka", rule "announce"), inside every re-proposal, and journaled with a lock.
struct CarriedPolka {
  Proposal proposal;
  Certificate polka;  // its entries are prevotes approving polka.block_id in polka.round
  friend bool operator==(const CarriedPolka&, const CarriedPolka&) = default;
};

// A re-proposal (rule "re-propose"): the round message of a member that holds a polka of an
// earlier round. It carries the polka whole and is signed by the member that sends it, with
// that member's VRF proof for the round, so that it ranks as that member's message of the
// round and as nobody else's (spec/protocol.md 4.6, the leading message).
struct Reproposal {
  std::uint32_t round = 0;  // the round it is sent in, after the polka's round
  PublicKey reproposer;
  VrfProof vrf_proof{};     // the reproposer's proof over vrf_input(chain, height, round, prev_id)
  Signature signature;      // the reproposer's, over reproposal_signing_input
  CarriedPolka carried;
  friend bool operator==(const Reproposal&, const Reproposal&) = default;
};

// "Send me the commit of `height`": a member that lacks the block of that height asks
// the others (spec/protocol.md 7.5). Signed, so that no one but a member can make
// members send commits, and answered at a bounded rate.
struct CommitRequest {
  ChainId chain_id;
  std::uint64_t height = 0;
  PublicKey requester;
  Signature signature;  // requester's, over commit_request_signing_input
  friend bool operator==(const CommitRequest&, const CommitRequest&) = default;
};

// "Send me the body of block `block_id`": a member that stored a proposal whose body it
// does not hold asks the proposer, or a member that approved the block (spec/protocol.md
// 5.7). Answered with the block (header, signature, transactions). Signed, so that the
// bound on answers per member (kMaxBodyAnswers) cannot be spent in another member's name.
struct BodyRequest {
  ChainId chain_id;
  std::uint64_t height = 0;
  BlockId block_id;
  PublicKey requester;
  Signature signature;  // requester's, over body_request_signing_input
  friend bool operator==(const BodyRequest&, const BodyRequest&) = default;
};

// Body reconciliation (spec/reconciliation.md): a member that lacks a block's body and
// holds a body of its own asks for the difference instead of the block. First a sketch
// request carrying a sample of its own transactions' short ids (the server sizes its
// sketch from it), then a transactions request naming the short ids it found it lacks.
enum class ReconcileKind : std::uint8_t { sketch = 1, transactions = 2 };

// The short ids of a reconcile request are 8-byte big-endian values, strictly ascending,
// left in the caller's buffer (a view), so that decoding allocates nothing.
struct ShortIdList {
  std::span<const std::uint8_t> bytes;  // 8 * count() bytes
  std::size_t count() const { return bytes.size() / 8; }
  std::uint64_t operator[](std::size_t i) const {
    std::uint64_t x = 0;
    for (std::size_t k = 0; k < 8; ++k) x = (x << 8) | bytes[8 * i + k];
    return x;
  }
};

struct ReconcileRequest {
  ChainId chain_id;
  std::uint64_t height = 0;
  BlockId block_id;
  PublicKey requester;
  ReconcileKind kind = ReconcileKind::sketch;
  // sketch: the requester's count of mempool transactions (its own block's, without the
  // coinbase), and `ids` the smallest min(have, kReconcileSampleIds) of their short ids
  // under the block's sketch key. transactions: 0, and `ids` the short ids it lacks.
  std::uint32_t have = 0;
  ShortIdList ids;
  Signature signature;  // requester's, over reconcile_request_signing_input
};

// The answer to a sketch request: the sketch of the block's mempool transactions (its
// transactions without the coinbase) under the block's sketch key, with their count.
struct BodySketchView {
  ChainId chain_id;
  std::uint64_t height = 0;
  BlockId block_id;
  std::uint32_t tx_count = 0;                 // the block's mempool transactions
  std::span<const std::uint8_t> sketch;       // spec/reconciliation.md §3's encoding
};

// The answer to a transactions request: the block's transactions with those short ids,
// ascending by txid (views into the caller's buffer; `txs` is the caller's storage).
struct BodyTransactionsView {
  ChainId chain_id;
  std::uint64_t height = 0;
  BlockId block_id;
  std::vector<TxBytes> txs;
  void reserve_transactions(std::size_t count) { txs.reserve(count); }
};

}  // namespace midnight
