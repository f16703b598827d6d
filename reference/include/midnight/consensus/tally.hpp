// Vote tally of one (chain, height, round, step): a member-indexed bitset of who voted,
// approve weight per block id, and equivocation evidence. A member's weight counts at
// most once toward any block: its first vote, and its first conflicting vote (kept as
// evidence) toward the block that one approves (see tally.cpp for why). Each block's
// weight crosses the quorum at most once, reported by the add() that crossed it.
// Integer arithmetic only; no allocation.
#pragma once
#include <array>
#include <cstdint>
#include <optional>

#include "midnight/block/membership.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class tally_errc {
  not_a_member = 1,  // the voter key is not in the membership
  wrong_slot,        // chain, height, round or step differ from this tally's
};

template <>
struct ErrorTable<tally_errc> {
  static constexpr const char* name = "midnight.tally";
  static const char* message(tally_errc e);
};

enum class VoteOutcome : std::uint8_t {
  counted,       // first vote of this member: counted
  duplicate,     // identical to the member's counted vote: nothing changes
  equivocation,  // differs from the member's first vote: kept as evidence (see tally.cpp)
};

struct TallyUpdate {
  VoteOutcome outcome = VoteOutcome::counted;
  bool quorum_reached = false;  // this vote made block_id's approve weight cross the quorum
  BlockId block_id;             // meaningful when quorum_reached
};

// Two different signed votes of one member for one (height, round, step).
struct Evidence {
  Vote first;
  Vote second;
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

class VoteTally {
 public:
  // The membership must outlive the tally.
  void reset(const Membership& m, const ChainId& chain, std::uint64_t height, std::uint32_t round, VoteStep step);

  // The caller has verified the signature. Errors leave the tally unchanged.
  result<TallyUpdate> add(const Vote& v);

  std::uint64_t approve_weight(const BlockId& id) const;
  std::uint64_t approvers(const BlockId& id) const;  // member bitset
  std::uint64_t voted_weight() const;                // weight of members with a counted vote
  std::uint64_t voters() const { return voted_; }
  std::uint64_t equivocators() const { return equivocated_; }
  // The first block whose approve weight reached the quorum, if any.
  std::optional<BlockId> quorum_block() const;
  const Vote* vote_of(std::size_t member) const;  // the member's first vote
  // The member's signed vote approving `id` (its first or its conflicting one), if any.
  const Vote* approving_vote(std::size_t member, const BlockId& id) const;
  const Evidence* evidence_of(std::size_t member) const;

  const ChainId& chain() const { return chain_; }
  std::uint64_t height() const { return height_; }
  std::uint32_t round() const { return round_; }
  VoteStep step() const { return step_; }

  friend bool operator==(const VoteTally&, const VoteTally&) = default;

 private:
  void credit(const BlockId& id, std::size_t member, TallyUpdate& update);
  struct Entry {
    BlockId id;
    std::uint64_t weight = 0;
    std::uint64_t members = 0;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  const Membership* membership_ = nullptr;
  ChainId chain_;
  std::uint64_t height_ = 0;
  std::uint32_t round_ = 0;
  VoteStep step_ = VoteStep::prevote;
  std::uint64_t voted_ = 0;
  std::uint64_t equivocated_ = 0;
  // slots_[i].first is member i's counted vote (valid when bit i of voted_ is set);
  // slots_[i].second its first conflicting vote (valid when bit i of equivocated_ is set).
  // Stored as Evidence so evidence_of() can point at it.
  std::array<Evidence, kMaxMembers> slots_{};
  std::array<Entry, kMaxMembers> entries_{};  // one per distinct approved block id
  std::size_t entry_count_ = 0;
  std::optional<std::size_t> quorum_entry_;
  static_assert(kMaxMembers <= 64, "member bitsets are one 64-bit word");
};

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(tally_errc)
