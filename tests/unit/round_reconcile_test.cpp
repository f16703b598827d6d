// Rule "reconcile" in the round machine (spec/protocol.md 5.7, spec/reconciliation.md §5):
// with blocks large enough for a sketch to pay, a node that lacks the best-ranked body
// fetches it as a difference (a sketch, then the transactions it lacks), decides in round
// 0 as with whole bodies, and falls back to the whole block when an answer does not add
// up; reconcile requests spend the same budget as body requests; an answer nobody asked
// for is refused and changes nothing.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"
#include "round_cluster.hpp"

namespace midnight {
namespace {

using test::Cluster;
using test::ClusterOptions;
using test::Envelope;

// A common pool of 400 transactions of 60 bytes (24 KB: a sketch of a few KB pays), and
// three transactions of each node's own.
std::vector<std::vector<std::uint8_t>> large_pool() {
  std::vector<std::vector<std::uint8_t>> pool;
  for (std::uint32_t i = 0; i < 400; ++i) {
    std::vector<std::uint8_t> tx(60, 0x33);
    store_u32(tx.data(), i);
    pool.push_back(tx);
  }
  return pool;
}

Cluster large_divergent(std::size_t n) {
  ClusterOptions o;
  for (std::size_t i = 0; i < n; ++i) {
    o.own.push_back({});
    for (std::uint8_t k = 0; k < 3; ++k) o.own.back().push_back({0x71, std::uint8_t(i), k, 0x02});
  }
  return Cluster(n, large_pool(), "lowest-hash", {}, 0, o);
}

TEST(RoundReconcile, LargeBlocksTravelAsADifferenceAndDecideInRoundZero) {
  Cluster c = large_divergent(4);
  c.start_all();
  c.deliver();
  test::expect_one_block_decided_in_round_zero(c);
  EXPECT_GE(c.sent(ActionKind::send_sketch), 3U) << "three nodes lacked the decided body";
  EXPECT_GE(c.sent(ActionKind::request_transactions), 3U) << "each lacked its proposer's own transactions";
  EXPECT_EQ(c.sent(ActionKind::send_transactions), c.sent(ActionKind::request_transactions));
  EXPECT_EQ(c.sent(ActionKind::send_body), 0U) << "no block travelled whole";
  EXPECT_EQ(c.sent(ActionKind::request_body), 0U) << "no fetch fell back";
  std::uint32_t assembled = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const ReconcileCounts& k = c.node(i).reconcile_counts();
    assembled += k.assembled;
    EXPECT_EQ(k.undecodable + k.inconsistent, 0U) << "node " << i;
  }
  EXPECT_GE(assembled, 3U);
  EXPECT_TRUE(c.rejections().empty()) << c.rejections().front().message();
}

// Node 0 stores node 1's proposal and asks it for a sketch; a sketch of noise comes back
// instead. Node 0 asks node 1 for the whole block, and holds it when it comes.
TEST(RoundReconcile, ASketchThatDoesNotAddUpFallsBackToTheWholeBlock) {
  Cluster c = large_divergent(4);
  c.start_all();
  const std::size_t one = c.member_of(1);
  const Proposal p = *c.node(1).proposal_of(0, one);
  const BlockId id = compute_block_id(p.header);
  auto r = c.node(0).on_proposal(p);
  ASSERT_TRUE(r) << r.error().message();
  bool asked = false;
  for (const Action& a : r.value()) asked = asked || (a.kind == ActionKind::request_sketch && a.block_id == id);
  if (!asked) GTEST_SKIP() << "node 1's block is not among node 0's two best-ranked: no fetch";
  const std::size_t cells = TxSketch::cells_per_hash_for(c.node(0).reconcile_have());
  std::vector<std::uint8_t> sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * cells, 0x5a);
  store_u32(sketch.data(), std::uint32_t(cells));
  auto s = c.node(0).on_body_sketch({c.chain(), 1, id, 403, sketch});
  ASSERT_TRUE(s) << s.error().message();
  bool fell_back = false;
  for (const Action& a : s.value())
    fell_back = fell_back || (a.kind == ActionKind::request_body && a.block_id == id && a.member == one);
  EXPECT_TRUE(fell_back) << "the whole block is asked of the same member";
  EXPECT_EQ(c.node(0).reconcile_counts().undecodable + c.node(0).reconcile_counts().inconsistent, 1U);
  const auto b = c.node(1).body_of(id);
  ASSERT_TRUE(b.has_value());
  BlockView view;
  view.header = b->header;
  view.signature = b->signature;
  view.txs.assign(b->txs.begin(), b->txs.end());
  view.tx_count = std::uint32_t(view.txs.size());
  ASSERT_TRUE(c.node(0).on_body(view));
  EXPECT_TRUE(c.node(0).holds_body(p.header.merkle_root));
}

// Sketch and transactions requests spend the body budget of their member.
TEST(RoundReconcile, ReconcileRequestsSpendTheBodyBudget) {
  Cluster c = large_divergent(4);
  c.start_all();
  const BlockId own = compute_block_id(c.node(0).proposal_of(0, c.member_of(0))->header);
  std::vector<std::uint8_t> one_id(8, 0);
  ReconcileRequest q;
  q.chain_id = c.chain();
  q.height = 1;
  q.block_id = own;
  q.requester = c.keys(1).public_key;
  q.kind = ReconcileKind::transactions;
  q.ids.bytes = one_id;
  q = sign_reconcile_request(q, c.keys(1).secret_key);
  for (std::size_t i = 0; i < kMaxBodyAnswers; ++i) {
    auto r = c.node(0).on_reconcile_request(q);
    ASSERT_TRUE(r) << i << ": " << r.error().message();
    ASSERT_EQ(r.value().size(), 1U);
    EXPECT_EQ(r.value()[0].kind, ActionKind::send_transactions);
  }
  EXPECT_EQ(c.node(0).on_reconcile_request(q).error(), round_errc::body_answers_spent);
  // A body request of the same member is refused too: one budget.
  BodyRequest b{c.chain(), 1, own, c.keys(1).public_key, {}};
  EXPECT_EQ(c.node(0).on_body_request(sign_body_request(b, c.keys(1).secret_key)).error(),
            round_errc::body_answers_spent);
  // Signed by another key: refused as such before it costs anything (another member's budget).
  ReconcileRequest forged = q;
  forged.requester = c.keys(2).public_key;
  EXPECT_EQ(c.node(0).on_reconcile_request(forged).error(), round_errc::bad_signature);
}

TEST(RoundReconcile, AnAnswerNobodyAskedForIsRefusedAndChangesNothing) {
  Cluster c = large_divergent(4);
  c.start_all();
  const Proposal p = *c.node(1).proposal_of(0, c.member_of(1));
  const BlockId id = compute_block_id(p.header);
  std::vector<std::uint8_t> sketch(kSketchHeaderBytes + kSketchHashes * kSketchCellBytes * 70, 0);
  store_u32(sketch.data(), 70);
  // No proposal stored for it: unsolicited as a body would be.
  const RoundMachine before = c.node(0);
  EXPECT_EQ(c.node(0).on_body_sketch({c.chain(), 1, id, 403, sketch}).error(), round_errc::unsolicited_body);
  EXPECT_TRUE(c.node(0) == before);
  // The proposal stored but no fetch awaits a transactions answer: unsolicited_answer.
  ASSERT_TRUE(c.node(0).on_proposal(p));
  const RoundMachine stored = c.node(0);
  BodyTransactionsView t;
  t.chain_id = c.chain();
  t.height = 1;
  t.block_id = id;
  t.txs = {TxBytes(c.node(1).own_transactions()[1])};
  EXPECT_EQ(c.node(0).on_body_transactions(t).error(), round_errc::unsolicited_answer);
  EXPECT_TRUE(c.node(0) == stored);
  // Another chain or height: refused before anything is looked at.
  EXPECT_EQ(c.node(0).on_body_sketch({ChainId{}, 1, id, 403, sketch}).error(), round_errc::wrong_chain);
  EXPECT_EQ(c.node(0).on_body_sketch({c.chain(), 2, id, 403, sketch}).error(), round_errc::wrong_height);
}

}  // namespace
}  // namespace midnight
