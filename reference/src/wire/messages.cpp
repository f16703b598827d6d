// Certificate helpers: the vote each signature stands for.
#include "midnight/wire/messages.hpp"

#include "midnight/core/invariant.hpp"

namespace midnight {

Vote Certificate::vote(std::size_t i, VoteStep step) const {
  MIDNIGHT_INVARIANT(i < signatures.size());
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

}  // namespace midnight
