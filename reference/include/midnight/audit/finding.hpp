// A finding (spec/node-log.md §4): a rule of protocol.md that node logs show broken, the
// member it blames (or the two logs that disagree) and the records that show it. Evidence
// is where a record is (log, line, byte offset), not its bytes: a printer reads the line
// again, so that findings stay small whatever the messages.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "midnight/core/bytes.hpp"

namespace midnight::audit {

enum class FindingKind : std::uint8_t {
  bad_signature = 1,
  equivocation,
  lock,
  precommit_without_polka,
  bad_certificate,
  two_decisions,
  disagreement,
};

// "equivocation", ... as spec/node-log.md §4 names them.
const char* finding_name(FindingKind kind);
// The rule broken, as "protocol.md §6".
const char* finding_rule(FindingKind kind);

struct Evidence {
  std::size_t log = 0;       // index into the logs checked
  std::uint64_t line = 0;    // 1-based
  std::uint64_t offset = 0;  // of the line in its file
};

struct Finding {
  FindingKind kind = FindingKind::equivocation;
  std::uint64_t height = 0;
  // The member blamed: its index in the height's membership and its key. None for a
  // disagreement, which names two logs instead.
  std::optional<std::size_t> member;
  PublicKey key;
  std::vector<std::size_t> logs;          // disagreement: the two logs
  std::vector<std::size_t> both_signers;  // disagreement: members that signed both certificates
  std::string detail;                     // one line: what the records show
  std::vector<Evidence> evidence;         // the records, in the order they show it
};

}  // namespace midnight::audit
