// The simulator's own pseudo-random generator: xoshiro256** seeded through splitmix64.
// Every draw (bounded integers, probabilities, shuffles) is defined here bit for bit,
// because std::uniform_*_distribution and std::shuffle are implementation-defined and
// the same seed must give byte-identical runs on every platform and standard library.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace midnight::sim {

// splitmix64 (Steele, Lea, Flood 2014): expands one 64-bit seed into well-mixed words.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();

 private:
  std::uint64_t state_;
};

// xoshiro256** 1.0 (Blackman, Vigna 2018).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, bound) by rejection (no modulo bias); bound must be > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi], inclusive; lo <= hi.
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi);
  // True with probability p (p <= 0 never, p >= 1 always), from 53 random bits.
  bool chance(double p);
  // An independent generator derived from this one (for per-node streams).
  Rng split();
  // Fisher-Yates, from the last element down, drawing with below().
  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }
  void fill(std::span<std::uint8_t> out);

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace midnight::sim
