// Deterministic block building (build_block_content: txids, dedupe, sort, the longest
// prefix within the block limits, coinbase, Merkle root) from a mempool of 1k to 100k
// transactions of 250 bytes, shuffled, one in ten repeated. A block holds at most
// kMaxBlockTransactions (1,024) transactions, so the block itself stops growing at 1k:
// beyond it the cost is the txids (one SHA-256 each) and the sort of the whole mempool.
// Building happens once per height at set-up and may allocate (allocs_per_op is shown,
// with no budget).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "bench_support.hpp"
#include "midnight/block/builder.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

void BM_BuildBlock(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const auto net = test::make_equal_members(16);
  std::vector<std::vector<std::uint8_t>> txs;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint8_t> tx(250, static_cast<std::uint8_t>(i * 13));
    const std::size_t id = i % 10 == 9 ? i - 1 : i;  // one in ten repeats its neighbour
    for (std::size_t b = 0; b < 8; ++b) tx[b] = static_cast<std::uint8_t>(id >> (8 * b));
    if (id != i) tx = txs.back();
    txs.push_back(std::move(tx));
  }
  std::vector<TxBytes> mempool = test::views_of(txs);
  // A fixed shuffle (no randomness): a multiplicative permutation.
  std::vector<TxBytes> shuffled(n);
  for (std::size_t i = 0; i < n; ++i) shuffled[(i * 7919) % n] = mempool[i];
  if (n % 7919 == 0) shuffled = mempool;
  std::size_t in_block = 0;
  AllocsPerOp allocs(state);
  for (auto _ : state) {
    const BlockContent c = build_block_content(test::chain(), 1, net.membership, 1000, shuffled);
    in_block = c.txs.size();
    benchmark::DoNotOptimize(c.merkle_root);
  }
  allocs.report();
  state.counters["block_txs"] = static_cast<double>(in_block);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildBlock)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace midnight::bench
