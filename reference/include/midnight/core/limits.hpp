// Fixed maxima of the protocol. Every buffer in the core is sized from these, so
// decode, verify, tally and state-machine steps never allocate.
#pragma once
#include <cstddef>
#include <cstdint>

namespace midnight {

// Wire format version carried by every top-level message and every header.
inline constexpr std::uint8_t kWireVersion = 1;
inline constexpr std::uint16_t kHeaderVersion = 1;

// Membership.
inline constexpr std::size_t kMaxMembers = 64;                  // one bit each in a std::uint64_t
inline constexpr std::uint64_t kMaxMemberWeight = 1ULL << 20;    // per member
inline constexpr std::uint64_t kMaxTotalWeight = kMaxMembers * kMaxMemberWeight;

// Rewards: reward * weight must fit in 64 bits for the exact integer split.
inline constexpr std::uint64_t kMaxRewardPerHeight = 1ULL << 40;

// Blocks.
inline constexpr std::size_t kMaxTransactionBytes = 64 * 1024;   // one transaction
inline constexpr std::size_t kMaxBlockTransactions = 1024;       // excluding the coinbase
inline constexpr std::size_t kMaxBlockTransactionBytes = 1024 * 1024;  // excluding the coinbase

// Rounds: a height is given up (awaiting a certificate) after this many rounds.
inline constexpr std::uint32_t kMaxRounds = 16;

static_assert(kMaxMembers <= 64, "voter sets are one 64-bit word");
static_assert(kMaxMembers >= 1);
static_assert(kMaxTotalWeight / kMaxMembers == kMaxMemberWeight, "total weight must not overflow");
static_assert(kMaxRewardPerHeight <= UINT64_MAX / kMaxMemberWeight,
              "reward * weight must fit in 64 bits for the integer split");
static_assert(kMaxTransactionBytes <= kMaxBlockTransactionBytes);
static_assert(kMaxRounds >= 2, "retry needs at least a second round");

}  // namespace midnight
