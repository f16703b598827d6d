// Certificate helpers: the precommit each signature stands for, and equality over the
// used part only (the unused tail of the fixed array is not part of the value).
#include "midnight/wire/messages.hpp"

#include <algorithm>

#include "midnight/core/invariant.hpp"

namespace midnight {

Vote Certificate::vote(std::size_t i, VoteStep step) const {
  MIDNIGHT_INVARIANT(i < count && i < kMaxMembers);
  Vote v;
  v.chain_id = chain_id;
  v.height = height;
  v.round = round;
  v.step = step;
  v.block_id = block_id;
  v.approve = true;
  v.voter = signatures[i].voter;
  v.signature = signatures[i].signature;
  return v;
}

bool operator==(const Certificate& a, const Certificate& b) {
  if (a.chain_id != b.chain_id || a.height != b.height || a.round != b.round || a.block_id != b.block_id ||
      a.count != b.count)
    return false;
  // Never read past the array, even for a count no decoder would produce.
  const std::size_t n = std::min<std::size_t>(a.count, kMaxMembers);
  return std::equal(a.signatures.begin(), a.signatures.begin() + n, b.signatures.begin());
}

}  // namespace midnight
