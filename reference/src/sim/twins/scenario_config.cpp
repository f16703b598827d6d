#include "midnight/sim/twins/scenario_config.hpp"

#include "midnight/block/builder.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::sim::twins {

const char* to_string(Windows windows) { return windows == Windows::flight ? "flight" : "schedule"; }

std::uint64_t run_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed * 0x9E3779B97F4A7C15ULL + index + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

SimConfig scenario_config(const EnumerationSettings& settings, const ScenarioSpace& space,
                          const LeaderSeeds& leader_seeds, std::uint64_t index) {
  const TwinsScenario s = space.scenario(index);
  SimConfig c;
  c.nodes = space.nodes();
  c.twin_of = space.twin_original();
  c.policy = Policy::vrf;
  c.max_rounds = space.rounds();
  c.negative_control = settings.negative_control;
  c.mempool_divergence = settings.mempool_divergence;
  c.seed = run_seed(settings.seed, index);
  c.key_seed = leader_seeds.key_seed(s.leaders);
  const bool flight = settings.windows == Windows::flight;
  if (flight) c.latency_min_ms = c.latency_max_ms = kFlightMs;
  for (std::uint32_t r = 0; r < space.rounds(); ++r) {
    const std::uint64_t start = round_start_ms(kSimMidnightMs, c.timing, r);
    const std::uint64_t starts[kStepsPerRound + 1] = {
        start,
        flight ? start + kFlightMs : start + collect_ms(c.timing, r),
        flight ? start + 2 * kFlightMs : start + collect_ms(c.timing, r) + prevote_ms(c.timing, r),
        round_start_ms(kSimMidnightMs, c.timing, r + 1),
    };
    for (std::size_t step = 0; step < kStepsPerRound; ++step) {
      const std::size_t p = s.partitions[r][step];
      if (p == 0) continue;  // everyone together: no partition
      c.partitions.push_back({space.side_of_original(p), starts[step], starts[step + 1]});
    }
  }
  return c;
}

}  // namespace midnight::sim::twins
