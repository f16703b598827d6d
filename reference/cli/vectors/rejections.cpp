// rejections.json: inputs a decoder must reject, each a message of encoding.json (or one
// built field by field) that breaks exactly one rule, with the error it must give.
#include <algorithm>
#include <initializer_list>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../decode_as.hpp"
#include "../error_names.hpp"
#include "../message_json.hpp"
#include "common.hpp"
#include "families.hpp"
#include "fixture.hpp"
#include "rules.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

struct Rejector {
  JsonWriter& w;
  CaseFlags& flags;

  // Writes one case, labelled with case_flags, after checking that decoding `input` as `as` fails with `expected`.
  void reject(std::string_view name, MessageType as, std::span<const std::uint8_t> input, codec_errc expected,
              std::string_view rule, std::initializer_list<std::string_view> case_flags) {
    begin(name, as, input, expected, rule);
    bytes_field(w, "hex", input);
    flags.write_case(w, false, case_flags);
    w.end_object();
  }
  // The same for an input too large to print: its size and SHA-256, and the rule that
  // builds it.
  void reject_by_digest(std::string_view name, MessageType as, std::span<const std::uint8_t> input,
                        codec_errc expected, std::string_view rule, std::string_view input_rule,
                        std::initializer_list<std::string_view> case_flags) {
    begin(name, as, input, expected, rule);
    w.field("input_rule", input_rule);
    w.field("sha256", to_hex(sha256(input)));
    flags.write_case(w, false, case_flags);
    w.end_object();
  }

 private:
  // Checks that the reference rejects `input` as `expected`, and opens its entry.
  void begin(std::string_view name, MessageType as, std::span<const std::uint8_t> input, codec_errc expected,
             std::string_view rule) {
    const DecodeOutcome d = decode_as(as, input);
    require(d.error == make_error_code(expected),
            std::string("rejection '") + std::string(name) + "': expected " + codec_errc_name(expected) + ", got " +
                (d.error ? d.error.message() : std::string("success")));
    w.begin_object(true);
    w.field("name", name);
    w.field("decode_as", message_type_name(as));
    w.field("rule", rule);
    w.field("error", codec_errc_name(expected));
    w.field("field", d.where.field);
    w.field("offset", d.where.offset);
    w.field("size", input.size());
  }
};

Buf with_byte(Buf b, std::size_t at, std::uint8_t value) {
  require(at < b.size(), "with_byte offset");
  b[at] = value;
  return b;
}
Buf cut(const Buf& b, std::size_t n) { return Buf(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)); }
void put_u16(Buf& b, std::size_t at, std::uint16_t x) { store_u16(b.data() + at, x); }
void put_u64(Buf& b, std::size_t at, std::uint64_t x) { store_u64(b.data() + at, x); }


}  // namespace

void write_rejections(JsonWriter& w) {
  begin_family(w, "rejections",
               "Inputs that a decoder MUST reject (spec/encoding.md §4), at least one per rejection rule. Each breaks "
               "exactly one rule, so the error is determined.",
               {"decode_as is the message type the receiver expects; the error is the codec_errc enumerator name of "
                "the reference (midnight::codec_errc).",
                "field and offset are where the reference stopped: the field being read and its byte offset from the "
                "start of the message (prefix included); for trailing bytes the field is 'trailing' and the offset the "
                "end of the message. Which field is reported is not normative; the error is.",
                "Most inputs are a message of encoding.json with one change; the others are built field by field as "
                "their name says.",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each segment's "
                "hex repeated `repeat` times.",
                "Decoding checks structure only: the changed messages' signatures are not checked and do not matter.",
                "An input too large to print has input_rule (how to build it from encoding.json's block) with its size "
                "and sha256 instead of hex."});
  // The labels of the cases (spec/vectors/README.md, Flags).
  CaseFlags flags(
      "rejections",
      {{"Truncated", "The input ends inside a field, so the decoder MUST fail with truncated (spec/encoding.md §4)."},
       {"EmptyInput", "The input is empty, ending inside the prefix's first field: truncated (spec/encoding.md §4)."},
       {"LengthExceedsInput", "A transaction length promises more bytes than remain in the input: truncated "
                              "(spec/encoding.md §4)."},
       {"CountExceedsInput", "A count (entries, short ids, cells) promises more bytes than remain in the input: "
                             "truncated (spec/encoding.md §4)."},
       {"TrailingBytes", "Bytes remain after a complete message: trailing_bytes (spec/encoding.md §4)."},
       {"WrongWireVersion", "The prefix version is not 2: unknown_version (spec/encoding.md §4)."},
       {"PreviousWireVersion", "The prefix version is 1, the previous wire version, which is not accepted either: "
                               "unknown_version (spec/encoding.md §2, §4)."},
       {"UnknownMessageType", "The prefix type is not in 0x01..0x0f: unknown_message_type (spec/encoding.md §4)."},
       {"WrongMessageType", "The prefix names a known type other than the one the receiver expects: "
                            "wrong_message_type (spec/encoding.md §4)."},
       {"WrongHeaderVersion", "The header version is not 1: bad_header_version (spec/encoding.md §4)."},
       {"ByteOrderSwapped", "A value the spec writes in one byte order is written in the other (here header version "
                            "1 written little-endian), so it reads as another value (spec/encoding.md §4)."},
       {"ZeroLength", "A transaction length or body sketch cells_per_hash is 0: length_out_of_range "
                      "(spec/encoding.md §4)."},
       {"LengthOverCap", "A transaction length or body sketch cells_per_hash is above its cap: length_out_of_range "
                         "(spec/encoding.md §4)."},
       {"ZeroCount", "A count that must be at least 1 (certificate count, block tx_count, transactions request "
                     "count, body transactions count) is 0: count_out_of_range (spec/encoding.md §4)."},
       {"CountOverCap", "A count (block tx_count, sketch request have, body sketch tx_count) is above its cap: "
                        "count_out_of_range (spec/encoding.md §4)."},
       {"InconsistentCount", "A reconcile request's have or count is in range but not the value its kind fixes "
                             "(count = min(have, 512) for a sketch, have = 0 for transactions): count_out_of_range "
                             "(spec/encoding.md §4)."},
       {"ZeroWeight", "A masternode weight is 0: weight_out_of_range (spec/encoding.md §4)."},
       {"WeightOverCap", "A masternode weight is above 2^20: weight_out_of_range (spec/encoding.md §4)."},
       {"InvalidBoolean", "A vote's approve byte is neither 0 nor 1: bad_flag (spec/encoding.md §4)."},
       {"InvalidEnumValue", "A one-byte enumeration (vote step, reconcile request kind) names no value: "
                            "bad_vote_step or bad_reconcile_kind (spec/encoding.md §4)."},
       {"NonCanonicalNilVote", "A nil vote (zero block id) has approve = 1: nil_vote_not_canonical "
                               "(spec/encoding.md §4)."},
       {"NonCanonicalOrder", "Two entries that must be strictly ascending (voters, txids, short ids) are swapped: "
                             "not_canonical_order (spec/encoding.md §4)."},
       {"Duplicate", "An entry that must be strictly ascending (a voter, a transaction) is repeated: "
                     "not_canonical_order (spec/encoding.md §4)."},
       {"BytesOverCap", "The transaction bytes after the coinbase are above 268435456: block_too_large "
                        "(spec/encoding.md §4)."}});
  flags.write_definitions(w);
  const EncodingFixture f = make_encoding_fixture();
  Rejector r{w, flags};
  const Buf vote = unwrap(encode_to_vector(f.vote));
  const Buf tx = unwrap(encode_transaction_to_vector(f.tx));
  const Buf header = unwrap(encode_to_vector(f.header));
  const Buf proposal = unwrap(encode_to_vector(f.proposal));
  const Buf masternode = unwrap(encode_to_vector(f.masternode));
  const Buf certificate = unwrap(encode_to_vector(f.certificate));
  const Buf block = unwrap(encode_block_to_vector(f.header, f.proposal.signature, f.content.views));
  const Buf commit = unwrap(encode_commit_to_vector(f.certificate, f.header, f.proposal.signature, f.content.views));
  const std::size_t cert_size = certificate.size() - kPrefixSize;  // body size inside a commit
  constexpr std::size_t kCertCountAt = kPrefixSize + 32 + 8 + 4 + 32;      // 78, a u16
  constexpr std::size_t kCertEntriesAt = kCertCountAt + 2;
  const auto& tx_views = f.content.views;  // coinbase, then 3 transactions ascending by txid
  require(tx_views.size() == 4 && raw_block(f.header, f.proposal.signature, 4, tx_views) == block, "raw_block");
  const Buf zero_byte{0x00};

  w.key("cases").begin_array();

  // truncated
  r.reject("empty input", MessageType::vote, {}, codec_errc::truncated, "the input ends inside a field",
           {"Truncated", "EmptyInput"});
  r.reject("prefix only, no body", MessageType::vote, cut(vote, 2), codec_errc::truncated,
           "the input ends inside a field", {"Truncated"});
  r.reject("vote cut inside the voter key", MessageType::vote, cut(vote, 100), codec_errc::truncated,
           "the input ends inside a field", {"Truncated"});
  r.reject("vote one byte short", MessageType::vote, cut(vote, vote.size() - 1), codec_errc::truncated,
           "the input ends inside a field", {"Truncated"});
  r.reject("header cut inside the height", MessageType::header, cut(header, 40), codec_errc::truncated,
           "the input ends inside a field", {"Truncated"});
  r.reject("transaction length promises more bytes than there are", MessageType::transaction, cut(tx, tx.size() - 2),
           codec_errc::truncated, "a length that promises more bytes than there are",
           {"Truncated", "LengthExceedsInput"});
  r.reject("certificate count promises more entries than there are", MessageType::certificate,
           cut(certificate, kCertEntriesAt + 96), codec_errc::truncated,
           "a count that promises more bytes than there are", {"Truncated", "CountExceedsInput"});
  r.reject("block cut inside the last transaction", MessageType::block, cut(block, block.size() - 1),
           codec_errc::truncated, "the input ends inside a field", {"Truncated"});
  r.reject("commit cut after its certificate", MessageType::commit, cut(commit, kPrefixSize + cert_size),
           codec_errc::truncated, "the input ends inside a field", {"Truncated"});

  // trailing_bytes
  r.reject("vote with one trailing byte", MessageType::vote, append(vote, zero_byte), codec_errc::trailing_bytes,
           "bytes remain after the message", {"TrailingBytes"});
  r.reject("transaction with one trailing byte", MessageType::transaction, append(tx, zero_byte),
           codec_errc::trailing_bytes, "bytes remain after the message", {"TrailingBytes"});
  r.reject("block followed by a second copy of its last byte", MessageType::block,
           append(block, std::span(block).last(1)), codec_errc::trailing_bytes, "bytes remain after the message",
           {"TrailingBytes"});

  // unknown_version
  r.reject("vote with wire version 0", MessageType::vote, with_byte(vote, 0, 0x00), codec_errc::unknown_version,
           "prefix version is not 2", {"WrongWireVersion"});
  r.reject("vote with wire version 1 (a version 1 message)", MessageType::vote, with_byte(vote, 0, 0x01),
           codec_errc::unknown_version, "prefix version is not 2: version 1 is not accepted",
           {"WrongWireVersion", "PreviousWireVersion"});
  r.reject("vote with wire version 3", MessageType::vote, with_byte(vote, 0, 0x03), codec_errc::unknown_version,
           "prefix version is not 2", {"WrongWireVersion"});
  r.reject("block with wire version 0xff", MessageType::block, with_byte(block, 0, 0xff), codec_errc::unknown_version,
           "prefix version is not 2", {"WrongWireVersion"});

  // unknown_message_type
  r.reject("vote with type 0x00", MessageType::vote, with_byte(vote, 1, 0x00), codec_errc::unknown_message_type,
           "prefix type is not 0x01..0x0f", {"UnknownMessageType"});
  r.reject("vote with type 0x10", MessageType::vote, with_byte(vote, 1, 0x10), codec_errc::unknown_message_type,
           "prefix type is not 0x01..0x0f", {"UnknownMessageType"});
  r.reject("vote with type 0xff", MessageType::vote, with_byte(vote, 1, 0xff), codec_errc::unknown_message_type,
           "prefix type is not 0x01..0x0f", {"UnknownMessageType"});

  // wrong_message_type
  r.reject("a vote where a proposal is expected", MessageType::proposal, vote, codec_errc::wrong_message_type,
           "a known type other than the one expected", {"WrongMessageType"});
  r.reject("a proposal where a header is expected", MessageType::header, proposal, codec_errc::wrong_message_type,
           "a known type other than the one expected", {"WrongMessageType"});
  r.reject("a block where a commit is expected", MessageType::commit, block, codec_errc::wrong_message_type,
           "a known type other than the one expected", {"WrongMessageType"});

  // bad_header_version
  {
    Buf h0 = header;
    put_u16(h0, 2, 0);
    r.reject("header version 0", MessageType::header, h0, codec_errc::bad_header_version, "header version is not 1",
             {"WrongHeaderVersion"});
    Buf p2 = proposal;
    put_u16(p2, 2, 2);
    r.reject("proposal with header version 2", MessageType::proposal, p2, codec_errc::bad_header_version,
             "header version is not 1", {"WrongHeaderVersion"});
    Buf b256 = block;
    put_u16(b256, 2, 0x0100);
    r.reject("block with header version 0x0100 (1 written little-endian)", MessageType::block, b256,
             codec_errc::bad_header_version, "header version is not 1", {"WrongHeaderVersion", "ByteOrderSwapped"});
    Buf c0 = commit;
    put_u16(c0, kPrefixSize + cert_size, 0);
    r.reject("commit whose block has header version 0", MessageType::commit, c0, codec_errc::bad_header_version,
             "header version is not 1", {"WrongHeaderVersion"});
  }

  // length_out_of_range
  {
    Buf empty_tx{kWireVersion, static_cast<std::uint8_t>(MessageType::transaction), 0, 0, 0, 0};
    r.reject("transaction of length 0", MessageType::transaction, empty_tx, codec_errc::length_out_of_range,
             "a transaction length is 0", {"ZeroLength"});
    Buf too_long(kPrefixSize + 4 + kMaxTransactionBytes + 1, 0x5a);
    too_long[0] = kWireVersion;
    too_long[1] = static_cast<std::uint8_t>(MessageType::transaction);
    put_u32(too_long, 2, static_cast<std::uint32_t>(kMaxTransactionBytes + 1));
    r.reject("transaction of length 65537 (with its 65537 bytes)", MessageType::transaction, too_long,
             codec_errc::length_out_of_range, "a transaction length is above 65536", {"LengthOverCap"});
    const TxBytes empty_coinbase[] = {TxBytes{}, tx_views[1], tx_views[2], tx_views[3]};
    r.reject("block whose coinbase has length 0", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, empty_coinbase), codec_errc::length_out_of_range,
             "a transaction length is 0 (the coinbase too)", {"ZeroLength"});
    const TxBytes empty_second[] = {tx_views[0], tx_views[1], TxBytes{}, tx_views[3]};
    r.reject("block whose transaction 2 has length 0", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, empty_second), codec_errc::length_out_of_range,
             "a transaction length is 0", {"ZeroLength"});
  }

  // count_out_of_range
  {
    Buf c0 = cut(certificate, kCertEntriesAt);
    c0[kCertCountAt] = 0;
    c0[kCertCountAt + 1] = 0;
    r.reject("certificate of count 0", MessageType::certificate, c0, codec_errc::count_out_of_range,
             "certificate count is 0", {"ZeroCount"});
    // A count above kMaxMembers (65535) cannot be written in the u16 field: 0 is the one
    // count out of range on the wire.
    r.reject("block of tx_count 0", MessageType::block, raw_block(f.header, f.proposal.signature, 0, {}),
             codec_errc::count_out_of_range, "block tx_count is 0", {"ZeroCount"});
    // 2^21 + 2 transactions: the coinbase and 2^21 + 1 four-byte ones in txid order.
    r.reject_by_digest("block of tx_count 2097154 (with 2097154 transactions in order)", MessageType::block,
                       over_count_cap_block(f), codec_errc::count_out_of_range, "block tx_count is above 2097153",
                       over_count_cap_rule(), {"CountOverCap"});
  }

  // bad_flag, bad_vote_step, nil_vote_not_canonical
  constexpr std::size_t kVoteStepAt = kPrefixSize + 32 + 8 + 4;  // 46
  constexpr std::size_t kVoteApproveAt = kVoteStepAt + 1 + 32;   // 79
  r.reject("vote with approve = 2", MessageType::vote, with_byte(vote, kVoteApproveAt, 2), codec_errc::bad_flag,
           "vote approve is neither 0 nor 1", {"InvalidBoolean"});
  r.reject("vote with approve = 0xff", MessageType::vote, with_byte(vote, kVoteApproveAt, 0xff), codec_errc::bad_flag,
           "vote approve is neither 0 nor 1", {"InvalidBoolean"});
  r.reject("vote with step 0", MessageType::vote, with_byte(vote, kVoteStepAt, 0), codec_errc::bad_vote_step,
           "vote step is neither 1 nor 2", {"InvalidEnumValue"});
  r.reject("vote with step 3", MessageType::vote, with_byte(vote, kVoteStepAt, 3), codec_errc::bad_vote_step,
           "vote step is neither 1 nor 2", {"InvalidEnumValue"});
  {
    const Buf nil = unwrap(encode_to_vector(f.nil_vote));
    r.reject("nil vote (zero block id) with approve = 1", MessageType::vote, with_byte(nil, kVoteApproveAt, 1),
             codec_errc::nil_vote_not_canonical, "approve = 1 with a zero block id", {"NonCanonicalNilVote"});
  }

  // weight_out_of_range
  {
    constexpr std::size_t kWeightAt = kPrefixSize + 96;  // after key, vrf_key, reward_to
    for (const auto& [name, weight] :
         {std::pair<const char*, std::uint64_t>{"masternode of weight 0", 0},
          std::pair<const char*, std::uint64_t>{"masternode of weight 2^20 + 1", kMaxMemberWeight + 1},
          std::pair<const char*, std::uint64_t>{"masternode of weight 2^64 - 1", UINT64_MAX}}) {
      Buf m = masternode;
      put_u64(m, kWeightAt, weight);
      r.reject(name, MessageType::masternode, m, codec_errc::weight_out_of_range,
               "masternode weight is 0 or above 2^20",
               {weight == 0 ? std::string_view("ZeroWeight") : std::string_view("WeightOverCap")});
    }
  }

  // not_canonical_order
  {
    const auto entry_at = [&](std::size_t i) { return kCertEntriesAt + i * kCertificateEntrySize; };
    Buf swapped = certificate;
    std::swap_ranges(swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(0)),
                     swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(1)),
                     swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(1)));
    r.reject("certificate with its first two entries swapped", MessageType::certificate, swapped,
             codec_errc::not_canonical_order, "certificate voters not strictly ascending", {"NonCanonicalOrder"});
    Buf repeated = certificate;
    std::copy(repeated.begin() + static_cast<std::ptrdiff_t>(entry_at(0)),
              repeated.begin() + static_cast<std::ptrdiff_t>(entry_at(1)),
              repeated.begin() + static_cast<std::ptrdiff_t>(entry_at(1)));
    r.reject("certificate with its first entry repeated", MessageType::certificate, repeated,
             codec_errc::not_canonical_order, "certificate voters not strictly ascending (a repeated voter)",
             {"Duplicate"});
    const TxBytes swapped_txs[] = {tx_views[0], tx_views[2], tx_views[1], tx_views[3]};
    r.reject("block with transactions 1 and 2 swapped", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, swapped_txs), codec_errc::not_canonical_order,
             "block txids after the coinbase not strictly ascending", {"NonCanonicalOrder"});
    const TxBytes repeated_txs[] = {tx_views[0], tx_views[1], tx_views[2], tx_views[2]};
    r.reject("block with transaction 2 repeated", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, repeated_txs), codec_errc::not_canonical_order,
             "block txids after the coinbase not strictly ascending (a repeated transaction)", {"Duplicate"});
    Buf commit_swapped = commit;
    std::swap_ranges(commit_swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(1)),
                     commit_swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(2)),
                     commit_swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(2)));
    r.reject("commit with certificate entries 1 and 2 swapped", MessageType::commit, commit_swapped,
             codec_errc::not_canonical_order, "certificate voters not strictly ascending", {"NonCanonicalOrder"});
  }

  // The reconciliation messages (spec/encoding.md 3.12 to 3.14).
  {
    const ReconcileFixture rf = make_reconcile_fixture(f);
    const Buf ask = unwrap(encode_to_vector(rf.sketch_request));
    const Buf name = unwrap(encode_to_vector(rf.transactions_request));
    const Buf sketch = unwrap(encode_to_vector(BodySketchView{f.chain, kHeight, compute_block_id(f.header), 3, rf.sketch}));
    const Buf txs = unwrap(encode_body_transactions_to_vector(f.chain, kHeight, compute_block_id(f.header), rf.named));
    constexpr std::size_t kKindAt = kPrefixSize + 32 + 8 + 32 + 32;  // 106
    constexpr std::size_t kHaveAt = kKindAt + 1;
    constexpr std::size_t kCountAt = kHaveAt + 4;
    constexpr std::size_t kIdsAt = kCountAt + 4;                  // 115
    constexpr std::size_t kTxCountAt = kPrefixSize + 32 + 8 + 32;  // 74: body sketch and body transactions
    constexpr std::size_t kCellsAt = kTxCountAt + 4;               // 78: body sketch
    r.reject("reconcile request of kind 3", MessageType::reconcile_request, with_byte(ask, kKindAt, 3),
             codec_errc::bad_reconcile_kind, "kind is neither sketch (1) nor transactions (2)", {"InvalidEnumValue"});
    r.reject("reconcile request of kind 0", MessageType::reconcile_request, with_byte(ask, kKindAt, 0),
             codec_errc::bad_reconcile_kind, "kind is neither sketch (1) nor transactions (2)", {"InvalidEnumValue"});
    Buf too_many = ask;
    put_u32(too_many, kHaveAt, std::uint32_t(kMaxBlockTransactions + 1));
    r.reject("sketch request stating more transactions than a block holds", MessageType::reconcile_request, too_many,
             codec_errc::count_out_of_range, "sketch: have above 2097152", {"CountOverCap"});
    Buf short_sample = ask;
    put_u32(short_sample, kHaveAt, 4);
    r.reject("sketch request with have 4 and a sample of 3", MessageType::reconcile_request, short_sample,
             codec_errc::count_out_of_range, "sketch: count is not min(have, 512)", {"InconsistentCount"});
    Buf with_have = name;
    put_u32(with_have, kHaveAt, 1);
    r.reject("transactions request with have 1", MessageType::reconcile_request, with_have,
             codec_errc::count_out_of_range, "transactions: have is not 0", {"InconsistentCount"});
    Buf none = cut(name, kIdsAt);
    put_u32(none, kCountAt, 0);
    none.insert(none.end(), name.end() - 64, name.end());
    r.reject("transactions request naming no short id", MessageType::reconcile_request, none,
             codec_errc::count_out_of_range, "transactions: count is 0", {"ZeroCount"});
    Buf swapped = ask;
    std::swap_ranges(swapped.begin() + kIdsAt, swapped.begin() + kIdsAt + 8, swapped.begin() + kIdsAt + 8);
    r.reject("sketch request with its first two short ids swapped", MessageType::reconcile_request, swapped,
             codec_errc::not_canonical_order, "short ids not strictly ascending", {"NonCanonicalOrder"});
    r.reject("reconcile request cut inside its short ids", MessageType::reconcile_request, cut(ask, kIdsAt + 12),
             codec_errc::truncated, "a count that promises more bytes than there are",
             {"Truncated", "CountExceedsInput"});
    Buf no_cells = cut(sketch, kCellsAt + 4);
    put_u32(no_cells, kCellsAt, 0);
    r.reject("body sketch of 0 cells a hash", MessageType::body_sketch, no_cells, codec_errc::length_out_of_range,
             "cells_per_hash is 0", {"ZeroLength"});
    Buf huge = sketch;
    put_u32(huge, kCellsAt, std::uint32_t(kMaxSketchCellsPerHash + 1));
    r.reject("body sketch of 2098177 cells a hash", MessageType::body_sketch, huge, codec_errc::length_out_of_range,
             "cells_per_hash above 2098176", {"LengthOverCap"});
    Buf big_count = sketch;
    put_u32(big_count, kTxCountAt, std::uint32_t(kMaxBlockTransactions + 1));
    r.reject("body sketch stating more transactions than a block holds", MessageType::body_sketch, big_count,
             codec_errc::count_out_of_range, "tx_count above 2097152", {"CountOverCap"});
    r.reject("body sketch one cell short", MessageType::body_sketch, cut(sketch, sketch.size() - kSketchCellBytes),
             codec_errc::truncated, "fewer cells than 3 * cells_per_hash", {"Truncated", "CountExceedsInput"});
    Buf zero_txs = cut(txs, kTxCountAt + 4);
    put_u32(zero_txs, kTxCountAt, 0);
    r.reject("body transactions of no transaction", MessageType::body_transactions, zero_txs,
             codec_errc::count_out_of_range, "count is 0", {"ZeroCount"});
    const std::size_t first_len = load_u32(txs.data() + kCellsAt);
    Buf reordered = cut(txs, kCellsAt);
    for (const TxBytes& t : {rf.named[1], rf.named[0]}) {
      Buf len(4);
      store_u32(len.data(), std::uint32_t(t.size()));
      reordered.insert(reordered.end(), len.begin(), len.end());
      reordered.insert(reordered.end(), t.begin(), t.end());
    }
    require(first_len == rf.named[0].size(), "body transactions layout");
    r.reject("body transactions with its two transactions swapped", MessageType::body_transactions, reordered,
             codec_errc::not_canonical_order, "transactions not strictly ascending by txid", {"NonCanonicalOrder"});
    Buf empty_tx = txs;
    put_u32(empty_tx, kCellsAt, 0);
    r.reject("body transactions whose first transaction has length 0", MessageType::body_transactions, empty_tx,
             codec_errc::length_out_of_range, "a transaction length is 0", {"ZeroLength"});
  }

  // block_too_large: 4097 transactions of 65536 bytes after the coinbase, in txid order.
  {
    r.reject_by_digest("block with 4097 transactions of 65536 bytes after the coinbase", MessageType::block,
                       over_byte_cap_block(f), codec_errc::block_too_large,
                       "transaction bytes after the coinbase above 268435456", over_byte_cap_rule(), {"BytesOverCap"});
  }
  w.end_array();
  flags.require_all_used();
  w.end_object();
}

}  // namespace midnight::cli::vectors
