// Whole simulated heights (run_simulation: every honest node's round machine, the network
// and the encoding of every message), all honest, no loss, the default latencies.
//
// BM_SimulatedHeight/n: n = 4 .. 64 members, finalized in round 0 (`rounds` = 1 checks it).
// BM_SimulatedRetry/n/R: two equal halves cut apart for all of round 0 (neither holds a
// quorum), healed at S(1). With R = 1 (max_rounds) only round 0 runs: it must end with no
// decision. With R = 2 round 1 runs too and must finalize every node in round 1. Both runs
// see the same events up to S(1), so R = 2 minus R = 1 is the cost of round 1.
//
// Counters: messages sent (one per sender-recipient pair), delivered (the partition drops
// some) and bytes sent, the decided round + 1 (`rounds`, 0: none), and `ours_ns` = wall
// time per message delivered, `raw_ns` = one raw crypto_sign_verify_detached, `ratio` =
// ours / raw, timed in the same run: a node checks one signature per proposal or vote it
// receives, so a ratio near 1 says the simulated height costs its signature checks and
// grows as its deliveries do.
//
// These two check every signature with libsodium (verify_memo off), so the ratio is
// what a node pays. BM_SimulatedHeightMemo/n runs 64, 256 and 1,000 members with the
// simulator's signature memo (on by default in `midnight simulate`): the same outcome,
// each distinct signature checked once per run instead of once per receiving node, so
// its ratio is below 1; it adds messages and bytes per node and the commits' share.
// The simulator allocates (events, traces, results): allocs_per_op is shown without a
// budget.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "bench_support.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::bench {
namespace {

// ns per raw Ed25519 verify of a vote-sized message, measured now.
double raw_verify_ns() {
  const Keypair k = keypair_from_seed(Seed{{7}});
  std::array<std::uint8_t, 158> message{};  // a vote's signing input is about this long
  const Signature sig = sign_detached(k.secret_key, message);
  int failures = 0;
  const double ns = ns_per_call(200, [&] {
    failures += crypto_sign_verify_detached(sig.data(), message.data(), message.size(), k.public_key.data()) != 0;
  });
  return failures == 0 ? ns : 0.0;
}

struct Outcome {
  std::uint64_t messages = 0;
  std::uint64_t delivered = 0;
  std::uint64_t bytes = 0;
  std::uint32_t rounds = 0;  // decided round + 1; 0 when nothing was decided
  std::uint64_t commit_bytes = 0;
};

Outcome outcome_of(const sim::SimResult& r) {
  Outcome o{r.messages.sent, r.messages.delivered, r.messages.bytes_sent, 0, r.messages.commit_bytes_sent};
  for (const auto& f : r.finalized) o.rounds = std::max(o.rounds, f.round + 1);
  return o;
}

// Runs `config` once per iteration; `as_expected` judges every result.
template <class Expect>
void run_and_report(benchmark::State& state, const sim::SimConfig& config, Expect as_expected) {
  crypto_init();
  Outcome last;
  bool ok = true;
  AllocsPerOp allocs(state);
  const Stopwatch watch;
  for (auto _ : state) {
    const sim::SimResult r = sim::run_simulation(config);
    ok = ok && r.error.empty() && r.agreement && as_expected(r);
    last = outcome_of(r);
  }
  const double iterations = static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  const double ns_per_delivery = watch.elapsed_ns() / iterations / static_cast<double>(std::max<std::uint64_t>(last.delivered, 1));
  allocs.report();
  report_ratio(state, ns_per_delivery, raw_verify_ns());
  state.counters["messages"] = static_cast<double>(last.messages);
  state.counters["delivered"] = static_cast<double>(last.delivered);
  state.counters["bytes"] = static_cast<double>(last.bytes);
  state.counters["rounds"] = static_cast<double>(last.rounds);
  const double nodes = static_cast<double>(config.nodes);
  state.counters["messages_per_node"] = static_cast<double>(last.messages) / nodes;
  state.counters["bytes_per_node"] = static_cast<double>(last.bytes) / nodes;
  state.counters["commit_bytes_per_node"] = static_cast<double>(last.commit_bytes) / nodes;
  if (!ok) state.SkipWithError("the simulated height did not end as the scenario requires");
}

void BM_SimulatedHeight(benchmark::State& state) {
  sim::SimConfig config;
  config.nodes = static_cast<std::size_t>(state.range(0));
  config.seed = 42;
  config.verify_memo = false;
  run_and_report(state, config, [](const sim::SimResult& r) {
    return r.all_honest_finalized && outcome_of(r).rounds == 1;
  });
}
BENCHMARK(BM_SimulatedHeight)->Arg(4)->Arg(8)->Arg(16)->Arg(32)->Arg(48)->Arg(64)->Arg(128)->Unit(benchmark::kMillisecond);

// The same height with the signature memo, at sizes a node-per-process run could not
// reach in reasonable time. Pass --version1-commits on the command line for wire
// version 1's commit traffic; here every run is version 2's (no commit unasked).
void BM_SimulatedHeightMemo(benchmark::State& state) {
  sim::SimConfig config;
  config.nodes = static_cast<std::size_t>(state.range(0));
  config.seed = 42;
  run_and_report(state, config, [](const sim::SimResult& r) {
    return r.all_honest_finalized && outcome_of(r).rounds == 1 && r.messages.commits_sent == 0;
  });
}
BENCHMARK(BM_SimulatedHeightMemo)->Arg(16)->Arg(64)->Arg(256)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_SimulatedRetry(benchmark::State& state) {
  sim::SimConfig config;
  config.nodes = static_cast<std::size_t>(state.range(0));
  config.seed = 42;
  config.max_rounds = static_cast<std::uint32_t>(state.range(1));
  config.verify_memo = false;
  sim::Partition halves;
  for (std::size_t i = 0; i < config.nodes / 2; ++i) halves.side_a.push_back(i);
  halves.start_ms = 0;
  halves.heal_ms = round_start_ms(sim::kSimMidnightMs, config.timing, 1);  // S(1)
  config.partitions.push_back(halves);
  const bool round_zero_only = config.max_rounds == 1;
  run_and_report(state, config, [round_zero_only](const sim::SimResult& r) {
    return round_zero_only ? r.finalized.empty() : r.all_honest_finalized && outcome_of(r).rounds == 2;
  });
}
BENCHMARK(BM_SimulatedRetry)
    ->ArgNames({"members", "rounds_run"})
    ->ArgsProduct({{4, 16, 64}, {1, 2}})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace midnight::bench
