// Body reconciliation (spec/reconciliation.md §4, §5): the sample and the estimate that
// size the server's sketch, and the exchange of BodyExchange on both sides through the
// real wire encoding: the requester assembles exactly the server's block, in one round
// trip when it lacks nothing and two otherwise, and every answer that does not add up
// makes it fall back to the whole block instead of holding a wrong body.
#include "midnight/consensus/body_exchange.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "midnight/block/body_reconcile.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

using Buf = std::vector<std::uint8_t>;

ChainId chain() {
  static const ChainId c = [] {
    crypto_init();
    const std::string_view name = "body-exchange-test-chain";
    return sha256({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()});
  }();
  return c;
}

// A block's transactions: a coinbase, then the pool entries of `indices` in txid order.
struct Block {
  std::vector<Buf> storage;
  std::vector<TxBytes> txs;  // coinbase first
  BlockId id;

  Block(const std::vector<std::uint32_t>& indices, std::uint8_t id_fill) {
    std::vector<Buf> mempool;
    for (std::uint32_t i : indices) {
      Buf tx(40, 0x11);
      store_u32(tx.data(), i);
      mempool.push_back(tx);
    }
    std::sort(mempool.begin(), mempool.end(),
              [](const Buf& a, const Buf& b) { return compute_txid(chain(), a) < compute_txid(chain(), b); });
    storage.push_back(Buf{'c', 'o', 'i', 'n', 'b', 'a', 's', 'e'});
    storage.insert(storage.end(), mempool.begin(), mempool.end());
    for (const Buf& t : storage) txs.emplace_back(t);
    id = test::block_id(id_fill);
  }
  std::span<const TxBytes> mempool() const { return std::span(txs).subspan(1); }
};

// Pool entries 0..n-1 except those in `lacks`, plus `own` (indices above n).
std::vector<std::uint32_t> snapshot(std::uint32_t n, const std::set<std::uint32_t>& lacks,
                                    const std::vector<std::uint32_t>& own) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t i = 0; i < n; ++i)
    if (!lacks.count(i)) out.push_back(i);
  out.insert(out.end(), own.begin(), own.end());
  return out;
}

std::vector<TxId> txids_of(std::span<const TxBytes> txs) {
  std::vector<TxId> out;
  for (const TxBytes& t : txs) out.push_back(compute_txid(chain(), t));
  return out;
}

Buf id_bytes(std::span<const ShortTxId> ids) {
  Buf out(8 * ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(out.data() + 8 * i, ids[i]);
  return out;
}

// The exchange between a requester holding `mine` and a server holding `theirs`, every
// message through its encoder and decoder. Records what travelled.
struct Exchange {
  BodyExchange requester;
  BodyExchange server;
  std::size_t bytes = 0;
  std::size_t round_trips = 0;
  Buf sample_ids;
  Buf lacked_ids;
  Buf sketch_message;
  Buf transactions_message;
  std::unique_ptr<BodyTransactionsView> received = std::make_unique<BodyTransactionsView>();

  ReconcileRequest request(const Block& theirs, ReconcileKind kind) {
    ReconcileRequest r;
    r.chain_id = chain();
    r.height = 1;
    r.block_id = theirs.id;
    r.kind = kind;
    if (kind == ReconcileKind::sketch) {
      std::array<ShortTxId, kReconcileSampleIds> sample{};
      sample_ids = id_bytes(std::span(sample).first(requester.sample(theirs.id, sample)));
      r.have = std::uint32_t(requester.have());
      r.ids.bytes = sample_ids;
    } else {
      lacked_ids = id_bytes(requester.lacked());
      r.ids.bytes = lacked_ids;
    }
    Buf encoded = encode_to_vector(r).value();  // the size that travels
    bytes += encoded.size();
    return r;
  }

  // Set-up and the first round trip's server side: the sketch bytes (spec/reconciliation.md
  // §3) that answer the requester's sketch request.
  Buf sketch_for(const Block& mine, const Block& theirs) {
    requester.begin_height(chain(), mine.txs);
    server.begin_height(chain(), theirs.txs);
    requester.open(theirs.id, 1);
    const ReconcileRequest ask = request(theirs, ReconcileKind::sketch);
    const std::size_t cells = server.answer_cells(ask, theirs.txs, encoded_size_block(theirs.txs));
    EXPECT_GT(cells, 0U);
    Buf sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells);
    server.encode_sketch(theirs.id, theirs.txs, cells, sketch);
    return sketch;
  }

  // Runs the exchange; returns the last outcome.
  ReconcileOutcome run(const Block& mine, const Block& theirs) {
    requester.begin_height(chain(), mine.txs);
    server.begin_height(chain(), theirs.txs);
    requester.open(theirs.id, 7);
    const ReconcileRequest ask = request(theirs, ReconcileKind::sketch);
    const std::size_t cells = server.answer_cells(ask, theirs.txs, encoded_size_block(theirs.txs));
    ++round_trips;
    if (cells == 0) return {ReconcileStep::fall_back, 7};
    sketch_message.assign(encoded_size_body_sketch(cells), 0);
    const std::span<std::uint8_t> at = std::span(sketch_message).subspan(kPrefixSize + kBodySketchFixedSize);
    server.encode_sketch(theirs.id, theirs.txs, cells, at);
    EXPECT_TRUE(encode_body_sketch({chain(), 1, theirs.id, std::uint32_t(theirs.txs.size() - 1), at}, sketch_message));
    bytes += sketch_message.size();
    const BodySketchView sketch = decode_body_sketch(sketch_message).value();
    ReconcileOutcome o = requester.on_sketch(sketch, mine.txs);
    if (o.step != ReconcileStep::request_transactions) return o;
    const ReconcileRequest give = request(theirs, ReconcileKind::transactions);
    const std::span<const TxBytes> picked = server.select(give, theirs.txs);
    ++round_trips;
    transactions_message = encode_body_transactions_to_vector(chain(), 1, theirs.id, picked).value();
    bytes += transactions_message.size();
    EXPECT_TRUE(decode_body_transactions(transactions_message, *received));
    return requester.on_transactions(*received, mine.txs);
  }
};

// ---- the sample and the estimate ----------------------------------------------------

TEST(BodyReconcile, TheSampleIsTheSmallestShortIdsAscending) {
  const Block b(snapshot(3000, {}, {}), 1);
  const std::vector<TxId> ids = txids_of(b.mempool());
  const SketchKey key = sketch_key(b.id);
  std::vector<ShortTxId> all;
  for (const TxId& t : ids) all.push_back(short_tx_id(key, t));
  std::sort(all.begin(), all.end());
  std::array<ShortTxId, kReconcileSampleIds> sample{};
  ASSERT_EQ(sample_short_ids(key, ids, sample), kReconcileSampleIds);
  EXPECT_TRUE(std::equal(sample.begin(), sample.end(), all.begin()));
  // Fewer transactions than the sample's room: all of them.
  std::array<ShortTxId, kReconcileSampleIds> small{};
  ASSERT_EQ(sample_short_ids(key, std::span(ids).first(100), small), 100U);
  std::vector<ShortTxId> first;
  for (std::size_t i = 0; i < 100; ++i) first.push_back(short_tx_id(key, ids[i]));
  std::sort(first.begin(), first.end());
  EXPECT_TRUE(std::equal(first.begin(), first.end(), small.begin()));
}

TEST(BodyReconcile, TheEstimateIsExactWhenBothSamplesAreComplete) {
  const Block a(snapshot(300, {1, 2, 3}, {1000, 1001}), 1);
  const Block x(snapshot(300, {4}, {2000, 2001, 2002, 2003}), 1);  // same id: same key
  const SketchKey key = sketch_key(a.id);
  std::array<ShortTxId, kReconcileSampleIds> sa{};
  std::array<ShortTxId, kReconcileSampleIds> sx{};
  const std::size_t na = sample_short_ids(key, txids_of(a.mempool()), sa);
  const std::size_t nx = sample_short_ids(key, txids_of(x.mempool()), sx);
  // a lacks 1, 2, 3 and holds 1000, 1001; x lacks 4 and holds 2000..2003: 4 + 6 differ.
  EXPECT_EQ(estimate_difference(std::span(sa).first(na), na, std::span(sx).first(nx), nx), 10U);
}

// With samples of 512, the estimate is an upper bound in nearly every trial and within a
// small factor of the truth once the difference is a few percent of the union.
TEST(BodyReconcile, TheEstimateBoundsTheDifferenceFromAbove) {
  sim::Rng rng(42);
  for (const std::uint32_t lack : {20U, 200U, 2000U}) {
    std::size_t below = 0;
    double worst_ratio = 0;
    const int trials = 20;
    for (int t = 0; t < trials; ++t) {
      std::set<std::uint32_t> la, lx;
      std::vector<std::uint32_t> oa, ox;
      while (la.size() < lack) la.insert(std::uint32_t(rng.next() % 20000));
      while (lx.size() < lack) lx.insert(std::uint32_t(rng.next() % 20000));
      for (std::uint32_t i = 0; i < lack; ++i) {
        oa.push_back(100000 + std::uint32_t(t) * 10000 + i);
        ox.push_back(200000 + std::uint32_t(t) * 10000 + i);
      }
      const std::vector<std::uint32_t> ia = snapshot(20000, la, oa);
      const std::vector<std::uint32_t> ix = snapshot(20000, lx, ox);
      std::set<std::uint32_t> sa_set(ia.begin(), ia.end()), sx_set(ix.begin(), ix.end());
      std::size_t truth = 0;
      for (std::uint32_t i : ia) truth += !sx_set.count(i);
      for (std::uint32_t i : ix) truth += !sa_set.count(i);
      const SketchKey key = sketch_key(test::block_id(std::uint8_t(t)));
      std::vector<TxId> ta, tx;
      for (std::uint32_t i : ia) {
        Buf b(40, 0x11);
        store_u32(b.data(), i);
        ta.push_back(compute_txid(chain(), b));
      }
      for (std::uint32_t i : ix) {
        Buf b(40, 0x11);
        store_u32(b.data(), i);
        tx.push_back(compute_txid(chain(), b));
      }
      std::array<ShortTxId, kReconcileSampleIds> sa{};
      std::array<ShortTxId, kReconcileSampleIds> sx{};
      const std::size_t na = sample_short_ids(key, ta, sa);
      const std::size_t nx = sample_short_ids(key, tx, sx);
      const std::size_t est = estimate_difference(std::span(sa).first(na), ta.size(), std::span(sx).first(nx), tx.size());
      below += est < truth;
      worst_ratio = std::max(worst_ratio, double(est) / double(truth));
    }
    EXPECT_LE(below, 1U) << "lacking " << lack << ": the estimate fell below the difference too often";
    // Few differing ids in the sample make a loose bound; the sketch's fixed part absorbs it.
    EXPECT_LE(worst_ratio, lack <= 20 ? 40.0 : lack <= 200 ? 8.0 : 2.5) << "lacking " << lack;
  }
}

TEST(BodyReconcile, TheServerAnswersWholeWhenASketchWouldNotPay) {
  EXPECT_EQ(sketch_answer_cells(101, 100, 1'000'000), 0U) << "difference above what the requester holds";
  EXPECT_EQ(sketch_answer_cells(10, 100, 1'000), 0U) << "a sketch larger than the block";
  EXPECT_EQ(sketch_answer_cells(10, 100, 1'000'000), TxSketch::cells_per_hash_for(10));
  EXPECT_EQ(max_sketch_cells_for(100), TxSketch::cells_per_hash_for(100));
}

// ---- the exchange -----------------------------------------------------------------

TEST(BodyExchange, TheRequesterAssemblesExactlyTheServersBlock) {
  const Block mine(snapshot(2000, {5, 6, 7, 8, 9, 10}, {5000, 5001, 5002}), 1);
  const Block theirs(snapshot(2000, {100, 200}, {6000, 6001, 6002, 6003}), 1);
  Exchange e;
  const ReconcileOutcome o = e.run(mine, theirs);
  ASSERT_EQ(o.step, ReconcileStep::assembled);
  EXPECT_EQ(o.member, 7U);
  EXPECT_EQ(e.round_trips, 2U);
  // It lacked 5..10 and 6000..6003, and only those were named and sent.
  EXPECT_EQ(e.requester.lacked().size(), 10U);
  EXPECT_EQ(e.received->txs.size(), 10U);
  const std::span<const TxBytes> body = e.requester.assembled();
  ASSERT_EQ(body.size(), theirs.txs.size());
  for (std::size_t i = 0; i < body.size(); ++i)
    EXPECT_TRUE(std::equal(body[i].begin(), body[i].end(), theirs.txs[i].begin(), theirs.txs[i].end())) << i;
  EXPECT_EQ(merkle_root(body), merkle_root(theirs.txs));
  EXPECT_LT(e.bytes, encoded_size_block(theirs.txs) / 4) << "far less than the block";
  EXPECT_EQ(e.requester.counts().assembled, 1U);
  EXPECT_EQ(e.requester.counts().undecodable + e.requester.counts().inconsistent, 0U);
}

TEST(BodyExchange, NothingLackedIsOneRoundTrip) {
  const Block mine(snapshot(2000, {}, {5000, 5001}), 1);   // holds all of theirs, and more
  const Block theirs(snapshot(2000, {}, {}), 1);
  Exchange e;
  ASSERT_EQ(e.run(mine, theirs).step, ReconcileStep::assembled);
  EXPECT_EQ(e.round_trips, 1U);
  EXPECT_EQ(merkle_root(e.requester.assembled()), merkle_root(theirs.txs));
}

TEST(BodyExchange, ASketchThatDoesNotPeelFallsBack) {
  const Block mine(snapshot(2000, {}, {}), 1);
  const Block theirs(snapshot(2000, {}, {}), 1);
  BodyExchange r;
  r.begin_height(chain(), mine.txs);
  r.open(theirs.id, 3);
  // A sketch of the largest size the requester accepts, of noise: peels into nothing sane.
  const std::size_t cells = max_sketch_cells_for(r.have());
  Buf sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells);
  store_u32(sketch.data(), std::uint32_t(cells));
  sim::Rng rng(7);
  for (std::size_t i = kSketchHeaderBytes; i < sketch.size(); ++i) sketch[i] = std::uint8_t(rng.next());
  const ReconcileOutcome o = r.on_sketch({chain(), 1, theirs.id, 2000, sketch}, mine.txs);
  EXPECT_EQ(o.step, ReconcileStep::fall_back);
  EXPECT_EQ(o.member, 3U);
  EXPECT_EQ(r.counts().undecodable + r.counts().inconsistent, 1U);
  // The fetch is closed: the same answer again is unsolicited.
  EXPECT_EQ(r.on_sketch({chain(), 1, theirs.id, 2000, sketch}, mine.txs).step, ReconcileStep::unsolicited);
}

TEST(BodyExchange, ASketchLargerThanTheRequesterAcceptsFallsBack) {
  const Block mine(snapshot(100, {}, {}), 1);
  BodyExchange r;
  r.begin_height(chain(), mine.txs);
  r.open(mine.id, 2);
  const std::size_t cells = max_sketch_cells_for(r.have()) + 1;
  Buf sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells, 0);
  store_u32(sketch.data(), std::uint32_t(cells));
  EXPECT_EQ(r.on_sketch({chain(), 1, mine.id, 100, sketch}, mine.txs).step, ReconcileStep::fall_back);
  EXPECT_EQ(r.counts().inconsistent, 1U);
}

TEST(BodyExchange, ACountThatDoesNotAddUpFallsBack) {
  const Block mine(snapshot(2000, {1}, {}), 1);
  const Block theirs(snapshot(2000, {}, {}), 1);
  Exchange e;
  const Buf sketch = e.sketch_for(mine, theirs);
  // The sketch is right but its stated count is not: |A| - extras + lacked != tx_count.
  EXPECT_EQ(e.requester.on_sketch({chain(), 1, theirs.id, 2001, sketch}, mine.txs).step, ReconcileStep::fall_back);
  EXPECT_EQ(e.requester.counts().inconsistent, 1U);
}

TEST(BodyExchange, TheWrongNumberOfTransactionsFallsBack) {
  const Block mine(snapshot(2000, {1, 2}, {}), 1);
  const Block theirs(snapshot(2000, {}, {}), 1);
  Exchange e;
  const Buf sketch = e.sketch_for(mine, theirs);
  ASSERT_EQ(e.requester.on_sketch({chain(), 1, theirs.id, 2000, sketch}, mine.txs).step,
            ReconcileStep::request_transactions);
  ASSERT_EQ(e.requester.lacked().size(), 2U);
  BodyTransactionsView one;
  one.chain_id = chain();
  one.height = 1;
  one.block_id = theirs.id;
  one.txs = {theirs.txs[1]};  // one of two
  EXPECT_EQ(e.requester.on_transactions(one, mine.txs).step, ReconcileStep::fall_back);
  EXPECT_EQ(e.requester.counts().inconsistent, 1U);
}

TEST(BodyExchange, AnUnsolicitedAnswerChangesNothing) {
  const Block mine(snapshot(500, {}, {}), 1);
  BodyExchange r;
  r.begin_height(chain(), mine.txs);
  const BodyExchange before = r;
  Buf sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * 70, 0);
  store_u32(sketch.data(), 70);
  EXPECT_EQ(r.on_sketch({chain(), 1, mine.id, 500, sketch}, mine.txs).step, ReconcileStep::unsolicited);
  BodyTransactionsView t;
  t.block_id = mine.id;
  t.txs = {mine.txs[1]};
  EXPECT_EQ(r.on_transactions(t, mine.txs).step, ReconcileStep::unsolicited);
  EXPECT_TRUE(r == before);
}

TEST(BodyExchange, ANewFetchReplacesTheOldestWhenEverySlotIsBusy) {
  const Block mine(snapshot(500, {}, {}), 1);
  BodyExchange r;
  r.begin_height(chain(), mine.txs);
  for (std::uint8_t i = 0; i <= kReconcileSlots; ++i) r.open(test::block_id(std::uint8_t(10 + i)), i);
  Buf sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * 70, 0);
  store_u32(sketch.data(), 70);
  // The first fetch was replaced: its answer is unsolicited; the last is awaited.
  EXPECT_EQ(r.on_sketch({chain(), 1, test::block_id(10), 500, sketch}, mine.txs).step, ReconcileStep::unsolicited);
  EXPECT_NE(r.on_sketch({chain(), 1, test::block_id(std::uint8_t(10 + kReconcileSlots)), 500, sketch}, mine.txs).step,
            ReconcileStep::unsolicited);
}

TEST(BodyExchange, TheServerSendsOnlyTheNamedTransactionsInTxidOrder) {
  const Block theirs(snapshot(1000, {}, {}), 1);
  BodyExchange s;
  s.begin_height(chain(), theirs.txs);
  const SketchKey key = sketch_key(theirs.id);
  std::vector<ShortTxId> named;
  for (std::size_t i : {900U, 3U, 500U}) named.push_back(short_tx_id(key, compute_txid(chain(), theirs.txs[i])));
  named.push_back(0x1234);  // in no block: ignored
  std::sort(named.begin(), named.end());
  const Buf ids = id_bytes(named);
  ReconcileRequest r;
  r.block_id = theirs.id;
  r.kind = ReconcileKind::transactions;
  r.ids.bytes = ids;
  const std::span<const TxBytes> picked = s.select(r, theirs.txs);
  ASSERT_EQ(picked.size(), 3U);
  EXPECT_EQ(picked[0].data(), theirs.txs[3].data());
  EXPECT_EQ(picked[1].data(), theirs.txs[500].data());
  EXPECT_EQ(picked[2].data(), theirs.txs[900].data());
}

TEST(BodyExchange, ACopyEqualsItsSourceAndCarriesOnAlike) {
  const Block mine(snapshot(2000, {5, 6}, {}), 1);
  const Block theirs(snapshot(2000, {}, {7000}), 1);
  Exchange e;
  const Buf sketch = e.sketch_for(mine, theirs);
  BodyExchange copy = e.requester;
  EXPECT_TRUE(copy == e.requester);
  const BodySketchView view{chain(), 1, theirs.id, 2001, sketch};
  const ReconcileOutcome a = e.requester.on_sketch(view, mine.txs);
  const ReconcileOutcome b = copy.on_sketch(view, mine.txs);
  EXPECT_EQ(a.step, ReconcileStep::request_transactions);
  EXPECT_EQ(b.step, a.step);
  EXPECT_TRUE(std::equal(copy.lacked().begin(), copy.lacked().end(), e.requester.lacked().begin(),
                         e.requester.lacked().end()));
  EXPECT_TRUE(copy == e.requester);
}

}  // namespace
}  // namespace midnight
