// A set of member indices, one bit each, sized once at set-up from the membership.
// It replaces the 64-bit words that held voter sets when a height had at most 64
// members: a height may now have up to kMaxMembers, so the width is a run-time size.
// resize() is the only call that allocates; everything else works in place.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "midnight/core/invariant.hpp"

namespace midnight {

class MemberSet {
 public:
  MemberSet() = default;
  explicit MemberSet(std::size_t members) { resize(members); }

  // Set-up: room for members 0 .. members - 1, all absent.
  void resize(std::size_t members) {
    size_ = members;
    words_.assign((members + 63) / 64, 0);
  }
  std::size_t size() const { return size_; }  // the membership's size, not the count

  bool contains(std::size_t i) const {
    MIDNIGHT_INVARIANT(i < size_);
    return (words_[i / 64] >> (i % 64)) & 1U;
  }
  // True if `i` was absent.
  bool insert(std::size_t i) {
    MIDNIGHT_INVARIANT(i < size_);
    const std::uint64_t bit = std::uint64_t{1} << (i % 64);
    std::uint64_t& w = words_[i / 64];
    const bool added = (w & bit) == 0;
    w |= bit;
    return added;
  }
  void clear() {
    for (std::uint64_t& w : words_) w = 0;
  }
  std::size_t count() const {
    std::size_t n = 0;
    for (const std::uint64_t w : words_) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  bool empty() const {
    for (const std::uint64_t w : words_) {
      if (w != 0) return false;
    }
    return true;
  }
  // Calls f(i) for every member i in the set, in ascending order.
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t k = 0; k < words_.size(); ++k) {
      for (std::uint64_t w = words_[k]; w != 0; w &= w - 1) f(k * 64 + static_cast<std::size_t>(std::countr_zero(w)));
    }
  }

  std::size_t memory_bytes() const { return words_.capacity() * sizeof(std::uint64_t); }

  friend bool operator==(const MemberSet&, const MemberSet&) = default;

 private:
  std::size_t size_ = 0;
  std::vector<std::uint64_t> words_;
};

}  // namespace midnight
