// The body of a block a node holds but did not build: its transactions, copied into one
// buffer that is reserved at set-up, with views into it. A copy rebinds the views to its
// own buffer, so a copied round machine never points into the one it was copied from.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/wire/messages.hpp"

namespace midnight {

class HeldBody {
 public:
  HeldBody() = default;
  HeldBody(const HeldBody& other);
  HeldBody& operator=(const HeldBody& other);

  // Set-up: room for a body of `bytes` transaction bytes and `count` transactions.
  void reserve(std::size_t bytes, std::size_t count);
  // Copies `txs` (allocates only for a body larger than the reserve, and then once).
  void assign(std::span<const TxBytes> txs);
  void clear();
  std::span<const TxBytes> transactions() const { return views_; }
  std::size_t memory_bytes() const { return bytes_.capacity() + views_.capacity() * sizeof(TxBytes); }

  friend bool operator==(const HeldBody& a, const HeldBody& b);

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<TxBytes> views_;
};

}  // namespace midnight
