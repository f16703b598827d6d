// `midnight adapter`: the reference implementation behind the adapter protocol
// (spec/adapter.md). It is what `midnight conform` is checked against (it must conform),
// and an example of an adapter: one request line in, one answer line out, every
// operation a thin call into the library.
#include <iostream>
#include <memory>
#include <string>

#include "../args.hpp"
#include "../commands.hpp"
#include "../decode_as.hpp"
#include "../error_names.hpp"
#include "../json_value.hpp"
#include "../message_json.hpp"
#include "../vector_rules.hpp"
#include "../fields_in.hpp"
#include "nodes.hpp"
#include "midnight/block/body_check.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli {

namespace {

using Buf = std::vector<std::uint8_t>;

// An operation returns its result object; an input the spec's rules reject throws Refusal
// (answered `error`), a request it cannot read JsonError (answered `unsupported`).
Json hex(std::span<const std::uint8_t> b) { return Json::string(to_hex(b)); }
template <std::size_t N>
Json hex(const Bytes<N>& b) {
  return Json::string(to_hex(b));
}
Json num(std::uint64_t x) { return Json::number(static_cast<std::int64_t>(x)); }


std::optional<MessageType> type_named(const std::string& name) {
  for (std::uint8_t t = 0x01; t <= 0x0f; ++t)
    if (name == message_type_name(static_cast<MessageType>(t))) return static_cast<MessageType>(t);
  return std::nullopt;
}

std::vector<Masternode> members_of(const Json& list) {
  std::vector<Masternode> out;
  for (const Json& m : list.items()) out.push_back(member_from(m));
  return out;
}

// The membership of a request; members that form none are the spec's refusal.
Membership membership_of(const Json& req) {
  auto m = Membership::make(members_of(req.at("members")));
  if (!m) throw Refusal{membership_errc_name(static_cast<membership_errc>(m.error().value()))};
  return std::move(m).value();
}

std::vector<Buf> byte_list(const Json& list) {
  std::vector<Buf> out;
  out.reserve(list.items().size());
  for (const Json& b : list.items()) out.push_back(bytes_field(b));
  return out;
}

// ---- the operations (spec/adapter.md §3) -----------------------------------------------------

Json op_domain_tag(const Json& req) {
  const std::string& name = req.str("name");
  for (const tag::NamedTag& t : tag::kAll) {
    if (name != t.name) continue;
    Json r = Json::object();
    r.set("tag", hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(t.bytes.data()), t.bytes.size())));
    return r;
  }
  throw Refusal{"unknown_tag"};
}

Json op_txid(const Json& req) {
  const ChainId chain = fixed_field<ChainId>(req, "chain_id");
  const Buf tx = bytes_field(req.at("transaction"));
  // tag || chain_id || tx (encoding.md §6.2)
  std::string preimage_text(tag::kTxId);
  preimage_text.append(reinterpret_cast<const char*>(chain.v.data()), chain.v.size());
  preimage_text.append(reinterpret_cast<const char*>(tx.data()), tx.size());
  const std::span<const std::uint8_t> preimage(reinterpret_cast<const std::uint8_t*>(preimage_text.data()),
                                               preimage_text.size());
  Json r = Json::object();
  r.set("preimage", hex(preimage));
  r.set("txid", hex(compute_txid(chain, tx)));
  return r;
}

Json op_block_id(const Json& req) {
  const BlockHeader h = header_from(req.at("header"));
  auto encoded = encode_to_vector(h);
  if (!encoded) throw Refusal{codec_errc_name(static_cast<codec_errc>(encoded.error().value()))};
  Json r = Json::object();
  r.set("header_body", hex(std::span<const std::uint8_t>(encoded.value()).subspan(kPrefixSize)));
  r.set("block_id", hex(compute_block_id(h)));
  return r;
}

Json op_merkle_root(const Json& req) {
  const std::vector<Buf> leaves = byte_list(req.at("leaves"));
  const std::vector<std::span<const std::uint8_t>> views(leaves.begin(), leaves.end());
  Json hashes = Json::array();
  for (const Buf& l : leaves) hashes.push(hex(merkle_leaf_hash(l)));
  Json r = Json::object();
  r.set("leaf_hashes", std::move(hashes));
  r.set("root", hex(merkle_root(views)));
  return r;
}

Json op_sign(const Json& req) {
  const Keypair k = keypair_from_seed(fixed_field<Seed>(req, "seed"));
  Json r = Json::object();
  r.set("signature", hex(sign_detached(k.secret_key, bytes_field(req.at("message")))));
  return r;
}

Json op_decode(const Json& req) {
  const auto type = type_named(req.str("type"));
  if (!type) throw JsonError{"unknown message type '" + req.str("type") + "'"};
  std::string text;
  sim::JsonWriter w(text);
  const DecodeOutcome d = decode_as(*type, bytes_field(req.at("message")), &w);
  if (d.error) throw Refusal{codec_errc_name(static_cast<codec_errc>(d.error.value()))};
  JsonParse fields = parse_json(text);
  if (!fields.value) throw JsonError{"decode wrote unreadable fields: " + fields.error};
  Json r = Json::object();
  r.set("fields", std::move(*fields.value));
  return r;
}

Json op_membership(const Json& req) {
  const Membership m = membership_of(req);
  Json keys = Json::array();
  for (const Masternode& member : m.members()) keys.push(hex(member.key));
  Json r = Json::object();
  r.set("canonical_keys", std::move(keys));
  r.set("total_weight", num(m.total_weight()));
  return r;
}

Json op_build_block(const Json& req) {
  const ChainId chain = fixed_field<ChainId>(req, "chain_id");
  const Membership m = membership_of(req);
  const std::uint64_t reward = u64_field(req, "reward");
  const std::vector<Buf> mempool = byte_list(req.at("mempool"));
  const std::vector<TxBytes> views(mempool.begin(), mempool.end());
  const BlockContent c = build_block_content(chain, u64_field(req, "height"), m, reward, views);
  const std::vector<std::uint64_t> amounts = split_reward(m, reward);
  Json rewards = Json::array();
  for (std::size_t i = 0; i < m.size(); ++i) {
    Json e = Json::object();
    e.set("member_index", num(i));
    e.set("public_key", hex(m.member(i).key));
    e.set("reward_to", hex(m.member(i).reward_to));
    e.set("weight", num(m.member(i).weight));
    e.set("amount", num(amounts[i]));
    rewards.push(std::move(e));
  }
  Sha256 txids;
  for (TxBytes tx : c.views) txids.update(compute_txid(chain, tx).span());
  Json r = Json::object();
  r.set("rewards", std::move(rewards));
  r.set("coinbase", hex(c.txs.front()));
  r.set("tx_count", num(c.views.size()));
  r.set("mempool_bytes", num(c.mempool_bytes));
  r.set("txids_sha256", hex(txids.finish()));
  r.set("merkle_root", hex(c.merkle_root));
  return r;
}

Json op_check_body(const Json& req) {
  const ChainId chain = fixed_field<ChainId>(req, "chain_id");
  const std::uint64_t height = u64_field(req, "height");
  const Membership m = membership_of(req);
  const std::vector<Buf> body = byte_list(req.at("body"));
  const std::vector<TxBytes> views(body.begin(), body.end());
  const Buf coinbase = build_coinbase(chain, height, m, u64_field(req, "reward"));
  const FirstByteBdIsInvalid validity;
  auto checked = check_block_body(chain, views, fixed_field<Hash32>(req, "merkle_root"), coinbase, &validity);
  if (!checked) throw Refusal{body_errc_name(static_cast<body_errc>(checked.error().value()))};
  Json r = Json::object();
  r.set("holds", Json::boolean(true));
  return r;
}

Json op_proposal_header(const Json& req) {
  const std::uint64_t round = u64_field(req, "round");
  if (round > UINT32_MAX) throw JsonError{"'round' does not fit in 32 bits"};
  const auto r32 = static_cast<std::uint32_t>(round);
  const BlockHeader h = make_header(fixed_field<ChainId>(req, "chain_id"), u64_field(req, "height"), r32,
                                    fixed_field<BlockId>(req, "prev_id"), fixed_field<Hash32>(req, "merkle_root"),
                                    round_start_ms(u64_field(req, "midnight_ms"), RoundTiming{}, r32),
                                    fixed_field<PublicKey>(req, "proposer"));
  std::string text;
  sim::JsonWriter w(text);
  write_header(w, h);
  Json r = Json::object();
  r.set("header", std::move(*parse_json(text).value));
  return r;
}

Json op_vrf_prove(const Json& req) {
  const VrfKeypair k = vrf_keypair_from_seed(fixed_field<Seed>(req, "secret_key"));
  auto pi = ecvrf_prove(k.secret_key, bytes_field(req.at("alpha")));
  if (!pi) throw Refusal{vrf_errc_name(static_cast<vrf_errc>(pi.error().value()))};
  Json r = Json::object();
  r.set("public_key", hex(k.public_key));
  r.set("pi", hex(pi.value()));
  r.set("beta", hex(ecvrf_proof_to_hash(pi.value()).value()));
  return r;
}

Json op_vrf_verify(const Json& req) {
  auto beta = ecvrf_verify(fixed_field<PublicKey>(req, "public_key"), fixed_field<VrfProof>(req, "pi"),
                           bytes_field(req.at("alpha")));
  if (!beta) throw Refusal{vrf_errc_name(static_cast<vrf_errc>(beta.error().value()))};
  Json r = Json::object();
  r.set("beta", hex(beta.value()));
  return r;
}

Json op_select(const Json& req) {
  const auto policy = make_policy(req.str("policy"));
  if (!policy) throw JsonError{"unknown policy '" + req.str("policy") + "'"};
  const std::vector<Json>& given = req.at("proposals").items();
  std::vector<VrfOutput> outputs(given.size());
  std::vector<Candidate> candidates(given.size());
  const Json& own = req.at("own_member_index");
  // Policy C ranks by arrival, the node's own proposal last (protocol.md §4.5).
  std::uint32_t arrival = 0;
  for (std::size_t i = 0; i < given.size(); ++i) {
    candidates[i].block_id = fixed_field<BlockId>(given[i], "block_id");
    outputs[i] = fixed_field<VrfOutput>(given[i], "vrf_output");
    candidates[i].vrf_output = &outputs[i];
    const bool is_own = own.is_number() && given[i].integer("member_index") == own.as_int();
    candidates[i].arrival = is_own ? UINT32_MAX : arrival++;
  }
  const auto chosen = select_canonical(*policy, candidates);
  Json r = Json::object();
  r.set("chosen_member_index", chosen ? given[*chosen].at("member_index") : Json());  // null: no pick
  return r;
}

std::vector<ShortTxId> short_ids(const Json& list) {
  std::vector<ShortTxId> out;
  for (const Json& id : list.items()) {
    const Buf b = bytes_field(id);
    if (b.size() != 8) throw JsonError{"a short id is not 16 hex digits"};
    ShortTxId x = 0;
    for (std::uint8_t byte : b) x = x << 8 | byte;
    out.push_back(x);
  }
  return out;
}

Json op_estimate_difference(const Json& req) {
  const std::vector<ShortTxId> a = short_ids(req.at("sample_a"));
  const std::vector<ShortTxId> x = short_ids(req.at("sample_x"));
  Json r = Json::object();
  r.set("estimate", num(estimate_difference(a, u64_field(req, "count_a"), x, u64_field(req, "count_x"))));
  return r;
}

using Op = Json (*)(const Json&);
struct NamedOp {
  const char* name;
  Op run;
};

const NamedOp kOps[] = {
    {"sha256",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("digest", hex(sha256(bytes_field(q.at("data")))));
       return r;
     }},
    {"domain_tag", op_domain_tag},
    {"txid", op_txid},
    {"block_id", op_block_id},
    {"merkle_root", op_merkle_root},
    {"public_key",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("public_key", hex(keypair_from_seed(fixed_field<Seed>(q, "seed")).public_key));
       return r;
     }},
    {"sign", op_sign},
    {"verify",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("valid", Json::boolean(verify_detached(fixed_field<PublicKey>(q, "public_key"),
                                                    fixed_field<Signature>(q, "signature"),
                                                    bytes_field(q.at("message")))));
       return r;
     }},
    {"proposal_signing_input",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("signing_input", hex(proposal_signing_input(header_from(q.at("header")))));
       return r;
     }},
    {"vote_signing_input",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("signing_input", hex(vote_signing_input(vote_from(q.at("vote")))));
       return r;
     }},
    {"decode", op_decode},
    {"encode",
     [](const Json& q) -> Json {
       const auto type = type_named(q.str("type"));
       if (!type) throw JsonError{"unknown message type '" + q.str("type") + "'"};
       Json r = Json::object();
       r.set("message", hex(encode_fields(*type, q.at("fields"))));
       return r;
     }},
    {"membership", op_membership},
    {"quorum_threshold",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("threshold", num(quorum_threshold(u64_field(q, "total_weight"))));
       return r;
     }},
    {"is_quorum",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("quorum", Json::boolean(is_quorum(u64_field(q, "weight"), u64_field(q, "total_weight"))));
       return r;
     }},
    {"build_block", op_build_block},
    {"check_body", op_check_body},
    {"proposal_header", op_proposal_header},
    {"vrf_input",
     [](const Json& q) -> Json {
       const std::uint64_t round = u64_field(q, "round");
       if (round > UINT32_MAX) throw JsonError{"'round' does not fit in 32 bits"};
       Json r = Json::object();
       r.set("vrf_input", hex(vrf_input(fixed_field<ChainId>(q, "chain_id"), u64_field(q, "height"),
                                        static_cast<std::uint32_t>(round), fixed_field<BlockId>(q, "prev_id"))));
       return r;
     }},
    {"vrf_prove", op_vrf_prove},
    {"vrf_verify", op_vrf_verify},
    {"select", op_select},
    {"estimate_difference", op_estimate_difference},
    {"sketch_answer_cells",
     [](const Json& q) -> Json {
       Json r = Json::object();
       r.set("cells_per_hash",
             num(sketch_answer_cells(u64_field(q, "difference"), u64_field(q, "have"), u64_field(q, "block_bytes"))));
       return r;
     }},
};

// The node hosts' operations (spec/adapter.md §3.8): the session's state is their table.
struct NodeOp {
  const char* name;
  Json (adapter::NodeTable::*run)(const Json&);
};
const NodeOp kNodeOps[] = {
    {"node_create", &adapter::NodeTable::create},
    {"node_event", &adapter::NodeTable::event},
    {"node_state", &adapter::NodeTable::state},
};

// One request line → one answer line (spec/adapter.md §1).
std::string answer(const std::string& line, adapter::NodeTable& nodes) {
  Json out = Json::object();
  JsonParse parsed = parse_json(line);
  if (!parsed.value || !parsed.value->is_object()) {
    out.set("id", Json());
    out.set("unsupported", "not a JSON object: " + (parsed.value ? std::string("another value") : parsed.error));
    return out.dump();
  }
  const Json& req = *parsed.value;
  const Json* id = req.find("id");
  out.set("id", id != nullptr ? *id : Json());
  const Json* op = req.find("op");
  if (op == nullptr || !op->is_string()) {
    out.set("unsupported", "no op");
    return out.dump();
  }
  if (op->as_string() == "hello") {
    Json r = Json::object();
    r.set("adapter_version", std::int64_t{2});
    r.set("implementation", "midnight reference (C++), wire version 2");
    Json ops = Json::array();
    for (const NamedOp& o : kOps) ops.push(Json::string(o.name));
    for (const NodeOp& o : kNodeOps) ops.push(Json::string(o.name));
    r.set("ops", std::move(ops));
    out.set("ok", std::move(r));
    return out.dump();
  }
  // A refusal is the spec's verdict on the input; a request this adapter cannot read is
  // not a verdict on anything.
  const auto run = [&](const auto& operation) {
    try {
      out.set("ok", operation());
    } catch (const Refusal& e) {
      out.set("error", e.error);
    } catch (const JsonError& e) {
      out.set("unsupported", "malformed request: " + e.message);
    }
    return out.dump();
  };
  for (const NamedOp& o : kOps)
    if (op->as_string() == o.name) return run([&] { return o.run(req); });
  for (const NodeOp& o : kNodeOps)
    if (op->as_string() == o.name) return run([&] { return (nodes.*o.run)(req); });
  out.set("unsupported", "unknown operation '" + op->as_string() + "'");
  return out.dump();
}

}  // namespace

int run_adapter(std::vector<std::string_view> args) {
  if (!args.empty()) throw UsageError{"adapter: takes no arguments (requests come on standard input)"};
  std::ios::sync_with_stdio(false);
  adapter::NodeTable nodes;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::cout << answer(line, nodes) << '\n';
    std::cout.flush();
  }
  return kExitOk;
}

}  // namespace midnight::cli
