// libFuzzer target: the vote journal's reader and its replay into a machine
// (spec/journal.md). The input is a whole journal file.
// Beyond "no crash", for every input:
//   - frames are read at multiples of kJournalFrameSize and every record read re-encodes
//     to exactly its frames' bytes (one frame, or a polka's part frames);
//   - the reader ends one of two ways: at the end, with intact + torn bytes = the file
//     size and a torn part only in the last frame or in a polka record cut short at the
//     end; or with a readable journal error at a frame boundary inside the file, which
//     the next call returns again (a reader never skips past damage);
//   - replay_journal into a fresh machine of the journal's node fails exactly when the
//     reader fails or the machine refuses a record, with a readable error; when it
//     succeeds it counts the records the reader read.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "common/check.hpp"
#include "common/fuzz_world.hpp"
#include "midnight/journal/journal_record.hpp"
#include "midnight/node/journal_step.hpp"

using namespace midnight;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  JournalReader reader(in);
  std::size_t records = 0;
  bool failed = false;
  // Bounded: every successful next() advances by at least one whole frame.
  for (std::size_t guard = 0; guard <= size / kJournalFrameSize + 1; ++guard) {
    const std::size_t at = reader.offset();
    MIDNIGHT_FUZZ_CHECK(at % kJournalFrameSize == 0 && at <= size, "the reader is not at a frame boundary");
    const auto next = reader.next();
    if (!next) {
      MIDNIGHT_FUZZ_CHECK(std::strcmp(next.error().category().name(), "midnight.journal") == 0,
                          "a journal error outside the journal's category");
      MIDNIGHT_FUZZ_CHECK(!next.error().message().empty(), "a journal error has no message");
      MIDNIGHT_FUZZ_CHECK(reader.offset() == at && at + kJournalFrameSize <= size,
                          "a journal error does not point at a whole frame inside the file");
      const auto again = reader.next();
      MIDNIGHT_FUZZ_CHECK(!again && again.error() == next.error() && reader.offset() == at,
                          "the reader moved past a damaged frame");
      failed = true;
      break;
    }
    if (!next.value()) {
      MIDNIGHT_FUZZ_CHECK(reader.intact_bytes() + reader.torn_bytes() == size,
                          "intact and torn bytes do not add up to the file");
      // More than a frame only for a polka record cut short: it starts with an intact
      // polka part frame.
      const bool polka_cut = reader.torn_bytes() > kJournalFrameSize &&
                             reader.torn_bytes() <= kMaxJournalPolkaFrames * kJournalFrameSize &&
                             in[at + kJournalLengthSize] == static_cast<std::uint8_t>(JournalRecordKind::polka);
      MIDNIGHT_FUZZ_CHECK(reader.torn_bytes() <= kJournalFrameSize || polka_cut,
                          "more than the last frame, or a polka cut short, was dropped as torn");
      break;
    }
    ++records;
    if (next.value()->kind == JournalRecordKind::polka) {
      std::vector<JournalFrame> parts((reader.polka_message().size() + kJournalPolkaChunk - 1) / kJournalPolkaChunk);
      const std::size_t n = encode_journal_polka_frames(reader.polka_message(), parts);
      MIDNIGHT_FUZZ_CHECK(n > 0 && reader.offset() == at + n * kJournalFrameSize,
                          "a polka record did not take exactly its part frames");
      for (std::size_t i = 0; i < n; ++i)
        MIDNIGHT_FUZZ_CHECK(std::equal(parts[i].begin(), parts[i].end(), in.begin() + at + i * kJournalFrameSize),
                            "a polka record re-encodes to different frames");
      continue;
    }
    MIDNIGHT_FUZZ_CHECK(reader.offset() == at + kJournalFrameSize, "a record did not take exactly one frame");
    const JournalFrame frame = encode_journal_frame(*next.value());
    MIDNIGHT_FUZZ_CHECK(std::equal(frame.begin(), frame.end(), in.begin() + at),
                        "a journal record re-encodes to a different frame");
  }

  // Replay into the machine whose votes the seed journals hold (node 0), fresh each time.
  static const RoundMachine fresh = fuzz::make_fuzz_machine(0, false);
  static RoundMachine machine = fresh;
  machine = fresh;
  const auto replay = replay_journal(machine, in);
  if (!replay) {
    MIDNIGHT_FUZZ_CHECK(!replay.error().message().empty(), "a replay error has no message");
    return 0;
  }
  MIDNIGHT_FUZZ_CHECK(!failed, "replay accepted a journal the reader rejects");
  MIDNIGHT_FUZZ_CHECK(replay.value().records == records, "replay counted other records than the reader read");
  MIDNIGHT_FUZZ_CHECK(replay.value().intact_bytes + replay.value().torn_bytes == size,
                      "replay's intact and torn bytes do not add up to the file");
  return 0;
}
