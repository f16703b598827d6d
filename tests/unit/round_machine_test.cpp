// The round state machine, driven by hand: a FIFO "network" that delivers every
// broadcast to every other node, and timers fired explicitly by the test (round_cluster.hpp).
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/wire/signing.hpp"
#include "round_cluster.hpp"

namespace midnight {
namespace {

using test::Cluster;
using test::Envelope;
using test::is_vote;
using test::lowest_round_proposal;
using test::member_keys;

TEST(RoundMachine, SingleNodeFinalizesAtRoundStart) {
  Cluster c(1);
  c.start_all();
  ASSERT_TRUE(c.node(0).decision().has_value());
  EXPECT_EQ(c.node(0).decision()->round, 0U);
  EXPECT_EQ(c.node(0).step(), Step::decided);
  EXPECT_EQ(c.node(0).decision()->certificate->count(), 1U);
}

TEST(RoundMachine, FourHonestNodesFinalizeTheLowestIdInRoundZero) {
  Cluster c(4);
  c.start_all();
  c.deliver();
  const BlockId lowest = lowest_round_proposal(c, 0);
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto d = c.node(i).decision();
    ASSERT_TRUE(d.has_value()) << "node " << i;
    EXPECT_EQ(d->block_id, lowest);
    EXPECT_EQ(d->round, 0U);
    EXPECT_TRUE(verify_certificate(*d->certificate, c.membership(), c.chain()).has_value());
    // Every node finalizes byte-identical content: its own transactions.
    EXPECT_EQ(merkle_root(d->txs), d->header.merkle_root);
  }
}

TEST(RoundMachine, TwoOfFourCannotFinalizeAndRetryAfterHealing) {
  Cluster c(4);
  const auto split = [&](std::size_t a, std::size_t b) { return (a < 2) == (b < 2); };
  c.start_all();
  c.deliver(split);
  c.fire(TimerKind::collect_deadline, 0);
  c.deliver(split);
  c.fire(TimerKind::prevote_deadline, 0);
  c.deliver(split);
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_FALSE(c.node(i).decision().has_value());
    EXPECT_FALSE(c.node(i).lock().held) << "no polka on a side of two, so no lock";
  }
  c.fire(TimerKind::round_end, 0);
  c.deliver();  // healed
  for (std::size_t i = 0; i < c.size(); ++i) {
    ASSERT_TRUE(c.node(i).decision().has_value());
    EXPECT_EQ(c.node(i).decision()->round, 1U);
    EXPECT_EQ(c.node(i).decision()->block_id, c.node(0).decision()->block_id);
  }
}

// Lock rule, carried forward: every node precommits B in round 0 but all precommits are
// lost. In round 1 each node re-proposes B with its polka, in one message (wire v2:
// broadcast_reproposal, no fresh proposal and no forwarded prevotes), and B (not a
// fresh, possibly lower, round-1 block) is what finalizes.
TEST(RoundMachine, LockedBlockIsCarriedIntoTheNextRound) {
  Cluster c(4);
  c.start_all();
  c.deliver_if([](const Envelope& e, std::size_t) { return !is_vote(e, VoteStep::precommit); });
  const BlockId b = lowest_round_proposal(c, 0);
  for (std::size_t i = 0; i < c.size(); ++i) {
    EXPECT_EQ(c.node(i).lock(), (Lock{true, b, 0})) << "node " << i;
    EXPECT_FALSE(c.node(i).decision().has_value());
  }
  const std::size_t proposals_before = c.sent(ActionKind::broadcast_proposal);
  const std::size_t votes_before = c.sent(ActionKind::broadcast_vote);
  c.fire(TimerKind::round_end, 0);
  EXPECT_EQ(c.sent(ActionKind::broadcast_reproposal), 4U) << "every node re-proposes";
  EXPECT_EQ(c.sent(ActionKind::broadcast_proposal), proposals_before) << "and none proposes a round-1 block";
  EXPECT_EQ(c.sent(ActionKind::broadcast_vote), votes_before) << "the polka travels inside the re-proposal";
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Reproposal* rp = c.node(i).reproposal();
    ASSERT_NE(rp, nullptr) << "node " << i;
    EXPECT_EQ(rp->round, 1U);
    EXPECT_EQ(rp->reproposer, c.keys(i).public_key);
    EXPECT_TRUE(verify_reproposal(*rp));
    EXPECT_EQ(compute_block_id(rp->carried.proposal.header), b);
    EXPECT_EQ(rp->carried.polka.round, 0U);
    EXPECT_EQ(rp->carried.polka.block_id, b);
    EXPECT_TRUE(verify_polka(rp->carried.polka, c.membership(), c.chain()).has_value());
  }
  c.deliver();
  c.fire(TimerKind::collect_deadline, 1);
  c.deliver();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Vote* pv = c.node(i).prevote_of(1);
    ASSERT_NE(pv, nullptr);
    EXPECT_EQ(pv->block_id, b);
    EXPECT_TRUE(pv->approve);
    ASSERT_TRUE(c.node(i).decision().has_value());
    EXPECT_EQ(c.node(i).decision()->block_id, b);
    EXPECT_EQ(c.node(i).decision()->round, 1U);
    EXPECT_EQ(c.node(i).decision()->header.round, 0U) << "the round-0 block, decided in round 1";
  }
  EXPECT_TRUE(c.rejections().empty()) << c.rejections().front().message();
}

// Round 0 with only node 0 seeing the prevote quorum for the lowest block B (it locks on
// B) and every precommit lost. Returns B.
BlockId lock_node_0_alone(Cluster& c) {
  c.start_all();
  c.deliver_if([](const Envelope& e, std::size_t to) {
    if (is_vote(e, VoteStep::prevote)) return to == 0;  // only node 0 sees the polka
    return !is_vote(e, VoteStep::precommit);            // node 0's precommit is lost
  });
  return lowest_round_proposal(c, 0);
}

// The re-proposal alone carries the polka: only node 0 sees round 0's prevote quorum for B
// (and locks); the others precommit nil and hold no polka. In round 1 node 0's one
// broadcast_reproposal, delivered through on_polka, gives them the polka, so every
// node prevotes B and B finalizes in round 1. (Without it they would prevote their own
// lowest round-1 block: LockMovesOnlyToAHigherRoundPolka.)
TEST(RoundMachine, ReproposalCarriesThePolkaToNodesThatMissedIt) {
  Cluster c(4);
  const BlockId b = lock_node_0_alone(c);
  ASSERT_EQ(c.node(0).lock(), (Lock{true, b, 0}));
  c.fire(TimerKind::prevote_deadline, 0);
  c.deliver_if([](const Envelope& e, std::size_t) { return e.from != 0; });
  for (std::size_t i = 1; i < c.size(); ++i) {
    EXPECT_FALSE(c.node(i).lock().held);
    EXPECT_FALSE(c.node(i).prevotes(0)->quorum_block().has_value()) << "node " << i << " holds no polka";
  }
  c.fire(TimerKind::round_end, 0);
  EXPECT_EQ(c.sent(ActionKind::broadcast_reproposal), 1U) << "node 0 alone holds a polka";
  std::size_t reproposals_delivered = 0;
  c.deliver_if([&](const Envelope& e, std::size_t) {
    reproposals_delivered += e.action.kind == ActionKind::broadcast_reproposal;
    return true;
  });
  EXPECT_EQ(reproposals_delivered, 3U);
  for (std::size_t i = 1; i < c.size(); ++i) {
    EXPECT_EQ(c.node(i).prevotes(0)->quorum_block(), b) << "node " << i << " learned the polka";
  }
  c.fire(TimerKind::collect_deadline, 1);
  c.deliver();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Vote* pv = c.node(i).prevote_of(1);
    ASSERT_NE(pv, nullptr) << "node " << i;
    EXPECT_TRUE(pv->approve);
    EXPECT_EQ(pv->block_id, b) << "node " << i;
    ASSERT_TRUE(c.node(i).decision().has_value()) << "node " << i;
    EXPECT_EQ(c.node(i).decision()->block_id, b);
    EXPECT_EQ(c.node(i).decision()->round, 1U);
  }
}

// Lock rule, released: node 0 alone sees a polka for B in round 0 and locks on it. In
// round 1 it still prevotes B, but the others form a polka for C; a polka in a round at
// or after its lock round lets node 0 precommit C, and C finalizes. B never does.
TEST(RoundMachine, LockMovesOnlyToAHigherRoundPolka) {
  Cluster c(4);
  const BlockId b = lock_node_0_alone(c);
  ASSERT_EQ(c.node(0).lock(), (Lock{true, b, 0}));
  for (std::size_t i = 1; i < c.size(); ++i) EXPECT_FALSE(c.node(i).lock().held);
  c.fire(TimerKind::prevote_deadline, 0);
  c.deliver_if([](const Envelope& e, std::size_t) { return e.from != 0; });
  c.fire(TimerKind::round_end, 0);
  // Round 1: node 0's re-proposal of B (proposal and polka in one message) is lost.
  EXPECT_EQ(c.sent(ActionKind::broadcast_reproposal), 1U);
  c.deliver_if([](const Envelope& e, std::size_t) { return e.from != 0; });
  c.fire(TimerKind::collect_deadline, 1);
  const Vote* mine = c.node(0).prevote_of(1);
  ASSERT_NE(mine, nullptr);
  EXPECT_EQ(mine->block_id, b) << "a locked node keeps voting for its lock";
  EXPECT_TRUE(mine->approve);
  const Vote* theirs = c.node(1).prevote_of(1);
  ASSERT_NE(theirs, nullptr);
  const BlockId cblock = theirs->block_id;
  ASSERT_NE(cblock, b);
  c.deliver();
  EXPECT_EQ(c.node(0).lock(), (Lock{true, cblock, 1}));
  for (std::size_t i = 0; i < c.size(); ++i) {
    ASSERT_TRUE(c.node(i).decision().has_value());
    EXPECT_EQ(c.node(i).decision()->block_id, cblock);
  }
}

// A node whose collect timer never fired, but which already holds a polka for the
// current round and the polka block's proposal, precommits that block at the prevote
// deadline, not nil.
TEST(RoundMachine, PrevoteDeadlineStillPrecommitsAKnownPolka) {
  Cluster c(4);
  c.start_all();
  const std::size_t late = 3;
  // Nodes 0-2 exchange proposals; nothing reaches node 3 and node 3's proposal is lost.
  c.deliver([&](std::size_t from, std::size_t to) { return from != late && to != late; });
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == late) continue;
    auto r = c.node(i).on_timer({TimerKind::collect_deadline, 1, 0});
    ASSERT_TRUE(r.has_value());
    c.take(i, r);
  }
  // Their prevotes (a polka: 3 of 4) reach everyone, node 3 included; precommits are lost.
  c.deliver_if([&](const Envelope& e, std::size_t) { return is_vote(e, VoteStep::prevote); });
  const BlockId x = lowest_round_proposal(c, 0);
  for (std::size_t m = 0; m < c.size(); ++m) {
    const Proposal* p = c.node(0).proposal_of(0, m);
    if (p != nullptr && compute_block_id(p->header) == x) {
      ASSERT_TRUE(c.node(late).on_proposal(*p).has_value());
    }
  }
  ASSERT_EQ(c.node(late).step(), Step::collect) << "not every proposal arrived: still collecting";
  auto r = c.node(late).on_timer({TimerKind::prevote_deadline, 1, 0});
  ASSERT_TRUE(r.has_value());
  const Vote* pc = nullptr;
  for (const Action& a : r.value()) {
    if (a.kind == ActionKind::broadcast_vote && a.vote.step == VoteStep::precommit) pc = &a.vote;
  }
  ASSERT_NE(pc, nullptr);
  EXPECT_TRUE(pc->approve);
  EXPECT_EQ(pc->block_id, x);
  EXPECT_EQ(c.node(late).lock(), (Lock{true, x, 0}));
}

TEST(RoundMachine, RejectedInputsChangeNothing) {
  Cluster c(4);
  c.start_all();
  RoundMachine& n = c.node(0);
  const RoundMachine before = n;
  ASSERT_TRUE(before == n);

  // A proposal with a broken signature.
  Proposal p = *c.node(1).proposal_of(0, c.member_of(1));
  p.signature.v[0] ^= 1;
  auto r1 = n.on_proposal(p);
  ASSERT_FALSE(r1.has_value());
  EXPECT_EQ(r1.error(), round_errc::bad_signature);
  EXPECT_TRUE(before == n);

  // A proposal for another height, another parent, a wrong timestamp.
  Proposal q = *c.node(1).proposal_of(0, c.member_of(1));
  q.header.height = 2;
  EXPECT_EQ(n.on_proposal(q).error(), round_errc::wrong_height);
  q = *c.node(1).proposal_of(0, c.member_of(1));
  q.header.prev_id.v[5] ^= 1;
  EXPECT_EQ(n.on_proposal(q).error(), round_errc::wrong_parent);
  q = *c.node(1).proposal_of(0, c.member_of(1));
  q.header.timestamp_ms += 1;
  EXPECT_EQ(n.on_proposal(q).error(), round_errc::wrong_timestamp);
  EXPECT_TRUE(before == n);

  // A vote by a non-member (validly signed), another chain, round 2^32 - 1 (the only
  // round out of range in wire v2).
  Keypair outsider = member_keys(77);
  Vote v{};
  v.chain_id = c.chain();
  v.height = 1;
  v.step = VoteStep::prevote;
  v.block_id.v[0] = 9;
  v.approve = true;
  v.voter = outsider.public_key;
  v = sign_vote(v, outsider.secret_key);
  EXPECT_EQ(n.on_vote(v).error(), round_errc::not_a_member);
  Vote w = v;
  w.voter = c.keys(1).public_key;
  w = sign_vote(w, c.keys(1).secret_key);
  Vote other_chain = w;
  other_chain.chain_id.v[0] ^= 1;
  EXPECT_EQ(n.on_vote(sign_vote(other_chain, c.keys(1).secret_key)).error(), round_errc::wrong_chain);
  Vote far = w;
  far.round = UINT32_MAX;
  EXPECT_EQ(n.on_vote(sign_vote(far, c.keys(1).secret_key)).error(), round_errc::round_out_of_range);
  Proposal far_proposal = *c.node(1).proposal_of(0, c.member_of(1));
  far_proposal.header.round = UINT32_MAX;
  EXPECT_EQ(n.on_proposal(far_proposal).error(), round_errc::round_out_of_range);
  EXPECT_EQ(n.on_round_start({1, UINT32_MAX}).error(), round_errc::round_out_of_range);
  Vote forged = w;
  forged.approve = false;  // signature no longer matches
  EXPECT_EQ(n.on_vote(forged).error(), round_errc::bad_signature);
  EXPECT_TRUE(before == n);

  // Stale timers and a round start that is not ahead.
  EXPECT_EQ(n.on_timer({TimerKind::collect_deadline, 1, 3}).error(), round_errc::stale_timer);
  EXPECT_EQ(n.on_timer({TimerKind::collect_deadline, 2, 0}).error(), round_errc::stale_timer);
  EXPECT_EQ(n.on_round_start({1, 0}).error(), round_errc::stale_round);
  EXPECT_EQ(n.on_round_start({2, 0}).error(), round_errc::wrong_height);
  EXPECT_TRUE(before == n);

  // A far-future round is not an error in wire v2: the vote is verified, counted toward
  // the round skip (one member of four is not enough to skip) and not stored.
  RoundMachine ahead = n;
  Vote future = w;
  future.round = 16;
  const auto counted = ahead.on_vote(sign_vote(future, c.keys(1).secret_key));
  ASSERT_TRUE(counted.has_value()) << counted.error().message();
  EXPECT_TRUE(counted.value().empty());
  EXPECT_EQ(ahead.round(), 0U);
  EXPECT_EQ(ahead.highest_round_seen(c.member_of(1)), 16U);
  EXPECT_EQ(ahead.prevotes(16), nullptr) << "beyond the window: not stored";
  EXPECT_FALSE(ahead == n) << "the skip count changed";
}

TEST(RoundMachine, ConflictingProposalIsRejectedAndChangesNothing) {
  Cluster c(4);
  c.start_all();
  RoundMachine& n = c.node(0);
  const Proposal original = *c.node(1).proposal_of(0, c.member_of(1));
  ASSERT_TRUE(n.on_proposal(original).has_value());
  const RoundMachine before = n;
  BlockHeader h = original.header;
  h.merkle_root.v[0] ^= 1;
  const Proposal second = test::sign_proposal_as(h, c.keys(1));
  auto r = n.on_proposal(second);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), round_errc::conflicting_proposal);
  EXPECT_TRUE(before == n);
  // The same proposal again is idempotent.
  ASSERT_TRUE(n.on_proposal(original).has_value());
  EXPECT_TRUE(before == n);
}

TEST(RoundMachine, CopyIsEqualAndIndependent) {
  Cluster c(2);
  c.start_all();
  RoundMachine copy = c.node(0);
  EXPECT_TRUE(copy == c.node(0));
  c.deliver();
  EXPECT_FALSE(copy == c.node(0));
  ASSERT_TRUE(c.node(0).decision().has_value());
  // The finalized block's transaction views point into the machine's own storage.
  RoundMachine decided = c.node(0);
  const auto d1 = decided.decision();
  const auto d0 = c.node(0).decision();
  ASSERT_EQ(d1->txs.size(), d0->txs.size());
  for (std::size_t i = 0; i < d0->txs.size(); ++i) {
    EXPECT_NE(d1->txs[i].data(), d0->txs[i].data());
    EXPECT_TRUE(std::equal(d1->txs[i].begin(), d1->txs[i].end(), d0->txs[i].begin(), d0->txs[i].end()));
  }
}

TEST(RoundMachine, NodeThatMissedTheRoundAdoptsTheCommit) {
  Cluster c(4);
  c.start_all();
  const std::size_t late = 3;
  const auto cut = [&](std::size_t a, std::size_t b) { return a != late && b != late; };
  c.deliver(cut);
  // Without the late node's proposal the others vote at the collect deadline.
  for (std::size_t i = 0; i < 3; ++i) EXPECT_FALSE(c.node(i).decision().has_value());
  c.fire(TimerKind::collect_deadline, 0);
  c.deliver(cut);
  for (std::size_t i = 0; i < 3; ++i) ASSERT_TRUE(c.node(i).decision().has_value());
  ASSERT_FALSE(c.node(late).decision().has_value());
  // Its nil precommit of round 0, the decision's round, does not show that it missed the
  // decision (spec/protocol.md 7.3): no commit is sent for it.
  const std::size_t commits_before = c.sent(ActionKind::send_commit);
  c.fire(TimerKind::prevote_deadline, 0);
  c.deliver();
  EXPECT_EQ(c.sent(ActionKind::send_commit), commits_before);
  EXPECT_FALSE(c.node(late).decision().has_value());
  // Its next message, of round 1, draws a commit from those that decided.
  c.fire(TimerKind::round_end, 0);
  c.deliver();
  EXPECT_GT(c.sent(ActionKind::send_commit), commits_before);
  ASSERT_TRUE(c.node(late).decision().has_value());
  EXPECT_EQ(c.node(late).decision()->block_id, c.node(0).decision()->block_id);
  EXPECT_EQ(c.node(late).decision()->round, 0U) << "the commit's round, not the late node's";
}

// Found by fuzz/round_fuzzer: a copy of a machine that adopted a commit had transaction
// views of the wrong sizes (the copy took them from its own old views), so it would have
// sent a commit whose transactions do not hash to its Merkle root.
TEST(RoundMachine, CopyOfAMachineThatAdoptedACommitKeepsItsBlock) {
  Cluster c(4);
  c.start_all();
  const std::size_t late = 3;
  const auto cut = [&](std::size_t a, std::size_t b) { return a != late && b != late; };
  c.deliver(cut);
  c.fire(TimerKind::collect_deadline, 0);
  c.deliver(cut);
  c.fire(TimerKind::prevote_deadline, 0);
  c.deliver();
  c.fire(TimerKind::round_end, 0);  // the late node's round-1 messages draw the commit
  c.deliver();
  const RoundMachine& adopted = c.node(late);
  ASSERT_TRUE(adopted.decision().has_value());
  const auto check_copy = [&](const RoundMachine& copy) {
    EXPECT_TRUE(copy == adopted);
    const auto want = adopted.decision();
    const auto got = copy.decision();
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(got->txs.size(), want->txs.size());
    for (std::size_t i = 0; i < want->txs.size(); ++i) {
      EXPECT_NE(got->txs[i].data(), want->txs[i].data());
      EXPECT_TRUE(std::equal(got->txs[i].begin(), got->txs[i].end(), want->txs[i].begin(), want->txs[i].end()));
    }
    EXPECT_EQ(merkle_root(got->txs), got->header.merkle_root);
  };
  const RoundMachine constructed = adopted;  // copy construction
  check_copy(constructed);
  RoundMachine assigned = c.node(0);  // copy assignment over a machine that decided by itself
  assigned = adopted;
  check_copy(assigned);
}

TEST(RoundMachine, CommitForADifferentBlockIsAConflictAndChangesNothing) {
  Cluster a(4);
  a.start_all();
  a.deliver();
  // A second cluster with a different mempool finalizes a different block at height 1.
  Cluster b(4, {{9, 9, 9}});
  b.start_all();
  b.deliver();
  const auto da = a.node(0).decision();
  const auto db = b.node(0).decision();
  ASSERT_TRUE(da && db);
  ASSERT_NE(da->block_id, db->block_id);
  CommitView foreign;
  commit_view_of(*db, foreign);
  const RoundMachine before = a.node(0);
  auto r = a.node(0).on_commit(foreign);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error(), round_errc::conflicting_commit);
  EXPECT_TRUE(before == a.node(0));
  // A tampered commit is rejected before anything else.
  foreign.block.header.timestamp_ms += 1;
  EXPECT_FALSE(a.node(0).on_commit(foreign).has_value());
  EXPECT_TRUE(before == a.node(0));
}

// Rule "adopt" for a node decided on the same block (spec/protocol.md section 7.4): the
// commit is ignored before it is verified, since nothing in it can change the node. A
// broken certificate shows the order: the decided node answers success with no actions,
// while a node that has not decided rejects the same bytes as bad_certificate.
TEST(RoundMachine, CommitForTheDecidedBlockIsIgnoredWithoutVerifying) {
  Cluster c(4);
  c.start_all();
  const std::size_t late = 3;
  const auto cut = [&](std::size_t a, std::size_t b) { return a != late && b != late; };
  c.deliver(cut);
  c.fire(TimerKind::collect_deadline, 0);  // the late node's proposal never came
  c.deliver(cut);
  const auto d = c.node(0).decision();
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(c.node(1).decision().has_value());
  ASSERT_FALSE(c.node(late).decision().has_value());
  CommitView broken;
  commit_view_of(*d, broken);
  broken.certificate.signatures[0].signature.v[0] ^= 0x01;

  const RoundMachine decided_before = c.node(1);
  auto ignored = c.node(1).on_commit(broken);
  ASSERT_TRUE(ignored.has_value()) << ignored.error().message();
  EXPECT_TRUE(ignored.value().empty());
  EXPECT_TRUE(decided_before == c.node(1));

  const RoundMachine undecided_before = c.node(late);
  auto rejected = c.node(late).on_commit(broken);
  ASSERT_FALSE(rejected.has_value());
  EXPECT_EQ(rejected.error(), round_errc::bad_certificate);
  EXPECT_TRUE(undecided_before == c.node(late));
}

// Policy B (spec/protocol.md section 4.4): a proposal is stored only if its VRF proof
// verifies for its proposer's VRF key and its round's VRF input; otherwise bad_vrf_proof and the
// machine is unchanged. Under policy A the proof is carried and never checked.
TEST(RoundMachine, VrfPolicyRejectsAProposalWhoseProofDoesNotVerify) {
  Cluster b(4, {{1, 2, 3}, {4, 5}}, "vrf");
  Cluster a(4, {{1, 2, 3}, {4, 5}}, "lowest-hash");
  b.start_all();
  a.start_all();
  const BlockHeader h = make_header(b.chain(), 1, 0, Cluster::genesis(), b.node(0).expected_merkle_root(),
                                    round_start_ms(0, RoundTiming{}, 0), b.keys(1).public_key);
  const Proposal honest = test::sign_proposal_as(h, b.keys(1));
  const PublicKey& vrf_key_1 = b.membership().member(*b.membership().index_of(b.keys(1).public_key)).vrf_key;
  ASSERT_TRUE(verify_proposal_vrf(honest, vrf_key_1).has_value());
  Proposal flipped = honest;
  flipped.vrf_proof.v[70] ^= 0x01;  // a bit of s
  Proposal other_round = honest;    // a valid proof of the same key, for round 1's input
  BlockHeader h1 = h;
  h1.round = 1;
  other_round.vrf_proof = test::sign_proposal_as(h1, b.keys(1)).vrf_proof;
  Proposal other_key = honest;  // a valid proof of another member's key, same input
  BlockHeader h2 = h;
  h2.proposer = b.keys(2).public_key;
  other_key.vrf_proof = test::sign_proposal_as(h2, b.keys(2)).vrf_proof;
  Proposal signing_key = honest;  // a valid proof under the proposer's signing key (version 1's rule)
  signing_key.vrf_proof = ecvrf_prove(VrfSecretKey{b.keys(1).secret_key}, vrf_input(h)).value();
  for (const Proposal* bad : {&flipped, &other_round, &other_key, &signing_key}) {
    ASSERT_TRUE(verify_proposal(*bad));  // the signature does not cover the proof
    const RoundMachine before = b.node(0);
    const auto r = b.node(0).on_proposal(*bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), round_errc::bad_vrf_proof);
    EXPECT_TRUE(before == b.node(0));
    RoundMachine under_a = a.node(0);
    EXPECT_TRUE(under_a.on_proposal(*bad).has_value());
  }
  EXPECT_TRUE(b.node(0).on_proposal(honest).has_value());
}

// Under policy B every node prevotes the proposal with the lowest VRF output among those it
// holds, so with everything delivered the height finalizes that member's block, whatever
// the block ids say.
TEST(RoundMachine, VrfPolicyFinalizesTheProposalWithTheLowestOutput) {
  Cluster c(5, {{1, 2, 3}, {4, 5}}, "vrf");
  std::optional<std::size_t> best;
  VrfOutput best_beta;
  std::optional<BlockId> lowest_id;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const BlockHeader h = make_header(c.chain(), 1, 0, Cluster::genesis(), c.node(0).expected_merkle_root(),
                                      round_start_ms(0, RoundTiming{}, 0), c.keys(i).public_key);
    const VrfOutput beta =
        verify_proposal_vrf(test::sign_proposal_as(h, c.keys(i)), test::vrf_keypair_of(c.keys(i)).public_key).value();
    if (!best || beta < best_beta) {
      best = i;
      best_beta = beta;
    }
    if (!lowest_id || compute_block_id(h) < *lowest_id) lowest_id = compute_block_id(h);
  }
  c.start_all();
  c.deliver();
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto d = c.node(i).decision();
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(d->round, 0u);
    EXPECT_EQ(d->header.proposer, c.keys(*best).public_key);
  }
  // Not vacuous: in this cluster the two policies pick different blocks.
  EXPECT_NE(c.node(0).decision()->block_id, *lowest_id);
}

}  // namespace
}  // namespace midnight
