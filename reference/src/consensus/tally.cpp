// Vote tally of one (chain, height, round, step).
//
// Counting rule: a member's weight counts at most once toward any one block, and once
// toward voted_weight(). Its first vote is counted; its first conflicting vote is kept
// as evidence and, if it approves another block, also counts toward that block. That is
// sound because the quorum-intersection argument (spec/protocol.md §6) already lets a
// Byzantine member sign for both blocks; it is needed for liveness, because otherwise a
// polka that includes an equivocator's vote is visible only to the nodes that happened
// to receive that vote first, and locked and unlocked honest nodes can stay split.
//
// Order independence: for a set of votes with at most one vote per member the weights,
// voters and quorum block do not depend on the order of add() calls. With equivocators
// the set of counted votes depends on arrival order (only two per member are kept).
//
// Uniqueness of the quorum block: two blocks with a quorum each share weight > W/3, so
// more than a third of the weight equivocated. Under the fault model (f < W/3) at most
// one block per tally reaches the quorum; beyond it quorum_block() names the first.
#include "midnight/consensus/tally.hpp"
#include "midnight/core/invariant.hpp"


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

// Same signed content (the signature itself is not compared: Ed25519 as used here is
// deterministic, and a second signature over the same content is no equivocation).
bool same_content(const Vote& a, const Vote& b) {
  return a.chain_id == b.chain_id && a.height == b.height && a.round == b.round && a.step == b.step &&
         a.block_id == b.block_id && a.approve == b.approve && a.voter == b.voter;
}

}  // namespace

void VoteTally::prepare(const Membership& m) {
  membership_ = &m;
  const std::size_t n = m.size();
  voted_.resize(n);
  equivocated_.resize(n);
  voted_weight_ = 0;
  slots_.assign(n, Evidence{});
  entries_.assign(n, Entry{});
  entry_count_ = 0;
  by_block_.reserve(n);
  quorum_entry_.reset();
}

void VoteTally::reset(const Membership& m, const ChainId& chain, std::uint64_t height, std::uint32_t round,
                      VoteStep step) {
  if (membership_ != &m || slots_.size() != m.size()) {
    prepare(m);
  } else {
    // Back to the prepared value: only what the last use wrote is cleared, so equal
    // histories give equal objects, and the cost is that of the votes held, not of n.
    voted_.for_each([&](std::size_t i) { slots_[i] = Evidence{}; });
    voted_.clear();
    equivocated_.clear();
    voted_weight_ = 0;
    for (std::size_t e = 0; e < entry_count_; ++e) entries_[e] = Entry{};
    entry_count_ = 0;
    by_block_.clear();
    quorum_entry_.reset();
  }
  chain_ = chain;
  height_ = height;
  round_ = round;
  step_ = step;
}

result<TallyUpdate> VoteTally::add(const Vote& v) {
  MIDNIGHT_INVARIANT(membership_ != nullptr && "reset() before add()");
  if (v.chain_id != chain_ || v.height != height_ || v.round != round_ || v.step != step_) {
    return tally_errc::wrong_slot;
  }
  const auto index = membership_->index_of(v.voter);
  if (!index) return tally_errc::not_a_member;
  const std::size_t i = *index;
  MIDNIGHT_INVARIANT(i < membership_->size() && i < slots_.size());

  TallyUpdate update;
  if (voted_.contains(i)) {
    if (same_content(slots_[i].first, v) || (equivocated_.contains(i) && same_content(slots_[i].second, v))) {
      update.outcome = VoteOutcome::duplicate;
      return update;
    }
    update.outcome = VoteOutcome::equivocation;
    // Keep the first conflicting vote only: one pair is proof enough, and a bounded
    // store. A third different vote changes nothing.
    if (equivocated_.contains(i)) return update;
    slots_[i].second = v;
    equivocated_.insert(i);
    // Two approving votes of one member with different content name different blocks
    // (everything else in them is this tally's), so a member credits a block once.
    MIDNIGHT_INVARIANT(!(v.approve && slots_[i].first.approve && slots_[i].first.block_id == v.block_id));
    if (v.approve) credit(v.block_id, i, update);
    return update;
  }

  slots_[i].first = v;
  voted_.insert(i);
  voted_weight_ += membership_->member(i).weight;
  update.outcome = VoteOutcome::counted;
  if (v.approve) credit(v.block_id, i, update);  // otherwise counts toward voted_weight() only
  return update;
}

void VoteTally::credit(const BlockId& id, std::size_t i, TallyUpdate& update) {
  std::size_t e = 0;
  if (const auto found = by_block_.find(id)) {
    e = *found;
  } else {
    // Bounded by the reserve (n distinct ids): past it, more than half the members
    // equivocated, and the vote is kept as evidence without weight.
    if (entry_count_ == entries_.size()) return;
    e = entry_count_++;
    entries_[e] = Entry{id, 0};
    [[maybe_unused]] const bool inserted = by_block_.insert(id, static_cast<std::uint32_t>(e));
    MIDNIGHT_INVARIANT(inserted);
  }
  Entry& entry = entries_[e];
  [[maybe_unused]] const std::uint64_t total = membership_->total_weight();
  const bool before = membership_->reaches_quorum(entry.weight);
  entry.weight += membership_->member(i).weight;
  MIDNIGHT_INVARIANT(entry.weight <= total);
  if (!before && membership_->reaches_quorum(entry.weight)) {
    // Weights only grow, so this happens at most once per entry.
    if (!quorum_entry_) quorum_entry_ = e;
    update.quorum_reached = true;
    update.block_id = entry.id;
  }
}

const Vote* VoteTally::approving_vote(std::size_t member, const BlockId& id) const {
  if (!member_in_range(member)) return nullptr;
  if (voted_.contains(member) && slots_[member].first.approve && slots_[member].first.block_id == id) {
    return &slots_[member].first;
  }
  if (equivocated_.contains(member) && slots_[member].second.approve && slots_[member].second.block_id == id) {
    return &slots_[member].second;
  }
  return nullptr;
}

std::uint64_t VoteTally::approve_weight(const BlockId& id) const {
  const auto e = by_block_.find(id);
  return e ? entries_[*e].weight : 0;
}

std::optional<BlockId> VoteTally::quorum_block() const {
  if (!quorum_entry_) return std::nullopt;
  return entries_[*quorum_entry_].id;
}

const Vote* VoteTally::vote_of(std::size_t member) const {
  if (!member_in_range(member) || !voted_.contains(member)) return nullptr;
  return &slots_[member].first;
}

const Evidence* VoteTally::evidence_of(std::size_t member) const {
  if (!member_in_range(member) || !equivocated_.contains(member)) return nullptr;
  return &slots_[member];
}

}  // namespace midnight
