// The vote journal as a POSIX file (journal/file_journal.hpp, spec/journal.md).
//
// Every system call is retried on EINTR and every read and write loops over short
// transfers; every failure is returned as the errno it left, in std::system_category
// (a file locked by another journal is journal_errc::in_use).
// After an append or a cut fails, the file's state is unknown (part of the frames may
// be written; after a failed fsync the kernel may have dropped the dirty pages and a
// later fsync can succeed without them), so the journal closes itself: every later
// append or cut fails with EBADF, and the host must stop voting.
#include "midnight/journal/file_journal.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace midnight {

namespace {

std::error_code last_error() { return {errno, std::system_category()}; }

// open(2), retried on EINTR; -1 with errno set on failure.
int open_retry(const char* path, int flags, mode_t mode = 0) {
  for (;;) {
    const int fd = ::open(path, flags, mode);
    if (fd >= 0 || errno != EINTR) return fd;
  }
}

// Closes `fd` keeping the errno of the failure being reported.
void close_keep_errno(int fd) {
  const int saved = errno;
  ::close(fd);
  errno = saved;
}

int fsync_retry(int fd) {
  for (;;) {
    const int rc = ::fsync(fd);
    if (rc == 0 || errno != EINTR) return rc;
  }
}

// The directory that holds `path`: what comes before its last '/', or "." if none.
std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Makes a new directory entry durable: fsync of the directory that holds it.
result<void> sync_directory(const std::string& dir) {
  const int fd = open_retry(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return last_error();
  if (fsync_retry(fd) != 0) {
    const std::error_code e = last_error();
    ::close(fd);
    return e;
  }
  ::close(fd);
  return outcome::success();
}

// The whole file from offset 0, looping over short reads; stops early only at end of
// file (if the file shrank meanwhile).
result<std::vector<std::uint8_t>> read_all(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return last_error();
  if (!S_ISREG(st.st_mode)) return std::error_code(EINVAL, std::system_category());
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = ::pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  return bytes;
}

}  // namespace

result<FileJournal> FileJournal::open(const std::string& path, JournalIo io) {
  constexpr int kFlags = O_RDWR | O_APPEND | O_CLOEXEC;
  // Open an existing file; failing that, create it exclusively, which tells us that this
  // call created it (and so must make its directory entry durable). A file created by
  // someone else in between is simply opened on the next pass.
  int fd = -1;
  bool created = false;
  for (int attempt = 0; fd < 0; ++attempt) {
    fd = open_retry(path.c_str(), kFlags);
    if (fd >= 0 || errno != ENOENT || attempt == 2) break;
    fd = open_retry(path.c_str(), kFlags | O_CREAT | O_EXCL, S_IRUSR | S_IWUSR);
    if (fd >= 0) {
      created = true;
    } else if (errno != EEXIST) {
      break;
    }
  }
  if (fd < 0) return last_error();
  // One writer per journal: the lock belongs to this open file description and is
  // released when the descriptor is closed (by the destructor, or by a crash).
  int locked = 0;
  do {
    locked = ::flock(fd, LOCK_EX | LOCK_NB);
  } while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    const std::error_code e =
        errno == EWOULDBLOCK ? make_error_code(journal_errc::in_use) : last_error();
    ::close(fd);
    return e;
  }
  if (created) {
    if (auto synced = sync_directory(parent_directory(path)); !synced) {
      ::close(fd);
      return synced.error();
    }
  }
  auto contents = read_all(fd);
  if (!contents) {
    ::close(fd);
    return contents.error();
  }
  return FileJournal(fd, std::move(contents).value(), io);
}

FileJournal::FileJournal(FileJournal&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), contents_(std::move(other.contents_)), io_(other.io_) {}

FileJournal& FileJournal::operator=(FileJournal&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    contents_ = std::move(other.contents_);
    io_ = other.io_;
  }
  return *this;
}

FileJournal::~FileJournal() {
  if (fd_ >= 0) ::close(fd_);
}

result<void> FileJournal::discard_after(std::size_t intact_bytes) {
  if (fd_ < 0) return std::error_code(EBADF, std::system_category());
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return last_error();
  if (static_cast<std::size_t>(st.st_size) <= intact_bytes) return outcome::success();
  int rc = 0;
  do {
    rc = ::ftruncate(fd_, static_cast<off_t>(intact_bytes));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 || fsync_retry(fd_) != 0) {
    const std::error_code e = last_error();
    close_keep_errno(std::exchange(fd_, -1));
    return e;
  }
  return outcome::success();
}

result<void> FileJournal::write_frame(const JournalFrame& frame) {
  const auto* bytes = frame.data();
  std::size_t done = 0;
  while (done < frame.size()) {
    const ssize_t n = io_.write != nullptr ? io_.write(io_.context, fd_, bytes + done, frame.size() - done)
                                           : ::write(fd_, bytes + done, frame.size() - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = EIO;  // no progress on a regular file: do not spin
      return last_error();
    }
    done += static_cast<std::size_t>(n);
  }
  // fdatasync also writes the metadata needed to read the data back (the file size).
  for (;;) {
    const int rc = io_.flush != nullptr ? io_.flush(io_.context, fd_) : ::fdatasync(fd_);
    if (rc == 0) return outcome::success();
    if (errno != EINTR) return last_error();
  }
}

result<void> FileJournal::append(std::span<const JournalFrame> frames) {
  if (fd_ < 0) return std::error_code(EBADF, std::system_category());
  // One frame per flush: the frame before the one being written is always durable, so
  // whatever a crash leaves, only the last frame of the file can be damaged.
  for (const JournalFrame& frame : frames) {
    if (auto written = write_frame(frame); !written) {
      close_keep_errno(std::exchange(fd_, -1));
      return written.error();
    }
  }
  return outcome::success();
}

}  // namespace midnight
