// `midnight simulate`: one deterministic run with the network and adversary given on
// the command line.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/trace_json.hpp"
#include "report.hpp"
#include "sim_args.hpp"

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

}  // namespace

int run_simulate(std::vector<std::string_view> argv) {
  const SimulateOptions o = parse_simulate_options(std::move(argv));
  const sim::SimConfig& c = o.config;
  const bool json = o.json;
  const bool trace = o.trace;
  if (c.byzantine > 0 && 3 * c.byzantine >= c.nodes)
    std::cerr << "midnight: warning: " << c.byzantine << " byzantine of " << c.nodes
              << " nodes is not fewer than a third: the protocol promises nothing here\n";

  const auto result = sim::run_simulation(c);
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
