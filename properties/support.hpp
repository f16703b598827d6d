// What the simulated properties check on every run, and facts about a configuration
// computed without running it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/sim/result.hpp"

namespace midnight::prop {

// The run took place and every safety check of the simulator held: no configuration
// error, agreement (one block per height, nobody finalized twice), every certificate
// valid, no recorded violation (which includes double votes and broken locks). Fails the
// RapidCheck case with the first violation's text.
void assert_safe(const sim::SimResult& r);

// The distinct blocks finalized in the run.
std::set<BlockId> finalized_blocks(const sim::SimResult& r);

// The block id of each node's own round-0 proposal, by node index, computed from the
// configuration alone: the simulator's world for c (sim::make_world: keys from
// c.key_seed by sim::node_seed, chain, genesis and the mempool drawn first from
// Rng(c.seed), world.hpp), the content every honest node builds
// from that mempool (builder.hpp) and the round-0 header (make_header).
std::vector<BlockId> own_round0_block_ids(const sim::SimConfig& c);

// The VRF output (policy B's rank key) of each node's round-r proposal, by node index,
// computed from the configuration alone: ECVRF of the node's key over
// vrf_input(chain, kSimHeight, r, prev_id) of the simulator's world for c (the keys of
// c.key_seed, as the simulator derives them in make_world). It is the
// one output any valid proof of that node for round r can have, Byzantine or not.
std::vector<VrfOutput> own_vrf_outputs(const sim::SimConfig& c, std::uint32_t round);

// S(r): the scheduled start of round r (midnight is t = 0 in the simulator). Steps grow
// by c.timing.increment_ms a round, so S is not linear in r: a round's length is
// round_ms(c.timing, r), and the round of a time is round_at_ms (builder.hpp).
std::uint64_t round_start(const sim::SimConfig& c, std::uint32_t r);
// The first round that starts at or after t: the lowest r with S(r) >= t.
std::uint32_t first_round_from(const sim::SimConfig& c, std::uint64_t t);

// The trace of `round` in a node's trace, or null: a trace holds only the rounds the
// node's machine still keeps at the end (its window, up to its current round).
const sim::RoundTrace* round_trace(const sim::NodeTrace& t, std::uint32_t round);

// "n1-4", "n5-7", "n8-11", "n12+": the node-count band of a case, for RC_TAG.
std::string node_band(std::size_t nodes);

}  // namespace midnight::prop
