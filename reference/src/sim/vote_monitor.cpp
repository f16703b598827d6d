#include "midnight/sim/vote_monitor.hpp"

#include "midnight/sim/encoding.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::sim {

VoteMonitor::VoteMonitor(const Membership& membership, const ChainId& chain, std::vector<bool> honest_members,
                         std::vector<std::size_t> node_of_member, const SignatureVerifier& verifier)
    : membership_(membership),
      verifier_(verifier),
      chain_(chain),
      honest_(std::move(honest_members)),
      node_of_member_(std::move(node_of_member)) {}

std::string VoteMonitor::who(std::size_t member) const {
  return "node " + std::to_string(node_of_member_[member]) + " (member " + std::to_string(member) + ")";
}

void VoteMonitor::on_send(std::span<const std::uint8_t> bytes) {
  const auto type = peek_message_type(bytes);
  if (!type || type.value() != MessageType::vote) return;
  const auto decoded = decode_vote(bytes);
  if (!decoded) return;
  const Vote& v = decoded.value();
  if (v.chain_id != chain_) return;
  const auto member = membership_.index_of(v.voter);
  if (!member) return;
  const std::size_t m = *member;
  if (v.step == VoteStep::prevote && v.approve) {
    MemberSet& voters = prevoters_[{v.height, v.block_id, v.round}];
    if (voters.size() == 0) voters.resize(membership_.size());
    if (!voters.contains(m) && verify_vote(v, verifier_)) voters.insert(m);
  }
  if (honest_[m]) check_honest(m, v);
}

void VoteMonitor::check_honest(std::size_t member, const Vote& v) {
  // An honest member's votes are genuine (no one else holds its key), so no signature
  // check is needed to hold it to them.
  const auto key = std::make_tuple(member, v.height, v.round, static_cast<std::uint8_t>(v.step));
  const auto [it, first] = cast_.emplace(key, Cast{v.block_id, v.approve});
  if (!first) {
    if (it->second.block_id != v.block_id || it->second.approve != v.approve) {
      no_double_votes_ = false;
      violations_.push_back(who(member) + " signed two different " +
                            (v.step == VoteStep::prevote ? "prevotes" : "precommits") + " at height " +
                            std::to_string(v.height) + " round " + std::to_string(v.round) + ": " +
                            short_hex(it->second.block_id) +
                            (it->second.approve ? "" : " (reject)") + " and " + short_hex(v.block_id) +
                            (v.approve ? "" : " (reject)"));
    }
    return;
  }
  if (!v.approve) return;
  const auto held = lock_.find({member, v.height});
  if (v.step == VoteStep::precommit) {
    if (held == lock_.end() || v.round >= held->second.first) lock_[{member, v.height}] = {v.round, v.block_id};
    return;
  }
  if (held == lock_.end()) return;
  const auto& lock = held->second;
  if (v.round > lock.first && v.block_id != lock.second && !polka_between(v.height, v.block_id, lock.first, v.round)) {
    locks_kept_ = false;
    violations_.push_back(who(member) + " locked on " + short_hex(lock.second) + " at height " +
                          std::to_string(v.height) + " in round " + std::to_string(lock.first) + " prevoted " +
                          short_hex(v.block_id) +
                          " in round " + std::to_string(v.round) + " with no polka for it since");
  }
}

bool VoteMonitor::polka_between(std::uint64_t height, const BlockId& id, std::uint32_t from_round,
                                std::uint32_t to_round) const {
  for (auto it = prevoters_.lower_bound({height, id, from_round});
       it != prevoters_.end() && std::get<0>(it->first) == height && std::get<1>(it->first) == id &&
       std::get<2>(it->first) < to_round;
       ++it) {
    std::uint64_t weight = 0;
    it->second.for_each([&](std::size_t m) { weight += membership_.member(m).weight; });
    if (membership_.reaches_quorum(weight)) return true;
  }
  return false;
}

}  // namespace midnight::sim
