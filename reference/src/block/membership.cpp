// The masternode set of a height, in canonical order (ascending public key).
#include "midnight/block/membership.hpp"
#include "midnight/core/invariant.hpp"
#include "midnight/crypto/ecvrf.hpp"

#include <algorithm>

namespace midnight {

const char* ErrorTable<membership_errc>::message(membership_errc e) {
  switch (e) {
    case membership_errc::empty:
      return "membership has no members";
    case membership_errc::too_many_members:
      return "membership has more than kMaxMembers members";
    case membership_errc::duplicate_member:
      return "the same public key appears twice in the membership";
    case membership_errc::weight_out_of_range:
      return "member weight is 0 or above kMaxMemberWeight";
    case membership_errc::vrf_key_invalid:
      return "a member's VRF key is not a valid ECVRF public key (not a canonical curve point, or of small order)";
    case membership_errc::vrf_key_reused:
      return "a member's VRF key equals a signing key or another member's VRF key";
  }
  return "unknown membership error";
}

result<Membership> Membership::make(std::span<const Masternode> members, QuorumRule rule) {
  if (members.empty()) return membership_errc::empty;
  if (members.size() > kMaxMembers) return membership_errc::too_many_members;
  for (const Masternode& mn : members) {
    if (mn.weight == 0 || mn.weight > kMaxMemberWeight) return membership_errc::weight_out_of_range;
  }

  Membership out;
  out.members_.assign(members.begin(), members.end());
  auto used = std::span<Masternode>(out.members_);
  std::sort(used.begin(), used.end(), [](const Masternode& a, const Masternode& b) { return a.key < b.key; });
  // Sorted, so duplicates are adjacent.
  auto dup = std::adjacent_find(used.begin(), used.end(),
                                [](const Masternode& a, const Masternode& b) { return a.key == b.key; });
  if (dup != used.end()) return membership_errc::duplicate_member;
  for (const Masternode& mn : used) {
    if (!ecvrf_validate_key(mn.vrf_key)) return membership_errc::vrf_key_invalid;
  }
  // Signing keys are distinct (above); all 2n keys must be. Set-up, so a sorted copy is fine.
  std::vector<PublicKey> keys;
  keys.reserve(2 * used.size());
  for (const Masternode& mn : used) {
    keys.push_back(mn.key);
    keys.push_back(mn.vrf_key);
  }
  std::sort(keys.begin(), keys.end());
  if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return membership_errc::vrf_key_reused;

  std::uint64_t total = 0;
  for (const Masternode& mn : used) total += mn.weight;  // <= kMaxTotalWeight: no overflow
  MIDNIGHT_INVARIANT(total <= kMaxTotalWeight);
  out.total_weight_ = total;
  out.rule_ = rule;
  return out;
}

std::optional<std::size_t> Membership::index_of(const PublicKey& key) const {
  auto used = members();
  auto it = std::lower_bound(used.begin(), used.end(), key,
                             [](const Masternode& m, const PublicKey& k) { return m.key < k; });
  if (it == used.end() || it->key != key) return std::nullopt;
  return static_cast<std::size_t>(it - used.begin());
}

}  // namespace midnight
