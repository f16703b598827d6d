// The canonical binary encoding (spec/encoding.md). Big-endian fixed-width integers,
// explicit bounded lengths, no trailing bytes, unknown versions rejected; every
// accepted input re-encodes to exactly the same bytes. Decoding never allocates and
// never reads out of bounds, whatever the bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class codec_errc {
  truncated = 1,          // input ends inside a field
  trailing_bytes,         // input continues after the message
  unknown_version,        // wire version byte is not kWireVersion
  unknown_message_type,   // type byte names no message
  wrong_message_type,     // a valid type, but not the one asked for
  bad_header_version,     // header.version is not kHeaderVersion
  length_out_of_range,    // a length prefix is 0 or above its maximum
  count_out_of_range,     // an element count is 0 or above its maximum
  bad_flag,               // a boolean byte that is neither 0 nor 1
  bad_vote_step,          // vote step is neither prevote (1) nor precommit (2)
  weight_out_of_range,    // masternode weight is 0 or above kMaxMemberWeight
  not_canonical_order,    // certificate voters or block txids not strictly ascending
  block_too_large,        // transaction bytes above kMaxBlockTransactionBytes
  nil_vote_not_canonical, // approve = false must name a block or be all-zero; approve = true must not be zero
  output_too_small,       // encode: the caller's buffer is too small
  bad_reconcile_kind,     // a reconcile request's kind is neither sketch (1) nor transactions (2)
};

template <>
struct ErrorTable<codec_errc> {
  static constexpr const char* name = "midnight.codec";
  static const char* message(codec_errc e);
};

// Message type byte, second byte of every top-level message.
enum class MessageType : std::uint8_t {
  transaction = 0x01,
  masternode = 0x02,
  header = 0x03,
  proposal = 0x04,
  vote = 0x05,
  certificate = 0x06,
  block = 0x07,
  commit = 0x08,  // certificate body followed by block body
  reproposal = 0x09,      // wire v2: round, reproposer, VRF proof, signature, then a polka's body
  commit_request = 0x0a,  // wire v2
  body_request = 0x0b,    // wire v2 (issue 16): a block's body, answered with a block (0x07)
  reconcile_request = 0x0c,   // wire v2: a sketch or the lacked transactions of a block's body
  body_sketch = 0x0d,         // wire v2: answers a sketch request
  body_transactions = 0x0e,   // wire v2: answers a transactions request
  polka = 0x0f,               // wire v2: proposal body followed by certificate body (a lock announcement)
};

// Where decoding stopped: the field being read and its byte offset from the start.
struct DecodeWhere {
  const char* field = "";
  std::size_t offset = 0;
};

// Body sizes (without the 2-byte version/type prefix).
inline constexpr std::size_t kPrefixSize = 2;
inline constexpr std::size_t kMasternodeBodySize = 32 + 32 + 32 + 8;  // key, vrf_key, reward_to, weight
inline constexpr std::size_t kHeaderBodySize = 2 + 32 + 8 + 4 + 32 + 32 + 8 + 32;  // 150
inline constexpr std::size_t kSignedHeaderBodySize = kHeaderBodySize + 64;  // header, signature
inline constexpr std::size_t kVrfProofSize = VrfProof::size();
inline constexpr std::size_t kProposalBodySize = kSignedHeaderBodySize + kVrfProofSize;  // 294
inline constexpr std::size_t kVoteBodySize = 32 + 8 + 4 + 1 + 32 + 1 + 32 + 64;    // 174
inline constexpr std::size_t kCertificateFixedSize = 32 + 8 + 4 + 32 + 2;  // count is u16
inline constexpr std::size_t kCertificateEntrySize = 32 + 64;
inline constexpr std::size_t kMaxCertificateBodySize = kCertificateFixedSize + kMaxMembers * kCertificateEntrySize;
// Re-proposal: round u32, reproposer, VRF proof, signature, then the polka (proposal, certificate).
inline constexpr std::size_t kReproposalFixedSize = 4 + 32 + kVrfProofSize + 64;  // 180
inline constexpr std::size_t kCommitRequestBodySize = 32 + 8 + 32 + 64;  // 136
inline constexpr std::size_t kBodyRequestBodySize = 32 + 8 + 32 + 32 + 64;  // 168
// Reconcile request: chain, height, block id, requester, kind u8, have u32, count u32,
// 8 bytes a short id, signature.
inline constexpr std::size_t kReconcileRequestFixedSize = 32 + 8 + 32 + 32 + 1 + 4 + 4 + 64;  // 177
// Body sketch: chain, height, block id, tx_count u32, then the sketch (4 + 16 bytes a cell).
inline constexpr std::size_t kBodySketchFixedSize = 32 + 8 + 32 + 4;  // 76
// Body transactions: chain, height, block id, count u32, then (length u32, bytes) each.
inline constexpr std::size_t kBodyTransactionsFixedSize = 32 + 8 + 32 + 4;  // 76
inline constexpr std::size_t kMaxBlockBodySize =
    kSignedHeaderBodySize + 4 + (kMaxBlockTransactions + 1) * 4 + kMaxBlockTransactionBytes + kMaxCoinbaseBytes;
static_assert(kHeaderBodySize == 150);
static_assert(kProposalBodySize == 294);
static_assert(kVoteBodySize == 174);
// The largest encoded message of any type; a buffer of this size holds anything.
inline constexpr std::size_t kMaxMessageSize = kPrefixSize + kMaxCertificateBodySize + kMaxBlockBodySize;

// Reads the 2-byte prefix: version must be kWireVersion and type known.
result<MessageType> peek_message_type(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);

// Decoders: the whole input must be exactly one message of that type (prefix included).
result<std::span<const std::uint8_t>> decode_transaction(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<Masternode> decode_masternode(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<BlockHeader> decode_header(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<Proposal> decode_proposal(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<Vote> decode_vote(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
// Certificate and block are large: decoded into caller-owned storage. A certificate's
// entries are copied into out.signatures, which allocates only if its reserve
// (Certificate::reserve_entries) is smaller than the count. `max_entries` lets a
// receiver that knows its membership refuse a count above its member count
// (count_out_of_range): such a certificate can never verify, since its voters are
// distinct members, and refusing it keeps decoding within the reserve.
result<void> decode_certificate(std::span<const std::uint8_t> in, Certificate& out, DecodeWhere* where = nullptr,
                                std::size_t max_entries = kMaxMembers);
// Transaction views in `out` point into `in`; out.txs allocates only if its reserve
// (BlockView::reserve_transactions) is below the count. Checks structure and txid order
// (txids use header.chain_id); does not check the Merkle root or signature.
result<void> decode_block(std::span<const std::uint8_t> in, BlockView& out, DecodeWhere* where = nullptr);
result<void> decode_commit(std::span<const std::uint8_t> in, CommitView& out, DecodeWhere* where = nullptr,
                           std::size_t max_entries = kMaxMembers);
result<void> decode_polka(std::span<const std::uint8_t> in, CarriedPolka& out, DecodeWhere* where = nullptr,
                          std::size_t max_entries = kMaxMembers);
result<void> decode_reproposal(std::span<const std::uint8_t> in, Reproposal& out, DecodeWhere* where = nullptr,
                               std::size_t max_entries = kMaxMembers);
result<CommitRequest> decode_commit_request(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<BodyRequest> decode_body_request(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
// Reconciliation (spec/encoding.md 3.12 to 3.14). The short ids and the sketch stay views
// into `in`; the transactions' views go into out.txs (its reserve, as for a block).
result<ReconcileRequest> decode_reconcile_request(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<BodySketchView> decode_body_sketch(std::span<const std::uint8_t> in, DecodeWhere* where = nullptr);
result<void> decode_body_transactions(std::span<const std::uint8_t> in, BodyTransactionsView& out,
                                      DecodeWhere* where = nullptr);

// Encoded sizes of whole messages (prefix included).
inline constexpr std::size_t kMasternodeMessageSize = kPrefixSize + kMasternodeBodySize;
inline constexpr std::size_t kHeaderMessageSize = kPrefixSize + kHeaderBodySize;
inline constexpr std::size_t kProposalMessageSize = kPrefixSize + kProposalBodySize;
inline constexpr std::size_t kVoteMessageSize = kPrefixSize + kVoteBodySize;
inline constexpr std::size_t kCommitRequestMessageSize = kPrefixSize + kCommitRequestBodySize;
inline constexpr std::size_t kBodyRequestMessageSize = kPrefixSize + kBodyRequestBodySize;
std::size_t encoded_size_transaction(std::span<const std::uint8_t> tx);
std::size_t encoded_size_certificate(const Certificate& c);  // count clamped to kMaxMembers
std::size_t encoded_size_block(std::span<const TxBytes> txs);
std::size_t encoded_size_commit(const Certificate& c, std::span<const TxBytes> txs);
std::size_t encoded_size_polka(const CarriedPolka& r);
std::size_t encoded_size_reproposal(const Reproposal& r);
std::size_t encoded_size_reconcile_request(std::size_t id_count);
std::size_t encoded_size_body_sketch(std::size_t cells_per_hash);
std::size_t encoded_size_body_transactions(std::span<const TxBytes> txs);

// Encoders write the full message (prefix included) and return its size, or
// codec_errc::output_too_small leaving `out` unspecified. encoded_size_* tell the size.
// An encoder refuses (with the error the decoder would give) any value that its
// decoder would reject, so whatever encodes also decodes, to an equal value.
result<std::size_t> encode_transaction(std::span<const std::uint8_t> tx, std::span<std::uint8_t> out);
result<std::size_t> encode_masternode(const Masternode& m, std::span<std::uint8_t> out);
result<std::size_t> encode_header(const BlockHeader& h, std::span<std::uint8_t> out);
result<std::size_t> encode_proposal(const Proposal& p, std::span<std::uint8_t> out);
result<std::size_t> encode_vote(const Vote& v, std::span<std::uint8_t> out);
result<std::size_t> encode_certificate(const Certificate& c, std::span<std::uint8_t> out);
result<std::size_t> encode_block(const BlockHeader& h, const Signature& sig, std::span<const TxBytes> txs,
                                 std::span<std::uint8_t> out);
result<std::size_t> encode_commit(const Certificate& c, const BlockHeader& h, const Signature& sig,
                                  std::span<const TxBytes> txs, std::span<std::uint8_t> out);
result<std::size_t> encode_polka(const CarriedPolka& r, std::span<std::uint8_t> out);
result<std::size_t> encode_reproposal(const Reproposal& r, std::span<std::uint8_t> out);
result<std::size_t> encode_commit_request(const CommitRequest& c, std::span<std::uint8_t> out);
result<std::size_t> encode_body_request(const BodyRequest& b, std::span<std::uint8_t> out);
result<std::size_t> encode_reconcile_request(const ReconcileRequest& r, std::span<std::uint8_t> out);
// s.sketch may be the tail of `out` itself, where encode_tx_sketch wrote it (at offset
// kPrefixSize + kBodySketchFixedSize): the sketch is then not copied.
result<std::size_t> encode_body_sketch(const BodySketchView& s, std::span<std::uint8_t> out);
result<std::size_t> encode_body_transactions(const ChainId& chain, std::uint64_t height, const BlockId& block_id,
                                             std::span<const TxBytes> txs, std::span<std::uint8_t> out);

// The header body alone (150 bytes, no prefix): input of the block id.
void encode_header_body(const BlockHeader& h, std::span<std::uint8_t, kHeaderBodySize> out);

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(codec_errc)
