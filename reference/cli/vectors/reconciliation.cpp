// reconciliation.json: the sample, estimate and answer of body reconciliation, and whole
// exchanges between a requester and a server whose mempools differ.
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common.hpp"
#include "families.hpp"
#include "fixture.hpp"
#include "rules.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/consensus/body_exchange.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

void write_short_ids(JsonWriter& w, std::string_view key, std::span<const ShortTxId> ids) {
  w.key(key).begin_array(true);
  for (const ShortTxId id : ids) {
    Buf b(8);
    store_u64(b.data(), id);
    w.value(to_hex(b));
  }
  w.end_array();
}

// One side of an exchange: the pool without `lacks`, plus its own transactions.
std::vector<Buf> reconcile_mempool(std::size_t pool, std::initializer_list<std::uint32_t> lacks,
                                   std::initializer_list<std::uint32_t> own) {
  std::vector<Buf> out;
  for (Buf& t : counted_transactions(pool, 36))
    if (std::find(lacks.begin(), lacks.end(), load_u32(t.data())) == lacks.end()) out.push_back(std::move(t));
  for (const std::uint32_t i : own) {
    Buf t(40, 0x5b);
    store_u32(t.data(), i);
    out.push_back(t);
  }
  return out;
}

void write_exchange(JsonWriter& w, const Members& m, std::string_view name, std::size_t pool,
                    std::initializer_list<std::uint32_t> requester_lacks, std::initializer_list<std::uint32_t> requester_own,
                    std::initializer_list<std::uint32_t> server_lacks, std::initializer_list<std::uint32_t> server_own) {
  const ChainId chain = test_chain();
  const std::vector<Buf> mine_pool = reconcile_mempool(pool, requester_lacks, requester_own);
  const std::vector<Buf> theirs_pool = reconcile_mempool(pool, server_lacks, server_own);
  const std::vector<TxBytes> mine_views(mine_pool.begin(), mine_pool.end());
  const std::vector<TxBytes> theirs_views(theirs_pool.begin(), theirs_pool.end());
  const BlockContent mine = build_block_content(chain, kHeight, m.membership, 1003, mine_views);
  const BlockContent theirs = build_block_content(chain, kHeight, m.membership, 1003, theirs_views);
  const BlockHeader h = make_header(chain, kHeight, 0, genesis(), theirs.merkle_root, kMidnightMs, keys_of(1).public_key);
  const BlockId id = compute_block_id(h);

  BodyExchange requester;
  BodyExchange server;
  requester.begin_height(chain, mine.views);
  server.begin_height(chain, theirs.views);
  requester.open(id, 0);
  std::array<ShortTxId, kReconcileSampleIds> sample{};
  const std::size_t sampled = requester.sample(id, sample);
  const Buf sample_bytes = short_id_list({sample.begin(), sample.begin() + std::ptrdiff_t(sampled)});
  const ReconcileRequest ask =
      seed_3_reconcile_request(chain, id, ReconcileKind::sketch, std::uint32_t(requester.have()), sample_bytes);
  const Buf ask_bytes = unwrap(encode_to_vector(ask));

  std::array<ShortTxId, kReconcileSampleIds> server_sample{};
  std::vector<TxId> theirs_txids;
  for (std::size_t i = 1; i < theirs.views.size(); ++i) theirs_txids.push_back(compute_txid(chain, theirs.views[i]));
  const std::size_t server_sampled = sample_short_ids(sketch_key(id), theirs_txids, server_sample);
  const std::size_t estimate = estimate_difference(std::span(sample).first(sampled), ask.have,
                                                   std::span(server_sample).first(server_sampled), theirs_txids.size());
  const std::size_t block_bytes = encoded_size_block(theirs.views);
  const std::size_t cells = server.answer_cells(ask, theirs.views, block_bytes);
  require(cells == sketch_answer_cells(estimate, ask.have, block_bytes), "answer_cells is sketch_answer_cells");

  w.begin_object();
  w.field("name", name);
  w.key("pool").begin_object(true);
  w.field("count", pool).field("rule", counted_rule(pool, 36));
  w.end_object();
  const auto side = [&](std::string_view key, std::initializer_list<std::uint32_t> lacks,
                        std::initializer_list<std::uint32_t> own, const BlockContent& c) {
    w.key(key).begin_object(true);
    w.key("lacks").begin_array(true);
    for (const std::uint32_t i : lacks) w.value(std::uint64_t{i});
    w.end_array();
    w.key("own").begin_array(true);
    for (const std::uint32_t i : own) w.value(std::uint64_t{i});
    w.end_array();
    w.field("tx_count", c.views.size());
    w.field("merkle_root", to_hex(c.merkle_root));
    w.end_object();
  };
  side("requester", requester_lacks, requester_own, mine);
  side("server", server_lacks, server_own, theirs);
  w.field("block_id", to_hex(id));
  w.field("have", ask.have);
  bytes_field(w, "sample", sample_bytes);
  w.key("sketch_request").begin_object(true);
  w.field("size", ask_bytes.size()).field("sha256", to_hex(sha256(ask_bytes)));
  w.end_object();
  w.field("server_sample_size", server_sampled);
  w.field("estimate", estimate);
  w.field("block_bytes", block_bytes);
  w.field("answer", cells == 0 ? "whole" : "sketch");
  w.field("cells_per_hash", cells);
  std::size_t round_trips = 1;
  std::size_t bytes = ask_bytes.size();
  if (cells == 0) {
    bytes += block_bytes;
  } else {
    Buf sketch_message(encoded_size_body_sketch(cells));
    const std::span<std::uint8_t> at = std::span(sketch_message).subspan(kPrefixSize + kBodySketchFixedSize);
    server.encode_sketch(id, theirs.views, cells, at);
    require(encode_body_sketch({chain, kHeight, id, std::uint32_t(theirs.views.size() - 1), at}, sketch_message).has_value(),
            "body sketch encodes");
    bytes += sketch_message.size();
    w.key("body_sketch").begin_object(true);
    w.field("size", sketch_message.size()).field("sha256", to_hex(sha256(sketch_message)));
    w.end_object();
    const BodySketchView view = decode_body_sketch(sketch_message).value();
    ReconcileOutcome o = requester.on_sketch(view, mine.views);
    require(o.step == ReconcileStep::request_transactions || o.step == ReconcileStep::assembled,
            std::string(name) + ": the exchange assembles");
    write_short_ids(w, "lacked", requester.lacked());
    if (o.step == ReconcileStep::request_transactions) {
      ++round_trips;
      const Buf named = short_id_list({requester.lacked().begin(), requester.lacked().end()});
      const ReconcileRequest give = seed_3_reconcile_request(chain, id, ReconcileKind::transactions, 0, named);
      const Buf give_bytes = unwrap(encode_to_vector(give));
      bytes_field(w, "transactions_request", give_bytes);
      const std::span<const TxBytes> picked = server.select(give, theirs.views);
      const Buf answer = unwrap(encode_body_transactions_to_vector(chain, kHeight, id, picked));
      bytes_field(w, "body_transactions", answer);
      bytes += give_bytes.size() + answer.size();
      BodyTransactionsView t;
      require(decode_body_transactions(answer, t).has_value(), "body transactions decode");
      o = requester.on_transactions(t, mine.views);
      require(o.step == ReconcileStep::assembled, std::string(name) + ": assembled");
      require(merkle_root(requester.assembled()) == theirs.merkle_root, std::string(name) + ": the server's block");
    } else {
      require(merkle_root(requester.assembled()) == theirs.merkle_root, std::string(name) + ": the server's block");
    }
    w.field("assembled_merkle_root", to_hex(merkle_root(requester.assembled())));
  }
  w.field("round_trips", round_trips);
  w.field("bytes", bytes);
  w.end_object();
}


}  // namespace

void write_reconciliation(JsonWriter& w) {
  begin_family(w, "reconciliation",
               "Body reconciliation (spec/reconciliation.md §4, §5): the sample a sketch request carries, the "
               "server's estimate and answer, and whole exchanges between a requester and a server whose mempools "
               "differ, with every message that travels.",
               {"estimates: estimate_difference(sample_a, count_a, sample_x, count_x) of §4.2 (samples ascending, "
                "short ids as 16 hex digits); answers: sketch_answer_cells(difference, have, block_bytes) of §4.3.",
                "exchanges: a pool of transactions by rule; each side's mempool is the pool without the indices in "
                "lacks, plus transactions of the same rule for the indices in own; each builds its block from it "
                "(spec/protocol.md §3) with block_building.json's membership, height 1 and reward 1003, so both "
                "coinbases are equal.",
                "block_id is the id of the server's block: header version 1, this family's chain, height 1, round 0, "
                "prev_id the SHA-256 of the ASCII midnight-test-genesis (the genesis of every family), the server "
                "block's merkle_root, timestamp 1735689600000, proposer seed 1. The sketch key is sketch_key(block_id).",
                "The requester is seed 3; its requests are signed with seed 3's key. sample is the short ids of "
                "its mempool transactions in the request's order (8 bytes each, big-endian); lacked the short ids "
                "its peel found it lacks, ascending.",
                "bytes is the sum of the encoded sizes of the messages of the exchange (the whole block when the "
                "answer is whole); round_trips counts the request-answer pairs.",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each "
                "segment's hex repeated `repeat` times."});
  derived_field(w, "chain_id", kChainAscii);
  const Members m = make_members(kFixtureWeights);
  w.key("estimates").begin_array();
  const auto estimate_case = [&](std::string_view name, std::vector<ShortTxId> a, std::size_t count_a,
                                 std::vector<ShortTxId> x, std::size_t count_x) {
    std::sort(a.begin(), a.end());
    std::sort(x.begin(), x.end());
    w.begin_object(true);
    w.field("name", name);
    write_short_ids(w, "sample_a", a);
    w.field("count_a", count_a);
    write_short_ids(w, "sample_x", x);
    w.field("count_x", count_x);
    w.field("estimate", estimate_difference(a, count_a, x, count_x));
    w.end_object();
  };
  estimate_case("both complete: exact", {1, 2, 3}, 3, {2, 3, 4, 5}, 4);
  estimate_case("both complete and equal", {7, 9}, 2, {7, 9}, 2);
  estimate_case("a incomplete (k = 8), x complete", {1, 2, 3, 4, 5, 6, 7, 8}, 100, {2, 4, 6}, 3);
  estimate_case("both incomplete, no difference in the sample", {1, 2, 3, 4}, 1000, {1, 2, 3, 4}, 1000);
  estimate_case("both incomplete, half the sample differs", {1, 3, 5, 7}, 1000, {2, 3, 6, 7}, 1000);
  estimate_case("counts far apart: at least their difference", {1, 2}, 10, {1, 2}, 5000);
  estimate_case("an empty sample of a set that is not empty: the largest difference", {}, 5, {1}, 1);
  w.end_array();
  w.key("answers").begin_array();
  for (const auto& [d, have, bytes] : std::initializer_list<std::array<std::size_t, 3>>{
           {10, 100, 1'000'000}, {101, 100, 1'000'000}, {10, 100, 3412}, {10, 100, 3413}, {0, 0, 100'000}, {5000, 100000, 10'000'000}}) {
    w.begin_object(true);
    w.field("difference", d).field("have", have).field("block_bytes", bytes);
    w.field("cells_per_hash", sketch_answer_cells(d, have, bytes));
    w.end_object();
  }
  w.end_array();
  w.key("exchanges").begin_array();
  write_exchange(w, m, "small blocks are answered whole (a sketch would be larger)", 40, {3}, {1000000}, {}, {});
  write_exchange(w, m, "complete samples: the estimate is exact; two round trips", 300, {1, 2}, {1000000}, {},
                 {2000000, 2000001, 2000002});
  write_exchange(w, m, "samples of 512: lacked and extra on both sides; two round trips", 1200, {5, 77, 901},
                 {1000000, 1000001}, {10}, {2000000, 2000001, 2000002, 2000003});
  write_exchange(w, m, "the requester lacks nothing: one round trip", 1200, {}, {1000000, 1000001, 1000002}, {8, 9}, {});
  w.end_array();
  w.end_object();
}

}  // namespace midnight::cli::vectors
