// A Twins enumeration's report (`midnight twins --json`): what was enumerated, which
// slice ran, and every violating scenario. Deterministic: no times, no host names, so
// the same slice gives the same bytes; shards' reports merge into the unsharded one.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "midnight/sim/twins/scenario_config.hpp"

namespace midnight::cli {

struct TwinsViolation {
  std::uint64_t index = 0;
  std::string replay;                 // the command line that reruns exactly this scenario
  std::vector<std::string> problems;  // the judge's lines
};

struct TwinsReport {
  sim::twins::EnumerationSettings settings;
  std::uint64_t scenario_count = 0;   // of the whole enumeration
  std::size_t partition_family = 0;   // partitions a step may take
  std::uint64_t shard_index = 0;      // this report covers indices i with i % shard_count == shard_index
  std::uint64_t shard_count = 1;
  std::uint64_t limit = 0;            // 0: the whole shard; else at most this many of it
  bool stop_at_first = false;         // the run stopped at its first violation
  std::uint64_t scenarios_run = 0;
  std::vector<TwinsViolation> violations;  // ascending index
};

std::string twins_report_json(const TwinsReport& report);
// The replay options of `settings` (without --scenario), as a twins command line holds them.
std::string twins_settings_options(const sim::twins::EnumerationSettings& settings);

// Reads a report written by twins_report_json; throws UsageError saying what is wrong.
TwinsReport read_twins_report(const std::string& path);

// The shards' reports as one: throws UsageError naming why they cannot be merged
// (different enumerations, shard counts or limits, a shard twice or missing, a shard
// that stopped at its first violation).
TwinsReport merge_twins_reports(const std::vector<TwinsReport>& shards, const std::vector<std::string>& names);

}  // namespace midnight::cli
