// The fixed facts of a simulated chain: node keys, membership, chain id, genesis and the
// mempool. Node keys come from the node index alone (never the run seed), so the same
// node has the same key, and the same block ids can be compared, across runs and seeds.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/rng.hpp"

namespace midnight::sim {

// SHA-256("midnight-sim-node" || u32 big-endian i).
Seed node_seed(std::size_t index);
// SHA-256("midnight-sim-chain") and SHA-256("midnight-sim-genesis").
ChainId sim_chain_id();
BlockId sim_genesis_id();

inline constexpr std::uint64_t kSimHeight = 1;
inline constexpr std::uint64_t kSimMidnightMs = 0;

struct World {
  ChainId chain;
  BlockId prev_id;
  std::vector<Keypair> keys;               // by node index
  Membership membership;                   // canonical order (ascending key)
  std::vector<std::size_t> member_of_node; // node index -> member index
  std::vector<std::size_t> node_of_member; // member index -> node index
  std::vector<std::vector<std::uint8_t>> mempool;  // the transactions, generated from the seed
};

// Builds the world for `config` (which must validate); draws the mempool from `rng`.
World make_world(const SimConfig& config, Rng& rng);

// `world.mempool` as views, in an order shuffled with `rng` (each node has its own order).
std::vector<TxBytes> shuffled_mempool(const World& world, Rng& rng);

}  // namespace midnight::sim
