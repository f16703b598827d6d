// What a simulated run shows an observer: every send (sender, recipient, time), every
// delivery to a running node, every decision and every restart. One interface for
// everything that only watches a run (the node logs of node_log_writer.hpp), so that
// a new observer needs no new hook in the simulator. An observer changes nothing: it
// draws nothing from the run's randomness and nothing it does reaches a node, so a run
// is the same, byte for byte, with and without one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/sim/config.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::sim {

class SimObserver {
 public:
  virtual ~SimObserver() = default;

  // Before the first event. `honest[i]`: node i runs a reference host.
  virtual void begin(const SimConfig& config, const World& world, const std::vector<bool>& honest) = 0;
  // Node `from` sent `bytes` to node `to` at `now_ms` (before the network decides its fate).
  virtual void on_send(std::uint64_t now_ms, std::size_t from, std::size_t to, std::span<const std::uint8_t> bytes) = 0;
  // `bytes` from node `from` reached running node `to` at `now_ms`, before it handles them.
  virtual void on_deliver(std::uint64_t now_ms, std::size_t from, std::size_t to,
                          std::span<const std::uint8_t> bytes) = 0;
  // Honest node `node` decided `height` (finalized, or adopted a commit) on `commit`.
  virtual void on_decide(std::uint64_t now_ms, std::size_t node, std::uint64_t height,
                         std::span<const std::uint8_t> commit) = 0;
  // Honest node `node` came back from its journal.
  virtual void on_restart(std::uint64_t now_ms, std::size_t node) = 0;
};

}  // namespace midnight::sim
