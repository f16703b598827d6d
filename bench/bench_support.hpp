// What every benchmark binary shares: the allocation counter as a benchmark counter
// (allocs_per_op), and the same-run ratio against a raw baseline (raw_ns, ratio).
//
// allocs_per_op: operator new calls (support/alloc_counter, linked into every bench
// binary) between the start and the end of the timed loop, divided by its iterations.
// A benchmark with Budget::zero is marked failed (SkipWithError) if it allocates at all;
// its bench-smoke test then fails (CTest looks for "ERROR OCCURRED").
//
// ratio: each benchmark times its own loop with steady_clock, then, in the same
// process and right after, times the raw baseline for the same number of operations
// and reports raw_ns (ns per baseline operation) and ratio = ours / raw. Every run,
// including each repetition, prints its own ratio; no post-processing.
#pragma once
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "alloc_counter.hpp"

namespace midnight::bench {

enum class Budget { any, zero };

class AllocsPerOp {
 public:
  explicit AllocsPerOp(benchmark::State& state, Budget budget = Budget::any)
      : state_(state), budget_(budget), start_(allocations_so_far()) {}
  // Call right after the timed loop.
  void report() {
    const std::size_t n = allocations_so_far() - start_;
    state_.counters["allocs_per_op"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kAvgIterations);
    if (budget_ == Budget::zero && n != 0) {
      state_.SkipWithError(("allocation budget is zero, but " + std::to_string(n) + " allocations over " +
                            std::to_string(state_.iterations()) + " iterations")
                               .c_str());
    }
  }

 private:
  benchmark::State& state_;
  Budget budget_;
  std::size_t start_;
};

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double elapsed_ns() const {
    return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// ns per call of `f`, over `calls` calls.
template <class F>
double ns_per_call(std::uint64_t calls, F&& f) {
  const Stopwatch w;
  for (std::uint64_t i = 0; i < calls; ++i) f();
  return w.elapsed_ns() / static_cast<double>(calls == 0 ? 1 : calls);
}

// Counters: ours_ns, raw_ns (per operation) and ratio = ours / raw.
inline void report_ratio(benchmark::State& state, double ours_ns, double raw_ns) {
  state.counters["ours_ns"] = ours_ns;
  state.counters["raw_ns"] = raw_ns;
  state.counters["ratio"] = raw_ns > 0 ? ours_ns / raw_ns : 0.0;
}

// Times the loop of a benchmark and its raw baseline, in the same run:
//   RatioRun run(state);
//   for (auto _ : state) { ...ours... }
//   run.finish([&] { ...one raw operation... });
class RatioRun {
 public:
  explicit RatioRun(benchmark::State& state) : state_(state) {}
  template <class Raw>
  void finish(Raw&& raw) {
    const double ours = watch_.elapsed_ns() / static_cast<double>(state_.iterations() == 0 ? 1 : state_.iterations());
    report_ratio(state_, ours, ns_per_call(static_cast<std::uint64_t>(state_.iterations()), raw));
  }

 private:
  benchmark::State& state_;
  Stopwatch watch_;
};

}  // namespace midnight::bench
