#include "decode_as.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "message_json.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli {

namespace {

using Buf = std::vector<std::uint8_t>;
using sim::JsonWriter;

Buf unwrap(result<Buf> encoded) {
  if (!encoded) throw std::logic_error("decode_as: a decoded value does not encode: " + encoded.error().message());
  return std::move(encoded).value();
}

// The fields of spec/adapter.md §2 (the form of vectors/encoding.json, every message
// complete), for the types whose writer message_json does not already give whole.
void write_block_fields(JsonWriter& w, const BlockView& b) {
  w.begin_object();
  write_signed_header_fields(w, b.header, b.signature, Derived::omit);
  w.field("tx_count", b.tx_count);
  w.key("transactions").begin_array();
  for (TxBytes tx : b.transactions()) w.value(to_hex(tx));
  w.end_array();
  w.end_object();
}

void write_proposal(JsonWriter& w, const Proposal& p) {
  w.begin_object();
  write_proposal_fields(w, p, Derived::omit);
  w.end_object();
}

void write_polka_fields(JsonWriter& w, const CarriedPolka& p) {
  w.key("proposal");
  write_proposal(w, p.proposal);
  w.key("polka");
  write_certificate(w, p.polka, Derived::omit, VoteStep::prevote);
}

void write_reproposal(JsonWriter& w, const Reproposal& r) {
  w.begin_object();
  w.field("round", r.round);
  w.field("reproposer", to_hex(r.reproposer));
  w.field("vrf_proof", to_hex(r.vrf_proof));
  // Derived: ECVRF_proof_to_hash of the proof (no key needed), when the proof decodes.
  if (auto beta = ecvrf_proof_to_hash(r.vrf_proof)) w.field("vrf_output", to_hex(beta.value()));
  w.field("signing_input_hex", to_hex(reproposal_signing_input(r)));
  w.field("signature", to_hex(r.signature));
  write_polka_fields(w, r.carried);
  w.end_object();
}

}  // namespace

DecodeOutcome decode_as(MessageType t, std::span<const std::uint8_t> in, sim::JsonWriter* fields) {
  DecodeOutcome d;
  const auto fail = [&](const std::error_code& ec) { d.error = ec; };
  // Each case: decode, and on success encode again and write the fields if asked.
  switch (t) {
    case MessageType::transaction: {
      auto r = decode_transaction(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_transaction_to_vector(r.value()));
      if (fields) fields->begin_object().field("bytes", to_hex(r.value())).end_object();
      break;
    }
    case MessageType::masternode: {
      auto r = decode_masternode(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) {
        fields->begin_object();
        write_masternode_fields(*fields, r.value());
        fields->end_object();
      }
      break;
    }
    case MessageType::header: {
      auto r = decode_header(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) {
        fields->begin_object();
        write_header_fields(*fields, r.value());
        fields->end_object();
      }
      break;
    }
    case MessageType::proposal: {
      auto r = decode_proposal(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) write_proposal(*fields, r.value());
      break;
    }
    case MessageType::vote: {
      auto r = decode_vote(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) write_vote(*fields, r.value(), Derived::omit);
      break;
    }
    case MessageType::certificate: {
      auto c = std::make_unique<Certificate>();
      auto r = decode_certificate(in, *c, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(*c));
      if (fields) write_certificate(*fields, *c, Derived::omit);
      break;
    }
    case MessageType::block: {
      auto b = std::make_unique<BlockView>();
      auto r = decode_block(in, *b, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_block_to_vector(b->header, b->signature, b->transactions()));
      if (fields) write_block_fields(*fields, *b);
      break;
    }
    case MessageType::commit: {
      auto c = std::make_unique<CommitView>();
      auto r = decode_commit(in, *c, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(
          encode_commit_to_vector(c->certificate, c->block.header, c->block.signature, c->block.transactions()));
      if (fields) {
        fields->begin_object();
        fields->key("certificate");
        write_certificate(*fields, c->certificate, Derived::omit);
        fields->key("block");
        write_block_fields(*fields, c->block);
        fields->end_object();
      }
      break;
    }
    case MessageType::polka: {
      auto rp = std::make_unique<CarriedPolka>();
      auto r = decode_polka(in, *rp, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(*rp));
      if (fields) {
        fields->begin_object();
        write_polka_fields(*fields, *rp);
        fields->end_object();
      }
      break;
    }
    case MessageType::reproposal: {
      auto rp = std::make_unique<Reproposal>();
      auto r = decode_reproposal(in, *rp, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(*rp));
      if (fields) write_reproposal(*fields, *rp);
      break;
    }
    case MessageType::commit_request: {
      auto r = decode_commit_request(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) {
        fields->begin_object();
        write_commit_request_fields(*fields, r.value(), Derived::omit);
        fields->end_object();
      }
      break;
    }
    case MessageType::body_request: {
      auto r = decode_body_request(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) {
        fields->begin_object();
        write_body_request_fields(*fields, r.value(), Derived::omit);
        fields->end_object();
      }
      break;
    }
    case MessageType::reconcile_request: {
      auto r = decode_reconcile_request(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) {
        fields->begin_object();
        write_reconcile_request_fields(*fields, r.value(), Derived::omit);
        fields->end_object();
      }
      break;
    }
    case MessageType::body_sketch: {
      auto r = decode_body_sketch(in, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_to_vector(r.value()));
      if (fields) {
        fields->begin_object();
        write_body_sketch_fields(*fields, r.value());
        fields->field("sketch", to_hex(r.value().sketch));
        fields->end_object();
      }
      break;
    }
    case MessageType::body_transactions: {
      auto txs = std::make_unique<BodyTransactionsView>();
      auto r = decode_body_transactions(in, *txs, &d.where);
      if (!r) return fail(r.error()), d;
      d.reencoded = unwrap(encode_body_transactions_to_vector(txs->chain_id, txs->height, txs->block_id, txs->txs));
      if (fields) {
        fields->begin_object();
        write_body_transactions_fields(*fields, *txs);
        fields->end_object();
      }
      break;
    }
  }
  return d;
}

}  // namespace midnight::cli
