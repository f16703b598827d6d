#include "midnight/audit/log_sections.hpp"

#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "midnight/audit/log_error.hpp"

namespace midnight::audit {

namespace {

struct SectionSource {
  std::ifstream file;
  std::unique_ptr<LogReader> reader;
  bool done = false;
};

// Reads log `index` on: its records up to its next height line, or, when not within a
// section, only the next record (which must be a height line).
result<void> advance(std::vector<SectionSource>& logs, std::size_t index, SectionVisitor& visitor, LogFailure& failure,
                     bool within_section) {
  SectionSource& l = logs[index];
  const std::uint64_t section = l.reader->inputs() ? l.reader->inputs()->height : 0;
  LogRecord r;
  while (true) {
    auto got = l.reader->next(r);
    if (!got) {
      failure = {index, l.reader->line(), l.reader->detail()};
      return got.error();
    }
    if (!got.value()) {
      l.done = true;
      if (within_section) visitor.on_section_end(index);
      return outcome::success();
    }
    if (r.kind == RecordKind::height) {
      if (within_section) visitor.on_section_end(index);
      return outcome::success();
    }
    if (!within_section) {  // the reader refuses a record before the first height line
      failure = {index, r.line, {}};
      return make_error_code(log_errc::record_before_height);
    }
    visitor.on_record(index, section, r);
  }
}

}  // namespace

result<void> read_by_height(std::span<const std::string> paths, SectionVisitor& visitor, LogFailure& failure) {
  std::vector<SectionSource> logs(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i) {
    SectionSource& l = logs[i];
    l.file.open(paths[i], std::ios::binary);
    if (!l.file) {
      failure = {i, 0, {}};
      return make_error_code(log_errc::cannot_read);
    }
    l.reader = std::make_unique<LogReader>(l.file);
    if (auto a = advance(logs, i, visitor, failure, false); !a) return a.error();
    visitor.on_open(i, *l.reader);
  }
  while (true) {
    std::optional<std::uint64_t> next;
    for (const SectionSource& l : logs)
      if (!l.done && (!next || l.reader->inputs()->height < *next)) next = l.reader->inputs()->height;
    if (!next) break;
    const std::uint64_t h = *next;
    for (const SectionSource& l : logs) {
      if (l.done || l.reader->inputs()->height != h) continue;
      visitor.on_height(h, l.reader->inputs());
      break;
    }
    for (std::size_t i = 0; i < logs.size(); ++i) {
      // Compare before advancing: a log read on holds the inputs of its next height.
      if (logs[i].done || logs[i].reader->inputs()->height != h) continue;
      if (auto a = advance(logs, i, visitor, failure, true); !a) return a.error();
    }
    visitor.on_height_read(h);
  }
  return outcome::success();
}

}  // namespace midnight::audit
