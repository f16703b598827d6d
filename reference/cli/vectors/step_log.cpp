#include "step_log.hpp"

#include <string_view>

#include "../error_names.hpp"
#include "../message_json.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::cli::vectors {

StepLog::NodeEnd StepLog::end_of(const NodeHost& h) {
  NodeEnd e;
  e.decided_height = h.decided_height();
  if (const MessageBytes* c = h.commit_of(h.decided_height())) {
    e.block_id = h.tip_id();
    e.commit = **c;
  }
  // A node that has decided the chain's last height has begun no height after it: no
  // height is being decided, and it has no lock to state.
  if (!h.past_last_height()) e.lock = h.machine().lock();
  return e;
}

std::size_t StepLog::intern(std::span<const std::uint8_t> bytes) {
  const Hash32 key = sha256(bytes);
  if (const auto it = ids_.find(key); it != ids_.end()) return it->second;
  // A Byzantine member's garbage reaches a node too: it is an input like any other.
  const auto t = peek_message_type(bytes);
  messages_.push_back({t ? message_type_name(t.value()) : "undecodable", Buf(bytes.begin(), bytes.end())});
  ids_.emplace(key, messages_.size() - 1);
  return messages_.size() - 1;
}

const StepLog::Event& StepLog::record(Event e, const HostOutput& out) {
  if (out.error) {
    const char* name = host_error_name(out.error);
    require(name != nullptr, "a host error of an unknown category");
    e.error = name;
    events_.push_back(std::move(e));
    return events_.back();
  }
  for (const StoredCommit& d : out.decided) e.stored.push_back(intern(*d.commit));
  e.journal_reset = out.journal_reset;
  e.journal_append = out.journal_append;
  for (const HostAction& a : out.actions) {
    Output o{.kind = a.kind};
    switch (a.kind) {
      case HostActionKind::broadcast: o.message = intern(*a.bytes); break;
      case HostActionKind::send:
        o.message = intern(*a.bytes);
        o.member = a.member;
        break;
      case HostActionKind::set_timer:
        o.timer = a.timer;
        o.at_ms = a.at_ms;
        break;
    }
    e.outputs.push_back(o);
  }
  events_.push_back(std::move(e));
  return events_.back();
}

void StepLog::write_messages(JsonWriter& w) const {
  w.key("messages").begin_array();
  for (std::size_t id = 0; id < messages_.size(); ++id) {
    w.begin_object(true);
    w.field("id", id);
    w.field("type", messages_[id].type);
    w.field("hex", to_hex(messages_[id].bytes));
    w.end_object();
  }
  w.end_array();
}

void StepLog::write_events(JsonWriter& w) const {
  w.key("events").begin_array();
  for (std::size_t seq = 0; seq < events_.size(); ++seq) write_event(w, seq, events_[seq]);
  w.end_array();
}

void StepLog::write_expected(JsonWriter& w, std::span<const NodeEnd> ends) const {
  w.key("expected").begin_array();
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const NodeEnd& e = ends[i];
    w.begin_object(true);
    w.field("node", i);
    w.field("decided_height", e.decided_height);
    if (e.commit) {
      const auto id = ids_.find(sha256(*e.commit));
      require(id != ids_.end(), "a stored commit that was never recorded");
      w.field("block_id", to_hex(*e.block_id));
      w.field("commit", id->second);
    }
    if (e.lock) {
      w.key("lock").begin_object(true);
      w.field("held", e.lock->held);
      if (e.lock->held) w.field("block_id", to_hex(e.lock->block_id)).field("round", e.lock->round);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
}

void StepLog::write_timer(JsonWriter& w, const HostTimer& t) {
  switch (t.kind) {
    case HostTimerKind::round:
      w.field("timer", timer_name(t.round_timer.kind)).field("height", t.round_timer.height);
      w.field("round", t.round_timer.round);
      return;
    case HostTimerKind::height_start: w.field("timer", "height_start").field("height", t.height); return;
    case HostTimerKind::ask_again: w.field("timer", "ask_again").field("height", t.height); return;
  }
  broken("unnamed host timer");
}

void StepLog::write_event(JsonWriter& w, std::size_t seq, const Event& e) {
  w.begin_object(true);
  w.field("seq", seq);
  w.field("node", e.node);
  w.field("now_ms", e.now_ms);
  w.key("input").begin_object(true);
  w.field("kind", e.kind);
  if (std::string_view(e.kind) == "message") w.field("message", e.message);
  if (std::string_view(e.kind) == "timer") write_timer(w, e.timer);
  if (std::string_view(e.kind) == "restart") {
    w.key("block_store").begin_array(true);
    for (const std::size_t id : e.block_store) w.value(id);
    w.end_array();
    bytes_field(w, "journal", e.journal);
  }
  w.end_object();
  if (e.error) {
    w.field("error", *e.error);
  } else if (std::string_view(e.kind) == "restart") {
    w.field("replayed_records", e.replayed_records);
  } else {
    if (!e.stored.empty()) {
      w.key("stored").begin_array(true);
      for (const std::size_t id : e.stored) w.value(id);
      w.end_array();
    }
    if (e.journal_reset) w.field("journal_reset", true);
    if (!e.journal_append.empty()) bytes_field(w, "journal_append", e.journal_append);
    w.key("output").begin_array(true);
    for (const Output& o : e.outputs) {
      w.begin_object(true);
      switch (o.kind) {
        case HostActionKind::broadcast: w.field("kind", "broadcast").field("message", o.message); break;
        case HostActionKind::send: w.field("kind", "send").field("member_index", o.member).field("message", o.message); break;
        case HostActionKind::set_timer:
          w.field("kind", "set_timer");
          write_timer(w, o.timer);
          w.field("at_ms", o.at_ms);
          break;
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace midnight::cli::vectors
