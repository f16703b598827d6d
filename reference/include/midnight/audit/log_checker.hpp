// The checks of spec/node-log.md §4 over one or more node logs. The logs are read
// together height by height: every log's records of height h, then every log's of h + 1.
// What the checks keep (first signed votes and proposals, prevote tallies, each node's
// lock and decision) is kept per height and dropped once every log has passed it, so
// memory is bounded by a height's members and rounds, never by the length of the logs.
// Findings are handed to a sink as they are found, not collected.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "midnight/audit/finding.hpp"
#include "midnight/audit/log_sections.hpp"
#include "midnight/core/result.hpp"
#include "midnight/crypto/sign.hpp"

namespace midnight::audit {

class FindingSink {
 public:
  virtual ~FindingSink() = default;
  virtual void on_finding(const Finding& finding) = 0;
};

struct CheckSummary {
  std::size_t logs = 0;
  std::uint64_t records = 0;
  std::uint64_t findings = 0;
  // Messages that do not decode, or name a height no log gave the inputs of (while the
  // checker held it) or another chain than their height's: counted, not judged.
  std::uint64_t not_judged = 0;
};


// Reads every log in `paths` to its end, handing each finding to `sink`. Fails with the
// log_errc of the first unreadable log, whose place is then in `failure`.
[[nodiscard]] result<CheckSummary> check_logs(std::span<const std::string> paths, FindingSink& sink,
                                              LogFailure& failure,
                                              const SignatureVerifier& verifier = direct_verifier());

}  // namespace midnight::audit
