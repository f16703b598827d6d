#include "families.hpp"

#include <algorithm>

#include "../vector_rules.hpp"
#include "check.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight::cli::conform {

namespace {

// Midnight of the vectors' test height (spec/vectors/README.md, Conventions).
constexpr std::int64_t kVectorsMidnightMs = 1'735'689'600'000;

Json obj() { return Json::object(); }

// {key: value} in one call, for the short requests and expectations below.
Json with(std::initializer_list<std::pair<const char*, Json>> members) {
  Json o = obj();
  for (const auto& [k, v] : members) o.set(k, v);
  return o;
}
Json s(const std::string& text) { return Json::string(text); }
Json n(std::int64_t x) { return Json::number(x); }

// The hex of an ASCII string, for the vectors' {sha256_of_ascii, hex} values.
std::string ascii_hex(const std::string& text) {
  return to_hex(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// A {sha256_of_ascii, hex} value checked as sha256 of its ASCII text.
void derived_value(Driver& d, const std::string& family, const std::string& key, const Json& v) {
  Case c(d.adapter, d.ledger, family, key + " = SHA-256 of '" + v.str("sha256_of_ascii") + "'");
  c.expect_ok("sha256", with({{"data", s(ascii_hex(v.str("sha256_of_ascii")))}}), with({{"digest", v.at("hex")}}));
}

// The members of a vector (seed, key or public_key, vrf_key, reward_to, weight) as the
// protocol's member objects.
Json members_of(const Json& list) {
  Json out = Json::array();
  for (const Json& m : list.items()) {
    const Json* key = m.find("key");
    if (key == nullptr) key = &m.at("public_key");
    out.push(with({{"key", *key}, {"vrf_key", m.at("vrf_key")}, {"reward_to", m.at("reward_to")},
                   {"weight", m.at("weight")}}));
  }
  return out;
}

Json hex_list(const std::vector<std::vector<std::uint8_t>>& txs) {
  Json out = Json::array();
  for (const auto& t : txs) out.push(bytes_json(t));
  return out;
}

}  // namespace

const Json& VectorFile::take(const std::string& key) {
  taken.insert(key);
  return doc.at(key);
}

std::vector<std::string> VectorFile::untaken_lists() const {
  // "flags" defines the Wycheproof-style labels of the cases (spec/vectors/README.md, Flags): for
  // selecting cases, not cases themselves.
  static const std::set<std::string> kMetadata = {"family", "format_version", "description", "notes", "flags"};
  std::vector<std::string> out;
  for (const Json::Member& m : doc.members())
    if (!kMetadata.contains(m.first) && !taken.contains(m.first)) out.push_back(m.first);
  return out;
}

// ---- hashing ---------------------------------------------------------------------------------
void drive_hashing(Driver& d, VectorFile& f) {
  const std::string fam = f.family;
  for (const Json& v : f.take("sha256").items()) {
    const Json* ascii = v.find("input_ascii");
    Case c(d.adapter, d.ledger, fam,
           ascii != nullptr ? "sha256 of '" + ascii->as_string() + "'"
                            : "sha256 of " + std::to_string(bytes_of(v.at("input_hex")).size()) + " bytes");
    c.expect_ok("sha256", with({{"data", v.at("input_hex")}}), with({{"digest", v.at("sha256")}}));
  }
  for (const Json& v : f.take("tags").items()) {
    Case c(d.adapter, d.ledger, fam, "domain tag " + v.str("name"));
    c.expect_ok("domain_tag", with({{"name", v.at("name")}}), with({{"tag", v.at("hex")}}));
  }
  derived_value(d, fam, "chain_id", f.take("chain_id"));
  derived_value(d, fam, "other_chain_id", f.take("other_chain_id"));
  std::size_t i = 0;
  for (const Json& v : f.take("txid").items()) {
    Case c(d.adapter, d.ledger, fam, "txid " + std::to_string(i++));
    c.expect_ok("txid", with({{"chain_id", v.at("chain_id")}, {"transaction", v.at("tx_hex")}}),
                with({{"preimage", v.at("preimage_hex")}, {"txid", v.at("txid")}}));
  }
  i = 0;
  for (const Json& v : f.take("block_id").items()) {
    Case c(d.adapter, d.ledger, fam, "block id " + std::to_string(i++));
    c.expect_ok("block_id", with({{"header", v.at("header")}}),
                with({{"header_body", v.at("header_body_hex")}, {"block_id", v.at("block_id")}}));
  }
  const Json& merkle = f.take("merkle");
  const std::vector<Json>& leaves = merkle.at("leaves_hex").items();
  const std::vector<Json>& leaf_hashes = merkle.at("leaf_hashes").items();
  for (const Json& root : merkle.at("roots").items()) {
    const std::size_t count = static_cast<std::size_t>(root.integer("n"));
    Json ls = Json::array();
    Json hs = Json::array();
    for (std::size_t k = 0; k < count && k < leaves.size(); ++k) {
      ls.push(leaves[k]);
      hs.push(leaf_hashes[k]);
    }
    Case c(d.adapter, d.ledger, fam, "Merkle root of the first " + std::to_string(count) + " leaves");
    c.expect_ok("merkle_root", with({{"leaves", ls}}), with({{"leaf_hashes", hs}, {"root", root.at("root")}}));
  }
  for (const Json& v : merkle.at("no_duplication").items()) {
    Case c(d.adapter, d.ledger, fam,
           "Merkle root of " + std::to_string(v.at("leaves_hex").items().size()) + " leaves (no duplication)");
    c.expect_ok("merkle_root", with({{"leaves", v.at("leaves_hex")}}), with({{"root", v.at("root")}}));
  }
}

// ---- signing ---------------------------------------------------------------------------------
void drive_signing(Driver& d, VectorFile& f) {
  const std::string fam = f.family;
  derived_value(d, fam, "chain_id", f.take("chain_id"));
  derived_value(d, fam, "block_id_of_votes", f.take("block_id_of_votes"));
  for (const Json& v : f.take("keypairs").items()) {
    Case c(d.adapter, d.ledger, fam, "public key of seed " + v.str("seed").substr(0, 8) + "...");
    c.expect_ok("public_key", with({{"seed", v.at("seed")}}), with({{"public_key", v.at("public_key")}}));
  }
  for (const Json& v : f.take("ed25519").items()) {
    Case c(d.adapter, d.ledger, fam, v.str("name"));
    c.expect_ok("public_key", with({{"seed", v.at("seed")}}), with({{"public_key", v.at("public_key")}}));
    c.expect_ok("sign", with({{"seed", v.at("seed")}, {"message", v.at("message_hex")}}),
                with({{"signature", v.at("signature")}}));
  }
  std::size_t i = 0;
  for (const Json& v : f.take("proposals").items()) {
    Case c(d.adapter, d.ledger, fam, "proposal " + std::to_string(i++));
    c.expect_ok("block_id", with({{"header", v.at("header")}}), with({{"block_id", v.at("block_id")}}));
    c.expect_ok("proposal_signing_input", with({{"header", v.at("header")}}),
                with({{"signing_input", v.at("signing_input_hex")}}));
    c.expect_ok("sign", with({{"seed", v.at("signer_seed")}, {"message", v.at("signing_input_hex")}}),
                with({{"signature", v.at("signature")}}));
  }
  for (const Json& v : f.take("votes").items()) {
    Case c(d.adapter, d.ledger, fam, v.str("name"));
    c.expect_ok("vote_signing_input", with({{"vote", v.at("vote")}}),
                with({{"signing_input", v.at("signing_input_hex")}}));
    c.expect_ok("sign", with({{"seed", v.at("signer_seed")}, {"message", v.at("signing_input_hex")}}),
                with({{"signature", v.at("vote").at("signature")}}));
  }
  for (const Json& v : f.take("verify").items()) {
    Case c(d.adapter, d.ledger, fam, "verify: " + v.str("name"));
    c.expect_ok("verify",
                with({{"public_key", v.at("public_key")}, {"message", v.at("message_hex")},
                      {"signature", v.at("signature")}}),
                with({{"valid", v.at("valid")}}));
  }
}

static void drive_encoder_refusals(Driver& d, const std::string& fam, const std::vector<Json>& messages);

// ---- encoding --------------------------------------------------------------------------------
// Two entries of encoding.json are abbreviated (spec/adapter.md §2): the certificate of
// 10,000 entries (by first_voter and last_voter) and the body sketch (by sketch_bytes).
// Their other keys compare as usual; these compare against the complete answer.
void drive_encoding(Driver& d, VectorFile& f) {
  const std::string fam = f.family;
  derived_value(d, fam, "chain_id", f.take("chain_id"));
  derived_value(d, fam, "prev_id", f.take("prev_id"));
  drive_encoder_refusals(d, fam, f.doc.at("messages").items());
  for (const Json& v : f.take("messages").items()) {
    Case c(d.adapter, d.ledger, fam, v.str("name"));
    const Json& fields = v.at("fields");
    Json comparable = obj();
    bool abbreviated = false;
    for (const Json::Member& m : fields.members()) {
      if (m.first == "first_voter" || m.first == "last_voter" || m.first == "sketch_bytes")
        abbreviated = true;
      else
        comparable.set(m.first, m.second);
    }
    Json message;
    if (const Json* hex = v.find("hex")) {
      message = *hex;
    } else {
      auto built = encoding_message_from_name(v.str("name"));
      if (!built) throw JsonError{"encoding: no builder for '" + v.str("name") + "', listed by digest"};
      if (to_hex(sha256(*built)) != v.str("sha256"))
        throw JsonError{"encoding: the message rebuilt for '" + v.str("name") + "' does not have its sha256"};
      message = bytes_json(*built);
    }
    std::optional<Json> got =
        c.expect_ok("decode", with({{"type", v.at("type")}, {"message", message}}), with({{"fields", comparable}}));
    if (!got) continue;
    const Json& answer = got->at("fields");
    if (const Json* first = fields.find("first_voter")) {
      const Json* sigs = answer.find("signatures");
      if (sigs == nullptr || !sigs->is_array() || sigs->items().empty() ||
          !first_difference(*first, sigs->items().front().at("voter"), "").empty() ||
          !first_difference(fields.at("last_voter"), sigs->items().back().at("voter"), "").empty())
        c.fail("decode", "ok.fields.signatures: the first and last voters are not the vector's");
    }
    if (const Json* size = fields.find("sketch_bytes")) {
      const Json* sketch = answer.find("sketch");
      if (sketch == nullptr || bytes_of(*sketch).size() != static_cast<std::size_t>(size->as_int()))
        c.fail("decode", "ok.fields.sketch: not " + std::to_string(size->as_int()) + " bytes");
    }
    // Encoding: the vector's fields when complete, else the adapter's own decoded ones.
    c.expect_ok("encode", with({{"type", v.at("type")}, {"fields", abbreviated ? answer : fields}}),
                with({{"message", message}}));
  }
}

// Encoders refuse what a decoder would reject (encoding.md §1), with the decoder's error:
// values made from the vectors' messages by breaking one rule each.
static void drive_encoder_refusals(Driver& d, const std::string& fam, const std::vector<Json>& messages) {
  const auto fields_of = [&](const std::string& type) -> const Json* {
    for (const Json& m : messages)
      if (m.str("type") == type) return &m.at("fields");
    return nullptr;
  };
  struct Broken {
    const char* type;
    const char* name;
    const char* error;
    void (*apply)(Json&);
  };
  static const Broken kBroken[] = {
      {"vote", "encode refuses an approving vote of the zero block id", "nil_vote_not_canonical",
       [](Json& f) {
         f.set("approve", Json::boolean(true));
         f.set("block_id", std::string(64, '0'));
       }},
      {"masternode", "encode refuses a masternode of weight 0", "weight_out_of_range",
       [](Json& f) { f.set("weight", std::int64_t{0}); }},
      {"certificate", "encode refuses a certificate whose voters are not ascending", "not_canonical_order",
       [](Json& f) {
         Json reversed = Json::array();
         const std::vector<Json>& sigs = f.at("signatures").items();
         for (auto it = sigs.rbegin(); it != sigs.rend(); ++it) reversed.push(*it);
         f.set("signatures", std::move(reversed));
       }},
      {"transaction", "encode refuses an empty transaction", "length_out_of_range",
       [](Json& f) { f.set("bytes", std::string()); }},
  };
  for (const Broken& b : kBroken) {
    const Json* base = fields_of(b.type);
    if (base == nullptr) throw JsonError{std::string("encoding.json has no ") + b.type};
    Json fields = *base;
    b.apply(fields);
    Case c(d.adapter, d.ledger, fam, b.name);
    c.about(std::string("encoding.md §1: an encoder refuses what a decoder rejects (") + b.error + ")");
    c.expect_error("encode", with({{"type", s(b.type)}, {"fields", fields}}), b.error);
  }
}

// ---- rejections ------------------------------------------------------------------------------
void drive_rejections(Driver& d, VectorFile& f) {
  for (const Json& v : f.take("cases").items()) {
    Case c(d.adapter, d.ledger, f.family, v.str("name"));
    c.about(v.str("rule") + " (" + v.str("error") + ")");
    Json input;
    if (const Json* hex = v.find("hex")) {
      input = *hex;
    } else {
      std::optional<std::vector<std::uint8_t>> built = rejection_input_from_rule(v.str("input_rule"));
      if (!built) throw JsonError{"rejections: no builder for the input rule '" + v.str("input_rule") + "'"};
      if (to_hex(sha256(*built)) != v.str("sha256"))
        throw JsonError{"rejections: the input rebuilt for '" + v.str("name") + "' does not have its sha256"};
      d.progress("rejections: sending " + v.str("name"));
      input = bytes_json(*built);
    }
    c.expect_error("decode", with({{"type", v.at("decode_as")}, {"message", input}}), v.str("error"));
  }
}

// ---- quorum ----------------------------------------------------------------------------------
void drive_quorum(Driver& d, VectorFile& f) {
  const std::string fam = f.family;
  for (const Json& v : f.take("memberships").items()) {
    Case c(d.adapter, d.ledger, fam, "membership: " + v.str("name"));
    const std::string& expected = v.str("expected");
    if (expected == "valid")
      c.expect_ok("membership", with({{"members", members_of(v.at("members"))}}),
                  with({{"canonical_keys", v.at("canonical_keys")}, {"total_weight", v.at("total_weight")}}));
    else
      c.expect_error("membership", with({{"members", members_of(v.at("members"))}}), expected);
  }
  for (const char* list : {"equal_weights", "weighted"}) {
    for (const Json& v : f.take(list).items()) {
      Case c(d.adapter, d.ledger, fam, "threshold of total weight " + std::to_string(v.integer("total_weight")));
      c.expect_ok("quorum_threshold", with({{"total_weight", v.at("total_weight")}}),
                  with({{"threshold", v.at("threshold")}}));
    }
  }
  for (const Json& v : f.take("is_quorum").items()) {
    Case c(d.adapter, d.ledger, fam,
           "is_quorum " + std::to_string(v.integer("weight")) + " of " + std::to_string(v.integer("total_weight")));
    c.expect_ok("is_quorum", with({{"weight", v.at("weight")}, {"total_weight", v.at("total_weight")}}),
                with({{"quorum", v.at("quorum")}}));
  }
}

// ---- block building --------------------------------------------------------------------------
void drive_block_building(Driver& d, VectorFile& f) {
  const std::string fam = f.family;
  const Json chain = f.take("chain_id").at("hex");
  const Json height = f.take("height");
  Json file_members;
  for (const Json& v : f.take("cases").items()) {
    Case c(d.adapter, d.ledger, fam, v.str("name"));
    const Json members = members_of(v.at("members"));
    if (file_members.is_null()) file_members = members;
    Json mempool;
    if (const Json* listed = v.find("mempool")) {
      mempool = *listed;
    } else {
      d.progress("block_building: building the mempool of '" + v.str("name") + "'");
      auto built = mempool_from_rule(v.str("mempool_rule"));
      if (!built) throw JsonError{"block_building: no builder for the rule '" + v.str("mempool_rule") + "'"};
      mempool = hex_list(*built);
      d.progress("block_building: sending " + std::to_string(built->size()) + " transactions");
    }
    const Json& e = v.at("expected");
    Json expected = with({{"coinbase", e.at("coinbase_hex")}, {"tx_count", e.at("tx_count")},
                          {"mempool_bytes", e.at("mempool_bytes")}, {"merkle_root", e.at("merkle_root")}});
    if (const Json* rewards = e.find("rewards")) expected.set("rewards", *rewards);
    if (const Json* digest = e.find("txids_sha256")) {
      expected.set("txids_sha256", *digest);
    } else {
      Sha256 h;
      for (const Json& tx : e.at("transactions").items()) h.update(bytes_of(tx.at("txid")));
      expected.set("txids_sha256", to_hex(h.finish()));
    }
    c.expect_ok("build_block",
                with({{"chain_id", chain}, {"height", height}, {"reward", v.at("reward")}, {"members", members},
                      {"mempool", mempool}}),
                expected);
  }
  {
    Case c(d.adapter, d.ledger, fam, "build_block refuses members that form no membership");
    c.expect_error("build_block",
                   with({{"chain_id", chain}, {"height", height}, {"reward", n(1)}, {"members", Json::array()},
                         {"mempool", Json::array()}}),
                   "empty");
  }
  for (const Json& v : f.take("approvals").items()) {
    Case c(d.adapter, d.ledger, fam, "approval: " + v.str("name"));
    const Json base = with({{"chain_id", chain}, {"height", height}, {"reward", v.at("reward")},
                            {"members", file_members}, {"mempool", v.at("checking_node_mempool")}});
    c.expect_ok("build_block", base, with({{"merkle_root", v.at("checking_node_merkle_root")}}));
    Json check = base;
    check.set("merkle_root", v.at("merkle_root"));
    check.set("body", v.at("body"));
    const Json& e = v.at("expected");
    c.expect("check_body", check, with({{"holds", Json::boolean(true)}}),
             e.find("error") ? e.str("error") : std::string());
  }
}

// ---- selection -------------------------------------------------------------------------------
void drive_selection(Driver& d, VectorFile& f) {
  const std::string fam = f.family;
  const Json chain = f.take("chain_id").at("hex");
  const Json prev = f.take("prev_id").at("hex");
  const Json root = f.take("merkle_root");
  f.take("merkle_root_note");
  const Json& members = f.take("members");
  {
    Case c(d.adapter, d.ledger, fam, "the membership's total weight and threshold");
    c.expect_ok("membership", with({{"members", members_of(members)}}), with({{"total_weight", f.take("total_weight")}}));
    c.expect_ok("quorum_threshold", with({{"total_weight", f.doc.at("total_weight")}}),
                with({{"threshold", f.take("quorum_threshold")}}));
  }
  const std::vector<Json>& proposals = f.take("proposals").items();
  for (const Json& p : proposals) {
    const std::int64_t member = p.integer("member_index");
    const Json* vrf_seed = nullptr;
    for (const Json& m : members.items())
      if (m.integer("member_index") == member) vrf_seed = &m.at("vrf_seed");
    if (vrf_seed == nullptr) throw JsonError{"selection: a proposal of an unknown member"};
    const Json& header = p.at("header");
    Case c(d.adapter, d.ledger, fam,
           "proposal of member " + std::to_string(member) + " in round " + std::to_string(p.integer("round")));
    c.expect_ok("proposal_header",
                with({{"chain_id", chain}, {"height", header.at("height")}, {"round", p.at("round")},
                      {"prev_id", prev}, {"merkle_root", root}, {"proposer", header.at("proposer")},
                      {"midnight_ms", n(kVectorsMidnightMs)}}),
                with({{"header", header}}));
    c.expect_ok("block_id", with({{"header", header}}), with({{"block_id", p.at("block_id")}}));
    c.expect_ok("vrf_input",
                with({{"chain_id", chain}, {"height", header.at("height")}, {"round", p.at("round")}, {"prev_id", prev}}),
                with({{"vrf_input", p.at("vrf_input")}}));
    c.expect_ok("vrf_prove", with({{"secret_key", *vrf_seed}, {"alpha", p.at("vrf_input")}}),
                with({{"pi", p.at("vrf_proof")}, {"beta", p.at("vrf_output")}}));
  }
  {
    Case c(d.adapter, d.ledger, fam, "no proposal to select from: no pick");
    c.expect_ok("select",
                with({{"policy", s("vrf")}, {"round", n(0)}, {"proposals", Json::array()}, {"own_member_index", Json()}}),
                with({{"chosen_member_index", Json()}}));
  }
  for (const Json& v : f.take("cases").items()) {
    const std::int64_t round = v.integer("round");
    Json arrived = Json::array();
    std::string order;
    for (const Json& idx : v.at("arrival_order").items()) {
      order += (order.empty() ? "" : ",") + std::to_string(idx.as_int());
      for (const Json& p : proposals)
        if (p.integer("round") == round && p.integer("member_index") == idx.as_int())
          arrived.push(with({{"member_index", idx}, {"block_id", p.at("block_id")}, {"vrf_output", p.at("vrf_output")}}));
    }
    Case c(d.adapter, d.ledger, fam,
           v.str("policy") + " in round " + std::to_string(round) + ", arrivals [" + order + "]");
    c.expect_ok("select",
                with({{"policy", v.at("policy")}, {"round", v.at("round")}, {"proposals", arrived},
                      {"own_member_index", v.at("own_member_index")}}),
                with({{"chosen_member_index", v.at("chosen_member_index")}}));
  }
}

// ---- vrf -------------------------------------------------------------------------------------
void drive_vrf(Driver& d, VectorFile& f) {
  for (const Json& v : f.take("prove").items()) {
    Case c(d.adapter, d.ledger, f.family, "prove: " + v.str("name"));
    c.expect_ok("vrf_prove", with({{"secret_key", v.at("sk")}, {"alpha", v.at("alpha")}}),
                with({{"public_key", v.at("pk")}, {"pi", v.at("pi")}, {"beta", v.at("beta")}}));
  }
  for (const Json& v : f.take("verify").items()) {
    Case c(d.adapter, d.ledger, f.family, "verify: " + v.str("name"));
    const std::string& expected = v.str("expected");
    Json result = obj();
    if (const Json* beta = v.find("beta"); beta != nullptr && beta->is_string() && !beta->as_string().empty())
      result.set("beta", *beta);
    c.expect("vrf_verify", with({{"public_key", v.at("pk")}, {"alpha", v.at("alpha")}, {"pi", v.at("pi")}}), result,
             expected == "valid" ? std::string() : expected);
  }
}

// ---- reconciliation --------------------------------------------------------------------------
void drive_reconciliation(Driver& d, VectorFile& f) {
  f.take("chain_id");
  for (const Json& v : f.take("estimates").items()) {
    Case c(d.adapter, d.ledger, f.family, "estimate: " + v.str("name"));
    c.expect_ok("estimate_difference",
                with({{"sample_a", v.at("sample_a")}, {"count_a", v.at("count_a")}, {"sample_x", v.at("sample_x")},
                      {"count_x", v.at("count_x")}}),
                with({{"estimate", v.at("estimate")}}));
  }
  for (const Json& v : f.take("answers").items()) {
    Case c(d.adapter, d.ledger, f.family,
           "answer for difference " + std::to_string(v.integer("difference")) + ", have " +
               std::to_string(v.integer("have")) + ", block " + std::to_string(v.integer("block_bytes")) + " bytes");
    c.expect_ok("sketch_answer_cells",
                with({{"difference", v.at("difference")}, {"have", v.at("have")}, {"block_bytes", v.at("block_bytes")}}),
                with({{"cells_per_hash", v.at("cells_per_hash")}}));
  }
  FamilyTally& t = d.ledger.family(f.family);
  t.not_driven += f.take("exchanges").items().size();
  t.not_driven_reason = "the exchanges: no version of the adapter protocol has an operation for the requester and server";
}

}  // namespace midnight::cli::conform
