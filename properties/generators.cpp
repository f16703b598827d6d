#include "generators.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <numeric>
#include <ostream>
#include <sstream>

#include "midnight/crypto/hash.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::prop {

namespace gen = rc::gen;

// ---- applying parts ---------------------------------------------------------------------

void apply(sim::SimConfig& c, const Members& m) {
  c.nodes = m.nodes;
  c.weights = m.weights;
}

void apply(sim::SimConfig& c, const Byzantine& b) {
  c.byzantine = b.count;
  c.byzantine_mode = b.mode;
  c.byzantine_modes = b.modes;
}

void apply(sim::SimConfig& c, const NetworkSchedule& n) {
  c.latency_min_ms = n.latency_min_ms;
  c.latency_max_ms = n.latency_max_ms;
  c.drop_probability = n.drop;
  c.duplicate_probability = n.duplicate;
}

void apply(sim::SimConfig& c, const SlowNodes& s) {
  c.slow_nodes = s.nodes;
  c.slow_ms = s.slow_ms;
}

// ---- facts ------------------------------------------------------------------------------

std::uint64_t weight_of(const sim::SimConfig& c, std::size_t node) { return c.weights.empty() ? 1 : c.weights[node]; }

std::uint64_t weight_of(const sim::SimConfig& c, std::span<const std::size_t> nodes) {
  std::uint64_t w = 0;
  for (auto n : nodes) w += weight_of(c, n);
  return w;
}

std::uint64_t total_weight(const sim::SimConfig& c) {
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < c.nodes; ++i) w += weight_of(c, i);
  return w;
}

bool is_byzantine(const sim::SimConfig& c, std::size_t node) { return node >= c.nodes - c.byzantine; }

bool is_slow(const sim::SimConfig& c, std::size_t node) {
  return std::find(c.slow_nodes.begin(), c.slow_nodes.end(), node) != c.slow_nodes.end();
}

bool on_side_a(const sim::Partition& p, std::size_t node) {
  return std::find(p.side_a.begin(), p.side_a.end(), node) != p.side_a.end();
}

std::uint64_t side_weight(const sim::SimConfig& c, const sim::Partition& p, std::size_t node) {
  const bool a = on_side_a(p, node);
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < c.nodes; ++i)
    if (on_side_a(p, i) == a) w += weight_of(c, i);
  return w;
}

// ---- generators ---------------------------------------------------------------------------

namespace {

struct Band {
  std::size_t lo;
  std::size_t hi;
  std::size_t weight;
};

// Probabilities in hundredths, so that they print exactly and parse back to the same double.
rc::Gen<double> gen_hundredths(double max, int zero_weight) {
  const auto top = static_cast<int>(max * 100.0 + 0.5);
  if (top <= 0) return gen::just(0.0);
  return gen::exec([top, zero_weight] {
    if (*gen_chance(33 * zero_weight)) return 0.0;
    return static_cast<double>(*gen::inRange(0, top + 1)) / 100.0;
  });
}

}  // namespace

rc::Gen<std::size_t> gen_node_count(std::size_t lo, std::size_t hi) {
  return gen::withSize([lo, hi](int size) {
    const std::size_t s = static_cast<std::size_t>(std::clamp(size, 0, 100));
    const std::size_t cap = std::clamp<std::size_t>(lo + 2 + (hi - lo) * s / 100, lo, hi);
    std::vector<Band> bands;
    for (const Band& b : {Band{1, 4, 66}, Band{5, 7, 24}, Band{8, 11, 7}, Band{12, kMaxMembers, 3}}) {
      const std::size_t blo = std::max(b.lo, lo);
      const std::size_t bhi = std::min(b.hi, cap);
      if (blo <= bhi) bands.push_back({blo, bhi, b.weight});
    }
    if (bands.empty()) return gen::just(lo);
    std::size_t total = 0;
    for (const auto& b : bands) total += b.weight;
    // One draw picks the band (shrinking towards the smallest), one the count in it.
    // Both at RapidCheck's nominal size, so that the band weights and the cap above are
    // the whole size dependence (inRange alone would also scale with the size).
    return gen::mapcat(gen::resize(100, gen::inRange<std::size_t>(0, total)), [bands](std::size_t x) {
      for (const auto& b : bands) {
        if (x < b.weight) return gen::resize(100, gen::inRange<std::size_t>(b.lo, b.hi + 1));
        x -= b.weight;
      }
      return gen::just(bands.back().hi);
    });
  });
}

rc::Gen<Members> gen_membership(std::size_t lo, std::size_t hi, std::uint64_t max_weight) {
  return gen::exec([lo, hi, max_weight] {
    Members m;
    m.nodes = *gen_node_count(lo, hi);
    // Half the time equal weights; otherwise each member 1..max_weight, or one of the
    // origin node's tiers 1, 10, 100, 1000 (a quarter of the time), where a set of more
    // than two thirds of the members can weigh less than a third.
    if (max_weight > 1 && *gen::arbitrary<bool>()) {
      if (*gen::arbitrary<bool>()) {
        m.weights = *gen::container<std::vector<std::uint64_t>>(m.nodes, gen::inRange<std::uint64_t>(1, max_weight + 1));
      } else {
        m.weights = *gen::container<std::vector<std::uint64_t>>(
            m.nodes, gen::element<std::uint64_t>(1, 10, 100, 1000));
      }
    }
    return m;
  });
}

std::size_t max_byzantine_count(const sim::SimConfig& c, bool include_a_third) {
  const std::uint64_t total = total_weight(c);
  std::size_t max_count = 0;
  std::uint64_t w = 0;
  for (std::size_t k = 1; k < c.nodes; ++k) {
    w += weight_of(c, c.nodes - k);
    if (include_a_third ? 3 * w > total : 3 * w >= total) break;
    max_count = k;
  }
  return max_count;
}

rc::Gen<Byzantine> gen_byzantine(const sim::SimConfig& c, std::vector<sim::ByzantineMode> modes) {
  if (modes.empty())
    modes = {sim::ByzantineMode::withhold,  sim::ByzantineMode::garbage,       sim::ByzantineMode::equivocate,
             sim::ByzantineMode::mirror,    sim::ByzantineMode::withhold_body, sim::ByzantineMode::bad_body,
             sim::ByzantineMode::selective, sim::ByzantineMode::grind,         sim::ByzantineMode::late_polka,
             sim::ByzantineMode::lock_split};
  const std::size_t max_count = max_byzantine_count(c, false);
  return gen::exec([max_count, modes] {
    Byzantine b;
    b.mode = *gen::elementOf(modes);
    if (max_count > 0 && *gen::arbitrary<bool>()) b.count = *gen::inRange<std::size_t>(1, max_count + 1);
    return b;
  });
}

rc::Gen<Byzantine> gen_silent(const sim::SimConfig& c) {
  const std::size_t max_count = max_byzantine_count(c, false);
  auto silent = [](std::size_t count) {
    Byzantine b;
    b.count = count;
    b.mode = sim::ByzantineMode::withhold;
    return b;
  };
  if (max_count == 0) return gen::just(silent(0));
  return gen::map(gen::inRange<std::size_t>(1, max_count + 1), silent);
}

rc::Gen<NetworkSchedule> gen_network(NetworkSpec spec) {
  return gen::exec([spec] {
    NetworkSchedule n;
    n.latency_max_ms = *gen::inRange<std::uint64_t>(0, spec.max_latency_ms + 1);
    n.latency_min_ms = *gen::inRange<std::uint64_t>(0, n.latency_max_ms + 1);
    n.drop = *gen_hundredths(spec.max_drop, 1);
    n.duplicate = *gen_hundredths(spec.max_duplicate, 1);
    return n;
  });
}

rc::Gen<NetworkSchedule> gen_synchronous_network(std::uint64_t max_latency_ms) {
  return gen_network({.max_latency_ms = max_latency_ms, .max_drop = 0.0, .max_duplicate = 0.3});
}

rc::Gen<sim::Partition> gen_partition(std::size_t nodes, std::uint64_t horizon_ms) {
  return gen::exec([nodes, horizon_ms] {
    sim::Partition p;
    if (nodes >= 2) {
      if (*gen::arbitrary<bool>()) {
        const auto k = *gen::inRange<std::size_t>(1, nodes);
        for (std::size_t i = 0; i < k; ++i) p.side_a.push_back(i);
      } else {
        // A random membership bit per node; redraw until both sides are non-empty.
        const auto bits = *gen::suchThat(gen::container<std::vector<bool>>(nodes, gen::arbitrary<bool>()),
                                         [](const std::vector<bool>& v) {
                                           const auto in = std::count(v.begin(), v.end(), true);
                                           return in > 0 && static_cast<std::size_t>(in) < v.size();
                                         });
        for (std::size_t i = 0; i < nodes; ++i)
          if (bits[i]) p.side_a.push_back(i);
      }
    }
    p.start_ms = *gen_chance(33) ? 0 : *gen::inRange<std::uint64_t>(0, horizon_ms + 1);
    p.heal_ms = *gen::inRange<std::uint64_t>(p.start_ms, horizon_ms + 1);
    return p;
  });
}

rc::Gen<std::vector<std::size_t>> gen_quorum_side(const sim::SimConfig& c) {
  const std::uint64_t total = total_weight(c);
  const std::size_t n = c.nodes;
  return gen::exec([c, total, n] {
    std::vector<std::size_t> side;
    std::uint64_t w = 0;
    for (auto i : *gen_permutation(n)) {
      if (is_quorum(w, total)) break;
      side.push_back(i);
      w += weight_of(c, i);
    }
    if (side.size() >= n) side.clear();  // only everyone is a quorum
    std::sort(side.begin(), side.end());
    return side;
  });
}

bool can_have_slow_node(const sim::SimConfig& c) {
  const std::uint64_t total = total_weight(c);
  for (std::size_t i = 0; i < c.nodes; ++i)
    if (is_quorum(total - weight_of(c, i), total)) return true;
  return false;
}

rc::Gen<SlowNodes> gen_slow_nodes(const sim::SimConfig& c, std::size_t max_count, std::uint64_t min_slow_ms,
                                  std::uint64_t max_slow_ms) {
  return gen::exec([c, max_count, min_slow_ms, max_slow_ms] {
    SlowNodes s;
    s.slow_ms = *gen::inRange<std::uint64_t>(min_slow_ms, max_slow_ms + 1);
    const std::uint64_t total = total_weight(c);
    // Visit the nodes in a generated order; take each one that still leaves a quorum.
    const auto order = *gen_permutation(c.nodes);
    const auto want = *gen::inRange<std::size_t>(1, std::max<std::size_t>(max_count, 1) + 1);
    std::uint64_t slow_weight = 0;
    for (auto n : order) {
      if (s.nodes.size() >= want) break;
      if (!is_quorum(total - slow_weight - weight_of(c, n), total)) continue;
      slow_weight += weight_of(c, n);
      s.nodes.push_back(n);
    }
    std::sort(s.nodes.begin(), s.nodes.end());
    return s;
  });
}

rc::Gen<std::vector<sim::Crash>> gen_crashes(const sim::SimConfig& c, std::size_t max_count,
                                              std::uint64_t horizon_ms) {
  const std::size_t honest = c.nodes - c.byzantine;
  return gen::exec([honest, max_count, horizon_ms] {
    std::vector<sim::Crash> crashes;
    if (max_count == 0 || *gen::arbitrary<bool>()) return crashes;
    const auto order = *gen_permutation(honest);
    const auto k = *gen::inRange<std::size_t>(1, std::min(max_count, honest) + 1);
    for (std::size_t i = 0; i < k; ++i) {
      sim::Crash cr;
      cr.node = order[i];
      cr.at_ms = *gen::inRange<std::uint64_t>(0, horizon_ms + 1);
      crashes.push_back(cr);
    }
    return crashes;
  });
}

rc::Gen<bool> gen_chance(int percent) {
  return gen::map(gen::resize(100, gen::inRange(0, 100)), [percent](int x) { return x < percent; });
}

rc::Gen<std::vector<std::size_t>> gen_permutation(std::size_t n) {
  return gen::exec([n] {
    std::vector<std::size_t> v(n);
    std::iota(v.begin(), v.end(), std::size_t{0});
    for (std::size_t i = n; i > 1; --i) std::swap(v[i - 1], v[*gen::resize(100, gen::inRange<std::size_t>(0, i))]);
    return v;
  });
}

rc::Gen<sim::Policy> gen_policy() {
  return gen::element(sim::Policy::lowest_hash, sim::Policy::first_to_quorum, sim::Policy::vrf);
}

rc::Gen<std::uint64_t> gen_seed() { return gen::arbitrary<std::uint64_t>(); }

rc::Gen<std::uint64_t> gen_key_seed() {
  // A fixed chance, not arbitrary's size-dependent range: at small sizes arbitrary draws
  // small values, and 0 would come far more often early in a run than late.
  return gen::exec([] { return *gen_chance(17) ? std::uint64_t{0} : *gen::resize(100, gen_seed()); });
}

rc::Gen<double> gen_mempool_divergence() {
  // A fixed chance of none, then a few levels: the honest nodes' snapshots differ by a
  // transaction or two up to a fifth of the pool (and each holds as many of its own).
  return gen::exec([] {
    if (*gen_chance(50)) return 0.0;
    return *gen::element(0.01, 0.05, 0.2, 0.5);
  });
}

rc::Gen<std::size_t> gen_mempool_size() {
  return gen::exec([] {
    // Now and then a pool whose blocks (about 100 bytes a transaction) are larger than the
    // smallest sketch (3,220 bytes), so that divergent nodes fetch bodies by
    // reconciliation (spec/reconciliation.md §5), not only whole.
    if (*gen_chance(20)) return *gen::inRange<std::size_t>(kMinPropSketchMempool, kMaxPropSketchMempool + 1);
    if (*gen_chance(25)) return *gen::inRange<std::size_t>(0, kMaxPropMempool + 1);
    return *gen::inRange<std::size_t>(0, 7);
  });
}

rc::Gen<std::uint32_t> gen_max_rounds(std::uint32_t lo, std::uint32_t hi) {
  lo = std::clamp<std::uint32_t>(lo, 1, kMaxPropRounds);
  hi = std::clamp<std::uint32_t>(hi, lo, kMaxPropRounds);
  return gen::inRange<std::uint32_t>(lo, hi + 1);
}

rc::Gen<RoundTiming> gen_timing(std::uint64_t min_phase_ms) {
  return gen::exec([min_phase_ms] {
    RoundTiming t;
    if (*gen_chance(70)) return t;
    const auto lo = std::min<std::uint64_t>(min_phase_ms, 1500);
    t.collect_ms = *gen::inRange<std::uint64_t>(lo, 1501);
    t.prevote_ms = *gen::inRange<std::uint64_t>(lo, 1501);
    t.precommit_ms = *gen::inRange<std::uint64_t>(lo, 1501);
    t.increment_ms = *gen::inRange<std::uint64_t>(0, 1001);
    return t;
  });
}

rc::Gen<sim::SimConfig> gen_sim_config(SimSpec spec) {
  return gen::exec([spec] {
    sim::SimConfig c;
    apply(c, *gen_membership(spec.min_nodes, spec.max_nodes));
    if (spec.byzantine) apply(c, *gen_byzantine(c));
    apply(c, *gen_network(spec.network));
    c.max_rounds = *gen_max_rounds(spec.min_rounds, spec.max_rounds);
    // S(max_rounds): where the run's timers stop.
    const std::uint64_t horizon = round_start_ms(sim::kSimMidnightMs, c.timing, c.max_rounds);
    if (spec.partitions && c.nodes >= 2 && *gen_chance(33))
      c.partitions.push_back(*gen_partition(c.nodes, horizon));
    if (spec.slow_nodes && can_have_slow_node(c) && *gen_chance(33))
      apply(c, *gen_slow_nodes(c, 2, 100, 2 * round_ms(c.timing, 0)));
    if (spec.crashes && *gen_chance(33)) c.crashes = *gen_crashes(c, 2, horizon);
    c.policy = spec.any_policy ? *gen_policy() : sim::Policy::lowest_hash;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
}

// ---- the command line ------------------------------------------------------------------

std::string format_number(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

namespace {

// 0, 1, ..., k-1 in that order: what `--partition k|n-k` makes.
bool is_prefix(const std::vector<std::size_t>& side) {
  for (std::size_t i = 0; i < side.size(); ++i)
    if (side[i] != i) return false;
  return true;
}

}  // namespace

std::string simulate_command(const sim::SimConfig& c, std::string* why) {
  const sim::SimConfig d;  // the defaults the command starts from
  std::ostringstream out;
  std::string reasons;
  auto not_expressible = [&](const std::string& r) { reasons += (reasons.empty() ? "" : "; ") + r; };
  out << "midnight simulate --nodes " << c.nodes;
  if (!c.weights.empty()) {
    out << " --weights ";
    for (std::size_t i = 0; i < c.weights.size(); ++i) out << (i ? "," : "") << c.weights[i];
  }
  if (c.byzantine > 0) out << " --byzantine " << c.byzantine;
  // The mode is part of the configuration (and of the run's digest) even with no
  // Byzantine node, so the line names it whenever it is not the default.
  if (c.byzantine > 0 || c.byzantine_mode != d.byzantine_mode || !c.byzantine_modes.empty()) {
    out << " --byzantine-mode ";
    if (c.byzantine_modes.empty()) out << sim::to_string(c.byzantine_mode);
    for (std::size_t i = 0; i < c.byzantine_modes.size(); ++i)
      out << (i ? "," : "") << sim::to_string(c.byzantine_modes[i]);
  }
  if (c.latency_min_ms != d.latency_min_ms || c.latency_max_ms != d.latency_max_ms)
    out << " --latency " << c.latency_min_ms << "-" << c.latency_max_ms;
  if (c.drop_probability != 0.0) out << " --drop " << format_number(c.drop_probability);
  if (c.duplicate_probability != 0.0) out << " --duplicate " << format_number(c.duplicate_probability);
  for (const auto& p : c.partitions) {
    const std::size_t a = p.side_a.size();
    if (a == 0 || a == c.nodes) {
      not_expressible("a partition with an empty side");
    } else if (is_prefix(p.side_a)) {
      out << " --partition '" << a << "|" << c.nodes - a << "@" << p.start_ms << "-" << p.heal_ms << "'";
    } else {
      // The side exactly as listed: the configuration, hence the run's digest, names it so.
      out << " --partition '";
      for (std::size_t i = 0; i < a; ++i) out << (i ? "," : "") << p.side_a[i];
      out << "@" << p.start_ms << "-" << p.heal_ms << "'";
    }
  }
  for (auto s : c.slow_nodes) out << " --slow " << s;
  if (c.slow_ms != d.slow_ms) out << " --slow-ms " << c.slow_ms;
  for (const auto& cr : c.crashes) {
    out << " --crash " << cr.node << "@" << cr.at_ms;
    if (cr.restart_ms != 0 || cr.point != sim::CrashPoint::before_step) out << ":" << cr.restart_ms;
    if (cr.point != sim::CrashPoint::before_step) out << ":" << sim::to_string(cr.point);
  }
  if (c.negative_control != sim::NegativeControl::none)
    out << " --negative-control " << sim::to_string(c.negative_control);
  if (c.policy != d.policy) out << " --policy " << sim::to_string(c.policy);
  if (c.max_rounds != d.max_rounds) out << " --rounds " << c.max_rounds;
  if (c.heights != d.heights) out << " --heights " << c.heights;
  if (c.height_interval_ms != d.height_interval_ms) out << " --height-interval " << c.height_interval_ms;
  if (c.time_limit_ms != d.time_limit_ms) out << " --time-limit " << c.time_limit_ms;
  if (c.mempool_size != d.mempool_size) out << " --mempool " << c.mempool_size;
  if (c.mempool_divergence != d.mempool_divergence) out << " --mempool-divergence " << c.mempool_divergence;
  out << " --seed " << c.seed;
  if (c.key_seed != d.key_seed) out << " --key-seed " << c.key_seed;
  if (c.timing.collect_ms != d.timing.collect_ms || c.timing.prevote_ms != d.timing.prevote_ms ||
      c.timing.precommit_ms != d.timing.precommit_ms || c.timing.increment_ms != d.timing.increment_ms)
    out << " --timing " << c.timing.collect_ms << "," << c.timing.prevote_ms << "," << c.timing.precommit_ms << ","
        << c.timing.increment_ms;
  if (c.reward_per_height != d.reward_per_height) not_expressible("no flag for the reward");
  if (why) *why = reasons;
  return reasons.empty() ? out.str() : std::string();
}

// ---- wire values -------------------------------------------------------------------------

rc::Gen<BlockHeader> gen_header() {
  return gen::exec([] {
    BlockHeader h;
    h.chain_id = *gen_bytes<32>();
    h.height = *gen::arbitrary<std::uint64_t>();
    h.round = *gen::arbitrary<std::uint32_t>();
    h.prev_id = *gen_bytes<32>();
    h.merkle_root = *gen_bytes<32>();
    h.timestamp_ms = *gen::arbitrary<std::uint64_t>();
    h.proposer = *gen_bytes<32>();
    return h;
  });
}

rc::Gen<Proposal> gen_proposal() {
  return gen::exec([] { return Proposal{*gen_header(), *gen_bytes<64>(), *gen_bytes<80>()}; });
}

rc::Gen<Vote> gen_vote() {
  return gen::exec([] {
    Vote v;
    v.chain_id = *gen_bytes<32>();
    v.height = *gen::arbitrary<std::uint64_t>();
    v.round = *gen::arbitrary<std::uint32_t>();
    v.step = *gen::element(VoteStep::prevote, VoteStep::precommit);
    v.approve = *gen::arbitrary<bool>();
    // A nil vote names zero or a block; an approving vote never names zero.
    if (v.approve || *gen::arbitrary<bool>())
      v.block_id = *gen::suchThat(gen_bytes<32>(), [](const BlockId& b) { return !b.is_zero(); });
    v.voter = *gen_bytes<32>();
    v.signature = *gen_bytes<64>();
    return v;
  });
}

rc::Gen<Certificate> gen_certificate() {
  return gen::exec([] {
    Certificate c;
    c.chain_id = *gen_bytes<32>();
    c.height = *gen::arbitrary<std::uint64_t>();
    c.round = *gen::arbitrary<std::uint32_t>();
    c.block_id = *gen_bytes<32>();
    // Mostly small; one case in five up to 300 entries, across the 255/256 boundary a
    // one-byte count could not cross (the u16 count's own maximum is a unit test's).
    const auto count = *gen_chance(20) ? *gen::inRange<std::size_t>(1, 301) : *gen::inRange<std::size_t>(1, 8);
    auto voters = *gen::unique<std::vector<PublicKey>>(count, gen_bytes<32>());
    std::sort(voters.begin(), voters.end());
    c.signatures.resize(voters.size());
    for (std::size_t i = 0; i < voters.size(); ++i) c.signatures[i] = {voters[i], *gen_bytes<64>()};
    return c;
  });
}

rc::Gen<std::vector<std::vector<std::uint8_t>>> gen_block_transactions(const ChainId& chain, std::size_t max_count,
                                                                       std::size_t max_tx_bytes) {
  return gen::exec([chain, max_count, max_tx_bytes] {
    auto tx = [max_tx_bytes] {
      const auto len = *gen::inRange<std::size_t>(1, max_tx_bytes + 1);
      return gen::container<std::vector<std::uint8_t>>(len, gen::arbitrary<std::uint8_t>());
    };
    std::vector<std::vector<std::uint8_t>> txs;
    txs.push_back(*tx());  // the coinbase: outside the order
    std::map<TxId, std::vector<std::uint8_t>> by_id;
    const auto count = *gen::inRange<std::size_t>(0, max_count + 1);
    for (std::size_t i = 0; i < count; ++i) {
      auto t = *tx();
      by_id.emplace(compute_txid(chain, t), std::move(t));
    }
    for (auto& [id, t] : by_id) txs.push_back(std::move(t));
    return txs;
  });
}

// ---- showing -----------------------------------------------------------------------------

std::ostream& operator<<(std::ostream& os, const Members& m) {
  os << m.nodes << " members, weights ";
  if (m.weights.empty()) return os << "all 1";
  for (std::size_t i = 0; i < m.weights.size(); ++i) os << (i ? "," : "") << m.weights[i];
  return os;
}

std::ostream& operator<<(std::ostream& os, const Byzantine& b) {
  os << b.count << " Byzantine (";
  if (b.modes.empty()) os << sim::to_string(b.mode);
  for (std::size_t i = 0; i < b.modes.size(); ++i) os << (i ? "," : "") << sim::to_string(b.modes[i]);
  return os << ")";
}

std::ostream& operator<<(std::ostream& os, const NetworkSchedule& n) {
  return os << "latency " << n.latency_min_ms << "-" << n.latency_max_ms << " ms, drop " << format_number(n.drop)
            << ", duplicate " << format_number(n.duplicate);
}

std::ostream& operator<<(std::ostream& os, const SlowNodes& s) {
  os << "slow nodes {";
  for (std::size_t i = 0; i < s.nodes.size(); ++i) os << (i ? "," : "") << s.nodes[i];
  return os << "} +" << s.slow_ms << " ms";
}

}  // namespace midnight::prop

namespace midnight::sim {

namespace {
void list(std::ostream& os, const std::vector<std::size_t>& v) {
  os << "{";
  for (std::size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
  os << "}";
}
}  // namespace

std::ostream& operator<<(std::ostream& os, const SimConfig& c) {
  const std::uint64_t total = prop::total_weight(c);
  os << "SimConfig {\n  nodes " << c.nodes << ", weights ";
  if (c.weights.empty()) {
    os << "all 1";
  } else {
    for (std::size_t i = 0; i < c.weights.size(); ++i) os << (i ? "," : "") << c.weights[i];
  }
  // The quorum the run uses: the quorum_ceil control replaces the protocol's with
  // ceil(2W/3) (Membership::quorum under QuorumRule::unsafe_at_least_two_thirds).
  if (c.negative_control == NegativeControl::quorum_ceil)
    os << " (total " << total << ", quorum " << quorum_threshold(total, QuorumRule::unsafe_at_least_two_thirds)
       << " = ceil(2W/3), the control's)\n";
  else
    os << " (total " << total << ", quorum " << quorum_threshold(total) << ")\n";
  os << "  byzantine " << c.byzantine;
  if (c.byzantine > 0) {
    std::uint64_t w = 0;
    for (std::size_t i = c.nodes - c.byzantine; i < c.nodes; ++i) w += prop::weight_of(c, i);
    os << " (";
    if (c.byzantine_modes.empty()) os << to_string(c.byzantine_mode);
    for (std::size_t i = 0; i < c.byzantine_modes.size(); ++i) os << (i ? "," : "") << to_string(c.byzantine_modes[i]);
    os << ", nodes " << c.nodes - c.byzantine << ".." << c.nodes - 1 << ", weight " << w << ")";
  }
  os << "\n  network: latency " << c.latency_min_ms << "-" << c.latency_max_ms << " ms, drop "
     << prop::format_number(c.drop_probability) << ", duplicate " << prop::format_number(c.duplicate_probability) << "\n";
  for (const auto& p : c.partitions) {
    os << "  partition: side ";
    list(os, p.side_a);
    os << " (weight " << prop::weight_of(c, p.side_a) << ") against the rest, " << p.start_ms << "-" << p.heal_ms
       << " ms\n";
  }
  if (!c.slow_nodes.empty()) {
    os << "  slow nodes ";
    list(os, c.slow_nodes);
    os << " +" << c.slow_ms << " ms\n";
  }
  for (const auto& cr : c.crashes) {
    os << "  crash: node " << cr.node << " at " << cr.at_ms << " ms";
    if (cr.restart_ms != 0) os << ", restart at " << cr.restart_ms << " ms";
    if (cr.point != CrashPoint::before_step) os << ", " << to_string(cr.point);
    os << "\n";
  }
  os << "  policy " << to_string(c.policy) << ", max_rounds " << c.max_rounds << ", timing " << c.timing.collect_ms
     << "/" << c.timing.prevote_ms << "/" << c.timing.precommit_ms << " ms +" << c.timing.increment_ms
     << " ms a round, mempool " << c.mempool_size << " (divergence " << c.mempool_divergence << "), reward "
     << c.reward_per_height << ", seed " << c.seed << ", key seed " << c.key_seed;
  if (c.negative_control != NegativeControl::none) os << ", negative control " << to_string(c.negative_control);
  if (c.heights != 1) os << ", heights " << c.heights << " every " << c.height_interval_ms << " ms";
  std::string why;
  const auto cmd = prop::simulate_command(c, &why);
  if (!cmd.empty()) {
    os << "\n  replay: " << cmd << " --trace";
  } else {
    os << "\n  (no exact `midnight simulate` command: " << why << ")";
  }
  return os << "\n}";
}

void showValue(const SimConfig& c, std::ostream& os) { os << c; }

}  // namespace midnight::sim

namespace midnight {

void showValue(const BlockHeader& h, std::ostream& os) {
  os << "header {version " << h.version << ", chain " << to_hex(h.chain_id) << ", height " << h.height << ", round "
     << h.round << ", prev " << to_hex(h.prev_id) << ", merkle " << to_hex(h.merkle_root) << ", timestamp "
     << h.timestamp_ms << ", proposer " << to_hex(h.proposer) << "}";
}

void showValue(const Proposal& p, std::ostream& os) {
  showValue(p.header, os);
  os << " signed " << to_hex(p.signature) << " vrf proof " << to_hex(p.vrf_proof);
}

void showValue(const Vote& v, std::ostream& os) {
  os << "vote {chain " << to_hex(v.chain_id) << ", height " << v.height << ", round " << v.round << ", step "
     << static_cast<int>(v.step) << ", block " << to_hex(v.block_id) << ", approve " << v.approve << ", voter "
     << to_hex(v.voter) << ", signature " << to_hex(v.signature) << "}";
}

void showValue(const Certificate& c, std::ostream& os) {
  os << "certificate {chain " << to_hex(c.chain_id) << ", height " << c.height << ", round " << c.round << ", block "
     << to_hex(c.block_id) << ", " << c.count() << " voters:";
  for (const auto& s : c.used()) os << " " << short_hex(s.voter);
  os << "}";
}

}  // namespace midnight
