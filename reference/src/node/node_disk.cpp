// A node's durable state kept in memory (node/node_disk.hpp).
#include "midnight/node/node_disk.hpp"

#include "midnight/core/invariant.hpp"


namespace midnight {

std::size_t NodeDisk::store(const HostOutput& out) {
  // Final once stored, whatever happens to the rest of the step: a crash inside the
  // append below still finds these commits at restart.
  for (const StoredCommit& d : out.decided) block_store.push_back(d.commit);
  if (out.journal_reset) journal.clear();
  journal.insert(journal.end(), out.journal_append.begin(), out.journal_append.end());
  return out.journal_append.size();
}

void NodeDisk::tear_last_append(std::size_t appended, std::size_t kept) {
  MIDNIGHT_INVARIANT(appended <= journal.size() && kept <= appended);
  if (appended > journal.size() || kept > appended) return;
  journal.resize(journal.size() - appended + kept);
}

result<JournalReplay> NodeDisk::restore_into(NodeHost& host) {
  auto replay = host.restore(block_store, journal);
  if (replay) journal.resize(replay.value().intact_bytes);
  return replay;
}

}  // namespace midnight
