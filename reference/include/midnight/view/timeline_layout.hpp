// Where things go in the timeline picture: the layout constants and the mapping from
// (lane, time) to pixels. Public so that a test can compute where to look in a
// screenshot, and so that the renderer and the test cannot disagree.
//
// The picture, top to bottom (all sizes in CSS pixels, all coordinates integers):
//
//   title row      kTitleHeight: the title, left; a notice, right, when a cap was hit
//   round strip    kRoundStripHeight: "r0", "r1", ... over each round span
//   lanes          kLaneHeight each, one per node, from y = kLanesTop; the lane's label
//                  (and "byzantine" / "crashed" badges) in the left margin
//   time axis      kAxisHeight: ticks and labels in seconds
//   legend         kLegendHeight: every mark kind, band kind and the block colours
//
// Left to right: the label column (kMarginLeft), then the plot, kPlotWidth wide, from
// `from_ms` to `to_ms`, then kMarginRight. Round shading runs from the round strip to the
// bottom of the last lane; bands cover a lane between its separators.
//
// Inside a lane, each kind of mark has its own row (offsets from the lane's top), so that
// a node's proposal, votes and lock at the same instant do not cover each other:
//   proposal, reproposal, restart   kRowProposal
//   prevote                         kRowPrevote
//   precommit                       kRowPrecommit
//   lock, decision                  kRowCommitment
//   drop                            kRowDrop
//   violation                       the lane's centre, drawn above every other mark
#pragma once
#include <cstddef>
#include <cstdint>

#include "midnight/view/timeline.hpp"

namespace midnight::view {

inline constexpr int kCanvasWidth = 1280;
inline constexpr int kMarginLeft = 168;
inline constexpr int kMarginRight = 24;
inline constexpr int kPlotWidth = kCanvasWidth - kMarginLeft - kMarginRight;
inline constexpr int kTitleHeight = 32;
inline constexpr int kRoundStripHeight = 20;
inline constexpr int kLanesTop = kTitleHeight + kRoundStripHeight;
inline constexpr int kLaneHeight = 60;
inline constexpr int kAxisHeight = 36;
inline constexpr int kLegendRowHeight = 22;
inline constexpr int kLegendRows = 3;
inline constexpr int kLegendColumns = 6;
inline constexpr int kLegendHeight = kLegendRows * kLegendRowHeight + 16;

inline constexpr int kRowProposal = 9;
inline constexpr int kRowPrevote = 21;
inline constexpr int kRowPrecommit = 33;
inline constexpr int kRowCommitment = 45;
inline constexpr int kRowDrop = 55;

struct Point {
  int x = 0;
  int y = 0;
  friend constexpr bool operator==(const Point&, const Point&) = default;
};

// The picture's height for `lane_count` drawn lanes.
[[nodiscard]] constexpr int canvas_height(std::size_t lane_count) {
  return kLanesTop + static_cast<int>(lane_count) * kLaneHeight + kAxisHeight + kLegendHeight;
}

// The y of the top edge of lane `lane` (its separator line).
[[nodiscard]] constexpr int lane_top(std::size_t lane) {
  return kLanesTop + static_cast<int>(lane) * kLaneHeight;
}

// The x of time `t` on the plot of `timeline`: kMarginLeft at from_ms, kMarginLeft +
// kPlotWidth at to_ms, rounded down in between; times outside the range are clamped to
// its ends, and an empty range (to_ms <= from_ms) maps everything to kMarginLeft.
[[nodiscard]] int x_of_time(const Timeline& timeline, TimeMs t);

// The centre of lane `lane` at time `t`: the centre of a band over that lane there.
[[nodiscard]] Point lane_point(const Timeline& timeline, std::size_t lane, TimeMs t);

// The row offset (from the lane's top) where marks of `kind` sit.
[[nodiscard]] int mark_row(MarkKind kind);

// The centre of `mark`'s shape (a decision's and a violation's centre pixel has the
// decision and violation colour).
[[nodiscard]] Point mark_center(const Timeline& timeline, const Mark& mark);

}  // namespace midnight::view
