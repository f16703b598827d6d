// The vote journal's format: what a node has voted and locked at its current height,
// written before any of it leaves the node, so that a node that crashes and restarts
// never signs a second, different vote for a (height, round, step) nor forgets its lock.
//
// The journal is a sequence of fixed-size frames, one record per frame:
//
//   offset  size  field
//   0       4     payload length L, u32 big-endian, 1 <= L <= kMaxJournalPayload
//   4       L     payload: u8 record kind, then that kind's fields (below)
//   4+L     8     check: the first 8 bytes of SHA-256(tag::kJournal || bytes [0, 4+L))
//   12+L    ..    zero bytes up to kJournalFrameSize
//
//   kind 1, vote:  the vote's canonical message encoding (wire/codec.hpp, kVoteMessageSize)
//   kind 2, lock:  u64 height, u32 round, 32-byte block id (big-endian integers)
//   kind 3, polka part: u16 index, u16 count, then bytes [index * C, ...) of the lock's
//                  polka as a polka message (wire/codec.hpp), C = kJournalPolkaChunk;
//                  parts 0 .. count - 1 in consecutive frames make one record, every part
//                  but the last full. A polka is larger than a frame; it is one record.
//
// Why fixed-size frames: every frame boundary is known even when a length field is
// damaged, so a damaged frame can always be placed: if it is the last frame it is a
// torn append (the node crashed before the append's fsync returned, so nothing it
// held was released) and is dropped; if any frame follows it, it is corruption of
// data that was already synced and acted on, and the reader reports it rather than
// guess (the node then refuses to vote). spec/journal.md is the normative text.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>
#include <string_view>

#include "midnight/consensus/lock.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

namespace tag {
inline constexpr std::string_view kJournal{"midnight/v1/journal\0", 20};
}  // namespace tag

inline constexpr std::size_t kJournalFrameSize = 256;
inline constexpr std::size_t kJournalLengthSize = 4;
inline constexpr std::size_t kJournalCheckSize = 8;
inline constexpr std::size_t kMaxJournalPayload = kJournalFrameSize - kJournalLengthSize - kJournalCheckSize;
inline constexpr std::size_t kJournalVotePayload = 1 + kVoteMessageSize;
inline constexpr std::size_t kJournalLockPayload = 1 + 8 + 4 + 32;
inline constexpr std::size_t kJournalPolkaPartHeader = 1 + 2 + 2;
inline constexpr std::size_t kJournalPolkaChunk = kMaxJournalPayload - kJournalPolkaPartHeader;
// The largest polka message: a proposal and a prevote of every member. A membership
// of n members needs journal_polka_size_for(n) at most.
inline constexpr std::size_t kMaxJournalPolkaSize = kPrefixSize + kProposalBodySize + kMaxCertificateBodySize;
constexpr std::size_t journal_polka_size_for(std::size_t members) {
  return kPrefixSize + kProposalBodySize + kCertificateFixedSize + members * kCertificateEntrySize;
}
inline constexpr std::size_t kMaxJournalPolkaFrames = (kMaxJournalPolkaSize + kJournalPolkaChunk - 1) / kJournalPolkaChunk;
constexpr std::size_t journal_polka_frames_for(std::size_t members) {
  return (journal_polka_size_for(members) + kJournalPolkaChunk - 1) / kJournalPolkaChunk;
}
static_assert(kMaxJournalPolkaFrames <= UINT16_MAX, "a polka part's index and count are u16");
static_assert(kJournalVotePayload <= kMaxJournalPayload, "a vote record fits in one frame");
static_assert(kJournalLockPayload <= kMaxJournalPayload, "a lock record fits in one frame");

enum class journal_errc {
  corrupt_frame = 1,  // a frame that fails its check with another frame after it
  bad_record,         // an intact frame whose payload is not a known, well-formed record
  in_use,             // FileJournal::open: the file is locked by another open journal
};

template <>
struct ErrorTable<journal_errc> {
  static constexpr const char* name = "midnight.journal";
  static const char* message(journal_errc e);
};

enum class JournalRecordKind : std::uint8_t { vote = 1, lock = 2, polka = 3 };

// A record as read. A polka record's bytes are the reader's (JournalReader::polka_message).
struct JournalRecord {
  JournalRecordKind kind = JournalRecordKind::vote;
  Vote vote{};                // kind == vote
  std::uint64_t height = 0;   // kind == lock
  Lock lock{};                // kind == lock (lock.held is true)
  friend bool operator==(const JournalRecord&, const JournalRecord&) = default;
};

using JournalFrame = std::array<std::uint8_t, kJournalFrameSize>;

// A vote or lock record as one frame.
JournalFrame encode_journal_frame(const JournalRecord& record);

// A polka record: `message` (an encoded polka message, 1 .. kMaxJournalPolkaSize bytes) as
// its part frames, written to the front of `out`. Returns how many (0 if `message` is
// empty or too large, or `out` too small). Allocates nothing.
std::size_t encode_journal_polka_frames(std::span<const std::uint8_t> message, std::span<JournalFrame> out);

// Reads frames front to back. It allocates only to hold a polka record's message (a
// replay is part of a restart's set-up). The bytes must outlive the reader.
class JournalReader {
 public:
  explicit JournalReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  // The next intact record, or std::nullopt at the end. A damaged last frame (short,
  // or failing its check) is a torn append: it is dropped and counted in torn_bytes(),
  // and so is a polka record whose last parts are missing at the end (the append that
  // wrote it was cut between frames). A damaged frame with a frame after it is
  // journal_errc::corrupt_frame; an intact frame whose record is unknown or malformed,
  // or a polka part out of sequence, is journal_errc::bad_record. After an error,
  // offset() is where the offending record starts and next() returns it again.
  result<std::optional<JournalRecord>> next();

  // The bytes of the polka record next() last returned (a polka message; decode it
  // with decode_polka), valid until the next call.
  std::span<const std::uint8_t> polka_message() const { return {polka_.data(), polka_size_}; }

  std::size_t offset() const { return offset_; }       // start of the next record
  std::size_t intact_bytes() const { return offset_; }  // bytes of the records read so far
  std::size_t torn_bytes() const { return torn_; }      // set once the end is reached

 private:
  // One frame at `at`: its payload if intact, or empty with `damaged` set.
  std::span<const std::uint8_t> frame_payload(std::size_t at, bool& damaged) const;
  result<std::optional<JournalRecord>> read_polka(std::span<const std::uint8_t> first);

  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
  std::size_t torn_ = 0;
  std::vector<std::uint8_t> polka_;  // grows to the largest polka read (at most kMaxJournalPolkaSize)
  std::size_t polka_size_ = 0;
};

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(journal_errc)
