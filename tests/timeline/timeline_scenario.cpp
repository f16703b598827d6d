// Writes the SVG of a synthetic run for the browser test (render_check.sh), and prints
// what the screenshot must show where, computed with the same layout functions the
// renderer uses:
//
//   size W H                     the picture's size (the browser window's)
//   expect NAME X Y RRGGBB       pixel (X, Y) must have that colour
//   expect-not NAME X Y RRGGBB   pixel (X, Y) must not
//
// The run: seven nodes, n0..n3 cut off from n4..n6 from 0 to 5000 ms; round 0 and 1 fail
// for lack of a quorum, round 2 decides block 2 after the heal; n5 crashes and restarts,
// one of n0's prevotes to n5 is lost, and a violation is marked on the Byzantine n6.
//
// Usage: midnight_timeline_scenario OUT.svg [--without-partition | --without-violation]
// (the two options are the negative controls: the same picture without the band or
// without the violation, whose checks must then fail).
//
//        midnight_timeline_scenario --where FROM TO LANE T
// prints "X Y TOP BOTTOM": the centre of lane LANE at time T in a picture whose range is
// FROM..TO ms, and the y of that lane's top and bottom edges, so that the checks of a
// picture the command drew (`midnight simulate --timeline`) come from these same functions.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "midnight/view/timeline.hpp"
#include "midnight/view/timeline_layout.hpp"
#include "midnight/view/timeline_palette.hpp"
#include "midnight/view/timeline_svg.hpp"

namespace {

using namespace midnight::view;

constexpr std::size_t kNodes = 7;
constexpr std::size_t kProbeLane = 5;  // on the partition's smaller side
constexpr TimeMs kDuringPartition = 2500;
constexpr TimeMs kHeal = 5000;
constexpr TimeMs kAfterHeal = 7000;  // inside round 2, the third span: shaded "even"

Mark vote(std::size_t lane, TimeMs t, MarkKind kind, std::uint32_t block) {
  Mark m;
  m.lane = lane;
  m.time_ms = t;
  m.kind = kind;
  m.block = block;
  m.choice = block == kNoBlock ? VoteChoice::nil : VoteChoice::approve;
  return m;
}

Mark mark(std::size_t lane, TimeMs t, MarkKind kind, std::uint32_t block = kNoBlock, std::string label = {}) {
  Mark m;
  m.lane = lane;
  m.time_ms = t;
  m.kind = kind;
  m.block = block;
  m.label = std::move(label);
  return m;
}

Timeline scenario(bool with_partition, bool with_violation) {
  Timeline t;
  t.title = "7 nodes, partition 4|3 from 0 to 5 s, seed 42";
  for (std::size_t i = 0; i < kNodes; ++i) {
    Lane lane;
    lane.label = "n";
    lane.label += std::to_string(i);
    lane.label += " (w 10)";
    lane.byzantine = i == 6;
    lane.crashed = i == 5;
    t.lanes.push_back(lane);
  }
  t.from_ms = 0;
  t.to_ms = 12'000;
  t.rounds = {{0, 0, 3'000}, {1, 3'000, 6'500}, {2, 6'500, 10'500}, {3, 10'500, 12'000}};
  if (with_partition) t.bands.push_back({BandKind::partition, {4, 5, 6}, 0, kHeal, "partition 4|3"});
  t.bands.push_back({BandKind::crashed, {5}, 5'200, 6'000, "down"});
  t.bands.push_back({BandKind::slow, {2}, 10'500, 12'000, "slow"});
  const auto side_a = [](std::size_t n) { return n < 4; };

  // Round 0: n0 proposes block 0; only its side sees it, no quorum, nil precommits.
  t.marks.push_back(mark(0, 100, MarkKind::proposal, 0, "b0"));
  for (std::size_t n = 0; n < kNodes; ++n)
    t.marks.push_back(vote(n, 1'000, MarkKind::prevote, side_a(n) ? 0 : kNoBlock));
  t.marks.push_back(mark(0, 1'000, MarkKind::drop));
  t.marks.back().to_lane = 5;
  for (std::size_t n = 0; n < kNodes; ++n) t.marks.push_back(vote(n, 2'000, MarkKind::precommit, kNoBlock));
  // Round 1: n2 proposes block 1; the same split.
  t.marks.push_back(mark(2, 3'000, MarkKind::proposal, 1, "b1"));
  for (std::size_t n = 0; n < kNodes; ++n)
    t.marks.push_back(vote(n, 4'000, MarkKind::prevote, side_a(n) ? 1 : kNoBlock));
  for (std::size_t n = 0; n < kNodes; ++n)
    if (n != 5) t.marks.push_back(vote(n, 4'800, MarkKind::precommit, kNoBlock));
  t.marks.push_back(mark(5, 6'000, MarkKind::restart, kNoBlock, "restart"));
  // Round 2, after the heal: n1 proposes block 2, everyone locks on it and decides it.
  t.marks.push_back(mark(1, 6'600, MarkKind::proposal, 2, "b2"));
  t.marks.push_back(mark(3, 6'700, MarkKind::reproposal, 1, "b1"));
  for (std::size_t n = 0; n < kNodes; ++n) t.marks.push_back(vote(n, 7'600, MarkKind::prevote, 2));
  for (std::size_t n = 0; n < kNodes; ++n) {
    t.marks.push_back(vote(n, 8'600, MarkKind::precommit, 2));
    t.marks.push_back(mark(n, 8'600, MarkKind::lock, 2));
  }
  for (std::size_t n = 0; n < kNodes; ++n) t.marks.push_back(mark(n, 9'200, MarkKind::decision, 2, n == 0 ? "b2" : ""));
  if (with_violation) t.marks.push_back(mark(6, 9'800, MarkKind::violation, kNoBlock, "two precommits"));
  return t;
}

void print_check(std::string_view verb, std::string_view name, Point p, Rgb colour) {
  std::printf("%.*s %.*s %d %d %s\n", static_cast<int>(verb.size()), verb.data(), static_cast<int>(name.size()),
              name.data(), p.x, p.y, hex(colour).substr(1).c_str());
}

}  // namespace

// --where FROM TO LANE T; false when an argument is not a number.
bool where(char** args) {
  long long v[4];
  for (int i = 0; i < 4; ++i) {
    char* end = nullptr;
    v[i] = std::strtoll(args[i], &end, 10);
    if (end == args[i] || *end != '\0' || v[i] < 0) return false;
  }
  Timeline t;
  t.from_ms = v[0];
  t.to_ms = v[1];
  const auto lane = static_cast<std::size_t>(v[2]);
  const Point p = lane_point(t, lane, v[3]);
  std::printf("%d %d %d %d\n", p.x, p.y, lane_top(lane), lane_top(lane + 1));
  return true;
}

int main(int argc, char** argv) {
  if (argc == 6 && std::strcmp(argv[1], "--where") == 0) {
    if (where(argv + 2)) return 0;
    std::fprintf(stderr, "usage: %s --where FROM TO LANE T (non-negative integers)\n", argv[0]);
    return 2;
  }
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s OUT.svg [--without-partition | --without-violation]\n", argv[0]);
    return 2;
  }
  bool with_partition = true;
  bool with_violation = true;
  if (argc == 3) {
    if (std::strcmp(argv[2], "--without-partition") == 0) {
      with_partition = false;
    } else if (std::strcmp(argv[2], "--without-violation") == 0) {
      with_violation = false;
    } else {
      std::fprintf(stderr, "unknown option %s\n", argv[2]);
      return 2;
    }
  }
  // The checks are those of the complete scenario whatever the option, so that a control
  // is held to the same expectations and fails them.
  const Timeline full = scenario(true, true);
  const std::string svg = render_svg(scenario(with_partition, with_violation));
  std::FILE* out = std::fopen(argv[1], "wb");
  if (out == nullptr || std::fwrite(svg.data(), 1, svg.size(), out) != svg.size() || std::fclose(out) != 0) {
    std::fprintf(stderr, "cannot write %s\n", argv[1]);
    return 1;
  }

  std::printf("size %d %d\n", kCanvasWidth, canvas_height(full.lanes.size()));
  print_check("expect", "partition-band", lane_point(full, kProbeLane, kDuringPartition), palette::kPartition);
  print_check("expect-not", "partition-band-after-heal", lane_point(full, kProbeLane, kAfterHeal), palette::kPartition);
  print_check("expect", "round-shading-after-heal", lane_point(full, kProbeLane, kAfterHeal), palette::kRoundEven);
  print_check("expect", "other-side-unbanded", lane_point(full, 1, kDuringPartition), palette::kRoundEven);
  for (const Mark& m : full.marks) {
    if (m.kind == MarkKind::decision && m.lane == 0)
      print_check("expect", "decision", mark_center(full, m), palette::kDecision);
    if (m.kind == MarkKind::violation) print_check("expect", "violation", mark_center(full, m), palette::kViolation);
  }
  return 0;
}
