// The steps of one rounds.json scenario: every message by id (the same bytes are one
// message) and every event with everything its host answered, written in the one
// step-sequence form of rounds.json. The scripted scenarios (rounds.cpp) and the scenarios
// recorded from the simulator (recorded.cpp) both write through it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common.hpp"
#include "midnight/consensus/lock.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/node/node_host.hpp"

namespace midnight::cli::vectors {

class StepLog {
 public:
  struct Output {
    HostActionKind kind = HostActionKind::broadcast;
    std::size_t message = 0;  // broadcast, send
    std::size_t member = 0;   // send
    HostTimer timer{};        // set_timer
    std::uint64_t at_ms = 0;
  };
  struct Event {
    std::size_t node = 0;
    const char* kind = "";      // start, message, timer, restart
    std::uint64_t now_ms = 0;
    std::size_t message = 0;    // message
    HostTimer timer{};          // timer
    std::vector<std::size_t> block_store;  // restart
    Buf journal;                            // restart
    std::size_t replayed_records = 0;       // restart
    std::optional<std::string> error;
    std::vector<std::size_t> stored;  // the commits stored, in order
    bool journal_reset = false;
    Buf journal_append;
    std::vector<Output> outputs;
  };
  // How a node ended: what `expected` says of it.
  struct NodeEnd {
    std::uint64_t decided_height = 0;
    std::optional<BlockId> block_id;  // of the last decided height
    std::optional<Buf> commit;        // its commit, as the node stored it
    std::optional<Lock> lock;         // while it is deciding a height
  };
  static NodeEnd end_of(const NodeHost& host);

  // The id of `bytes`, interned on first sight.
  std::size_t intern(std::span<const std::uint8_t> bytes);
  // Records `e` with what its host answered (an error, or what it stored and did) and
  // returns the recorded event, its messages by id.
  const Event& record(Event e, const HostOutput& out);
  // A restart: the block store's commits by id and the journal's bytes are in `e`.
  void record_restart(Event e) { events_.push_back(std::move(e)); }

  void write_messages(JsonWriter& w) const;
  void write_events(JsonWriter& w) const;
  void write_expected(JsonWriter& w, std::span<const NodeEnd> ends) const;
  std::size_t events() const { return events_.size(); }
  const Buf& message(std::size_t id) const { return messages_.at(id).bytes; }

 private:
  struct Message {
    const char* type;
    Buf bytes;
  };
  static void write_timer(JsonWriter& w, const HostTimer& t);
  static void write_event(JsonWriter& w, std::size_t seq, const Event& e);

  std::vector<Message> messages_;
  std::map<Hash32, std::size_t> ids_;  // by the bytes' SHA-256
  std::vector<Event> events_;
};

}  // namespace midnight::cli::vectors
