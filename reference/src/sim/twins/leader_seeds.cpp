#include "midnight/sim/twins/leader_seeds.hpp"

#include "midnight/crypto/ecvrf.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::sim::twins {

namespace {
std::size_t sequence_number(const std::vector<std::size_t>& leaders, std::size_t members) {
  std::size_t n = 0;
  for (std::size_t r = leaders.size(); r-- > 0;) n = n * members + leaders[r];
  return n;
}
}  // namespace

std::vector<std::size_t> leaders_of(std::uint64_t key_seed, std::size_t members, std::uint32_t rounds) {
  std::vector<VrfKeypair> keys;
  for (std::size_t i = 0; i < members; ++i) keys.push_back(vrf_keypair_from_seed(node_vrf_seed(key_seed, i)));
  std::vector<std::size_t> leaders;
  for (std::uint32_t r = 0; r < rounds; ++r) {
    const VrfInput alpha = vrf_input(sim_chain_id(), kSimHeight, r, sim_genesis_id());
    std::optional<VrfOutput> best;
    std::size_t leader = 0;
    for (std::size_t i = 0; i < members; ++i) {
      // Proving with a key pair of our own making cannot fail; a failure would be a
      // broken library, and a leader of node 0 then only mislabels a scenario.
      const auto proof = ecvrf_prove(keys[i].secret_key, alpha);
      if (!proof) continue;
      const auto beta = ecvrf_proof_to_hash(proof.value());
      if (!beta) continue;
      if (!best || beta.value().v < best->v) {
        best = beta.value();
        leader = i;
      }
    }
    leaders.push_back(leader);
  }
  return leaders;
}

std::optional<LeaderSeeds> LeaderSeeds::search(std::size_t members, std::uint32_t rounds, std::uint64_t max_tries) {
  LeaderSeeds out;
  out.members_ = members;
  std::size_t sequences = 1;
  for (std::uint32_t r = 0; r < rounds; ++r) sequences *= members;
  out.seeds_.assign(sequences, 0);  // 0: not found yet (key seed 0 is the index-only keys)
  std::size_t missing = sequences;
  for (std::uint64_t k = 1; k <= max_tries && missing > 0; ++k) {
    ++out.tries_;
    std::uint64_t& slot = out.seeds_[sequence_number(leaders_of(k, members, rounds), members)];
    if (slot == 0) {
      slot = k;
      --missing;
    }
  }
  if (missing > 0) return std::nullopt;
  return out;
}

std::uint64_t LeaderSeeds::key_seed(const std::vector<std::size_t>& leaders) const {
  return seeds_[sequence_number(leaders, members_)];
}

}  // namespace midnight::sim::twins
