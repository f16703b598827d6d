// What a node keeps across a crash, for every host that keeps it in memory (the
// simulator, the round fuzzer, the tests): the block store's commits and the journal's
// bytes, and the one order in which a step's output reaches them (node_host.hpp,
// HostOutput: store, reset, append, and only then act). A real node keeps the same two
// things in files (journal/file_journal.hpp for the journal).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "midnight/core/result.hpp"
#include "midnight/node/node_host.hpp"

namespace midnight {

struct NodeDisk {
  std::vector<MessageBytes> block_store;  // decided commits, one per height, lowest first
  std::vector<std::uint8_t> journal;      // spec/journal.md

  // Steps (1)-(3) of `out`: every decided commit stored, the journal emptied if asked,
  // the step's records appended. Returns how many journal bytes were appended: a step
  // with none has nothing a crash could cut, and its actions may go at once.
  std::size_t store(const HostOutput& out);

  // A crash inside the append store() just made: of its `appended` bytes only the first
  // `kept` reached the disk. Frames are flushed one after another (spec/journal.md 4.1),
  // so what is left is a prefix, cut between frames or inside one.
  void tear_last_append(std::size_t appended, std::size_t kept);

  // A restart: gives a fresh `host` the block store and the journal (NodeHost::restore)
  // and drops the journal's torn tail, if any, so that appends continue after its last
  // intact frame. A journal that does not replay is left as it is, for inspection.
  result<JournalReplay> restore_into(NodeHost& host);
};

}  // namespace midnight
