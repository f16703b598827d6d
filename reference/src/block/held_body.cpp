#include "midnight/block/held_body.hpp"

#include <algorithm>

namespace midnight {

HeldBody::HeldBody(const HeldBody& other) { *this = other; }

HeldBody& HeldBody::operator=(const HeldBody& other) {
  if (this == &other) return *this;
  reserve(other.bytes_.capacity(), other.views_.capacity());
  assign(other.transactions());
  return *this;
}

void HeldBody::reserve(std::size_t bytes, std::size_t count) {
  bytes_.reserve(bytes);
  views_.reserve(count);
}

void HeldBody::assign(std::span<const TxBytes> txs) {
  clear();
  std::size_t total = 0;
  for (const TxBytes tx : txs) total += tx.size();
  // The bytes first, whole, so that no view is taken before the buffer stops moving.
  bytes_.reserve(total);
  for (const TxBytes tx : txs) bytes_.insert(bytes_.end(), tx.begin(), tx.end());
  views_.reserve(txs.size());
  std::size_t offset = 0;
  for (const TxBytes tx : txs) {
    views_.emplace_back(bytes_.data() + offset, tx.size());
    offset += tx.size();
  }
}

void HeldBody::clear() {
  bytes_.clear();
  views_.clear();
}

bool operator==(const HeldBody& a, const HeldBody& b) {
  return std::equal(a.views_.begin(), a.views_.end(), b.views_.begin(), b.views_.end(),
                    [](TxBytes x, TxBytes y) { return std::equal(x.begin(), x.end(), y.begin(), y.end()); });
}

}  // namespace midnight
