// The rounds family (spec/adapter.md §3.8, §4): every scenario of rounds.json replayed
// on the adapter's node hosts, event by event, comparing what the protocol determines
// exactly and checking the rest (certificates, polka entries) for validity only.
#include <algorithm>
#include <memory>

#include "../fields_in.hpp"
#include "../json_value.hpp"
#include "check.hpp"
#include "families.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"
#include "../message_json.hpp"

namespace midnight::cli::conform {

namespace {

using Buf = std::vector<std::uint8_t>;

// What a scenario's messages are checked against: its membership and chain.
struct Context {
  Membership membership;
  ChainId chain;
};

Context context_of(const Json& config) {
  std::vector<Masternode> members;
  for (const Json& m : config.at("members").items()) members.push_back(member_from(m));
  auto made = Membership::make(members);
  if (!made) throw JsonError{"rounds.json: a scenario's members form no membership"};
  return Context{std::move(made).value(), fixed_field<ChainId>(config.at("chain_id"), "hex")};
}

// A message sent, with where it went: "broadcast" or "send to I".
struct Sent {
  std::string to;
  Buf bytes;
  MessageType type() const { return bytes.size() >= 2 ? static_cast<MessageType>(bytes[1]) : MessageType{}; }
};

// The classes of adapter.md §4: exact bytes (a polka's entries are determined,
// protocol.md §5.4 "Propose"); a commit (its block exact, its certificate valid, §7.1);
// not compared.
enum class Compare { exact, commit, no };
Compare compare_of(MessageType t) {
  switch (t) {
    case MessageType::proposal:
    case MessageType::vote:
    case MessageType::reproposal:
    case MessageType::polka: return Compare::exact;
    case MessageType::commit: return Compare::commit;
    default: return Compare::no;
  }
}

// A commit whose block is the vector's, byte for byte, and whose certificate verifies
// for that block (the certificate's entries are the node's own choice, §7.1).
std::string compare_commit(const Buf& expected, const Buf& got, const Context& ctx) {
  auto e = std::make_unique<CommitView>();
  auto g = std::make_unique<CommitView>();
  if (!decode_commit(expected, *e)) throw JsonError{"rounds.json: a commit that does not decode"};
  if (!decode_commit(got, *g)) return "the commit does not decode";
  const bool same_block = e->block.header == g->block.header && e->block.signature == g->block.signature &&
                          std::equal(e->block.transactions().begin(), e->block.transactions().end(),
                                     g->block.transactions().begin(), g->block.transactions().end(),
                                     [](TxBytes a, TxBytes b) { return std::ranges::equal(a, b); });
  if (!same_block) return "the commit's block is not the vector's";
  if (g->certificate.block_id != compute_block_id(g->block.header)) return "the commit's certificate names another block";
  if (!verify_certificate(g->certificate, ctx.membership, ctx.chain)) return "the commit's certificate does not verify";
  return {};
}

std::string compare_message(const Buf& expected, const Buf& got, const Context& ctx) {
  if (got.size() < 2 || got[1] != expected[1]) return "another message type";
  switch (compare_of(static_cast<MessageType>(expected[1]))) {
    case Compare::exact: return expected == got ? std::string() : "other bytes";
    case Compare::commit: return compare_commit(expected, got, ctx);
    case Compare::no: return {};
  }
  return {};
}

std::string describe(const Sent& s) {
  return std::string(message_type_name(s.type())) + " (" + s.to + ", " + std::to_string(s.bytes.size()) + " bytes)";
}

// The compared messages of an output list: the vector's (message ids) or the answer's
// (hex).
std::vector<Sent> compared_sent(const Json& output, const std::vector<Buf>* messages) {
  std::vector<Sent> out;
  for (const Json& a : output.items()) {
    const std::string& kind = a.str("kind");
    if (kind != "broadcast" && kind != "send") continue;
    Sent s;
    s.to = kind == "broadcast" ? "broadcast" : "send to " + std::to_string(a.integer("member_index"));
    s.bytes = messages != nullptr ? messages->at(static_cast<std::size_t>(a.integer("message"))) : bytes_of(a.at("message"));
    if (compare_of(s.type()) != Compare::no) out.push_back(std::move(s));
  }
  return out;
}

// Matches the vector's messages with the answer's as multisets: each expected one with
// an unmatched sent one of the same destination that agrees.
std::string compare_outputs(const std::vector<Sent>& expected, std::vector<Sent> got, const Context& ctx) {
  for (const Sent& e : expected) {
    std::string why = "not sent";
    bool matched = false;
    for (auto it = got.begin(); it != got.end(); ++it) {
      if (it->to != e.to || it->type() != e.type()) continue;
      const std::string d = compare_message(e.bytes, it->bytes, ctx);
      if (d.empty()) {
        got.erase(it);
        matched = true;
        break;
      }
      why = d;
    }
    if (!matched) return "output: the vector's " + describe(e) + ": " + why;
  }
  if (!got.empty()) return "output: sent a " + describe(got.front()) + " the vector does not";
  return {};
}

Json input_of(const Json& input, const std::vector<Buf>& messages) {
  const std::string& kind = input.str("kind");
  Json out = Json::object();
  out.set("kind", kind);
  if (kind == "message") {
    out.set("message", bytes_json(messages.at(static_cast<std::size_t>(input.integer("message")))));
  } else if (kind == "timer") {
    out.set("timer", input.at("timer"));
    out.set("height", input.at("height"));
    if (const Json* r = input.find("round")) out.set("round", *r);
  } else if (kind == "restart") {
    Json store = Json::array();
    for (const Json& id : input.at("block_store").items())
      store.push(bytes_json(messages.at(static_cast<std::size_t>(id.as_int()))));
    out.set("block_store", std::move(store));
    out.set("journal", input.at("journal"));
  }
  return out;
}

std::string compare_event(const Json& e, const Answer& a, const std::vector<Buf>& messages, const Context& ctx) {
  if (const Json* error = e.find("error")) {
    if (a.kind == Answer::Kind::ok) return "accepted, expected the error '" + error->as_string() + "'";
    return a.text == error->as_string() ? std::string()
                                         : "rejected with '" + a.text + "', expected '" + error->as_string() + "'";
  }
  if (a.kind == Answer::Kind::error) return "rejected with '" + a.text + "'";
  const Json& ok = a.ok;
  const Json* reset = e.find("journal_reset");
  const Json* got_reset = ok.find("journal_reset");
  const bool want_reset = reset != nullptr && reset->as_bool();
  if (got_reset == nullptr || !got_reset->is_bool() || got_reset->as_bool() != want_reset)
    return std::string("journal_reset: expected ") + (want_reset ? "true" : "false");
  const Json* append = e.find("journal_append");
  const Buf want_append = append != nullptr ? bytes_of(*append) : Buf();
  const Json* got_append = ok.find("journal_append");
  if (got_append == nullptr || bytes_of(*got_append) != want_append)
    return "journal_append: not the vector's " + std::to_string(want_append.size()) + " bytes";
  if (const Json* replayed = e.find("replayed_records")) {
    const Json* got = ok.find("replayed_records");
    if (got == nullptr || got->dump() != replayed->dump())
      return "replayed_records: expected " + replayed->dump();
  }
  const Json* stored = e.find("stored");
  const std::size_t want_stored = stored != nullptr ? stored->items().size() : 0;
  const Json* got_stored = ok.find("stored");
  if (got_stored == nullptr || got_stored->items().size() != want_stored)
    return "stored: expected " + std::to_string(want_stored) + " commits";
  for (std::size_t i = 0; i < want_stored; ++i) {
    const std::string d =
        compare_commit(messages.at(static_cast<std::size_t>(stored->items()[i].as_int())), bytes_of(got_stored->items()[i]), ctx);
    if (!d.empty()) return "stored commit " + std::to_string(i) + ": " + d;
  }
  const Json* output = e.find("output");
  const Json* got_output = ok.find("output");
  if (got_output == nullptr || !got_output->is_array()) return "output: missing";
  return compare_outputs(output != nullptr ? compared_sent(*output, &messages) : std::vector<Sent>(),
                         compared_sent(*got_output, nullptr), ctx);
}

}  // namespace

void drive_rounds(Driver& d, VectorFile& f) {
  const std::vector<Json>& scenarios = f.take("scenarios").items();
  if (d.adapter_version < 2) {
    FamilyTally& t = d.ledger.family(f.family);
    t.not_driven += scenarios.size();
    t.not_driven_reason = "scenarios: the adapter speaks protocol 1, which has no node hosts";
    return;
  }
  std::int64_t next_node = 0;  // node numbers are unique over the session
  for (const Json& scenario : scenarios) {
    const std::string& name = scenario.str("name");
    d.progress("rounds: " + name);
    const Json& config = scenario.at("config");
    const Context ctx = context_of(config);
    std::vector<Buf> messages;
    for (const Json& m : scenario.at("messages").items()) messages.push_back(bytes_of(m.at("hex")));
    // One case per scenario: its events are steps of one run, and the first that differs
    // is the divergence (later ones would only follow from it).
    Case c(d.adapter, d.ledger, f.family, name);
    c.about(scenario.str("description"));
    std::vector<std::int64_t> node_of;
    for (const Json& n : scenario.at("nodes").items()) {
      Json req = Json::object();
      req.set("node", next_node);
      req.set("config", config);
      req.set("seed", n.at("seed"));
      req.set("vrf_seed", n.at("vrf_seed"));
      req.set("mempool", config.at("mempool"));
      node_of.push_back(next_node++);
      const std::optional<Answer> a = c.call("node_create", req);
      if (!a) break;
      if (a->kind != Answer::Kind::ok) c.fail("node_create", "rejected with '" + a->text + "'");
    }
    for (const Json& e : scenario.at("events").items()) {
      if (c.decided()) break;
      Json req = Json::object();
      req.set("node", node_of.at(static_cast<std::size_t>(e.integer("node"))));
      req.set("now_ms", e.at("now_ms"));
      req.set("input", input_of(e.at("input"), messages));
      const std::optional<Answer> a = c.call("node_event", req);
      if (!a) break;
      const std::string diff = compare_event(e, *a, messages, ctx);
      if (!diff.empty())
        c.fail("node_event", "event " + std::to_string(e.integer("seq")) + " (node " +
                                 std::to_string(e.integer("node")) + ", " + e.at("input").str("kind") + "): " + diff);
    }
    for (const Json& want : scenario.at("expected").items()) {
      if (c.decided()) break;
      Json req = Json::object();
      req.set("node", node_of.at(static_cast<std::size_t>(want.integer("node"))));
      const std::optional<Answer> a = c.call("node_state", req);
      if (!a) break;
      if (a->kind != Answer::Kind::ok) {
        c.fail("node_state", "rejected with '" + a->text + "'");
        break;
      }
      Json expected = Json::object();
      for (const char* key : {"decided_height", "block_id", "lock"})
        if (const Json* v = want.find(key)) expected.set(key, *v);
      const std::string diff = first_difference(expected, a->ok, "node " + std::to_string(want.integer("node")));
      if (!diff.empty()) c.fail("node_state", diff);
    }
  }
}

}  // namespace midnight::cli::conform
