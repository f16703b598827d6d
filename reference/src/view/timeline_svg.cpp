#include "midnight/view/timeline_svg.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "midnight/view/timeline_layout.hpp"
#include "midnight/view/timeline_palette.hpp"
#include "midnight/view/xml_text.hpp"

namespace midnight::view {
namespace {

// Appends SVG elements with integer coordinates, so that the text never depends on how a
// platform formats floating point.
class SvgOut {
 public:
  explicit SvgOut(std::string& out) : out_(out) {}

  void raw(std::string_view s) { out_.append(s); }
  void number(std::int64_t v) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void attr(std::string_view name, std::int64_t v) {
    out_.push_back(' ');
    out_.append(name);
    out_ += "=\"";
    number(v);
    out_.push_back('"');
  }
  void attr(std::string_view name, std::string_view v) {
    out_.push_back(' ');
    out_.append(name);
    out_ += "=\"";
    out_.append(v);
    out_.push_back('"');
  }
  void colour(std::string_view name, Rgb c) { attr(name, hex(c)); }

  void rect(int x, int y, int w, int h, Rgb fill) {
    open_rect(x, y, w, h, fill);
    out_ += "/>";
  }
  // A rectangle with an outline (the outline is centred on the edge, as SVG draws it).
  void outlined_rect(int x, int y, int w, int h, Rgb fill, Rgb stroke, int stroke_width) {
    open_rect(x, y, w, h, fill);
    colour("stroke", stroke);
    attr("stroke-width", stroke_width);
    out_ += "/>";
  }
  void circle(int cx, int cy, int r, Rgb fill, Rgb stroke, int stroke_width) {
    out_ += "<circle";
    attr("cx", cx);
    attr("cy", cy);
    attr("r", r);
    colour("fill", fill);
    if (stroke_width > 0) {
      colour("stroke", stroke);
      attr("stroke-width", stroke_width);
    }
    out_ += "/>";
  }
  void line(int x1, int y1, int x2, int y2, Rgb stroke, int stroke_width, std::string_view dash = {}) {
    out_ += "<line";
    attr("x1", x1);
    attr("y1", y1);
    attr("x2", x2);
    attr("y2", y2);
    colour("stroke", stroke);
    attr("stroke-width", stroke_width);
    if (!dash.empty()) attr("stroke-dasharray", dash);
    out_ += "/>";
  }
  // A closed polygon through `points` (x, y pairs).
  void polygon(std::initializer_list<Point> points, Rgb fill, Rgb stroke, int stroke_width) {
    out_ += "<polygon points=\"";
    bool first = true;
    for (const Point& p : points) {
      if (!first) out_.push_back(' ');
      first = false;
      number(p.x);
      out_.push_back(',');
      number(p.y);
    }
    out_.push_back('"');
    colour("fill", fill);
    colour("stroke", stroke);
    attr("stroke-width", stroke_width);
    out_ += "/>";
  }
  // `escaped` must already be XML text (xml_text() or a literal without special characters).
  void text(int x, int y, int size, Rgb fill, std::string_view escaped, std::string_view anchor = {},
            bool bold = false) {
    out_ += "<text";
    attr("x", x);
    attr("y", y);
    attr("font-size", size);
    colour("fill", fill);
    if (!anchor.empty()) attr("text-anchor", anchor);
    if (bold) attr("font-weight", "bold");
    out_.push_back('>');
    out_.append(escaped);
    out_ += "</text>";
  }

 private:
  // A rectangle's element up to its fill, left open for more attributes.
  void open_rect(int x, int y, int w, int h, Rgb fill) {
    out_ += "<rect";
    attr("x", x);
    attr("y", y);
    attr("width", w);
    attr("height", h);
    colour("fill", fill);
  }

  std::string& out_;
};

std::string decimal(std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// Milliseconds as seconds without trailing zeros: 2500 -> "2.5", -1000 -> "-1", 0 -> "0".
std::string seconds_text(TimeMs ms) {
  // Unsigned magnitude: INT64_MIN has no positive counterpart.
  const std::uint64_t magnitude =
      ms < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(ms) : static_cast<std::uint64_t>(ms);
  std::string s = ms < 0 ? "-" : "";
  s += decimal(magnitude / 1000);
  std::uint64_t fraction = magnitude % 1000;
  if (fraction != 0) {
    std::string digits = decimal(fraction);
    digits.insert(0, 3 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    s += '.';
    s += digits;
  }
  return s;
}

// What a vote or proposal is drawn with: its block's colour, or hollow grey for nil.
struct MarkStyle {
  Rgb fill;
  Rgb stroke;
  int stroke_width;
};

MarkStyle vote_style(const Mark& mark) {
  if (mark.choice == VoteChoice::nil) return {palette::kBackground, palette::kNil, 2};
  return {block_colour(mark.block), palette::kOutline, 1};
}

// Draws the shape of a mark of `mark.kind` centred at `c`. `span_top` and `span_bottom`
// bound the vertical lines of restarts (the lane) and violations (every lane); `to` is a
// drop's recipient point, if it has one.
void draw_shape(SvgOut& svg, const Mark& mark, Point c, int span_top, int span_bottom, const Point* to) {
  switch (mark.kind) {
    case MarkKind::proposal:
      svg.outlined_rect(c.x - 5, c.y - 5, 10, 10, block_colour(mark.block), palette::kOutline, 1);
      return;
    case MarkKind::reproposal:
      svg.outlined_rect(c.x - 4, c.y - 4, 8, 8, palette::kBackground, block_colour(mark.block), 3);
      return;
    case MarkKind::prevote: {
      const MarkStyle style = vote_style(mark);
      svg.circle(c.x, c.y, 5, style.fill, style.stroke, style.stroke_width);
      return;
    }
    case MarkKind::precommit: {
      const MarkStyle style = vote_style(mark);
      svg.polygon({{c.x, c.y - 6}, {c.x + 6, c.y + 5}, {c.x - 6, c.y + 5}}, style.fill, style.stroke,
                  style.stroke_width);
      return;
    }
    case MarkKind::lock:
      // A padlock: the shackle, then the body over its ends.
      svg.outlined_rect(c.x - 3, c.y - 7, 6, 8, palette::kBackground, palette::kOutline, 2);
      svg.outlined_rect(c.x - 5, c.y - 2, 10, 8, block_colour(mark.block), palette::kOutline, 1);
      return;
    case MarkKind::decision: {
      const Rgb ring = mark.block == kNoBlock ? palette::kOutline : block_colour(mark.block);
      svg.polygon({{c.x, c.y - 7}, {c.x + 7, c.y}, {c.x, c.y + 7}, {c.x - 7, c.y}}, palette::kDecision, ring, 2);
      return;
    }
    case MarkKind::restart:
      svg.line(c.x, span_top, c.x, span_bottom, palette::kRestart, 2);
      svg.polygon({{c.x + 2, c.y - 5}, {c.x + 10, c.y}, {c.x + 2, c.y + 5}}, palette::kRestart, palette::kRestart, 1);
      return;
    case MarkKind::drop:
      if (to != nullptr) svg.line(c.x, c.y, to->x, to->y, palette::kDrop, 1, "3 3");
      svg.line(c.x - 3, c.y - 3, c.x + 3, c.y + 3, palette::kDrop, 2);
      svg.line(c.x + 3, c.y - 3, c.x - 3, c.y + 3, palette::kDrop, 2);
      return;
    case MarkKind::violation:
      svg.line(c.x, span_top, c.x, span_bottom, palette::kViolation, 1);
      svg.circle(c.x, c.y, 7, palette::kViolation, palette::kViolation, 0);
      return;
  }
}

Rgb band_colour(BandKind kind) {
  switch (kind) {
    case BandKind::partition: return palette::kPartition;
    case BandKind::crashed: return palette::kCrashed;
    case BandKind::slow: return palette::kSlow;
  }
  return palette::kCrashed;
}

// The tick step of the time axis: the smallest 1, 2 or 5 times a power of ten
// milliseconds that leaves at most ten intervals.
std::uint64_t tick_step(std::uint64_t span) {
  for (std::uint64_t power = 1;; power *= 10) {
    for (const std::uint64_t factor : {1u, 2u, 5u}) {
      const std::uint64_t step = factor * power;
      if (span / step <= 10) return step;
    }
  }
}

void draw_axis(SvgOut& svg, const Timeline& timeline, int axis_y) {
  svg.rect(kMarginLeft, axis_y, kPlotWidth + 1, 1, palette::kText);
  if (timeline.to_ms <= timeline.from_ms) {
    svg.text(kMarginLeft, axis_y + 16, 11, palette::kText, seconds_text(timeline.from_ms), "middle");
  } else {
    const std::uint64_t span =
        static_cast<std::uint64_t>(timeline.to_ms) - static_cast<std::uint64_t>(timeline.from_ms);
    const std::uint64_t step = tick_step(span);
    // The first multiple of `step` at or after from_ms, computed on the offset from it.
    const auto from = timeline.from_ms;
    const std::uint64_t remainder =
        from >= 0 ? static_cast<std::uint64_t>(from) % step
                  : (step - (std::uint64_t{0} - static_cast<std::uint64_t>(from)) % step) % step;
    std::uint64_t offset = remainder == 0 ? 0 : step - remainder;
    for (; offset <= span; offset += step) {
      const auto t = static_cast<TimeMs>(static_cast<std::uint64_t>(from) + offset);
      const int x = x_of_time(timeline, t);
      svg.rect(x, axis_y, 1, 6, palette::kText);
      svg.text(x, axis_y + 18, 11, palette::kText, seconds_text(t), "middle");
      if (span - offset < step) break;  // the next offset would pass the end (or wrap)
    }
  }
  svg.text(kMarginLeft + kPlotWidth, axis_y + 32, 11, palette::kMutedText, "time (s)", "end");
}

void draw_legend(SvgOut& svg, int legend_top) {
  constexpr int kColumnWidth = (kCanvasWidth - 32) / kLegendColumns;
  const auto cell = [&](int row, int column) {
    return Point{16 + column * kColumnWidth, legend_top + 8 + row * kLegendRowHeight + kLegendRowHeight / 2};
  };
  const auto item = [&](int row, int column, MarkKind kind, VoteChoice choice, std::string_view name) {
    const Point p = cell(row, column);
    Mark sample;
    sample.kind = kind;
    sample.choice = choice;
    sample.block = 0;
    const Point icon{p.x + 10, p.y};
    const Point drop_to{p.x + 10, p.y + 9};
    draw_shape(svg, sample, icon, p.y - 9, p.y + 9, kind == MarkKind::drop ? &drop_to : nullptr);
    svg.text(p.x + 26, p.y + 4, 11, palette::kText, name);
  };
  item(0, 0, MarkKind::proposal, VoteChoice::approve, "proposal");
  item(0, 1, MarkKind::reproposal, VoteChoice::approve, "reproposal");
  item(0, 2, MarkKind::prevote, VoteChoice::approve, "prevote");
  item(0, 3, MarkKind::prevote, VoteChoice::nil, "prevote nil");
  item(0, 4, MarkKind::precommit, VoteChoice::approve, "precommit");
  item(0, 5, MarkKind::precommit, VoteChoice::nil, "precommit nil");
  item(1, 0, MarkKind::lock, VoteChoice::approve, "lock");
  item(1, 1, MarkKind::decision, VoteChoice::approve, "decision");
  item(1, 2, MarkKind::restart, VoteChoice::approve, "restart");
  item(1, 3, MarkKind::drop, VoteChoice::approve, "drop (to recipient)");
  item(1, 4, MarkKind::violation, VoteChoice::approve, "violation");
  {
    const Point p = cell(1, 5);
    svg.rect(p.x + 2, p.y - 7, 8, 14, palette::kRoundEven);
    svg.rect(p.x + 10, p.y - 7, 8, 14, palette::kRoundOdd);
    svg.text(p.x + 26, p.y + 4, 11, palette::kText, "rounds, alternate");
  }
  const auto band_item = [&](int column, BandKind kind, std::string_view name) {
    const Point p = cell(2, column);
    svg.rect(p.x + 2, p.y - 7, 16, 14, band_colour(kind));
    svg.text(p.x + 26, p.y + 4, 11, palette::kText, name);
  };
  band_item(0, BandKind::partition, "partition side");
  band_item(1, BandKind::crashed, "crashed");
  band_item(2, BandKind::slow, "slow");
  {
    const Point p = cell(2, 3);
    svg.text(p.x, p.y + 4, 11, palette::kText, "blocks (index mod 8):");
    for (std::size_t i = 0; i < palette::kBlocks.size(); ++i) {
      const int x = p.x + 128 + static_cast<int>(i) * 22;
      svg.outlined_rect(x, p.y - 6, 12, 12, palette::kBlocks[i], palette::kOutline, 1);
      svg.text(x + 6, p.y + 18, 9, palette::kMutedText, decimal(i), "middle");
    }
  }
}

}  // namespace

std::string render_svg(const Timeline& timeline, const SvgLimits& limits) {
  const std::size_t lane_count = std::min(timeline.lanes.size(), limits.max_lanes);
  const int height = canvas_height(lane_count);
  const int lanes_bottom = lane_top(lane_count);
  const int plot_right = kMarginLeft + kPlotWidth;
  const auto in_range = [&](TimeMs t) { return t >= timeline.from_ms && t <= timeline.to_ms; };

  std::string out;
  out.reserve(4096 + std::min(timeline.marks.size(), limits.max_marks) * 160);
  SvgOut svg(out);
  svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"");
  svg.attr("width", kCanvasWidth);
  svg.attr("height", height);
  svg.raw(" viewBox=\"0 0 ");
  svg.number(kCanvasWidth);
  svg.raw(" ");
  svg.number(height);
  svg.raw("\" font-family=\"sans-serif\">\n<title>");
  svg.raw(xml_text(timeline.title, kMaxTitleBytes));
  svg.raw("</title>\n");
  svg.rect(0, 0, kCanvasWidth, height, palette::kBackground);
  svg.raw("\n");

  // Rounds: shading from the round strip to the last lane, alternating by position.
  const std::size_t round_count = std::min(timeline.rounds.size(), limits.max_rounds);
  svg.raw("<g id=\"rounds\" shape-rendering=\"crispEdges\">\n");
  for (std::size_t i = 0; i < round_count; ++i) {
    const RoundSpan& span = timeline.rounds[i];
    const int x0 = x_of_time(timeline, span.from_ms);
    const int x1 = x_of_time(timeline, span.to_ms);
    if (x1 <= x0) continue;
    const Rgb shade = i % 2 == 0 ? palette::kRoundEven : palette::kRoundOdd;
    svg.rect(x0, kTitleHeight, x1 - x0, lanes_bottom - kTitleHeight, shade);
    if (x1 - x0 >= 24) {
      std::string label = "r";
      label += decimal(span.round);
      svg.text((x0 + x1) / 2, kTitleHeight + 14, 11, palette::kMutedText, label, "middle");
    }
    svg.raw("\n");
  }
  svg.raw("</g>\n");

  // Lanes: separators, then the bands between them, then the round boundaries above both.
  svg.raw("<g id=\"lanes\" shape-rendering=\"crispEdges\">\n");
  for (std::size_t lane = 0; lane <= lane_count; ++lane)
    svg.rect(kMarginLeft, lane_top(lane), kPlotWidth + 1, 1, palette::kLaneSeparator);
  svg.raw("\n</g>\n<g id=\"bands\" shape-rendering=\"crispEdges\">\n");
  std::size_t band_cells = 0;
  std::size_t band_cells_left_out = 0;
  for (const Band& band : timeline.bands) {
    const int x0 = x_of_time(timeline, band.from_ms);
    const int x1 = x_of_time(timeline, band.to_ms);
    bool labelled = band.label.empty();
    for (const std::size_t lane : band.lanes) {
      if (lane >= lane_count || x1 <= x0) continue;
      if (band_cells == limits.max_band_cells) {
        ++band_cells_left_out;
        continue;
      }
      ++band_cells;
      svg.rect(x0, lane_top(lane) + 1, x1 - x0, kLaneHeight - 1, band_colour(band.kind));
      if (!labelled) {
        svg.text(x0 + 4, lane_top(lane) + 12, 10, palette::kMutedText, xml_text(band.label, kMaxBandLabelBytes));
        labelled = true;
      }
      svg.raw("\n");
    }
  }
  svg.raw("</g>\n<g id=\"round-starts\">\n");
  for (std::size_t i = 0; i < round_count; ++i) {
    const TimeMs start = timeline.rounds[i].from_ms;
    if (start <= timeline.from_ms || start >= timeline.to_ms) continue;
    const int x = x_of_time(timeline, start);
    svg.line(x, kTitleHeight, x, lanes_bottom, palette::kRoundBoundary, 1, "4 3");
  }
  svg.raw("\n</g>\n<g id=\"lane-labels\">\n");
  for (std::size_t lane = 0; lane < lane_count; ++lane) {
    const Lane& l = timeline.lanes[lane];
    const int top = lane_top(lane);
    svg.text(8, top + 26, 13, palette::kText, xml_text(l.label, kMaxLaneLabelBytes));
    std::string_view badge = l.byzantine && l.crashed ? "byzantine, crashed"
                             : l.byzantine           ? "byzantine"
                             : l.crashed             ? "crashed"
                                                     : "";
    if (!badge.empty()) svg.text(8, top + 44, 10, l.byzantine ? palette::kNotice : palette::kMutedText, badge);
    svg.raw("\n");
  }
  svg.raw("</g>\n<g id=\"axis\">\n");
  draw_axis(svg, timeline, lanes_bottom);
  svg.raw("\n</g>\n");

  // Marks in their order, violations last so that nothing covers them.
  const std::size_t mark_count = std::min(timeline.marks.size(), limits.max_marks);
  std::size_t marks_without_lane = 0;
  std::vector<std::size_t> violations;
  const auto draw_mark = [&](const Mark& mark) {
    const Point c = mark_center(timeline, mark);
    const int top = lane_top(mark.lane);
    Point to{};
    const bool has_recipient = mark.kind == MarkKind::drop && mark.to_lane < lane_count && mark.to_lane != mark.lane;
    if (has_recipient) to = lane_point(timeline, mark.to_lane, mark.time_ms);
    const bool spans_lanes = mark.kind == MarkKind::violation;
    draw_shape(svg, mark, c, spans_lanes ? kTitleHeight : top + 1, spans_lanes ? lanes_bottom : top + kLaneHeight,
               has_recipient ? &to : nullptr);
    if (!mark.label.empty()) {
      // A violation's label is larger, bold and red: it is what a reader looks for first.
      const bool violation = mark.kind == MarkKind::violation;
      const Rgb colour = violation ? palette::kViolation : palette::kText;
      svg.text(c.x + (violation ? 11 : 9), c.y + 4, violation ? 11 : 9, colour, xml_text(mark.label, kMaxMarkLabelBytes),
               {}, violation);
    }
    svg.raw("\n");
  };
  svg.raw("<g id=\"marks\">\n");
  for (std::size_t i = 0; i < mark_count; ++i) {
    const Mark& mark = timeline.marks[i];
    if (mark.lane >= timeline.lanes.size()) {
      ++marks_without_lane;
      continue;
    }
    if (mark.lane >= lane_count || !in_range(mark.time_ms)) continue;  // clipped, as documented
    if (mark.kind == MarkKind::violation) {
      violations.push_back(i);
      continue;
    }
    draw_mark(mark);
  }
  svg.raw("</g>\n<g id=\"violations\">\n");
  for (const std::size_t i : violations) draw_mark(timeline.marks[i]);
  svg.raw("</g>\n<g id=\"legend\">\n");
  draw_legend(svg, lanes_bottom + kAxisHeight);
  svg.raw("\n</g>\n");

  svg.text(8, 22, 15, palette::kText, xml_text(timeline.title, kMaxTitleBytes), {}, true);
  // What the caps left out, e.g. "drawn: the first 200000 of 250000 marks; 4096 of 5000 lanes".
  std::string notice;
  const auto note_left_out = [&](std::string_view prefix, std::size_t drawn, std::size_t total, std::string_view what) {
    if (drawn >= total) return;
    notice += notice.empty() ? "drawn: " : "; ";
    notice += prefix;
    notice += decimal(drawn);
    notice += " of ";
    notice += decimal(total);
    notice += ' ';
    notice += what;
  };
  note_left_out("the first ", mark_count, timeline.marks.size(), "marks");
  note_left_out("", lane_count, timeline.lanes.size(), "lanes");
  note_left_out("", round_count, timeline.rounds.size(), "rounds");
  note_left_out("", band_cells, band_cells + band_cells_left_out, "band cells");
  if (marks_without_lane > 0) {
    if (!notice.empty()) notice += "; ";
    notice += decimal(marks_without_lane);
    notice += " marks name no lane";
  }
  if (!notice.empty()) {
    svg.raw("\n<g id=\"notice\">");
    svg.text(plot_right, 22, 12, palette::kNotice, notice, "end", true);
    svg.raw("</g>");
  }
  svg.raw("\n</svg>\n");
  return out;
}

}  // namespace midnight::view
