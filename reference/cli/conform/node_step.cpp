#include "node_step.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "../json_value.hpp"
#include "../message_json.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::conform {

namespace {

using Buf = std::vector<std::uint8_t>;

// A message sent, with where it went: "broadcast" or "send to I".
struct Sent {
  std::string to;
  Buf bytes;
  MessageType type() const { return bytes.size() >= 2 ? static_cast<MessageType>(bytes[1]) : MessageType{}; }
};

// The classes of adapter.md §4: exact bytes (a polka's entries are determined,
// protocol.md §5.4 "Propose"; a body answer is rule "serve"'s MUST, §5.7); a commit (its
// block exact, its certificate valid, §7.1); not compared (commit, body and reconcile
// requests: rules "ask" and "fetch" are SHOULDs).
enum class Compare { exact, commit, no };
Compare compare_of(MessageType t) {
  switch (t) {
    case MessageType::proposal:
    case MessageType::vote:
    case MessageType::reproposal:
    case MessageType::polka:
    case MessageType::block:
    case MessageType::body_sketch:
    case MessageType::body_transactions: return Compare::exact;
    case MessageType::commit: return Compare::commit;
    default: return Compare::no;
  }
}

// A commit whose block is the expected one, byte for byte, and whose certificate verifies
// for that block (the certificate's entries are the node's own choice, §7.1).
std::string compare_commit(const Buf& expected, const Buf& got, const ScenarioContext& ctx) {
  auto e = std::make_unique<CommitView>();
  auto g = std::make_unique<CommitView>();
  if (!decode_commit(expected, *e)) throw JsonError{"an expected commit that does not decode"};
  if (!decode_commit(got, *g)) return "the commit does not decode";
  const bool same_block = e->block.header == g->block.header && e->block.signature == g->block.signature &&
                          std::equal(e->block.transactions().begin(), e->block.transactions().end(),
                                     g->block.transactions().begin(), g->block.transactions().end(),
                                     [](TxBytes a, TxBytes b) { return std::ranges::equal(a, b); });
  if (!same_block) return "the commit's block is not the expected one";
  if (g->certificate.block_id != compute_block_id(g->block.header)) return "the commit's certificate names another block";
  if (!verify_certificate(g->certificate, ctx.membership, ctx.chain)) return "the commit's certificate does not verify";
  return {};
}

std::string compare_message(const Buf& expected, const Buf& got, const ScenarioContext& ctx) {
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

// The compared messages of an `output` list.
std::vector<Sent> compared_sent(const Json& output) {
  std::vector<Sent> out;
  for (const Json& a : output.items()) {
    const std::string& kind = a.str("kind");
    if (kind != "broadcast" && kind != "send") continue;
    Sent s;
    s.to = kind == "broadcast" ? "broadcast" : "send to " + std::to_string(a.integer("member_index"));
    s.bytes = bytes_of(a.at("message"));
    if (compare_of(s.type()) != Compare::no) out.push_back(std::move(s));
  }
  return out;
}

// Matches the expected messages with the answer's as multisets: each expected one with
// an unmatched sent one of the same destination that agrees.
std::string compare_outputs(const std::vector<Sent>& expected, std::vector<Sent> got, const ScenarioContext& ctx) {
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
    if (!matched) return "output: the expected " + describe(e) + ": " + why;
  }
  if (!got.empty()) return "output: sent a " + describe(got.front()) + " not expected";
  return {};
}

std::string compare_ok(const Json& want, const Json& ok, const ScenarioContext& ctx) {
  const Json* reset = want.find("journal_reset");
  const bool want_reset = reset != nullptr && reset->as_bool();
  const Json* got_reset = ok.find("journal_reset");
  if (got_reset == nullptr || !got_reset->is_bool() || got_reset->as_bool() != want_reset)
    return std::string("journal_reset: expected ") + (want_reset ? "true" : "false");
  const Json* append = want.find("journal_append");
  const Buf want_append = append != nullptr ? bytes_of(*append) : Buf();
  const Json* got_append = ok.find("journal_append");
  if (got_append == nullptr || bytes_of(*got_append) != want_append)
    return "journal_append: not the expected " + std::to_string(want_append.size()) + " bytes";
  if (const Json* replayed = want.find("replayed_records")) {
    const Json* got = ok.find("replayed_records");
    if (got == nullptr || got->dump() != replayed->dump()) return "replayed_records: expected " + replayed->dump();
  }
  const Json* stored = want.find("stored");
  const std::size_t want_stored = stored != nullptr ? stored->items().size() : 0;
  const Json* got_stored = ok.find("stored");
  if (got_stored == nullptr || !got_stored->is_array() || got_stored->items().size() != want_stored)
    return "stored: expected " + std::to_string(want_stored) + " commits";
  for (std::size_t i = 0; i < want_stored; ++i) {
    const std::string d = compare_commit(bytes_of(stored->items()[i]), bytes_of(got_stored->items()[i]), ctx);
    if (!d.empty()) return "stored commit " + std::to_string(i) + ": " + d;
  }
  const Json* output = want.find("output");
  const Json* got_output = ok.find("output");
  if (got_output == nullptr || !got_output->is_array()) return "output: missing";
  return compare_outputs(output != nullptr ? compared_sent(*output) : std::vector<Sent>(), compared_sent(*got_output),
                         ctx);
}

// An answer to a fetch, refused by one side as one it never asked for.
bool unsolicited_either_way(const Answer& expected, const Answer& got, std::optional<MessageType> input) {
  if (!input || (*input != MessageType::body_sketch && *input != MessageType::body_transactions)) return false;
  const auto unsolicited = [](const Answer& a) { return a.kind == Answer::Kind::error && a.text == "unsolicited_answer"; };
  return (unsolicited(expected) && got.kind == Answer::Kind::ok) ||
         (unsolicited(got) && expected.kind == Answer::Kind::ok);
}

}  // namespace

std::string compare_node_answer(const Answer& expected, const Answer& got, const ScenarioContext& ctx,
                                std::optional<MessageType> input) {
  if (unsolicited_either_way(expected, got, input)) return {};
  if (expected.kind == Answer::Kind::error) {
    if (got.kind == Answer::Kind::ok) return "accepted, expected the error '" + expected.text + "'";
    if (expected.text.empty() || got.text == expected.text) return {};
    return "rejected with '" + got.text + "', expected '" + expected.text + "'";
  }
  if (got.kind == Answer::Kind::error) return "rejected with '" + got.text + "'";
  try {
    return compare_ok(expected.ok, got.ok, ctx);
  } catch (const JsonError& e) {
    return "a malformed answer: " + e.message;
  }
}

}  // namespace midnight::cli::conform
