// `midnight simulate`: one deterministic run with the network and adversary given on
// the command line.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/audit/log_checker.hpp"
#include "midnight/audit/log_timeline.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/sim/node_log_writer.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/trace_json.hpp"
#include "report.hpp"
#include "sim_args.hpp"
#include "timeline_file.hpp"

namespace midnight::cli {

namespace {

void print_text(const sim::SimResult& r, bool trace) {
  auto& out = std::cout;
  out << "simulate: ";
  print_config_line(out, r.config);
  out << "  quorum: " << r.quorum << " of total weight " << r.total_weight << "\n";
  if (trace) print_rounds(out, r);
  print_finalized(out, r);
  print_verdict(out, r);
  print_messages(out, r);
  out << "  digest: " << to_hex(sim::digest(r)) << "\n";
}

// One file per height, DIR/height-H.ndjson (tla/README.md, "Trace validation").
void write_model_traces(const std::string& dir, const sim::SimResult& r) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError{"--model-trace: cannot create " + dir + ": " + ec.message()};
  for (const auto& t : r.model_traces) {
    const std::string path = dir + "/height-" + std::to_string(t.height) + ".ndjson";
    std::ofstream f(path, std::ios::binary);
    f << t.ndjson;
    if (!f) throw UsageError{"--model-trace: cannot write " + path};
  }
}

// The run, with each node's log written to DIR/node-I.log as it happens.
sim::SimResult run_with_logs(const sim::SimConfig& c, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError{"--log: cannot create " + dir + ": " + ec.message()};
  std::vector<std::ofstream> files(c.nodes);
  std::vector<std::ostream*> out;
  for (std::size_t i = 0; i < c.nodes; ++i) {
    const std::string path = dir + "/node-" + std::to_string(i) + ".log";
    files[i].open(path, std::ios::binary);
    if (!files[i]) throw UsageError{"--log: cannot write " + path};
    out.push_back(&files[i]);
  }
  sim::NodeLogWriter writer(std::move(out));
  auto result = sim::run_simulation(c, writer);
  for (std::size_t i = 0; i < c.nodes; ++i) {
    files[i].close();
    if (!files[i]) throw UsageError{"--log: cannot write " + dir + "/node-" + std::to_string(i) + ".log"};
  }
  return result;
}

// A directory of the system's temporary files, made for one run's logs and removed with
// everything in it when the run's picture is drawn.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "midnight-timeline-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw UsageError{"--timeline: cannot create a temporary directory"};
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The run's timeline: its node logs (in `dir`) drawn and judged by the same adapter as
// `midnight check --timeline`, plus what only the simulator knows: which nodes are
// Byzantine, crashed or slow, and where the partitions were.
view::Timeline sim_timeline(const sim::SimConfig& c, const std::string& dir) {
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < c.nodes; ++i) paths.push_back(dir + "/node-" + std::to_string(i) + ".log");
  audit::ViolationCollector violations;
  audit::LogFailure failure;
  // The logs were just written by the run: one that cannot be read is the command's fault.
  const auto unreadable = [&](const std::error_code& e) {
    return std::runtime_error("--timeline: " + paths[failure.log] + ":" + std::to_string(failure.line) + ": " +
                              e.message());
  };
  if (auto checked = audit::check_logs(paths, violations, failure); !checked) throw unreadable(checked.error());
  auto drawn = audit::timeline_of_logs(paths, violations, "simulate " + simulate_options_of(c), failure);
  if (!drawn) throw unreadable(drawn.error());
  view::Timeline t = std::move(drawn.value());
  for (std::size_t i = 0; i < c.nodes; ++i) {
    t.lanes[i].label = "node " + std::to_string(i) + " (w " + std::to_string(c.weights.empty() ? 1 : c.weights[i]) + ")";
    t.lanes[i].byzantine = i + c.byzantine >= c.nodes;
  }
  for (const sim::Partition& p : c.partitions) {
    // The band covers the smaller side (side A on a tie): the nodes cut off.
    std::vector<bool> in_a(c.nodes, false);
    for (const std::size_t n : p.side_a) in_a[n] = true;
    const bool a_smaller = 2 * p.side_a.size() <= c.nodes;
    view::Band b;
    b.kind = view::BandKind::partition;
    for (std::size_t n = 0; n < c.nodes; ++n)
      if (in_a[n] == a_smaller) b.lanes.push_back(n);
    b.from_ms = static_cast<view::TimeMs>(p.start_ms);
    b.to_ms = static_cast<view::TimeMs>(p.heal_ms);
    b.label = "partition " + std::to_string(p.side_a.size()) + "|" + std::to_string(c.nodes - p.side_a.size());
    t.bands.push_back(std::move(b));
  }
  for (const sim::Crash& k : c.crashes) {
    t.lanes[k.node].crashed = true;
    view::Band b;
    b.kind = view::BandKind::crashed;
    b.lanes = {k.node};
    b.from_ms = static_cast<view::TimeMs>(k.at_ms);
    b.to_ms = k.restart_ms > k.at_ms ? static_cast<view::TimeMs>(k.restart_ms) : t.to_ms;
    b.label = "crashed";
    t.bands.push_back(std::move(b));
  }
  for (const std::size_t n : c.slow_nodes) {
    view::Band b;
    b.kind = view::BandKind::slow;
    b.lanes = {n};
    b.from_ms = t.from_ms;
    b.to_ms = t.to_ms;
    b.label = "slow +" + std::to_string(c.slow_ms) + " ms";
    t.bands.push_back(std::move(b));
  }
  return t;
}

}  // namespace

int run_simulate(std::vector<std::string_view> argv) {
  const SimulateOptions o = parse_simulate_options(std::move(argv));
  const sim::SimConfig& c = o.config;
  const bool json = o.json;
  const bool trace = o.trace;
  if (c.byzantine > 0 && 3 * c.byzantine >= c.nodes)
    std::cerr << "midnight: warning: " << c.byzantine << " byzantine of " << c.nodes
              << " nodes is not fewer than a third: the protocol promises nothing here\n";

  // The picture is drawn from the run's node logs: in --log's directory, or in one of
  // their own that is gone once the picture is written.
  std::optional<TempDir> temp;
  if (!o.timeline_path.empty() && o.log_dir.empty()) temp.emplace();
  const std::string log_dir = temp ? temp->path() : o.log_dir;
  const auto result = log_dir.empty() ? sim::run_simulation(c) : run_with_logs(c, log_dir);
  if (!o.timeline_path.empty()) write_timeline_svg(o.timeline_path, sim_timeline(c, log_dir), "--timeline");
  if (!o.model_trace_dir.empty()) write_model_traces(o.model_trace_dir, result);
  if (json) {
    std::string doc;
    sim::JsonWriter w(doc);
    w.begin_object();
    sim::write_result_fields(w, result, trace);
    w.field("digest", to_hex(sim::digest(result)));
    w.end_object();
    std::cout << doc;
  } else {
    print_text(result, trace);
  }
  return result.agreement && result.certificates_ok && result.bodies_valid && result.no_double_votes &&
                 result.locks_kept
             ? kExitOk
                                                                                                     : kExitFailed;
}

}  // namespace midnight::cli
