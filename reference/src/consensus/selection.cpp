// Canonical selection: the candidate with the smallest (rank key, block id).
#include "midnight/consensus/selection.hpp"

#include <algorithm>

namespace midnight {

// The block id in the first 32 bytes and zeros after: bytewise order of keys is the
// bytewise order of block ids.
RankKey LowestHashPolicy::rank(const Candidate& c) const {
  RankKey key{};
  std::copy(c.block_id.v.begin(), c.block_id.v.end(), key.v.begin());
  return key;
}

RankKey VrfRankPolicy::rank(const Candidate& c) const {
  static_assert(RankKey::size() == VrfOutput::size(), "beta is the whole key");
  if (c.vrf_output == nullptr) {
    RankKey last;
    last.v.fill(0xff);
    return last;
  }
  return RankKey{c.vrf_output->v};
}

RankKey FirstToQuorumPolicy::rank(const Candidate& c) const {
  // Arrival as a big-endian number in the last four bytes: byte order = numeric order.
  RankKey key{};
  store_u32(key.data() + RankKey::size() - 4, c.arrival);
  return key;
}

std::optional<std::size_t> select_canonical(const SelectionPolicy& policy, std::span<const Candidate> candidates) {
  // A linear scan for the minimum of a total order on (key, block id): the same set of
  // candidates gives the same block whatever order they are stored in. Only entries
  // with equal key and equal block id (the same block) tie; the first is returned.
  std::optional<std::size_t> best;
  RankKey best_key{};
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const RankKey key = policy.rank(candidates[i]);
    if (!best || key < best_key || (key == best_key && candidates[i].block_id < candidates[*best].block_id)) {
      best = i;
      best_key = key;
    }
  }
  return best;
}

std::unique_ptr<SelectionPolicy> make_policy(std::string_view name) {
  if (name == "lowest-hash") return std::make_unique<LowestHashPolicy>();
  if (name == "vrf") return std::make_unique<VrfRankPolicy>();
  if (name == "first-to-quorum") return std::make_unique<FirstToQuorumPolicy>();
  return nullptr;
}

}  // namespace midnight
