#include "midnight/sim/network.hpp"

#include "midnight/sim/model_trace.hpp"
#include "midnight/sim/sim_observer.hpp"

#include <algorithm>

#include "midnight/wire/codec.hpp"

namespace midnight::sim {

bool Network::partitioned(std::uint64_t now, std::size_t a, std::size_t b) const {
  for (const auto& p : config_.partitions) {
    if (now < p.start_ms || now >= p.heal_ms) continue;
    const bool a_in = std::find(p.side_a.begin(), p.side_a.end(), a) != p.side_a.end();
    const bool b_in = std::find(p.side_a.begin(), p.side_a.end(), b) != p.side_a.end();
    if (a_in != b_in) return true;
  }
  return false;
}

bool Network::slow(std::size_t node) const {
  return std::find(config_.slow_nodes.begin(), config_.slow_nodes.end(), node) != config_.slow_nodes.end();
}

std::uint64_t Network::latency(std::size_t from, std::size_t to) {
  std::uint64_t ms = rng_.between(config_.latency_min_ms, config_.latency_max_ms);
  // Once per message, even between two slow nodes: the slowness is the node's link.
  if (slow(from) || slow(to)) ms += config_.slow_ms;
  return ms;
}

void Network::send(std::uint64_t now, std::size_t from, std::size_t to, const MessageBytes& bytes) {
  ++counts_.sent;
  counts_.bytes_sent += bytes->size();
  if (bytes->size() >= 2 && (*bytes)[1] == static_cast<std::uint8_t>(MessageType::commit)) {
    ++counts_.commits_sent;
    counts_.commit_bytes_sent += bytes->size();
  }
  if (monitor_ != nullptr) monitor_->on_send(*bytes);
  if (trace_ != nullptr) trace_->on_send(from, *bytes);
  if (observer_ != nullptr) observer_->on_send(now, from, to, *bytes);
  if (partitioned(now, from, to)) {
    ++counts_.dropped_partition;
    return;
  }
  // The draws happen in a fixed order (drop, duplicate, latencies) for reproducibility.
  if (rng_.chance(config_.drop_probability)) {
    ++counts_.dropped_random;
    return;
  }
  const bool twice = rng_.chance(config_.duplicate_probability);
  const int copies = twice ? 2 : 1;
  if (twice) ++counts_.duplicated;
  for (int c = 0; c < copies; ++c) {
    Event e;
    e.time_ms = now + latency(from, to);
    e.kind = EventKind::deliver;
    e.node = to;
    e.from = from;
    e.bytes = bytes;
    queue_.push(std::move(e));
  }
}

}  // namespace midnight::sim
