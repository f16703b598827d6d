// The deterministic network simulator: one RoundMachine per honest node, Byzantine
// nodes with their own logic, and a discrete-event loop over encoded messages.
// Same configuration (seed included) => same run, event for event, on any platform.
#pragma once
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/vrf_prover.hpp"
#include "midnight/crypto/vrf_verifier.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/result.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::sim {

// Runs config.heights heights: until no event is left or time passes the run's time
// limit (run_time_limit_ms). An invalid configuration gives a result whose `error` says
// why (and nothing ran).
SimResult run_simulation(const SimConfig& config);
// The same run with `tap` told every honest node's inputs and outputs, and free to play
// any of those nodes itself (node_tap.hpp). A null tap is the run above.
class NodeTap;
SimResult run_simulation(const SimConfig& config, NodeTap* tap);
// What many runs of one enumeration (twins/) may share instead of making their own. The
// verifiers and the prover are memos (memo_verifier.hpp, memo_vrf_verifier.hpp,
// memo_vrf_prover.hpp): a verdict or a proof is a pure function of its input, so they change nothing but the time. A given world must be
// make_world's for the configuration (its keys, membership rule and twin); the run then
// draws no mempool from its seed, so its later draws (latencies) differ from the run
// without it: such runs are replayed through the same call, never through `simulate`.
struct SharedRunInputs {
  const SignatureVerifier* verifier = nullptr;
  const VrfVerifier* vrf_verifier = nullptr;
  const VrfProver* vrf_prover = nullptr;
  const World* world = nullptr;
};
SimResult run_simulation(const SimConfig& config, NodeTap* tap, const SharedRunInputs& shared);
// The run of run_simulation(config), shown to `observer` as it happens (sim_observer.hpp):
// the same run, byte for byte.
class SimObserver;
SimResult run_simulation(const SimConfig& config, SimObserver& observer);

// SHA-256 of the event log and of the whole result as JSON: the run's fingerprint.
Hash32 digest(const SimResult& result);

inline constexpr std::uint64_t kDrainMs = 5000;

// Where timers stop (the start of round max_rounds, or the time limit) and where the
// run stops (kDrainMs later with a round limit; the time limit without one).
std::uint64_t run_round_limit_ms(const SimConfig& config);
std::uint64_t run_time_limit_ms(const SimConfig& config);
// The chain every honest host follows: heights 1 .. config.heights, height_interval_ms apart.
ChainSchedule sim_schedule(const SimConfig& config, const World& world);
// How many rounds of height 1 start before the round limit: the rounds a Byzantine node plays.
std::uint32_t run_round_count(const SimConfig& config);

}  // namespace midnight::sim
