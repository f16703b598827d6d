// The simulated links: per-message latency, random loss and duplication, partitions
// and slow nodes. Sending only schedules deliveries on the event queue; what a message
// means is the receiver's business.
#pragma once
#include <cstddef>
#include <cstdint>

#include "midnight/sim/config.hpp"
#include "midnight/sim/event_queue.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/vote_monitor.hpp"

namespace midnight::sim {

class ModelTraceRecorder;
class SimObserver;

struct MessageCounts {
  std::uint64_t sent = 0;               // send() calls (one per sender-recipient pair)
  std::uint64_t delivered = 0;          // copies handed to a running node
  std::uint64_t dropped_random = 0;     // lost to the drop probability
  std::uint64_t dropped_partition = 0;  // lost to a partition
  std::uint64_t duplicated = 0;         // sends that produced a second copy
  std::uint64_t to_crashed = 0;         // arrived at a crashed node
  std::uint64_t undelivered = 0;        // still in flight when the run stopped
  std::uint64_t decode_errors = 0;      // arrived but did not decode
  std::uint64_t bytes_sent = 0;
  std::uint64_t commits_sent = 0;       // of sent: commit messages (protocol.md 7.3)
  std::uint64_t commit_bytes_sent = 0;  // of bytes_sent: theirs
  std::uint64_t dropped() const { return dropped_random + dropped_partition; }
};

class Network {
 public:
  Network(const SimConfig& config, Rng& rng, EventQueue& queue) : config_(config), rng_(rng), queue_(queue) {}

  // Sends `bytes` from `from` to `to` at time `now`.
  void send(std::uint64_t now, std::size_t from, std::size_t to, const MessageBytes& bytes);
  bool partitioned(std::uint64_t now, std::size_t a, std::size_t b) const;
  bool slow(std::size_t node) const;
  // Every send is shown to the monitor first (it judges; it never changes a delivery).
  void set_monitor(VoteMonitor* monitor) { monitor_ = monitor; }
  // And to the model trace, when one is recorded (it names blocks and keeps Byzantine votes).
  void set_trace(ModelTraceRecorder* trace) { trace_ = trace; }
  // And to the run's observer, when there is one (sim_observer.hpp).
  void set_observer(SimObserver* observer) { observer_ = observer; }

  MessageCounts& counts() { return counts_; }
  const MessageCounts& counts() const { return counts_; }

 private:
  std::uint64_t latency(std::size_t from, std::size_t to);

  const SimConfig& config_;
  Rng& rng_;
  EventQueue& queue_;
  MessageCounts counts_;
  VoteMonitor* monitor_ = nullptr;
  ModelTraceRecorder* trace_ = nullptr;
  SimObserver* observer_ = nullptr;
};

}  // namespace midnight::sim
