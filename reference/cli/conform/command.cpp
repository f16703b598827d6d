// `midnight conform [options] -- CMD [ARGS...]`: the conformance oracle. Starts CMD, an
// adapter of another implementation (spec/adapter.md), drives every conformance vector of
// spec/vectors/ through it and decodes mutated corpus inputs with both; reports per
// family what agreed, diverged or was not covered. Exit 0: conforms; 1: diverges or
// leaves a case uncovered; 2: bad usage, bad vectors or a broken adapter.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "../args.hpp"
#include "../commands.hpp"
#include "adapter.hpp"
#include "decode_diff.hpp"
#include "families.hpp"
#include "simulated.hpp"
#include "midnight/sim/json_writer.hpp"

namespace midnight::cli {

namespace {

using namespace conform;

struct FamilyDriver {
  const char* name;
  void (*drive)(Driver&, VectorFile&);
  const char* spec;  // where the rules of the family are, for the divergence report
};

// Every family of spec/vectors/, in the reading order of spec/README.md. A vector file
// that is not here stops the oracle (exit 2): it would otherwise be silently unchecked.
constexpr FamilyDriver kFamilies[] = {
    {"hashing", drive_hashing, "encoding.md §6 (domain tags, txid, block id, Merkle root)"},
    {"signing", drive_signing, "encoding.md §7 (signing inputs, Ed25519 and its acceptance rule)"},
    {"encoding", drive_encoding, "encoding.md §2-§3 (every message, byte for byte)"},
    {"rejections", drive_rejections, "encoding.md §4 (rejection rules)"},
    {"quorum", drive_quorum, "protocol.md §1.1 (membership) and §2 (quorum: weight > 2/3 of the total)"},
    {"block_building", drive_block_building, "protocol.md §3 (block building, coinbase, body checks)"},
    {"vrf", drive_vrf, "vrf.md (ECVRF-EDWARDS25519-SHA512-TAI and its strict decoding)"},
    {"selection", drive_selection, "protocol.md §3.3 (header, timestamp S(r) of §5.1) and §4 (selection)"},
    {"reconciliation", drive_reconciliation, "reconciliation.md §4 (estimate and answer size)"},
    {"rounds", drive_rounds, "protocol.md §5-§7"},
};
constexpr const char* kDecodeSpec = "encoding.md §1 and §4 (canonical encoding, rejection rules)";
constexpr const char* kSimulatedSpec = "protocol.md §5-§7 and journal.md, live in the simulator (adapter.md §4)";

const char* spec_of(const std::string& family) {
  for (const FamilyDriver& f : kFamilies)
    if (family == f.name) return f.spec;
  return family == "simulated" ? kSimulatedSpec : kDecodeSpec;
}

struct Options {
  std::string vectors_dir = "spec/vectors";
  std::string corpus_dir = "fuzz/corpus";
  std::uint32_t mutations = 8;
  std::uint64_t seed = 1;
  std::vector<std::string> only;  // --family
  std::chrono::milliseconds timeout{120'000};
  bool json = false;
  std::string json_file;  // also write the JSON report here (the text goes to stdout)
  bool quiet = false;
  bool fail_fast = false;
  std::vector<std::string> command;
  SimulatedOptions simulated;
};

Options parse_options(std::vector<std::string_view> argv) {
  Options o;
  Args args(std::move(argv));
  while (!args.done()) {
    const std::string_view a = args.next();
    if (a == "--") {
      while (!args.done()) o.command.emplace_back(args.next());
    } else if (a == "--vectors") {
      o.vectors_dir = args.value_of(a);
    } else if (a == "--corpus") {
      o.corpus_dir = args.value_of(a);
    } else if (a == "--mutations") {
      o.mutations = static_cast<std::uint32_t>(require_u64("--mutations", args.value_of(a)));
    } else if (a == "--seed") {
      o.seed = require_u64("--seed", args.value_of(a));
    } else if (a == "--family") {
      std::stringstream list{std::string(args.value_of(a))};
      for (std::string f; std::getline(list, f, ',');) {
        bool known = f == "decode" || f == "simulated";
        for (const FamilyDriver& d : kFamilies) known = known || f == d.name;
        if (!known) throw UsageError{"conform: unknown family '" + f + "'"};
        o.only.push_back(f);
      }
    } else if (a == "--scenario") {
      o.simulated.scenario = args.value_of(a);
    } else if (a == "--foreign") {
      o.simulated.foreign = args.value_of(a);
    } else if (a == "--sim-runs") {
      o.simulated.random_runs = static_cast<std::uint32_t>(require_u64("--sim-runs", args.value_of(a)));
    } else if (a == "--timeout") {
      o.timeout = std::chrono::milliseconds(1000 * require_u64("--timeout", args.value_of(a)));
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--json-file") {
      o.json_file = args.value_of(a);
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--fail-fast") {
      o.fail_fast = true;
    } else {
      throw UsageError{"conform: unknown option '" + std::string(a) + "' (the adapter's command goes after --)"};
    }
  }
  if (o.command.empty()) throw UsageError{"conform: no adapter command: midnight conform [options] -- CMD [ARGS...]"};
  o.simulated.seed = o.seed;
  o.simulated.adapter_command = o.command;
  // A scenario alone is what a replay line runs: the simulated family and nothing else.
  if (!o.simulated.scenario.empty() && o.only.empty()) o.only.push_back("simulated");
  return o;
}

bool selected(const Options& o, const std::string& family) {
  if (o.only.empty()) return true;
  for (const std::string& f : o.only)
    if (f == family) return true;
  return false;
}

// "not_covered" -> "NOT COVERED": the verdict as the text report's last line says it.
std::string shouted(std::string_view verdict) {
  std::string out;
  for (char c : verdict) out += c == '_' ? ' ' : static_cast<char>(c - ('a' <= c && c <= 'z' ? 'a' - 'A' : 0));
  return out;
}

std::string quoted_command(const std::vector<std::string>& command) {
  std::string out;
  for (const std::string& c : command) out += (out.empty() ? "" : " ") + c;
  return out;
}

void write_text_report(std::ostream& out, const Options& o, const std::string& implementation, std::int64_t version,
                       const Ledger& ledger, std::uint64_t requests) {
  out << "midnight conform: " << implementation << " (adapter protocol " << version << "), "
      << quoted_command(o.command) << "\n\n";
  out << "  family              cases  agreed  diverged  not covered  not driven\n";
  std::uint64_t cases = 0;
  std::uint64_t not_driven = 0;
  for (const FamilyTally& f : ledger.families()) {
    const std::uint64_t n = f.cases();
    cases += n;
    not_driven += f.not_driven;
    char line[160];
    std::snprintf(line, sizeof line, "  %-18s %6llu  %6llu  %8llu  %11llu  %10llu\n", f.name.c_str(),
                  static_cast<unsigned long long>(n), static_cast<unsigned long long>(f.passed),
                  static_cast<unsigned long long>(f.failed), static_cast<unsigned long long>(f.not_covered),
                  static_cast<unsigned long long>(f.not_driven));
    out << line;
  }
  std::uint64_t steps = 0;
  for (const FamilyTally& f : ledger.families()) steps += f.steps;
  out << "\n  " << cases << " cases (" << ledger.cases_of("decode") << " of them differential decodes, "
      << ledger.cases_of("rounds") << " round scenarios, " << ledger.cases_of("simulated") << " simulated runs), "
      << steps << " node-host steps compared, " << requests << " requests to the adapter\n";
  for (const FamilyTally& f : ledger.families()) {
    if (!f.first_not_covered.empty()) out << "  not covered, " << f.name << ": " << f.first_not_covered << "\n";
    if (f.not_driven != 0) out << "  not driven, " << f.name << ": " << f.not_driven << " " << f.not_driven_reason << "\n";
  }
  if (!ledger.divergences().empty()) {
    const Divergence& first = ledger.divergences().front();
    out << "\nfirst divergence: " << first.family << ": " << first.case_name << "\n"
        << "  operation: " << first.op << "\n"
        << "  rule: " << spec_of(first.family) << (first.rule.empty() ? "" : ": " + first.rule) << "\n"
        << "  " << first.detail << "\n";
    if (!first.request.empty()) out << "  request: " << first.request << "\n";
    if (!first.replay.empty())
      out << "  replay: " << first.replay << "\n";
    else
      out << "  replay: midnight conform --family " << first.family
          << (first.family == "decode" ? " --seed " + std::to_string(o.seed) : std::string()) << " -- "
          << quoted_command(o.command) << "\n";
    if (ledger.total_divergences() > 1) {
      out << "further divergences (" << ledger.total_divergences() - 1 << "):\n";
      for (std::size_t i = 1; i < ledger.divergences().size(); ++i) {
        const Divergence& d = ledger.divergences()[i];
        out << "  " << d.family << ": " << d.case_name << ": " << d.op << ": " << d.detail << "\n";
      }
    }
  }
  out << "\nresult: "
      << shouted(ledger.verdict())
      << (not_driven != 0 ? " (" + std::to_string(not_driven) + " vectors not driven by adapter protocol " +
                                std::to_string(version) + ")"
                          : "")
      << "\n";
}

void write_json_report(std::ostream& out, const Options& o, const std::string& implementation, std::int64_t version,
                       const Ledger& ledger, std::uint64_t requests) {
  std::string s;
  sim::JsonWriter w(s);
  w.begin_object();
  w.field("adapter_protocol", version);
  w.field("implementation", implementation);
  w.field("command", quoted_command(o.command));
  w.field("result", ledger.verdict());
  w.field("requests", requests);
  w.field("differential_decodes", ledger.cases_of("decode"));
  w.field("round_scenarios", ledger.cases_of("rounds"));
  w.field("simulated_runs", ledger.cases_of("simulated"));
  w.key("families").begin_array();
  for (const FamilyTally& f : ledger.families()) {
    w.begin_object(true);
    w.field("family", f.name);
    w.field("agreed", f.passed);
    w.field("diverged", f.failed);
    w.field("not_covered", f.not_covered);
    w.field("not_driven", f.not_driven);
    if (f.steps != 0) w.field("steps", f.steps);
    if (!f.first_not_covered.empty()) w.field("first_not_covered", f.first_not_covered);
    if (f.not_driven != 0) w.field("not_driven_reason", f.not_driven_reason);
    w.end_object();
  }
  w.end_array();
  w.field("divergences_total", ledger.total_divergences());
  w.key("divergences").begin_array();
  for (const Divergence& d : ledger.divergences()) {
    w.begin_object(true);
    w.field("family", d.family).field("case", d.case_name).field("op", d.op).field("detail", d.detail);
    w.field("rule", std::string(spec_of(d.family)) + (d.rule.empty() ? "" : ": " + d.rule));
    w.field("request", d.request);
    if (!d.replay.empty()) w.field("replay", d.replay);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out << s << "\n";
}

}  // namespace

int run_conform(std::vector<std::string_view> argv) {
  const Options o = parse_options(std::move(argv));
  const auto progress = [&](const std::string& line) {
    if (!o.quiet) std::cerr << "conform: " << line << "\n";
  };
  try {
    // Every file of the vectors directory must be a family the oracle drives.
    namespace fs = std::filesystem;
    if (!fs::is_directory(o.vectors_dir))
      throw JsonError{"no vectors directory '" + o.vectors_dir + "' (--vectors DIR; run from the repository root)"};
    for (const fs::directory_entry& e : fs::directory_iterator(o.vectors_dir)) {
      if (e.path().extension() != ".json") continue;
      bool known = false;
      for (const FamilyDriver& f : kFamilies) known = known || e.path().stem() == f.name;
      if (!known) throw JsonError{"'" + e.path().string() + "' is a vector family this oracle does not drive"};
    }

    Adapter adapter(o.command, o.timeout);
    Ledger ledger(o.fail_fast);
    Driver driver{adapter, ledger, progress};
    Json hello = Json::object();
    hello.set("adapter_version", std::int64_t{2});
    const Answer greeting = adapter.call("hello", hello);
    if (greeting.kind != Answer::Kind::ok) throw AdapterBroken{"the adapter did not answer hello with ok"};
    const Json* version = greeting.ok.find("adapter_version");
    if (version == nullptr || !version->is_number() || version->as_int() < 1 || version->as_int() > 2)
      throw AdapterBroken{"the adapter speaks neither adapter protocol 1 nor 2: " + greeting.ok.dump()};
    driver.adapter_version = version->as_int();
    const Json* name = greeting.ok.find("implementation");
    const std::string implementation = name != nullptr && name->is_string() ? name->as_string() : "(unnamed)";
    progress("adapter: " + implementation);

    try {
      for (const FamilyDriver& f : kFamilies) {
        if (!selected(o, f.name)) continue;
        const std::string path = o.vectors_dir + "/" + f.name + ".json";
        VectorFile file{f.name, path, read_json_file(path), {}};
        if (file.doc.str("family") != f.name)
          throw JsonError{file.path + " says it is family '" + file.doc.str("family") + "'"};
        ledger.family(f.name);
        progress(std::string(f.name));
        f.drive(driver, file);
        if (const auto untaken = file.untaken_lists(); !untaken.empty())
          throw JsonError{file.path + ": '" + untaken.front() + "' holds vectors this oracle does not drive"};
      }
      if (selected(o, "simulated")) {
        ledger.family("simulated");
        progress("simulated");
        drive_simulated(driver, o.simulated);
      }
      if (selected(o, "decode")) {
        ledger.family("decode");
        drive_decode_diff(driver, DecodeDiffOptions{o.corpus_dir, o.mutations, o.seed});
      }
    } catch (const StopAtFirstDivergence&) {
      progress("stopped at the first divergence (--fail-fast)");
    }
    const std::uint64_t requests = adapter.requests();
    const int status = adapter.finish();
    if (status != 0) throw AdapterBroken{"the adapter exited with status " + std::to_string(status) + " at the end of its input"};
    if (o.json)
      write_json_report(std::cout, o, implementation, driver.adapter_version, ledger, requests);
    else
      write_text_report(std::cout, o, implementation, driver.adapter_version, ledger, requests);
    if (!o.json_file.empty()) {
      std::ofstream file(o.json_file, std::ios::binary | std::ios::trunc);
      write_json_report(file, o, implementation, driver.adapter_version, ledger, requests);
      file.close();
      if (!file) {
        std::cerr << "midnight conform: cannot write the JSON report to " << o.json_file << "\n";
        return kExitUsage;
      }
    }
    return ledger.conforms() ? kExitOk : kExitFailed;
  } catch (const AdapterBroken& e) {
    std::cerr << "midnight conform: " << e.message << "\n";
  } catch (const JsonError& e) {
    std::cerr << "midnight conform: " << e.message << "\n";
  }
  return kExitUsage;
}

}  // namespace midnight::cli
