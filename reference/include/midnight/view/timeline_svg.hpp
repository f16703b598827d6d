// The timeline picture as SVG: the renderer of `Timeline` (timeline.hpp), laid out as
// timeline_layout.hpp says and coloured as timeline_palette.hpp says.
//
// What the picture shows:
//   - rounds: alternately shaded spans with their number ("r0", "r1", ...) above the lanes
//     and a dashed line at each round's start;
//   - bands: partition sides (violet), crashed (grey) and slow (amber) nodes, over the
//     lanes concerned, with the band's label at its start;
//   - marks: proposal (square in its block's colour), reproposal (hollow square in its
//     block's colour), prevote (circle), precommit (triangle) -- filled in the block's
//     colour when approving, hollow grey when nil --, lock (padlock in the block's colour),
//     decision (green diamond ringed in the block's colour), restart (blue line across the
//     lane and a triangle), drop (grey cross on the sender's lane at send time, a dashed
//     line to the recipient's lane), violation (red dot on the lane and a red line across
//     all lanes, drawn above everything else);
//   - an x axis in seconds and a legend of every kind.
//
// The output is a pure function of the input: integer coordinates only, no locale, no
// clock, so the same timeline gives the same bytes everywhere. It is self-contained (no
// external fonts, style sheets or scripts; text uses the viewer's sans-serif font). It is
// bounded: at most `max_marks` marks (the first ones), `max_lanes` lanes, `max_band_cells`
// (band, lane) rectangles and `max_rounds` round spans are drawn, and the picture then says
// in its title row what it left out.
// Labels are escaped and shortened (xml_text.hpp).
#pragma once
#include <cstddef>
#include <string>

#include "midnight/view/timeline.hpp"

namespace midnight::view {

inline constexpr std::size_t kMaxMarks = 200'000;
inline constexpr std::size_t kMaxLanes = 4'096;
inline constexpr std::size_t kMaxBandCells = 100'000;  // (band, lane) rectangles
inline constexpr std::size_t kMaxRounds = 10'000;

inline constexpr std::size_t kMaxTitleBytes = 160;
inline constexpr std::size_t kMaxLaneLabelBytes = 22;
inline constexpr std::size_t kMaxBandLabelBytes = 40;
inline constexpr std::size_t kMaxMarkLabelBytes = 24;

struct SvgLimits {
  std::size_t max_marks = kMaxMarks;
  std::size_t max_lanes = kMaxLanes;
  std::size_t max_band_cells = kMaxBandCells;
  std::size_t max_rounds = kMaxRounds;
};

// The SVG document (UTF-8, starting with the XML declaration) for `timeline`. Its size is
// kCanvasWidth x canvas_height(drawn lanes).
[[nodiscard]] std::string render_svg(const Timeline& timeline, const SvgLimits& limits = {});

}  // namespace midnight::view
