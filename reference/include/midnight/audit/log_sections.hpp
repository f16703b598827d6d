// Several node logs read together, height by height: every log's section of the lowest
// height not yet read, then every log's section of the next. The checker and the
// timeline both read logs this way, so that what they keep per height can be dropped
// once every log has passed it (spec/node-log.md §4: memory bounded by a height, never
// by the length of the logs).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "midnight/audit/log_reader.hpp"
#include "midnight/core/result.hpp"

namespace midnight::audit {

// Where a log could not be read (spec/node-log.md §3).
struct LogFailure {
  std::size_t log = 0;
  std::uint64_t line = 0;
  std::string detail;
};

class SectionVisitor {
 public:
  virtual ~SectionVisitor() = default;
  // Log `log` is open and its first height line read (`reader.inputs()` is null for a log
  // with no height at all).
  virtual void on_open(std::size_t log, const LogReader& reader) = 0;
  // Height `height` is about to be read; `inputs` from the first log that gives them.
  virtual void on_height(std::uint64_t height, const std::shared_ptr<const HeightInputs>& inputs) = 0;
  // A sent, received, decided or restart record of log `log`, in its section of `height`.
  virtual void on_record(std::size_t log, std::uint64_t height, const LogRecord& record) = 0;
  // Log `log` reached the end of its section (its next height line, or its end).
  virtual void on_section_end(std::size_t log) = 0;
  // Every log has read its section of `height`.
  virtual void on_height_read(std::uint64_t height) = 0;
};

// Reads every log in `paths` to its end. Fails with the log_errc of the first unreadable
// log, whose place is then in `failure`.
[[nodiscard]] result<void> read_by_height(std::span<const std::string> paths, SectionVisitor& visitor,
                                          LogFailure& failure);

}  // namespace midnight::audit
