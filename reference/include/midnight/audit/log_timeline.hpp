// Node logs (spec/node-log.md) as a timeline picture's model (view/timeline.hpp): the one
// place where logs become lanes, rounds and marks, for `midnight check --timeline` and
// `midnight simulate --timeline` alike.
//
//   lanes       one per log, in the order given, labelled "nI (w W)": the node's index I
//               in its first height's membership and its weight
//   rounds      from each height's inputs: round r of height h starts at
//               round_start_ms(midnight(h), timing, r) (block/builder.hpp, protocol.md §5.1),
//               shaded up to the round of the last record of that height
//   marks       the node's own proposals, reproposals, prevotes and precommits, each at its
//               first `sent` line (one mark per message, not per recipient); a lock at the
//               first approving precommit that changes the node's lock (round or block); a
//               decision per `decided` line; a restart per `restart` line
//   drops       a `sent` line whose bytes never appear as `recv` from that sender in the
//               recipient's log, when the recipient's log is among the inputs
//   violations  the checker's findings, at the record time of their last evidence, on the
//               blamed member's lane when one of the logs is its own, else on the evidence's
//
// Memory is bounded by one height's traffic, not by the length of the logs: the logs are
// read together height by height, as check_logs reads them, and a message's send and
// receipts are matched by (sender, recipient, SHA-256 of its bytes) while the heights of
// its sections are held; a height's entries are judged and dropped once every log has read
// two sections past it. A receipt logged more than one section after its sending (a node
// two heights ahead of the sender) is not matched, and that send is drawn as a drop.
// Marks are kept up to view::kMaxMarks, violations up to kMaxViolationMarks; what is left
// out is said in the title.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "midnight/audit/finding.hpp"
#include "midnight/audit/log_checker.hpp"
#include "midnight/core/result.hpp"
#include "midnight/view/timeline.hpp"

namespace midnight::audit {

inline constexpr std::size_t kMaxViolationMarks = 10'000;

// A finding as the picture needs it: what, whom, and where its last evidence is.
struct Violation {
  FindingKind kind = FindingKind::equivocation;
  bool has_member = false;
  PublicKey key;
  Evidence at;
};

// Keeps the first kMaxViolationMarks findings handed to it and counts the others; passes
// every finding on to `next` when there is one (so a command prints and draws the same run).
class ViolationCollector final : public FindingSink {
 public:
  explicit ViolationCollector(FindingSink* next = nullptr) : next_(next) {}
  void on_finding(const Finding& finding) override;
  [[nodiscard]] const std::vector<Violation>& violations() const { return kept_; }
  [[nodiscard]] std::uint64_t left_out() const { return left_out_; }

 private:
  FindingSink* next_;
  std::vector<Violation> kept_;
  std::uint64_t left_out_ = 0;
};

// The timeline of the logs at `paths`, titled `title`, with `violations` marked. Fails
// with the log_errc of the first unreadable log, whose place is then in `failure`.
[[nodiscard]] result<view::Timeline> timeline_of_logs(std::span<const std::string> paths,
                                                      const ViolationCollector& violations, std::string title,
                                                      LogFailure& failure);

}  // namespace midnight::audit
