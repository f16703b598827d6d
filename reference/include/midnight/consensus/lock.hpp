// A node's lock (spec/protocol.md section 6): the block it precommitted last and the
// round it did. A plain value, so the vote journal's record format can name it without
// depending on the round machine that takes and moves it.
#pragma once
#include <cstdint>

#include "midnight/core/bytes.hpp"

namespace midnight {

struct Lock {
  bool held = false;
  BlockId block_id;
  std::uint32_t round = 0;
  friend bool operator==(const Lock&, const Lock&) = default;
};

}  // namespace midnight
