#include "fields_in.hpp"

#include <memory>

#include "error_names.hpp"

#include "midnight/wire/encode_vector.hpp"

namespace midnight::cli {

namespace {

using Buf = std::vector<std::uint8_t>;


Buf must(result<Buf> encoded, const char* /*what*/) {
  if (!encoded) throw Refusal{codec_errc_name(static_cast<codec_errc>(encoded.error().value()))};
  return std::move(encoded).value();
}

Proposal proposal_from(const Json& p) {
  Proposal out;
  out.header = header_from(p.at("header"));
  out.signature = fixed_field<Signature>(p, "signature");
  out.vrf_proof = fixed_field<VrfProof>(p, "vrf_proof");
  return out;
}

void certificate_from(const Json& c, Certificate& out) {
  out.chain_id = fixed_field<ChainId>(c, "chain_id");
  out.height = u64_field(c, "height");
  out.round = u32_field(c, "round");
  out.block_id = fixed_field<BlockId>(c, "block_id");
  out.signatures.clear();
  for (const Json& s : c.at("signatures").items())
    out.signatures.push_back({fixed_field<PublicKey>(s, "voter"), fixed_field<Signature>(s, "signature")});
}

void polka_from(const Json& f, CarriedPolka& out) {
  out.proposal = proposal_from(f.at("proposal"));
  certificate_from(f.at("polka"), out.polka);
}

// A block's header, signature and transactions; the transactions' storage is `txs`.
struct BlockParts {
  BlockHeader header;
  Signature signature;
  std::vector<Buf> txs;
  std::vector<TxBytes> views() const { return std::vector<TxBytes>(txs.begin(), txs.end()); }
};
BlockParts block_from(const Json& b) {
  BlockParts out;
  out.header = header_from(b.at("header"));
  out.signature = fixed_field<Signature>(b, "signature");
  for (const Json& tx : b.at("transactions").items()) out.txs.push_back(bytes_field(tx));
  return out;
}

Buf short_ids_from(const Json& list) {
  Buf out;
  for (const Json& id : list.items()) {
    const Buf b = bytes_field(id);
    if (b.size() != 8) throw JsonError{"a short id is not 16 hex digits"};
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

}  // namespace

std::uint64_t u64_field(const Json& obj, const char* key) {
  const Json& v = obj.at(key);
  if (!v.is_number() || !v.as_u64()) throw JsonError{std::string("'") + key + "' is not an unsigned integer"};
  return *v.as_u64();
}

std::uint32_t u32_field(const Json& obj, const char* key) {
  const std::uint64_t v = u64_field(obj, key);
  if (v > UINT32_MAX) throw JsonError{std::string("'") + key + "' does not fit in 32 bits"};
  return static_cast<std::uint32_t>(v);
}

BlockHeader header_from(const Json& h) {
  BlockHeader out;
  const std::uint64_t version = u64_field(h, "version");
  if (version > UINT16_MAX) throw JsonError{"'version' does not fit in 16 bits"};
  out.version = static_cast<std::uint16_t>(version);
  out.chain_id = fixed_field<ChainId>(h, "chain_id");
  out.height = u64_field(h, "height");
  out.round = u32_field(h, "round");
  out.prev_id = fixed_field<BlockId>(h, "prev_id");
  out.merkle_root = fixed_field<Hash32>(h, "merkle_root");
  out.timestamp_ms = u64_field(h, "timestamp_ms");
  out.proposer = fixed_field<PublicKey>(h, "proposer");
  return out;
}

Vote vote_from(const Json& v) {
  Vote out;
  out.chain_id = fixed_field<ChainId>(v, "chain_id");
  out.height = u64_field(v, "height");
  out.round = u32_field(v, "round");
  const std::string& step = v.str("step");
  if (step != "prevote" && step != "precommit") throw JsonError{"'step' is neither prevote nor precommit"};
  out.step = step == "prevote" ? VoteStep::prevote : VoteStep::precommit;
  out.block_id = fixed_field<BlockId>(v, "block_id");
  const Json& approve = v.at("approve");
  if (!approve.is_bool()) throw JsonError{"'approve' is not true or false"};
  out.approve = approve.as_bool();
  out.voter = fixed_field<PublicKey>(v, "voter");
  if (v.find("signature") != nullptr) out.signature = fixed_field<Signature>(v, "signature");
  return out;
}

Masternode member_from(const Json& m) {
  return Masternode{fixed_field<PublicKey>(m, m.find("key") != nullptr ? "key" : "public_key"),
                    fixed_field<PublicKey>(m, "vrf_key"),
                    fixed_field<Destination>(m, "reward_to"), u64_field(m, "weight")};
}

std::vector<std::uint8_t> encode_fields(MessageType type, const Json& f) {
  switch (type) {
    case MessageType::transaction: return must(encode_transaction_to_vector(bytes_field(f.at("bytes"))), "transaction");
    case MessageType::masternode: return must(encode_to_vector(member_from(f)), "masternode");
    case MessageType::header: return must(encode_to_vector(header_from(f.at("header"))), "header");
    case MessageType::proposal: return must(encode_to_vector(proposal_from(f)), "proposal");
    case MessageType::vote: return must(encode_to_vector(vote_from(f)), "vote");
    case MessageType::certificate: {
      auto c = std::make_unique<Certificate>();
      certificate_from(f, *c);
      return must(encode_to_vector(*c), "certificate");
    }
    case MessageType::block: {
      const BlockParts b = block_from(f);
      return must(encode_block_to_vector(b.header, b.signature, b.views()), "block");
    }
    case MessageType::commit: {
      auto c = std::make_unique<Certificate>();
      certificate_from(f.at("certificate"), *c);
      const BlockParts b = block_from(f.at("block"));
      return must(encode_commit_to_vector(*c, b.header, b.signature, b.views()), "commit");
    }
    case MessageType::polka: {
      auto p = std::make_unique<CarriedPolka>();
      polka_from(f, *p);
      return must(encode_to_vector(*p), "polka");
    }
    case MessageType::reproposal: {
      auto r = std::make_unique<Reproposal>();
      r->round = u32_field(f, "round");
      r->reproposer = fixed_field<PublicKey>(f, "reproposer");
      r->vrf_proof = fixed_field<VrfProof>(f, "vrf_proof");
      r->signature = fixed_field<Signature>(f, "signature");
      polka_from(f, r->carried);
      return must(encode_to_vector(*r), "reproposal");
    }
    case MessageType::commit_request:
      return must(encode_to_vector(CommitRequest{fixed_field<ChainId>(f, "chain_id"), u64_field(f, "height"),
                                                 fixed_field<PublicKey>(f, "requester"),
                                                 fixed_field<Signature>(f, "signature")}),
                  "commit request");
    case MessageType::body_request:
      return must(encode_to_vector(BodyRequest{fixed_field<ChainId>(f, "chain_id"), u64_field(f, "height"),
                                               fixed_field<BlockId>(f, "block_id"),
                                               fixed_field<PublicKey>(f, "requester"),
                                               fixed_field<Signature>(f, "signature")}),
                  "body request");
    case MessageType::reconcile_request: {
      const Buf ids = short_ids_from(f.at("short_ids"));
      ReconcileRequest r;
      r.chain_id = fixed_field<ChainId>(f, "chain_id");
      r.height = u64_field(f, "height");
      r.block_id = fixed_field<BlockId>(f, "block_id");
      r.requester = fixed_field<PublicKey>(f, "requester");
      const std::string& kind = f.str("kind");
      if (kind != "sketch" && kind != "transactions") throw JsonError{"'kind' is neither sketch nor transactions"};
      r.kind = kind == "sketch" ? ReconcileKind::sketch : ReconcileKind::transactions;
      r.have = u32_field(f, "have");
      r.ids = ShortIdList{ids};
      r.signature = fixed_field<Signature>(f, "signature");
      return must(encode_to_vector(r), "reconcile request");
    }
    case MessageType::body_sketch: {
      const Buf sketch = bytes_field(f.at("sketch"));
      BodySketchView s;
      s.chain_id = fixed_field<ChainId>(f, "chain_id");
      s.height = u64_field(f, "height");
      s.block_id = fixed_field<BlockId>(f, "block_id");
      s.tx_count = u32_field(f, "tx_count");
      s.sketch = sketch;
      return must(encode_to_vector(s), "body sketch");
    }
    case MessageType::body_transactions: {
      std::vector<Buf> txs;
      for (const Json& t : f.at("transactions").items()) txs.push_back(bytes_field(t.at("hex")));
      const std::vector<TxBytes> views(txs.begin(), txs.end());
      return must(encode_body_transactions_to_vector(fixed_field<ChainId>(f, "chain_id"), u64_field(f, "height"),
                                                     fixed_field<BlockId>(f, "block_id"), views),
                  "body transactions");
    }
  }
  throw JsonError{"unknown message type"};
}

}  // namespace midnight::cli
