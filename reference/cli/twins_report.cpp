#include "twins_report.hpp"

#include <algorithm>
#include <cmath>

#include "args.hpp"
#include "json_value.hpp"
#include "midnight/sim/json_writer.hpp"

namespace midnight::cli {

namespace {

// JSON numbers here are integers (json_value.hpp reads no fractions): the divergence in
// millionths.
std::uint64_t divergence_ppm(double p) { return static_cast<std::uint64_t>(std::llround(p * 1'000'000.0)); }

// The shortest text that reads back as p: the writer's round-trip form.
std::string format_divergence(double p) {
  std::string s;
  sim::JsonWriter w(s);
  w.value(p);
  return s;
}

}  // namespace

std::string twins_settings_options(const sim::twins::EnumerationSettings& s) {
  std::string out = "--members " + std::to_string(s.members) + " --rounds " + std::to_string(s.rounds);
  if (s.negative_control != sim::NegativeControl::none)
    out += std::string(" --negative-control ") + sim::to_string(s.negative_control);
  if (s.seed != 1) out += " --seed " + std::to_string(s.seed);
  if (s.windows != sim::twins::Windows::flight) out += std::string(" --windows ") + sim::twins::to_string(s.windows);
  if (s.mempool_divergence != 0.0) out += " --mempool-divergence " + format_divergence(s.mempool_divergence);
  return out;
}

std::string twins_report_json(const TwinsReport& r) {
  std::string doc;
  sim::JsonWriter w(doc);
  w.begin_object();
  w.key("enumeration").begin_object();
  w.field("members", r.settings.members);
  w.field("nodes", r.settings.members + 1);
  w.field("rounds", r.settings.rounds);
  w.field("negative_control", sim::to_string(r.settings.negative_control));
  w.field("seed", r.settings.seed);
  w.field("mempool_divergence_ppm", divergence_ppm(r.settings.mempool_divergence));
  w.field("windows", sim::twins::to_string(r.settings.windows));
  w.field("partition_family", r.partition_family);
  w.field("scenario_count", r.scenario_count);
  w.end_object();
  w.key("shard").begin_object(true);
  w.field("index", r.shard_index);
  w.field("count", r.shard_count);
  w.end_object();
  w.field("limit", r.limit);
  w.field("stop_at_first", r.stop_at_first);
  w.field("scenarios_run", r.scenarios_run);
  w.field("violating_scenarios", static_cast<std::uint64_t>(r.violations.size()));
  w.key("first_violation_index");
  if (r.violations.empty()) {
    w.null();
  } else {
    w.value(r.violations.front().index);
  }
  w.key("violations").begin_array();
  for (const auto& v : r.violations) {
    w.begin_object();
    w.field("index", v.index);
    w.field("replay", v.replay);
    w.key("problems").begin_array();
    for (const auto& p : v.problems) w.value(p);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
  doc += "\n";
  return doc;
}

namespace {

std::uint64_t u64_at(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = obj.find(key);
  if (v == nullptr || !v->is_number() || !v->as_u64())
    throw UsageError{"twins --merge: " + path + ": '" + std::string(key) + "' is missing or not a count"};
  return *v->as_u64();
}

const Json& object_at(const Json& obj, std::string_view key, const std::string& path) {
  const Json* v = obj.find(key);
  if (v == nullptr || !v->is_object())
    throw UsageError{"twins --merge: " + path + ": '" + std::string(key) + "' is missing or not an object"};
  return *v;
}

}  // namespace

TwinsReport read_twins_report(const std::string& path) {
  Json doc;
  try {
    doc = read_json_file(path);
  } catch (const JsonError& e) {
    throw UsageError{"twins --merge: " + path + ": " + e.message};
  }
  if (!doc.is_object()) throw UsageError{"twins --merge: " + path + ": not a twins report"};
  TwinsReport r;
  const Json& e = object_at(doc, "enumeration", path);
  r.settings.members = u64_at(e, "members", path);
  r.settings.rounds = static_cast<std::uint32_t>(u64_at(e, "rounds", path));
  const Json* control = e.find("negative_control");
  if (control == nullptr || !control->is_string())
    throw UsageError{"twins --merge: " + path + ": 'negative_control' is missing"};
  bool known = false;
  for (int k = 0; k <= static_cast<int>(sim::NegativeControl::no_announce); ++k) {
    const auto c = static_cast<sim::NegativeControl>(k);
    if (control->as_string() == sim::to_string(c)) {
      r.settings.negative_control = c;
      known = true;
    }
  }
  if (!known) throw UsageError{"twins --merge: " + path + ": unknown negative control '" + control->as_string() + "'"};
  r.settings.seed = u64_at(e, "seed", path);
  r.settings.mempool_divergence = static_cast<double>(u64_at(e, "mempool_divergence_ppm", path)) / 1'000'000.0;
  const Json* windows = e.find("windows");
  if (windows == nullptr || !windows->is_string() ||
      (windows->as_string() != "flight" && windows->as_string() != "schedule"))
    throw UsageError{"twins --merge: " + path + ": 'windows' is missing or unknown"};
  r.settings.windows = windows->as_string() == "flight" ? sim::twins::Windows::flight : sim::twins::Windows::schedule;
  r.partition_family = u64_at(e, "partition_family", path);
  r.scenario_count = u64_at(e, "scenario_count", path);
  const Json& shard = object_at(doc, "shard", path);
  r.shard_index = u64_at(shard, "index", path);
  r.shard_count = u64_at(shard, "count", path);
  r.limit = u64_at(doc, "limit", path);
  const Json* stop = doc.find("stop_at_first");
  if (stop == nullptr || !stop->is_bool()) throw UsageError{"twins --merge: " + path + ": 'stop_at_first' is missing"};
  r.stop_at_first = stop->as_bool();
  r.scenarios_run = u64_at(doc, "scenarios_run", path);
  const Json* violations = doc.find("violations");
  if (violations == nullptr || !violations->is_array())
    throw UsageError{"twins --merge: " + path + ": 'violations' is missing"};
  for (const Json& v : violations->items()) {
    if (!v.is_object()) throw UsageError{"twins --merge: " + path + ": a violation is not an object"};
    TwinsViolation tv;
    tv.index = u64_at(v, "index", path);
    const Json* replay = v.find("replay");
    if (replay == nullptr || !replay->is_string())
      throw UsageError{"twins --merge: " + path + ": a violation has no replay"};
    tv.replay = replay->as_string();
    const Json* problems = v.find("problems");
    if (problems == nullptr || !problems->is_array())
      throw UsageError{"twins --merge: " + path + ": a violation has no problems"};
    for (const Json& p : problems->items()) {
      if (!p.is_string()) throw UsageError{"twins --merge: " + path + ": a problem is not a string"};
      tv.problems.push_back(p.as_string());
    }
    r.violations.push_back(std::move(tv));
  }
  if (r.shard_count == 0 || r.shard_index >= r.shard_count)
    throw UsageError{"twins --merge: " + path + ": shard " + std::to_string(r.shard_index) + "/" +
                     std::to_string(r.shard_count) + " is not a shard"};
  return r;
}

TwinsReport merge_twins_reports(const std::vector<TwinsReport>& shards, const std::vector<std::string>& names) {
  if (shards.empty()) throw UsageError{"twins --merge: no reports given"};
  const TwinsReport& first = shards.front();
  std::vector<bool> seen(first.shard_count, false);
  TwinsReport merged = first;
  merged.shard_index = 0;
  merged.shard_count = 1;
  merged.scenarios_run = 0;
  merged.violations.clear();
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const TwinsReport& s = shards[i];
    const std::string& name = names[i];
    if (s.settings != first.settings || s.scenario_count != first.scenario_count ||
        s.partition_family != first.partition_family)
      throw UsageError{"twins --merge: " + name + " is a report of another enumeration than " + names[0] + " (" +
                       twins_settings_options(s.settings) + " against " + twins_settings_options(first.settings) +
                       ")"};
    if (s.shard_count != first.shard_count)
      throw UsageError{"twins --merge: " + name + " is shard " + std::to_string(s.shard_index) + " of " +
                       std::to_string(s.shard_count) + ", but " + names[0] + " is one of " +
                       std::to_string(first.shard_count) + ": the shards overlap"};
    if (s.limit != first.limit)
      throw UsageError{"twins --merge: " + name + " ran with --limit " + std::to_string(s.limit) + ", " + names[0] +
                       " with " + std::to_string(first.limit)};
    if (s.stop_at_first)
      throw UsageError{"twins --merge: " + name + " stopped at its first violation: its shard did not run whole"};
    if (seen[s.shard_index])
      throw UsageError{"twins --merge: shard " + std::to_string(s.shard_index) + "/" + std::to_string(s.shard_count) +
                       " is given twice (" + name + ")"};
    seen[s.shard_index] = true;
    merged.scenarios_run += s.scenarios_run;
    merged.violations.insert(merged.violations.end(), s.violations.begin(), s.violations.end());
  }
  for (std::size_t k = 0; k < seen.size(); ++k)
    if (!seen[k])
      throw UsageError{"twins --merge: shard " + std::to_string(k) + "/" + std::to_string(first.shard_count) +
                       " is missing"};
  // Reports of a limited slice merge too, but they cover the first `limit` of each shard,
  // which is not the unsharded run's first `limit`: the merged report keeps the limit so
  // that it says so.
  std::sort(merged.violations.begin(), merged.violations.end(),
            [](const TwinsViolation& a, const TwinsViolation& b) { return a.index < b.index; });
  return merged;
}

}  // namespace midnight::cli
