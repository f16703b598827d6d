// The rounds family (spec/adapter.md §3.8, §4): every scenario of rounds.json replayed
// on the adapter's node hosts, event by event, comparing what the protocol determines
// exactly and checking the rest (certificates, polka entries) for validity only.
#include <algorithm>
#include <memory>

#include "../fields_in.hpp"
#include "../json_value.hpp"
#include "check.hpp"
#include "families.hpp"
#include "node_step.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli::conform {

namespace {

using Buf = std::vector<std::uint8_t>;

ScenarioContext context_of(const Json& config) {
  std::vector<Masternode> members;
  for (const Json& m : config.at("members").items()) members.push_back(member_from(m));
  auto made = Membership::make(members);
  if (!made) throw JsonError{"rounds.json: a scenario's members form no membership"};
  return ScenarioContext{std::move(made).value(), fixed_field<ChainId>(config.at("chain_id"), "hex")};
}

Json message_of(const Json& id, const std::vector<Buf>& messages) {
  return bytes_json(messages.at(static_cast<std::size_t>(id.as_int())));
}

Json input_of(const Json& input, const std::vector<Buf>& messages) {
  const std::string& kind = input.str("kind");
  Json out = Json::object();
  out.set("kind", kind);
  if (kind == "message") {
    out.set("message", message_of(input.at("message"), messages));
  } else if (kind == "timer") {
    out.set("timer", input.at("timer"));
    out.set("height", input.at("height"));
    if (const Json* r = input.find("round")) out.set("round", *r);
  } else if (kind == "restart") {
    Json store = Json::array();
    for (const Json& id : input.at("block_store").items()) store.push(message_of(id, messages));
    out.set("block_store", std::move(store));
    out.set("journal", input.at("journal"));
  }
  return out;
}

// The event's record as the answer it expects: message ids replaced by their bytes.
Answer expected_answer(const Json& e, const std::vector<Buf>& messages) {
  Answer a;
  if (const Json* error = e.find("error")) {
    a.kind = Answer::Kind::error;
    a.text = error->as_string();
    return a;
  }
  a.kind = Answer::Kind::ok;
  a.ok = Json::object();
  for (const char* key : {"journal_reset", "journal_append", "replayed_records"})
    if (const Json* v = e.find(key)) a.ok.set(key, *v);
  Json stored = Json::array();
  if (const Json* ids = e.find("stored"))
    for (const Json& id : ids->items()) stored.push(message_of(id, messages));
  a.ok.set("stored", std::move(stored));
  Json output = Json::array();
  if (const Json* actions = e.find("output")) {
    for (const Json& action : actions->items()) {
      Json o = action;
      if (const Json* id = action.find("message")) o.set("message", message_of(*id, messages));
      output.push(std::move(o));
    }
  }
  a.ok.set("output", std::move(output));
  return a;
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
    const ScenarioContext ctx = context_of(config);
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
      ++d.ledger.family(f.family).steps;
      std::optional<MessageType> type;
      if (e.at("input").str("kind") == "message") {
        const Buf& m = messages.at(static_cast<std::size_t>(e.at("input").integer("message")));
        if (const auto t = peek_message_type(m)) type = t.value();
      }
      const std::string diff = compare_node_answer(expected_answer(e, messages), *a, ctx, type);
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
