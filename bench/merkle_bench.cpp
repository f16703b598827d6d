// RFC 6962 Merkle root over 1k, 10k and 100k transactions of kTxBytes bytes each, against
// the raw cost of the same SHA-256 calls done with libsodium's one-shot crypto_hash_sha256:
// n calls over the same leaf bytes (prefixed with 0x00, prepared at set-up) and n - 1
// calls over 65-byte node inputs (0x01 || left || right). A tree of n leaves makes
// exactly 2n - 1 SHA-256 calls, so `ratio` is the cost of the tree's bookkeeping and of
// the incremental hashing on top of the hashing itself (target <= 1.2).
// `ratio_leaves` is against the n leaf hashes only (the node hashes are extra work).
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "bench_support.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::bench {
namespace {

constexpr std::size_t kTxBytes = 250;  // a typical small payment

struct Leaves {
  std::vector<std::vector<std::uint8_t>> txs;       // the transactions
  std::vector<TxBytes> views;                       // what merkle_root takes
  std::vector<std::vector<std::uint8_t>> prefixed;  // 0x00 || tx, for the raw baseline
  std::vector<std::array<std::uint8_t, 65>> nodes;  // n - 1 node inputs, for the raw baseline
};

Leaves make_leaves(std::size_t n) {
  Leaves l;
  l.txs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::uint8_t> tx(kTxBytes);
    for (std::size_t b = 0; b < kTxBytes; ++b) tx[b] = static_cast<std::uint8_t>((i * 131 + b * 7) >> (b % 3));
    for (std::size_t b = 0; b < 8; ++b) tx[b] = static_cast<std::uint8_t>(i >> (8 * b));
    l.txs.push_back(std::move(tx));
  }
  for (const auto& tx : l.txs) {
    l.views.emplace_back(tx);
    std::vector<std::uint8_t> p(tx.size() + 1, 0x00);
    std::copy(tx.begin(), tx.end(), p.begin() + 1);
    l.prefixed.push_back(std::move(p));
  }
  l.nodes.resize(n > 0 ? n - 1 : 0);
  for (std::size_t i = 0; i < l.nodes.size(); ++i) {
    l.nodes[i].fill(static_cast<std::uint8_t>(i));
    l.nodes[i][0] = 0x01;
  }
  return l;
}

void BM_MerkleRoot(benchmark::State& state) {
  crypto_init();
  const Leaves l = make_leaves(static_cast<std::size_t>(state.range(0)));
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    Hash32 root = merkle_root(l.views);
    benchmark::DoNotOptimize(root);
  }
  allocs.report();
  std::array<std::uint8_t, crypto_hash_sha256_BYTES> out{};
  const auto leaves_only = [&] {
    for (const auto& p : l.prefixed) {
      crypto_hash_sha256(out.data(), p.data(), p.size());
      benchmark::DoNotOptimize(out);
    }
  };
  const auto same_calls = [&] {
    leaves_only();
    for (const auto& node : l.nodes) {
      crypto_hash_sha256(out.data(), node.data(), node.size());
      benchmark::DoNotOptimize(out);
    }
  };
  run.finish(same_calls);
  const double leaves_ns = ns_per_call(static_cast<std::uint64_t>(state.iterations()), leaves_only);
  state.counters["ratio_leaves"] = state.counters["ours_ns"] / leaves_ns;
  state.counters["sha256_calls"] = static_cast<double>(2 * l.views.size() - 1);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MerkleRoot)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace midnight::bench
