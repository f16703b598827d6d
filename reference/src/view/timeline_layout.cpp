#include "midnight/view/timeline_layout.hpp"

namespace midnight::view {

int x_of_time(const Timeline& timeline, TimeMs t) {
  if (timeline.to_ms <= timeline.from_ms || t <= timeline.from_ms) return kMarginLeft;
  if (t >= timeline.to_ms) return kMarginLeft + kPlotWidth;
  // Unsigned differences: the range may span more than INT64_MAX.
  std::uint64_t span = static_cast<std::uint64_t>(timeline.to_ms) - static_cast<std::uint64_t>(timeline.from_ms);
  std::uint64_t offset = static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(timeline.from_ms);
  // offset * kPlotWidth must fit in 64 bits: drop low bits from both while the span is
  // huge (a pixel is then worth far more than the bits dropped).
  static_assert(kPlotWidth < (1 << 11));
  while (span > (std::uint64_t{1} << 52)) {
    span >>= 1;
    offset >>= 1;
  }
  return kMarginLeft + static_cast<int>(offset * static_cast<std::uint64_t>(kPlotWidth) / span);
}

Point lane_point(const Timeline& timeline, std::size_t lane, TimeMs t) {
  return {x_of_time(timeline, t), lane_top(lane) + kLaneHeight / 2};
}

int mark_row(MarkKind kind) {
  switch (kind) {
    case MarkKind::proposal:
    case MarkKind::reproposal:
    case MarkKind::restart: return kRowProposal;
    case MarkKind::prevote: return kRowPrevote;
    case MarkKind::precommit: return kRowPrecommit;
    case MarkKind::lock:
    case MarkKind::decision: return kRowCommitment;
    case MarkKind::drop: return kRowDrop;
    case MarkKind::violation: return kLaneHeight / 2;
  }
  return kLaneHeight / 2;
}

Point mark_center(const Timeline& timeline, const Mark& mark) {
  return {x_of_time(timeline, mark.time_ms), lane_top(mark.lane) + mark_row(mark.kind)};
}

}  // namespace midnight::view
