// The model trace: what each honest node's round machine did in a simulated run, step by
// step, in the vocabulary of tla/MidnightRound.tla, so that TLC can check that the run is
// a behaviour of the model (tla/TraceMidnightRound.tla, tla/README.md "Trace validation").
// CCF validates its C++ against its TLA+ spec the same way.
//
// One trace per height (the model is one height), as ndjson: one JSON object per line,
// each with a "kind":
//   "trace"   the height, the quorum weight and the total weight;
//   "member"  a node: its id ("n<index>"), weight, and whether it is honest;
//   "block"   every proposal anyone sent at the height: its id (16 hex digits), proposer,
//             round, whether its body is valid, and "variant" (0, or 1, 2, ... for the
//             second, third ... block one Byzantine proposer signed for one round);
//   "vote"    every vote a Byzantine member signed at the height, sent alone or inside a
//             polka (honest votes are in the steps);
//   "step"    one internal step of an honest machine, in the order they happened:
//             "start" (round `round` begins: the round-end timer, or rule "skip"),
//             "restart" (the node's process restarted, or began the height late, and
//             starts round `round`), "prevote" and "precommit" (with `block`, or "nil"),
//             "decide" (the certificate's round and block, `adopted` from a commit).
//             The last step of a host event carries "state": the machine's round, step,
//             lock and decision after the event, which the trace spec checks.
// Steps are read from what the host released (its broadcasts and the heights it stored),
// not from inside the machine: a trace says what the node did, as any implementation's
// host could log it. A step whose journal append a crash cut short released nothing and
// is not in the trace; one that crashed after its append was durable is, since its votes
// come back at the restart.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "midnight/crypto/sign.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/result.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::sim {

class ModelTraceRecorder {
 public:
  // `honest[i]`: node i runs a reference host (the others are Byzantine). `verifier`
  // checks the signatures of what is sent (the run's, so its memo serves both).
  ModelTraceRecorder(const SimConfig& config, const World& world, std::vector<bool> honest,
                     const SignatureVerifier& verifier);
  ~ModelTraceRecorder();

  // Every send, by any node: proposals name blocks, Byzantine votes are kept.
  void on_send(std::size_t from, std::span<const std::uint8_t> bytes);
  // Node `node`'s process restarted: its next round start is the restart's.
  void on_restart(std::size_t node);
  // A step of honest node `node` that released its output (or made it durable), with
  // the host as it is after the step.
  void on_step(std::size_t node, std::uint64_t now_ms, const HostOutput& out, const NodeHost& host);

  // The traces, lowest height first.
  [[nodiscard]] std::vector<ModelTrace> traces() const;

 private:
  struct Block {
    std::string id;
    std::size_t proposer = 0;
    std::uint32_t round = 0;
    bool valid = true;
    std::uint32_t variant = 0;
  };
  // What the trace spec checks after an event: the machine's state, or (for a height the
  // machine has left) its decision alone.
  struct State {
    bool machine = false;  // round, step and lock are known
    std::uint32_t round = 0;
    const char* step = "decided";
    std::int64_t locked_round = -1;
    std::string locked_block = "nil";
    std::string decision = "nil";
    std::int64_t decision_round = -1;
  };
  struct TraceStep {
    std::size_t node = 0;
    std::uint64_t at_ms = 0;
    const char* action = "";
    std::uint32_t round = 0;
    std::string block;
    bool adopted = false;
    std::optional<State> state;
  };
  struct Height {
    std::vector<Block> blocks;                              // in the order first seen
    std::map<BlockId, std::size_t> block_index;             // id -> blocks[i]
    std::map<std::pair<std::size_t, std::uint32_t>, std::uint32_t> variants;  // (proposer, round) -> count
    std::set<std::tuple<std::size_t, std::uint32_t, bool, std::string>> byzantine_votes;
    std::vector<TraceStep> steps;
    std::set<std::size_t> started;  // nodes that have started a round of this height
  };

  Height& height(std::uint64_t h) { return heights_[h]; }
  std::size_t node_of_key(const PublicKey& key) const;
  void note_proposal(const Proposal& p);
  void note_vote(const Vote& v);
  void note_polka(const CarriedPolka& polka);
  void round_started(std::size_t node, std::uint64_t h, std::uint32_t round, std::uint64_t now_ms);
  static State state_of(const NodeHost& host);

  const SimConfig& config_;
  const World& world_;
  std::vector<bool> honest_;
  const SignatureVerifier& verifier_;
  std::map<std::uint64_t, Height> heights_;
  std::vector<bool> restart_pending_;
  // Decode targets (large), reserved once.
  std::unique_ptr<Reproposal> reproposal_;
  std::unique_ptr<CarriedPolka> polka_;
  std::unique_ptr<CommitView> commit_;
};

}  // namespace midnight::sim
