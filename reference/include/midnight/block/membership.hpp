// The masternode set of a height: members in canonical order (ascending public key),
// their weights, and the quorum. Member index = position in that order. make() is the
// set-up step: it allocates the member list once; nothing after it does.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "midnight/core/error_category.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class membership_errc {
  empty = 1,           // no members
  too_many_members,    // more than kMaxMembers
  duplicate_member,    // the same public key twice
  weight_out_of_range, // 0 or above kMaxMemberWeight
  vrf_key_invalid,     // a VRF key fails ECVRF_validate_key (spec/vrf.md §3.7)
  vrf_key_reused,      // a VRF key equals a signing key or another member's VRF key
};

template <>
struct ErrorTable<membership_errc> {
  static constexpr const char* name = "midnight.membership";
  static const char* message(membership_errc e);
};

// The smallest weight strictly greater than two thirds of `total`: floor(2*total/3) + 1.
// Integer arithmetic only. Equal weights: n=1→1, 2→2, 3→3, 4→3, 7→5, 10→7.
constexpr std::uint64_t quorum_threshold(std::uint64_t total) { return total * 2 / 3 + 1; }
// True iff weight > 2/3 of total, i.e. 3*weight > 2*total (no rounding anywhere).
constexpr bool is_quorum(std::uint64_t weight, std::uint64_t total) { return 3 * weight > 2 * total; }
static_assert(kMaxTotalWeight <= UINT64_MAX / 3, "3 * weight must not overflow");
static_assert(quorum_threshold(1) == 1 && quorum_threshold(2) == 2 && quorum_threshold(3) == 3);
static_assert(quorum_threshold(4) == 3 && quorum_threshold(7) == 5 && quorum_threshold(10) == 7);
static_assert(is_quorum(quorum_threshold(6), 6) && !is_quorum(quorum_threshold(6) - 1, 6));

// Which weight finalizes. Only the first is the protocol. The second exists so that the
// safety checks can be shown able to fail: property tests and the TLA+ model
// (tla/MCNegQuorumCeil.cfg) run it as a negative control and must find two honest
// nodes finalizing different blocks. Never use it outside a test.
enum class QuorumRule : std::uint8_t {
  more_than_two_thirds = 0,    // 3 * weight > 2 * total (spec/protocol.md §4)
  unsafe_at_least_two_thirds,  // 3 * weight >= 2 * total, i.e. ceil(2W/3): a negative control
};

// The smallest weight that reaches the quorum under `rule`.
constexpr std::uint64_t quorum_threshold(std::uint64_t total, QuorumRule rule) {
  return rule == QuorumRule::more_than_two_thirds ? quorum_threshold(total) : (2 * total + 2) / 3;
}
static_assert(quorum_threshold(3, QuorumRule::unsafe_at_least_two_thirds) == 2 &&
              quorum_threshold(6, QuorumRule::unsafe_at_least_two_thirds) == 4);

class Membership {
 public:
  // Sorts by key; rejects, in this order: empty, oversized, bad weights, duplicate signing
  // keys, VRF keys that fail validation, and VRF keys that are not distinct from every
  // other key of the membership (signing or VRF): each secret has exactly one role.
  static result<Membership> make(std::span<const Masternode> members,
                                 QuorumRule rule = QuorumRule::more_than_two_thirds);

  std::size_t size() const { return members_.size(); }
  const Masternode& member(std::size_t index) const { return members_[index]; }
  std::span<const Masternode> members() const { return members_; }
  std::uint64_t total_weight() const { return total_weight_; }
  QuorumRule quorum_rule() const { return rule_; }
  // The smallest weight that reaches the quorum, and the test itself (integers only).
  std::uint64_t quorum() const {
    return quorum_threshold(total_weight_, rule_);
  }
  bool reaches_quorum(std::uint64_t weight) const {
    return rule_ == QuorumRule::more_than_two_thirds ? is_quorum(weight, total_weight_)
                                                      : 3 * weight >= 2 * total_weight_;
  }
  // Binary search in canonical order.
  std::optional<std::size_t> index_of(const PublicKey& key) const;

 private:
  std::vector<Masternode> members_;
  std::uint64_t total_weight_ = 0;
  QuorumRule rule_ = QuorumRule::more_than_two_thirds;
};

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(membership_errc)
