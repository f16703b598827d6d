// The simulator's safety monitor for votes: it sees every message as it is sent and
// checks, for every honest member across all its restarts, the two promises the vote
// journal exists to keep (tla/MidnightRound.tla states the second as LockSafety):
//   no double vote  never two different votes for one (height, round, step);
//   lock kept       after an approving precommit for X in round r, an approving prevote
//                   for Y != X in a later round r' only if a polka for Y (prevotes of
//                   more than 2/3 of the weight, from any member, sent before it) exists
//                   in a round in [r, r').
// A polka counts only signature-valid votes; each (member, round, block) is verified
// once. The monitor is the judge, not a participant: nothing it does reaches a node.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "midnight/block/membership.hpp"
#include "midnight/core/member_set.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::sim {

class VoteMonitor {
 public:
  // `honest[m]`: member m is honest (only honest members are held to the promises);
  // `node_of_member[m]`: its node index, for the messages.
  VoteMonitor(const Membership& membership, const ChainId& chain, std::vector<bool> honest_members,
              std::vector<std::size_t> node_of_member, const SignatureVerifier& verifier = direct_verifier());

  // Every send, before the network decides its fate. Non-votes and undecodable bytes
  // are ignored.
  void on_send(std::span<const std::uint8_t> bytes);

  bool no_double_votes() const { return no_double_votes_; }
  bool locks_kept() const { return locks_kept_; }
  // One line per broken promise, in the order found.
  const std::vector<std::string>& violations() const { return violations_; }

 private:
  struct Cast {
    BlockId block_id;
    bool approve = false;
  };
  void check_honest(std::size_t member, const Vote& v);
  bool polka_between(std::uint64_t height, const BlockId& id, std::uint32_t from_round, std::uint32_t to_round) const;

  const Membership& membership_;
  const SignatureVerifier& verifier_;
  ChainId chain_;
  std::vector<bool> honest_;
  std::vector<std::size_t> node_of_member_;
  std::string who(std::size_t member) const;
  // (member, height, round, step) -> the first vote seen; steps are 1 (prevote) and 2 (precommit).
  std::map<std::tuple<std::size_t, std::uint64_t, std::uint32_t, std::uint8_t>, Cast> cast_;
  // (member, height) -> its highest-round approving precommit there (its lock, as sent).
  std::map<std::pair<std::size_t, std::uint64_t>, std::pair<std::uint32_t, BlockId>> lock_;
  // (height, block, round) -> members whose signature-valid approving prevote was seen.
  // Ordered so that the rounds of one block at one height are one range: a lock check
  // looks at the rounds that exist, never at every round number in between.
  std::map<std::tuple<std::uint64_t, BlockId, std::uint32_t>, MemberSet> prevoters_;
  bool no_double_votes_ = true;
  bool locks_kept_ = true;
  std::vector<std::string> violations_;
};

}  // namespace midnight::sim
