#include "midnight/view/timeline_palette.hpp"

#include "midnight/view/timeline.hpp"

namespace midnight::view {

std::string hex(Rgb c) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "#";
  for (const std::uint8_t v : {c.r, c.g, c.b}) {
    s.push_back(kDigits[v >> 4]);
    s.push_back(kDigits[v & 15]);
  }
  return s;
}

Rgb block_colour(std::uint32_t block) {
  if (block == kNoBlock) return palette::kNil;
  return palette::kBlocks[block % palette::kBlocks.size()];
}

}  // namespace midnight::view
