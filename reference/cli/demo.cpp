// `midnight demo`: the design's five scenarios, run in the simulator and checked, under
// each selection policy (A lowest hash, B VRF rank, C first to quorum) or one of them,
// each as the design states it and with honest mempools 1 % apart.
#include <iostream>
#include <string>

#include "args.hpp"
#include "commands.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/trace_json.hpp"
#include "report.hpp"
#include "scenarios.hpp"

namespace midnight::cli {

namespace {

bool all_ok(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (!c.ok) return false;
  return true;
}

void print_text(std::size_t index, std::size_t total, const Scenario& s, const sim::SimResult& r,
                const std::vector<Check>& checks) {
  auto& out = std::cout;
  out << "== Scenario " << index + 1 << "/" << total << " [" << sim::to_string(s.config.policy) << "]: " << s.title
      << "\n";
  out << "  config: ";
  print_config_line(out, s.config);
  out << "  quorum: " << r.quorum << " of total weight " << r.total_weight << " (strictly more than 2/3)\n";
  out << "  expectation: " << s.expectation << "\n";
  print_rounds(out, r);
  print_finalized(out, r);
  print_verdict(out, r);
  print_messages(out, r);
  for (const auto& c : checks) out << "    [" << (c.ok ? "ok" : "FAILED") << "] " << c.what << "\n";
  out << "  " << (all_ok(checks) ? "PASS" : "FAIL") << ": " << s.expectation << "\n\n";
}

}  // namespace

int run_demo(std::vector<std::string_view> argv) {
  Args args(std::move(argv));
  bool json = false;
  std::vector<sim::Policy> policies{sim::Policy::lowest_hash, sim::Policy::vrf, sim::Policy::first_to_quorum};
  bool policy_given = false;
  while (!args.done()) {
    const auto a = args.next();
    if (a == "--json") {
      json = true;
    } else if (a == "--policy" && !policy_given) {
      const auto v = args.value_of(a);
      sim::Policy p{};
      if (!sim::parse_policy(v, p))
        throw UsageError{"demo: --policy: expected lowest-hash, vrf or first-to-quorum, got '" + std::string(v) + "'"};
      policies = {p};
      policy_given = true;
    } else {
      throw UsageError{"demo: unknown option '" + std::string(a) + "' (--policy P, --json)"};
    }
  }
  std::vector<Scenario> scenarios;
  for (const sim::Policy p : policies) {
    for (Scenario& s : demo_scenarios(p)) scenarios.push_back(std::move(s));
    for (Scenario& s : divergent_scenarios(p)) scenarios.push_back(std::move(s));
  }
  std::size_t passed = 0;
  std::string doc;
  sim::JsonWriter w(doc);
  if (json) w.begin_object().key("scenarios").begin_array();
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const auto& s = scenarios[i];
    const auto result = sim::run_simulation(s.config);
    const auto checks = s.check(result);
    const bool ok = result.error.empty() && all_ok(checks);
    passed += ok;
    if (json) {
      w.begin_object();
      w.field("scenario", i + 1).field("policy", sim::to_string(s.config.policy)).field("name", s.name);
      w.field("title", s.title).field("expectation", s.expectation);
      w.field("passed", ok);
      w.key("checks").begin_array();
      for (const auto& c : checks) w.begin_object(true).field("what", c.what).field("ok", c.ok).end_object();
      w.end_array();
      w.key("result").begin_object();
      sim::write_result_fields(w, result, true);
      w.field("digest", to_hex(sim::digest(result)));
      w.end_object();
      w.end_object();
    } else {
      print_text(i, scenarios.size(), s, result, checks);
    }
  }
  if (json) {
    w.end_array();
    w.field("passed", passed).field("total", scenarios.size()).field("all_passed", passed == scenarios.size());
    w.end_object();
    std::cout << doc;
  } else {
    std::cout << "demo: " << passed << "/" << scenarios.size() << " scenarios passed\n";
  }
  return passed == scenarios.size() ? kExitOk : kExitFailed;
}

}  // namespace midnight::cli
