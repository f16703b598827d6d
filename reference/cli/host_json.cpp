#include "host_json.hpp"

#include <memory>
#include <string>

#include "error_names.hpp"
#include "fields_in.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli {

namespace {

using Buf = std::vector<std::uint8_t>;

Json num(std::uint64_t x) { return Json::unsigned_number(x); }
// Answers carry plain hex whatever the length (requests may use segments: bytes_json).
Json hex(std::span<const std::uint8_t> b) { return Json::string(to_hex(b)); }

TimerKind round_timer_kind(const std::string& name) {
  for (TimerKind k : {TimerKind::collect_deadline, TimerKind::prevote_deadline, TimerKind::round_end})
    if (name == timer_name(k)) return k;
  throw JsonError{"unknown timer '" + name + "'"};
}

// The timer's own fields: "timer", "height" and, for a round timer, "round".
void set_timer_fields(Json& o, const HostTimer& t) {
  switch (t.kind) {
    case HostTimerKind::round:
      o.set("timer", timer_name(t.round_timer.kind));
      o.set("height", num(t.round_timer.height));
      o.set("round", num(t.round_timer.round));
      return;
    case HostTimerKind::height_start:
    case HostTimerKind::ask_again:
      o.set("timer", t.kind == HostTimerKind::height_start ? "height_start" : "ask_again");
      o.set("height", num(t.height));
      return;
  }
}

Json input_of(const char* kind) {
  Json o = Json::object();
  o.set("kind", kind);
  return o;
}

MessageBytes message_bytes(const Json& v) { return std::make_shared<const Buf>(bytes_field(v)); }

}  // namespace

HostTimer timer_from(const Json& input) {
  HostTimer t;
  const std::string& name = input.str("timer");
  if (name == "height_start" || name == "ask_again") {
    t.kind = name == "height_start" ? HostTimerKind::height_start : HostTimerKind::ask_again;
    t.height = u64_field(input, "height");
    return t;
  }
  t.kind = HostTimerKind::round;
  t.round_timer = TimerFired{round_timer_kind(name), u64_field(input, "height"), u32_field(input, "round")};
  return t;
}

Json start_input_json() { return input_of("start"); }

Json message_input_json(std::span<const std::uint8_t> message) {
  Json o = input_of("message");
  o.set("message", bytes_json(message));
  return o;
}

Json timer_input_json(const HostTimer& timer) {
  Json o = input_of("timer");
  set_timer_fields(o, timer);
  return o;
}

Json restart_input_json(std::span<const MessageBytes> block_store, std::span<const std::uint8_t> journal) {
  Json o = input_of("restart");
  Json store = Json::array();
  for (const MessageBytes& c : block_store) store.push(bytes_json(*c));
  o.set("block_store", std::move(store));
  o.set("journal", bytes_json(journal));
  return o;
}

Json host_output_json(const HostOutput& out) {
  Json ok = Json::object();
  Json stored = Json::array();
  for (const StoredCommit& c : out.decided) stored.push(hex(*c.commit));
  ok.set("stored", std::move(stored));
  ok.set("journal_reset", Json::boolean(out.journal_reset));
  ok.set("journal_append", hex(out.journal_append));
  Json actions = Json::array();
  for (const HostAction& a : out.actions) {
    Json o = Json::object();
    switch (a.kind) {
      case HostActionKind::broadcast:
        o.set("kind", "broadcast");
        o.set("message", hex(*a.bytes));
        break;
      case HostActionKind::send:
        o.set("kind", "send");
        o.set("member_index", num(a.member));
        o.set("message", hex(*a.bytes));
        break;
      case HostActionKind::set_timer:
        o.set("kind", "set_timer");
        set_timer_fields(o, a.timer);
        o.set("at_ms", num(a.at_ms));
        break;
    }
    actions.push(std::move(o));
  }
  ok.set("output", std::move(actions));
  return ok;
}

HostOutput host_output_from(const Json& ok) {
  HostOutput out;
  auto commit = std::make_unique<CommitView>();
  for (const Json& c : ok.at("stored").items()) {
    StoredCommit s;
    s.commit = message_bytes(c);
    if (!decode_commit(*s.commit, *commit)) throw JsonError{"a stored commit that does not decode"};
    s.height = commit->certificate.height;
    out.decided.push_back(std::move(s));
  }
  out.journal_reset = ok.at("journal_reset").as_bool();
  out.journal_append = bytes_field(ok.at("journal_append"));
  for (const Json& a : ok.at("output").items()) {
    HostAction action;
    const std::string& kind = a.str("kind");
    if (kind == "broadcast") {
      action.kind = HostActionKind::broadcast;
      action.bytes = message_bytes(a.at("message"));
    } else if (kind == "send") {
      action.kind = HostActionKind::send;
      action.member = static_cast<std::size_t>(u64_field(a, "member_index"));
      action.bytes = message_bytes(a.at("message"));
    } else if (kind == "set_timer") {
      action.kind = HostActionKind::set_timer;
      action.timer = timer_from(a);
      action.at_ms = u64_field(a, "at_ms");
    } else {
      throw JsonError{"an action of unknown kind '" + kind + "'"};
    }
    out.actions.push_back(std::move(action));
  }
  return out;
}

Json node_state_json(const NodeHost& host) {
  Json ok = Json::object();
  ok.set("decided_height", num(host.decided_height()));
  const MessageBytes* commit = host.commit_of(host.decided_height());
  ok.set("block_id", commit != nullptr ? hex(host.tip_id().span()) : Json());
  const Lock& lock = host.machine().lock();
  Json l = Json::object();
  l.set("held", Json::boolean(lock.held));
  if (lock.held) {
    l.set("round", num(lock.round));
    l.set("block_id", hex(lock.block_id.span()));
  }
  ok.set("lock", std::move(l));
  return ok;
}

}  // namespace midnight::cli
