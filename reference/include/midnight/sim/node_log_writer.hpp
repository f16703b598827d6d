// The node logs of spec/node-log.md, written from a simulated run: one log per node,
// Byzantine nodes included, each with its node's key, the inputs of every height it works
// on, what it sent and received, what it decided and when it restarted. The simulator
// has one clock for every node, so each record's time is the run's time.
//
// A node works on height 1 from the start, and on height h + 1 once it decided h: its
// `height` line for h + 1 follows that `decided` record, with the decided block as the
// parent. Bodies (0x07, 0x0b-0x0e) are written elided, as are commits above 1 MiB: no
// check reads them, and a day's block would otherwise fill the logs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <vector>

#include "midnight/sim/sim_observer.hpp"

namespace midnight::sim {

// Commits larger than this are written as -08:N.
inline constexpr std::size_t kLoggedCommitMax = 1U << 20;

class NodeLogWriter final : public SimObserver {
 public:
  // `out[i]`: where node i's log goes; there must be one per node of the run.
  explicit NodeLogWriter(std::vector<std::ostream*> out) : out_(std::move(out)) {}

  void begin(const SimConfig& config, const World& world, const std::vector<bool>& honest) override;
  void on_send(std::uint64_t now_ms, std::size_t from, std::size_t to, std::span<const std::uint8_t> bytes) override;
  void on_deliver(std::uint64_t now_ms, std::size_t from, std::size_t to, std::span<const std::uint8_t> bytes) override;
  void on_decide(std::uint64_t now_ms, std::size_t node, std::uint64_t height,
                 std::span<const std::uint8_t> commit) override;
  void on_restart(std::uint64_t now_ms, std::size_t node) override;

 private:
  void write_height(std::size_t node, std::uint64_t height, const BlockId& prev);
  void write_message(std::ostream& o, std::span<const std::uint8_t> bytes);
  // A `sent` or `recv` record (`record`, with its space) in `node`'s log, naming `peer`.
  void write_transfer(std::size_t node, const char* record, std::uint64_t now_ms, std::size_t peer,
                      std::span<const std::uint8_t> bytes);

  std::vector<std::ostream*> out_;
  const SimConfig* config_ = nullptr;
  const World* world_ = nullptr;
  std::vector<std::uint64_t> height_;  // by node: the height of its last `height` line
};

}  // namespace midnight::sim
