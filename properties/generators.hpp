// RapidCheck generators for the simulator's configuration (sim::SimConfig) and for the
// wire messages, shared by every property in properties/.
//
// Composable by design: each generator makes one part of a configuration, and the parts
// are combined in gen::exec. A property that needs a new combination writes
//
//   const auto config = *rc::gen::exec([] {
//     sim::SimConfig c;
//     apply(c, *gen_membership(4, 16));
//     apply(c, *gen_byzantine(c));                       // strictly under a third of the weight
//     apply(c, *gen_network({.max_latency_ms = 400}));   // latency, loss, duplication
//     c.partitions.push_back(*gen_partition(c.nodes, 6000));
//     c.seed = *gen_seed();
//     return c;
//   });
//
// and RapidCheck shows the failing SimConfig with operator<< below, including the
// `midnight simulate` command line that replays the same run when the flags can express
// it (simulate_command()).
//
// Cost. A run's cost is dominated by Ed25519 verification, and every finalizing node
// sends its commit (a certificate of about 2n/3 signatures) to every other node, so a
// run costs roughly n^3 verifications: about 10 ms for 4 nodes and 0.6 s for 16 nodes
// in a release build on the reference machine. gen_node_count() therefore draws most
// memberships small (1-4 nodes) and few large, and lets the largest ones appear only
// once RapidCheck's size has grown (size runs 0..max_size over a property's cases), so
// 1000 cases of a property stay within about 30 s (release) and 90 s (debug-asan).
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "midnight/block/builder.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::prop {

// ---- bounds the generators keep to ---------------------------------------------------
inline constexpr std::size_t kMaxPropNodes = 16;
inline constexpr std::uint64_t kMaxPropWeight = 10;  // far below kMaxMemberWeight: small sums read well
inline constexpr std::size_t kMaxPropMempool = 24;
inline constexpr std::size_t kMinPropSketchMempool = 60;   // blocks a sketch pays for
inline constexpr std::size_t kMaxPropSketchMempool = 120;
// Rounds are unbounded (a height is retried until it decides), a generated run is not:
// every simulated property sets SimConfig::max_rounds, at most this many rounds.
inline constexpr std::uint32_t kMaxPropRounds = 16;

// ---- the parts of a configuration ----------------------------------------------------

// Who the members are: `nodes` members, all of weight 1 (`weights` empty) or one weight
// per node index.
struct Members {
  std::size_t nodes = 1;
  std::vector<std::uint64_t> weights;
};

// The simulator makes the LAST `count` node indices Byzantine, all in `mode`, or, when
// `modes` is not empty (a mixed coalition), each in its own: one per member, in node order.
struct Byzantine {
  std::size_t count = 0;
  sim::ByzantineMode mode = sim::ByzantineMode::equivocate;
  std::vector<sim::ByzantineMode> modes;
};

// Per-message latency uniform in [latency_min_ms, latency_max_ms], each message lost
// with probability `drop` and sent twice with probability `duplicate` (each copy has
// its own latency, so the network reorders messages whenever latency_min < latency_max).
struct NetworkSchedule {
  std::uint64_t latency_min_ms = 20;
  std::uint64_t latency_max_ms = 200;
  double drop = 0.0;
  double duplicate = 0.0;
};

// Extra latency slow_ms on every message to or from one of `nodes`.
struct SlowNodes {
  std::vector<std::size_t> nodes;
  std::uint64_t slow_ms = 4000;
};

void apply(sim::SimConfig& c, const Members& m);   // nodes, weights
void apply(sim::SimConfig& c, const Byzantine& b);  // byzantine, byzantine_mode, byzantine_modes
void apply(sim::SimConfig& c, const NetworkSchedule& n);
void apply(sim::SimConfig& c, const SlowNodes& s);

// ---- generators of the parts ---------------------------------------------------------

// A node count in [lo, hi] (1 <= lo <= hi <= kMaxMembers), biased small for cost: the
// band 1-4 with weight 66, 5-7 with 24, 8-11 with 7 and 12 and above with 3 (the parts of bands
// inside [lo, hi], uniform within a band), and never above lo + 2 + (hi - lo) * size / 100
// for RapidCheck's size: of 1000 cases of gen_node_count(1, 16) about 70 % have 1-4
// nodes, 5 % 8-11 and 1-2 % 12-16.
rc::Gen<std::size_t> gen_node_count(std::size_t lo = 1, std::size_t hi = kMaxPropNodes);

// gen_node_count(lo, hi) members; half the time all of weight 1, a quarter of the time
// each of weight 1..max_weight, a quarter each of a tier weight 1, 10, 100 or 1000 (the
// origin node's tiers; only when max_weight > 1).
rc::Gen<Members> gen_membership(std::size_t lo = 1, std::size_t hi = kMaxPropNodes,
                                std::uint64_t max_weight = kMaxPropWeight);

// Byzantine members for c's membership (c.nodes and c.weights must be set): the last
// `count` indices, whose weight is strictly under a third of the total (3f < W); count
// is 0 about half the time (and always when no non-empty suffix is light enough). The
// mode is one of `modes` (default: withhold, garbage, equivocate and mirror).
rc::Gen<Byzantine> gen_byzantine(const sim::SimConfig& c, std::vector<sim::ByzantineMode> modes = {});

// Silent members for c's membership (c.nodes and c.weights set): Byzantine members that
// withhold everything (spec/claims.md §3.1), 1 to the largest count whose weight is
// strictly under a third, so that the honest members hold a quorum; none when no
// non-empty suffix is that light.
rc::Gen<Byzantine> gen_silent(const sim::SimConfig& c);

// The largest `count` such that the last `count` node indices of c hold weight f with
// 3f < W, or with 3f <= W when `include_a_third` (0 if none does).
std::size_t max_byzantine_count(const sim::SimConfig& c, bool include_a_third);

// Any network: latency_max in [0, max_latency_ms], latency_min in [0, latency_max], loss
// in [0, max_drop] and duplication in [0, max_duplicate], each in hundredths and 0 about
// a third of the time.
struct NetworkSpec {
  std::uint64_t max_latency_ms = 400;
  double max_drop = 0.3;
  double max_duplicate = 0.3;
};
rc::Gen<NetworkSchedule> gen_network(NetworkSpec spec = {});
// A synchronous network: no loss, latency at most max_latency_ms (the Δ of
// spec/claims.md §3.1), duplication up to 0.3.
rc::Gen<NetworkSchedule> gen_synchronous_network(std::uint64_t max_latency_ms);

// A partition of nodes >= 2: side_a is a non-empty proper subset of 0..nodes-1 (half
// the time a prefix 0..k-1, `--partition k|n-k` on the command line, otherwise any
// subset, `--partition i,j,...@START-HEAL`);
// start_ms is 0 a third of the time, otherwise in [0, horizon_ms]; heal_ms in
// [start_ms, horizon_ms].
rc::Gen<sim::Partition> gen_partition(std::size_t nodes, std::uint64_t horizon_ms);
// A side for a partition of c's membership (c.nodes >= 2) that holds a quorum of the
// weight while the rest is non-empty, when there is one: nodes taken in a generated order
// until their weight is a quorum. Empty when no proper subset is a quorum.
rc::Gen<std::vector<std::size_t>> gen_quorum_side(const sim::SimConfig& c);

// A non-empty set of slow nodes among 0..nodes-1 whose removal leaves the rest of c's
// membership a quorum (c.nodes, c.weights set; such a node must exist, see
// can_have_slow_node()), at most max_count of them, with slow_ms in
// [min_slow_ms, max_slow_ms].
rc::Gen<SlowNodes> gen_slow_nodes(const sim::SimConfig& c, std::size_t max_count, std::uint64_t min_slow_ms,
                                  std::uint64_t max_slow_ms);
bool can_have_slow_node(const sim::SimConfig& c);

// Crashes (never restarted) of up to max_count distinct honest nodes of c at times in
// [0, horizon_ms]; empty about half the time.
rc::Gen<std::vector<sim::Crash>> gen_crashes(const sim::SimConfig& c, std::size_t max_count,
                                              std::uint64_t horizon_ms);

// True with the given probability in percent, whatever RapidCheck's size (gen::inRange
// narrows its range at small sizes, so `*inRange(0, 3) == 0` is not a fixed chance).
rc::Gen<bool> gen_chance(int percent);

// A permutation of 0..n-1 (Fisher-Yates over generated indices).
rc::Gen<std::vector<std::size_t>> gen_permutation(std::size_t n);

rc::Gen<sim::Policy> gen_policy();                   // lowest-hash, first-to-quorum or vrf, equally often
rc::Gen<std::uint64_t> gen_seed();                   // any 64-bit seed
// SimConfig::key_seed: 0 (each node's key from its index alone, as the fixed scenarios and
// the vectors use) about a sixth of the time, any 64-bit value otherwise, so which node
// holds the lowest block id or VRF output, honest or Byzantine, varies between cases.
rc::Gen<std::uint64_t> gen_key_seed();
rc::Gen<std::size_t> gen_mempool_size();             // 0..kMaxPropMempool, small more often; sometimes 60..120
// SimConfig::mempool_divergence: 0 half the time, else 0.01, 0.05, 0.2 or 0.5.
rc::Gen<double> gen_mempool_divergence();
rc::Gen<std::uint32_t> gen_max_rounds(std::uint32_t lo, std::uint32_t hi);  // within 1..kMaxPropRounds
// The default timing (1000/1000/1000 ms, each step 500 ms longer a round) 70 % of the
// time, otherwise each phase in [min_phase_ms, 1500] ms and the increment in [0, 1000] ms
// (`midnight simulate --timing C,P,Q,INCREMENT`); an increment of 0 gives every round the
// same length. Steps only grow, so round 0's are the shortest of a run.
rc::Gen<RoundTiming> gen_timing(std::uint64_t min_phase_ms = 200);

// A whole configuration, for properties that hold under the fault model whatever the
// network: membership, Byzantine members under a third, any network, up to one
// partition, slow nodes and crashes (each about a third of the time), any policy.
struct SimSpec {
  std::size_t min_nodes = 1;
  std::size_t max_nodes = kMaxPropNodes;
  bool byzantine = true;
  bool partitions = true;
  bool slow_nodes = true;
  bool crashes = true;
  bool any_policy = true;  // false: lowest-hash only
  NetworkSpec network{};
  std::uint32_t min_rounds = 1;
  std::uint32_t max_rounds = 4;
};
rc::Gen<sim::SimConfig> gen_sim_config(SimSpec spec = {});

// ---- facts about a configuration -----------------------------------------------------
std::uint64_t weight_of(const sim::SimConfig& c, std::size_t node);
std::uint64_t weight_of(const sim::SimConfig& c, std::span<const std::size_t> nodes);
std::uint64_t total_weight(const sim::SimConfig& c);
bool is_byzantine(const sim::SimConfig& c, std::size_t node);
bool is_slow(const sim::SimConfig& c, std::size_t node);
bool on_side_a(const sim::Partition& p, std::size_t node);
// Weight of the side of `node` in partition p.
std::uint64_t side_weight(const sim::SimConfig& c, const sim::Partition& p, std::size_t node);

// `midnight simulate ... --seed S` replaying exactly this configuration, or empty with
// `why` set when a field has no flag (the reward, which no property varies, and a
// partition with an empty side, which none generates).
std::string simulate_command(const sim::SimConfig& c, std::string* why = nullptr);
// The shortest decimal that reads back as x (probabilities on the command line).
std::string format_number(double x);

// ---- wire values -----------------------------------------------------------------------
template <std::size_t N>
rc::Gen<Bytes<N>> gen_bytes() {
  return rc::gen::map(rc::gen::container<std::vector<std::uint8_t>>(N, rc::gen::arbitrary<std::uint8_t>()),
                      [](const std::vector<std::uint8_t>& v) {
                        Bytes<N> b;
                        std::copy(v.begin(), v.end(), b.v.begin());
                        return b;
                      });
}
// Any header the codec accepts (version kHeaderVersion, every other field arbitrary).
rc::Gen<BlockHeader> gen_header();
rc::Gen<Proposal> gen_proposal();  // any header, signature and VRF proof bytes
// Any vote the codec accepts: an approving vote names a non-zero block.
rc::Gen<Vote> gen_vote();
// Any certificate the codec accepts: 1..kMaxMembers signatures (few more often),
// voters strictly ascending; signatures are arbitrary bytes (the codec does not verify).
rc::Gen<Certificate> gen_certificate();
// A block body the codec accepts for `chain`: a coinbase of any bytes, then distinct
// transactions (1..max_tx_bytes bytes each) strictly ascending by txid.
rc::Gen<std::vector<std::vector<std::uint8_t>>> gen_block_transactions(const ChainId& chain,
                                                                       std::size_t max_count = 12,
                                                                       std::size_t max_tx_bytes = 300);

}  // namespace midnight::prop

// Shown by RapidCheck for a failing case (found by argument-dependent lookup).
namespace midnight::sim {
std::ostream& operator<<(std::ostream& os, const SimConfig& c);
void showValue(const SimConfig& c, std::ostream& os);
}  // namespace midnight::sim
namespace midnight {
template <std::size_t N>
void showValue(const Bytes<N>& b, std::ostream& os) {
  os << to_hex(b);
}
void showValue(const BlockHeader& h, std::ostream& os);
void showValue(const Proposal& p, std::ostream& os);
void showValue(const Vote& v, std::ostream& os);
void showValue(const Certificate& c, std::ostream& os);
}  // namespace midnight
namespace midnight::prop {
std::ostream& operator<<(std::ostream& os, const Members& m);
std::ostream& operator<<(std::ostream& os, const Byzantine& b);
std::ostream& operator<<(std::ostream& os, const NetworkSchedule& n);
std::ostream& operator<<(std::ostream& os, const SlowNodes& s);
}  // namespace midnight::prop
