#include "midnight/sim/config.hpp"

#include <cmath>

namespace midnight::sim {

namespace {
// Bounds that keep every time sum far from overflow (R * round + slow + latency).
constexpr std::uint64_t kMaxDelayMs = 1'000'000'000;
constexpr std::uint64_t kMaxPhaseMs = 1'000'000'000;
// A day of transactions (kMaxBlockTransactions fit one block; more are left out of it).
constexpr std::size_t kMaxMempool = 4 * kMaxBlockTransactions;

bool probability_ok(double p) { return std::isfinite(p) && p >= 0.0 && p <= 1.0; }

std::string bad_node(const char* what, std::size_t node, std::size_t n) {
  return std::string(what) + " names node " + std::to_string(node) + ", but nodes are 0.." + std::to_string(n - 1);
}
}  // namespace

std::vector<std::uint64_t> tier_weights(std::size_t nodes) {
  static constexpr std::uint64_t kTiers[] = {1, 10, 100, 1000};
  std::vector<std::uint64_t> w(nodes);
  for (std::size_t i = 0; i < nodes; ++i) w[i] = kTiers[i % 4];
  return w;
}

std::string validate(const SimConfig& c) {
  if (c.nodes < 1 || c.nodes > kMaxSimNodes)
    return "nodes must be 1.." + std::to_string(kMaxSimNodes) + ", got " + std::to_string(c.nodes);
  if (!c.weights.empty()) {
    if (c.weights.size() != c.nodes) return "weights must be empty or one per node";
    for (auto w : c.weights)
      if (w < 1 || w > kMaxMemberWeight) return "every weight must be 1.." + std::to_string(kMaxMemberWeight);
  }
  if (c.byzantine >= c.nodes) return "byzantine nodes must be fewer than the nodes (at least one honest)";
  if (c.twin_of != SimConfig::kNoTwin) {
    // One faulty member at a time: the twin pair is it, so no Byzantine node besides.
    if (c.twin_of + 1 >= c.nodes) return "the twin's original must be a node other than the last";
    if (c.byzantine != 0 || !c.weights.empty()) return "a twin run has no Byzantine nodes and no weights";
  }
  if (!c.byzantine_modes.empty() && c.byzantine_modes.size() != c.byzantine)
    return "byzantine modes must be empty or one per Byzantine node: " + std::to_string(c.byzantine) +
           " Byzantine nodes, " + std::to_string(c.byzantine_modes.size()) + " modes";
  for (auto m : c.byzantine_modes)
    if (m != ByzantineMode::withhold && m != ByzantineMode::garbage && m != ByzantineMode::equivocate &&
        m != ByzantineMode::mirror && m != ByzantineMode::withhold_body && m != ByzantineMode::bad_body &&
        m != ByzantineMode::selective && m != ByzantineMode::grind && m != ByzantineMode::late_polka &&
        m != ByzantineMode::lock_split)
      return "unknown Byzantine mode";
  if (c.latency_min_ms > c.latency_max_ms) return "latency min must not exceed max";
  if (c.latency_max_ms > kMaxDelayMs || c.slow_ms > kMaxDelayMs) return "latencies must be at most 1e9 ms";
  if (!probability_ok(c.drop_probability)) return "drop probability must be in [0, 1]";
  if (!probability_ok(c.mempool_divergence)) return "mempool divergence must be in [0, 1]";
  if (!probability_ok(c.duplicate_probability)) return "duplicate probability must be in [0, 1]";
  for (const auto& p : c.partitions) {
    if (p.start_ms > p.heal_ms) return "a partition must start before it heals";
    if (p.heal_ms > kMaxDelayMs) return "partition times must be at most 1e9 ms";
    std::vector<bool> seen(c.nodes, false);
    for (auto i : p.side_a) {
      if (i >= c.nodes) return bad_node("a partition", i, c.nodes);
      if (seen[i]) return "a partition names node " + std::to_string(i) + " twice";
      seen[i] = true;
    }
  }
  for (auto s : c.slow_nodes)
    if (s >= c.nodes) return bad_node("--slow", s, c.nodes);
  for (std::size_t i = 0; i < c.crashes.size(); ++i) {
    const Crash& cr = c.crashes[i];
    if (cr.node >= c.nodes) return bad_node("a crash", cr.node, c.nodes);
    if (cr.at_ms > kMaxDelayMs || cr.restart_ms > kMaxDelayMs) return "crash and restart times must be at most 1e9 ms";
    if (cr.restart_ms != 0 && cr.restart_ms <= cr.at_ms) return "a restart must come after its crash";
    if (cr.point != CrashPoint::before_step && cr.point != CrashPoint::torn_append &&
        cr.point != CrashPoint::after_sync)
      return "unknown crash point";
    const bool byzantine = cr.node >= c.nodes - c.byzantine;
    if (byzantine && (cr.restart_ms != 0 || cr.point != CrashPoint::before_step))
      return "a Byzantine node can only crash for good, between steps";
    // One node's crashes must not overlap: each starts after the previous one's restart.
    for (std::size_t j = 0; j < c.crashes.size(); ++j) {
      const Crash& other = c.crashes[j];
      if (j == i || other.node != cr.node || other.at_ms > cr.at_ms || (other.at_ms == cr.at_ms && j > i)) continue;
      if (other.restart_ms == 0 || other.restart_ms > cr.at_ms)
        return "node " + std::to_string(cr.node) + " crashes again before it has restarted";
    }
  }
  if (c.negative_control != NegativeControl::none && c.negative_control != NegativeControl::quorum_ceil &&
      c.negative_control != NegativeControl::no_lock && c.negative_control != NegativeControl::restart_without_journal &&
      c.negative_control != NegativeControl::no_catch_up && c.negative_control != NegativeControl::lock_without_polka &&
      c.negative_control != NegativeControl::hold_unchecked_body && c.negative_control != NegativeControl::no_announce)
    return "unknown negative control";
  if (c.max_rounds > kLastRound) return "rounds must be at most " + std::to_string(kLastRound);
  if (c.heights < 1 || c.heights > kMaxSimHeights)
    return "heights must be 1.." + std::to_string(kMaxSimHeights) + ", got " + std::to_string(c.heights);
  if (c.height_interval_ms < 1 || c.height_interval_ms > (UINT64_MAX / 2) / kMaxSimHeights)
    return "the height interval must be 1 ms .. 2^63 / 1000 ms";
  if (c.timing.collect_ms < 1 || c.timing.prevote_ms < 1 || c.timing.precommit_ms < 1)
    return "every round phase must last at least 1 ms";
  if (c.timing.collect_ms > kMaxPhaseMs || c.timing.prevote_ms > kMaxPhaseMs || c.timing.precommit_ms > kMaxPhaseMs)
    return "round phases must be at most 1e9 ms";
  if (c.timing.increment_ms > kMaxPhaseMs) return "the per-round increment must be at most 1e9 ms";
  if (c.reward_per_height > kMaxRewardPerHeight) return "reward per height is above the protocol maximum";
  if (c.mempool_size > kMaxMempool) return "mempool size must be at most " + std::to_string(kMaxMempool);
  return {};
}

ByzantineMode byzantine_mode_of(const SimConfig& c, std::size_t node) {
  const std::size_t first = c.nodes - c.byzantine;
  if (c.byzantine_modes.empty() || node < first || node - first >= c.byzantine_modes.size()) return c.byzantine_mode;
  return c.byzantine_modes[node - first];
}

const char* to_string(ByzantineMode mode) {
  switch (mode) {
    case ByzantineMode::withhold: return "withhold";
    case ByzantineMode::garbage: return "garbage";
    case ByzantineMode::equivocate: return "equivocate";
    case ByzantineMode::mirror: return "mirror";
    case ByzantineMode::withhold_body: return "withhold-body";
    case ByzantineMode::bad_body: return "bad-body";
    case ByzantineMode::selective: return "selective";
    case ByzantineMode::grind: return "grind";
    case ByzantineMode::late_polka: return "late-polka";
    case ByzantineMode::lock_split: return "lock-split";
  }
  return "?";
}

const char* to_string(Policy policy) {
  switch (policy) {
    case Policy::lowest_hash: return "lowest-hash";
    case Policy::first_to_quorum: return "first-to-quorum";
    case Policy::vrf: return "vrf";
  }
  return "?";
}

const char* to_string(CrashPoint point) {
  switch (point) {
    case CrashPoint::before_step: return "before-step";
    case CrashPoint::torn_append: return "torn-append";
    case CrashPoint::after_sync: return "after-sync";
  }
  return "?";
}

const char* to_string(NegativeControl control) {
  switch (control) {
    case NegativeControl::none: return "none";
    case NegativeControl::quorum_ceil: return "quorum-ceil";
    case NegativeControl::no_lock: return "no-lock";
    case NegativeControl::restart_without_journal: return "restart-without-journal";
    case NegativeControl::no_catch_up: return "no-catch-up";
    case NegativeControl::lock_without_polka: return "lock-without-polka";
    case NegativeControl::hold_unchecked_body: return "hold-unchecked-body";
    case NegativeControl::no_announce: return "no-announce";
  }
  return "?";
}

bool parse_byzantine_mode(std::string_view text, ByzantineMode& out) {
  for (auto m : {ByzantineMode::withhold, ByzantineMode::garbage, ByzantineMode::equivocate, ByzantineMode::mirror,
                 ByzantineMode::withhold_body, ByzantineMode::bad_body, ByzantineMode::selective, ByzantineMode::grind,
                 ByzantineMode::late_polka, ByzantineMode::lock_split}) {
    if (text == to_string(m)) {
      out = m;
      return true;
    }
  }
  return false;
}

bool parse_policy(std::string_view text, Policy& out) {
  for (auto p : {Policy::lowest_hash, Policy::vrf, Policy::first_to_quorum}) {
    if (text == to_string(p)) {
      out = p;
      return true;
    }
  }
  return false;
}

}  // namespace midnight::sim
