// The memo behind the simulator's signature and VRF memos (memo_verifier.hpp,
// memo_vrf_verifier.hpp, memo_vrf_prover.hpp): remembered answers of a pure function of
// a fixed-size key and a byte string, in buckets of a 64-bit hash the caller picks (from
// bytes no one chooses freely). A hit needs an equal key and equal bytes, so a bucket
// collision costs a comparison, never a wrong answer. Not for a node: it grows with every
// distinct input.
#pragma once
#include <algorithm>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

namespace midnight::sim {

template <class Key, class Value>
class ByteMemo {
 public:
  // The remembered value for (key, bytes), or compute()'s, remembered.
  template <class Compute>
  Value get(std::uint64_t bucket, const Key& key, std::span<const std::uint8_t> bytes, Compute&& compute) {
    const auto [first, last] = memo_.equal_range(bucket);
    for (auto it = first; it != last; ++it) {
      const Entry& e = it->second;
      if (e.key == key && std::equal(e.bytes.begin(), e.bytes.end(), bytes.begin(), bytes.end())) {
        ++remembered_;
        return e.value;
      }
    }
    ++computed_;
    Value value = std::forward<Compute>(compute)();
    memo_.emplace(bucket, Entry{key, std::vector<std::uint8_t>(bytes.begin(), bytes.end()), value});
    return value;
  }

  std::uint64_t computed() const { return computed_; }      // answers computed
  std::uint64_t remembered() const { return remembered_; }  // answers given from the memo

 private:
  struct Entry {
    Key key;
    std::vector<std::uint8_t> bytes;
    Value value;
  };
  std::unordered_multimap<std::uint64_t, Entry> memo_;
  std::uint64_t computed_ = 0;
  std::uint64_t remembered_ = 0;
};

}  // namespace midnight::sim
