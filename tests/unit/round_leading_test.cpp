// The leading message (spec/protocol.md 4.6): a round's choice is the first, in message
// order, of the round messages whose body a node holds; a re-proposal is its sender's
// signed round message; a node locked and undecided at its prevote deadline announces its
// polka (rule "announce").
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/wire/signing.hpp"
#include "round_cluster.hpp"

namespace midnight {
namespace {

using test::Cluster;
using test::make_polka;
using test::signed_vote;

// `polka` re-proposed by node `by` as its round message of `round`.
Reproposal reproposal_by(const Cluster& c, std::size_t by, std::uint32_t round, const CarriedPolka& polka) {
  Reproposal r{};
  r.round = round;
  r.reproposer = c.keys(by).public_key;
  r.carried = polka;
  sign_reproposal(r, c.keys(by).secret_key, test::vrf_keypair_of(c.keys(by)).secret_key);
  return r;
}

// Node `node`'s fresh proposal of `round` (the cluster's nodes share one mempool, so every
// node holds its body).
Proposal proposal_by(Cluster& c, std::size_t node, std::uint32_t round) {
  const BlockHeader h = make_header(c.chain(), 1, round, Cluster::genesis(), c.node(0).expected_merkle_root(),
                                    round_start_ms(0, RoundTiming{}, round), c.keys(node).public_key);
  return test::sign_proposal_as(h, c.keys(node));
}

// Node `node`'s VRF output for `round` of the cluster's height.
VrfOutput vrf_output_of(const Cluster& c, std::size_t node, std::uint32_t round) {
  const auto proof = ecvrf_prove(test::vrf_keypair_of(c.keys(node)).secret_key,
                                 vrf_input(c.chain(), 1, round, Cluster::genesis()));
  return ecvrf_proof_to_hash(proof.value()).value();
}

// A refused message leaves the machine exactly as it was.
void expect_refused(RoundMachine& n, const Reproposal& r, round_errc e, const char* what) {
  const RoundMachine before = n;
  const auto result = n.on_reproposal(r);
  ASSERT_FALSE(result.has_value()) << what;
  EXPECT_EQ(result.error(), make_error_code(e)) << what << ": " << result.error().message();
  EXPECT_TRUE(n == before) << what << ": a refused re-proposal changed the machine";
}

// A re-proposal is stored as its reproposer's message of its round (not as the carried
// block's proposer's), once; every check of spec/protocol.md 5.4 "Receiving a
// re-proposal" refuses without a change.
TEST(LeadingMessage, AReproposalIsItsSendersRoundMessageAndEveryCheckRefusesWithoutAChange) {
  Cluster c(4);
  RoundMachine& n = c.node(0);
  ASSERT_TRUE(n.on_round_start({1, 2}).has_value());
  const CarriedPolka polka = make_polka(c, 1, 0, 1, {1, 2, 3});
  const BlockId b = polka.polka.block_id;
  const Reproposal good = reproposal_by(c, 2, 2, polka);

  expect_refused(n, [&] { Reproposal r = good; r.round = 3; return r; }(), round_errc::bad_signature,
                 "a round changed after signing");
  expect_refused(n, [&] { Reproposal r = good; r.carried.polka.round = 0; return r; }(), round_errc::bad_signature,
                 "a polka round changed after signing");
  expect_refused(n, [&] {
    Reproposal r = good;
    r.carried.polka.round = 0;
    sign_reproposal(r, c.keys(2).secret_key, test::vrf_keypair_of(c.keys(2)).secret_key);
    return r;
  }(), round_errc::bad_polka, "a signed re-proposal of a polka whose prevotes are of another round");
  expect_refused(n, reproposal_by(c, 2, 1, polka), round_errc::bad_polka, "a polka of the re-proposal's own round");
  expect_refused(n, [&] { Reproposal r = good; r.reproposer = test::member_keys(99).public_key; return r; }(),
                 round_errc::not_a_member, "a reproposer that is not a member");
  expect_refused(n, reproposal_by(c, 2, 0, make_polka(c, 1, 0, 0, {1, 2, 3})), round_errc::bad_polka,
                 "round 0 has no earlier round");

  const auto taken = n.on_reproposal(good);
  ASSERT_TRUE(taken.has_value()) << taken.error().message();
  ASSERT_NE(n.proposal_of(2, c.member_of(2)), nullptr);
  EXPECT_EQ(compute_block_id(n.proposal_of(2, c.member_of(2))->header), b) << "stored under its reproposer";
  EXPECT_EQ(n.polka_round_of(2, c.member_of(2)), std::optional<std::uint32_t>(1U));
  EXPECT_EQ(n.proposal_of(2, c.member_of(1)), nullptr) << "not under the carried block's proposer";
  EXPECT_TRUE(n.prevotes(1)->quorum_block().has_value()) << "its polka counted in round 1's tally";

  const RoundMachine after = n;
  const auto again = n.on_reproposal(good);
  ASSERT_TRUE(again.has_value()) << "the same re-proposal again is a duplicate";
  EXPECT_TRUE(again.value().empty());
  EXPECT_TRUE(n == after);
  expect_refused(n, reproposal_by(c, 2, 2, make_polka(c, 3, 0, 1, {0, 1, 3})), round_errc::conflicting_proposal,
                 "a second, different round message of the same member");

  // Behind the window: a node in round 5 keeps rounds 4 .. 7.
  Cluster later(4);
  ASSERT_TRUE(later.node(0).on_round_start({1, 5}).has_value());
  expect_refused(later.node(0), reproposal_by(later, 2, 2, make_polka(later, 1, 0, 1, {1, 2, 3})),
                 round_errc::round_behind_window, "a round message of a round before the window");
}

// Under policy B a re-proposal ranks by its reproposer's VRF output for the round, proved
// in the re-proposal itself: the member of lowest output leads with whatever it sends,
// and a proof of another member's key is refused.
TEST(LeadingMessage, UnderPolicyBAReproposalRanksByItsReproposersOwnVrfOutput) {
  Cluster c(4, {{1, 2, 3}, {4, 5}}, "vrf");
  const std::uint32_t round = 2;
  std::size_t leader = 0;
  for (std::size_t i = 1; i < c.size(); ++i)
    if (vrf_output_of(c, i, round) < vrf_output_of(c, leader, round)) leader = i;
  // A node other than the leader receives every member's round message: the leader's is a
  // re-proposal of another member's round-0 block, the others are fresh proposals.
  const std::size_t receiver = leader == 0 ? 1 : 0;
  const std::size_t carried_from = leader == 3 ? 2 : 3;
  RoundMachine& n = c.node(receiver);
  ASSERT_TRUE(n.on_round_start({1, round}).has_value());
  const CarriedPolka polka = make_polka(c, carried_from, 0, 1, {0, 1, 2, 3});
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (i == receiver) continue;
    if (i == leader) {
      Reproposal forged = reproposal_by(c, leader, round, polka);
      forged.vrf_proof = reproposal_by(c, receiver, round, polka).vrf_proof;  // another key's proof
      expect_refused(n, forged, round_errc::bad_vrf_proof, "a proof of another member's VRF key");
      const auto r = n.on_reproposal(reproposal_by(c, leader, round, polka));
      ASSERT_TRUE(r.has_value()) << r.error().message();
      ASSERT_NE(n.vrf_output_of(round, c.member_of(leader)), nullptr);
      EXPECT_EQ(*n.vrf_output_of(round, c.member_of(leader)), vrf_output_of(c, leader, round))
          << "ranked by the reproposer's output, not the carried proposer's";
    } else {
      ASSERT_TRUE(n.on_proposal(proposal_by(c, i, round)).has_value());
    }
  }
  // Every member's round message is in: the collect step ends at once, on the leader's.
  ASSERT_NE(n.prevote_of(round), nullptr) << "every round message in and the best's body held: prevoted early";
  EXPECT_TRUE(n.prevote_of(round)->approve);
  EXPECT_EQ(n.prevote_of(round)->block_id, polka.polka.block_id);
}

// The lock rule judges the leading message: a locked node refuses a leader that
// re-proposes a polka older than its lock (a nil prevote naming the block), and follows
// one that re-proposes a polka at or after it (spec/protocol.md 4.6, 5.4, 6).
TEST(LeadingMessage, ALockedNodeRefusesALeaderWithAnOlderPolkaAndFollowsALaterOne) {
  Cluster c(4, {{1, 2, 3}, {4, 5}}, "vrf");
  // A round in which some member other than node 0 has a lower output than node 0.
  std::uint32_t round = 3;
  std::size_t leader = 0;
  for (; round < 64 && leader == 0; ++round) {
    for (std::size_t i = 1; i < c.size(); ++i)
      if (vrf_output_of(c, i, round) < vrf_output_of(c, leader, round)) leader = i;
  }
  --round;
  ASSERT_NE(leader, 0U);
  // Node 0 is locked on its own round-1 block L with L's polka (restored, as after a restart).
  const CarriedPolka lock_polka = make_polka(c, 0, 1, 1, {0, 1, 2});
  const BlockId lock_block = lock_polka.polka.block_id;
  const auto locked = [&] {
    RoundMachine n = c.node(0);  // a copy of node 0 before its first round (c outlives it)
    EXPECT_TRUE(n.restore_polka(lock_polka).has_value());
    EXPECT_TRUE(n.restore_vote(signed_vote(c, 0, 1, VoteStep::precommit, lock_block)).has_value());
    EXPECT_EQ(n.lock(), (Lock{true, lock_block, 1}));
    EXPECT_TRUE(n.on_round_start({1, round}).has_value());
    EXPECT_NE(n.reproposal(), nullptr) << "a locked node re-proposes its lock's polka";
    return n;
  };
  const std::size_t other = leader == 3 ? 2 : 3;
  // The locked node's prevote of `round` when the leader re-proposes `polka`.
  const auto prevote_under = [&](const CarriedPolka& polka) {
    RoundMachine n = locked();
    EXPECT_TRUE(n.on_reproposal(reproposal_by(c, leader, round, polka)).has_value());
    EXPECT_TRUE(n.on_timer({TimerKind::collect_deadline, 1, round}).has_value());
    const Vote* v = n.prevote_of(round);
    EXPECT_NE(v, nullptr);
    return v != nullptr ? *v : Vote{};
  };
  const CarriedPolka older = make_polka(c, other, 0, 0, {1, 2, 3});
  const Vote refused = prevote_under(older);
  EXPECT_FALSE(refused.approve) << "a polka of round 0 cannot unlock a lock of round 1";
  EXPECT_EQ(refused.block_id, older.polka.block_id) << "the nil prevote names the leading block";
  const CarriedPolka later = make_polka(c, other, 1, 2, {1, 2, 3});
  const Vote followed = prevote_under(later);
  EXPECT_TRUE(followed.approve) << "a polka of round 2 is at or after the lock";
  EXPECT_EQ(followed.block_id, later.polka.block_id);
}

// Rule "announce": every node locked in round 0 and undecided at its prevote deadline
// sends the polka it locked on, once; a round that decides sends none.
TEST(LeadingMessage, ALockedUndecidedNodeAnnouncesItsPolkaAtThePrevoteDeadlineOnly) {
  Cluster c(4);
  c.start_all();
  c.deliver_if([](const test::Envelope& e, std::size_t) {
    return !(e.action.kind == ActionKind::broadcast_vote && e.action.vote.step == VoteStep::precommit);
  });
  for (std::size_t i = 0; i < c.size(); ++i) ASSERT_TRUE(c.node(i).lock().held) << "node " << i;
  EXPECT_EQ(c.sent(ActionKind::broadcast_polka), 0U) << "nothing is announced before the deadline";
  c.fire(TimerKind::prevote_deadline, 0);
  EXPECT_EQ(c.sent(ActionKind::broadcast_polka), 4U) << "each locked, undecided node announces once";
  for (std::size_t i = 0; i < c.size(); ++i) {
    const CarriedPolka* p = c.node(i).lock_polka();
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->polka.round, 0U);
    EXPECT_EQ(p->polka.block_id, c.node(i).lock().block_id);
    EXPECT_TRUE(verify_polka(p->polka, c.membership(), c.chain()).has_value());
    const auto again = c.node(i).on_timer({TimerKind::prevote_deadline, 1, 0});
    EXPECT_FALSE(again.has_value()) << "the deadline is spent";
  }
  c.deliver();

  Cluster decided(4);
  decided.start_all();
  decided.deliver();
  for (std::size_t i = 0; i < decided.size(); ++i) ASSERT_TRUE(decided.node(i).decision().has_value());
  decided.fire(TimerKind::prevote_deadline, 0);
  EXPECT_EQ(decided.sent(ActionKind::broadcast_polka), 0U) << "a decided round announces nothing";
}

}  // namespace
}  // namespace midnight
