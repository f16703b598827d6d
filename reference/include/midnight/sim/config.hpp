// What one simulated run looks like: the network, the adversary and the protocol
// parameters. A plain struct, so scenarios, the CLI and property tests all build it the
// same way; validate() says what is wrong with it before run_simulation() is called.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "midnight/block/builder.hpp"
#include "midnight/core/limits.hpp"

namespace midnight::sim {

enum class ByzantineMode : std::uint8_t {
  withhold = 1,     // sends nothing at all
  garbage,          // votes for non-existent blocks, replays, undecodable bytes
  equivocate,       // two proposals per round, different votes to different recipients
  mirror,           // two proposals per round, then to each honest node the votes it cast:
                    // helps every honest node, on every side, reach a quorum for its own choice
  withhold_body,    // each round one proposal, ground to the lowest block id it finds, whose
                    // body it never sends
  bad_body,         // each round one proposal of a body with an invalid transaction; answers
                    // body requests with that body or with a body of another Merkle root
  selective,        // when its proposal ranks best, releases it just before the collect deadline
                    // to at most half the honest weight; otherwise proposes and votes honestly
  grind,            // selective, its content ground each round for the lowest block id (policy A)
  late_polka,       // keeps the prevote that would complete a polka, and releases that polka in
                    // the next round to at most half the honest weight
  lock_split,       // selective's release, then its prevote only to one honest node, for a block
                    // it completes a polka of: that node locks alone, and the round fails
};

enum class Policy : std::uint8_t { lowest_hash = 1, first_to_quorum, vrf };  // A, C, B

// A message sent at time t with start_ms <= t < heal_ms between a node in side_a and
// a node outside it is lost.
struct Partition {
  std::vector<std::size_t> side_a;
  std::uint64_t start_ms = 0;
  std::uint64_t heal_ms = 0;
};

// Where in a node's step the crash falls. Honest nodes journal each step's votes and
// lock (spec/journal.md) and fsync before releasing anything the step produced.
enum class CrashPoint : std::uint8_t {
  before_step = 0,  // at at_ms, between two events
  torn_append,      // during the first step at or after at_ms: part of its journal
                    // append reaches the disk (a torn last frame), nothing is released
  after_sync,       // after that step's journal append is durable, before its release
};

// From at_ms on, the node processes nothing (and so sends nothing). With restart_ms >
// at_ms it comes back at restart_ms: a fresh machine, its journal replayed, in the
// round the clock says (Byzantine nodes never restart). Timers set before the crash die
// with it; messages that arrive while it is down are lost.
struct Crash {
  std::size_t node = 0;
  std::uint64_t at_ms = 0;
  std::uint64_t restart_ms = 0;  // 0: never
  CrashPoint point = CrashPoint::before_step;
};

// Deliberately unsafe variants, so the safety checks are shown able to fail (property
// tests and TLC's MCNeg* configurations). `none` is the protocol.
enum class NegativeControl : std::uint8_t {
  none = 0,
  quorum_ceil,              // quorum ceil(2W/3) (QuorumRule::unsafe_at_least_two_thirds)
  no_lock,                  // retries without the lock rule (NodeConfig::unsafe_retry_without_lock)
  restart_without_journal,  // a restarted node starts with an empty journal (amnesia)
  no_catch_up,              // no host answers a commit request or a message of a height it has left
  lock_without_polka,       // a restarted node's journal loses its polka records (the lock stays)
  hold_unchecked_body,      // bodies are held and commits adopted without the transaction checks
                            // (NodeConfig::unsafe_hold_unchecked_bodies)
  no_announce,              // a node that locks never announces its polka (NodeConfig::unsafe_skip_lock_announcement)
};

struct SimConfig {
  std::size_t nodes = 4;                  // 1..kMaxSimNodes
  std::vector<std::uint64_t> weights;     // empty = all 1; else one per node
  std::size_t byzantine = 0;              // the last `byzantine` node indices
  ByzantineMode byzantine_mode = ByzantineMode::equivocate;
  // A mixed coalition: empty, every Byzantine member uses byzantine_mode; otherwise one
  // mode per Byzantine member, in node order (the first is node nodes - byzantine's).
  std::vector<ByzantineMode> byzantine_modes;
  std::uint64_t latency_min_ms = 20;      // per message, uniform in [min, max]
  std::uint64_t latency_max_ms = 200;
  double drop_probability = 0.0;
  double duplicate_probability = 0.0;     // the copy has its own latency
  std::vector<Partition> partitions;
  std::vector<std::size_t> slow_nodes;
  std::uint64_t slow_ms = 4000;           // extra latency to or from a slow node
  std::vector<Crash> crashes;
  // 0: rounds are unbounded and the run ends when nothing is left to do or at
  // time_limit_ms; R > 0: no timer at or after round R's scheduled start fires.
  std::uint32_t max_rounds = 0;
  std::uint64_t time_limit_ms = 0;        // 0: one hour after the last height's midnight (kDefaultRunMs)
  std::uint64_t heights = 1;              // heights 1 .. heights, one after the other
  std::uint64_t height_interval_ms = 86'400'000;  // midnight(h + 1) - midnight(h): one day
  // Policy B by default: policy A is not live with Byzantine members (spec/protocol.md 4.3).
  Policy policy = Policy::vrf;
  NegativeControl negative_control = NegativeControl::none;
  RoundTiming timing{};
  std::uint64_t seed = 1;
  // Which keys the members hold (world.hpp, node_seed): 0 gives every node the key of its
  // index alone, the same in every run; any other value derives node i's key from
  // (key_seed, i), so VRF ranks and block ids are no longer tied to node indices.
  std::uint64_t key_seed = 0;
  std::uint64_t reward_per_height = 1000;
  std::size_t mempool_size = 16;          // random transactions: the pool every honest node starts from
  // Honest mempools diverge (world.hpp, node_mempool): each honest node lacks each pool
  // transaction with this probability and holds as many of its own (about this fraction of
  // the pool) that no other node has. 0: every honest node holds the same set.
  double mempool_divergence = 0.0;
  // Signature checks go through a memo (memo_verifier.hpp): the same output, faster with
  // many nodes. Off: every check is libsodium's.
  bool verify_memo = true;
  // Record each height's model trace (model_trace.hpp) into SimResult::model_traces, for
  // TLC's trace validation. Observes only: the run is the same with it and without it.
  bool model_trace = false;
  // Measurement only: wire version 1's commit traffic (HostConfig::version1_commit_traffic).
  bool version1_commit_traffic = false;
  // Twins (Bano et al.): kNoTwin, or node T < nodes - 1, in which case the last node is a
  // second honest host holding T's keys. Each twin is honest on its own; together they
  // can vote twice, so their member is the faulty one: the judge holds it to nothing. The
  // membership then has nodes - 1 members (weights must be empty, byzantine 0).
  std::size_t twin_of = kNoTwin;
  static constexpr std::size_t kNoTwin = static_cast<std::size_t>(-1);
};

inline constexpr std::uint64_t kDefaultRunMs = 3'600'000;
inline constexpr std::uint64_t kMaxSimHeights = 1000;
// Every node of a run lives in one process and each holds state for every member, so
// memory grows as nodes squared (about 3 MB a node at 1,000 members, bench/README.md):
// the simulator stops at 2,000 nodes. The protocol itself allows kMaxMembers.
inline constexpr std::size_t kMaxSimNodes = 2000;

// The number of members of a run: its nodes, less the twin when there is one.
inline std::size_t member_count(const SimConfig& config) {
  return config.twin_of == SimConfig::kNoTwin ? config.nodes : config.nodes - 1;
}
// The nodes whose member is held to nothing by the judge: none, or the twin and its original.
inline bool is_twin_node(const SimConfig& config, std::size_t node) {
  return config.twin_of != SimConfig::kNoTwin && (node == config.twin_of || node + 1 == config.nodes);
}

// The origin node's tier weights: node i weighs 10^(i mod 4) (1, 10, 100, 1000).
std::vector<std::uint64_t> tier_weights(std::size_t nodes);

// Empty when the configuration can be run; otherwise a one-line reason.
std::string validate(const SimConfig& config);

// The mode of Byzantine node `node` (nodes - byzantine <= node < nodes): its entry of
// byzantine_modes, or byzantine_mode when that list is empty.
ByzantineMode byzantine_mode_of(const SimConfig& config, std::size_t node);

// Display names ("equivocate", "lowest-hash", ...) and their inverses (false if unknown).
const char* to_string(ByzantineMode mode);
const char* to_string(Policy policy);
const char* to_string(CrashPoint point);
const char* to_string(NegativeControl control);
bool parse_byzantine_mode(std::string_view text, ByzantineMode& out);
bool parse_policy(std::string_view text, Policy& out);

}  // namespace midnight::sim
