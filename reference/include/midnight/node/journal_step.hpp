// The host's side of the journal contract, shared by every host (the simulator, a real
// node): which records one machine step must make durable before any of its actions is
// released, and how a restarted machine is given back what it journaled.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/journal/journal_record.hpp"

namespace midnight {

// A step emits at most a prevote and a precommit in each of two rounds (a round ends and
// the next begins in one step), plus one lock change.
inline constexpr std::size_t kMaxJournalRecordsPerStep = 8;

// Fills `out` with the records the step that just returned `actions` must journal: a vote
// record for every broadcast_vote action carrying this node's own vote, in action order
// (a re-proposal also forwards other members' votes: those are not recorded), then a
// lock record if m.lock() is held and differs from `journaled_lock`. Votes come first so
// that every prefix of an append (what a crash mid-append can leave) is consistent: a
// lock record is always preceded by the approving precommit it follows from. Returns
// how many. Allocates nothing.
std::size_t journal_records_for_step(const RoundMachine& m, Actions actions, const Lock& journaled_lock,
                                     std::span<JournalRecord, kMaxJournalRecordsPerStep> out);

// A step that changes the lock journals at most this many frames, for a membership of
// `members`: the new lock's polka (its part frames), then the records above.
constexpr std::size_t max_journal_frames_per_step(std::size_t members) {
  return journal_polka_frames_for(members) + kMaxJournalRecordsPerStep;
}

// Where journal_frames_for_step writes: the frames, and the polka's message on its way
// into them. reserve() at set-up, for the membership; a step then allocates nothing.
struct StepFrames {
  std::vector<JournalFrame> frames;
  std::vector<std::uint8_t> polka_message;
  void reserve(std::size_t members) {
    frames.reserve(max_journal_frames_per_step(members));
    polka_message.reserve(journal_polka_size_for(members));
  }
};

// The frames the step that returned `actions` must journal, in the order that keeps
// every prefix consistent: when the step changes the lock, the new lock's polka first
// (m.lock_polka(): a restarted node that is locked can then still re-propose its block
// with the polka, instead of insisting on a block no one else can be shown), then the
// records of journal_records_for_step. A prefix that keeps the polka but not the
// precommit restores knowledge of a polka and no vote, which is harmless; every lock
// restored comes after its polka. Replaces out.frames; returns how many frames.
std::size_t journal_frames_for_step(const RoundMachine& m, Actions actions, const Lock& journaled_lock,
                                    StepFrames& out);

// A host that keeps its journal's bytes in memory (the simulator, the round fuzzer):
// appends the frames of the step that returned `actions` (journal_frames_for_step, into
// `scratch`) to `journal` and moves `journaled_lock` to the lock it records. Returns how
// many bytes were appended (0: the step has nothing to make durable). The host then
// makes them durable before releasing any action, or, crashing inside the append, keeps
// only a prefix of them. The vector may grow: this is the host's storage, not a machine step.
std::size_t append_step_frames(const RoundMachine& m, Actions actions, Lock& journaled_lock,
                               std::vector<std::uint8_t>& journal, StepFrames& scratch);

struct JournalReplay {
  std::size_t records = 0;       // intact records read
  std::size_t other_heights = 0; // records of another height, skipped
  std::size_t intact_bytes = 0;  // the journal continues (is appended to) from here
  std::size_t torn_bytes = 0;    // a torn last frame, dropped
  Lock lock{};                   // the last lock restored (the one to compare the next step to)
};

// Replays a journal into a machine that has begun its height (begin_height) and has
// not started a round: every vote, lock and polka record of m.height() goes to
// restore_vote / restore_lock / restore_polka (a polka that does not decode as a
// re-proposal is journal_errc::bad_record). Any error (a corrupt frame, a bad record, a record the machine
// refuses) is returned as it is: the host must then not start a round, that is, it
// refuses to vote rather than risk a double vote. `error_offset`, if given, receives
// the offending frame's offset.
result<JournalReplay> replay_journal(RoundMachine& m, std::span<const std::uint8_t> journal,
                                     std::size_t* error_offset = nullptr);

}  // namespace midnight
