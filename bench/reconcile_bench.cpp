// Body reconciliation end to end (consensus/body_exchange.hpp, spec/reconciliation.md §5):
// the bytes a node spends to obtain the body of a block it lacks from a member that holds
// it, when their mempools diverge, against two references in the same run: the bytes of
// the transactions it lacked (what any scheme must move) and BIP 152's compact block
// (6 bytes a transaction of the block, then the missing ones).
//
// BM_ReconcileExchange/txs:N/per_mille:D: a pool of N transactions of 100 bytes. The
// server's block is the pool minus D/1000 N of them chosen at random, plus as many of its
// own; the requester's is the pool minus another D/1000 N chosen independently, plus as
// many of its own (each: a coinbase, the same bytes in both, then N transactions in txid
// order). Both sides run BodyExchange, and every message is encoded and decoded by the
// codec, so the bytes counted are wire bytes:
//   sketch request (0x0c, signed)       -> server: verify, answer_cells, encode_sketch
//   body sketch (0x0d)                  -> requester: on_sketch
//   transactions request (0x0c, signed) -> server: verify, select
//   body transactions (0x0e)            -> requester: on_transactions, assembled()
// or a whole block (0x07) where the server answers whole, or after a fall back (then with
// the body request, 0x0b, that asks for it). The body obtained must have the server
// block's Merkle root, or the benchmark fails.
//
// Counters, in bytes: request_bytes (the sketch request), sketch_bytes, ids_bytes (the
// transactions request), transactions_bytes, whole_bytes (body request and whole block, if
// any), protocol_bytes (their sum); lacked_bytes (4 + 100 for each transaction of the
// server's block that the requester lacked: the message payload any scheme must carry);
// bip152_bytes (6 a mempool transaction of the block, plus lacked_bytes); whole_block_bytes
// (encoded_size_block: the answer to a body request); vs_lacked, vs_bip152 and vs_whole,
// protocol_bytes over each. Then round_trips, whole_answer (the server chose the whole
// block), fell_back (BodyExchange::counts(): undecodable or inconsistent, also reported
// apart), difference (the true symmetric difference of the two mempools) and
// cells_per_hash (the sketch the server sized from the requester's sample).
//
// Time: the whole exchange, both sides' CPU, from a fresh BodyExchange on each side (the
// state of begin_height, copied in paused time) to the assembled body; the Merkle check is
// outside it. `ratio` is against the libsodium calls the exchange makes, tallied as it
// runs and done raw in the same run: SHA-256 of every txid computed (the served block's
// once; each lacked transaction three times: the encoder's and the decoder's order
// checks, the assembly), of the short ids of each request when signed and when verified,
// and of the sketch keys; Ed25519 signatures and verifications of the requests;
// SipHash-2-4 for every short id (requester: sample, index; server: sample, sketch,
// select) and for cells and checks (four for each id inserted or erased, seven for each id
// peeled: four to remove it, a purity check of each of its cells). allocs_per_op: heap
// allocations in the exchange; a reconciliation that allocates at all fails the benchmark
// (the message buffers are sized at set-up; only a whole block's are sized on first use).
#include <benchmark/benchmark.h>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/consensus/body_exchange.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

constexpr std::size_t kTxBytes = 100;
constexpr std::uint64_t kHeight = 7;

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The libsodium calls of one exchange, tallied as it runs (see the header comment).
struct RawCalls {
  std::uint64_t txids = 0;         // SHA-256 over tag || chain || 100 bytes
  // SHA-256 over the short ids of a request, when signed and when verified: at most two
  // requests, so four, of these sizes.
  std::array<std::size_t, 4> id_hash_sizes{};
  std::size_t id_hashes = 0;
  std::uint64_t keys = 0;          // SHA-256 of a sketch key (tag || block id)
  std::uint64_t signs = 0;
  std::uint64_t verifies = 0;
  std::uint64_t short_ids = 0;     // SipHash-2-4 of a txid
  std::uint64_t cell_hashes = 0;   // SipHash-2-4 of an id and a cell index
};

struct Fixture {
  std::size_t txs = 0;
  std::size_t per_mille = 0;
  ChainId chain = test::chain();
  Keypair requester_keys = test::keypair(1);
  std::vector<std::uint8_t> arena;     // every transaction's bytes, 100 each
  std::vector<std::uint8_t> coinbase;  // the same in both blocks
  std::vector<TxBytes> server_block;   // coinbase, then ascending txid
  std::vector<TxBytes> requester_block;
  BlockHeader header;
  Signature signature;
  BlockId block_id;
  Hash32 root;                    // of the server's block
  std::size_t lacked = 0;         // server's transactions the requester does not hold
  std::size_t lacked_bytes = 0;   // 4 + length of each
  std::size_t difference = 0;     // lacked + the requester's that the block does not hold
  std::size_t whole_block_bytes = 0;
  // The state of begin_height on each side, copied into the working ones per iteration.
  // The working ones are begun too, so that their storage is what begin_height sizes.
  std::unique_ptr<BodyExchange> requester0;
  std::unique_ptr<BodyExchange> server0;
  std::unique_ptr<BodyExchange> requester;
  std::unique_ptr<BodyExchange> server;
};

// The pool is transactions 0..txs-1; the server's own txs..txs+own-1, the requester's
// txs+own..txs+2own-1. Transaction i: 100 bytes of splitmix64 from i.
std::unique_ptr<Fixture> build_fixture(std::size_t txs, std::size_t per_mille) {
  auto f = std::make_unique<Fixture>();
  f->txs = txs;
  f->per_mille = per_mille;
  const std::size_t drop = txs * per_mille / 1000;
  const std::size_t total = txs + 2 * drop;
  f->arena.resize(total * kTxBytes);
  for (std::size_t i = 0; i < total; ++i) {
    std::uint64_t state = i;
    std::uint8_t* p = f->arena.data() + i * kTxBytes;
    for (std::size_t b = 0; b < kTxBytes; b += 8) {
      const std::uint64_t w = splitmix(state);
      for (std::size_t k = 0; k < 8 && b + k < kTxBytes; ++k) p[b + k] = static_cast<std::uint8_t>(w >> (8 * k));
    }
  }
  const auto tx = [&](std::size_t i) { return TxBytes(f->arena.data() + i * kTxBytes, kTxBytes); };
  std::vector<TxId> txids(total);
  for (std::size_t i = 0; i < total; ++i) txids[i] = compute_txid(f->chain, tx(i));

  // Which pool transactions each side lacks: a partial Fisher-Yates shuffle each.
  std::mt19937_64 rng(0x5eed0000ULL + txs * 1000 + per_mille);
  const auto lacking = [&] {
    std::vector<std::uint32_t> order(txs);
    std::iota(order.begin(), order.end(), 0U);
    std::vector<bool> out(txs, false);
    for (std::size_t i = 0; i < drop; ++i) {
      std::swap(order[i], order[i + static_cast<std::size_t>(rng() % (txs - i))]);
      out[order[i]] = true;
    }
    return out;
  };
  const std::vector<bool> server_lacks = lacking();
  const std::vector<bool> requester_lacks = lacking();

  for (const char c : std::string_view("coinbase: the same bytes in both blocks")) f->coinbase.push_back(std::uint8_t(c));
  const auto make_block = [&](const std::vector<bool>& lacks, std::size_t own_from) {
    std::vector<std::uint32_t> members;
    members.reserve(txs);
    for (std::size_t i = 0; i < txs; ++i)
      if (!lacks[i]) members.push_back(static_cast<std::uint32_t>(i));
    for (std::size_t i = 0; i < drop; ++i) members.push_back(static_cast<std::uint32_t>(own_from + i));
    std::sort(members.begin(), members.end(), [&](std::uint32_t a, std::uint32_t b) { return txids[a] < txids[b]; });
    std::vector<TxBytes> block;
    block.reserve(members.size() + 1);
    block.emplace_back(f->coinbase);
    for (const std::uint32_t i : members) block.push_back(tx(i));
    return block;
  };
  f->server_block = make_block(server_lacks, txs);
  f->requester_block = make_block(requester_lacks, txs + drop);
  for (std::size_t i = 0; i < txs; ++i) {
    if (!server_lacks[i] && requester_lacks[i]) ++f->lacked;
    if (server_lacks[i] != requester_lacks[i]) ++f->difference;
  }
  f->lacked += drop;           // the server's own
  f->difference += 2 * drop;   // and the requester's
  f->lacked_bytes = f->lacked * (4 + kTxBytes);

  f->root = merkle_root(f->server_block);
  const Keypair proposer = test::keypair(2);
  f->header = make_header(f->chain, kHeight, 0, test::block_id(0x11), f->root, 0, proposer.public_key);
  f->signature = test::sign_proposal_as(f->header, proposer).signature;
  f->block_id = compute_block_id(f->header);
  f->whole_block_bytes = encoded_size_block(f->server_block);

  for (auto* side : {&f->requester0, &f->requester}) {
    *side = std::make_unique<BodyExchange>();
    (*side)->begin_height(f->chain, f->requester_block);
  }
  for (auto* side : {&f->server0, &f->server}) {
    *side = std::make_unique<BodyExchange>();
    (*side)->begin_height(f->chain, f->server_block);
  }
  return f;
}

// One case at a time (its repetitions run in a row): the 1,000,000-transaction ones hold
// about a gigabyte and take seconds to build.
const Fixture& fixture(std::size_t txs, std::size_t per_mille) {
  static std::unique_ptr<Fixture> cached;
  if (!cached || cached->txs != txs || cached->per_mille != per_mille) {
    cached.reset();
    cached = build_fixture(txs, per_mille);
  }
  return *cached;
}

// The message buffers, sized at set-up from what the case needs at most.
struct Wire {
  std::vector<std::uint8_t> ids;  // short ids of a request, 8 bytes each
  std::vector<std::uint8_t> request;
  std::vector<std::uint8_t> sketch;
  std::vector<std::uint8_t> transactions;
  std::vector<std::uint8_t> whole;  // a body request's answer: sized on first use
  BodyTransactionsView received;
  BlockView block;
};

struct Outcome {
  std::size_t request_bytes = 0;
  std::size_t sketch_bytes = 0;
  std::size_t ids_bytes = 0;
  std::size_t transactions_bytes = 0;
  std::size_t whole_bytes = 0;
  std::size_t round_trips = 0;
  std::size_t cells_per_hash = 0;
  bool whole_answer = false;
  bool fell_back = false;
  std::string error;                // empty when every step did what it should
  std::span<const TxBytes> body;    // the body the requester ends with
  std::size_t total() const { return request_bytes + sketch_bytes + ids_bytes + transactions_bytes + whole_bytes; }
};

Outcome failed(Outcome o, const char* why) {
  o.error = why;
  return o;
}

// A signed reconcile request naming `ids`, encoded into w.request: its size, or 0.
std::size_t encode_request(const Fixture& f, Wire& w, ReconcileKind kind, std::uint32_t have,
                           std::span<const ShortTxId> ids, RawCalls& raw) {
  if (8 * ids.size() > w.ids.size()) return 0;
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(w.ids.data() + 8 * i, ids[i]);
  ReconcileRequest r;
  r.chain_id = f.chain;
  r.height = kHeight;
  r.block_id = f.block_id;
  r.requester = f.requester_keys.public_key;
  r.kind = kind;
  r.have = have;
  r.ids.bytes = std::span<const std::uint8_t>(w.ids).first(8 * ids.size());
  const auto n = encode_reconcile_request(sign_reconcile_request(r, f.requester_keys.secret_key), w.request);
  if (raw.id_hashes < raw.id_hash_sizes.size()) raw.id_hash_sizes[raw.id_hashes++] = 8 * ids.size();
  raw.signs += 1;
  return n ? n.value() : 0;
}

// The server's reading of w.request's first `size` bytes: decoded and its signature checked.
result<ReconcileRequest> receive_request(Wire& w, std::size_t size, RawCalls& raw) {
  auto r = decode_reconcile_request(std::span<const std::uint8_t>(w.request).first(size));
  if (!r) return r;
  if (raw.id_hashes < raw.id_hash_sizes.size()) raw.id_hash_sizes[raw.id_hashes++] = r.value().ids.bytes.size();
  raw.verifies += 1;
  if (!verify_reconcile_request(r.value())) return codec_errc::truncated;  // any error: the caller reports
  return r;
}

// The whole block to the requester: asked for with a body request after a fall back
// (`ask`), or the server's answer to the sketch request.
Outcome send_whole(const Fixture& f, Wire& w, Outcome o, bool ask, RawCalls& raw) {
  const std::size_t n_x = f.server_block.size() - 1;
  if (ask) {
    BodyRequest b;
    b.chain_id = f.chain;
    b.height = kHeight;
    b.block_id = f.block_id;
    b.requester = f.requester_keys.public_key;
    const auto n = encode_body_request(sign_body_request(b, f.requester_keys.secret_key), w.request);
    raw.signs += 1;
    if (!n) return failed(o, "the body request did not encode");
    const auto got = decode_body_request(std::span<const std::uint8_t>(w.request).first(n.value()));
    raw.verifies += 1;
    if (!got || !verify_body_request(got.value())) return failed(o, "the body request did not verify");
    o.whole_bytes += n.value();
  }
  if (w.whole.size() < f.whole_block_bytes) w.whole.resize(f.whole_block_bytes);  // only here: once
  w.block.reserve_transactions(f.server_block.size());
  const auto n = encode_block(f.header, f.signature, f.server_block, w.whole);
  raw.txids += n_x;  // the encoder's order check
  if (!n) return failed(o, "the block did not encode");
  o.whole_bytes += n.value();
  raw.txids += n_x;  // the decoder's
  if (!decode_block(std::span<const std::uint8_t>(w.whole).first(n.value()), w.block))
    return failed(o, "the block did not decode");
  o.body = w.block.transactions();
  return o;
}

// One fetch of the server's body by the requester, from fresh BodyExchange state.
Outcome exchange(const Fixture& f, BodyExchange& requester, BodyExchange& server, Wire& w, RawCalls& raw) {
  constexpr std::size_t kServer = 1;  // the member the requester asks
  const std::size_t n_r = f.requester_block.size() - 1;
  const std::size_t n_x = f.server_block.size() - 1;
  Outcome o;
  // The sketch request: our count and the sample of our short ids.
  requester.open(f.block_id, kServer);
  std::array<ShortTxId, kReconcileSampleIds> sample{};
  const std::size_t sampled = requester.sample(f.block_id, sample);
  raw.keys += 1;
  raw.short_ids += n_r;
  o.request_bytes = encode_request(f, w, ReconcileKind::sketch, static_cast<std::uint32_t>(requester.have()),
                                   std::span(sample).first(sampled), raw);
  if (o.request_bytes == 0) return failed(o, "the sketch request did not encode");
  o.round_trips = 1;

  // The server: a sketch of its block sized from the two samples, or the whole block.
  const auto request = receive_request(w, o.request_bytes, raw);
  if (!request) return failed(o, "the sketch request did not decode or verify");
  o.cells_per_hash = server.answer_cells(request.value(), f.server_block, encoded_size_block(f.server_block));
  raw.txids += n_x;
  raw.keys += 1;
  raw.short_ids += n_x;
  if (o.cells_per_hash == 0) {
    o.whole_answer = true;
    return send_whole(f, w, o, false, raw);
  }
  const std::span<std::uint8_t> message = std::span(w.sketch).first(encoded_size_body_sketch(o.cells_per_hash));
  const std::span<std::uint8_t> cells = message.subspan(kPrefixSize + kBodySketchFixedSize);
  server.encode_sketch(f.block_id, f.server_block, o.cells_per_hash, cells);
  raw.keys += 1;
  raw.short_ids += n_x;
  raw.cell_hashes += 4 * n_x;
  const BodySketchView sent{f.chain, kHeight, f.block_id, static_cast<std::uint32_t>(n_x), cells};
  const auto sketch_size = encode_body_sketch(sent, message);
  if (!sketch_size) return failed(o, "the body sketch did not encode");
  o.sketch_bytes = sketch_size.value();

  // The requester: its own ids out of the server's sketch, then what it lacks.
  const auto sketch = decode_body_sketch(message);
  if (!sketch) return failed(o, "the body sketch did not decode");
  const ReconcileOutcome first = requester.on_sketch(sketch.value(), f.requester_block);
  raw.keys += 1;
  raw.short_ids += n_r;
  raw.cell_hashes += 4 * n_r + 7 * f.difference;
  if (first.step == ReconcileStep::assembled) {
    o.body = requester.assembled();
    return o;
  }
  if (first.step == ReconcileStep::fall_back) {
    o.fell_back = true;
    o.round_trips = 2;
    return send_whole(f, w, o, true, raw);
  }
  if (first.step != ReconcileStep::request_transactions || first.member != kServer)
    return failed(o, "the sketch led to no transactions request");
  o.ids_bytes = encode_request(f, w, ReconcileKind::transactions, 0, requester.lacked(), raw);
  if (o.ids_bytes == 0) return failed(o, "the transactions request did not encode (more ids than lacked)");
  o.round_trips = 2;

  // The server: the named transactions.
  const auto named = receive_request(w, o.ids_bytes, raw);
  if (!named) return failed(o, "the transactions request did not decode or verify");
  const std::span<const TxBytes> selected = server.select(named.value(), f.server_block);
  raw.keys += 1;
  raw.short_ids += n_x;
  raw.txids += selected.size();
  const auto sent_txs = encode_body_transactions(f.chain, kHeight, f.block_id, selected, w.transactions);
  if (!sent_txs) return failed(o, "the body transactions did not encode (none, or more than lacked)");
  o.transactions_bytes = sent_txs.value();

  // The requester: the body, in txid order.
  if (!decode_body_transactions(std::span<const std::uint8_t>(w.transactions).first(o.transactions_bytes), w.received))
    return failed(o, "the body transactions did not decode");
  raw.txids += 2 * w.received.txs.size();  // the decoder's order check, the assembly
  const ReconcileOutcome second = requester.on_transactions(w.received, f.requester_block);
  if (second.step == ReconcileStep::assembled) {
    o.body = requester.assembled();
    return o;
  }
  if (second.step == ReconcileStep::fall_back) {
    o.fell_back = true;
    o.round_trips = 3;
    return send_whole(f, w, o, true, raw);
  }
  return failed(o, "the transactions led to no body");
}

// The raw libsodium calls of `c`, `times` over: ns per exchange.
double raw_exchange_ns(const Fixture& f, const RawCalls& c, std::uint64_t times) {
  std::array<std::uint8_t, tag::kTxId.size() + 32 + kTxBytes> tx_in{};
  std::copy(f.arena.begin(), f.arena.begin() + kTxBytes, tx_in.end() - kTxBytes);
  std::array<std::uint8_t, tag::kSketchKey.size() + 32> key_in{};
  std::vector<std::uint8_t> ids_in(*std::max_element(c.id_hash_sizes.begin(), c.id_hash_sizes.end()) + 1);
  std::array<std::uint8_t, kReconcileRequestSigningInputSize> sign_in{};
  std::array<std::uint8_t, 32> txid{};
  std::array<std::uint8_t, 9> cell_in{};
  std::array<std::uint8_t, 8> out{};
  Hash32 h;
  Signature sig;
  const Bytes<16> key{};
  const std::uint8_t* sk = f.requester_keys.secret_key.data();
  const std::uint8_t* pk = f.requester_keys.public_key.data();
  crypto_sign_detached(sig.data(), nullptr, sign_in.data(), sign_in.size(), sk);
  return ns_per_call(times, [&] {
    for (std::uint64_t i = 0; i < c.txids; ++i) {
      tx_in[tag::kTxId.size()] = static_cast<std::uint8_t>(i);
      crypto_hash_sha256(h.data(), tx_in.data(), tx_in.size());
      benchmark::DoNotOptimize(h);
    }
    for (std::size_t i = 0; i < c.id_hashes; ++i) {
      crypto_hash_sha256(h.data(), ids_in.data(), c.id_hash_sizes[i]);
      benchmark::DoNotOptimize(h);
    }
    for (std::uint64_t i = 0; i < c.keys; ++i) {
      crypto_hash_sha256(h.data(), key_in.data(), key_in.size());
      benchmark::DoNotOptimize(h);
    }
    for (std::uint64_t i = 0; i < c.signs; ++i) {
      crypto_sign_detached(sig.data(), nullptr, sign_in.data(), sign_in.size(), sk);
      benchmark::DoNotOptimize(sig);
    }
    for (std::uint64_t i = 0; i < c.verifies; ++i) {
      benchmark::DoNotOptimize(crypto_sign_verify_detached(sig.data(), sign_in.data(), sign_in.size(), pk));
    }
    for (std::uint64_t i = 0; i < c.short_ids; ++i) {
      txid[0] = static_cast<std::uint8_t>(i);
      crypto_shorthash_siphash24(out.data(), txid.data(), txid.size(), key.data());
      benchmark::DoNotOptimize(out);
    }
    for (std::uint64_t i = 0; i < c.cell_hashes; ++i) {
      cell_in[0] = static_cast<std::uint8_t>(i);
      cell_in[8] = static_cast<std::uint8_t>(i & 3);
      crypto_shorthash_siphash24(out.data(), cell_in.data(), cell_in.size(), key.data());
      benchmark::DoNotOptimize(out);
    }
  });
}

void BM_ReconcileExchange(benchmark::State& state) {
  const Fixture& f = fixture(static_cast<std::size_t>(state.range(0)), static_cast<std::size_t>(state.range(1)));
  BodyExchange& requester = *f.requester;
  BodyExchange& server = *f.server;
  Wire w;
  const std::size_t most_ids = std::max(kReconcileSampleIds, f.lacked);
  w.ids.resize(8 * most_ids);
  w.request.resize(std::max(encoded_size_reconcile_request(most_ids), kBodyRequestMessageSize));
  w.sketch.resize(encoded_size_body_sketch(max_sketch_cells_for(f.requester_block.size() - 1)));
  w.transactions.resize(kPrefixSize + kBodyTransactionsFixedSize + f.lacked * (4 + kTxBytes));
  w.received.reserve_transactions(f.lacked);

  Outcome last;
  RawCalls calls;
  double exchange_ns = 0;
  std::size_t allocations = 0;
  for (auto _ : state) {
    state.PauseTiming();
    requester = *f.requester0;  // fresh state, in the storage begin_height sized
    server = *f.server0;
    state.ResumeTiming();
    RawCalls raw;
    const AllocationCount count;
    const Stopwatch watch;
    last = exchange(f, requester, server, w, raw);
    exchange_ns += watch.elapsed_ns();
    allocations += count.count();
    calls = raw;
    if (!last.error.empty()) break;
  }
  const auto iterations = static_cast<std::uint64_t>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  report_ratio(state, exchange_ns / static_cast<double>(iterations), raw_exchange_ns(f, calls, iterations));
  state.counters["allocs_per_op"] = benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);

  const double protocol = static_cast<double>(last.total());
  const double lacked = static_cast<double>(f.lacked_bytes);
  const double bip152 = 6.0 * static_cast<double>(f.server_block.size() - 1) + lacked;
  const double whole = static_cast<double>(f.whole_block_bytes);
  const ReconcileCounts& counts = requester.counts();
  state.counters["block_txs"] = static_cast<double>(f.server_block.size() - 1);
  state.counters["difference"] = static_cast<double>(f.difference);
  state.counters["lacked_txs"] = static_cast<double>(f.lacked);
  state.counters["cells_per_hash"] = static_cast<double>(last.cells_per_hash);
  state.counters["request_bytes"] = static_cast<double>(last.request_bytes);
  state.counters["sketch_bytes"] = static_cast<double>(last.sketch_bytes);
  state.counters["ids_bytes"] = static_cast<double>(last.ids_bytes);
  state.counters["transactions_bytes"] = static_cast<double>(last.transactions_bytes);
  state.counters["whole_bytes"] = static_cast<double>(last.whole_bytes);
  state.counters["protocol_bytes"] = protocol;
  state.counters["lacked_bytes"] = lacked;
  state.counters["bip152_bytes"] = bip152;
  state.counters["whole_block_bytes"] = whole;
  state.counters["vs_lacked"] = lacked > 0 ? protocol / lacked : 0.0;
  state.counters["vs_bip152"] = protocol / bip152;
  state.counters["vs_whole"] = protocol / whole;
  state.counters["round_trips"] = static_cast<double>(last.round_trips);
  state.counters["whole_answer"] = last.whole_answer ? 1.0 : 0.0;
  state.counters["fell_back"] = last.fell_back ? 1.0 : 0.0;
  state.counters["undecodable"] = static_cast<double>(counts.undecodable);
  state.counters["inconsistent"] = static_cast<double>(counts.inconsistent);

  if (!last.error.empty()) {
    state.SkipWithError(last.error.c_str());
    return;
  }
  // Only the whole block's buffers (a fall back, or a whole answer) are sized on first use.
  if (allocations != 0 && !last.whole_answer && !last.fell_back) {
    state.SkipWithError(("a reconciliation allocated: " + std::to_string(allocations) + " allocations over " +
                         std::to_string(iterations) + " exchanges")
                            .c_str());
    return;
  }
  // Outside the timing: the body obtained is the server's, as the round machine checks it.
  if (last.body.size() != f.server_block.size() || !(merkle_root(last.body) == f.root))
    state.SkipWithError("the body obtained does not have the block's Merkle root");
}
BENCHMARK(BM_ReconcileExchange)
    ->ArgsProduct({{10000, 100000}, {1, 10, 100}})
    ->ArgNames({"txs", "per_mille"})
    ->Unit(benchmark::kMillisecond);
// Seconds an exchange: one iteration each repetition.
BENCHMARK(BM_ReconcileExchange)
    ->ArgsProduct({{1000000}, {1, 10, 100}})
    ->ArgNames({"txs", "per_mille"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace
}  // namespace midnight::bench
