// The fixed colours of the timeline picture. Fixed so that a picture means the same
// thing in every run and so that a test can look for a colour at a computed pixel.
//
//   background            #ffffff   outside every round span
//   round, even / odd     #f3f5f9 / #e2e7ef   consecutive round spans alternate
//   round boundary        #9aa4b1   dashed vertical line at each round's start
//   lane separator        #c8ced6
//   text / muted text     #1a1a1a / #5b6470
//   partition band        #c9a0ff   violet: nothing else in the picture is violet
//   crashed band          #b3b3b3
//   slow band             #ffe08a
//   blocks 0..7           #4477aa #ee7733 #66ccee #aa3377 #ccbb44 #997700 #332288 #44aa99
//                         (block index modulo 8: equal blocks, equal colour)
//   nil vote              #8a8a8a   outline of a hollow mark
//   mark outline          #202020
//   decision              #00a03c   green diamond, ringed in its block's colour
//   restart               #0b3d91
//   drop                  #555555
//   violation             #e00000   red; nothing else in the picture is red
//   notice                #b35900   "only the first N marks are drawn"
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace midnight::view {

struct Rgb {
  std::uint8_t r = 0;
  std::uint8_t g = 0;
  std::uint8_t b = 0;
  friend constexpr bool operator==(const Rgb&, const Rgb&) = default;
};

// "#rrggbb", lower case.
[[nodiscard]] std::string hex(Rgb c);

namespace palette {
inline constexpr Rgb kBackground{0xff, 0xff, 0xff};
inline constexpr Rgb kRoundEven{0xf3, 0xf5, 0xf9};
inline constexpr Rgb kRoundOdd{0xe2, 0xe7, 0xef};
inline constexpr Rgb kRoundBoundary{0x9a, 0xa4, 0xb1};
inline constexpr Rgb kLaneSeparator{0xc8, 0xce, 0xd6};
inline constexpr Rgb kText{0x1a, 0x1a, 0x1a};
inline constexpr Rgb kMutedText{0x5b, 0x64, 0x70};
inline constexpr Rgb kPartition{0xc9, 0xa0, 0xff};
inline constexpr Rgb kCrashed{0xb3, 0xb3, 0xb3};
inline constexpr Rgb kSlow{0xff, 0xe0, 0x8a};
inline constexpr std::array<Rgb, 8> kBlocks{{
    {0x44, 0x77, 0xaa},
    {0xee, 0x77, 0x33},
    {0x66, 0xcc, 0xee},
    {0xaa, 0x33, 0x77},
    {0xcc, 0xbb, 0x44},
    {0x99, 0x77, 0x00},
    {0x33, 0x22, 0x88},
    {0x44, 0xaa, 0x99},
}};
inline constexpr Rgb kNil{0x8a, 0x8a, 0x8a};
inline constexpr Rgb kOutline{0x20, 0x20, 0x20};
inline constexpr Rgb kDecision{0x00, 0xa0, 0x3c};
inline constexpr Rgb kRestart{0x0b, 0x3d, 0x91};
inline constexpr Rgb kDrop{0x55, 0x55, 0x55};
inline constexpr Rgb kViolation{0xe0, 0x00, 0x00};
inline constexpr Rgb kNotice{0xb3, 0x59, 0x00};
}  // namespace palette

// The colour of block index `block`; kNoBlock (a mark that names none) is the nil grey.
[[nodiscard]] Rgb block_colour(std::uint32_t block);

}  // namespace midnight::view
