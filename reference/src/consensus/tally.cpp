// Vote tally of one (chain, height, round, step).
//
// Order independence: each member's first vote is the only one counted, and weights
// are sums over members, so for a set of votes with at most one vote per member the
// weights, voters and quorum block do not depend on the order of add() calls.
//
// Uniqueness of the quorum block: each member's weight is counted for at most one
// block, so the approve weights of all entries sum to at most the total weight W and
// two entries can never both exceed 2W/3. Within one tally at most one block reaches
// the quorum. Which of an equivocator's votes is counted does depend on arrival order,
// so two nodes' tallies may name different quorum blocks when the equivocating weight
// exceeds W/3; the protocol's honest-majority assumption (equivocating weight below
// W/3) is what makes the quorum block the same on every honest node.
#include "midnight/consensus/tally.hpp"

#include <cassert>

namespace midnight {

const char* ErrorTable<tally_errc>::message(tally_errc e) {
  switch (e) {
    case tally_errc::not_a_member:
      return "voter is not a member";
    case tally_errc::wrong_slot:
      return "vote is for another chain, height, round or step";
  }
  return "unknown tally error";
}

namespace {

constexpr std::uint64_t bit(std::size_t i) { return std::uint64_t{1} << i; }

// Same signed content (the signature itself is not compared: Ed25519 as used here is
// deterministic, and a second signature over the same content is no equivocation).
bool same_content(const Vote& a, const Vote& b) {
  return a.chain_id == b.chain_id && a.height == b.height && a.round == b.round && a.step == b.step &&
         a.block_id == b.block_id && a.approve == b.approve && a.voter == b.voter;
}

}  // namespace

void VoteTally::reset(const Membership& m, const ChainId& chain, std::uint64_t height, std::uint32_t round,
                      VoteStep step) {
  // A fresh value: no stale vote of an earlier use survives, so equal histories give
  // equal objects byte for byte.
  *this = VoteTally{};
  membership_ = &m;
  chain_ = chain;
  height_ = height;
  round_ = round;
  step_ = step;
}

result<TallyUpdate> VoteTally::add(const Vote& v) {
  assert(membership_ != nullptr && "reset() before add()");
  if (v.chain_id != chain_ || v.height != height_ || v.round != round_ || v.step != step_) {
    return tally_errc::wrong_slot;
  }
  const auto index = membership_->index_of(v.voter);
  if (!index) return tally_errc::not_a_member;
  const std::size_t i = *index;
  assert(i < membership_->size() && i < kMaxMembers);

  TallyUpdate update;
  if (voted_ & bit(i)) {
    if (same_content(slots_[i].first, v)) {
      update.outcome = VoteOutcome::duplicate;
      return update;
    }
    // Keep the first conflicting vote only: one pair is proof enough.
    if (!(equivocated_ & bit(i))) {
      slots_[i].second = v;
      equivocated_ |= bit(i);
    }
    update.outcome = VoteOutcome::equivocation;
    return update;
  }

  slots_[i].first = v;
  voted_ |= bit(i);
  update.outcome = VoteOutcome::counted;
  if (!v.approve) return update;  // counts toward voted_weight() only

  std::size_t e = 0;
  while (e < entry_count_ && entries_[e].id != v.block_id) ++e;
  if (e == entry_count_) {
    // One entry per distinct approved block, and each member approves at most one.
    assert(entry_count_ < kMaxMembers);
    entries_[e] = Entry{v.block_id, 0, 0};
    ++entry_count_;
  }
  Entry& entry = entries_[e];
  assert(!(entry.members & bit(i)));
  const std::uint64_t total = membership_->total_weight();
  const bool before = is_quorum(entry.weight, total);
  entry.weight += membership_->member(i).weight;
  entry.members |= bit(i);
  assert(entry.weight <= total);
  const bool after = is_quorum(entry.weight, total);
  if (!before && after) {
    // Weights only grow, so this happens at most once per entry; and (see above) for
    // at most one entry per tally.
    assert(!quorum_entry_.has_value());
    quorum_entry_ = e;
    update.quorum_reached = true;
    update.block_id = entry.id;
  }
  return update;
}

std::uint64_t VoteTally::approve_weight(const BlockId& id) const {
  for (std::size_t e = 0; e < entry_count_; ++e) {
    if (entries_[e].id == id) return entries_[e].weight;
  }
  return 0;
}

std::uint64_t VoteTally::approvers(const BlockId& id) const {
  for (std::size_t e = 0; e < entry_count_; ++e) {
    if (entries_[e].id == id) return entries_[e].members;
  }
  return 0;
}

std::uint64_t VoteTally::voted_weight() const {
  if (membership_ == nullptr) return 0;
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < membership_->size(); ++i) {
    if (voted_ & bit(i)) w += membership_->member(i).weight;
  }
  return w;
}

std::optional<BlockId> VoteTally::quorum_block() const {
  if (!quorum_entry_) return std::nullopt;
  return entries_[*quorum_entry_].id;
}

const Vote* VoteTally::vote_of(std::size_t member) const {
  if (member >= kMaxMembers || !(voted_ & bit(member))) return nullptr;
  return &slots_[member].first;
}

const Evidence* VoteTally::evidence_of(std::size_t member) const {
  if (member >= kMaxMembers || !(equivocated_ & bit(member))) return nullptr;
  return &slots_[member];
}

}  // namespace midnight
