// Approval by validity (spec/protocol.md 3.4, 5.7): members whose mempools differ build
// different blocks; a node holds another member's body only after checking it, asks for
// the bodies of the best-ranked proposals, answers requests within a budget, and never
// approves a block whose body it does not hold.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "midnight/block/body_check.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/signing.hpp"
#include "round_cluster.hpp"

namespace midnight {
namespace {

using test::Cluster;
using test::ClusterOptions;
using test::Envelope;

// Transactions beginning with 0xbd are invalid under this predicate.
class RejectsBd final : public TxValidity {
 public:
  bool is_valid(TxBytes tx) const override { return tx.empty() || tx[0] != 0xbd; }
};

// Every node holds the common mempool and one transaction of its own.
ClusterOptions own_transaction_each(std::size_t n, const TxValidity* validity = nullptr) {
  ClusterOptions o;
  for (std::size_t i = 0; i < n; ++i) o.own.push_back({{0x70, std::uint8_t(i), 0x01}});
  o.validity = validity;
  return o;
}

Cluster divergent(std::size_t n, const TxValidity* validity = nullptr) {
  return Cluster(n, {{1, 2, 3}, {4, 5}}, "lowest-hash", {}, 0, own_transaction_each(n, validity));
}

TEST(RoundBodies, DivergentMempoolsFinalizeInRoundZeroByFetchingTheBody) {
  Cluster c = divergent(4);
  for (std::size_t i = 1; i < c.size(); ++i) {
    EXPECT_NE(c.node(i).expected_merkle_root(), c.node(0).expected_merkle_root()) << "every block differs";
  }
  c.start_all();
  c.deliver();
  test::expect_one_block_decided_in_round_zero(c);
  // By reconciliation (every node holds transactions to reconcile against); blocks this
  // small are answered whole, since a sketch would be larger than the block.
  EXPECT_GE(c.sent(ActionKind::request_sketch), 3U) << "three nodes lacked the decided body";
  EXPECT_EQ(c.sent(ActionKind::send_body) + c.sent(ActionKind::send_sketch),
            c.sent(ActionKind::request_sketch) + c.sent(ActionKind::request_body))
      << "every request was answered";
  EXPECT_TRUE(c.rejections().empty()) << c.rejections().front().message();
}

// Bodies never arrive: a node approves only its own block (if it ranks best among what it
// holds), and no block finalizes, because a node never prevotes approve for a block
// whose body it lacks.
TEST(RoundBodies, ANodeNeverApprovesABlockWhoseBodyItDoesNotHold) {
  Cluster c = divergent(4);
  c.start_all();
  const auto no_bodies = [](const Envelope& e, std::size_t) { return !test::carries_body(e.action.kind); };
  c.deliver_if(no_bodies);
  // Before the deadline only the node whose own block ranks first prevotes: every other
  // one waits for the best's body (rule "collect" waits for it even when all proposals are in).
  std::size_t early = 0;
  for (std::size_t i = 0; i < c.size(); ++i) early += c.node(i).prevote_of(0) != nullptr;
  EXPECT_EQ(early, 1U);
  c.fire(TimerKind::collect_deadline, 0);
  c.deliver_if(no_bodies);
  c.fire(TimerKind::prevote_deadline, 0);
  c.deliver_if(no_bodies);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Vote* pv = c.node(i).prevote_of(0);
    ASSERT_NE(pv, nullptr);
    ASSERT_TRUE(pv->approve);
    // Its choice is the only body it holds: its own block.
    const Proposal* own = c.node(i).proposal_of(0, c.member_of(i));
    ASSERT_NE(own, nullptr);
    EXPECT_EQ(pv->block_id, compute_block_id(own->header)) << "node " << i;
    EXPECT_FALSE(c.node(i).decision().has_value());
  }
}

// Rule "hold": each way a body can fail its checks is refused with its error, and the
// machine is left exactly as it was.
TEST(RoundBodies, AnInvalidBodyIsRefusedAndChangesNothing) {
  const RejectsBd validity;
  Cluster c = divergent(4, &validity);
  c.start_all();
  // Node 0 stores every proposal, and nothing else happens (no body, no vote delivered).
  c.deliver_if([](const Envelope& e, std::size_t to) {
    return to == 0 && e.action.kind == ActionKind::broadcast_proposal;
  });
  // Node 1's proposal, whose body node 0 lacks.
  const Proposal* p = c.node(0).proposal_of(0, c.member_of(1));
  ASSERT_NE(p, nullptr);
  ASSERT_FALSE(c.node(0).holds_body(p->header.merkle_root));
  const std::span<const TxBytes> honest = c.node(1).own_transactions();
  ASSERT_TRUE(check_block_body(c.chain(), honest, p->header.merkle_root, honest[0], &validity));

  const auto refused = [&](std::vector<std::vector<std::uint8_t>> txs, const Hash32& root, std::error_code want) {
    BlockView b;
    b.header = p->header;
    b.header.merkle_root = root;
    b.signature = p->signature;
    for (const auto& tx : txs) b.txs.push_back(TxBytes(tx));
    b.tx_count = static_cast<std::uint32_t>(b.txs.size());
    if (root != p->header.merkle_root) {
      // A header with another root is another block: no proposal of it is stored.
      const RoundMachine before = c.node(0);
      auto r = c.node(0).on_body(b);
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error(), want) << r.error().message();
      EXPECT_TRUE(c.node(0) == before);
      return;
    }
    const RoundMachine before = c.node(0);
    auto r = c.node(0).on_body(b);
    ASSERT_FALSE(r) << "accepted";
    EXPECT_EQ(r.error(), want) << r.error().message();
    EXPECT_TRUE(c.node(0) == before) << want.message();
    EXPECT_FALSE(c.node(0).holds_body(p->header.merkle_root));
  };
  std::vector<std::vector<std::uint8_t>> txs;
  for (const TxBytes tx : honest) txs.emplace_back(tx.begin(), tx.end());

  auto swapped = txs;  // two transactions out of order
  std::swap(swapped[1], swapped[2]);
  refused(swapped, p->header.merkle_root, body_errc::not_canonical_order);
  auto repeated = txs;  // a transaction twice
  repeated.insert(repeated.begin() + 2, repeated[1]);
  refused(repeated, p->header.merkle_root, body_errc::not_canonical_order);
  auto other_coinbase = txs;
  other_coinbase[0].back() ^= 1;
  refused(other_coinbase, p->header.merkle_root, body_errc::bad_coinbase);
  refused({}, p->header.merkle_root, body_errc::no_coinbase);
  auto empty_tx = txs;
  empty_tx.push_back({});
  refused(empty_tx, p->header.merkle_root, body_errc::bad_transaction_size);
  auto shorter = txs;  // a valid body, but not this header's
  shorter.pop_back();
  refused(shorter, p->header.merkle_root, body_errc::bad_merkle_root);
  refused(txs, sha256(p->header.merkle_root.span()), round_errc::unsolicited_body);

  // A body with an invalid transaction, under a header whose root is right for it: a
  // proposal node 1 signs for it (a Byzantine node 1).
  auto invalid = txs;
  invalid.push_back({0xbd, 0x01});
  std::vector<TxBytes> views;
  for (const auto& tx : invalid) views.push_back(TxBytes(tx));
  // Canonical order for the new set.
  std::vector<TxBytes> sorted(views.begin() + 1, views.end());
  std::sort(sorted.begin(), sorted.end(),
            [&](TxBytes a, TxBytes b) { return compute_txid(c.chain(), a) < compute_txid(c.chain(), b); });
  sorted.insert(sorted.begin(), views[0]);
  // Node 2 (Byzantine here) proposes that body for round 1, a round in node 0's window.
  BlockHeader h = p->header;
  h.round = 1;
  h.timestamp_ms = round_start_ms(0, RoundTiming{}, 1);
  h.proposer = c.keys(2).public_key;
  h.merkle_root = merkle_root(sorted);
  ASSERT_TRUE(c.node(0).on_proposal(test::sign_proposal_as(h, c.keys(2))));
  EXPECT_EQ(check_block_body(c.chain(), sorted, h.merkle_root, honest[0], &validity).error(),
            body_errc::invalid_transaction);
  EXPECT_TRUE(check_block_body(c.chain(), sorted, h.merkle_root, honest[0], nullptr))
      << "without a predicate the same body is valid";
  BlockView b;
  b.header = h;
  b.txs.assign(sorted.begin(), sorted.end());
  b.tx_count = static_cast<std::uint32_t>(b.txs.size());
  const RoundMachine before = c.node(0);
  auto r = c.node(0).on_body(b);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), body_errc::invalid_transaction);
  EXPECT_TRUE(c.node(0) == before);
  EXPECT_FALSE(c.node(0).holds_body(h.merkle_root));
}

// Rule "serve": a body request is answered only for a body held, under the requester's
// signature, at most kMaxBodyAnswers times per member and height.
TEST(RoundBodies, BodyRequestsAreAnsweredWithinABudget) {
  Cluster c = divergent(4);
  c.start_all();
  const Proposal* own = c.node(0).proposal_of(0, c.member_of(0));
  ASSERT_NE(own, nullptr);
  BodyRequest req;
  req.chain_id = c.chain();
  req.height = 1;
  req.block_id = compute_block_id(own->header);
  req.requester = c.keys(1).public_key;
  const BodyRequest signed_req = sign_body_request(req, c.keys(1).secret_key);

  BodyRequest forged = signed_req;
  forged.signature.v[5] ^= 1;
  EXPECT_EQ(c.node(0).on_body_request(forged).error(), round_errc::bad_signature);
  BodyRequest unknown = signed_req;
  unknown.block_id.v[0] ^= 1;
  EXPECT_EQ(c.node(0).on_body_request(sign_body_request(unknown, c.keys(1).secret_key)).error(),
            round_errc::body_not_held);
  BodyRequest stranger = req;
  stranger.requester = test::member_keys(99).public_key;
  EXPECT_EQ(c.node(0).on_body_request(sign_body_request(stranger, test::member_keys(99).secret_key)).error(),
            round_errc::not_a_member);
  BodyRequest other_height = req;
  other_height.height = 2;
  EXPECT_EQ(c.node(0).on_body_request(sign_body_request(other_height, c.keys(1).secret_key)).error(),
            round_errc::wrong_height);

  for (std::size_t k = 0; k < kMaxBodyAnswers; ++k) {
    auto r = c.node(0).on_body_request(signed_req);
    ASSERT_TRUE(r) << k << ": " << r.error().message();
    ASSERT_EQ(r.value().size(), 1U);
    EXPECT_EQ(r.value()[0].kind, ActionKind::send_body);
    EXPECT_EQ(r.value()[0].member, c.member_of(1));
    EXPECT_EQ(r.value()[0].block_id, req.block_id);
    const auto b = c.node(0).body_of(req.block_id);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(merkle_root(b->txs), own->header.merkle_root);
  }
  const RoundMachine before = c.node(0);
  EXPECT_EQ(c.node(0).on_body_request(signed_req).error(), round_errc::body_answers_spent);
  EXPECT_TRUE(c.node(0) == before);
  // Another member's budget is its own.
  req.requester = c.keys(2).public_key;
  EXPECT_TRUE(c.node(0).on_body_request(sign_body_request(req, c.keys(2).secret_key)));
}

// The round-0 proposals of every node but node 0, ordered by block id (lowest first, or
// highest first when `worst_first`).
std::vector<Proposal> others_by_rank(Cluster& c, bool worst_first) {
  std::vector<Proposal> out;
  for (std::size_t i = 1; i < c.size(); ++i) out.push_back(*c.node(i).proposal_of(0, c.member_of(i)));
  std::sort(out.begin(), out.end(), [&](const Proposal& a, const Proposal& b) {
    return worst_first ? compute_block_id(b.header) < compute_block_id(a.header)
                       : compute_block_id(a.header) < compute_block_id(b.header);
  });
  return out;
}

// Rule "fetch": a node asks for the bodies of the two best-ranked proposals of a round it
// does not hold, once each, from their proposers; never for a worse one.
TEST(RoundBodies, OnlyTheTwoBestRankedBodiesAreFetched) {
  Cluster c = divergent(6);
  c.start_all();
  // Node 0 gets the others' proposals in the order worst rank first, so that every one
  // is the best so far when it arrives: each is fetched while it is among the best two.
  const std::vector<Proposal> others = others_by_rank(c, true);
  std::size_t fetched = 0;
  for (const Proposal& p : others) {
    auto r = c.node(0).on_proposal(p);
    ASSERT_TRUE(r) << r.error().message();
    for (const Action& a : r.value()) {
      if (!test::asks_for_body(a.kind)) continue;
      ++fetched;
      EXPECT_EQ(a.block_id, compute_block_id(p.header));
      EXPECT_EQ(a.member, *c.membership().index_of(p.header.proposer)) << "asked of its proposer";
    }
  }
  EXPECT_GE(fetched, 1U);
  EXPECT_LE(fetched, others.size());
  // Best rank first: only the first two (and any that beat node 0's own block) are fetched.
  Cluster d = divergent(6);
  d.start_all();
  const std::vector<Proposal> best_first = others_by_rank(d, false);
  std::size_t fetched_best_first = 0;
  for (const Proposal& p : best_first) {
    auto r = d.node(0).on_proposal(p);
    ASSERT_TRUE(r);
    for (const Action& a : r.value()) fetched_best_first += test::asks_for_body(a.kind);
  }
  // Node 0's own block is held and takes its place among the best two if it ranks there.
  std::vector<BlockId> all{compute_block_id(d.node(0).proposal_of(0, d.member_of(0))->header)};
  for (const Proposal& p : best_first) all.push_back(compute_block_id(p.header));
  std::sort(all.begin(), all.end());
  const bool own_in_top_two = all[0] == compute_block_id(d.node(0).proposal_of(0, d.member_of(0))->header) ||
                              all[1] == compute_block_id(d.node(0).proposal_of(0, d.member_of(0))->header);
  EXPECT_EQ(fetched_best_first, own_in_top_two ? 1U : 2U)
      << "in rank order only the first two are ever among the best two";
}

// The best proposer withholds its body: every node holds the second best's (rule "fetch"
// asks for both), so all choose it at the collect deadline and finalize in round 0.
TEST(RoundBodies, AWithheldBestBodyCostsOnlyTheWait) {
  Cluster c = divergent(4);
  c.start_all();
  // Which node's block ranks first? Its body never leaves it.
  const Proposal* best = nullptr;
  std::size_t withholder = c.size();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Proposal* p = c.node(i).proposal_of(0, c.member_of(i));
    ASSERT_NE(p, nullptr);
    if (best == nullptr || compute_block_id(p->header) < compute_block_id(best->header)) {
      best = p;
      withholder = i;
    }
  }
  const auto withheld = [&](const Envelope& e, std::size_t to) {
    if (test::carries_body(e.action.kind) && e.from == withholder) return false;
    // Its proposal goes out; otherwise the withholder is silent and deaf.
    if (e.from == withholder) return e.action.kind == ActionKind::broadcast_proposal;
    return to != withholder;
  };
  c.deliver_if(withheld);
  c.fire(TimerKind::collect_deadline, 0);
  c.deliver_if(withheld);
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == withholder) continue;
    const auto d = c.node(i).decision();
    ASSERT_TRUE(d.has_value()) << "node " << i;
    EXPECT_EQ(d->round, 0U);
    EXPECT_NE(d->block_id, compute_block_id(best->header));
  }
}

// A copy of a machine holding another member's body is equal to it and independent of it.
TEST(RoundBodies, ACopyHoldsItsOwnCopyOfTheBodies) {
  Cluster c = divergent(4);
  c.start_all();
  c.deliver();
  ASSERT_TRUE(c.node(0).decision().has_value());
  std::size_t holder = c.size();
  for (std::size_t i = 0; i < c.size(); ++i)
    if (c.node(i).decision()->header.merkle_root != c.node(i).expected_merkle_root()) holder = i;
  ASSERT_LT(holder, c.size()) << "some node decided a body it did not build";
  auto copy = std::make_unique<RoundMachine>(c.node(holder));
  EXPECT_TRUE(*copy == c.node(holder));
  const auto d = copy->decision();
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(merkle_root(d->txs), d->header.merkle_root);
  const auto theirs = c.node(holder).decision();
  EXPECT_NE(d->txs[1].data(), theirs->txs[1].data()) << "the copy's views point into its own buffer";
}

}  // namespace
}  // namespace midnight
