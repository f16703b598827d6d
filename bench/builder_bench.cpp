// Deterministic block building (build_block_content: txids, dedupe, sort, the longest
// prefix within the block limits, coinbase, Merkle root) from a mempool of 1k to 1M
// transactions of 250 bytes (100 bytes at 1M), shuffled, one in ten repeated (none at
// 1M: a day's block of exactly 1,000,000 transactions and the coinbase). Every one
// fits a block (kMaxBlockTransactions is 2^21), so the cost is the txids (one SHA-256
// each), the sort, the copies and the Merkle tree (2n SHA-256 calls).
// Building happens once per height at set-up and may allocate (allocs_per_op is shown,
// with no budget).
//
// `ratio` compares it with the raw work, timed in the same run: every txid with raw
// crypto_hash_sha256 over (tag, chain, bytes), a std::sort of (txid, index) pairs, and
// the RFC 6962 tree with raw SHA-256 (a leaf hash per transaction, a node hash per pair).
#include <algorithm>
#include <cstdint>
#include <vector>

#include <sodium.h>

#include "bench_support.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/block/builder.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

// The raw work of building a block from `txs`: txids, their sort, the Merkle tree.
Hash32 raw_build(const std::vector<TxBytes>& txs) {
  const ChainId chain = test::chain();
  std::vector<std::pair<TxId, std::uint32_t>> keyed(txs.size());
  crypto_hash_sha256_state st;
  for (std::size_t i = 0; i < txs.size(); ++i) {
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(tag::kTxId.data()), tag::kTxId.size());
    crypto_hash_sha256_update(&st, chain.data(), chain.size());
    crypto_hash_sha256_update(&st, txs[i].data(), txs[i].size());
    crypto_hash_sha256_final(&st, keyed[i].first.data());
    keyed[i].second = static_cast<std::uint32_t>(i);
  }
  std::sort(keyed.begin(), keyed.end());
  // Level by level (the same number of hashes as RFC 6962's split for any n).
  std::vector<Hash32> level(keyed.size());
  const unsigned char leaf = 0x00, node = 0x01;
  for (std::size_t i = 0; i < keyed.size(); ++i) {
    const TxBytes tx = txs[keyed[i].second];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &leaf, 1);
    crypto_hash_sha256_update(&st, tx.data(), tx.size());
    crypto_hash_sha256_final(&st, level[i].data());
  }
  while (level.size() > 1) {
    std::vector<Hash32> up((level.size() + 1) / 2);
    for (std::size_t i = 0; i < level.size() / 2; ++i) {
      crypto_hash_sha256_init(&st);
      crypto_hash_sha256_update(&st, &node, 1);
      crypto_hash_sha256_update(&st, level[2 * i].data(), 32);
      crypto_hash_sha256_update(&st, level[2 * i + 1].data(), 32);
      crypto_hash_sha256_final(&st, up[i].data());
    }
    if (level.size() % 2 == 1) up.back() = level.back();
    level = std::move(up);
  }
  return level.empty() ? Hash32{} : level[0];
}

void BM_BuildBlock(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::size_t size = n >= 1'000'000 ? 100 : 250;
  const auto net = test::make_equal_members(16);
  std::vector<std::vector<std::uint8_t>> txs;
  txs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint8_t> tx(size, static_cast<std::uint8_t>(i * 13));
    // One in ten repeats its neighbour; at 1M none does, so the block holds all of them.
    const std::size_t id = n < 1'000'000 && i % 10 == 9 ? i - 1 : i;
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
  RatioRun run(state);
  for (auto _ : state) {
    const BlockContent c = build_block_content(test::chain(), 1, net.membership, 1000, shuffled);
    in_block = c.txs.size();
    benchmark::DoNotOptimize(c.merkle_root);
  }
  allocs.report();
  run.finish([&] { benchmark::DoNotOptimize(raw_build(shuffled)); });
  state.counters["block_txs"] = static_cast<double>(in_block);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BuildBlock)->Arg(1000)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace midnight::bench
