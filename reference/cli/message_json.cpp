#include "message_json.hpp"

#include <cstdio>

#include "midnight/core/bytes.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli {

using sim::JsonWriter;

const char* message_type_name(MessageType t) {
  // No default: a new message type is a compile error here (-Wswitch, -Werror).
  switch (t) {
    case MessageType::transaction: return "transaction";
    case MessageType::masternode: return "masternode";
    case MessageType::header: return "header";
    case MessageType::proposal: return "proposal";
    case MessageType::vote: return "vote";
    case MessageType::certificate: return "certificate";
    case MessageType::block: return "block";
    case MessageType::commit: return "commit";
    case MessageType::reproposal: return "reproposal";
    case MessageType::commit_request: return "commit_request";
    case MessageType::body_request: return "body_request";
    case MessageType::reconcile_request: return "reconcile_request";
    case MessageType::body_sketch: return "body_sketch";
    case MessageType::body_transactions: return "body_transactions";
    case MessageType::polka: return "polka";
  }
  return "?";
}

void write_header(JsonWriter& w, const BlockHeader& h) {
  w.begin_object();
  w.field("version", h.version);
  w.field("chain_id", to_hex(h.chain_id));
  w.field("height", h.height);
  w.field("round", h.round);
  w.field("prev_id", to_hex(h.prev_id));
  w.field("merkle_root", to_hex(h.merkle_root));
  w.field("timestamp_ms", h.timestamp_ms);
  w.field("proposer", to_hex(h.proposer));
  w.end_object();
}

void write_header_fields(JsonWriter& w, const BlockHeader& h) {
  w.key("header");
  write_header(w, h);
  w.field("block_id", to_hex(compute_block_id(h)));
}

void write_signed_header_fields(JsonWriter& w, const BlockHeader& h, const Signature& sig, Derived derived) {
  write_header_fields(w, h);
  w.field("signature", to_hex(sig));
  if (derived == Derived::show) w.field("signature_valid", verify_proposal(Proposal{h, sig}));
}

void write_proposal_fields(JsonWriter& w, const Proposal& p, Derived derived, const PublicKey* proposer_vrf_key) {
  write_signed_header_fields(w, p.header, p.signature, derived);
  w.field("vrf_proof", to_hex(p.vrf_proof));
  if (derived != Derived::show) return;
  if (proposer_vrf_key != nullptr) {
    const auto beta = verify_proposal_vrf(p, *proposer_vrf_key);
    w.field("vrf_valid", beta.has_value());
    if (beta) w.field("vrf_output", to_hex(beta.value()));
  } else if (const auto beta = ecvrf_proof_to_hash(p.vrf_proof)) {
    w.field("vrf_output_unverified", to_hex(beta.value()));
  }
}

void write_masternode_fields(JsonWriter& w, const Masternode& m) {
  w.field("key", to_hex(m.key));
  w.field("vrf_key", to_hex(m.vrf_key));
  w.field("reward_to", to_hex(m.reward_to));
  w.field("weight", m.weight);
}

void write_vote_fields(JsonWriter& w, const Vote& v, Derived derived) {
  const bool show = derived == Derived::show;
  w.field("chain_id", to_hex(v.chain_id));
  w.field("height", v.height);
  w.field("round", v.round);
  w.field("step", v.step == VoteStep::prevote ? "prevote" : "precommit");
  w.field("block_id", to_hex(v.block_id));
  w.field("approve", v.approve);
  if (show) w.field("nil", !v.approve && v.block_id.is_zero());
  w.field("voter", to_hex(v.voter));
  w.field("signature", to_hex(v.signature));
  if (show) w.field("signature_valid", verify_vote(v));
}

void write_vote(JsonWriter& w, const Vote& v, Derived derived) {
  w.begin_object();
  write_vote_fields(w, v, derived);
  w.end_object();
}

void write_certificate(JsonWriter& w, const Certificate& c, Derived derived, VoteStep step) {
  w.begin_object();
  w.field("chain_id", to_hex(c.chain_id));
  w.field("height", c.height);
  w.field("round", c.round);
  w.field("block_id", to_hex(c.block_id));
  w.field("count", c.count());
  w.key("signatures").begin_array();
  const auto used = c.used();
  for (std::size_t i = 0; i < used.size(); ++i) {
    w.begin_object(true);
    w.field("voter", to_hex(used[i].voter));
    w.field("signature", to_hex(used[i].signature));
    if (derived == Derived::show) w.field("signature_valid", verify_vote(c.vote(i, step)));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_commit_request_fields(JsonWriter& w, const CommitRequest& c, Derived derived) {
  w.field("chain_id", to_hex(c.chain_id));
  w.field("height", c.height);
  w.field("requester", to_hex(c.requester));
  w.field("signature", to_hex(c.signature));
  if (derived == Derived::show) w.field("signature_valid", verify_commit_request(c));
}

void write_body_request_fields(JsonWriter& w, const BodyRequest& b, Derived derived) {
  w.field("chain_id", to_hex(b.chain_id));
  w.field("height", b.height);
  w.field("block_id", to_hex(b.block_id));
  w.field("requester", to_hex(b.requester));
  w.field("signature", to_hex(b.signature));
  if (derived == Derived::show) w.field("signature_valid", verify_body_request(b));
}

void write_reconcile_request_fields(JsonWriter& w, const ReconcileRequest& r, Derived derived) {
  w.field("chain_id", to_hex(r.chain_id));
  w.field("height", r.height);
  w.field("block_id", to_hex(r.block_id));
  w.field("requester", to_hex(r.requester));
  w.field("kind", r.kind == ReconcileKind::sketch ? "sketch" : "transactions");
  w.field("have", r.have);
  w.key("short_ids").begin_array();
  for (std::size_t i = 0; i < r.ids.count(); ++i) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(r.ids[i]));
    w.value(std::string_view(hex, 16));
  }
  w.end_array();
  w.field("signature", to_hex(r.signature));
  if (derived == Derived::show) w.field("signature_valid", verify_reconcile_request(r));
}

void write_body_sketch_fields(JsonWriter& w, const BodySketchView& s) {
  w.field("chain_id", to_hex(s.chain_id));
  w.field("height", s.height);
  w.field("block_id", to_hex(s.block_id));
  w.field("tx_count", s.tx_count);
  w.field("cells_per_hash", (std::uint64_t{s.sketch[0]} << 24) | (std::uint64_t{s.sketch[1]} << 16) |
                                (std::uint64_t{s.sketch[2]} << 8) | s.sketch[3]);
  w.field("sketch_bytes", s.sketch.size());
}

void write_body_transactions_fields(JsonWriter& w, const BodyTransactionsView& t) {
  w.field("chain_id", to_hex(t.chain_id));
  w.field("height", t.height);
  w.field("block_id", to_hex(t.block_id));
  w.key("transactions").begin_array();
  for (const TxBytes& tx : t.txs) {
    w.begin_object(true);
    w.field("txid", to_hex(compute_txid(t.chain_id, tx)));
    w.field("hex", to_hex(tx));
    w.end_object();
  }
  w.end_array();
}

}  // namespace midnight::cli
