// A streaming reader of one node log (spec/node-log.md): one line at a time, never the
// whole file, so that a log of any length is read in the memory of its longest line and
// of one height's inputs. Every line is checked against §2; the first that is not of its
// form ends the reading with the error of §3 and its line number.
#pragma once
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "midnight/audit/log_error.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/core/result.hpp"

namespace midnight::audit {

// The longest line: the largest message (285,737,189 bytes) in hex, with its fields.
inline constexpr std::size_t kMaxLogLine = 2 * std::size_t{285737189} + 256;

// The inputs of one height, from its `height` line and its `member` lines.
struct HeightInputs {
  std::uint64_t height = 0;
  ChainId chain;
  BlockId prev;
  std::uint64_t midnight_ms = 0;
  std::uint64_t collect_ms = 0;
  std::uint64_t prevote_ms = 0;
  std::uint64_t precommit_ms = 0;
  std::uint64_t increment_ms = 0;
  std::uint64_t reward = 0;
  Membership membership;
};

enum class RecordKind : std::uint8_t { height = 1, sent, recv, decided, restart };

// One record. `bytes` is empty and `elided` true for a message written as -TT:N.
struct LogRecord {
  RecordKind kind = RecordKind::height;
  std::uint64_t line = 0;    // 1-based
  std::uint64_t offset = 0;  // of the line's first byte in the file
  std::uint64_t time_ms = 0;
  PublicKey peer;            // sent: the recipient; recv: the link's peer
  std::vector<std::uint8_t> bytes;
  bool elided = false;
  std::uint8_t elided_type = 0;
  std::uint64_t elided_size = 0;
};

class LogReader {
 public:
  // Reads `in` from its current position, which is byte 0 of the log. `max_line`: the
  // longest line accepted (kMaxLogLine; tests give less).
  explicit LogReader(std::istream& in, std::size_t max_line = kMaxLogLine) : in_(in), max_line_(max_line) {}

  // The next record, or false at the end of the log. A `height` record's inputs are
  // inputs() until the next one. After an error, line() is the line at fault.
  [[nodiscard]] result<bool> next(LogRecord& out);

  [[nodiscard]] const PublicKey& node_key() const { return node_; }
  // The inputs of the last `height` line read; null before the first.
  [[nodiscard]] const std::shared_ptr<const HeightInputs>& inputs() const { return inputs_; }
  [[nodiscard]] std::uint64_t line() const { return line_; }
  // What in the line is at fault, after an error (empty when the code says it all).
  [[nodiscard]] const std::string& detail() const { return detail_; }

 private:
  // The next line that is not a comment into text_; false at the end of the file.
  result<bool> read_line();
  result<void> read_header();
  result<void> read_height(LogRecord& out);
  std::error_code fail(log_errc e, std::string detail = {});

  std::istream& in_;
  std::size_t max_line_;
  std::string text_;
  std::uint64_t line_ = 0;
  std::uint64_t offset_ = 0;       // of the next line
  std::uint64_t line_offset_ = 0;  // of line_
  bool header_ = false;
  PublicKey node_;
  std::shared_ptr<const HeightInputs> inputs_;
  std::string detail_;
};

// The BYTES field (hex, or -TT:N) of the line at `offset` of the file at `path`: the
// evidence a finding prints, read again rather than kept.
[[nodiscard]] result<std::string> message_field_at(const std::string& path, std::uint64_t offset);

}  // namespace midnight::audit
