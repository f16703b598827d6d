// The canonical binary encoding (spec/encoding.md).
//
// Decoding reads the input front to back through a bounds-checked Reader: every read
// first checks how many bytes remain, so no input can make it read out of bounds.
// Nothing here allocates or throws. On an error the Reader records in DecodeWhere the
// field that was being read and that field's byte offset from the start of the input.
// Public decoders decode into a local and assign only on success, so their output is
// untouched by a failed decode.
#include "midnight/wire/codec.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "midnight/crypto/hash.hpp"

namespace midnight {

const char* ErrorTable<codec_errc>::message(codec_errc e) {
  switch (e) {
    case codec_errc::truncated: return "the input ends inside a field";
    case codec_errc::trailing_bytes: return "the input continues after the end of the message";
    case codec_errc::unknown_version: return "the wire version byte is not a known version";
    case codec_errc::unknown_message_type: return "the message type byte names no message";
    case codec_errc::wrong_message_type: return "the message is of a different type than expected";
    case codec_errc::bad_header_version: return "the block header version is not a known version";
    case codec_errc::length_out_of_range: return "a length prefix is zero or above its maximum";
    case codec_errc::count_out_of_range: return "an element count is zero or above its maximum";
    case codec_errc::bad_flag: return "a boolean byte is neither 0 nor 1";
    case codec_errc::bad_vote_step: return "the vote step is neither prevote (1) nor precommit (2)";
    case codec_errc::weight_out_of_range: return "the masternode weight is zero or above the maximum member weight";
    case codec_errc::not_canonical_order: return "certificate voters or block transaction ids are not strictly ascending";
    case codec_errc::block_too_large: return "the block's transactions exceed the maximum block transaction bytes";
    case codec_errc::nil_vote_not_canonical: return "an approving vote names the all-zero (nil) block id";
    case codec_errc::output_too_small: return "the output buffer is too small for the encoded message";
    case codec_errc::bad_reconcile_kind: return "the reconcile request kind is neither sketch (1) nor transactions (2)";
  }
  return "unknown codec error";
}

namespace {

// "No error" for the internal helpers (no enumerator has the value 0).
constexpr codec_errc kOk{};

#define MIDNIGHT_CODEC_CHECK(expr)                   \
  do {                                               \
    if (const codec_errc e_ = (expr); e_ != kOk) return e_; \
  } while (0)

// ---- field names -------------------------------------------------------------------
// Names of indexed fields ("block.tx[3].length") are built at compile time, so
// DecodeWhere::field always points to static storage and decoding allocates nothing.
template <std::size_t N, std::size_t W>
struct IndexedNames {
  char text[N][W]{};
  constexpr IndexedNames(std::string_view prefix, std::string_view suffix) {
    for (std::size_t i = 0; i < N; ++i) {
      std::size_t p = 0;
      for (char c : prefix) text[i][p++] = c;
      text[i][p++] = '[';
      char digits[20]{};
      std::size_t nd = 0;
      std::size_t v = i;
      do {
        digits[nd++] = char('0' + v % 10);
        v /= 10;
      } while (v != 0);
      while (nd != 0) text[i][p++] = digits[--nd];
      text[i][p++] = ']';
      for (char c : suffix) text[i][p++] = c;
      text[i][p] = '\0';  // out of range here is a compile error: W is too small
    }
  }
  constexpr const char* operator[](std::size_t i) const { return text[i]; }
};

// Transactions are named up to index 1023, like certificate entries below.
inline constexpr std::size_t kNamedTransactions = 1024;
constexpr IndexedNames<kNamedTransactions, 32> kTxLengthNames{"block.tx", ".length"};
constexpr IndexedNames<kNamedTransactions, 32> kTxBytesNames{"block.tx", ".bytes"};
const char* tx_length_name(std::size_t i) { return i < kNamedTransactions ? kTxLengthNames[i] : "block.tx[>1023].length"; }
const char* tx_bytes_name(std::size_t i) { return i < kNamedTransactions ? kTxBytesNames[i] : "block.tx[>1023].bytes"; }
// Certificate entries are named up to index 1023; past it the name says so and the
// offset in DecodeWhere still points at the exact byte.
inline constexpr std::size_t kNamedCertEntries = 1024;
constexpr IndexedNames<kNamedCertEntries, 40> kCertVoterNames{"certificate.sig", ".voter"};
constexpr IndexedNames<kNamedCertEntries, 40> kCertSignatureNames{"certificate.sig", ".signature"};
const char* cert_voter_name(std::size_t i) { return i < kNamedCertEntries ? kCertVoterNames[i] : "certificate.sig[>1023].voter"; }
const char* cert_signature_name(std::size_t i) {
  return i < kNamedCertEntries ? kCertSignatureNames[i] : "certificate.sig[>1023].signature";
}

// ---- reading -------------------------------------------------------------------------
class Reader {
 public:
  Reader(std::span<const std::uint8_t> in, DecodeWhere* where) : in_(in), where_(where) {}

  std::size_t pos() const { return pos_; }
  std::span<const std::uint8_t> consumed_since(std::size_t start) const { return in_.subspan(start, pos_ - start); }
  // Offset of the field read last: where a value-level rejection points.
  std::size_t field_offset() const { return field_offset_; }

  codec_errc fail(codec_errc e, const char* field, std::size_t offset) {
    if (where_ != nullptr) *where_ = DecodeWhere{field, offset};
    return e;
  }
  // Rejects the value of the field read last.
  codec_errc reject(codec_errc e, const char* field) { return fail(e, field, field_offset_); }

  codec_errc view(const char* field, std::size_t n, std::span<const std::uint8_t>& out) {
    field_offset_ = pos_;
    if (in_.size() - pos_ < n) return fail(codec_errc::truncated, field, pos_);
    out = in_.subspan(pos_, n);
    pos_ += n;
    return kOk;
  }
  template <std::size_t N>
  codec_errc fixed(const char* field, Bytes<N>& out) {
    std::span<const std::uint8_t> s;
    MIDNIGHT_CODEC_CHECK(view(field, N, s));
    std::copy(s.begin(), s.end(), out.v.begin());
    return kOk;
  }
  codec_errc u8(const char* field, std::uint8_t& x) {
    std::span<const std::uint8_t> s;
    MIDNIGHT_CODEC_CHECK(view(field, 1, s));
    x = s[0];
    return kOk;
  }
  codec_errc u16(const char* field, std::uint16_t& x) {
    std::span<const std::uint8_t> s;
    MIDNIGHT_CODEC_CHECK(view(field, 2, s));
    x = load_u16(s.data());
    return kOk;
  }
  codec_errc u32(const char* field, std::uint32_t& x) {
    std::span<const std::uint8_t> s;
    MIDNIGHT_CODEC_CHECK(view(field, 4, s));
    x = load_u32(s.data());
    return kOk;
  }
  codec_errc u64(const char* field, std::uint64_t& x) {
    std::span<const std::uint8_t> s;
    MIDNIGHT_CODEC_CHECK(view(field, 8, s));
    x = load_u64(s.data());
    return kOk;
  }
  // The whole input must have been consumed.
  codec_errc end() {
    if (pos_ != in_.size()) return fail(codec_errc::trailing_bytes, "trailing", pos_);
    return kOk;
  }

 private:
  std::span<const std::uint8_t> in_;
  DecodeWhere* where_;
  std::size_t pos_ = 0;
  std::size_t field_offset_ = 0;
};

bool known_type(std::uint8_t t) {
  return t >= static_cast<std::uint8_t>(MessageType::transaction) &&
         t <= static_cast<std::uint8_t>(MessageType::polka);
}

codec_errc read_prefix(Reader& r, MessageType& type) {
  std::uint8_t version = 0;
  MIDNIGHT_CODEC_CHECK(r.u8("prefix.version", version));
  if (version != kWireVersion) return r.reject(codec_errc::unknown_version, "prefix.version");
  std::uint8_t t = 0;
  MIDNIGHT_CODEC_CHECK(r.u8("prefix.type", t));
  if (!known_type(t)) return r.reject(codec_errc::unknown_message_type, "prefix.type");
  type = static_cast<MessageType>(t);
  return kOk;
}

codec_errc read_expected_prefix(Reader& r, MessageType expected) {
  MessageType type{};
  MIDNIGHT_CODEC_CHECK(read_prefix(r, type));
  if (type != expected) return r.reject(codec_errc::wrong_message_type, "prefix.type");
  return kOk;
}

// u32 length of one transaction: 1..kMaxTransactionBytes (the coinbase: 1..kMaxCoinbaseBytes).
codec_errc read_tx_length(Reader& r, const char* field, std::uint32_t& len, std::size_t max = kMaxTransactionBytes) {
  MIDNIGHT_CODEC_CHECK(r.u32(field, len));
  if (len == 0 || len > max) return r.reject(codec_errc::length_out_of_range, field);
  return kOk;
}

codec_errc read_masternode_body(Reader& r, Masternode& m) {
  MIDNIGHT_CODEC_CHECK(r.fixed("masternode.key", m.key));
  MIDNIGHT_CODEC_CHECK(r.fixed("masternode.vrf_key", m.vrf_key));
  MIDNIGHT_CODEC_CHECK(r.fixed("masternode.reward_to", m.reward_to));
  MIDNIGHT_CODEC_CHECK(r.u64("masternode.weight", m.weight));
  if (m.weight == 0 || m.weight > kMaxMemberWeight)
    return r.reject(codec_errc::weight_out_of_range, "masternode.weight");
  return kOk;
}

codec_errc read_header_body(Reader& r, BlockHeader& h) {
  MIDNIGHT_CODEC_CHECK(r.u16("header.version", h.version));
  if (h.version != kHeaderVersion) return r.reject(codec_errc::bad_header_version, "header.version");
  MIDNIGHT_CODEC_CHECK(r.fixed("header.chain_id", h.chain_id));
  MIDNIGHT_CODEC_CHECK(r.u64("header.height", h.height));
  MIDNIGHT_CODEC_CHECK(r.u32("header.round", h.round));
  MIDNIGHT_CODEC_CHECK(r.fixed("header.prev_id", h.prev_id));
  MIDNIGHT_CODEC_CHECK(r.fixed("header.merkle_root", h.merkle_root));
  MIDNIGHT_CODEC_CHECK(r.u64("header.timestamp_ms", h.timestamp_ms));
  MIDNIGHT_CODEC_CHECK(r.fixed("header.proposer", h.proposer));
  return kOk;
}

codec_errc read_vote_body(Reader& r, Vote& v) {
  MIDNIGHT_CODEC_CHECK(r.fixed("vote.chain_id", v.chain_id));
  MIDNIGHT_CODEC_CHECK(r.u64("vote.height", v.height));
  MIDNIGHT_CODEC_CHECK(r.u32("vote.round", v.round));
  std::uint8_t step = 0;
  MIDNIGHT_CODEC_CHECK(r.u8("vote.step", step));
  if (step != static_cast<std::uint8_t>(VoteStep::prevote) && step != static_cast<std::uint8_t>(VoteStep::precommit))
    return r.reject(codec_errc::bad_vote_step, "vote.step");
  v.step = static_cast<VoteStep>(step);
  MIDNIGHT_CODEC_CHECK(r.fixed("vote.block_id", v.block_id));
  std::uint8_t approve = 0;
  MIDNIGHT_CODEC_CHECK(r.u8("vote.approve", approve));
  if (approve > 1) return r.reject(codec_errc::bad_flag, "vote.approve");
  // Nil is spelled one way only: approve = 0. Approving the all-zero id is rejected.
  if (approve == 1 && v.block_id.is_zero()) return r.reject(codec_errc::nil_vote_not_canonical, "vote.approve");
  v.approve = approve == 1;
  MIDNIGHT_CODEC_CHECK(r.fixed("vote.voter", v.voter));
  MIDNIGHT_CODEC_CHECK(r.fixed("vote.signature", v.signature));
  return kOk;
}

// A certificate body, checked but not yet copied: the entries stay in the input, so that
// a failure later in the message leaves the caller's certificate untouched and a
// success copies them into storage the caller sized at set-up (no allocation).
struct CertificateRead {
  ChainId chain_id;
  std::uint64_t height = 0;
  std::uint32_t round = 0;
  BlockId block_id;
  std::uint16_t count = 0;
  std::span<const std::uint8_t> entries;  // count * kCertificateEntrySize bytes

  void copy_to(Certificate& c) const {
    c.chain_id = chain_id;
    c.height = height;
    c.round = round;
    c.block_id = block_id;
    c.signatures.resize(count);  // within the reserve the caller made at set-up
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint8_t* e = entries.data() + i * kCertificateEntrySize;
      std::copy(e, e + 32, c.signatures[i].voter.v.begin());
      std::copy(e + 32, e + kCertificateEntrySize, c.signatures[i].signature.v.begin());
    }
  }
};

// `max_entries`: the receiver's bound on count (kMaxMembers, or its membership's size).
codec_errc read_certificate_body(Reader& r, CertificateRead& c, std::size_t max_entries) {
  MIDNIGHT_CODEC_CHECK(r.fixed("certificate.chain_id", c.chain_id));
  MIDNIGHT_CODEC_CHECK(r.u64("certificate.height", c.height));
  MIDNIGHT_CODEC_CHECK(r.u32("certificate.round", c.round));
  MIDNIGHT_CODEC_CHECK(r.fixed("certificate.block_id", c.block_id));
  MIDNIGHT_CODEC_CHECK(r.u16("certificate.count", c.count));
  if (c.count == 0 || c.count > std::min(max_entries, kMaxMembers))
    return r.reject(codec_errc::count_out_of_range, "certificate.count");
  const std::size_t start = r.pos();
  std::span<const std::uint8_t> previous;
  for (std::size_t i = 0; i < c.count; ++i) {
    std::span<const std::uint8_t> voter, signature;
    MIDNIGHT_CODEC_CHECK(r.view(cert_voter_name(i), 32, voter));
    if (i > 0 && !std::lexicographical_compare(previous.begin(), previous.end(), voter.begin(), voter.end()))
      return r.reject(codec_errc::not_canonical_order, cert_voter_name(i));
    MIDNIGHT_CODEC_CHECK(r.view(cert_signature_name(i), 64, signature));
    previous = voter;
  }
  c.entries = r.consumed_since(start);
  return kOk;
}

codec_errc read_proposal_body(Reader& r, Proposal& p) {
  MIDNIGHT_CODEC_CHECK(read_header_body(r, p.header));
  MIDNIGHT_CODEC_CHECK(r.fixed("proposal.signature", p.signature));
  return r.fixed("proposal.vrf_proof", p.vrf_proof);  // opaque here; policy B verifies it
}

// A block body, checked but not yet copied out: the transactions stay in the input, so
// that a failure later in the message leaves the caller's block untouched and a success
// fills views into storage the caller reserved (no allocation, no 16 MB local copy).
struct BlockRead {
  BlockHeader header;
  Signature signature;
  std::uint32_t tx_count = 0;
  std::span<const std::uint8_t> entries;  // tx_count (length u32, bytes) entries, already checked

  void copy_to(BlockView& b) const {
    b.header = header;
    b.signature = signature;
    b.tx_count = tx_count;
    b.txs.resize(tx_count);  // within the reserve the caller made
    std::size_t at = 0;
    for (std::size_t i = 0; i < tx_count; ++i) {
      const std::size_t len = load_u32(entries.data() + at);
      b.txs[i] = entries.subspan(at + 4, len);
      at += 4 + len;
    }
  }
};

codec_errc read_block_body(Reader& r, BlockRead& b) {
  MIDNIGHT_CODEC_CHECK(read_header_body(r, b.header));
  MIDNIGHT_CODEC_CHECK(r.fixed("block.signature", b.signature));
  MIDNIGHT_CODEC_CHECK(r.u32("block.tx_count", b.tx_count));
  if (b.tx_count == 0 || b.tx_count > kMaxBlockTransactions + 1)
    return r.reject(codec_errc::count_out_of_range, "block.tx_count");
  const std::size_t start = r.pos();
  std::size_t mempool_bytes = 0;  // bytes of the transactions after the coinbase
  TxId previous;
  for (std::size_t i = 0; i < b.tx_count; ++i) {
    std::uint32_t len = 0;
    MIDNIGHT_CODEC_CHECK(read_tx_length(r, tx_length_name(i), len, i == 0 ? kMaxCoinbaseBytes : kMaxTransactionBytes));
    if (i >= 1) {
      mempool_bytes += len;  // at most 2^21 * 64 KiB: no overflow
      if (mempool_bytes > kMaxBlockTransactionBytes) return r.reject(codec_errc::block_too_large, tx_length_name(i));
    }
    std::span<const std::uint8_t> tx;
    MIDNIGHT_CODEC_CHECK(r.view(tx_bytes_name(i), len, tx));
    if (i >= 1) {
      const TxId id = compute_txid(b.header.chain_id, tx);
      if (i >= 2 && !(previous < id)) return r.reject(codec_errc::not_canonical_order, tx_bytes_name(i));
      previous = id;
    }
  }
  b.entries = r.consumed_since(start);
  return kOk;
}

// ---- writing -------------------------------------------------------------------------
// Callers check the size first; the Writer only writes.
class Writer {
 public:
  explicit Writer(std::span<std::uint8_t> out) : p_(out.data()) {}
  void u8(std::uint8_t x) { *p_++ = x; }
  void u16(std::uint16_t x) { store_u16(p_, x); p_ += 2; }
  void u32(std::uint32_t x) { store_u32(p_, x); p_ += 4; }
  void u64(std::uint64_t x) { store_u64(p_, x); p_ += 8; }
  void bytes(std::span<const std::uint8_t> b) { p_ = std::copy(b.begin(), b.end(), p_); }
  template <std::size_t N>
  void fixed(const Bytes<N>& b) { bytes(b.span()); }
  void prefix(MessageType t) { u8(kWireVersion); u8(static_cast<std::uint8_t>(t)); }

 private:
  std::uint8_t* p_;
};

void write_header_body(Writer& w, const BlockHeader& h) {
  w.u16(h.version);
  w.fixed(h.chain_id);
  w.u64(h.height);
  w.u32(h.round);
  w.fixed(h.prev_id);
  w.fixed(h.merkle_root);
  w.u64(h.timestamp_ms);
  w.fixed(h.proposer);
}

void write_proposal_body(Writer& w, const Proposal& p) {
  write_header_body(w, p.header);
  w.fixed(p.signature);
  w.fixed(p.vrf_proof);
}

void write_certificate_body(Writer& w, const Certificate& c) {
  w.fixed(c.chain_id);
  w.u64(c.height);
  w.u32(c.round);
  w.fixed(c.block_id);
  w.u16(static_cast<std::uint16_t>(c.count()));
  for (const CertificateSignature& s : c.used()) {
    w.fixed(s.voter);
    w.fixed(s.signature);
  }
}

void write_block_body(Writer& w, const BlockHeader& h, const Signature& sig, std::span<const TxBytes> txs) {
  write_header_body(w, h);
  w.fixed(sig);
  w.u32(std::uint32_t(txs.size()));
  for (const TxBytes& tx : txs) {
    w.u32(std::uint32_t(tx.size()));
    w.bytes(tx);
  }
}

// ---- validation before encoding: the decoder's rules, on values -----------------------
codec_errc check_tx_length(std::size_t len, std::size_t max = kMaxTransactionBytes) {
  return (len == 0 || len > max) ? codec_errc::length_out_of_range : kOk;
}

codec_errc check_header(const BlockHeader& h) {
  return h.version == kHeaderVersion ? kOk : codec_errc::bad_header_version;
}

codec_errc check_vote(const Vote& v) {
  if (v.step != VoteStep::prevote && v.step != VoteStep::precommit) return codec_errc::bad_vote_step;
  if (v.approve && v.block_id.is_zero()) return codec_errc::nil_vote_not_canonical;
  return kOk;
}

codec_errc check_certificate(const Certificate& c) {
  if (c.count() == 0 || c.count() > kMaxMembers) return codec_errc::count_out_of_range;
  for (std::size_t i = 1; i < c.count(); ++i) {
    if (!(c.signatures[i - 1].voter < c.signatures[i].voter)) return codec_errc::not_canonical_order;
  }
  return kOk;
}

codec_errc check_block(const BlockHeader& h, std::span<const TxBytes> txs) {
  MIDNIGHT_CODEC_CHECK(check_header(h));
  if (txs.empty() || txs.size() > kMaxBlockTransactions + 1) return codec_errc::count_out_of_range;
  std::size_t mempool_bytes = 0;
  TxId previous;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    MIDNIGHT_CODEC_CHECK(check_tx_length(txs[i].size(), i == 0 ? kMaxCoinbaseBytes : kMaxTransactionBytes));
    if (i == 0) continue;  // the coinbase is outside the order and the byte budget
    mempool_bytes += txs[i].size();
    if (mempool_bytes > kMaxBlockTransactionBytes) return codec_errc::block_too_large;
    const TxId id = compute_txid(h.chain_id, txs[i]);
    if (i >= 2 && !(previous < id)) return codec_errc::not_canonical_order;
    previous = id;
  }
  return kOk;
}

std::size_t certificate_body_size(const Certificate& c) {
  return kCertificateFixedSize + std::min<std::size_t>(c.count(), kMaxMembers) * kCertificateEntrySize;
}

std::size_t block_body_size(std::span<const TxBytes> txs) {
  std::size_t n = kSignedHeaderBodySize + 4;
  for (const TxBytes& tx : txs) n += 4 + tx.size();
  return n;
}

// count (length u32, bytes) entries of mempool transactions, strictly ascending by txid of
// `chain`, at most kMaxBlockTransactionBytes in all: the checks of a block's entries after
// its coinbase. `entries` spans them on success.
codec_errc read_mempool_entries(Reader& r, const ChainId& chain, std::size_t count, std::span<const std::uint8_t>& entries) {
  const std::size_t start = r.pos();
  std::size_t bytes = 0;
  TxId previous;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t len = 0;
    MIDNIGHT_CODEC_CHECK(read_tx_length(r, tx_length_name(i), len));
    bytes += len;
    if (bytes > kMaxBlockTransactionBytes) return r.reject(codec_errc::block_too_large, tx_length_name(i));
    std::span<const std::uint8_t> tx;
    MIDNIGHT_CODEC_CHECK(r.view(tx_bytes_name(i), len, tx));
    const TxId id = compute_txid(chain, tx);
    if (i >= 1 && !(previous < id)) return r.reject(codec_errc::not_canonical_order, tx_bytes_name(i));
    previous = id;
  }
  entries = r.consumed_since(start);
  return kOk;
}

void write_short_ids(Writer& w, const ShortIdList& ids) { w.bytes(ids.bytes); }

}  // namespace

// ---- decoding ---------------------------------------------------------------------------
result<MessageType> peek_message_type(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  MessageType type{};
  if (const codec_errc e = read_prefix(r, type); e != kOk) return e;
  return type;
}

result<std::span<const std::uint8_t>> decode_transaction(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  std::uint32_t len = 0;
  std::span<const std::uint8_t> tx;
  codec_errc e = read_expected_prefix(r, MessageType::transaction);
  if (e == kOk) e = read_tx_length(r, "transaction.length", len);
  if (e == kOk) e = r.view("transaction.bytes", len, tx);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return tx;
}

result<Masternode> decode_masternode(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  Masternode m;
  codec_errc e = read_expected_prefix(r, MessageType::masternode);
  if (e == kOk) e = read_masternode_body(r, m);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return m;
}

result<BlockHeader> decode_header(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  BlockHeader h;
  codec_errc e = read_expected_prefix(r, MessageType::header);
  if (e == kOk) e = read_header_body(r, h);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return h;
}

result<Proposal> decode_proposal(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  Proposal p;
  codec_errc e = read_expected_prefix(r, MessageType::proposal);
  if (e == kOk) e = read_proposal_body(r, p);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return p;
}

result<Vote> decode_vote(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  Vote v;
  codec_errc e = read_expected_prefix(r, MessageType::vote);
  if (e == kOk) e = read_vote_body(r, v);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return v;
}

result<void> decode_certificate(std::span<const std::uint8_t> in, Certificate& out, DecodeWhere* where,
                                std::size_t max_entries) {
  Reader r(in, where);
  CertificateRead c;  // `out` changes only on success
  codec_errc e = read_expected_prefix(r, MessageType::certificate);
  if (e == kOk) e = read_certificate_body(r, c, max_entries);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  c.copy_to(out);
  return outcome::success();
}

result<void> decode_block(std::span<const std::uint8_t> in, BlockView& out, DecodeWhere* where) {
  Reader r(in, where);
  BlockRead b;  // `out` changes only on success
  codec_errc e = read_expected_prefix(r, MessageType::block);
  if (e == kOk) e = read_block_body(r, b);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  b.copy_to(out);
  return outcome::success();
}

result<void> decode_commit(std::span<const std::uint8_t> in, CommitView& out, DecodeWhere* where,
                           std::size_t max_entries) {
  Reader r(in, where);
  CertificateRead c;
  BlockRead b;  // `out` changes only on success
  codec_errc e = read_expected_prefix(r, MessageType::commit);
  if (e == kOk) e = read_certificate_body(r, c, max_entries);
  if (e == kOk) e = read_block_body(r, b);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  c.copy_to(out.certificate);
  b.copy_to(out.block);
  return outcome::success();
}

result<void> decode_polka(std::span<const std::uint8_t> in, CarriedPolka& out, DecodeWhere* where,
                          std::size_t max_entries) {
  Reader r(in, where);
  Proposal p;
  CertificateRead c;  // `out` changes only on success
  codec_errc e = read_expected_prefix(r, MessageType::polka);
  if (e == kOk) e = read_proposal_body(r, p);
  if (e == kOk) e = read_certificate_body(r, c, max_entries);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  out.proposal = p;
  c.copy_to(out.polka);
  return outcome::success();
}

result<void> decode_reproposal(std::span<const std::uint8_t> in, Reproposal& out, DecodeWhere* where,
                               std::size_t max_entries) {
  Reader r(in, where);
  std::uint32_t round = 0;
  PublicKey reproposer;
  VrfProof proof{};
  Signature signature;
  Proposal p;
  CertificateRead c;  // `out` changes only on success
  codec_errc e = read_expected_prefix(r, MessageType::reproposal);
  if (e == kOk) e = r.u32("reproposal.round", round);
  if (e == kOk) e = r.fixed("reproposal.reproposer", reproposer);
  if (e == kOk) e = r.fixed("reproposal.vrf_proof", proof);
  if (e == kOk) e = r.fixed("reproposal.signature", signature);
  if (e == kOk) e = read_proposal_body(r, p);
  if (e == kOk) e = read_certificate_body(r, c, max_entries);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  out.round = round;
  out.reproposer = reproposer;
  out.vrf_proof = proof;
  out.signature = signature;
  out.carried.proposal = p;
  c.copy_to(out.carried.polka);
  return outcome::success();
}

result<CommitRequest> decode_commit_request(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  CommitRequest c;
  codec_errc e = read_expected_prefix(r, MessageType::commit_request);
  if (e == kOk) e = r.fixed("commit_request.chain_id", c.chain_id);
  if (e == kOk) e = r.u64("commit_request.height", c.height);
  if (e == kOk) e = r.fixed("commit_request.requester", c.requester);
  if (e == kOk) e = r.fixed("commit_request.signature", c.signature);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return c;
}

result<BodyRequest> decode_body_request(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  BodyRequest b;
  codec_errc e = read_expected_prefix(r, MessageType::body_request);
  if (e == kOk) e = r.fixed("body_request.chain_id", b.chain_id);
  if (e == kOk) e = r.u64("body_request.height", b.height);
  if (e == kOk) e = r.fixed("body_request.block_id", b.block_id);
  if (e == kOk) e = r.fixed("body_request.requester", b.requester);
  if (e == kOk) e = r.fixed("body_request.signature", b.signature);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return b;
}

result<ReconcileRequest> decode_reconcile_request(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  ReconcileRequest q;
  std::uint8_t kind = 0;
  std::uint32_t count = 0;
  codec_errc e = read_expected_prefix(r, MessageType::reconcile_request);
  if (e == kOk) e = r.fixed("reconcile_request.chain_id", q.chain_id);
  if (e == kOk) e = r.u64("reconcile_request.height", q.height);
  if (e == kOk) e = r.fixed("reconcile_request.block_id", q.block_id);
  if (e == kOk) e = r.fixed("reconcile_request.requester", q.requester);
  if (e == kOk) e = r.u8("reconcile_request.kind", kind);
  if (e == kOk && kind != std::uint8_t(ReconcileKind::sketch) && kind != std::uint8_t(ReconcileKind::transactions))
    e = r.reject(codec_errc::bad_reconcile_kind, "reconcile_request.kind");
  q.kind = ReconcileKind{kind};
  if (e == kOk) e = r.u32("reconcile_request.have", q.have);
  // A sketch request states its count of transactions (at most a block's) and samples
  // exactly min(have, kReconcileSampleIds) of them; a transactions request states no
  // count and names 1 to kMaxBlockTransactions short ids.
  const bool sketch = q.kind == ReconcileKind::sketch;
  if (e == kOk && (sketch ? q.have > kMaxBlockTransactions : q.have != 0))
    e = r.reject(codec_errc::count_out_of_range, "reconcile_request.have");
  if (e == kOk) e = r.u32("reconcile_request.count", count);
  if (e == kOk && (sketch ? count != std::min<std::size_t>(q.have, kReconcileSampleIds)
                          : (count == 0 || count > kMaxBlockTransactions)))
    e = r.reject(codec_errc::count_out_of_range, "reconcile_request.count");
  if (e == kOk) e = r.view("reconcile_request.ids", std::size_t{8} * count, q.ids.bytes);
  for (std::size_t i = 1; e == kOk && i < count; ++i)
    if (!(q.ids[i - 1] < q.ids[i])) e = r.reject(codec_errc::not_canonical_order, "reconcile_request.ids");
  if (e == kOk) e = r.fixed("reconcile_request.signature", q.signature);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  return q;
}

result<BodySketchView> decode_body_sketch(std::span<const std::uint8_t> in, DecodeWhere* where) {
  Reader r(in, where);
  BodySketchView s;
  std::uint32_t cells_per_hash = 0;
  std::span<const std::uint8_t> cells;
  codec_errc e = read_expected_prefix(r, MessageType::body_sketch);
  if (e == kOk) e = r.fixed("body_sketch.chain_id", s.chain_id);
  if (e == kOk) e = r.u64("body_sketch.height", s.height);
  if (e == kOk) e = r.fixed("body_sketch.block_id", s.block_id);
  if (e == kOk) e = r.u32("body_sketch.tx_count", s.tx_count);
  if (e == kOk && s.tx_count > kMaxBlockTransactions) e = r.reject(codec_errc::count_out_of_range, "body_sketch.tx_count");
  const std::size_t sketch_at = r.pos();
  if (e == kOk) e = r.u32("body_sketch.cells_per_hash", cells_per_hash);
  if (e == kOk && (cells_per_hash == 0 || cells_per_hash > kMaxSketchCellsPerHash))
    e = r.reject(codec_errc::length_out_of_range, "body_sketch.cells_per_hash");
  if (e == kOk) e = r.view("body_sketch.cells", kSketchHashes * kSketchCellBytes * cells_per_hash, cells);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;
  s.sketch = in.subspan(sketch_at);
  return s;
}

result<void> decode_body_transactions(std::span<const std::uint8_t> in, BodyTransactionsView& out, DecodeWhere* where) {
  Reader r(in, where);
  ChainId chain;
  std::uint64_t height = 0;
  BlockId block_id;
  std::uint32_t count = 0;
  std::span<const std::uint8_t> entries;
  codec_errc e = read_expected_prefix(r, MessageType::body_transactions);
  if (e == kOk) e = r.fixed("body_transactions.chain_id", chain);
  if (e == kOk) e = r.u64("body_transactions.height", height);
  if (e == kOk) e = r.fixed("body_transactions.block_id", block_id);
  if (e == kOk) e = r.u32("body_transactions.count", count);
  if (e == kOk && (count == 0 || count > kMaxBlockTransactions))
    e = r.reject(codec_errc::count_out_of_range, "body_transactions.count");
  if (e == kOk) e = read_mempool_entries(r, chain, count, entries);
  if (e == kOk) e = r.end();
  if (e != kOk) return e;  // `out` changes only on success
  out.chain_id = chain;
  out.height = height;
  out.block_id = block_id;
  out.txs.resize(count);  // within the reserve the caller made
  std::size_t at = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t len = load_u32(entries.data() + at);
    out.txs[i] = entries.subspan(at + 4, len);
    at += 4 + len;
  }
  return outcome::success();
}

// ---- sizes --------------------------------------------------------------------------------
std::size_t encoded_size_transaction(std::span<const std::uint8_t> tx) { return kPrefixSize + 4 + tx.size(); }
std::size_t encoded_size_certificate(const Certificate& c) { return kPrefixSize + certificate_body_size(c); }
std::size_t encoded_size_block(std::span<const TxBytes> txs) { return kPrefixSize + block_body_size(txs); }
std::size_t encoded_size_commit(const Certificate& c, std::span<const TxBytes> txs) {
  return kPrefixSize + certificate_body_size(c) + block_body_size(txs);
}

std::size_t encoded_size_polka(const CarriedPolka& r) {
  return kPrefixSize + kProposalBodySize + certificate_body_size(r.polka);
}

std::size_t encoded_size_reproposal(const Reproposal& r) {
  return encoded_size_polka(r.carried) + kReproposalFixedSize;
}

std::size_t encoded_size_reconcile_request(std::size_t id_count) {
  return kPrefixSize + kReconcileRequestFixedSize + 8 * id_count;
}

std::size_t encoded_size_body_sketch(std::size_t cells_per_hash) {
  return kPrefixSize + kBodySketchFixedSize + kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells_per_hash;
}

std::size_t encoded_size_body_transactions(std::span<const TxBytes> txs) {
  std::size_t n = kPrefixSize + kBodyTransactionsFixedSize;
  for (const TxBytes& tx : txs) n += 4 + tx.size();
  return n;
}

// ---- encoding -----------------------------------------------------------------------------
void encode_header_body(const BlockHeader& h, std::span<std::uint8_t, kHeaderBodySize> out) {
  Writer w(out);
  write_header_body(w, h);
}

result<std::size_t> encode_transaction(std::span<const std::uint8_t> tx, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_tx_length(tx.size()); e != kOk) return e;
  const std::size_t size = encoded_size_transaction(tx);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::transaction);
  w.u32(std::uint32_t(tx.size()));
  w.bytes(tx);
  return size;
}

result<std::size_t> encode_masternode(const Masternode& m, std::span<std::uint8_t> out) {
  if (m.weight == 0 || m.weight > kMaxMemberWeight) return codec_errc::weight_out_of_range;
  if (out.size() < kMasternodeMessageSize) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::masternode);
  w.fixed(m.key);
  w.fixed(m.vrf_key);
  w.fixed(m.reward_to);
  w.u64(m.weight);
  return kMasternodeMessageSize;
}

result<std::size_t> encode_header(const BlockHeader& h, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_header(h); e != kOk) return e;
  if (out.size() < kHeaderMessageSize) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::header);
  write_header_body(w, h);
  return kHeaderMessageSize;
}

result<std::size_t> encode_proposal(const Proposal& p, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_header(p.header); e != kOk) return e;
  if (out.size() < kProposalMessageSize) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::proposal);
  write_proposal_body(w, p);
  return kProposalMessageSize;
}

result<std::size_t> encode_vote(const Vote& v, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_vote(v); e != kOk) return e;
  if (out.size() < kVoteMessageSize) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::vote);
  w.fixed(v.chain_id);
  w.u64(v.height);
  w.u32(v.round);
  w.u8(static_cast<std::uint8_t>(v.step));
  w.fixed(v.block_id);
  w.u8(v.approve ? 1 : 0);
  w.fixed(v.voter);
  w.fixed(v.signature);
  return kVoteMessageSize;
}

result<std::size_t> encode_certificate(const Certificate& c, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_certificate(c); e != kOk) return e;
  const std::size_t size = encoded_size_certificate(c);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::certificate);
  write_certificate_body(w, c);
  return size;
}

result<std::size_t> encode_block(const BlockHeader& h, const Signature& sig, std::span<const TxBytes> txs,
                                 std::span<std::uint8_t> out) {
  if (const codec_errc e = check_block(h, txs); e != kOk) return e;
  const std::size_t size = encoded_size_block(txs);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::block);
  write_block_body(w, h, sig, txs);
  return size;
}

result<std::size_t> encode_commit(const Certificate& c, const BlockHeader& h, const Signature& sig,
                                  std::span<const TxBytes> txs, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_certificate(c); e != kOk) return e;
  if (const codec_errc e = check_block(h, txs); e != kOk) return e;
  const std::size_t size = encoded_size_commit(c, txs);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::commit);
  write_certificate_body(w, c);
  write_block_body(w, h, sig, txs);
  return size;
}

namespace {
// The body of a polka message, also the tail of a re-proposal: what its decoder would
// refuse, then the bytes.
codec_errc check_polka_body(const CarriedPolka& p) {
  if (const codec_errc e = check_header(p.proposal.header); e != kOk) return e;
  return check_certificate(p.polka);
}
void write_polka_body(Writer& w, const CarriedPolka& p) {
  write_proposal_body(w, p.proposal);
  write_certificate_body(w, p.polka);
}
}  // namespace

result<std::size_t> encode_polka(const CarriedPolka& rp, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_polka_body(rp); e != kOk) return e;
  const std::size_t size = encoded_size_polka(rp);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::polka);
  write_polka_body(w, rp);
  return size;
}

result<std::size_t> encode_reproposal(const Reproposal& rp, std::span<std::uint8_t> out) {
  if (const codec_errc e = check_polka_body(rp.carried); e != kOk) return e;
  const std::size_t size = encoded_size_reproposal(rp);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::reproposal);
  w.u32(rp.round);
  w.fixed(rp.reproposer);
  w.fixed(rp.vrf_proof);
  w.fixed(rp.signature);
  write_polka_body(w, rp.carried);
  return size;
}

result<std::size_t> encode_commit_request(const CommitRequest& c, std::span<std::uint8_t> out) {
  if (out.size() < kCommitRequestMessageSize) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::commit_request);
  w.fixed(c.chain_id);
  w.u64(c.height);
  w.fixed(c.requester);
  w.fixed(c.signature);
  return kCommitRequestMessageSize;
}

result<std::size_t> encode_body_request(const BodyRequest& b, std::span<std::uint8_t> out) {
  if (out.size() < kBodyRequestMessageSize) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::body_request);
  w.fixed(b.chain_id);
  w.u64(b.height);
  w.fixed(b.block_id);
  w.fixed(b.requester);
  w.fixed(b.signature);
  return kBodyRequestMessageSize;
}

result<std::size_t> encode_reconcile_request(const ReconcileRequest& r, std::span<std::uint8_t> out) {
  const std::size_t count = r.ids.count();
  const bool sketch = r.kind == ReconcileKind::sketch;
  if (!sketch && r.kind != ReconcileKind::transactions) return codec_errc::bad_reconcile_kind;
  if (sketch ? r.have > kMaxBlockTransactions : r.have != 0) return codec_errc::count_out_of_range;
  if (r.ids.bytes.size() % 8 != 0) return codec_errc::length_out_of_range;
  if (sketch ? count != std::min<std::size_t>(r.have, kReconcileSampleIds) : (count == 0 || count > kMaxBlockTransactions))
    return codec_errc::count_out_of_range;
  for (std::size_t i = 1; i < count; ++i)
    if (!(r.ids[i - 1] < r.ids[i])) return codec_errc::not_canonical_order;
  const std::size_t size = encoded_size_reconcile_request(count);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::reconcile_request);
  w.fixed(r.chain_id);
  w.u64(r.height);
  w.fixed(r.block_id);
  w.fixed(r.requester);
  w.u8(std::uint8_t(r.kind));
  w.u32(r.have);
  w.u32(std::uint32_t(count));
  write_short_ids(w, r.ids);
  w.fixed(r.signature);
  return size;
}

result<std::size_t> encode_body_sketch(const BodySketchView& s, std::span<std::uint8_t> out) {
  if (s.tx_count > kMaxBlockTransactions) return codec_errc::count_out_of_range;
  if (s.sketch.size() < kSketchHeaderBytes) return codec_errc::truncated;
  const std::size_t cells_per_hash = load_u32(s.sketch.data());
  if (cells_per_hash == 0 || cells_per_hash > kMaxSketchCellsPerHash) return codec_errc::length_out_of_range;
  if (s.sketch.size() != kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells_per_hash)
    return codec_errc::length_out_of_range;
  const std::size_t size = encoded_size_body_sketch(cells_per_hash);
  if (out.size() < size) return codec_errc::output_too_small;
  // The sketch first (it may already sit where it belongs), then the fixed part before it.
  std::memmove(out.data() + kPrefixSize + kBodySketchFixedSize, s.sketch.data(), s.sketch.size());
  Writer w(out);
  w.prefix(MessageType::body_sketch);
  w.fixed(s.chain_id);
  w.u64(s.height);
  w.fixed(s.block_id);
  w.u32(s.tx_count);
  return size;
}

result<std::size_t> encode_body_transactions(const ChainId& chain, std::uint64_t height, const BlockId& block_id,
                                             std::span<const TxBytes> txs, std::span<std::uint8_t> out) {
  if (txs.empty() || txs.size() > kMaxBlockTransactions) return codec_errc::count_out_of_range;
  std::size_t bytes = 0;
  TxId previous;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (const codec_errc e = check_tx_length(txs[i].size()); e != kOk) return e;
    bytes += txs[i].size();
    if (bytes > kMaxBlockTransactionBytes) return codec_errc::block_too_large;
    const TxId id = compute_txid(chain, txs[i]);
    if (i >= 1 && !(previous < id)) return codec_errc::not_canonical_order;
    previous = id;
  }
  const std::size_t size = encoded_size_body_transactions(txs);
  if (out.size() < size) return codec_errc::output_too_small;
  Writer w(out);
  w.prefix(MessageType::body_transactions);
  w.fixed(chain);
  w.u64(height);
  w.fixed(block_id);
  w.u32(std::uint32_t(txs.size()));
  for (const TxBytes& tx : txs) {
    w.u32(std::uint32_t(tx.size()));
    w.bytes(tx);
  }
  return size;
}

}  // namespace midnight
