// The round state machine: Tendermint-style prevote/precommit rounds over blocks that
// every member builds in parallel, with canonical selection instead of a single leader.
// spec/protocol.md states the rules this file implements; the comments name them.
#include "midnight/consensus/round_machine.hpp"

#include <algorithm>
#include <utility>
#include <cstring>

#include "midnight/block/body_check.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/core/invariant.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {

const char* ErrorTable<round_errc>::message(round_errc e) {
  switch (e) {
    case round_errc::not_started: return "no height has begun on this node";
    case round_errc::wrong_chain: return "message belongs to another chain";
    case round_errc::wrong_height: return "message belongs to another height";
    case round_errc::round_out_of_range: return "round number is 2^32 - 1, which no round may have";
    case round_errc::not_a_member: return "proposer or voter is not a member of this height";
    case round_errc::bad_signature: return "signature does not verify";
    case round_errc::conflicting_proposal: return "a different proposal from the same proposer for the same round";
    case round_errc::wrong_parent: return "header's previous block id is not this node's previous block";
    case round_errc::wrong_timestamp: return "header's timestamp is not the scheduled time of its round";
    case round_errc::bad_header_version: return "unknown header version";
    case round_errc::stale_timer: return "timer of another height or round, or for a step already taken";
    case round_errc::already_decided: return "this height is already finalized";
    case round_errc::stale_round: return "round start for a round that is not after the current one";
    case round_errc::bad_certificate: return "commit certificate does not verify";
    case round_errc::block_mismatch: return "committed block is not the block its certificate names";
    case round_errc::bad_merkle_root: return "committed block's transactions do not hash to its merkle root";
    case round_errc::conflicting_commit: return "valid certificate for a different block than the one finalized";
    case round_errc::restore_too_late: return "journal records can only be restored before the first round starts";
    case round_errc::not_own_vote: return "journal holds a vote that this node did not sign";
    case round_errc::conflicting_own_vote:
      return "journal holds two different votes of this node for one round and step";
    case round_errc::lock_without_precommit:
      return "journal holds a lock with no approving precommit of this node for its block and round";
    case round_errc::bad_vrf_proof:
      return "proposal's VRF proof does not verify for its proposer and round (policy B)";
    case round_errc::round_behind_window:
      return "message of a round before the rounds this node still keeps (its round minus one)";
    case round_errc::bad_polka:
      return "re-proposal's polka is not a prevote quorum for its block, at or after the block's round and before "
             "the re-proposal's";
    case round_errc::unsolicited_body: return "body for a block of which no proposal is stored";
    case round_errc::body_not_held: return "body request for a block whose body this node does not hold";
    case round_errc::body_answers_spent:
      return "body request from a member already answered the most times a height allows";
    case round_errc::unsolicited_answer:
      return "sketch or transactions for a block this node is not reconciling, or not at that stage";
    case round_errc::bad_coinbase:
      return "committed block's coinbase is not the one this height's members and reward give";
  }
  return "unknown round error";
}

namespace {
constexpr BlockId kNilBlock{};
}  // namespace

// ---- construction and copying ------------------------------------------------
//
// The fields are listed once, here: copy and comparison both use this list, so a new
// field cannot be forgotten by one of them. The views into content_ are not in the list:
// they are rebuilt after a copy and compared through their bytes (a HeldBody rebinds its own).
// The action buffer is the output of the last step, not protocol state: it is copied
// but not compared.
#define MIDNIGHT_ROUND_MACHINE_FIELDS(X)                                                        \
  X(self_) X(height_) X(started_) X(prev_id_) X(midnight_ms_) X(round_) X(step_) X(lock_)        \
  X(arrivals_) X(slots_) X(best_polka_) X(lock_polka_) X(restored_) X(restored_round_)            \
  X(seen_round_) X(ahead_weight_) X(ahead_round_) X(decided_round_) X(decided_id_) X(decided_header_) X(decided_signature_)        \
  X(certificate_) X(bodies_) X(bodies_stored_) X(pending_polka_) X(commit_sent_round_)           \
  X(commit_replies_) X(body_answers_) X(exchange_) X(own_reproposal_held_) X(own_reproposal_) X(lock_announced_)

RoundMachine::RoundMachine(const NodeConfig& config) : config_(config) {
  MIDNIGHT_INVARIANT(config.membership != nullptr && config.policy != nullptr);
  const auto index = config.membership->index_of(config.keys.public_key);
  MIDNIGHT_INVARIANT(index.has_value() && "a node's key must be a member");
  self_ = index.value_or(0);
  MIDNIGHT_INVARIANT(config.membership->member(self_).vrf_key == config.vrf_keys.public_key &&
                     "a node's VRF key must be its membership entry's");
  // Everything a step may fill is sized here, once, from the membership.
  const Membership& m = *config.membership;
  const std::size_t n = m.size();
  for (RoundSlot& s : slots_) {
    s.proposals.assign(n, StoredProposal{});
    // A proposer's entry is replaced at most once (rule "replace"), so 2n ids at most.
    s.by_id.reserve(2 * n);
    s.prevotes.prepare(m);
    s.precommits.prepare(m);
  }
  certificate_.reserve_entries(n);
  best_polka_.message.polka.reserve_entries(n);
  lock_polka_.message.polka.reserve_entries(n);
  pending_polka_.message.polka.reserve_entries(n);
  own_reproposal_.carried.polka.reserve_entries(n);
  seen_round_.assign(n, 0);
  body_answers_.assign(n, 0);
  commit_sent_round_.assign(n, kNoRound);
  commit_replies_.assign(n, 0);
  ahead_.resize(n);
}

RoundMachine::RoundMachine(const RoundMachine& other) : config_(other.config_) { *this = other; }

RoundMachine& RoundMachine::operator=(const RoundMachine& other) {
  if (this == &other) return *this;
  // The reserves and the scratch follow the other machine's membership, which may be
  // larger than this one's: a copy may allocate, a step after it must not.
  certificate_.reserve_entries(other.certificate_.signatures.capacity());
  best_polka_.message.polka.reserve_entries(other.best_polka_.message.polka.signatures.capacity());
  lock_polka_.message.polka.reserve_entries(other.lock_polka_.message.polka.signatures.capacity());
  pending_polka_.message.polka.reserve_entries(other.pending_polka_.message.polka.signatures.capacity());
  own_reproposal_.carried.polka.reserve_entries(other.own_reproposal_.carried.polka.signatures.capacity());
  ahead_.resize(other.ahead_.size());
  config_ = other.config_;
  content_.txs = other.content_.txs;
  content_.merkle_root = other.content_.merkle_root;
  content_.mempool_bytes = other.content_.mempool_bytes;
#define MIDNIGHT_COPY_FIELD(f) f = other.f;
  MIDNIGHT_ROUND_MACHINE_FIELDS(MIDNIGHT_COPY_FIELD)
#undef MIDNIGHT_COPY_FIELD
  actions_ = other.actions_;
  action_count_ = other.action_count_;
  rebind_views();
  return *this;
}

// The views of the own content, rebuilt from its transactions (a copy's own, never the
// source's: fuzz/round_fuzzer once found a copy that kept pointing into its source).
void RoundMachine::rebind_views() { content_.views.assign(content_.txs.begin(), content_.txs.end()); }

bool operator==(const RoundMachine& a, const RoundMachine& b) {
  bool same = a.config_.chain_id == b.config_.chain_id && a.config_.membership == b.config_.membership &&
              a.config_.policy == b.config_.policy && a.config_.keys.public_key == b.config_.keys.public_key &&
              a.content_.txs == b.content_.txs && a.content_.merkle_root == b.content_.merkle_root;
#define MIDNIGHT_COMPARE_FIELD(f) same = same && a.f == b.f;
  MIDNIGHT_ROUND_MACHINE_FIELDS(MIDNIGHT_COMPARE_FIELD)
#undef MIDNIGHT_COMPARE_FIELD
  return same;
}

std::size_t RoundMachine::memory_bytes() const {
  std::size_t n = sizeof(RoundMachine);
  for (const RoundSlot& s : slots_) {
    n += s.proposals.capacity() * sizeof(StoredProposal) + s.by_id.memory_bytes() + s.prevotes.memory_bytes() +
         s.precommits.memory_bytes();
  }
  for (const Certificate* c :
       {&certificate_, &best_polka_.message.polka, &lock_polka_.message.polka, &pending_polka_.message.polka,
        &own_reproposal_.carried.polka}) {
    n += c->signatures.capacity() * sizeof(CertificateSignature);
  }
  n += seen_round_.capacity() * sizeof(std::uint32_t) + commit_sent_round_.capacity() * sizeof(std::uint32_t) +
       commit_replies_.capacity() + ahead_.capacity() * sizeof(ahead_[0]) + body_answers_.capacity();
  for (const ForeignBody& b : bodies_) n += b.body.memory_bytes();
  n += exchange_.memory_bytes();
  return n;
}

// ---- set-up ----------------------------------------------------------------------

void RoundMachine::begin_height(const HeightStart& start) {
  const Membership& m = *config_.membership;
  content_ = build_block_content(config_.chain_id, start.height, m, config_.reward_per_height, start.mempool, {},
                                 config_.validity);
  height_ = start.height;
  started_ = true;
  prev_id_ = start.prev_id;
  midnight_ms_ = start.midnight_ms;
  round_ = 0;
  step_ = Step::idle;
  lock_ = {};
  arrivals_ = 0;
  for (std::uint32_t r = 0; r < kRoundSlots; ++r) {
    slots_[r % kRoundSlots].round = r + 1;  // claimed by no round: claim_slot resets it
    claim_slot(r);
  }
  best_polka_.clear();
  lock_polka_.clear();
  restored_ = false;
  restored_round_ = 0;
  std::fill(seen_round_.begin(), seen_round_.end(), 0U);
  ahead_weight_ = 0;
  ahead_round_ = UINT32_MAX;
  decided_round_ = 0;
  decided_id_ = {};
  decided_header_ = {};
  decided_signature_ = {};
  certificate_.clear();  // keeps the reserve
  // Another member's body is about as large as ours (honest snapshots are nearly equal);
  // reserved now, with the block, so that holding one of that size allocates nothing.
  for (ForeignBody& b : bodies_) {
    b.present = false;
    b.root = {};
    b.stored_at = 0;
    b.body.clear();
    b.body.reserve(content_.mempool_bytes + content_.txs[0].size(), content_.views.size());
  }
  bodies_stored_ = 0;
  exchange_.begin_height(config_.chain_id, content_.views);
  pending_polka_.clear();
  own_reproposal_held_ = false;
  lock_announced_ = false;
  std::fill(body_answers_.begin(), body_answers_.end(), std::uint8_t{0});
  std::fill(commit_sent_round_.begin(), commit_sent_round_.end(), kNoRound);
  std::fill(commit_replies_.begin(), commit_replies_.end(), std::uint8_t{0});
  action_count_ = 0;
}

// ---- the window ------------------------------------------------------------------

std::uint32_t RoundMachine::window_lowest() const { return round_ >= kRoundsBehind ? round_ - kRoundsBehind : 0; }

std::uint32_t RoundMachine::window_highest() const {
  return round_ <= kLastRound - kRoundsAhead ? round_ + kRoundsAhead : kLastRound;
}

bool RoundMachine::in_window(std::uint32_t round) const {
  return round >= window_lowest() && round <= window_highest();
}

void RoundMachine::claim_slot(std::uint32_t round) {
  RoundSlot& s = slot(round);
  if (s.round == round) return;
  const Membership& m = *config_.membership;
  s.round = round;
  std::fill(s.proposals.begin(), s.proposals.end(), StoredProposal{});
  s.present = 0;
  s.by_id.clear();
  s.best.reset();
  s.second.reset();
  s.prevotes.reset(m, config_.chain_id, height_, round, VoteStep::prevote);
  s.precommits.reset(m, config_.chain_id, height_, round, VoteStep::precommit);
  s.polka = Polka{};
  s.carried = StoredProposal{};
}

// The rounds of the new window each get their slot; a slot still holding a round of
// the old window keeps it. What a slot of a round that leaves the window held is gone,
// except its polka, which keep_best_polka() has taken first if it is the highest.
void RoundMachine::move_window(std::uint32_t round) {
  MIDNIGHT_INVARIANT(round >= round_ || step_ == Step::idle);
  round_ = round;
  for (std::uint32_t r = window_lowest();; ++r) {
    claim_slot(r);
    if (r == window_highest()) break;
  }
}

// Rule "valid block", for the rounds before `before`: the highest polka of such a round
// in the window whose block we hold becomes the held polka, if it is higher than it.
void RoundMachine::keep_best_polka(std::uint32_t before) {
  const std::uint32_t top = std::min(before, window_highest() + 1);  // window_highest() < 2^32 - 1
  for (std::uint32_t r = top; r > window_lowest();) {
    --r;
    if (best_polka_.held && r <= best_polka_.round()) return;
    const RoundSlot& s = slot(r);
    if (!s.polka.seen) continue;
    const Proposal* p = held_proposal(s.polka.block_id);
    if (p == nullptr) continue;
    hold_polka(best_polka_, s, *p);
    return;
  }
}

void RoundMachine::note_round(std::size_t member, std::uint32_t round) {
  const std::uint32_t before = seen_round_[member];
  seen_round_[member] = std::max(before, round + 1);
  // Kept for the current round only; a stale sum is recomputed by skip_target().
  if (ahead_round_ == round_ && before <= std::uint64_t(round_) + 1 && seen_round_[member] > std::uint64_t(round_) + 1) {
    ahead_weight_ += config_.membership->member(member).weight;
  }
}

// Rule "skip": the highest round r above ours that members of more than a third of the
// weight have sent a valid message of. At least one of them is honest and has reached
// r, so r is where the network is; starting it is safe (a node may skip rounds: it only
// votes less) and after a long partition brings every node to one round at once.
//
// The weight of all members ahead is kept as messages come (note_round), so a message
// that cannot make the rule fire costs O(1); the sort runs only when it fires.
std::optional<std::uint32_t> RoundMachine::skip_target() {
  const Membership& m = *config_.membership;
  if (ahead_round_ != round_) {
    ahead_weight_ = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
      if (seen_round_[i] > std::uint64_t(round_) + 1) ahead_weight_ += m.member(i).weight;
    }
    ahead_round_ = round_;
  }
  if (3 * ahead_weight_ <= m.total_weight()) return std::nullopt;
  std::size_t count = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (seen_round_[i] > std::uint64_t(round_) + 1) ahead_[count++] = {seen_round_[i] - 1, m.member(i).weight};
  }
  std::sort(ahead_.begin(), ahead_.begin() + static_cast<std::ptrdiff_t>(count),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::uint64_t weight = 0;
  for (std::size_t i = 0; i < count; ++i) {
    weight += ahead_[i].second;
    if (3 * weight > m.total_weight()) return ahead_[i].first;
  }
  MIDNIGHT_INVARIANT(false && "more than a third of the weight is ahead, so some round is reached");
  return std::nullopt;
}

bool RoundMachine::skip_rounds() {
  if (step_ == Step::idle || decided()) return false;
  const auto target = skip_target();
  if (!target) return false;
  start_round(*target);
  return true;
}

// ---- events --------------------------------------------------------------------

result<Actions> RoundMachine::on_round_start(const RoundStart& e) {
  if (!started_) return round_errc::not_started;
  if (e.height != height_) return round_errc::wrong_height;
  if (decided()) return round_errc::already_decided;
  if (e.round > kLastRound) return round_errc::round_out_of_range;
  if (step_ != Step::idle && e.round <= round_) return round_errc::stale_round;
  action_count_ = 0;
  // After a restart, never a round below the highest one this node has voted in.
  start_round(restored_ ? std::max(e.round, restored_round_) : e.round);
  return actions();
}

result<void> RoundMachine::check_header(const BlockHeader& h) const {
  if (h.version != kHeaderVersion) return round_errc::bad_header_version;
  if (h.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (h.height != height_) return round_errc::wrong_height;
  if (h.round > kLastRound) return round_errc::round_out_of_range;
  if (!config_.membership->index_of(h.proposer)) return round_errc::not_a_member;
  if (h.prev_id != prev_id_) return round_errc::wrong_parent;
  if (h.timestamp_ms != round_start_ms(midnight_ms_, config_.timing, h.round)) return round_errc::wrong_timestamp;
  return outcome::success();
}

void RoundMachine::store_proposal(StoredProposal& entry, const Proposal& p, const VrfOutput& vrf_output,
                                  std::uint32_t polka_round) {
  entry.present = true;
  entry.arrival = arrivals_++;
  entry.block_id = compute_block_id(p.header);
  entry.proposal = p;
  entry.vrf_output = vrf_output;
  entry.polka_round = polka_round;
}

// A round message into its round's slot for its sender: counted and indexed by block id (an
// entry with our own content is never replaced, rule "replace"). Rule "fetch": if it is
// one of the two best-ranked messages of its round stored so far and its body is not
// held, ask its sender (the proposer, or the reproposer, who holds it) for the body. Two, so that when the best proposer withholds its
// body every node holds the second best's, whatever order the proposals came in. Each
// stored proposal asks at most once, so a round causes at most n requests, and random
// arrival orders about 2 ln n.
void RoundMachine::store_round_proposal(RoundSlot& s, std::size_t proposer, const Proposal& p,
                                        const VrfOutput& vrf_output, std::uint32_t polka_round) {
  StoredProposal& entry = s.proposals[proposer];
  MIDNIGHT_INVARIANT(!(entry.present && entry.proposal.header.merkle_root == content_.merkle_root) &&
                     "a proposal with our content is never replaced");
  MIDNIGHT_INVARIANT(!(entry.present && entry.polka_round != kFresh) && "a re-proposal is never replaced");
  if (!entry.present) ++s.present;
  store_proposal(entry, p, vrf_output, polka_round);
  if (!s.by_id.find(entry.block_id)) {
    [[maybe_unused]] const bool indexed = s.by_id.insert(entry.block_id, static_cast<std::uint32_t>(proposer));
    MIDNIGHT_INVARIANT(indexed && "one proposal per member, replaced at most once, so the index has room");
  }
  const auto m = static_cast<std::uint32_t>(proposer);
  bool ranked = s.best == m || s.second == m;  // a replaced entry: keeps its place
  if (!ranked && (!s.best || ranks_before(entry, proposer, s.proposals[*s.best], *s.best))) {
    s.second = s.best;
    s.best = m;
    ranked = true;
  } else if (!ranked && (!s.second || ranks_before(entry, proposer, s.proposals[*s.second], *s.second))) {
    s.second = m;
    ranked = true;
  }
  if (ranked && !holds_body(p.header.merkle_root)) fetch(proposer, entry.block_id);
}

// A stored proposal of member m as the policy ranks it. First-to-quorum ranks by
// arrival; a node's own block ranks last, so that members converge on the block that
// reached them first rather than on their own.
Candidate RoundMachine::candidate_of(const StoredProposal& e, std::size_t m) const {
  return Candidate{&e.proposal, e.block_id, m == self_ ? UINT32_MAX : e.arrival,
                   ranks_by_vrf() ? &e.vrf_output : nullptr};
}

// The message order (spec/protocol.md 4.6): whether round message a (of member ma) comes
// before b (of mb). Policy B orders by the sender's VRF output for the round alone, so
// that what a member sends cannot move its place. Policies A and C put re-proposals
// first, a higher polka round first, and then rank as the policy ranks proposals.
bool RoundMachine::ranks_before(const StoredProposal& a, std::size_t ma, const StoredProposal& b,
                                std::size_t mb) const {
  if (!ranks_by_vrf() && a.polka_round != b.polka_round) {
    const auto standing = [](const StoredProposal& e) -> std::uint64_t {
      return e.polka_round == kFresh ? 0 : std::uint64_t(e.polka_round) + 1;
    };
    return standing(a) > standing(b);
  }
  const std::array<Candidate, 2> pair{candidate_of(a, ma), candidate_of(b, mb)};
  return select_canonical(*config_.policy, pair) == std::optional<std::size_t>(0);
}

// Rule "collect": the round's leading message, the first in message order of the round
// messages whose body this node holds.
std::optional<std::size_t> RoundMachine::leading_message(const RoundSlot& s) const {
  std::optional<std::size_t> lead;
  for (std::size_t m = 0; m < config_.membership->size(); ++m) {
    const StoredProposal& e = s.proposals[m];
    if (!e.present || !holds_body(e.proposal.header.merkle_root)) continue;
    if (!lead || ranks_before(e, m, s.proposals[*lead], *lead)) lead = m;
  }
  return lead;
}

result<Actions> RoundMachine::on_proposal(const Proposal& p) {
  if (!started_) return round_errc::not_started;
  MIDNIGHT_TRY(check_header(p.header));
  const std::size_t proposer = *config_.membership->index_of(p.header.proposer);
  const std::uint32_t round = p.header.round;
  if (decided()) {
    if (!verify_proposal(p, verifier())) return round_errc::bad_signature;
    action_count_ = 0;
    reply_with_commit(proposer, round);
    return actions();
  }
  if (round < window_lowest()) return round_errc::round_behind_window;
  // Policy B ranks by the proof's output, so the proof is checked before the proposal is
  // stored; under the other policies the proof is carried and never used.
  const auto verify_rank = [&]() -> result<VrfOutput> {
    if (!ranks_by_vrf()) return VrfOutput{};
    auto beta = verify_proposal_vrf(p, config_.membership->member(proposer).vrf_key, vrf_verifier());
    if (!beta) return round_errc::bad_vrf_proof;
    return beta.value();
  };
  if (round > window_highest()) {
    // Beyond the window: it counts toward the round skip; it is stored only if the skip
    // brings its round into the window (a fresh slot then, so no conflict can arise).
    if (!verify_proposal(p, verifier())) return round_errc::bad_signature;
    MIDNIGHT_TRY(vrf_output, verify_rank());
    action_count_ = 0;
    note_round(proposer, round);
    if (skip_rounds() && in_window(round)) {
      RoundSlot& s = slot(round);
      if (!s.proposals[proposer].present) store_round_proposal(s, proposer, p, vrf_output);
      after_change();
    }
    return actions();
  }
  RoundSlot& s = slot(round);
  const StoredProposal& entry = s.proposals[proposer];
  const bool ours = p.header.merkle_root == content_.merkle_root;
  // Rule "replace": for one (round, proposer) only one header can match our content, so
  // a matching proposal replaces a non-matching one that a Byzantine proposer sent us
  // first. Any other second proposal is a conflict.
  const bool same = entry.present && entry.polka_round == kFresh && entry.proposal == p;
  const bool replaces = entry.present && entry.polka_round == kFresh && !same &&
                        entry.proposal.header.merkle_root != content_.merkle_root && ours;
  if (entry.present && !same && !replaces) return round_errc::conflicting_proposal;
  const bool store = !entry.present || replaces;
  VrfOutput vrf_output{};
  if (store) {
    if (!verify_proposal(p, verifier())) return round_errc::bad_signature;
    MIDNIGHT_TRY(beta, verify_rank());
    vrf_output = beta;
  }
  action_count_ = 0;
  if (store) {
    store_round_proposal(s, proposer, p, vrf_output);
    note_round(proposer, round);
  }
  if (!skip_rounds()) after_change();
  return actions();
}

result<Actions> RoundMachine::on_vote(const Vote& v) {
  if (!started_) return round_errc::not_started;
  if (v.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (v.height != height_) return round_errc::wrong_height;
  if (v.round > kLastRound) return round_errc::round_out_of_range;
  const auto voter = config_.membership->index_of(v.voter);
  if (!voter) return round_errc::not_a_member;
  if (!decided() && v.round < window_lowest()) return round_errc::round_behind_window;
  if (!verify_vote(v, verifier())) return round_errc::bad_signature;

  if (decided()) {
    action_count_ = 0;
    reply_with_commit(*voter, v.round);
    return actions();
  }
  if (v.round > window_highest()) {
    action_count_ = 0;
    note_round(*voter, v.round);
    if (!skip_rounds() || !in_window(v.round)) return actions();
    // The skip brought the vote's round into the window: a fresh tally, so it counts.
    RoundSlot& s = slot(v.round);
    VoteTally& tally = v.step == VoteStep::prevote ? s.prevotes : s.precommits;
    const auto update = tally.add(v);
    MIDNIGHT_INVARIANT(update.has_value() && "a verified member's vote fits its round's tally");
    if (update.has_value()) record_vote(s, v, update.value());
    after_change();
    return actions();
  }
  RoundSlot& s = slot(v.round);
  VoteTally& tally = v.step == VoteStep::prevote ? s.prevotes : s.precommits;
  MIDNIGHT_TRY(update, tally.add(v));  // Boost 1.74: TRY(name, expr)
  action_count_ = 0;
  record_vote(s, v, update);
  note_round(*voter, v.round);
  if (!skip_rounds()) after_change();
  return actions();
}

result<Actions> RoundMachine::on_timer(const TimerFired& t) {
  if (!started_) return round_errc::not_started;
  if (t.height != height_ || t.round != round_ || decided()) return round_errc::stale_timer;
  const bool locked_here = step_ == Step::precommitted && lock_.held && lock_.round == round_ && !lock_announced_;
  const bool due =
      (t.kind == TimerKind::collect_deadline && step_ == Step::collect) ||
      (t.kind == TimerKind::prevote_deadline && (step_ == Step::collect || step_ == Step::prevoted || locked_here)) ||
      (t.kind == TimerKind::round_end && step_ != Step::idle);
  if (!due) return round_errc::stale_timer;
  action_count_ = 0;
  switch (t.kind) {
    case TimerKind::collect_deadline:
      // Rule "collect": vote with what has arrived by the deadline.
      prevote();
      break;
    case TimerKind::prevote_deadline:
      // Rule "no polka": without a prevote quorum for a block by this deadline, precommit
      // nil. A node that had not prevoted yet does so first, and a polka it already holds
      // for this round still leads to a precommit of its block.
      if (step_ == Step::collect) {
        prevote();
        after_change();
      }
      if (step_ == Step::prevoted) precommit_nil();
      // Rule "announce": locked in this round and still undecided at the deadline.
      if (locked_here) announce_lock();
      break;
    case TimerKind::round_end:
      // Rule "retry": nothing finalized in this round; the next round of the same height.
      advance_round();
      break;
  }
  after_change();
  return actions();
}

result<Actions> RoundMachine::on_commit(const CommitView& c) {
  if (!started_) return round_errc::not_started;
  const Certificate& cert = c.certificate;
  const BlockView& block = c.block;
  if (cert.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (cert.height != height_) return round_errc::wrong_height;
  if (cert.round > kLastRound) return round_errc::round_out_of_range;
  // Rule "adopt", decided on the same block: nothing in the commit can change this node,
  // so it is not verified. Every decided member answers every late vote with its commit,
  // so a member can receive up to n commits, each costing 2n/3 signature checks: n^3
  // checks per height across the membership for no effect (spec/protocol.md section 7.4).
  if (decided() && cert.block_id == decided_id_) {
    action_count_ = 0;
    return actions();
  }
  MIDNIGHT_TRY(check_header(block.header));
  if (block.header.round > cert.round) return round_errc::block_mismatch;
  if (compute_block_id(block.header) != cert.block_id) return round_errc::block_mismatch;
  if (merkle_root(block.transactions()) != block.header.merkle_root) return round_errc::bad_merkle_root;
  // The coinbase depends only on the chain, height, membership and reward, so every
  // honest member built this very one; a block without it was approved by no honest
  // member, and its size could exceed what adoption reserved.
  const TxBytes coinbase = block.transactions()[0];
  const TxBytes own_coinbase = content_.views[0];
  if (!std::equal(coinbase.begin(), coinbase.end(), own_coinbase.begin(), own_coinbase.end())) {
    return round_errc::bad_coinbase;
  }
  // Approval by validity: a quorum includes an honest member, which held this body only
  // after these checks, so a body failing them was never certified by the fault model.
  if (!config_.unsafe_hold_unchecked_bodies) {
    MIDNIGHT_TRY(check_body_transactions(config_.chain_id, block.transactions(), config_.validity));
  }
  if (!verify_proposal(Proposal{block.header, block.signature}, verifier())) return round_errc::bad_signature;
  if (!verify_certificate(cert, *config_.membership, config_.chain_id, verifier())) return round_errc::bad_certificate;

  // A valid certificate for another block than the one decided: impossible under the
  // fault model (spec/protocol.md section 6), so it is reported, never adopted.
  if (decided()) return round_errc::conflicting_commit;
  action_count_ = 0;
  adopt_certificate(c);
  return actions();
}

// Rule "hold": a body for a block we know the proposal of and do not hold the body of,
// checked for validity before it is held. Holding it can make the block a candidate, the
// pending re-proposal the held polka, and a polka's precommit or a quorum's finalize fire.
result<Actions> RoundMachine::on_body(const BlockView& b) {
  if (!started_) return round_errc::not_started;
  MIDNIGHT_TRY(check_header(b.header));
  const BlockId id = compute_block_id(b.header);
  if (decided() || holds_body(b.header.merkle_root)) {
    action_count_ = 0;  // nothing a body can change: decided, or held already
    return actions();
  }
  if (known_proposal(id) == nullptr) return round_errc::unsolicited_body;
  MIDNIGHT_TRY(check_body(b.header, b.transactions()));
  action_count_ = 0;
  MIDNIGHT_TRY(hold_body(b.header, b.transactions()));
  return actions();
}

// Approval by validity (spec/protocol.md 3.4), or under the negative control only the root.
result<void> RoundMachine::check_body(const BlockHeader& h, std::span<const TxBytes> txs) const {
  if (config_.unsafe_hold_unchecked_bodies) {
    if (txs.empty() || merkle_root(txs) != h.merkle_root) return body_errc::bad_merkle_root;
    return outcome::success();
  }
  return check_block_body(config_.chain_id, txs, h.merkle_root, content_.views[0], config_.validity);
}

// Rule "hold", for a checked body: it can make the block a candidate, the pending
// re-proposal the held polka, and a polka's precommit or a quorum's finalize fire.
result<void> RoundMachine::hold_body(const BlockHeader& h, std::span<const TxBytes> txs) {
  const BlockId id = compute_block_id(h);
  store_body(h.merkle_root, txs);
  exchange_.close(id);
  if (pending_polka_.held && pending_polka_.block_id == id) {
    if (!best_polka_.held || pending_polka_.round() > best_polka_.round()) best_polka_ = pending_polka_;
    pending_polka_.clear();
  }
  after_change();
  return outcome::success();
}

// Rule "reconcile", requesting side. The answer is for a block whose proposal we stored
// and whose body we lack; what it leads to is the exchange's (body_exchange.hpp). Both
// answers are checked the same way; `step` is the exchange's handler of the kind.
template <class Answer, class Step>
result<Actions> RoundMachine::on_reconcile_answer(const Answer& answer, Step step) {
  if (!started_) return round_errc::not_started;
  if (answer.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (answer.height != height_) return round_errc::wrong_height;
  const Proposal* p = known_proposal(answer.block_id);
  if (decided() || (p != nullptr && holds_body(p->header.merkle_root))) {
    action_count_ = 0;  // nothing a body can change: decided, or held already
    return actions();
  }
  if (p == nullptr) return round_errc::unsolicited_body;
  const ReconcileOutcome o = step(answer);
  if (o.step == ReconcileStep::unsolicited) return round_errc::unsolicited_answer;
  action_count_ = 0;
  after_reconcile(o, answer.block_id);
  return actions();
}

result<Actions> RoundMachine::on_body_sketch(const BodySketchView& s) {
  return on_reconcile_answer(s, [&](const BodySketchView& v) { return exchange_.on_sketch(v, content_.views); });
}

result<Actions> RoundMachine::on_body_transactions(const BodyTransactionsView& t) {
  return on_reconcile_answer(t, [&](const BodyTransactionsView& v) { return exchange_.on_transactions(v, content_.views); });
}

// What an answer led to: the next request, or an assembled body checked and held, or
// (the body failing its checks too) the whole block from the same member.
void RoundMachine::after_reconcile(const ReconcileOutcome& o, const BlockId& id) {
  switch (o.step) {
    case ReconcileStep::unsolicited:
      return;
    case ReconcileStep::request_transactions:
      emit(Action{.kind = ActionKind::request_transactions, .member = o.member, .block_id = id});
      return;
    case ReconcileStep::assembled: {
      const Proposal* p = known_proposal(id);
      MIDNIGHT_INVARIANT(p != nullptr);
      if (p != nullptr && check_body(p->header, exchange_.assembled())) {
        const BlockHeader header = p->header;  // hold_body may move the proposal's slot
        (void)hold_body(header, exchange_.assembled());
        return;
      }
      [[fallthrough]];
    }
    case ReconcileStep::fall_back:
      emit(Action{.kind = ActionKind::request_body, .member = o.member, .block_id = id});
      return;
  }
}

// Rule "serve": a member asks for a body we hold (a proposal's, or the decided block's).
result<Actions> RoundMachine::on_body_request(const BodyRequest& r) {
  if (!started_) return round_errc::not_started;
  if (r.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (r.height != height_) return round_errc::wrong_height;
  const auto requester = config_.membership->index_of(r.requester);
  if (!requester) return round_errc::not_a_member;
  if (!body_of(r.block_id)) return round_errc::body_not_held;
  // The budget is checked before the signature, so that a member that has spent it
  // costs us no signature check either.
  if (body_answers_[*requester] >= kMaxBodyAnswers) return round_errc::body_answers_spent;
  if (!verify_body_request(r, verifier())) return round_errc::bad_signature;
  action_count_ = 0;
  ++body_answers_[*requester];
  emit(Action{.kind = ActionKind::send_body, .member = *requester, .block_id = r.block_id});
  return actions();
}

// Rule "reconcile", serving side: as rule "serve", the budget before the signature.
result<Actions> RoundMachine::on_reconcile_request(const ReconcileRequest& r) {
  if (!started_) return round_errc::not_started;
  if (r.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (r.height != height_) return round_errc::wrong_height;
  const auto requester = config_.membership->index_of(r.requester);
  if (!requester) return round_errc::not_a_member;
  const auto held = body_of(r.block_id);
  if (!held) return round_errc::body_not_held;
  if (body_answers_[*requester] >= kMaxBodyAnswers) return round_errc::body_answers_spent;
  if (!verify_reconcile_request(r, verifier())) return round_errc::bad_signature;
  action_count_ = 0;
  ++body_answers_[*requester];
  if (r.kind == ReconcileKind::transactions) {
    emit(Action{.kind = ActionKind::send_transactions, .member = *requester, .block_id = r.block_id});
    return actions();
  }
  const std::size_t cells = exchange_.answer_cells(r, held->txs, encoded_size_block(held->txs));
  if (cells == 0) {
    emit(Action{.kind = ActionKind::send_body, .member = *requester, .block_id = r.block_id});
  } else {
    emit(Action{.kind = ActionKind::send_sketch, .member = *requester, .block_id = r.block_id, .cells_per_hash = cells});
  }
  return actions();
}

void RoundMachine::encode_body_sketch(const BlockId& id, std::size_t cells_per_hash, std::span<std::uint8_t> out) const {
  const auto held = body_of(id);
  MIDNIGHT_INVARIANT(held.has_value() && "send_sketch names a held body");
  if (held) exchange_.encode_sketch(id, held->txs, cells_per_hash, out);
}

std::span<const TxBytes> RoundMachine::transactions_named(const ReconcileRequest& r) const {
  const auto held = body_of(r.block_id);
  MIDNIGHT_INVARIANT(held.has_value() && "send_transactions names a held body");
  return held ? exchange_.select(r, held->txs) : std::span<const TxBytes>{};
}

// A polka carried whole (rule "announce"). Its prevotes count in the tally of their round
// if that round is in the window, and a polka of an earlier round becomes the held polka
// if it is the highest; its block's proposal comes with it.
result<Actions> RoundMachine::on_polka(const CarriedPolka& p) {
  if (!started_) return round_errc::not_started;
  action_count_ = 0;
  MIDNIGHT_TRY(taken, take_polka(p, false));
  if (taken) after_change();
  return actions();
}

// Rule "re-propose", receiving side: the round message of a member that holds a polka. Its
// polka is taken as on_polka takes one; the message itself is stored as the reproposer's
// message of its round, ranked by the reproposer's VRF output under policy B.
result<Actions> RoundMachine::on_reproposal(const Reproposal& r) {
  if (!started_) return round_errc::not_started;
  if (r.round > kLastRound) return round_errc::round_out_of_range;
  const auto sender = config_.membership->index_of(r.reproposer);
  if (!sender) return round_errc::not_a_member;
  MIDNIGHT_TRY(check_carried_polka(r.carried));
  if (r.carried.polka.round >= r.round) return round_errc::bad_polka;
  if (decided()) {
    if (!verify_reproposal(r, verifier())) return round_errc::bad_signature;
    action_count_ = 0;
    reply_with_commit(*sender, r.round);
    return actions();
  }
  if (r.round < window_lowest()) return round_errc::round_behind_window;
  const BlockId id = compute_block_id(r.carried.proposal.header);
  if (in_window(r.round)) {
    // One round message per (round, member): the same re-proposal again (same block and
    // polka round; a second signature of the same content is no conflict) changes nothing.
    const StoredProposal& entry = slot(r.round).proposals[*sender];
    if (entry.present) {
      if (entry.polka_round == r.carried.polka.round && entry.block_id == id) {
        action_count_ = 0;
        return actions();
      }
      return round_errc::conflicting_proposal;
    }
  }
  if (!verify_reproposal(r, verifier())) return round_errc::bad_signature;
  VrfOutput rank{};
  if (ranks_by_vrf()) {
    auto beta = verify_reproposal_vrf(r, config_.membership->member(*sender).vrf_key, vrf_verifier());
    if (!beta) return round_errc::bad_vrf_proof;
    rank = beta.value();
  }
  action_count_ = 0;
  MIDNIGHT_TRY(taken, take_checked_polka(r.carried, false));
  (void)taken;  // a known polka is not taken again, but the message still ranks
  note_round(*sender, r.round);
  // The polka's voters, and now the reproposer, may have moved the round skip; a round the
  // skip brings into the window has a fresh slot.
  skip_rounds();
  if (in_window(r.round) && !slot(r.round).proposals[*sender].present) {
    store_round_proposal(slot(r.round), *sender, r.carried.proposal, rank, r.carried.polka.round);
  }
  after_change();
  return actions();
}

// The checks of a carried polka that need no signature: its header (as a proposal's) and
// that the polka is for that block, of this chain and height, at or after the block's round.
result<void> RoundMachine::check_carried_polka(const CarriedPolka& r) const {
  const Proposal& p = r.proposal;
  const Certificate& polka = r.polka;
  MIDNIGHT_TRY(check_header(p.header));
  if (polka.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (polka.height != height_) return round_errc::wrong_height;
  if (polka.round > kLastRound) return round_errc::round_out_of_range;
  if (polka.round < p.header.round || polka.block_id != compute_block_id(p.header)) return round_errc::bad_polka;
  return outcome::success();
}

// The checks and effects of a re-proposal, shared with restore_polka: its header and
// polka are checked and verified (unless already known), and it is counted where its
// round is: in the window, its prevotes go to the round's tally; before it, it may
// become the held polka. False: nothing in it was new (nothing was verified).
// `restoring` (restore_polka): the window first moves up to the polka's round, as for a
// restored vote, once the polka has verified.
result<bool> RoundMachine::take_polka(const CarriedPolka& r, bool restoring) {
  MIDNIGHT_TRY(check_carried_polka(r));
  return take_checked_polka(r, restoring);
}

// take_polka after check_carried_polka has passed (on_reproposal checks it first, before
// the reproposer's signature, and does not check it twice).
result<bool> RoundMachine::take_checked_polka(const CarriedPolka& r, bool restoring) {
  const Proposal& p = r.proposal;
  const Certificate& polka = r.polka;
  const BlockId id = compute_block_id(p.header);
  const std::uint32_t vr = polka.round;
  if (decided()) return false;  // nothing in it can change a decided node
  // Already known: every honest re-proposer sends the same one each round, and it is not
  // verified again (the same reasoning as for a commit of the decided block).
  if (best_polka_.held && best_polka_.block_id == id && best_polka_.round() >= vr) return false;
  if (in_window(vr) && slot(vr).polka.seen && slot(vr).polka.block_id == id && known_proposal(id) != nullptr) {
    return false;
  }
  if (vr < window_lowest() && best_polka_.held && best_polka_.round() >= vr) return false;
  if (vr < window_lowest() && pending_polka_.held && pending_polka_.round() >= vr) return false;
  if (!verify_proposal(p, verifier())) return round_errc::bad_signature;
  if (!verify_polka(polka, *config_.membership, config_.chain_id, verifier())) return round_errc::bad_polka;
  if (restoring && vr > round_) restore_window(vr);

  // The polka's voters have all reached its round.
  for (const CertificateSignature& e : polka.used()) note_round(*config_.membership->index_of(e.voter), vr);
  skip_rounds();
  const bool held = holds_body(p.header.merkle_root);
  if (held && vr < window_lowest()) {
    if (!best_polka_.held || vr > best_polka_.round()) {
      best_polka_.held = true;
      best_polka_.block_id = id;
      best_polka_.message = r;
    }
  } else if (vr < window_lowest()) {
    // Not held yet: pending until its body comes (on_body), if no better polka is held.
    if (!best_polka_.held || vr > best_polka_.round()) {
      pending_polka_.held = true;
      pending_polka_.block_id = id;
      pending_polka_.message = r;
      fetch_polka_body(r, id);
    }
  } else if (in_window(vr)) {
    RoundSlot& s = slot(vr);
    for (std::size_t i = 0; i < polka.count(); ++i) {
      const Vote v = polka.vote(i, VoteStep::prevote);
      const auto update = s.prevotes.add(v);
      MIDNIGHT_INVARIANT(update.has_value() && "a verified polka's prevotes fit their round's tally");
      if (update.has_value()) record_vote(s, v, update.value());
    }
    // Carried beside the round's proposals, never among them: its VRF proof is not
    // covered by the signature and was not verified, so it must not rank under policy B,
    // and the proposer's own proposal for that round must still be storable.
    if (known_proposal(id) == nullptr) store_proposal(s.carried, p, VrfOutput{});
    if (!held) fetch_polka_body(r, id);
  }
  return true;
}

// The polka that justifies lock_, carried whole: what the host journals before the
// approving precommit (node/journal_step.hpp), so that a restarted node still holds it.
void RoundMachine::capture_lock_polka() {
  lock_polka_.held = false;
  if (!lock_.held) return;
  if (best_polka_.held && best_polka_.block_id == lock_.block_id && best_polka_.round() == lock_.round) {
    lock_polka_ = best_polka_;
    return;
  }
  if (!in_window(lock_.round)) return;
  const RoundSlot& s = slot(lock_.round);
  if (!s.polka.seen || s.polka.block_id != lock_.block_id) return;
  const Proposal* p = held_proposal(lock_.block_id);
  if (p == nullptr) return;
  hold_polka(lock_polka_, s, *p);
}

// The lock's own polka, when no held polka is as high: after a restart the journal gives
// the polka back but not its block's body, and the lock's round may leave the window
// before the body comes. It becomes the held polka if the body is held, else the pending
// one, whose body every round start asks for again; so a restarted locked node re-proposes
// its lock as soon as it holds the body (what lets a leader's later polka, or its own,
// reach the others).
void RoundMachine::keep_lock_polka(std::uint32_t before) {
  if (!lock_polka_.held || lock_polka_.round() >= before) return;  // a polka of an earlier round only
  if (best_polka_.held && best_polka_.round() >= lock_polka_.round()) return;
  if (holds_body(lock_polka_.message.proposal.header.merkle_root)) {
    best_polka_ = lock_polka_;
  } else if (!pending_polka_.held || pending_polka_.round() < lock_polka_.round()) {
    pending_polka_ = lock_polka_;
  }
}

// A round's polka carried whole: its block's proposal and the round's prevotes for it.
void RoundMachine::hold_polka(HeldPolka& out, const RoundSlot& s, const Proposal& p) const {
  out.held = true;
  out.block_id = s.polka.block_id;
  out.message.proposal = p;
  build_polka(s.prevotes, *config_.membership, s.polka.block_id, out.message.polka);
}

// ---- restart from the journal ------------------------------------------------------

result<void> RoundMachine::restore_vote(const Vote& v) {
  if (!started_) return round_errc::not_started;
  if (step_ != Step::idle) return round_errc::restore_too_late;
  if (v.chain_id != config_.chain_id) return round_errc::wrong_chain;
  if (v.height != height_) return round_errc::wrong_height;
  if (v.round > kLastRound) return round_errc::round_out_of_range;
  if (v.voter != config_.keys.public_key) return round_errc::not_own_vote;
  const bool kept = v.round >= window_lowest();
  const VoteTally* held = nullptr;
  if (kept && in_window(v.round)) {
    const RoundSlot& s = slot(v.round);
    held = v.step == VoteStep::prevote ? &s.prevotes : &s.precommits;
    if (const Vote* mine = held->vote_of(self_)) {
      if (*mine == v) return outcome::success();  // journaled twice: harmless
      return round_errc::conflicting_own_vote;
    }
  }
  if (!verify_vote(v)) return round_errc::bad_signature;
  // The lock follows from the approving precommit (precommit() sets both at once), so a
  // journal cut between a precommit record and its lock record still restores the lock.
  const bool locks = v.step == VoteStep::precommit && v.approve && (!lock_.held || v.round >= lock_.round);
  if (locks) lock_ = Lock{true, v.block_id, v.round};
  note_restored_round(v.round);
  // A vote of a round below the window is of a round this node never starts again.
  if (!kept) {
    if (locks) capture_lock_polka();
    return outcome::success();
  }
  if (v.round > round_) restore_window(v.round);
  RoundSlot& s = slot(v.round);
  VoteTally& tally = v.step == VoteStep::prevote ? s.prevotes : s.precommits;
  MIDNIGHT_TRY(update, tally.add(v));
  record_vote(s, v, update);
  // The lock's polka, restored just before (restore_polka), if the journal has it.
  if (locks) capture_lock_polka();
  return outcome::success();
}

// A restored record of a later round moves the window there, as starting that round
// would: a polka of a round that leaves the window is kept as the held polka first.
void RoundMachine::restore_window(std::uint32_t round) {
  keep_best_polka(round);
  move_window(round);
}

void RoundMachine::note_restored_round(std::uint32_t round) {
  if (!restored_ || round > restored_round_) {
    restored_ = true;
    restored_round_ = round;
  }
}

result<void> RoundMachine::restore_polka(const CarriedPolka& r) {
  if (!started_) return round_errc::not_started;
  if (step_ != Step::idle) return round_errc::restore_too_late;
  // Its round is one this node has reached (it precommitted there): the window moves
  // there for its prevotes to be counted, as for a restored vote.
  MIDNIGHT_TRY(taken, take_polka(r, true));
  (void)taken;  // known already: restored twice, harmless
  note_restored_round(r.polka.round);
  return outcome::success();
}

result<void> RoundMachine::restore_lock(std::uint64_t height, const Lock& lock) {
  if (!started_) return round_errc::not_started;
  if (step_ != Step::idle) return round_errc::restore_too_late;
  if (height != height_) return round_errc::wrong_height;
  if (lock.round > kLastRound) return round_errc::round_out_of_range;
  // restore_vote has already taken the lock from the approving precommit it follows.
  if (!lock.held || !lock_.held || lock.block_id != lock_.block_id || lock.round != lock_.round) {
    return round_errc::lock_without_precommit;
  }
  return outcome::success();
}

// ---- observers -------------------------------------------------------------------

std::optional<Decision> RoundMachine::decision() const {
  if (!decided()) return std::nullopt;
  Decision d;
  d.height = height_;
  d.round = decided_round_;
  d.block_id = decided_id_;
  d.header = decided_header_;
  d.signature = decided_signature_;
  d.txs = body_transactions(decided_header_.merkle_root);
  d.certificate = &certificate_;
  return d;
}

const Vote* RoundMachine::prevote_of(std::uint32_t round) const {
  // Only this node can sign its votes, so its vote is in the tally iff it prevoted.
  if (!in_window(round)) return nullptr;
  return slot(round).prevotes.vote_of(self_);
}

const VoteTally* RoundMachine::prevotes(std::uint32_t round) const {
  return in_window(round) ? &slot(round).prevotes : nullptr;
}

const VoteTally* RoundMachine::precommits(std::uint32_t round) const {
  return in_window(round) ? &slot(round).precommits : nullptr;
}

const Proposal* RoundMachine::proposal_of(std::uint32_t round, std::size_t member) const {
  if (!in_window(round) || member >= config_.membership->size()) return nullptr;
  const StoredProposal& s = slot(round).proposals[member];
  return s.present ? &s.proposal : nullptr;
}

std::optional<std::uint32_t> RoundMachine::polka_round_of(std::uint32_t round, std::size_t member) const {
  if (proposal_of(round, member) == nullptr) return std::nullopt;
  const std::uint32_t vr = slot(round).proposals[member].polka_round;
  if (vr == kFresh) return std::nullopt;
  return vr;
}

const VrfOutput* RoundMachine::vrf_output_of(std::uint32_t round, std::size_t member) const {
  if (!ranks_by_vrf() || proposal_of(round, member) == nullptr) return nullptr;
  return &slot(round).proposals[member].vrf_output;
}

std::optional<std::uint32_t> RoundMachine::highest_round_seen(std::size_t member) const {
  if (member >= config_.membership->size() || seen_round_[member] == 0) return std::nullopt;
  return seen_round_[member] - 1;
}

void commit_view_of(const Decision& d, CommitView& out) {
  MIDNIGHT_INVARIANT(d.certificate != nullptr);
  out.certificate = *d.certificate;  // within out's reserves, if made for this membership and block
  out.block.header = d.header;
  out.block.signature = d.signature;
  out.block.tx_count = static_cast<std::uint32_t>(d.txs.size());
  out.block.txs.assign(d.txs.begin(), d.txs.end());
}

// ---- the protocol's steps --------------------------------------------------------

void RoundMachine::start_round(std::uint32_t round) {
  MIDNIGHT_INVARIANT(round <= kLastRound);
  keep_best_polka(round);
  keep_lock_polka(round);
  move_window(round);
  step_ = Step::collect;
  lock_announced_ = false;
  propose(round);
  // Rule "fetch", again each round: the pending re-proposal's body, and the body of every
  // polka of the window this node lacks (a restart restores polkas, never bodies, and a
  // body asked for once may not have come). At most six requests.
  if (pending_polka_.held) fetch_polka_body(pending_polka_.message, pending_polka_.block_id);
  for (const RoundSlot& s : slots_) {
    if (!in_window(s.round) || !s.polka.seen) continue;
    const Proposal* p = known_proposal(s.polka.block_id);
    if (p != nullptr && !holds_body(p->header.merkle_root)) {
      fetch(*config_.membership->index_of(p->header.proposer), s.polka.block_id);
    }
  }
  const RoundTiming& t = config_.timing;
  const std::uint64_t start = round_start_ms(midnight_ms_, t, round);
  const std::uint64_t collect_end = timing_detail::add_saturated(start, collect_ms(t, round));
  emit_timer(TimerKind::collect_deadline, round, collect_end);
  emit_timer(TimerKind::prevote_deadline, round, timing_detail::add_saturated(collect_end, prevote_ms(t, round)));
  emit_timer(TimerKind::round_end, round, round_start_ms(midnight_ms_, t, round + 1));
  after_change();
}

// Propose: a node that holds a polka of an earlier round re-proposes its block, with the
// polka's signed prevotes, so that every member learns of it (rule "re-propose");
// otherwise it proposes its own block for this round.
void RoundMachine::propose(std::uint32_t round) {
  own_reproposal_held_ = false;
  // A lock taken live comes with its polka, which the held polka is or outranks: a locked
  // node's round message re-proposes a polka at or after its lock round (what lets every
  // locked node approve an honest leader's re-proposal, spec/protocol.md 4.6).
  MIDNIGHT_INVARIANT((!lock_.held || !lock_polka_.held || config_.unsafe_retry_without_lock || lock_.round >= round ||
                      (best_polka_.held && best_polka_.round() >= lock_.round) ||
                      (pending_polka_.held && pending_polka_.round() >= lock_.round)) &&
                     "a locked node holds, or is fetching the body of, a polka at or after its lock round");
  if (best_polka_.held && !config_.unsafe_retry_without_lock) {
    own_reproposal_.round = round;
    own_reproposal_.reproposer = config_.keys.public_key;
    own_reproposal_.carried = best_polka_.message;  // within the reserve
    sign_reproposal(own_reproposal_, config_.keys.secret_key, config_.vrf_keys.secret_key, vrf_prover());
    own_reproposal_held_ = true;
    VrfOutput own{};
    if (ranks_by_vrf()) {
      if (auto beta = ecvrf_proof_to_hash(own_reproposal_.vrf_proof)) own = beta.value();
    }
    RoundSlot& s = slot(round);
    if (!s.proposals[self_].present) {
      store_round_proposal(s, self_, best_polka_.message.proposal, own, best_polka_.round());
    }
    emit(Action{.kind = ActionKind::broadcast_reproposal});
    return;
  }
  const BlockHeader header =
      make_header(config_.chain_id, height_, round, prev_id_, content_.merkle_root,
                  round_start_ms(midnight_ms_, config_.timing, round), config_.keys.public_key);
  const Proposal proposal = sign_proposal(header, config_.keys.secret_key, config_.vrf_keys.secret_key, vrf_prover());
  RoundSlot& s = slot(round);
  StoredProposal& entry = s.proposals[self_];
  MIDNIGHT_INVARIANT(!entry.present || entry.proposal == proposal);
  VrfOutput own{};
  if (ranks_by_vrf()) {
    // Our own proof: its output without verifying (we made it with our own key).
    [[maybe_unused]] const bool proved = !proposal.vrf_proof.is_zero();
    MIDNIGHT_INVARIANT(proved && "a consistent key always proves");
    if (auto beta = ecvrf_proof_to_hash(proposal.vrf_proof)) own = beta.value();
  }
  if (entry.present) {
    store_proposal(entry, proposal, own);  // the same proposal again: already counted and indexed
  } else {
    store_round_proposal(s, self_, proposal, own);
  }
  emit(Action{.kind = ActionKind::broadcast_proposal, .proposal = proposal});
}

// Prevote (rule "collect"): the choice is the block of the round's leading message, the
// first in message order of the round messages whose body this node holds. Lock rule:
// approve only if unlocked, or the choice is the locked block, or the leading message is
// a re-proposal whose polka is at or after the lock round; else prevote nil, naming it.
// The node's own held polka decides only its own round message (propose), never its
// prevote: a polka learned during the collect step moves no one's choice
// (spec/protocol.md 4.6, why).
void RoundMachine::prevote() {
  MIDNIGHT_INVARIANT(step_ == Step::collect);
  const std::uint32_t r = round_;
  RoundSlot& s = slot(r);
  if (resend_restored_vote(s.prevotes)) {
    step_ = Step::prevoted;
    return;
  }
  const bool lock_rule = !config_.unsafe_retry_without_lock;
  std::optional<BlockId> choice;
  std::uint32_t polka_round = kFresh;
  if (const auto lead = leading_message(s)) {
    choice = s.proposals[*lead].block_id;
    polka_round = s.proposals[*lead].polka_round;
    MIDNIGHT_INVARIANT((polka_round == kFresh || polka_round < r) && "a re-proposal's polka is of an earlier round");
  }
  const bool lock_allows =
      choice.has_value() && (!lock_rule || !lock_.held || lock_.block_id == *choice ||
                             (polka_round != kFresh && polka_round >= lock_.round));
  step_ = Step::prevoted;
  emit_vote(VoteStep::prevote, r, choice.value_or(kNilBlock), lock_allows);
}

// Precommit: after a polka for a block in this round whose content we hold; lock on it.
void RoundMachine::precommit(const BlockId& id) {
  MIDNIGHT_INVARIANT(step_ == Step::prevoted);
  if (resend_restored_vote(slot(round_).precommits)) {
    step_ = Step::precommitted;
    return;
  }
  lock_ = Lock{true, id, round_};
  capture_lock_polka();
  MIDNIGHT_INVARIANT(lock_polka_.held && "an approving precommit follows a polka of a block this node holds");
  step_ = Step::precommitted;
  emit_vote(VoteStep::precommit, round_, id, true);
}

// Rule "announce": a node that locked in this round and has not decided by its prevote
// deadline sends the polka it locked on to every member, so that whoever leads the next
// round knows it when it sends its round message and re-proposes a polka at or after it.
// Without it a Byzantine member could show a polka to one honest node only, which locks,
// while the next round's leader re-proposes an older polka that the locked node must
// refuse: round after round (spec/protocol.md 4.6). A round that decides in time sends none.
void RoundMachine::announce_lock() {
  lock_announced_ = true;  // once a round, however often the deadline fires
  if (lock_polka_.held && !config_.unsafe_skip_lock_announcement) emit(Action{.kind = ActionKind::broadcast_polka});
}

void RoundMachine::precommit_nil() {
  MIDNIGHT_INVARIANT(step_ == Step::prevoted);
  if (resend_restored_vote(slot(round_).precommits)) {
    step_ = Step::precommitted;
    return;
  }
  step_ = Step::precommitted;
  emit_vote(VoteStep::precommit, round_, kNilBlock, false);
}

// AdoptCertificate (rule "adopt"): a node that missed the quorum takes the certified
// block as it is. The commit has been verified whole by on_commit.
void RoundMachine::adopt_certificate(const CommitView& c) {
  const Certificate& cert = c.certificate;
  const BlockView& block = c.block;
  // A body we do not hold is copied into a body slot (within its reserve unless larger).
  if (!holds_body(block.header.merkle_root)) store_body(block.header.merkle_root, block.transactions());
  certificate_ = cert;
  decided_round_ = cert.round;
  decided_id_ = cert.block_id;
  decided_header_ = block.header;
  decided_signature_ = block.signature;
  step_ = Step::decided;
  emit(Action{.kind = ActionKind::finalize});
}

// Finalize: a precommit quorum for a block, in any round of the window, whose content we hold.
void RoundMachine::finalize(std::uint32_t round, const BlockId& id) {
  const Proposal* p = held_proposal(id);
  MIDNIGHT_INVARIANT(p != nullptr);
  decided_round_ = round;
  decided_id_ = id;
  decided_header_ = p->header;
  decided_signature_ = p->signature;
  build_certificate(slot(round).precommits, *config_.membership, id, certificate_);
  step_ = Step::decided;
  emit(Action{.kind = ActionKind::finalize});
}

// Rounds are unbounded: after round r comes r + 1, up to the last round number.
void RoundMachine::advance_round() {
  if (round_ < kLastRound) start_round(round_ + 1);
}

// Re-evaluates every rule that a new proposal, vote or step may have enabled. Each pass
// either moves the step forward or stops, so the loop is bounded by the number of steps.
void RoundMachine::after_change() {
  for (int pass = 0; pass < 4 && !decided(); ++pass) {
    const Step before = step_;
    for (std::uint32_t r = window_lowest(); !decided(); ++r) {
      if (const auto q = slot(r).precommits.quorum_block(); q && held_proposal(*q) != nullptr) finalize(r, *q);
      if (r == window_highest()) break;
    }
    if (decided()) return;
    keep_best_polka(round_);
    if (step_ == Step::collect && collect_may_end_early(round_)) prevote();
    const RoundSlot& s = slot(round_);
    if (step_ == Step::prevoted && s.polka.seen && held_proposal(s.polka.block_id) != nullptr) {
      precommit(s.polka.block_id);
    }
    if (step_ == before) return;
  }
}

// ---- helpers ---------------------------------------------------------------------

// A proposal for `id`: stored in the window, carried by a re-proposal, the held polka's
// or the pending one's.
const Proposal* RoundMachine::known_proposal(const BlockId& id) const {
  for (const RoundSlot& s : slots_) {
    if (!in_window(s.round)) continue;
    if (const auto m = s.by_id.find(id)) {
      const StoredProposal& e = s.proposals[*m];
      if (e.present && e.block_id == id) return &e.proposal;  // else the id of a replaced entry
    }
    if (s.carried.present && s.carried.block_id == id) return &s.carried.proposal;
  }
  if (best_polka_.held && best_polka_.block_id == id) return &best_polka_.message.proposal;
  if (pending_polka_.held && pending_polka_.block_id == id) return &pending_polka_.message.proposal;
  return nullptr;
}

// A known proposal for `id` whose body this node holds.
const Proposal* RoundMachine::held_proposal(const BlockId& id) const {
  const Proposal* p = known_proposal(id);
  return p != nullptr && holds_body(p->header.merkle_root) ? p : nullptr;
}

// Rule "collect", early: every member's proposal has arrived and we hold the body of the
// best-ranked one, so waiting for the deadline cannot change the pick.
bool RoundMachine::collect_may_end_early(std::uint32_t round) const {
  const RoundSlot& s = slot(round);
  return s.present == config_.membership->size() && s.best &&
         holds_body(s.proposals[*s.best].proposal.header.merkle_root);
}

bool RoundMachine::holds_body(const Hash32& root) const {
  if (root == content_.merkle_root) return true;
  for (const ForeignBody& b : bodies_) {
    if (b.present && b.root == root) return true;
  }
  return false;
}

std::span<const TxBytes> RoundMachine::body_transactions(const Hash32& root) const {
  if (root == content_.merkle_root) return content_.views;
  for (const ForeignBody& b : bodies_) {
    if (b.present && b.root == root) return b.body.transactions();
  }
  MIDNIGHT_INVARIANT(false && "only a held body has transactions");
  return {};
}

// A body the lock, the held polka, the pending re-proposal or the decision needs.
bool RoundMachine::pinned(const Hash32& root) const {
  const auto of = [&](const HeldPolka& h) { return h.held && h.message.proposal.header.merkle_root == root; };
  return of(lock_polka_) || of(best_polka_) || of(pending_polka_) || (decided() && decided_header_.merkle_root == root);
}

// Rule "hold": into a free slot, else into the slot held longest that nothing pins.
void RoundMachine::store_body(const Hash32& root, std::span<const TxBytes> txs) {
  ForeignBody* target = nullptr;
  for (ForeignBody& b : bodies_) {
    if (!b.present) {
      target = &b;
      break;
    }
    if (!pinned(b.root) && (target == nullptr || b.stored_at < target->stored_at)) target = &b;
  }
  MIDNIGHT_INVARIANT(target != nullptr && "at most three bodies are pinned, so one slot is free to reuse");
  if (target == nullptr) return;
  target->present = true;
  target->root = root;
  target->stored_at = bodies_stored_++;
  target->body.assign(txs);
}

std::optional<HeldBlock> RoundMachine::body_of(const BlockId& id) const {
  if (decided() && id == decided_id_) {
    return HeldBlock{decided_header_, decided_signature_, body_transactions(decided_header_.merkle_root)};
  }
  const Proposal* p = held_proposal(id);
  if (p == nullptr) return std::nullopt;
  return HeldBlock{p->header, p->signature, body_transactions(p->header.merkle_root)};
}

// Rule "fetch" for a re-proposal's block: from its proposer and from the polka's first
// voter (who approved it, so holds it if honest).
void RoundMachine::fetch_polka_body(const CarriedPolka& r, const BlockId& id) {
  fetch(*config_.membership->index_of(r.proposal.header.proposer), id);
  if (r.polka.count() > 0) fetch(*config_.membership->index_of(r.polka.used()[0].voter), id);
}

// Rule "fetch": ask `member` for the body of `id`. Not before the first round (a restore
// replays a journal; start_round asks then), not twice in one step, never ourselves.
void RoundMachine::fetch(std::size_t member, const BlockId& id) {
  if (member == self_ || decided() || step_ == Step::idle) return;
  for (std::size_t i = 0; i < action_count_; ++i) {
    const Action& a = actions_[i];
    const bool request = a.kind == ActionKind::request_body || a.kind == ActionKind::request_sketch;
    if (request && a.member == member && a.block_id == id) return;
  }
  // By reconciliation when we hold transactions to reconcile against (spec/
  // reconciliation.md §5), else the whole block.
  if (exchange_.have() == 0) {
    emit(Action{.kind = ActionKind::request_body, .member = member, .block_id = id});
    return;
  }
  exchange_.open(id, member);
  emit(Action{.kind = ActionKind::request_sketch, .member = member, .block_id = id});
}

void RoundMachine::record_vote(RoundSlot& s, const Vote& v, const TallyUpdate& u) {
  if (v.step != VoteStep::prevote || !u.quorum_reached || s.polka.seen) return;
  s.polka = Polka{true, u.block_id};
  // Rule "fetch" for a polka whose block's body we lack: from its proposer, if we know
  // the proposal, and from the voter that completed the polka (it approved the block).
  if (const Proposal* p = known_proposal(u.block_id); p != nullptr && !holds_body(p->header.merkle_root)) {
    fetch(*config_.membership->index_of(p->header.proposer), u.block_id);
    fetch(*config_.membership->index_of(v.voter), u.block_id);
  }
}

void RoundMachine::reply_with_commit(std::size_t member, std::uint32_t their_round) {
  if (member == self_) return;
  // A message of the decision's round or earlier does not show that its sender missed
  // the decision (spec/protocol.md 7.3): only a later round does.
  if (their_round <= decided_round_) return;
  std::uint32_t& sent = commit_sent_round_[member];
  if (sent != kNoRound && their_round <= sent) return;
  if (commit_replies_[member] >= kMaxCommitReplies) return;
  sent = their_round;
  ++commit_replies_[member];
  emit(Action{.kind = ActionKind::send_commit, .member = member});
}

// A vote of this node for this tally's round and step already exists only if it was
// restored from the journal (a live step votes once and moves on). Then the node sends
// that same signed vote again instead of signing a second one.
bool RoundMachine::resend_restored_vote(const VoteTally& tally) {
  const Vote* mine = tally.vote_of(self_);
  if (mine == nullptr) return false;
  emit(Action{.kind = ActionKind::broadcast_vote, .vote = *mine});
  return true;
}

void RoundMachine::emit(const Action& a) {
  // Never dropped: a lost action could be a vote, a timer or a decision. The bound is
  // the design's (kMaxActionsPerStep), so only a library bug can reach it.
  MIDNIGHT_SAFETY_INVARIANT(action_count_ < actions_.size() && "kMaxActionsPerStep bounds one step's output");
  actions_[action_count_++] = a;
}

void RoundMachine::emit_timer(TimerKind kind, std::uint32_t round, std::uint64_t at_ms) {
  emit(Action{.kind = ActionKind::set_timer, .timer = TimerFired{kind, height_, round}, .at_ms = at_ms});
}

void RoundMachine::emit_vote(VoteStep step, std::uint32_t round, const BlockId& id, bool approve) {
  Vote v{};
  v.chain_id = config_.chain_id;
  v.height = height_;
  v.round = round;
  v.step = step;
  v.block_id = id;
  v.approve = approve;
  v.voter = config_.keys.public_key;
  v = sign_vote(v, config_.keys.secret_key);
  RoundSlot& s = slot(round);
  VoteTally& tally = step == VoteStep::prevote ? s.prevotes : s.precommits;
  const auto update = tally.add(v);
  // A second, different vote of this node for the round and step would be an
  // equivocation that breaks safety: checked in every build, before anything is sent.
  MIDNIGHT_SAFETY_INVARIANT(update.has_value() && update.value().outcome == VoteOutcome::counted &&
                            "a node votes once per step");
  record_vote(s, v, update.value());
  emit(Action{.kind = ActionKind::broadcast_vote, .vote = v});
}

}  // namespace midnight
