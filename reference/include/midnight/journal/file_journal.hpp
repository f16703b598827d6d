// The vote journal as a POSIX file: read whole at start-up, then append-only, each
// append followed by fsync before the caller may release what it records.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "midnight/core/result.hpp"
#include "midnight/journal/journal_record.hpp"

namespace midnight {

class FileJournal {
 public:
  // Opens `path` for reading and appending. A missing file is created empty (a node that
  // never voted), and its directory is synced so the file's existence is durable.
  // Reads the whole file into contents(). I/O failures are std::errc / errno codes.
  static result<FileJournal> open(const std::string& path);

  FileJournal(FileJournal&& other) noexcept;
  FileJournal& operator=(FileJournal&& other) noexcept;
  FileJournal(const FileJournal&) = delete;
  FileJournal& operator=(const FileJournal&) = delete;
  ~FileJournal();

  // The file's bytes as read by open().
  std::span<const std::uint8_t> contents() const { return contents_; }

  // Cuts the file to `intact_bytes` (the end of the last intact frame, after a replay
  // dropped a torn one) and syncs, so appends continue after the last intact frame.
  // Does nothing if the file is already that long.
  result<void> discard_after(std::size_t intact_bytes);

  // Writes every frame at the end of the file, then fsyncs. Only after it returns
  // success may the caller release the votes these frames record. On failure the
  // caller must not release them (and should stop voting).
  //
  // After a failed append or discard_after the file's state is unknown (part of the
  // frames may be written; after a failed fsync the kernel may drop the dirty pages and
  // a later fsync succeed without them), so the journal closes itself: every later
  // append or discard_after fails with EBADF, as on a moved-from journal.
  result<void> append(std::span<const JournalFrame> frames);

 private:
  FileJournal(int fd, std::vector<std::uint8_t> contents) : fd_(fd), contents_(std::move(contents)) {}
  int fd_ = -1;
  std::vector<std::uint8_t> contents_;
};

}  // namespace midnight
