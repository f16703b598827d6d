// A tap on the simulator's honest nodes: every input the simulator gives a node's host,
// with what the host returned, and a way for something outside the simulator to play
// that node instead. The conformance oracle uses it for its differential rounds: another
// implementation plays some nodes, each shadowed by the reference host it replaces; the
// tap sends every input to both, compares their answers, and hands the simulator the
// other implementation's output to carry out (its messages, its timers, its journal), so
// the rest of the network meets the foreign node as it is. The simulator knows nothing of
// processes: the tap is an interface, and without one the simulator runs as it always did.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "midnight/block/tx_validity.hpp"
#include "midnight/core/result.hpp"
#include "midnight/node/journal_step.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::sim {

// One input to a node's host, as spec/adapter.md §3.8 names them.
enum class NodeInputKind : std::uint8_t { start = 1, message, timer, restart };

struct NodeInput {
  NodeInputKind kind = NodeInputKind::start;
  std::uint64_t now_ms = 0;
  std::span<const std::uint8_t> message;     // message
  HostTimer timer{};                         // timer
  std::span<const MessageBytes> block_store;  // restart: the commits given back, lowest height first
  std::span<const std::uint8_t> journal;      // restart: the journal's bytes as the disk holds them
};

// An honest node as the tap meets it before the run: its index, and the configuration of
// the reference host that plays it (keys, membership, policy, timing, schedule, mempool).
struct TapNode {
  std::size_t node = 0;
  const HostConfig* config = nullptr;
};

class NodeTap {
 public:
  virtual ~NodeTap() = default;

  // The transaction predicate of every honest node and of the judge in this run, or null
  // for the simulator's own (sim_validity.hpp). A tap that drives another implementation
  // gives the predicate that implementation was told.
  [[nodiscard]] virtual const TxValidity* validity() const { return nullptr; }

  // Before the first event: the world and every honest node.
  virtual void begin(const SimConfig& config, const World& world, std::span<const TapNode> honest) = 0;

  // Node `node`'s host, `shadow`, was given `input` and returned `reference`. Returns the
  // output the simulator carries out for that node: `reference`, or another the tap owns,
  // valid until its next call.
  [[nodiscard]] virtual const HostOutput& on_step(std::size_t node, const NodeInput& input,
                                                  const HostOutput& reference, const NodeHost& shadow) = 0;

  // A restart: the fresh host was given the block store and the journal, and `replay` is
  // what its restore returned (an error: the node refuses to vote and stays down). A
  // `start` follows when it replayed.
  virtual void on_restart(std::size_t node, const NodeInput& input, const result<JournalReplay>& replay) = 0;

  // True once the tap has seen enough (a divergence): the simulator stops at the next event.
  [[nodiscard]] virtual bool stopped() const = 0;
};

}  // namespace midnight::sim
