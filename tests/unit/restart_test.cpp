// Restart from the vote journal: RoundMachine::restore_vote / restore_lock, and the
// simulator's crash-restart host judged by its vote monitor, including the negative
// controls that the monitor and the agreement check must catch.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/sim/simulator.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

using test::chain;
using test::make_equal_members;
using test::make_vote;

// One machine of a 4-member set, at height 1, not yet in a round.
struct Node {
  test::TestMembers members = make_equal_members(4);
  LowestHashPolicy policy;
  std::vector<std::vector<std::uint8_t>> txs{{1, 2, 3}, {4, 5}};
  std::vector<TxBytes> views;
  std::unique_ptr<RoundMachine> machine;
  std::size_t self = 0;

  Node() {
    crypto_init();
    NodeConfig c;
    c.chain_id = chain();
    c.membership = &members.membership;
    c.policy = &policy;
    c.keys = members.keys[self];
    c.vrf_keys = test::vrf_keypair_of(c.keys);
    c.reward_per_height = 1000;
    machine = std::make_unique<RoundMachine>(c);
    for (const auto& t : txs) views.emplace_back(t);
    machine->begin_height(HeightStart{1, test::block_id(0xee), 0, views});
  }
  Vote own(std::uint32_t round, VoteStep step, const BlockId& id, bool approve = true) const {
    return make_vote(members.keys[self], chain(), 1, round, step, id, approve);
  }
  // Runs the round's collect deadline and returns this node's own prevote from the actions.
  std::optional<Vote> prevote_in(std::uint32_t round) {
    EXPECT_TRUE(machine->on_round_start({1, round}).has_value());
    auto r = machine->on_timer({TimerKind::collect_deadline, 1, round});
    EXPECT_TRUE(r.has_value());
    for (const Action& a : r.value())
      if (a.kind == ActionKind::broadcast_vote && a.vote.voter == machine->public_key()) return a.vote;
    return std::nullopt;
  }
};

TEST(Restore, RejectsWhatIsNotThisNodesVoteAndLeavesTheMachineUnchanged) {
  Node n;
  const RoundMachine before = *n.machine;
  const Vote other = make_vote(n.members.keys[1], chain(), 1, 0, VoteStep::prevote, test::block_id(7));
  EXPECT_EQ(n.machine->restore_vote(other).error(), round_errc::not_own_vote);
  Vote forged = n.own(0, VoteStep::prevote, test::block_id(7));
  forged.signature.v[5] ^= 1;
  EXPECT_EQ(n.machine->restore_vote(forged).error(), round_errc::bad_signature);
  EXPECT_EQ(n.machine->restore_vote(make_vote(n.members.keys[0], chain(), 2, 0, VoteStep::prevote,
                                              test::block_id(7)))
                .error(),
            round_errc::wrong_height);
  EXPECT_EQ(n.machine->restore_vote(make_vote(n.members.keys[0], chain(0x11), 1, 0, VoteStep::prevote,
                                              test::block_id(7)))
                .error(),
            round_errc::wrong_chain);
  EXPECT_EQ(n.machine->restore_lock(1, Lock{true, test::block_id(7), 0}).error(), round_errc::lock_without_precommit);
  EXPECT_TRUE(*n.machine == before);
}

TEST(Restore, TwoDifferentVotesForOneRoundAndStepAreRefused) {
  Node n;
  ASSERT_TRUE(n.machine->restore_vote(n.own(0, VoteStep::prevote, test::block_id(7))).has_value());
  EXPECT_TRUE(n.machine->restore_vote(n.own(0, VoteStep::prevote, test::block_id(7))).has_value());  // twice: fine
  const RoundMachine before = *n.machine;
  EXPECT_EQ(n.machine->restore_vote(n.own(0, VoteStep::prevote, test::block_id(8))).error(),
            round_errc::conflicting_own_vote);
  EXPECT_EQ(n.machine->restore_vote(n.own(0, VoteStep::prevote, BlockId{}, false)).error(),
            round_errc::conflicting_own_vote);
  EXPECT_TRUE(*n.machine == before);
}

TEST(Restore, OnlyBeforeTheFirstRound) {
  Node n;
  ASSERT_TRUE(n.machine->on_round_start({1, 0}).has_value());
  EXPECT_EQ(n.machine->restore_vote(n.own(0, VoteStep::prevote, test::block_id(7))).error(),
            round_errc::restore_too_late);
  EXPECT_EQ(n.machine->restore_lock(1, Lock{true, test::block_id(7), 0}).error(), round_errc::restore_too_late);
}

TEST(Restore, ARestoredPrevoteIsSentAgainNeverReplaced) {
  // A live node prevotes its own block (the only proposal it holds at the deadline).
  Node live;
  const auto first = live.prevote_in(0);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->approve);
  // Restarted with a journal that says it prevoted another block in round 0: it must
  // send that vote again, not the one it would choose now.
  Node restarted;
  const Vote journaled = restarted.own(0, VoteStep::prevote, test::block_id(0x42));
  ASSERT_TRUE(restarted.machine->restore_vote(journaled).has_value());
  const auto again = restarted.prevote_in(0);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, journaled);
  EXPECT_EQ(*restarted.machine->prevote_of(0), journaled);
  EXPECT_EQ(restarted.machine->step(), Step::prevoted);
}

TEST(Restore, ARestoredPrecommitRestoresTheLockAndTheLockRuleHolds) {
  Node n;
  const BlockId locked = test::block_id(0x42);  // a block this run never sees proposed
  ASSERT_TRUE(n.machine->restore_vote(n.own(0, VoteStep::prevote, locked)).has_value());
  ASSERT_TRUE(n.machine->restore_vote(n.own(0, VoteStep::precommit, locked)).has_value());
  EXPECT_EQ(n.machine->lock(), (Lock{true, locked, 0}));
  EXPECT_TRUE(n.machine->restore_lock(1, Lock{true, locked, 0}).has_value());
  EXPECT_EQ(n.machine->restore_lock(1, Lock{true, test::block_id(0x43), 0}).error(),
            round_errc::lock_without_precommit);
  // In round 1 its only candidate is its own fresh block: locked elsewhere, with no
  // polka since, it must reject rather than approve it.
  const auto v = n.prevote_in(1);
  ASSERT_TRUE(v.has_value());
  EXPECT_FALSE(v->approve);
}

TEST(Restore, WithoutTheJournalTheSameNodeWouldApprove) {
  // The control for the test above: the same node without the restored lock approves.
  Node n;
  const auto v = n.prevote_in(1);
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE(v->approve);
}

// ---- the simulator's crash-restart host ----------------------------------------------

sim::SimConfig crashing(std::uint64_t seed, sim::CrashPoint point) {
  sim::SimConfig c;
  c.nodes = 4;
  c.seed = seed;
  c.drop_probability = 0.1;
  c.crashes.push_back({1, 300 + seed * 37, 900 + seed * 53, point});
  c.crashes.push_back({2, 3100 + seed * 31, 3500 + seed * 40, point});
  return c;
}

TEST(SimRestart, JournaledRestartsNeverDoubleVoteAtAnyCrashPoint) {
  for (auto point : {sim::CrashPoint::before_step, sim::CrashPoint::torn_append, sim::CrashPoint::after_sync}) {
    std::uint64_t torn = 0;
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
      const auto r = sim::run_simulation(crashing(seed, point));
      ASSERT_TRUE(r.error.empty()) << r.error;
      EXPECT_TRUE(r.no_double_votes && r.locks_kept && r.agreement) << sim::to_string(point) << " seed " << seed;
      EXPECT_EQ(r.restarts, 2U);
      EXPECT_EQ(r.journal_refusals, 0U);
      torn += r.torn_frames_dropped;
    }
    // Torn appends do happen (and are dropped) when the crash falls inside one.
    if (point == sim::CrashPoint::torn_append) {
      EXPECT_GT(torn, 0U);
    } else {
      EXPECT_EQ(torn, 0U);
    }
  }
}

TEST(SimRestart, AmnesiaIsCaughtByTheVoteMonitor) {
  // Negative control: the same schedules with the journal thrown away at restart.
  std::size_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    auto c = crashing(seed, sim::CrashPoint::before_step);
    c.negative_control = sim::NegativeControl::restart_without_journal;
    const auto r = sim::run_simulation(c);
    if (!r.no_double_votes || !r.locks_kept) ++caught;
  }
  EXPECT_GT(caught, 0U);
}

// A crash inside the step that locks (after its journal append is durable, before
// anything of it is released): the node comes back locked. With two members its vote is
// needed for every quorum, so the height ends only if it can still show its lock's
// polka: the polka is journaled before the precommit (spec/journal.md). The control
// drops the polka records at restart, and the node prevotes nil in every later round
// (the run found by the chain property before the polka was journaled, spec/claims.md).
sim::SimConfig locked_two_node_chain(std::uint64_t seed) {
  sim::SimConfig c;
  c.nodes = 2;
  c.latency_min_ms = 8;
  c.latency_max_ms = 81;
  c.duplicate_probability = 0.01;
  c.crashes.push_back({1, 36, 603000, sim::CrashPoint::after_sync});
  c.heights = 5;
  c.height_interval_ms = 600000;
  c.mempool_size = 5;
  c.seed = seed;
  return c;
}

TEST(SimRestart, ALockedRestartShowsItsPolkaAndEveryHeightEnds) {
  const auto r = sim::run_simulation(locked_two_node_chain(18420397));
  ASSERT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.agreement && r.no_double_votes && r.locks_kept);
  EXPECT_TRUE(r.chains_complete) << "both nodes decide heights 1-5";
  EXPECT_EQ(r.finalized.size(), 10U);

  auto control = locked_two_node_chain(18420397);
  control.negative_control = sim::NegativeControl::lock_without_polka;
  const auto stalled = sim::run_simulation(control);
  EXPECT_TRUE(stalled.agreement) << "losing the polka costs liveness, never safety";
  EXPECT_FALSE(stalled.chains_complete) << "control: locked without its polka, the height never ends";
}

TEST(SimRestart, ByzantineNodesCannotRestart) {
  sim::SimConfig c;
  c.nodes = 4;
  c.byzantine = 1;
  c.crashes.push_back({3, 100, 200, sim::CrashPoint::before_step});
  EXPECT_FALSE(sim::validate(c).empty());
  c.crashes = {{1, 100, 200, sim::CrashPoint::before_step}, {1, 150, 300, sim::CrashPoint::before_step}};
  EXPECT_NE(sim::validate(c).find("before it has restarted"), std::string::npos);
  c.crashes = {{1, 100, 200, sim::CrashPoint::before_step}, {1, 250, 300, sim::CrashPoint::torn_append}};
  EXPECT_TRUE(sim::validate(c).empty()) << sim::validate(c);
}

// Runs `base` for seeds 1..seeds with the protocol (the verdict must hold every time)
// and with `control` (it must break at least once); returns how often it broke.
template <class Verdict>
std::size_t broken_by(sim::SimConfig base, sim::NegativeControl control, std::uint64_t seeds, Verdict holds) {
  std::size_t broken = 0;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    base.seed = seed;
    base.negative_control = sim::NegativeControl::none;
    EXPECT_TRUE(holds(sim::run_simulation(base))) << "protocol, seed " << seed;
    base.negative_control = control;
    if (!holds(sim::run_simulation(base))) ++broken;
  }
  return broken;
}

TEST(NegativeControls, CeilQuorumBreaksAgreementAtAThirdByzantine) {
  // n = 3 with one equivocator: ceil(2n/3) = 2 lets two disjoint-but-for-the-traitor
  // quorums form; the protocol's quorum of 3 does not. Same seeds, both rules.
  // Lowest hash, where honest nodes can choose apart (under policy B they follow one leader).
  sim::SimConfig c;
  c.nodes = 3;
  c.byzantine = 1;
  c.policy = sim::Policy::lowest_hash;
  EXPECT_GT(broken_by(c, sim::NegativeControl::quorum_ceil, 30, [](const sim::SimResult& r) { return r.agreement; }),
            0U);
}

TEST(NegativeControls, RetryWithoutLockIsCaughtByTheLockMonitor) {
  sim::SimConfig c;
  c.nodes = 4;
  c.byzantine = 1;
  c.drop_probability = 0.3;
  EXPECT_GT(broken_by(c, sim::NegativeControl::no_lock, 10, [](const sim::SimResult& r) { return r.locks_kept; }),
            0U);
}

}  // namespace
}  // namespace midnight
