// Fixed maxima of the protocol. Every buffer in the core is sized from these, so
// decode, verify, tally and state-machine steps never allocate.
#pragma once
#include <cstddef>
#include <cstdint>

namespace midnight {

// Wire format version carried by every top-level message and every header.
inline constexpr std::uint8_t kWireVersion = 2;
inline constexpr std::uint16_t kHeaderVersion = 1;

// Membership. A height may have up to 65,535 members (a certificate's count and the
// coinbase's entry count are u16 on the wire); storage for them is sized at set-up from
// the actual membership, never from this maximum.
inline constexpr std::size_t kMaxMembers = 65535;
inline constexpr std::uint64_t kMaxMemberWeight = 1ULL << 20;    // per member
inline constexpr std::uint64_t kMaxTotalWeight = kMaxMembers * kMaxMemberWeight;

// Rewards: reward * weight must fit in 64 bits for the exact integer split.
inline constexpr std::uint64_t kMaxRewardPerHeight = 1ULL << 40;

// Blocks. One block a day carries a day's transactions: the origin node's ten-minute
// blocks allow 10,000 each, about 1.4 million a day. Storage for a block is sized from
// the block itself (its builder, its decoder's caller), never from these maxima.
inline constexpr std::size_t kMaxTransactionBytes = 64 * 1024;   // one transaction
inline constexpr std::size_t kMaxBlockTransactions = 1U << 21;   // 2,097,152, excluding the coinbase
inline constexpr std::size_t kMaxBlockTransactionBytes = 256U * 1024 * 1024;  // 256 MiB, excluding the coinbase
// The coinbase pays every member (spec/protocol.md 3.2): its own bound, since 40 bytes
// a member exceed kMaxTransactionBytes above 1,636 members.
inline constexpr std::size_t kCoinbaseEntryBytes = 32 + 8;
inline constexpr std::size_t kCoinbaseFixedBytes = 21 + 32 + 8 + 2;  // tag, chain, height, count u16
inline constexpr std::size_t kMaxCoinbaseBytes = kCoinbaseFixedBytes + kMaxMembers * kCoinbaseEntryBytes;

// Body reconciliation (spec/reconciliation.md). A sketch request samples at most this
// many of the requester's short ids; a sketch has three sub-tables of at most
// kMaxSketchCellsPerHash cells (enough for the difference of two full blocks, 2^22
// transactions at 1.5 cells each, and a bound on what a peer's sketch can make a node
// hold: about 100 MiB of cells) of kSketchCellBytes bytes on the wire.
inline constexpr std::size_t kReconcileSampleIds = 512;
inline constexpr std::size_t kSketchHashes = 3;
inline constexpr std::size_t kMaxSketchCellsPerHash = (1U << 21) + 1024;
inline constexpr std::size_t kSketchCellBytes = 4 + 8 + 4;  // count i32, id_sum u64, check_sum u32
inline constexpr std::size_t kSketchHeaderBytes = 4;        // cells_per_hash u32

// Rounds are unbounded: a height is retried round after round until it decides. The
// last round number is reserved so that "the round after r" never wraps.
inline constexpr std::uint32_t kLastRound = UINT32_MAX - 1;

// The round machine keeps the rounds of a window around its current round r, from
// r - kRoundsBehind to r + kRoundsAhead, in a ring of kRoundSlots slots; older rounds
// survive only through their highest polka, and a message of a later round is counted
// toward the round skip but not stored (spec/protocol.md section 5.5). So its memory is
// the same in round 0 and in round 2^32 - 2.
inline constexpr std::uint32_t kRoundsBehind = 1;
inline constexpr std::uint32_t kRoundsAhead = 2;
inline constexpr std::uint32_t kRoundSlots = kRoundsBehind + 1 + kRoundsAhead;

static_assert(kMaxMembers <= UINT16_MAX, "member counts are u16 on the wire");
static_assert(kMaxMembers >= 1);
static_assert(kMaxTotalWeight / kMaxMembers == kMaxMemberWeight, "total weight must not overflow");
static_assert(kMaxRewardPerHeight <= UINT64_MAX / kMaxMemberWeight,
              "reward * weight must fit in 64 bits for the integer split");
static_assert(kMaxTransactionBytes <= kMaxBlockTransactionBytes);
static_assert(kRoundsBehind >= 1, "late precommits of the round just left still finalize");

}  // namespace midnight
