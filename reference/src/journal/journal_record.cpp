// The vote journal's frames (journal/journal_record.hpp, spec/journal.md).
//
// A frame is judged in two stages. First its envelope: the length field, the check and
// the zero padding. A frame that fails any of these is "damaged", and only its place
// decides what it means: the last frame of the journal is a torn append, any other is
// corruption. Then, for an intact frame, its payload: an unknown kind or a malformed
// record is bad_record wherever the frame is, because an intact frame was written whole.
//
// Every read is of a subspan whose length has been checked against what remains, so
// no input can make the reader read outside it; nothing here allocates.
#include "midnight/journal/journal_record.hpp"

#include <algorithm>

#include "midnight/core/bytes.hpp"
#include "midnight/core/invariant.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight {

static_assert(sizeof(JournalFrame) == kJournalFrameSize, "frames are contiguous in a span of frames");

const char* ErrorTable<journal_errc>::message(journal_errc e) {
  switch (e) {
    case journal_errc::corrupt_frame: return "a journal frame is damaged and another frame follows it";
    case journal_errc::bad_record: return "an intact journal frame holds an unknown or malformed record";
    case journal_errc::in_use:
      return "the journal file is already open (locked by this or another process): one writer per journal";
  }
  return "unknown journal error";
}

namespace {

constexpr std::size_t kPayloadOffset = kJournalLengthSize;

// The first kJournalCheckSize bytes of SHA-256(tag::kJournal || covered).
std::array<std::uint8_t, kJournalCheckSize> frame_check(std::span<const std::uint8_t> covered) {
  const Hash32 h = Sha256().update(tag::kJournal).update(covered).finish();
  std::array<std::uint8_t, kJournalCheckSize> out{};
  std::copy_n(h.v.begin(), kJournalCheckSize, out.begin());
  return out;
}

// The payload of an intact frame (exactly kJournalFrameSize bytes), or an empty span if
// the frame is damaged: length out of range, check mismatch or nonzero padding.
std::span<const std::uint8_t> intact_payload(std::span<const std::uint8_t, kJournalFrameSize> frame) {
  const std::size_t length = load_u32(frame.data());
  if (length == 0 || length > kMaxJournalPayload) return {};
  const std::size_t check_at = kPayloadOffset + length;
  const auto check = frame_check(frame.first(check_at));
  if (!std::equal(check.begin(), check.end(), frame.begin() + static_cast<std::ptrdiff_t>(check_at))) return {};
  const auto padding = frame.subspan(check_at + kJournalCheckSize);
  if (!std::all_of(padding.begin(), padding.end(), [](std::uint8_t b) { return b == 0; })) return {};
  return frame.subspan(kPayloadOffset, length);
}

// The record in an intact frame's payload (non-empty), or bad_record.
result<JournalRecord> decode_record(std::span<const std::uint8_t> payload) {
  JournalRecord r;
  switch (payload[0]) {
    case static_cast<std::uint8_t>(JournalRecordKind::vote): {
      if (payload.size() != kJournalVotePayload) return journal_errc::bad_record;
      const auto vote = decode_vote(payload.subspan(1));
      if (!vote) return journal_errc::bad_record;
      r.kind = JournalRecordKind::vote;
      r.vote = vote.value();
      return r;
    }
    case static_cast<std::uint8_t>(JournalRecordKind::lock): {
      if (payload.size() != kJournalLockPayload) return journal_errc::bad_record;
      const std::uint8_t* p = payload.data() + 1;
      r.kind = JournalRecordKind::lock;
      r.height = load_u64(p);
      r.lock.held = true;
      r.lock.round = load_u32(p + 8);
      std::copy_n(p + 12, BlockId::size(), r.lock.block_id.v.begin());
      return r;
    }
    default:  // a polka part is read by JournalReader::read_polka, never alone
      return journal_errc::bad_record;
  }
}

constexpr auto kPolkaKind = static_cast<std::uint8_t>(JournalRecordKind::polka);

// A frame around `payload` (1 .. kMaxJournalPayload bytes, written by `fill`).
template <class Fill>
JournalFrame seal_frame(std::size_t length, Fill fill) {
  JournalFrame frame{};
  fill(frame.data() + kPayloadOffset);
  store_u32(frame.data(), static_cast<std::uint32_t>(length));
  const std::size_t check_at = kPayloadOffset + length;
  const auto check = frame_check(std::span<const std::uint8_t>(frame.data(), check_at));
  std::copy(check.begin(), check.end(), frame.begin() + static_cast<std::ptrdiff_t>(check_at));
  return frame;
}

}  // namespace

std::size_t encode_journal_polka_frames(std::span<const std::uint8_t> message, std::span<JournalFrame> out) {
  if (message.empty() || message.size() > kMaxJournalPolkaSize) return 0;
  const std::size_t count = (message.size() + kJournalPolkaChunk - 1) / kJournalPolkaChunk;
  if (count > out.size()) return 0;
  for (std::size_t i = 0; i < count; ++i) {
    const auto chunk = message.subspan(i * kJournalPolkaChunk, std::min(kJournalPolkaChunk, message.size() - i * kJournalPolkaChunk));
    out[i] = seal_frame(kJournalPolkaPartHeader + chunk.size(), [&](std::uint8_t* payload) {
      payload[0] = kPolkaKind;
      store_u16(payload + 1, static_cast<std::uint16_t>(i));
      store_u16(payload + 3, static_cast<std::uint16_t>(count));
      std::copy(chunk.begin(), chunk.end(), payload + kJournalPolkaPartHeader);
    });
  }
  return count;
}

JournalFrame encode_journal_frame(const JournalRecord& record) {
  MIDNIGHT_INVARIANT(record.kind != JournalRecordKind::polka && "a polka is encode_journal_polka_frames'");
  const std::size_t length = record.kind == JournalRecordKind::vote ? kJournalVotePayload : kJournalLockPayload;
  return seal_frame(length, [&](std::uint8_t* payload) {
    payload[0] = static_cast<std::uint8_t>(record.kind);
    if (record.kind == JournalRecordKind::vote) {
      // The machine's votes are canonical, so they always encode. Were one not to, the
      // frame would still carry a valid check over a payload its decoder rejects: a
      // replay then fails with bad_record and the node refuses to vote, the safe side.
      [[maybe_unused]] const auto n =
          encode_vote(record.vote, std::span<std::uint8_t>(payload + 1, kVoteMessageSize));
      MIDNIGHT_INVARIANT(n.has_value() && n.value() == kVoteMessageSize && "a journaled vote is canonical");
      return;
    }
    MIDNIGHT_INVARIANT(record.lock.held && "only a held lock is journaled");
    store_u64(payload + 1, record.height);
    store_u32(payload + 9, record.lock.round);
    std::copy(record.lock.block_id.v.begin(), record.lock.block_id.v.end(), payload + 13);
  });
}

std::span<const std::uint8_t> JournalReader::frame_payload(std::size_t at, bool& damaged) const {
  damaged = true;
  if (bytes_.size() - at < kJournalFrameSize) return {};
  const auto payload = intact_payload(bytes_.subspan(at).first<kJournalFrameSize>());
  damaged = payload.empty();
  return payload;
}

result<std::optional<JournalRecord>> JournalReader::next() {
  MIDNIGHT_INVARIANT(offset_ <= bytes_.size());
  const std::size_t remaining = bytes_.size() - offset_;
  if (remaining == 0) {
    torn_ = 0;
    return std::optional<JournalRecord>{};
  }
  bool damaged = false;
  const auto payload = frame_payload(offset_, damaged);
  if (damaged) {
    // Damaged. Torn if nothing follows its slot; corruption otherwise. Either way the
    // state does not change, so a repeated call gives the same answer.
    if (remaining > kJournalFrameSize) return journal_errc::corrupt_frame;
    torn_ = remaining;
    return std::optional<JournalRecord>{};
  }
  if (payload[0] == kPolkaKind) return read_polka(payload);
  MIDNIGHT_TRY(record, decode_record(payload));
  offset_ += kJournalFrameSize;
  return std::optional<JournalRecord>{record};
}

// A polka record: its parts, in order, in consecutive frames from offset_. offset_ moves
// past them only when the record is whole, so an error or a cut-off record leaves the
// reader where the record starts.
result<std::optional<JournalRecord>> JournalReader::read_polka(std::span<const std::uint8_t> first) {
  if (first.size() <= kJournalPolkaPartHeader) return journal_errc::bad_record;
  const std::size_t count = load_u16(first.data() + 3);
  if (load_u16(first.data() + 1) != 0 || count == 0 || count > kMaxJournalPolkaFrames) {
    return journal_errc::bad_record;
  }
  std::size_t size = 0;
  polka_.clear();
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = offset_ + i * kJournalFrameSize;
    bool damaged = false;
    const auto part = i == 0 ? first : (at < bytes_.size() ? frame_payload(at, damaged) : std::span<const std::uint8_t>{});
    if (i > 0 && (at >= bytes_.size() || damaged)) {
      // The record stops short. At the end of the journal (nothing follows the damaged
      // slot, or no slot at all) the append that wrote it was cut: torn, dropped whole.
      if (at >= bytes_.size() || bytes_.size() - at <= kJournalFrameSize) {
        torn_ = bytes_.size() - offset_;
        return std::optional<JournalRecord>{};
      }
      return journal_errc::corrupt_frame;
    }
    const bool last = i + 1 == count;
    if (part.size() <= kJournalPolkaPartHeader || part[0] != kPolkaKind || load_u16(part.data() + 1) != i ||
        load_u16(part.data() + 3) != count || (!last && part.size() != kMaxJournalPayload)) {
      return journal_errc::bad_record;
    }
    const auto chunk = part.subspan(kJournalPolkaPartHeader);
    if (size + chunk.size() > kMaxJournalPolkaSize) return journal_errc::bad_record;
    polka_.insert(polka_.end(), chunk.begin(), chunk.end());  // a replay is set-up: it may allocate
    size += chunk.size();
  }
  polka_size_ = size;
  offset_ += count * kJournalFrameSize;
  JournalRecord r;
  r.kind = JournalRecordKind::polka;
  return std::optional<JournalRecord>{r};
}

}  // namespace midnight
