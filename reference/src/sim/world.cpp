#include "midnight/sim/world.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <array>

#include "midnight/crypto/hash.hpp"

namespace midnight::sim {

namespace {
// A broken invariant of the simulator's own set-up (config validation rules these out).
[[noreturn]] void invariant_failed(const char* what, const std::string& detail) {
  std::fprintf(stderr, "sim: %s %s\n", what, detail.c_str());
  std::abort();
}
}  // namespace

namespace {
// Transactions are short random strings: enough to make blocks non-trivial while
// keeping runs fast.
constexpr std::uint64_t kMinTxBytes = 8;
constexpr std::uint64_t kMaxTxBytes = 200;

Hash32 hash_text(std::string_view text) { return Sha256().update(text).finish(); }

std::vector<std::uint8_t> random_transaction(Rng& rng) {
  std::vector<std::uint8_t> tx(static_cast<std::size_t>(rng.between(kMinTxBytes, kMaxTxBytes)));
  rng.fill(tx);
  return tx;
}
}  // namespace

Seed node_seed(std::size_t index) {
  std::array<std::uint8_t, 4> be{};
  store_u32(be.data(), static_cast<std::uint32_t>(index));
  Seed s;
  s.v = Sha256().update(std::string_view("midnight-sim-node")).update(be).finish().v;
  return s;
}

Seed node_seed(std::uint64_t key_seed, std::size_t index) {
  if (key_seed == 0) return node_seed(index);
  std::array<std::uint8_t, 8> k{};
  store_u64(k.data(), key_seed);
  std::array<std::uint8_t, 4> be{};
  store_u32(be.data(), static_cast<std::uint32_t>(index));
  Seed s;
  s.v = Sha256().update(std::string_view("midnight-sim-node-keyed")).update(k).update(be).finish().v;
  return s;
}

Seed node_vrf_seed(std::uint64_t key_seed, std::size_t index) {
  Seed s;
  s.v = Sha256().update(std::string_view("midnight-sim-node-vrf")).update(node_seed(key_seed, index).span()).finish().v;
  return s;
}

ChainId sim_chain_id() { return hash_text("midnight-sim-chain"); }
BlockId sim_genesis_id() { return hash_text("midnight-sim-genesis"); }

World make_world(const SimConfig& config, Rng& rng) {
  World w;
  w.chain = sim_chain_id();
  w.prev_id = sim_genesis_id();
  std::vector<Masternode> members;
  for (std::size_t i = 0; i < config.nodes; ++i) {
    // A twin holds its original's keys and is no member of its own (config.hpp, twin_of).
    if (config.twin_of != SimConfig::kNoTwin && i + 1 == config.nodes) {
      const Keypair keys = w.keys[config.twin_of];  // a copy: push_back may reallocate
      const VrfKeypair vrf_keys = w.vrf_keys[config.twin_of];
      w.keys.push_back(keys);
      w.vrf_keys.push_back(vrf_keys);
      continue;
    }
    w.keys.push_back(keypair_from_seed(node_seed(config.key_seed, i)));
    w.vrf_keys.push_back(vrf_keypair_from_seed(node_vrf_seed(config.key_seed, i)));
    Masternode m;
    m.key = w.keys.back().public_key;
    m.vrf_key = w.vrf_keys.back().public_key;
    // The reward destination is the key itself: any fixed per-node value would do.
    m.reward_to.v = m.key.v;
    m.weight = config.weights.empty() ? 1 : config.weights[i];
    members.push_back(m);
  }
  // The quorum negative control changes the membership's rule, so every tally and
  // certificate check of the run uses ceil(2W/3) consistently.
  const QuorumRule rule = config.negative_control == NegativeControl::quorum_ceil
                              ? QuorumRule::unsafe_at_least_two_thirds
                              : QuorumRule::more_than_two_thirds;
  auto made = Membership::make(members, rule);
  // validate() rules out every reason make() could fail except a key collision.
  if (!made) invariant_failed("membership rejected", made.error().message());
  w.membership = made.value();
  w.member_of_node.resize(config.nodes);
  w.node_of_member.resize(member_count(config));
  for (std::size_t i = 0; i < config.nodes; ++i) {
    const auto idx = w.membership.index_of(w.keys[i].public_key);
    if (!idx) invariant_failed("member missing from membership", "");
    w.member_of_node[i] = *idx;
    // A twin's member stays its original's: node_of_member names one node per member.
    if (config.twin_of == SimConfig::kNoTwin || i + 1 != config.nodes) w.node_of_member[*idx] = i;
  }
  for (std::size_t t = 0; t < config.mempool_size; ++t) w.mempool.push_back(random_transaction(rng));
  return w;
}

std::vector<TxBytes> shuffled_mempool(const World& world, Rng& rng) {
  std::vector<TxBytes> views;
  views.reserve(world.mempool.size());
  for (const auto& tx : world.mempool) views.emplace_back(tx);
  rng.shuffle(std::span<TxBytes>(views));
  return views;
}

NodeMempool node_mempool(const World& world, double divergence, Rng& rng) {
  NodeMempool out;
  if (divergence <= 0.0) {
    out.views = shuffled_mempool(world, rng);
    return out;
  }
  const auto own_count =
      static_cast<std::size_t>(std::llround(divergence * static_cast<double>(world.mempool.size())));
  out.own.reserve(own_count);
  for (std::size_t t = 0; t < own_count; ++t) out.own.push_back(random_transaction(rng));
  out.views.reserve(world.mempool.size() + own_count);
  for (const auto& tx : world.mempool) {
    if (rng.chance(divergence)) {
      ++out.missing;
    } else {
      out.views.emplace_back(tx);
    }
  }
  for (const auto& tx : out.own) out.views.emplace_back(tx);
  rng.shuffle(std::span<TxBytes>(out.views));
  return out;
}

}  // namespace midnight::sim
