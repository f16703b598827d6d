// Canonical selection: a policy maps each candidate proposal to a rank key; the
// canonical block is the candidate with the smallest (key, block id). The choice
// depends only on the set of candidates, never on the order they are stored in.
//   A lowest-hash      key = block id                          (default)
//   B vrf              key = the proposer's ECVRF output (beta) over the round's VRF input
//   C first-to-quorum  key = local arrival sequence number      (own proposal last)
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "midnight/core/bytes.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

enum class PolicyKind : std::uint8_t { lowest_hash = 1, vrf_rank = 2, first_to_quorum = 3 };

struct Candidate {
  const Proposal* proposal = nullptr;
  BlockId block_id;
  std::uint32_t arrival = 0;  // order in which this node received it (0 = first)
  // Policy B: beta of the proposal's VRF proof, verified when the proposal was stored
  // (verify_proposal_vrf); nullptr when not verified.
  const VrfOutput* vrf_output = nullptr;
};

// Wide enough for every policy's key: a block id (32 bytes, left-aligned), an arrival
// index, or a full ECVRF-EDWARDS25519-SHA512-TAI output (64 bytes) for policy B.
using RankKey = Bytes<64>;

class SelectionPolicy {
 public:
  virtual ~SelectionPolicy() = default;
  virtual PolicyKind kind() const = 0;
  virtual std::string_view name() const = 0;
  virtual RankKey rank(const Candidate& c) const = 0;
};

class LowestHashPolicy final : public SelectionPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::lowest_hash; }
  std::string_view name() const override { return "lowest-hash"; }
  RankKey rank(const Candidate& c) const override;
};

// Policy B. A candidate without a verified output ranks after every candidate with one
// (all-0xff key); the round machine only makes candidates with one under this policy.
class VrfRankPolicy final : public SelectionPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::vrf_rank; }
  std::string_view name() const override { return "vrf"; }
  RankKey rank(const Candidate& c) const override;
};

class FirstToQuorumPolicy final : public SelectionPolicy {
 public:
  PolicyKind kind() const override { return PolicyKind::first_to_quorum; }
  std::string_view name() const override { return "first-to-quorum"; }
  RankKey rank(const Candidate& c) const override;
};

// Index into `candidates` of the canonical one; nullopt when empty.
std::optional<std::size_t> select_canonical(const SelectionPolicy& policy, std::span<const Candidate> candidates);

// "lowest-hash" / "vrf" / "first-to-quorum" -> policy; nullptr for anything else.
std::unique_ptr<SelectionPolicy> make_policy(std::string_view name);

}  // namespace midnight
