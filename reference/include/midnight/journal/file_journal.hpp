// The vote journal as a POSIX file: read whole at start-up, then append-only, each
// frame flushed (fdatasync) before the next is written and before the caller may release
// what the frames record; held under an exclusive lock so that one process writes it.
#pragma once
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "midnight/core/result.hpp"
#include "midnight/journal/journal_record.hpp"

namespace midnight {

// The two system calls an append makes, one frame at a time: write(2) and fdatasync(2)
// by default (a null pointer). Tests replace them to watch the order of writes and
// flushes, or to make either fail; a host has no reason to.
struct JournalIo {
  void* context = nullptr;
  ssize_t (*write)(void* context, int fd, const void* bytes, std::size_t count) = nullptr;
  int (*flush)(void* context, int fd) = nullptr;
};

class FileJournal {
 public:
  // Opens `path` for reading and appending. A missing file is created empty (a node that
  // never voted), and its directory is synced so the file's existence is durable.
  // Takes an exclusive advisory lock (flock) on the file for as long as the journal is
  // open: a second FileJournal on the same file, in this process or another, fails with
  // journal_errc::in_use, because two writers would interleave their frames and each
  // would replay votes it never signed. Reads the whole file into contents(). Other
  // failures are std::errc / errno codes.
  static result<FileJournal> open(const std::string& path, JournalIo io = {});

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

  // Writes the frames at the end of the file one at a time, flushing each one to stable
  // storage before writing the next (spec/journal.md §4.1). Storage may persist the pages
  // of unflushed writes in any order, so a multi-frame write flushed once could leave,
  // after a crash, a damaged frame followed by an intact one, which a reader must call
  // corruption; flushed frame by frame, a crash can damage only the last frame, which the
  // reader drops as torn. Only after append returns success may the caller release the
  // votes these frames record. On failure the caller must not release them (and should
  // stop voting).
  //
  // After a failed append or discard_after the file's state is unknown (part of the
  // frames may be written; after a failed fsync the kernel may drop the dirty pages and
  // a later fsync succeed without them), so the journal closes itself: every later
  // append or discard_after fails with EBADF, as on a moved-from journal.
  result<void> append(std::span<const JournalFrame> frames);

 private:
  FileJournal(int fd, std::vector<std::uint8_t> contents, JournalIo io)
      : fd_(fd), contents_(std::move(contents)), io_(io) {}
  result<void> write_frame(const JournalFrame& frame);
  int fd_ = -1;
  std::vector<std::uint8_t> contents_;
  JournalIo io_{};
};

}  // namespace midnight
