// The timeline of a run as data: one lane per node, the time range in simulated
// milliseconds, round spans, bands (partition sides, crashed or slow nodes) and marks
// (proposals, votes, locks, decisions, restarts, dropped messages, violations).
//
// The model is neutral: it knows nothing of the simulator, the node logs or the checker,
// so that each of them can fill one in and the same renderer (timeline_svg.hpp) draws it.
// Indices are plain positions: a mark's lane is an index into `lanes`, a vote's block is
// a small index chosen by whoever fills the timeline (equal blocks, equal index, equal
// colour), not a block id.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace midnight::view {

// Simulated milliseconds since the run's origin (midnight of the first height is 0).
using TimeMs = std::int64_t;

inline constexpr std::size_t kNoLane = std::numeric_limits<std::size_t>::max();
inline constexpr std::uint32_t kNoBlock = std::numeric_limits<std::uint32_t>::max();

struct Lane {
  std::string label;       // e.g. "n3 (w 10)"
  bool byzantine = false;  // drawn with a "byzantine" badge under the label
  bool crashed = false;    // crashed at some point of the run: a "crashed" badge
};

// A round's extent on the time axis; consecutive spans are shaded alternately and
// labelled "r<round>" above the lanes.
struct RoundSpan {
  std::uint32_t round = 0;
  TimeMs from_ms = 0;
  TimeMs to_ms = 0;
};

enum class BandKind : std::uint8_t {
  partition,  // the lanes of one side of a partition, from its start to its heal
  crashed,    // a node down, from the crash to its restart (or the end)
  slow,       // a node whose messages are delayed
};

// A background band over a set of lanes for a stretch of time.
struct Band {
  BandKind kind = BandKind::partition;
  std::vector<std::size_t> lanes;
  TimeMs from_ms = 0;
  TimeMs to_ms = 0;
  std::string label;  // optional, drawn at the band's start on its first lane
};

enum class MarkKind : std::uint8_t {
  proposal,    // a node proposed a fresh block
  reproposal,  // a node proposed again the block it is locked on (or a valid earlier one)
  prevote,
  precommit,
  lock,        // a node locked on a block
  decision,    // a node finalized a block
  restart,     // a node came back after a crash
  drop,        // a message lost: on the sender's lane at send time; `to_lane` is the recipient
  violation,   // a safety or liveness property failed here
};
inline constexpr std::size_t kMarkKindCount = 9;

// What a prevote or precommit says. Other kinds ignore it.
enum class VoteChoice : std::uint8_t {
  approve,  // for `Mark::block`
  nil,
};

struct Mark {
  std::size_t lane = 0;
  TimeMs time_ms = 0;
  MarkKind kind = MarkKind::proposal;
  VoteChoice choice = VoteChoice::approve;
  std::uint32_t block = kNoBlock;  // proposals, approving votes, locks, decisions: picks the colour
  std::size_t to_lane = kNoLane;   // drops: the recipient
  std::string label;               // optional, short: drawn right of the mark
};

struct Timeline {
  std::string title;
  std::vector<Lane> lanes;
  TimeMs from_ms = 0;  // the visible range: marks outside it are not drawn, bands and rounds are cut at its ends
  TimeMs to_ms = 0;
  std::vector<RoundSpan> rounds;
  std::vector<Band> bands;
  std::vector<Mark> marks;  // drawn in this order (later on top)
};

}  // namespace midnight::view
