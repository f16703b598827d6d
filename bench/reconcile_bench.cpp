// Body reconciliation's bytes and time (block/tx_sketch.hpp, spec/reconciliation.md):
// how many bytes a node spends to learn which transactions of a proposer's block it
// lacks, and to fetch them, when honest mempools diverge, against two references in the
// same run: the bytes of the transactions it lacked (what any scheme must move) and BIP
// 152's compact block (6 bytes a transaction of the block, then the missing ones).
//
// BM_ReconcileBytes/N/D: a pool of N transactions of 100 bytes; the proposer and the
// receiver each lack each pool transaction with probability D per mille and hold
// round(D/1000 * N) of their own (the simulator's --mempool-divergence). The proposer
// sends a sketch of its block sized for the true difference (no estimator yet: it is the
// floor of this scheme, not a protocol run); the receiver erases its own ids from it (the
// same as subtracting a sketch of its own set), decodes, and asks for what it lacks by
// short id (8 bytes each). Counters:
// sketch, request and lacked bytes, the total against lacked bytes and against BIP 152.
// The timed loop is the receiver's work (erasing its ids, the decoding); `ratio` is
// against the raw crypto_shorthash_siphash24 calls that work needs at the least: four for
// each of the receiver's ids (three cells and a check) and seven for each differing id
// (four to peel it out, one purity check of each of its three cells).
#include <benchmark/benchmark.h>

#include <sodium.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "bench_support.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::bench {
namespace {

constexpr std::size_t kTxBytes = 100;

struct Sets {
  std::vector<ShortTxId> block;     // the proposer's
  std::vector<ShortTxId> receiver;  // the receiver's snapshot
  std::size_t only_block = 0;       // what the receiver lacks
  std::size_t only_receiver = 0;
};

Sets make_sets(std::size_t n, double p) {
  sim::Rng rng(n * 1000 + static_cast<std::uint64_t>(p * 1e6));
  std::vector<ShortTxId> pool(n);
  for (ShortTxId& id : pool) id = rng.next();
  Sets s;
  // Each node lacks each pool transaction independently; the counts below are exact.
  s.block.reserve(n + n / 8);
  s.receiver.reserve(n + n / 8);
  for (const ShortTxId id : pool) {
    const bool b = !rng.chance(p);
    const bool r = !rng.chance(p);
    if (b) s.block.push_back(id);
    if (r) s.receiver.push_back(id);
    if (b && !r) ++s.only_block;
    if (r && !b) ++s.only_receiver;
  }
  const auto own = static_cast<std::size_t>(std::llround(p * static_cast<double>(n)));
  for (std::size_t i = 0; i < own; ++i) s.block.push_back(rng.next());
  for (std::size_t i = 0; i < own; ++i) s.receiver.push_back(rng.next());
  s.only_block += own;
  s.only_receiver += own;
  return s;
}

void BM_ReconcileBytes(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const double p = static_cast<double>(state.range(1)) / 1000.0;
  const Sets sets = make_sets(n, p);
  const std::size_t difference = sets.only_block + sets.only_receiver;
  const SketchKey key = sketch_key(sha256(std::array<std::uint8_t, 1>{0x42}));
  const std::size_t per_hash = TxSketch::cells_per_hash_for(difference);
  // The proposer's sketch, as bytes on the wire, and read back by the receiver.
  TxSketch sent = TxSketch::make(key, per_hash).value();
  for (const ShortTxId id : sets.block) sent.insert(id);
  std::vector<std::uint8_t> wire(sent.encoded_size());
  encode_tx_sketch(sent, wire);
  TxSketch received = TxSketch::make(key, per_hash).value();
  const bool read_ok = decode_tx_sketch(wire, received).has_value();

  TxSketch mine = TxSketch::make(key, per_hash).value();  // set-up: sized once
  std::vector<ShortTxId> lacked;
  std::vector<ShortTxId> extra;
  lacked.reserve(mine.cells());
  extra.reserve(mine.cells());
  bool all_ok = read_ok;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    mine = received;  // same size: copies into the storage made at set-up
    for (const ShortTxId id : sets.receiver) mine.erase(id);
    lacked.clear();
    extra.clear();
    all_ok = mine.decode(lacked, extra).has_value() && lacked.size() == sets.only_block &&
             extra.size() == sets.only_receiver && all_ok;
    benchmark::DoNotOptimize(lacked.data());
  }
  allocs.report();
  const Bytes<16> raw_key = key.cell_key;
  run.finish([&] {
    std::array<std::uint8_t, 9> in{};
    std::array<std::uint8_t, 8> out{};
    const auto hash_id = [&](ShortTxId id, std::uint8_t calls) {
      for (std::size_t i = 0; i < 8; ++i) in[i] = static_cast<std::uint8_t>(id >> (8 * i));
      for (std::uint8_t j = 0; j < calls; ++j) {
        in[8] = j;
        crypto_shorthash_siphash24(out.data(), in.data(), in.size(), raw_key.data());
        benchmark::DoNotOptimize(out);
      }
    };
    for (const ShortTxId id : sets.receiver) hash_id(id, 4);
    for (std::size_t k = 0; k < difference; ++k) hash_id(sets.block[k], 7);
  });
  const double sketch_bytes = static_cast<double>(wire.size());
  const double request_bytes = 8.0 * static_cast<double>(sets.only_block);
  const double lacked_bytes = static_cast<double>(kTxBytes * sets.only_block);
  const double total = sketch_bytes + request_bytes + lacked_bytes;
  const double bip152 = 6.0 * static_cast<double>(sets.block.size()) + lacked_bytes;
  state.counters["block_txs"] = static_cast<double>(sets.block.size());
  state.counters["difference"] = static_cast<double>(difference);
  state.counters["sketch_bytes"] = sketch_bytes;
  state.counters["request_bytes"] = request_bytes;
  state.counters["lacked_bytes"] = lacked_bytes;
  state.counters["total_bytes"] = total;
  state.counters["bip152_bytes"] = bip152;
  state.counters["total_per_lacked"] = lacked_bytes > 0 ? total / lacked_bytes : 0.0;
  state.counters["total_per_bip152"] = total / bip152;
  // What the protocol sends today (spec/protocol.md 5.7): a body request and the whole
  // block message in answer (prefix, signed header, count, and a length and the bytes per
  // transaction; the coinbase left out, as it is of every column).
  const double whole = static_cast<double>(kBodyRequestMessageSize + kPrefixSize + kSignedHeaderBodySize + 4) +
                       static_cast<double>((4 + kTxBytes) * sets.block.size());
  state.counters["whole_body_bytes"] = whole;
  state.counters["whole_per_lacked"] = lacked_bytes > 0 ? whole / lacked_bytes : 0.0;
  if (!all_ok) state.SkipWithError("the receiver did not recover exactly the difference");
}
BENCHMARK(BM_ReconcileBytes)
    ->ArgsProduct({{100000, 1000000}, {1, 10, 100}})
    ->ArgNames({"txs", "per_mille"})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace midnight::bench
