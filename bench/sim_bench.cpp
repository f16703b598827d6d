// A whole simulated height (run_simulation: every honest node's round machine, the
// network and the encoding of every message) for 4, 16 and 64 members, all honest, no
// loss, the default latencies: time per run and messages sent. 64 is kMaxMembers, the
// largest membership there is, so 256 and 1,000 members cannot be simulated as one
// round (bench/README.md). Each run finalizes in round 0 (`rounds` = 1 checks it).
// The simulator allocates (events, traces, JSON-able results): allocs_per_op is shown
// without a budget.
#include <algorithm>
#include <cstdint>

#include "bench_support.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/sim/simulator.hpp"

namespace midnight::bench {
namespace {

void BM_SimulatedRound(benchmark::State& state) {
  crypto_init();
  sim::SimConfig config;
  config.nodes = static_cast<std::size_t>(state.range(0));
  config.seed = 42;
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint32_t last_round = 0;
  bool ok = true;
  AllocsPerOp allocs(state);
  for (auto _ : state) {
    const sim::SimResult r = sim::run_simulation(config);
    messages = r.messages.sent;
    bytes = r.messages.bytes_sent;
    ok = ok && r.error.empty() && r.all_honest_finalized && r.agreement;
    last_round = 0;
    for (const auto& f : r.finalized) last_round = std::max(last_round, f.round);
  }
  allocs.report();
  state.counters["messages"] = static_cast<double>(messages);
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["rounds"] = static_cast<double>(last_round + 1);
  if (!ok) state.SkipWithError("the simulated height did not finalize in agreement");
}
BENCHMARK(BM_SimulatedRound)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace midnight::bench
