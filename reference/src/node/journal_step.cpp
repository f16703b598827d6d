// The host's side of the journal contract (node/journal_step.hpp, spec/journal.md).
#include "midnight/node/journal_step.hpp"

#include <array>

#include "midnight/core/invariant.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight {

std::size_t journal_records_for_step(const RoundMachine& m, Actions actions, const Lock& journaled_lock,
                                     std::span<JournalRecord, kMaxJournalRecordsPerStep> out) {
  std::size_t count = 0;
  const auto add = [&](const JournalRecord& r) {
    // A step signs at most a prevote and a precommit in each of two rounds (a round ends,
    // or is skipped to, and the next begins), plus one lock. A re-proposal carries other
    // members' prevotes inside one message: no vote action, nothing to journal.
    MIDNIGHT_INVARIANT(count < out.size() && "kMaxJournalRecordsPerStep bounds one step's records");
    if (count < out.size()) out[count++] = r;
  };
  for (const Action& a : actions) {
    if (a.kind != ActionKind::broadcast_vote || a.vote.voter != m.public_key()) continue;
    add(JournalRecord{.kind = JournalRecordKind::vote, .vote = a.vote});
  }
  // The lock after the votes: it comes from the step's approving precommit, and a replay
  // restores a lock only after that precommit (RoundMachine::restore_lock).
  if (m.lock().held && m.lock() != journaled_lock) {
    add(JournalRecord{.kind = JournalRecordKind::lock, .height = m.height(), .lock = m.lock()});
  }
  return count;
}

std::size_t journal_frames_for_step(const RoundMachine& m, Actions actions, const Lock& journaled_lock,
                                    StepFrames& out) {
  out.frames.clear();
  const CarriedPolka* polka = m.lock_polka();
  if (m.lock().held && m.lock() != journaled_lock && polka != nullptr) {
    out.polka_message.resize(encoded_size_polka(*polka));
    const auto size = encode_polka(*polka, out.polka_message);
    // The machine built it from prevotes it verified: it encodes.
    MIDNIGHT_INVARIANT(size.has_value() && "a lock's polka encodes");
    if (size.has_value()) {
      const std::size_t parts = (size.value() + kJournalPolkaChunk - 1) / kJournalPolkaChunk;
      out.frames.resize(parts);
      [[maybe_unused]] const std::size_t written =
          encode_journal_polka_frames(std::span<const std::uint8_t>(out.polka_message.data(), size.value()), out.frames);
      MIDNIGHT_INVARIANT(written == parts);
    }
  }
  std::array<JournalRecord, kMaxJournalRecordsPerStep> records{};
  const std::size_t n = journal_records_for_step(m, actions, journaled_lock, records);
  for (std::size_t i = 0; i < n; ++i) out.frames.push_back(encode_journal_frame(records[i]));
  return out.frames.size();
}

std::size_t append_step_frames(const RoundMachine& m, Actions actions, Lock& journaled_lock,
                               std::vector<std::uint8_t>& journal, StepFrames& scratch) {
  const std::size_t count = journal_frames_for_step(m, actions, journaled_lock, scratch);
  for (const JournalFrame& f : scratch.frames) journal.insert(journal.end(), f.begin(), f.end());
  if (m.lock().held && count > 0) journaled_lock = m.lock();
  return count * kJournalFrameSize;
}

result<JournalReplay> replay_journal(RoundMachine& m, std::span<const std::uint8_t> journal,
                                     std::size_t* error_offset) {
  JournalReplay replay;
  // A replay is part of a restart's set-up: the reader and the polka's decode target
  // grow to the polka's size.
  JournalReader reader(journal);
  CarriedPolka polka_storage;
  CarriedPolka* const polka = &polka_storage;
  for (;;) {
    const std::size_t at = reader.offset();
    auto restored = [&]() -> result<bool> {
      MIDNIGHT_TRY(next, reader.next());
      if (!next) return false;
      const JournalRecord& r = *next;
      ++replay.records;
      if (r.kind == JournalRecordKind::polka) {
        if (!decode_polka(reader.polka_message(), *polka)) return journal_errc::bad_record;
        if (polka->polka.height != m.height()) {
          ++replay.other_heights;
          return true;
        }
        MIDNIGHT_TRY(m.restore_polka(*polka));
        return true;
      }
      const std::uint64_t height = r.kind == JournalRecordKind::vote ? r.vote.height : r.height;
      if (height != m.height()) {
        ++replay.other_heights;
        return true;
      }
      if (r.kind == JournalRecordKind::vote) {
        MIDNIGHT_TRY(m.restore_vote(r.vote));
      } else {
        MIDNIGHT_TRY(m.restore_lock(r.height, r.lock));
        replay.lock = r.lock;
      }
      return true;
    }();
    if (!restored) {
      if (error_offset != nullptr) *error_offset = at;
      return restored.error();
    }
    if (!restored.value()) break;
  }
  replay.intact_bytes = reader.intact_bytes();
  replay.torn_bytes = reader.torn_bytes();
  return replay;
}

}  // namespace midnight
