// The timeline picture (midnight/view/): the (lane, time) -> pixel mapping, the escaping of
// labels, every mark kind drawn where and how the layout says, determinism and the caps.
// What a browser makes of the SVG is tests/timeline/'s part.
#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "midnight/view/timeline.hpp"
#include "midnight/view/timeline_layout.hpp"
#include "midnight/view/timeline_palette.hpp"
#include "midnight/view/timeline_svg.hpp"
#include "midnight/view/xml_text.hpp"

namespace midnight::view {
namespace {

Timeline three_lanes(TimeMs from = 0, TimeMs to = 10'000) {
  Timeline t;
  t.title = "test";
  t.lanes = {{"n0", false, false}, {"n1", true, false}, {"n2", false, true}};
  t.from_ms = from;
  t.to_ms = to;
  return t;
}

Mark make_mark(std::size_t lane, TimeMs time, MarkKind kind, std::uint32_t block = 0) {
  Mark m;
  m.lane = lane;
  m.time_ms = time;
  m.kind = kind;
  m.block = block;
  return m;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// The text of the group `<g id="ID" ...>` up to its closing tag (groups do not nest).
std::string group(const std::string& svg, std::string_view id) {
  const std::size_t open = svg.find("<g id=\"" + std::string(id) + "\"");
  if (open == std::string::npos) return {};
  const std::size_t close = svg.find("</g>", open);
  return svg.substr(open, close - open);
}

std::string attr(std::string_view name, int value) { return std::string(name) + "=\"" + std::to_string(value) + "\""; }

TEST(TimelineLayout, MapsTheRangeOntoThePlot) {
  const Timeline t = three_lanes(0, 10'000);
  EXPECT_EQ(x_of_time(t, 0), kMarginLeft);
  EXPECT_EQ(x_of_time(t, 10'000), kMarginLeft + kPlotWidth);
  EXPECT_EQ(x_of_time(t, 5'000), kMarginLeft + kPlotWidth / 2);
  EXPECT_EQ(x_of_time(t, 2'500), kMarginLeft + 2'500 * kPlotWidth / 10'000);
  // Outside the range: clamped to its ends.
  EXPECT_EQ(x_of_time(t, -1), kMarginLeft);
  EXPECT_EQ(x_of_time(t, 10'001), kMarginLeft + kPlotWidth);
  // A range that does not start at 0 (a later height).
  const Timeline later = three_lanes(86'400'000, 86'412'000);
  EXPECT_EQ(x_of_time(later, 86'406'000), kMarginLeft + kPlotWidth / 2);
  // An empty range maps everything to the plot's left edge.
  EXPECT_EQ(x_of_time(three_lanes(5, 5), 5), kMarginLeft);
  EXPECT_EQ(x_of_time(three_lanes(9, 5), 7), kMarginLeft);
}

TEST(TimelineLayout, HugeRangesStayInsideThePlotAndInOrder) {
  const Timeline t = three_lanes(std::numeric_limits<TimeMs>::min(), std::numeric_limits<TimeMs>::max());
  int previous = kMarginLeft;
  constexpr TimeMs kFar = 4'000'000'000'000'000'000;
  for (const TimeMs time : {std::numeric_limits<TimeMs>::min(), -kFar, TimeMs{-1}, TimeMs{0}, TimeMs{1}, kFar,
                            std::numeric_limits<TimeMs>::max()}) {
    const int x = x_of_time(t, time);
    EXPECT_GE(x, previous) << time;
    EXPECT_LE(x, kMarginLeft + kPlotWidth) << time;
    previous = x;
  }
  EXPECT_EQ(x_of_time(t, 0), kMarginLeft + kPlotWidth / 2);
  EXPECT_EQ(x_of_time(t, std::numeric_limits<TimeMs>::max()), kMarginLeft + kPlotWidth);
}

TEST(TimelineLayout, LanesAndRowsStackFromTheTop) {
  const Timeline t = three_lanes();
  EXPECT_EQ(lane_top(0), kLanesTop);
  EXPECT_EQ(lane_top(2), kLanesTop + 2 * kLaneHeight);
  EXPECT_EQ(lane_point(t, 2, 0), (Point{kMarginLeft, kLanesTop + 2 * kLaneHeight + kLaneHeight / 2}));
  EXPECT_EQ(canvas_height(3), kLanesTop + 3 * kLaneHeight + kAxisHeight + kLegendHeight);
  EXPECT_EQ(mark_center(t, make_mark(1, 5'000, MarkKind::prevote)),
            (Point{kMarginLeft + kPlotWidth / 2, lane_top(1) + kRowPrevote}));
  EXPECT_EQ(mark_center(t, make_mark(1, 0, MarkKind::violation)).y, lane_top(1) + kLaneHeight / 2);
  // Every row lies inside its lane, and no two kinds that can coincide share one.
  for (const int row : {kRowProposal, kRowPrevote, kRowPrecommit, kRowCommitment, kRowDrop}) {
    EXPECT_GT(row, 0);
    EXPECT_LT(row, kLaneHeight);
  }
  EXPECT_NE(mark_row(MarkKind::prevote), mark_row(MarkKind::precommit));
  EXPECT_NE(mark_row(MarkKind::precommit), mark_row(MarkKind::lock));
  EXPECT_NE(mark_row(MarkKind::proposal), mark_row(MarkKind::prevote));
  EXPECT_EQ(kMarginLeft + kPlotWidth + kMarginRight, kCanvasWidth);
}

TEST(TimelinePalette, BlocksShareColoursByIndex) {
  EXPECT_EQ(hex(palette::kPartition), "#c9a0ff");
  EXPECT_EQ(hex(palette::kViolation), "#e00000");
  EXPECT_EQ(block_colour(3), block_colour(3 + 8));
  EXPECT_NE(block_colour(0), block_colour(1));
  EXPECT_EQ(block_colour(kNoBlock), palette::kNil);
  // The colours a test looks for are not used for anything else.
  for (const Rgb c : palette::kBlocks) {
    EXPECT_NE(c, palette::kPartition);
    EXPECT_NE(c, palette::kDecision);
    EXPECT_NE(c, palette::kViolation);
  }
}

TEST(XmlText, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(xml_text("a<b>&\"c'", 100), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(xml_text("plain n3 (w 10)", 100), "plain n3 (w 10)");
}

TEST(XmlText, ReplacesWhatXmlCannotHold) {
  EXPECT_EQ(xml_text(std::string_view("a\0b\x01" "c\td", 7), 100), "a?b?c\td");
  EXPECT_EQ(xml_text("\xff\xfe", 100), "??");          // not UTF-8
  EXPECT_EQ(xml_text("\xc0\xaf", 100), "??");          // overlong '/'
  EXPECT_EQ(xml_text("\xed\xa0\x80", 100), "???");     // a surrogate
  EXPECT_EQ(xml_text("\xe2\x82", 100), "??");          // cut short
  EXPECT_EQ(xml_text("caf\xc3\xa9 \xe2\x9c\x93", 100), "caf\xc3\xa9 \xe2\x9c\x93");  // kept as is
}

TEST(XmlText, CutsAtACharacterBoundary) {
  EXPECT_EQ(xml_text("abcdef", 4), "abcd...");
  EXPECT_EQ(xml_text("abcd", 4), "abcd");
  EXPECT_EQ(xml_text("ab\xc3\xa9", 3), "ab...");  // never half of the two-byte e-acute
  EXPECT_EQ(xml_text("<<<<", 2), "&lt;&lt;...");  // the limit counts input bytes
}

TEST(TimelineSvg, LabelsAreEscaped) {
  Timeline t = three_lanes();
  t.title = "<script>alert('x')</script> & more";
  t.lanes[0].label = "n0 <b>";
  Band band{BandKind::partition, {0}, 0, 1'000, "side \"A\""};
  t.bands.push_back(band);
  Mark m = make_mark(0, 500, MarkKind::violation);
  m.label = "a&b";
  t.marks.push_back(m);
  const std::string svg = render_svg(t);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_NE(svg.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_NE(svg.find("n0 &lt;b&gt;"), std::string::npos);
  EXPECT_NE(svg.find("side &quot;A&quot;"), std::string::npos);
  EXPECT_NE(svg.find(">a&amp;b</text>"), std::string::npos);
}

TEST(TimelineSvg, IsDeterministicWithIntegerCoordinates) {
  Timeline t = three_lanes(0, 7'777);
  t.rounds = {{0, 0, 3'000}, {1, 3'000, 7'777}};
  for (std::uint32_t i = 0; i < 50; ++i) t.marks.push_back(make_mark(i % 3, i * 151, MarkKind::prevote, i % 5));
  const std::string first = render_svg(t);
  EXPECT_EQ(first, render_svg(t));
  EXPECT_EQ(first.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 0), 0u);
  EXPECT_TRUE(first.ends_with("</svg>\n"));
  EXPECT_NE(first.find(attr("width", kCanvasWidth) + " " + attr("height", canvas_height(3))), std::string::npos);
  // No fractional number in any attribute after the XML declaration's version="1.0":
  // nothing a platform could format differently.
  for (std::size_t i = first.find('\n'); i + 2 < first.size(); ++i) {
    if (first[i] == '.' && std::isdigit(static_cast<unsigned char>(first[i + 1])) && i > 0 &&
        std::isdigit(static_cast<unsigned char>(first[i - 1]))) {
      // Only the axis labels (text content, e.g. "1.5") may hold a decimal point.
      const std::size_t tag = first.rfind('<', i);
      ASSERT_EQ(first.compare(tag, 5, "<text"), 0) << first.substr(tag, 80);
      ASSERT_LT(first.find('>', tag), i) << first.substr(tag, 80);
    }
  }
  EXPECT_EQ(count(first, "<g "), count(first, "</g>"));
}

TEST(TimelineSvg, DrawsEveryMarkKindWhereTheLayoutSays) {
  struct Case {
    MarkKind kind;
    VoteChoice choice;
    std::string shape;  // an element of the mark, at its centre (c), in its colour
  };
  const Timeline base = three_lanes();
  const Point c = mark_center(base, make_mark(1, 5'000, MarkKind::prevote));
  const std::string block0 = "\"" + hex(palette::kBlocks[0]) + "\"";
  const std::string nil = "\"" + hex(palette::kNil) + "\"";
  const std::string white = "\"#ffffff\"";
  // The mark's centre for `kind`, and attribute pairs and polygon points around it.
  const auto row = [&](MarkKind kind) { return Point{c.x, lane_top(1) + mark_row(kind)}; };
  const auto pair = [](std::string_view a, int x, std::string_view b, int y) { return attr(a, x) + " " + attr(b, y); };
  const auto point = [](int x, int y) { return std::to_string(x) + "," + std::to_string(y); };
  const Point proposal = row(MarkKind::proposal);
  const Point reproposal = row(MarkKind::reproposal);
  const Point prevote = row(MarkKind::prevote);
  const Point precommit = row(MarkKind::precommit);
  const Point lock = row(MarkKind::lock);
  const Point decision = row(MarkKind::decision);
  const Point drop = row(MarkKind::drop);
  const Point lane_centre = lane_point(base, 1, 5'000);
  const Case cases[] = {
      {MarkKind::proposal, VoteChoice::approve,
       "<rect " + pair("x", proposal.x - 5, "y", proposal.y - 5) + " width=\"10\" height=\"10\" fill=" + block0},
      {MarkKind::reproposal, VoteChoice::approve,
       "<rect " + pair("x", reproposal.x - 4, "y", reproposal.y - 4) + " width=\"8\" height=\"8\" fill=" + white +
           " stroke=" + block0},
      {MarkKind::prevote, VoteChoice::approve, "<circle " + pair("cx", c.x, "cy", prevote.y) + " r=\"5\" fill=" + block0},
      {MarkKind::prevote, VoteChoice::nil,
       "<circle " + pair("cx", c.x, "cy", prevote.y) + " r=\"5\" fill=" + white + " stroke=" + nil},
      {MarkKind::precommit, VoteChoice::approve,
       "<polygon points=\"" + point(c.x, precommit.y - 6) + " " + point(c.x + 6, precommit.y + 5) + " " +
           point(c.x - 6, precommit.y + 5) + "\" fill=" + block0},
      {MarkKind::precommit, VoteChoice::nil,
       "<polygon points=\"" + point(c.x, precommit.y - 6) + " " + point(c.x + 6, precommit.y + 5) + " " +
           point(c.x - 6, precommit.y + 5) + "\" fill=" + white + " stroke=" + nil + " stroke-width=\"2\""},
      {MarkKind::lock, VoteChoice::approve,
       "<rect " + pair("x", lock.x - 5, "y", lock.y - 2) + " width=\"10\" height=\"8\" fill=" + block0},
      {MarkKind::decision, VoteChoice::approve,
       "<polygon points=\"" + point(c.x, decision.y - 7) + " " + point(c.x + 7, decision.y) + " " +
           point(c.x, decision.y + 7) + " " + point(c.x - 7, decision.y) + "\" fill=\"" + hex(palette::kDecision)},
      {MarkKind::restart, VoteChoice::approve,
       "<line " + pair("x1", c.x, "y1", lane_top(1) + 1) + " " + pair("x2", c.x, "y2", lane_top(2)) + " stroke=\"" +
           hex(palette::kRestart)},
      {MarkKind::drop, VoteChoice::approve,
       "<line " + pair("x1", c.x, "y1", drop.y) + " " + pair("x2", c.x, "y2", lane_point(base, 2, 5'000).y) +
           " stroke=\"" + hex(palette::kDrop) + "\" stroke-width=\"1\" stroke-dasharray=\"3 3\""},
      {MarkKind::violation, VoteChoice::approve,
       "<circle " + pair("cx", c.x, "cy", lane_centre.y) + " r=\"7\" fill=\"" + hex(palette::kViolation)},
  };
  for (const Case& test : cases) {
    Timeline t = base;
    Mark m = make_mark(1, 5'000, test.kind, test.choice == VoteChoice::nil ? kNoBlock : 0);
    m.choice = test.choice;
    m.to_lane = 2;
    t.marks.push_back(m);
    const std::string svg = render_svg(t);
    const std::string drawn = group(svg, test.kind == MarkKind::violation ? "violations" : "marks");
    EXPECT_NE(drawn.find(test.shape), std::string::npos)
        << "kind " << static_cast<int>(test.kind) << ": no " << test.shape << " in\n" << drawn;
    // Nothing is drawn for a mark of another group.
    EXPECT_EQ(group(svg, test.kind == MarkKind::violation ? "marks" : "violations").find('<', 1), std::string::npos);
  }
  // The decision is filled with the decision colour.
  Timeline t = base;
  t.marks.push_back(make_mark(1, 5'000, MarkKind::decision, 3));
  const std::string ringed = "fill=\"" + hex(palette::kDecision) + "\" stroke=\"" + hex(block_colour(3)) + "\"";
  EXPECT_NE(group(render_svg(t), "marks").find(ringed), std::string::npos);
}

TEST(TimelineSvg, ShowsRoundsBandsAxisAndLegend) {
  Timeline t = three_lanes(0, 12'000);
  t.rounds = {{0, 0, 3'000}, {1, 3'000, 6'000}, {7, 6'000, 12'000}};
  t.bands = {{BandKind::partition, {1, 2}, 0, 5'000, "partition"}, {BandKind::crashed, {0}, 6'000, 7'000, ""},
             {BandKind::slow, {2}, 8'000, 9'000, ""}};
  const std::string svg = render_svg(t);
  const std::string rounds = group(svg, "rounds");
  EXPECT_NE(rounds.find(">r0</text>"), std::string::npos);
  EXPECT_NE(rounds.find(">r7</text>"), std::string::npos);
  EXPECT_EQ(count(rounds, hex(palette::kRoundEven)), 2u);  // alternating: r0 and r7
  EXPECT_EQ(count(rounds, hex(palette::kRoundOdd)), 1u);
  const std::string bands = group(svg, "bands");
  EXPECT_EQ(count(bands, hex(palette::kPartition)), 2u);  // one rectangle per lane of the side
  EXPECT_EQ(count(bands, hex(palette::kCrashed)), 1u);
  EXPECT_EQ(count(bands, hex(palette::kSlow)), 1u);
  const int partition_x1 = x_of_time(t, 5'000);
  EXPECT_NE(bands.find("<rect " + attr("x", kMarginLeft) + " " + attr("y", lane_top(1) + 1) + " " +
                       attr("width", partition_x1 - kMarginLeft) + " " + attr("height", kLaneHeight - 1)),
            std::string::npos);
  const std::string axis = group(svg, "axis");
  for (const std::string_view tick : {">0</text>", ">2</text>", ">6</text>", ">12</text>", ">time (s)</text>"})
    EXPECT_NE(axis.find(tick), std::string::npos) << tick;
  const std::string legend = group(svg, "legend");
  for (const std::string_view name : {"proposal", "reproposal", "prevote nil", "precommit nil", "lock", "decision",
                                      "restart", "drop", "violation", "partition side", "crashed", "slow", "blocks"})
    EXPECT_NE(legend.find(name), std::string::npos) << name;
  const std::string labels = group(svg, "lane-labels");
  EXPECT_NE(labels.find(">byzantine</text>"), std::string::npos);
  EXPECT_NE(labels.find(">crashed</text>"), std::string::npos);
}

TEST(TimelineSvg, AxisLabelsAreSecondsWithoutTrailingZeros) {
  const std::string axis = group(render_svg(three_lanes(-1'000, 1'500)), "axis");
  for (const std::string_view tick : {">-1</text>", ">-0.5</text>", ">0</text>", ">0.5</text>", ">1.5</text>"})
    EXPECT_NE(axis.find(tick), std::string::npos) << tick << " in " << axis;
}

TEST(TimelineSvg, ClipsMarksOutsideTheRangeAndReportsMarksWithoutALane) {
  Timeline t = three_lanes(1'000, 2'000);
  t.marks = {make_mark(0, 999, MarkKind::prevote), make_mark(0, 2'001, MarkKind::prevote),
             make_mark(0, 1'500, MarkKind::prevote), make_mark(9, 1'500, MarkKind::prevote)};
  const std::string svg = render_svg(t);
  EXPECT_EQ(count(group(svg, "marks"), "<circle"), 1u);
  EXPECT_NE(svg.find("1 marks name no lane"), std::string::npos);
}

TEST(TimelineSvg, DrawsTheFirstMarksUpToTheCapAndSaysSo) {
  static_assert(SvgLimits{}.max_marks == kMaxMarks && kMaxMarks == 200'000);
  Timeline t = three_lanes();
  for (std::uint32_t i = 0; i < 1'000; ++i) t.marks.push_back(make_mark(i % 3, i * 10, MarkKind::prevote, i));
  SvgLimits limits;
  limits.max_marks = 10;
  const std::string capped = render_svg(t, limits);
  EXPECT_EQ(count(group(capped, "marks"), "<circle"), 10u);
  EXPECT_NE(group(capped, "notice").find("drawn: the first 10 of 1000 marks"), std::string::npos);
  // The first ten, not any ten: the tenth is drawn, the eleventh is not.
  EXPECT_NE(capped.find(attr("cx", mark_center(t, t.marks[9]).x)), std::string::npos);
  EXPECT_EQ(capped.find(attr("cx", mark_center(t, t.marks[10]).x)), std::string::npos);
  // Below the cap, no notice.
  EXPECT_EQ(render_svg(t).find("<g id=\"notice\""), std::string::npos);
  EXPECT_EQ(count(group(render_svg(t), "marks"), "<circle"), 1'000u);
}

TEST(TimelineSvg, CapsLanesRoundsAndBandCellsToo) {
  Timeline t = three_lanes();
  for (std::uint32_t r = 0; r < 5; ++r) t.rounds.push_back({r, r * 2'000, (r + 1) * 2'000});
  t.bands.push_back({BandKind::partition, {0, 1, 2}, 0, 5'000, ""});
  t.marks.push_back(make_mark(2, 100, MarkKind::prevote));  // on a lane left out: not drawn
  SvgLimits limits;
  limits.max_lanes = 2;
  limits.max_rounds = 3;
  limits.max_band_cells = 1;
  const std::string svg = render_svg(t, limits);
  EXPECT_NE(svg.find(attr("height", canvas_height(2))), std::string::npos);
  const std::string notice = group(svg, "notice");
  EXPECT_NE(notice.find("2 of 3 lanes"), std::string::npos) << notice;
  EXPECT_NE(notice.find("3 of 5 rounds"), std::string::npos) << notice;
  EXPECT_NE(notice.find("1 of 2 band cells"), std::string::npos) << notice;  // lane 2 is not drawn at all
  EXPECT_EQ(count(group(svg, "bands"), "<rect"), 1u);
  EXPECT_EQ(count(group(svg, "marks"), "<circle"), 0u);
}

TEST(TimelineSvg, AnEmptyTimelineIsStillAPicture) {
  const std::string svg = render_svg(Timeline{});
  EXPECT_TRUE(svg.ends_with("</svg>\n"));
  EXPECT_NE(svg.find(attr("height", canvas_height(0))), std::string::npos);
  EXPECT_NE(group(svg, "legend").find("proposal"), std::string::npos);
}

}  // namespace
}  // namespace midnight::view
