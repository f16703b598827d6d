// The fixed facts of a simulated chain: node keys, membership, chain id, genesis and the
// mempool. Node keys never come from the run seed: with key_seed 0 they come from the node
// index alone, so the same node has the same key, and the same block ids can be compared,
// across runs and seeds; a nonzero key_seed gives every node another key, so that which
// index ranks first under policy B (or holds the lowest block id) varies between runs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/rng.hpp"

namespace midnight::sim {

// SHA-256("midnight-sim-node" || u32 big-endian i).
Seed node_seed(std::size_t index);
// The seed of node i's key in a run with SimConfig::key_seed k: node_seed(i) when k is 0
// (so every digest and vector of a configuration without key_seed stays as it was),
// otherwise SHA-256("midnight-sim-node-keyed" || u64 big-endian k || u32 big-endian i),
// another domain so that no nonzero k gives index-only keys. make_world and the property
// helpers that predict blocks and VRF outputs both call this.
Seed node_seed(std::uint64_t key_seed, std::size_t index);
// The seed of node i's VRF key: SHA-256("midnight-sim-node-vrf" || node_seed(key_seed, i)),
// so that the VRF key is never the signing key (spec/vrf.md §6) and follows key_seed.
Seed node_vrf_seed(std::uint64_t key_seed, std::size_t index);
// SHA-256("midnight-sim-chain") and SHA-256("midnight-sim-genesis").
ChainId sim_chain_id();
BlockId sim_genesis_id();

inline constexpr std::uint64_t kSimHeight = 1;
inline constexpr std::uint64_t kSimMidnightMs = 0;

struct World {
  ChainId chain;
  BlockId prev_id;
  std::vector<Keypair> keys;               // by node index
  std::vector<VrfKeypair> vrf_keys;        // by node index
  Membership membership;                   // canonical order (ascending key)
  std::vector<std::size_t> member_of_node; // node index -> member index
  std::vector<std::size_t> node_of_member; // member index -> node index
  std::vector<std::vector<std::uint8_t>> mempool;  // the transactions, generated from the seed
};

// Builds the world for `config` (which must validate); draws the mempool from `rng`.
World make_world(const SimConfig& config, Rng& rng);

// `world.mempool` as views, in an order shuffled with `rng` (each node has its own order).
std::vector<TxBytes> shuffled_mempool(const World& world, Rng& rng);

// One honest node's snapshot when honest mempools diverge (SimConfig::mempool_divergence
// = P, spec/claims.md §3): each transaction of world.mempool is missing with probability P,
// independently per node, and the node holds round(P * |pool|) transactions of its own
// that no other node has (random bytes like the pool's); all in an order shuffled with
// `rng`. With P = 0 it is shuffled_mempool, with the same draws.
struct NodeMempool {
  std::vector<std::vector<std::uint8_t>> own;  // storage of the node's own transactions
  std::vector<TxBytes> views;                  // the snapshot: the kept pool and `own`
  std::size_t missing = 0;                     // transactions of the pool it lacks
};
NodeMempool node_mempool(const World& world, double divergence, Rng& rng);

}  // namespace midnight::sim
