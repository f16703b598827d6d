#include "support.hpp"

#include <map>

#include "midnight/block/builder.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::prop {

void assert_safe(const sim::SimResult& r) {
  if (!r.error.empty()) RC_FAIL("the configuration was rejected: " + r.error);
  if (!r.violations.empty()) RC_FAIL("violation: " + r.violations.front());
  RC_ASSERT(r.agreement);
  RC_ASSERT(r.certificates_ok);
  // One block per height, stated again from the records (independently of `agreement`).
  std::map<std::uint64_t, BlockId> block_of_height;
  for (const auto& f : r.finalized) {
    const auto [it, first] = block_of_height.emplace(f.height, f.block_id);
    RC_ASSERT(first || it->second == f.block_id);
  }
  for (const auto& f : r.finalized) RC_ASSERT(f.certificate_ok);
}

std::set<BlockId> finalized_blocks(const sim::SimResult& r) {
  std::set<BlockId> s;
  for (const auto& f : r.finalized) s.insert(f.block_id);
  return s;
}

std::vector<BlockId> own_round0_block_ids(const sim::SimConfig& c) {
  crypto_init();
  sim::Rng rng(c.seed);
  const sim::World w = sim::make_world(c, rng);
  std::vector<TxBytes> views(w.mempool.begin(), w.mempool.end());
  const auto content = build_block_content(w.chain, sim::kSimHeight, w.membership, c.reward_per_height, views);
  std::vector<BlockId> ids;
  for (std::size_t i = 0; i < c.nodes; ++i) {
    const auto h = make_header(w.chain, sim::kSimHeight, 0, w.prev_id, content.merkle_root,
                               round_start_ms(sim::kSimMidnightMs, c.timing, 0), w.keys[i].public_key);
    ids.push_back(compute_block_id(h));
  }
  return ids;
}

std::vector<VrfOutput> own_vrf_outputs(const sim::SimConfig& c, std::uint32_t round) {
  crypto_init();
  sim::Rng rng(c.seed);
  const sim::World w = sim::make_world(c, rng);
  const auto alpha = vrf_input(w.chain, sim::kSimHeight, round, w.prev_id);
  std::vector<VrfOutput> out;
  for (std::size_t i = 0; i < c.nodes; ++i)
    out.push_back(ecvrf_proof_to_hash(ecvrf_prove(w.vrf_keys[i].secret_key, alpha).value()).value());
  return out;
}

std::uint64_t round_start(const sim::SimConfig& c, std::uint32_t r) {
  return round_start_ms(sim::kSimMidnightMs, c.timing, r);
}

std::uint32_t first_round_from(const sim::SimConfig& c, std::uint64_t t) {
  if (t <= sim::kSimMidnightMs) return 0;
  const std::uint32_t r = round_at_ms(sim::kSimMidnightMs, c.timing, t);  // S(r) <= t < S(r + 1)
  return round_start(c, r) == t ? r : r + 1;
}

const sim::RoundTrace* round_trace(const sim::NodeTrace& t, std::uint32_t round) {
  for (const auto& rt : t.rounds)
    if (rt.round == round) return &rt;
  return nullptr;
}

std::string node_band(std::size_t nodes) {
  if (nodes <= 4) return "n1-4";
  if (nodes <= 7) return "n5-7";
  if (nodes <= 11) return "n8-11";
  return "n12+";
}

}  // namespace midnight::prop
