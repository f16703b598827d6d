// `midnight decode [--hex] FILE|-`: one encoded message, printed as JSON with every
// field; on a decode error, the error, the field and its byte offset, and exit code 2.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "message_json.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli {

namespace {

// No message is larger than kMaxMessageSize; hex text is twice that plus whitespace.
// Reading stops a little past it, so an endless stream cannot exhaust memory.
constexpr std::size_t kReadLimit = 4 * kMaxMessageSize + 4096;

std::string read_input(std::string_view path) {
  std::string data;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> owned(nullptr, std::fclose);
  std::FILE* f = stdin;
  if (path != "-") {
    owned.reset(std::fopen(std::string(path).c_str(), "rb"));
    if (!owned) throw UsageError{"decode: cannot open '" + std::string(path) + "'"};
    f = owned.get();
  }
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    data.append(buf, n);
    if (data.size() > kReadLimit) throw UsageError{"decode: input is larger than any message can be"};
  }
  if (std::ferror(f)) throw UsageError{"decode: cannot read '" + std::string(path) + "'"};
  return data;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::vector<std::uint8_t> parse_hex_text(const std::string& text) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v') continue;
    const int v = hex_value(c);
    if (v < 0) throw UsageError{"decode: not a hex digit at character " + std::to_string(i) + " of the input"};
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) throw UsageError{"decode: odd number of hex digits"};
  return out;
}

using sim::JsonWriter;

void write_block(JsonWriter& w, const BlockView& b) {
  w.begin_object();
  write_signed_header_fields(w, b.header, b.signature, Derived::show);
  w.field("merkle_root_valid", merkle_root(b.transactions()) == b.header.merkle_root);
  w.field("tx_count", b.tx_count);
  w.key("transactions").begin_array();
  for (std::uint32_t i = 0; i < b.tx_count; ++i) {
    w.begin_object(true);
    w.field("index", i);
    w.field("coinbase", i == 0);
    w.field("size", b.txs[i].size());
    w.field("txid", to_hex(compute_txid(b.header.chain_id, b.txs[i])));
    w.field("hex", to_hex(b.txs[i]));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

int report_error(const std::error_code& ec, const DecodeWhere& where, MessageType type, bool typed) {
  std::cerr << "midnight decode: error: " << ec.message() << " [" << ec.category().name() << "]"
            << (typed ? std::string(" while decoding a ") + message_type_name(type) : std::string()) << " at field '"
            << (where.field && *where.field ? where.field : "?") << "', byte offset " << where.offset << "\n";
  return kExitUsage;
}

}  // namespace

int run_decode(std::vector<std::string_view> argv) {
  Args args(std::move(argv));
  bool hex = false;
  std::optional<PublicKey> vrf_key;
  std::optional<std::string_view> path;
  while (!args.done()) {
    const auto a = args.next();
    if (a == "--hex") {
      hex = true;
    } else if (a == "--vrf-key") {
      if (args.done()) throw UsageError{"decode: --vrf-key needs 64 hex digits"};
      PublicKey k;
      if (!from_hex(args.next(), k.v)) throw UsageError{"decode: --vrf-key needs 64 hex digits"};
      vrf_key = k;
    } else if (a.size() > 1 && a.starts_with("-")) {
      throw UsageError{"decode: unknown option '" + std::string(a) + "'"};
    } else if (path) {
      throw UsageError{"decode: exactly one FILE (or - for standard input)"};
    } else {
      path = a;
    }
  }
  if (!path) throw UsageError{"decode: usage: midnight decode [--hex] [--vrf-key HEX] FILE|-"};
  const std::string raw = read_input(*path);
  const std::vector<std::uint8_t> bytes =
      hex ? parse_hex_text(raw) : std::vector<std::uint8_t>(raw.begin(), raw.end());

  DecodeWhere where;
  const auto type = peek_message_type(bytes, &where);
  if (!type) return report_error(type.error(), where, MessageType::transaction, false);

  std::string doc;
  JsonWriter w(doc);
  w.begin_object();
  w.field("type", message_type_name(type.value()));
  w.field("size", bytes.size());
  switch (type.value()) {
    case MessageType::transaction: {
      auto tx = decode_transaction(bytes, &where);
      if (!tx) return report_error(tx.error(), where, type.value(), true);
      w.field("length", tx.value().size());
      w.field("hex", to_hex(tx.value()));
      break;
    }
    case MessageType::masternode: {
      auto m = decode_masternode(bytes, &where);
      if (!m) return report_error(m.error(), where, type.value(), true);
      write_masternode_fields(w, m.value());
      break;
    }
    case MessageType::header: {
      auto h = decode_header(bytes, &where);
      if (!h) return report_error(h.error(), where, type.value(), true);
      write_header_fields(w, h.value());
      break;
    }
    case MessageType::proposal: {
      auto p = decode_proposal(bytes, &where);
      if (!p) return report_error(p.error(), where, type.value(), true);
      write_proposal_fields(w, p.value(), Derived::show, vrf_key ? &*vrf_key : nullptr);
      break;
    }
    case MessageType::vote: {
      auto v = decode_vote(bytes, &where);
      if (!v) return report_error(v.error(), where, type.value(), true);
      write_vote_fields(w, v.value(), Derived::show);
      break;
    }
    case MessageType::certificate: {
      auto c = std::make_unique<Certificate>();
      if (auto r = decode_certificate(bytes, *c, &where); !r) return report_error(r.error(), where, type.value(), true);
      w.key("certificate");
      write_certificate(w, *c, Derived::show);
      break;
    }
    case MessageType::block: {
      auto b = std::make_unique<BlockView>();
      if (auto r = decode_block(bytes, *b, &where); !r) return report_error(r.error(), where, type.value(), true);
      w.key("block");
      write_block(w, *b);
      break;
    }
    case MessageType::commit: {
      auto c = std::make_unique<CommitView>();
      if (auto r = decode_commit(bytes, *c, &where); !r) return report_error(r.error(), where, type.value(), true);
      w.key("certificate");
      write_certificate(w, c->certificate, Derived::show);
      w.key("block");
      write_block(w, c->block);
      w.field("certificate_names_block", c->certificate.block_id == compute_block_id(c->block.header));
      break;
    }
    case MessageType::polka: {
      auto rp = std::make_unique<CarriedPolka>();
      if (auto r = decode_polka(bytes, *rp, &where); !r) return report_error(r.error(), where, type.value(), true);
      w.key("proposal").begin_object();
      write_proposal_fields(w, rp->proposal, Derived::show, vrf_key ? &*vrf_key : nullptr);
      w.end_object();
      w.key("polka");
      write_certificate(w, rp->polka, Derived::show, VoteStep::prevote);
      w.field("polka_names_block", rp->polka.block_id == compute_block_id(rp->proposal.header));
      break;
    }
    case MessageType::reproposal: {
      auto rp = std::make_unique<Reproposal>();
      if (auto r = decode_reproposal(bytes, *rp, &where); !r) return report_error(r.error(), where, type.value(), true);
      w.field("round", rp->round);
      w.field("reproposer", to_hex(rp->reproposer));
      w.field("vrf_proof", to_hex(rp->vrf_proof));
      w.field("signature", to_hex(rp->signature));
      w.field("signature_valid", verify_reproposal(*rp));
      // --vrf-key is the reproposer's here: the proof ranks the reproposer, not the block.
      if (vrf_key) {
        const auto beta = verify_reproposal_vrf(*rp, *vrf_key);
        w.field("vrf_valid", beta.has_value());
        if (beta) w.field("vrf_output", to_hex(beta.value()));
      } else if (const auto beta = ecvrf_proof_to_hash(rp->vrf_proof)) {
        w.field("vrf_output_unverified", to_hex(beta.value()));
      }
      w.key("proposal").begin_object();
      write_proposal_fields(w, rp->carried.proposal, Derived::show, nullptr);
      w.end_object();
      w.key("polka");
      write_certificate(w, rp->carried.polka, Derived::show, VoteStep::prevote);
      w.field("polka_names_block", rp->carried.polka.block_id == compute_block_id(rp->carried.proposal.header));
      w.field("polka_before_round", rp->carried.polka.round < rp->round);
      break;
    }
    case MessageType::commit_request: {
      auto c = decode_commit_request(bytes, &where);
      if (!c) return report_error(c.error(), where, type.value(), true);
      write_commit_request_fields(w, c.value(), Derived::show);
      break;
    }
    case MessageType::body_request: {
      auto b = decode_body_request(bytes, &where);
      if (!b) return report_error(b.error(), where, type.value(), true);
      write_body_request_fields(w, b.value(), Derived::show);
      break;
    }
    case MessageType::reconcile_request: {
      auto r = decode_reconcile_request(bytes, &where);
      if (!r) return report_error(r.error(), where, type.value(), true);
      write_reconcile_request_fields(w, r.value(), Derived::show);
      break;
    }
    case MessageType::body_sketch: {
      auto s = decode_body_sketch(bytes, &where);
      if (!s) return report_error(s.error(), where, type.value(), true);
      write_body_sketch_fields(w, s.value());
      break;
    }
    case MessageType::body_transactions: {
      auto t = std::make_unique<BodyTransactionsView>();
      if (auto r = decode_body_transactions(bytes, *t, &where); !r) return report_error(r.error(), where, type.value(), true);
      write_body_transactions_fields(w, *t);
      break;
    }
  }
  w.end_object();
  std::cout << doc;
  return kExitOk;
}

}  // namespace midnight::cli
