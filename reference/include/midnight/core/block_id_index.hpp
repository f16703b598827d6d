// Block id -> small position, for the per-round state: which proposal has this block id,
// which tally entry counts it. Open addressing over a table sized once at set-up for a
// fixed number of entries, so lookups and inserts allocate nothing and take a bounded
// number of probes. Block ids are SHA-256 outputs, so their first bytes are a hash;
// a member that grinds ids to collide can lengthen probe chains only up to the number
// of entries, which the membership bounds.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/core/invariant.hpp"

namespace midnight {

class BlockIdIndex {
 public:
  BlockIdIndex() = default;
  // A copy keeps the reserve, so that inserting into it allocates nothing either.
  BlockIdIndex(const BlockIdIndex& other) { *this = other; }
  BlockIdIndex& operator=(const BlockIdIndex& other) {
    if (this == &other) return *this;
    table_ = other.table_;
    keys_.reserve(other.limit_);
    keys_ = other.keys_;
    limit_ = other.limit_;
    return *this;
  }
  BlockIdIndex(BlockIdIndex&&) noexcept = default;
  BlockIdIndex& operator=(BlockIdIndex&&) noexcept = default;

  // Set-up: room for `entries` distinct ids (the table is at least twice that, a power of two).
  void reserve(std::size_t entries) {
    std::size_t cap = 4;
    while (cap < 2 * entries) cap *= 2;
    table_.assign(cap, Slot{});
    keys_.clear();
    keys_.reserve(entries);
    limit_ = entries;
  }
  std::size_t size() const { return keys_.size(); }
  std::size_t capacity() const { return limit_; }
  std::size_t memory_bytes() const { return table_.capacity() * sizeof(Slot) + keys_.capacity() * sizeof(std::size_t); }

  std::optional<std::uint32_t> find(const BlockId& id) const {
    if (table_.empty()) return std::nullopt;
    for (std::size_t k = home(id), probes = 0; probes < table_.size(); k = (k + 1) & mask(), ++probes) {
      const Slot& s = table_[k];
      if (!s.used) return std::nullopt;
      if (s.id == id) return s.value;
    }
    return std::nullopt;
  }
  // Adds id -> value; false (and nothing changes) if the index is full. The id must be absent.
  bool insert(const BlockId& id, std::uint32_t value) {
    if (keys_.size() >= limit_) return false;
    MIDNIGHT_INVARIANT(!find(id).has_value() && "an id is inserted once");
    std::size_t k = home(id);
    while (table_[k].used) k = (k + 1) & mask();  // never full: the table is twice the limit
    table_[k] = Slot{true, value, id};
    keys_.push_back(k);  // within the reserve
    return true;
  }
  // Empties the index in time proportional to what it holds.
  void clear() {
    for (const std::size_t k : keys_) table_[k] = Slot{};
    keys_.clear();
  }

  friend bool operator==(const BlockIdIndex& a, const BlockIdIndex& b) { return a.table_ == b.table_; }

 private:
  struct Slot {
    bool used = false;
    std::uint32_t value = 0;
    BlockId id;
    friend bool operator==(const Slot&, const Slot&) = default;
  };
  std::size_t mask() const { return table_.size() - 1; }
  std::size_t home(const BlockId& id) const {
    std::uint64_t h = 0;
    for (int i = 0; i < 8; ++i) h = (h << 8) | id.v[static_cast<std::size_t>(i)];
    return static_cast<std::size_t>(h) & mask();
  }

  std::vector<Slot> table_;
  std::vector<std::size_t> keys_;  // the used slots, for clear()
  std::size_t limit_ = 0;
};

}  // namespace midnight
