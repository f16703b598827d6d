// Body reconciliation's sampling, estimate and sketch size: spec/reconciliation.md §4.
#include "midnight/block/body_reconcile.hpp"

#include <algorithm>
#include <cstdint>

#include "midnight/core/invariant.hpp"
#include "midnight/core/limits.hpp"

namespace midnight {

namespace {

std::uint64_t isqrt(std::uint64_t x) {
  std::uint64_t r = 0;
  while ((r + 1) * (r + 1) <= x) ++r;  // x <= kReconcileSampleIds: at most 23 steps
  return r;
}

}  // namespace

std::size_t sample_short_ids(const SketchKey& key, std::span<const TxId> txids, std::span<ShortTxId> out) {
  // A max-heap of the smallest ids so far in out[0, n); its top is the largest of them.
  std::size_t n = 0;
  const std::size_t k = out.size();
  if (k == 0) return 0;
  for (const TxId& txid : txids) {
    const ShortTxId id = short_tx_id(key, txid);
    if (n < k) {
      if (std::find(out.begin(), out.begin() + std::ptrdiff_t(n), id) != out.begin() + std::ptrdiff_t(n)) continue;
      out[n++] = id;
      std::push_heap(out.begin(), out.begin() + std::ptrdiff_t(n));
    } else if (id < out[0]) {
      if (std::find(out.begin(), out.begin() + std::ptrdiff_t(n), id) != out.begin() + std::ptrdiff_t(n)) continue;
      std::pop_heap(out.begin(), out.begin() + std::ptrdiff_t(n));
      out[n - 1] = id;
      std::push_heap(out.begin(), out.begin() + std::ptrdiff_t(n));
    }
  }
  std::sort_heap(out.begin(), out.begin() + std::ptrdiff_t(n));
  return n;
}

std::size_t estimate_difference(std::span<const ShortTxId> sample_a, std::size_t count_a,
                                std::span<const ShortTxId> sample_x, std::size_t count_x) {
  const bool complete_a = sample_a.size() >= count_a;
  const bool complete_x = sample_x.size() >= count_x;
  // k: how many of the union's smallest ids the two samples determine.
  std::size_t k = SIZE_MAX;
  if (!complete_a) k = sample_a.size();
  if (!complete_x) k = std::min(k, sample_x.size());
  std::size_t i = 0;
  std::size_t j = 0;
  std::size_t taken = 0;
  std::uint64_t only_one = 0;  // m
  while (taken < k && (i < sample_a.size() || j < sample_x.size())) {
    if (j == sample_x.size() || (i < sample_a.size() && sample_a[i] < sample_x[j])) {
      ++i;
      ++only_one;
    } else if (i == sample_a.size() || sample_x[j] < sample_a[i]) {
      ++j;
      ++only_one;
    } else {
      ++i;
      ++j;
    }
    ++taken;
  }
  const std::size_t floor = count_a > count_x ? count_a - count_x : count_x - count_a;
  const std::size_t ceiling = count_a + count_x;
  if (k == SIZE_MAX) return std::clamp<std::size_t>(only_one, floor, ceiling);  // both complete: exact
  if (k == 0) return ceiling;
  const std::uint64_t m_hi = std::min<std::uint64_t>(k, only_one + 2 * isqrt(only_one) + 4);
  const std::uint64_t num = m_hi * std::uint64_t(ceiling);  // <= 512 * 2^22: no overflow
  const std::uint64_t den = 2 * std::uint64_t(k) - m_hi;    // >= k >= 1
  const std::uint64_t estimate = (num + den - 1) / den;
  return std::clamp<std::size_t>(std::size_t(estimate), floor, ceiling);
}

std::size_t sketch_answer_cells(std::size_t difference, std::size_t have, std::size_t block_bytes) {
  if (difference > have) return 0;
  const std::size_t cells = TxSketch::cells_per_hash_for(difference);
  const std::size_t sketch_bytes = kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells;
  return sketch_bytes < block_bytes ? cells : 0;
}

}  // namespace midnight
