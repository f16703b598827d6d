// The discrete-event queue: events ordered by (time, insertion sequence), so two events
// at the same millisecond are always handled in the order they were scheduled and a
// run never depends on the priority queue's tie-breaking.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <queue>
#include <vector>

#include "midnight/node/node_host.hpp"

namespace midnight::sim {

using midnight::MessageBytes;  // node/node_host.hpp: shared encoded bytes

enum class EventKind : std::uint8_t {
  deliver = 1,     // `bytes` from `from` arrive at `node`
  timer,           // `timer` fires at honest `node`
  byzantine_step,  // Byzantine `node` acts in `round`, phase `phase`
  crash,           // config.crashes[crash] takes `node` down (or arms it, see CrashPoint)
  restart,         // `node` comes back up
};

struct Event {
  std::uint64_t time_ms = 0;
  std::uint64_t seq = 0;  // assigned by the queue
  EventKind kind = EventKind::deliver;
  std::size_t node = 0;
  std::size_t from = 0;
  MessageBytes bytes;
  HostTimer timer{};
  std::uint32_t round = 0;
  std::uint8_t phase = 0;
  std::uint32_t epoch = 0;  // timers: the incarnation of `node` that set it
  std::size_t crash = 0;    // crash, restart: index into config.crashes
};

class EventQueue {
 public:
  void push(Event e);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.top(); }
  Event pop();
  std::uint64_t pushed() const { return next_seq_; }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time_ms != b.time_ms) return a.time_ms > b.time_ms;
      return a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace midnight::sim
