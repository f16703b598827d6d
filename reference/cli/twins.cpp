// `midnight twins`: the Twins enumeration (scenario_space.hpp). Runs every scenario of a
// shard (or a bounded slice of it, or one scenario), judges each run as `simulate` does,
// and reports the violating scenarios with a line that replays each; or merges shards'
// reports. Times go to standard error, so that --json output depends on the slice alone.
#include <chrono>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/sim/memo_verifier.hpp"
#include "midnight/sim/memo_vrf_prover.hpp"
#include "midnight/sim/memo_vrf_verifier.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/twins/leader_seeds.hpp"
#include "midnight/sim/twins/scenario_config.hpp"
#include "midnight/sim/twins/scenario_space.hpp"
#include "twins_report.hpp"

namespace midnight::cli {

namespace {

struct TwinsOptions {
  sim::twins::EnumerationSettings settings;
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  std::uint64_t limit = 0;
  std::optional<std::uint64_t> scenario;
  bool stop_at_first = false;
  bool json = false;
  // Measurement only: every scenario makes its world and memos anew, as a lone run would.
  // The runs are the same (the world comes from the same recipe); only the time differs.
  bool no_reuse = false;
  std::vector<std::string> merge;  // non-empty: merge these reports, run nothing
};

sim::NegativeControl parse_control(std::string_view text) {
  for (int k = 0; k <= static_cast<int>(sim::NegativeControl::no_announce); ++k) {
    const auto c = static_cast<sim::NegativeControl>(k);
    if (text == sim::to_string(c)) return c;
  }
  throw UsageError{"--negative-control: unknown control '" + std::string(text) + "'"};
}

TwinsOptions parse_twins_options(std::vector<std::string_view> argv) {
  TwinsOptions o;
  Args args(std::move(argv));
  bool merging = false;
  while (!args.done()) {
    const std::string_view flag = args.next();
    if (flag == "--members") {
      o.settings.members = require_size("--members", args.value_of(flag));
    } else if (flag == "--rounds") {
      const std::uint64_t r = require_u64("--rounds", args.value_of(flag));
      if (r > sim::twins::kMaxRounds) throw UsageError{"--rounds: at most " + std::to_string(sim::twins::kMaxRounds)};
      o.settings.rounds = static_cast<std::uint32_t>(r);
    } else if (flag == "--negative-control") {
      o.settings.negative_control = parse_control(args.value_of(flag));
    } else if (flag == "--seed") {
      o.settings.seed = require_u64("--seed", args.value_of(flag));
    } else if (flag == "--mempool-divergence") {
      o.settings.mempool_divergence = require_probability("--mempool-divergence", args.value_of(flag));
    } else if (flag == "--shard") {
      const std::string_view v = args.value_of(flag);
      const auto slash = v.find('/');
      if (slash == std::string_view::npos) throw UsageError{"--shard: expected K/N, got '" + std::string(v) + "'"};
      o.shard_index = require_u64("--shard K", v.substr(0, slash));
      o.shard_count = require_u64("--shard N", v.substr(slash + 1));
      if (o.shard_count == 0 || o.shard_index >= o.shard_count)
        throw UsageError{"--shard: K/N needs 0 <= K < N, got '" + std::string(v) + "'"};
    } else if (flag == "--limit") {
      o.limit = require_u64("--limit", args.value_of(flag));
      if (o.limit == 0) throw UsageError{"--limit: at least 1 (leave it out for the whole shard)"};
    } else if (flag == "--scenario") {
      o.scenario = require_u64("--scenario", args.value_of(flag));
    } else if (flag == "--first") {
      o.stop_at_first = true;
    } else if (flag == "--json") {
      o.json = true;
    } else if (flag == "--windows") {
      const std::string_view v = args.value_of(flag);
      if (v == "flight") {
        o.settings.windows = sim::twins::Windows::flight;
      } else if (v == "schedule") {
        o.settings.windows = sim::twins::Windows::schedule;
      } else {
        throw UsageError{"--windows: expected flight or schedule, got '" + std::string(v) + "'"};
      }
    } else if (flag == "--no-reuse") {
      o.no_reuse = true;
    } else if (flag == "--merge") {
      merging = true;
    } else if (merging && !flag.starts_with("--")) {
      o.merge.emplace_back(flag);
    } else {
      throw UsageError{"twins: unknown option '" + std::string(flag) + "'"};
    }
  }
  if (merging && o.merge.empty()) throw UsageError{"--merge: name at least one report"};
  const sim::twins::ScenarioSpace space(o.settings.members, o.settings.rounds);
  if (const std::string why = space.valid(); !why.empty()) throw UsageError{"twins: " + why};
  if (space.count() == UINT64_MAX) throw UsageError{"twins: the enumeration has more than 2^64 scenarios"};
  if (o.scenario && *o.scenario >= space.count())
    throw UsageError{"--scenario: the enumeration has scenarios 0.." + std::to_string(space.count() - 1)};
  return o;
}

// The judge's problems with one run; empty when it kept every promise.
std::vector<std::string> problems_of(const sim::SimResult& r) {
  std::vector<std::string> out;
  if (!r.error.empty()) out.push_back("configuration: " + r.error);
  const bool ok = r.agreement && r.certificates_ok && r.bodies_valid && r.no_double_votes && r.locks_kept;
  if (!ok) {
    out.insert(out.end(), r.violations.begin(), r.violations.end());
    if (out.empty()) out.push_back("a verdict failed without a line");
  }
  return out;
}

int run_merge(const TwinsOptions& o) {
  std::vector<TwinsReport> shards;
  for (const auto& path : o.merge) shards.push_back(read_twins_report(path));
  const TwinsReport merged = merge_twins_reports(shards, o.merge);
  if (o.json) {
    std::cout << twins_report_json(merged);
  } else {
    std::cout << "twins merge: " << o.merge.size() << " shards, " << merged.scenarios_run << " of "
              << merged.scenario_count << " scenarios run, " << merged.violations.size() << " violating\n";
    for (const auto& v : merged.violations)
      std::cout << "  violation: scenario " << v.index << ": " << v.replay << "\n";
  }
  return merged.violations.empty() ? kExitOk : kExitFailed;
}

}  // namespace

int run_twins(std::vector<std::string_view> argv) {
  const TwinsOptions o = parse_twins_options(std::move(argv));
  if (!o.merge.empty()) return run_merge(o);
  const sim::twins::ScenarioSpace space(o.settings.members, o.settings.rounds);
  const auto seeds = sim::twins::LeaderSeeds::search(o.settings.members, o.settings.rounds);
  if (!seeds) {
    std::cerr << "midnight: twins: no key seed found for some leader sequence\n";
    return kExitFailed;
  }
  TwinsReport report;
  report.settings = o.settings;
  report.scenario_count = space.count();
  report.partition_family = space.partition_family_size();
  report.shard_index = o.scenario ? 0 : o.shard_index;
  report.shard_count = o.scenario ? 1 : o.shard_count;
  report.limit = o.scenario ? 1 : o.limit;
  report.stop_at_first = o.stop_at_first;
  // What the scenarios share (simulator.hpp, SharedRunInputs): one world per leader
  // sequence (its keys, and one mempool drawn from the enumeration's seed), so every
  // scenario of a sequence builds the same blocks and casts the same votes, and one memo
  // each for signature checks, VRF checks and VRF proofs, which then answer almost all.
  sim::MemoVerifier memo;
  sim::MemoVrfVerifier vrf_memo;
  sim::MemoVrfProver vrf_prover;
  std::map<std::uint64_t, sim::World> worlds;  // by key seed
  const auto world_of = [&](const sim::SimConfig& config) -> const sim::World& {
    if (o.no_reuse) {
      worlds.clear();
      memo = sim::MemoVerifier();
      vrf_memo = sim::MemoVrfVerifier();
      vrf_prover = sim::MemoVrfProver();
    }
    auto it = worlds.find(config.key_seed);
    if (it == worlds.end()) {
      sim::Rng rng(o.settings.seed);
      it = worlds.emplace(config.key_seed, sim::make_world(config, rng)).first;
    }
    return it->second;
  };
  const auto started = std::chrono::steady_clock::now();
  const auto run_one = [&](std::uint64_t index) {
    const sim::SimConfig config = sim::twins::scenario_config(o.settings, space, *seeds, index);
    const sim::SimResult result =
        sim::run_simulation(config, nullptr, sim::SharedRunInputs{&memo, &vrf_memo, &vrf_prover, &world_of(config)});
    ++report.scenarios_run;
    std::vector<std::string> problems = problems_of(result);
    if (problems.empty()) return false;
    report.violations.push_back({index,
                                 "midnight twins --scenario " + std::to_string(index) + " " +
                                     twins_settings_options(o.settings),
                                 std::move(problems)});
    return true;
  };
  if (o.scenario) {
    run_one(*o.scenario);
  } else {
    for (std::uint64_t index = o.shard_index; index < space.count(); index += o.shard_count) {
      if (o.limit != 0 && report.scenarios_run >= o.limit) break;
      if (run_one(index) && o.stop_at_first) break;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double rate = seconds > 0 ? static_cast<double>(report.scenarios_run) / seconds : 0.0;
  if (o.json) {
    std::cout << twins_report_json(report);
    std::cerr << "twins: " << report.scenarios_run << " scenarios in " << seconds << " s: " << rate
              << " scenarios/s\n";
  } else {
    auto& out = std::cout;
    out << "twins: " << o.settings.members << " members, " << space.nodes() << " nodes (nodes "
        << space.twin_original() << " and " << space.twin_copy() << " are twins), " << o.settings.rounds
        << " rounds, " << space.partition_family_size() << " partitions a step, negative control "
        << sim::to_string(o.settings.negative_control) << "\n";
    out << "  enumeration: " << space.count() << " scenarios; ";
    if (o.scenario) {
      out << "scenario " << *o.scenario << "\n";
    } else {
      out << "shard " << o.shard_index << "/" << o.shard_count;
      if (o.limit != 0) out << ", limit " << o.limit;
      out << "\n";
    }
    out << "  ran: " << report.scenarios_run << " scenarios in " << seconds << " s: " << rate << " scenarios/s\n";
    out << "  violating scenarios: " << report.violations.size() << "\n";
    if (!report.violations.empty()) {
      const auto& first = report.violations.front();
      const std::uint64_t until = (first.index - report.shard_index) / report.shard_count + 1;
      out << "  first violation: scenario " << first.index << " (" << until
          << " scenarios of this shard until it)\n";
    }
    for (const auto& v : report.violations) {
      out << "  violation: scenario " << v.index << "\n    replay: " << v.replay << "\n";
      for (const auto& p : v.problems) out << "    " << p << "\n";
    }
  }
  return report.violations.empty() ? kExitOk : kExitFailed;
}

}  // namespace midnight::cli
