#include "sim_args.hpp"

#include <charconv>
#include <sstream>
#include <optional>

#include "args.hpp"

namespace midnight::cli {

namespace {

// Either sizes A|B (nodes 0..A-1 against the rest) or the nodes of side A by index.
struct PartitionSpec {
  std::size_t a = 0;
  std::size_t b = 0;
  std::vector<std::size_t> side_a;  // non-empty: the listed form
  std::uint64_t start = 0;
  std::uint64_t heal = 0;
};

std::pair<std::string_view, std::string_view> split(std::string_view text, char sep, std::string_view what) {
  const auto at = text.find(sep);
  if (at == std::string_view::npos)
    throw UsageError{std::string(what) + ": expected '" + sep + "' in '" + std::string(text) + "'"};
  return {text.substr(0, at), text.substr(at + 1)};
}

// Comma-separated unsigned integers ("1,2,3"), at least one.
template <class T, class Read>
std::vector<T> parse_list(std::string_view what, std::string_view text, Read read) {
  std::vector<T> out;
  while (true) {
    const auto comma = text.find(',');
    out.push_back(read(what, text.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// "A|B@START-HEAL": nodes 0..A-1 against A..A+B-1; "I,J,...@START-HEAL": the listed
// nodes against all the others (any split, as a property test's counterexample has it).
PartitionSpec parse_partition(std::string_view text) {
  constexpr std::string_view what = "--partition (A|B@START-HEAL or NODE,NODE,...@START-HEAL)";
  const auto [sides, times] = split(text, '@', what);
  const auto [start, heal] = split(times, '-', what);
  PartitionSpec p;
  if (sides.find('|') != std::string_view::npos) {
    const auto [a, b] = split(sides, '|', what);
    p.a = require_size(what, a);
    p.b = require_size(what, b);
    if (p.a == 0 || p.b == 0) throw UsageError{"--partition: both sides need at least one node"};
  } else {
    p.side_a = parse_list<std::size_t>(what, sides, require_size);
  }
  p.start = require_u64(what, start);
  p.heal = require_u64(what, heal);
  if (p.start > p.heal) throw UsageError{"--partition: START must not be after HEAL"};
  return p;
}

// "NODE@T", "NODE@T:RESTART" or "NODE@T:RESTART:POINT" (RESTART 0: never).
sim::Crash parse_crash(std::string_view text) {
  constexpr std::string_view what = "--crash (NODE@T[:RESTART[:POINT]])";
  const auto [node, rest] = split(text, '@', what);
  sim::Crash c;
  c.node = require_size(what, node);
  const auto colon = rest.find(':');
  c.at_ms = require_u64(what, rest.substr(0, colon));
  if (colon == std::string_view::npos) return c;
  const std::string_view after = rest.substr(colon + 1);
  const auto colon2 = after.find(':');
  c.restart_ms = require_u64(what, after.substr(0, colon2));
  if (colon2 == std::string_view::npos) return c;
  const std::string_view point = after.substr(colon2 + 1);
  for (auto p : {sim::CrashPoint::before_step, sim::CrashPoint::torn_append, sim::CrashPoint::after_sync}) {
    if (point == sim::to_string(p)) {
      c.point = p;
      return c;
    }
  }
  throw UsageError{"--crash: POINT must be before-step, torn-append or after-sync, got '" + std::string(point) + "'"};
}

std::vector<std::uint64_t> parse_weights(std::string_view text) {
  return parse_list<std::uint64_t>("--weights", text, require_u64);
}

// "COLLECT,PREVOTE,PRECOMMIT[,INCREMENT]": the three round-0 step durations in ms and
// what each step grows by per round (default 500; validate() bounds them).
RoundTiming parse_timing(std::string_view text) {
  constexpr std::string_view what = "--timing (COLLECT,PREVOTE,PRECOMMIT[,INCREMENT] ms)";
  const auto ms = parse_list<std::uint64_t>(what, text, require_u64);
  if (ms.size() != 3 && ms.size() != 4)
    throw UsageError{std::string(what) + ": expected three or four durations, got " + std::to_string(ms.size())};
  RoundTiming t;
  t.collect_ms = ms[0];
  t.prevote_ms = ms[1];
  t.precommit_ms = ms[2];
  if (ms.size() == 4) t.increment_ms = ms[3];
  return t;
}

}  // namespace

SimulateOptions parse_simulate_options(std::vector<std::string_view> argv) {
  Args args(std::move(argv));
  SimulateOptions o;
  sim::SimConfig& c = o.config;
  bool have_nodes = false;
  std::string_view weights_text;
  std::vector<PartitionSpec> partitions;
  while (!args.done()) {
    std::string_view flag = args.next();
    std::optional<std::string_view> inline_value;
    if (const auto eq = flag.find('='); flag.starts_with("--") && eq != std::string_view::npos) {
      inline_value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    }
    auto value = [&]() { return inline_value ? *inline_value : args.value_of(flag); };
    if (flag == "--json") {
      o.json = true;
    } else if (flag == "--trace") {
      o.trace = true;
    } else if (flag == "--model-trace") {
      o.model_trace_dir = std::string(value());
      c.model_trace = true;
    } else if (flag == "--log") {
      o.log_dir = std::string(value());
    } else if (flag == "--timeline") {
      o.timeline_path = std::string(value());
    } else if (flag == "--nodes") {
      c.nodes = require_size(flag, value());
      have_nodes = true;
    } else if (flag == "--byzantine") {
      c.byzantine = require_size(flag, value());
    } else if (flag == "--byzantine-mode") {
      // One mode for every Byzantine node, or a comma-separated list: one per Byzantine
      // node, in node order (a mixed coalition; validate() checks the count).
      std::string_view v = value();
      const bool list = v.find(',') != std::string_view::npos;
      c.byzantine_modes.clear();
      while (true) {
        const auto comma = v.find(',');
        const auto one = v.substr(0, comma);
        sim::ByzantineMode m{};
        if (!sim::parse_byzantine_mode(one, m))
          throw UsageError{"--byzantine-mode: expected equivocate, mirror, withhold, garbage, withhold-body, bad-body, "
                           "selective, grind, late-polka or lock-split, or a comma-separated "
                           "list of them, got '" + std::string(one) + "'"};
        if (list)
          c.byzantine_modes.push_back(m);
        else
          c.byzantine_mode = m;
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    } else if (flag == "--partition") {
      partitions.push_back(parse_partition(value()));
    } else if (flag == "--slow") {
      c.slow_nodes.push_back(require_size(flag, value()));
    } else if (flag == "--slow-ms") {
      c.slow_ms = require_u64(flag, value());
    } else if (flag == "--drop") {
      c.drop_probability = require_probability(flag, value());
    } else if (flag == "--duplicate") {
      c.duplicate_probability = require_probability(flag, value());
    } else if (flag == "--crash") {
      c.crashes.push_back(parse_crash(value()));
    } else if (flag == "--negative-control") {
      const auto v = value();
      bool known = false;
      for (auto n : {sim::NegativeControl::none, sim::NegativeControl::quorum_ceil, sim::NegativeControl::no_lock,
                     sim::NegativeControl::restart_without_journal, sim::NegativeControl::no_catch_up,
                     sim::NegativeControl::lock_without_polka, sim::NegativeControl::hold_unchecked_body,
                     sim::NegativeControl::no_announce}) {
        if (v == sim::to_string(n)) {
          c.negative_control = n;
          known = true;
        }
      }
      if (!known)
        throw UsageError{"--negative-control: expected none, quorum-ceil, no-lock, restart-without-journal, "
                         "no-catch-up, lock-without-polka, hold-unchecked-body or no-announce, got '" +
                         std::string(v) + "'"};
    } else if (flag == "--policy") {
      const auto v = value();
      if (!sim::parse_policy(v, c.policy))
        throw UsageError{"--policy: expected lowest-hash, vrf or first-to-quorum, got '" + std::string(v) + "'"};
    } else if (flag == "--rounds") {
      const auto r = require_u64(flag, value());
      if (r < 1 || r > kLastRound) throw UsageError{"--rounds must be 1.." + std::to_string(kLastRound)};
      c.max_rounds = static_cast<std::uint32_t>(r);
    } else if (flag == "--heights") {
      c.heights = require_u64(flag, value());
    } else if (flag == "--height-interval") {
      c.height_interval_ms = require_u64(flag, value());
    } else if (flag == "--time-limit") {
      c.time_limit_ms = require_u64(flag, value());
    } else if (flag == "--seed") {
      c.seed = require_u64(flag, value());
    } else if (flag == "--key-seed") {
      c.key_seed = require_u64(flag, value());
    } else if (flag == "--latency") {
      const auto [lo, hi] = split(value(), '-', "--latency (MIN-MAX)");
      c.latency_min_ms = require_u64(flag, lo);
      c.latency_max_ms = require_u64(flag, hi);
    } else if (flag == "--mempool") {
      c.mempool_size = require_size(flag, value());
    } else if (flag == "--mempool-divergence") {
      c.mempool_divergence = require_probability(flag, value());
    } else if (flag == "--weights") {
      weights_text = value();
    } else if (flag == "--no-verify-memo") {
      c.verify_memo = false;
    } else if (flag == "--version1-commits") {
      c.version1_commit_traffic = true;
    } else if (flag == "--timing") {
      c.timing = parse_timing(value());
    } else {
      throw UsageError{"simulate: unknown option '" + std::string(flag) + "'"};
    }
  }
  if (!have_nodes) throw UsageError{"simulate: --nodes N is required"};
  if (c.nodes < 1 || c.nodes > sim::kMaxSimNodes)
    throw UsageError{"--nodes must be 1.." + std::to_string(sim::kMaxSimNodes) + ", got " + std::to_string(c.nodes)};
  // "tiers": the origin node's tier weights (node i weighs 10^(i mod 4)); else a list.
  if (weights_text == "tiers") {
    c.weights = sim::tier_weights(c.nodes);
  } else if (!weights_text.empty()) {
    c.weights = parse_weights(weights_text);
  }
  for (const auto& p : partitions) {
    sim::Partition part;
    if (!p.side_a.empty()) {
      // validate() names a node out of range or listed twice.
      if (p.side_a.size() >= c.nodes)
        throw UsageError{"--partition: the listed side must leave at least one of the " + std::to_string(c.nodes) +
                         " nodes on the other side"};
      part.side_a = p.side_a;
    } else {
      if (p.a + p.b != c.nodes)
        throw UsageError{"--partition " + std::to_string(p.a) + "|" + std::to_string(p.b) +
                         ": the sides must add up to " + std::to_string(c.nodes) + " nodes"};
      for (std::size_t i = 0; i < p.a; ++i) part.side_a.push_back(i);
    }
    part.start_ms = p.start;
    part.heal_ms = p.heal;
    c.partitions.push_back(std::move(part));
  }
  if (const auto err = sim::validate(c); !err.empty()) throw UsageError{"simulate: " + err};
  return o;
}

namespace {

// The shortest text that reads back as the same double.
std::string exact(double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

std::string list_of(const std::vector<std::size_t>& xs) {
  std::string out;
  for (const std::size_t x : xs) out += (out.empty() ? "" : ",") + std::to_string(x);
  return out;
}

}  // namespace

sim::SimConfig simulate_config_of(std::string_view options) {
  std::vector<std::string> words;
  std::istringstream in{std::string(options)};
  for (std::string w; in >> w;) words.push_back(w);
  std::vector<std::string_view> argv(words.begin(), words.end());
  return parse_simulate_options(std::move(argv)).config;
}

std::string simulate_options_of(const sim::SimConfig& c) {
  const sim::SimConfig d;
  std::string out = "--nodes " + std::to_string(c.nodes);
  const auto add = [&](const std::string& flag, const std::string& value) { out += " " + flag + " " + value; };
  if (!c.weights.empty()) {
    std::string w;
    for (const std::uint64_t x : c.weights) w += (w.empty() ? "" : ",") + std::to_string(x);
    add("--weights", w);
  }
  if (c.byzantine != 0) {
    add("--byzantine", std::to_string(c.byzantine));
    std::string modes;
    if (c.byzantine_modes.empty()) {
      modes = sim::to_string(c.byzantine_mode);
    } else {
      for (const sim::ByzantineMode m : c.byzantine_modes) modes += (modes.empty() ? "" : ",") + std::string(sim::to_string(m));
    }
    add("--byzantine-mode", modes);
  }
  if (c.latency_min_ms != d.latency_min_ms || c.latency_max_ms != d.latency_max_ms)
    add("--latency", std::to_string(c.latency_min_ms) + "-" + std::to_string(c.latency_max_ms));
  if (c.drop_probability != 0) add("--drop", exact(c.drop_probability));
  if (c.duplicate_probability != 0) add("--duplicate", exact(c.duplicate_probability));
  for (const sim::Partition& p : c.partitions)
    add("--partition", list_of(p.side_a) + "@" + std::to_string(p.start_ms) + "-" + std::to_string(p.heal_ms));
  for (const std::size_t s : c.slow_nodes) add("--slow", std::to_string(s));
  if (c.slow_ms != d.slow_ms) add("--slow-ms", std::to_string(c.slow_ms));
  for (const sim::Crash& k : c.crashes)
    add("--crash", std::to_string(k.node) + "@" + std::to_string(k.at_ms) + ":" + std::to_string(k.restart_ms) + ":" +
                       sim::to_string(k.point));
  if (c.max_rounds != 0) add("--rounds", std::to_string(c.max_rounds));
  if (c.time_limit_ms != 0) add("--time-limit", std::to_string(c.time_limit_ms));
  if (c.heights != d.heights) add("--heights", std::to_string(c.heights));
  if (c.height_interval_ms != d.height_interval_ms) add("--height-interval", std::to_string(c.height_interval_ms));
  if (c.policy != d.policy) add("--policy", sim::to_string(c.policy));
  if (c.negative_control != d.negative_control) add("--negative-control", sim::to_string(c.negative_control));
  if (!(c.timing == d.timing))
    add("--timing", std::to_string(c.timing.collect_ms) + "," + std::to_string(c.timing.prevote_ms) + "," +
                        std::to_string(c.timing.precommit_ms) + "," + std::to_string(c.timing.increment_ms));
  add("--seed", std::to_string(c.seed));
  if (c.key_seed != 0) add("--key-seed", std::to_string(c.key_seed));
  if (c.mempool_size != d.mempool_size) add("--mempool", std::to_string(c.mempool_size));
  if (c.mempool_divergence != 0) add("--mempool-divergence", exact(c.mempool_divergence));
  if (!c.verify_memo) out += " --no-verify-memo";
  if (c.version1_commit_traffic) out += " --version1-commits";
  return out;
}

}  // namespace midnight::cli
