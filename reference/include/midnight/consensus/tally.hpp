// Vote tally of one (chain, height, round, step): a member set of who voted, approve
// weight per block id (indexed by block id, not scanned), and equivocation evidence. A member's weight counts at
// most once toward any block: its first vote, and its first conflicting vote (kept as
// evidence) toward the block that one approves (see tally.cpp for why). Each block's
// weight crosses the quorum at most once, reported by the add() that crossed it.
// Integer arithmetic only. Storage is sized once for the membership (prepare); reset()
// and add() allocate nothing.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/core/block_id_index.hpp"
#include "midnight/core/member_set.hpp"
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
  // Set-up: sizes the storage for the membership, which must outlive the tally. The only
  // call that allocates.
  void prepare(const Membership& m);
  // Empties the tally for a new (chain, height, round, step) of the prepared membership
  // (preparing it first if it is another one). Equal histories give equal tallies.
  void reset(const Membership& m, const ChainId& chain, std::uint64_t height, std::uint32_t round, VoteStep step);

  // The caller has verified the signature. Errors leave the tally unchanged.
  result<TallyUpdate> add(const Vote& v);

  std::uint64_t approve_weight(const BlockId& id) const;
  std::uint64_t voted_weight() const { return voted_weight_; }  // weight of members with a counted vote
  const MemberSet& voters() const { return voted_; }
  const MemberSet& equivocators() const { return equivocated_; }
  // Distinct block ids approved so far (first votes and evidence).
  std::size_t approved_blocks() const { return entry_count_; }
  // Heap bytes of the storage prepare() sized.
  std::size_t memory_bytes() const {
    return voted_.memory_bytes() + equivocated_.memory_bytes() + slots_.capacity() * sizeof(Evidence) +
           entries_.capacity() * sizeof(Entry) + by_block_.memory_bytes();
  }
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
  bool member_in_range(std::size_t member) const { return member < voted_.size(); }
  struct Entry {
    BlockId id;
    std::uint64_t weight = 0;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  const Membership* membership_ = nullptr;
  ChainId chain_;
  std::uint64_t height_ = 0;
  std::uint32_t round_ = 0;
  VoteStep step_ = VoteStep::prevote;
  MemberSet voted_;
  MemberSet equivocated_;
  std::uint64_t voted_weight_ = 0;
  // slots_[i].first is member i's counted vote (valid when i is in voted_);
  // slots_[i].second its first conflicting vote (valid when i is in equivocated_).
  // Stored as Evidence so evidence_of() can point at it. One per member.
  std::vector<Evidence> slots_;
  // One per distinct approved block id, in order of first approval; by_block_ finds them.
  // A member approves at most two blocks (its vote and its evidence), so 2n entries hold
  // every case; n is kept, which only more than half the members equivocating can fill.
  std::vector<Entry> entries_;
  std::size_t entry_count_ = 0;
  BlockIdIndex by_block_;
  std::optional<std::size_t> quorum_entry_;
};

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(tally_errc)
