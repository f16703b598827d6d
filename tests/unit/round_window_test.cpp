// Wire v2 rounds: unbounded rounds in a fixed window, the round skip, the one-message
// re-proposal and the growing step lengths (spec/protocol.md sections 5.1, 5.4, 5.5).
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <vector>

#include "midnight/block/builder.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/tally.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"
#include "round_cluster.hpp"

namespace midnight {
namespace {

using test::Cluster;
using test::make_polka;
using test::signed_vote;

BlockId block_of(std::uint8_t fill) {
  BlockId b;
  b.v.fill(fill);
  return b;
}


// The set_timer actions of one step, by kind.
struct Timers {
  std::optional<Action> collect, prevote, round_end;
  std::size_t count = 0;
};
Timers timers_of(Actions actions) {
  Timers t;
  for (const Action& a : actions) {
    if (a.kind != ActionKind::set_timer) continue;
    ++t.count;
    if (a.timer.kind == TimerKind::collect_deadline) t.collect = a;
    if (a.timer.kind == TimerKind::prevote_deadline) t.prevote = a;
    if (a.timer.kind == TimerKind::round_end) t.round_end = a;
  }
  return t;
}

// Round r's timers are at S(r) + collect_ms(t, r), then + prevote_ms(t, r), and at S(r + 1)
// (spec/protocol.md 5.1), all for (height 1, round r).
void expect_round_timers(Actions actions, const RoundTiming& t, std::uint64_t midnight, std::uint32_t r) {
  const Timers got = timers_of(actions);
  ASSERT_EQ(got.count, 3U) << "round " << r;
  ASSERT_TRUE(got.collect && got.prevote && got.round_end) << "round " << r;
  using timing_detail::add_saturated;  // S(r) saturates at 2^64 - 1 in the far rounds
  const std::uint64_t start = round_start_ms(midnight, t, r);
  EXPECT_EQ(got.collect->at_ms, add_saturated(start, collect_ms(t, r))) << "round " << r;
  EXPECT_EQ(got.prevote->at_ms, add_saturated(add_saturated(start, collect_ms(t, r)), prevote_ms(t, r)))
      << "round " << r;
  EXPECT_EQ(got.round_end->at_ms, round_start_ms(midnight, t, r + 1)) << "round " << r;
  for (const Action* a : {&*got.collect, &*got.prevote, &*got.round_end}) {
    EXPECT_EQ(a->timer.height, 1U);
    EXPECT_EQ(a->timer.round, r);
  }
}

// ---- (a) unbounded rounds -----------------------------------------------------------------

// Two of four members are silent, so no quorum ever forms: the other two run 200 rounds,
// each ended by its round_end timer. Every timer is accepted, the window follows the
// round ([round - 1, round + 2]), no round is "the last" and nothing is decided.
TEST(RoundWindow, TwoHundredRoundsWithoutAQuorumKeepTheWindowOnTheRound) {
  Cluster c(4);
  constexpr std::size_t kLive = 2;  // nodes 0 and 1; nodes 2 and 3 never start, never send
  const auto link = [](std::size_t from, std::size_t to) { return from < kLive && to < kLive; };
  for (std::size_t i = 0; i < kLive; ++i) c.take(i, c.node(i).on_round_start({1, 0}));
  c.deliver(link);
  constexpr std::uint32_t kRounds = 200;
  std::optional<Proposal> old_proposal;
  std::optional<Vote> old_prevote, old_precommit;
  for (std::uint32_t r = 0; r < kRounds; ++r) {
    for (std::size_t i = 0; i < kLive; ++i) {
      const RoundMachine& n = c.node(i);
      ASSERT_EQ(n.round(), r) << "node " << i;
      ASSERT_EQ(n.window_lowest(), r == 0 ? 0 : r - 1) << "node " << i;
      ASSERT_EQ(n.window_highest(), r + 2) << "node " << i;
    }
    for (TimerKind kind : {TimerKind::collect_deadline, TimerKind::prevote_deadline}) {
      for (std::size_t i = 0; i < kLive; ++i) {
        const auto step = c.node(i).on_timer({kind, 1, r});
        ASSERT_TRUE(step.has_value()) << "round " << r << ": " << step.error().message();
        c.take(i, step);
      }
      c.deliver(link);
    }
    for (std::size_t i = 0; i < kLive; ++i) {
      const RoundMachine& n = c.node(i);
      ASSERT_FALSE(n.decision().has_value()) << "round " << r;
      ASSERT_EQ(n.step(), Step::precommitted) << "round " << r;
      ASSERT_FALSE(n.lock().held) << "round " << r;
      ASSERT_NE(n.prevote_of(r), nullptr) << "round " << r;
      ASSERT_NE(n.prevotes(r), nullptr);
      ASSERT_EQ(n.prevotes(r)->voters().count(), 2U) << "both live members' prevotes, round " << r;
      ASSERT_TRUE(n.prevotes(r)->voters().contains(c.member_of(0)) && n.prevotes(r)->voters().contains(c.member_of(1)))
          << "round " << r;
      ASSERT_FALSE(n.prevotes(r)->quorum_block().has_value());
      ASSERT_FALSE(n.precommits(r)->quorum_block().has_value());
    }
    if (r == kRounds - 2) {  // what node 1 sent in round 198, as node 0 holds it
      old_proposal = *c.node(0).proposal_of(r, c.member_of(1));
      old_prevote = *c.node(0).prevotes(r)->vote_of(c.member_of(1));
      old_precommit = *c.node(0).precommits(r)->vote_of(c.member_of(1));
    }
    for (std::size_t i = 0; i < kLive; ++i) {
      const auto end = c.node(i).on_timer({TimerKind::round_end, 1, r});
      ASSERT_TRUE(end.has_value()) << "round " << r << ": " << end.error().message();
      c.take(i, end);
    }
    c.deliver(link);
  }
  EXPECT_TRUE(c.rejections().empty()) << c.rejections().front().message();
  RoundMachine& n = c.node(0);
  ASSERT_EQ(n.round(), kRounds);
  EXPECT_EQ(n.step(), Step::collect);
  EXPECT_EQ(n.window_lowest(), kRounds - 1);
  EXPECT_EQ(n.window_highest(), kRounds + 2);
  EXPECT_EQ(n.prevotes(kRounds - 2), nullptr) << "round 198 has left the window";
  EXPECT_EQ(n.proposal_of(kRounds - 2, c.member_of(1)), nullptr);
  EXPECT_NE(n.prevotes(kRounds - 1), nullptr);
  EXPECT_EQ(n.highest_round_seen(c.member_of(1)), kRounds);

  // Round 198's messages are behind the window: rejected, and nothing changes.
  const RoundMachine before = n;
  ASSERT_TRUE(old_proposal && old_prevote && old_precommit);
  const auto p = n.on_proposal(*old_proposal);
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error(), round_errc::round_behind_window);
  for (const Vote* v : {&*old_prevote, &*old_precommit}) {
    const auto r = n.on_vote(*v);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error(), round_errc::round_behind_window);
  }
  // Round 0, far behind, from a member silent all along: the same.
  const auto r0 = n.on_vote(signed_vote(c, 2, 0, VoteStep::prevote, c.node(0).prevote_of(kRounds - 1)->block_id));
  ASSERT_FALSE(r0.has_value());
  EXPECT_EQ(r0.error(), round_errc::round_behind_window);
  EXPECT_TRUE(n == before);
}

// ---- (b) the round skip ----------------------------------------------------------------

// Node 0, in round 0, receives valid prevotes of round 40. Once members of more than a
// third of the weight have sent them it starts round 40: its proposal for round 40 and
// the three timers of round 40, at the v2 schedule's times.
TEST(RoundSkip, PrevotesOfALaterRoundFromMoreThanAThirdStartThatRound) {
  Cluster c(4);
  RoundMachine& n = c.node(0);
  ASSERT_TRUE(n.on_round_start({1, 0}).has_value());
  const BlockId x = block_of(0x42);

  const auto first = n.on_vote(signed_vote(c, 1, 40, VoteStep::prevote, x));
  ASSERT_TRUE(first.has_value()) << first.error().message();
  EXPECT_TRUE(first.value().empty());
  EXPECT_EQ(n.round(), 0U) << "a quarter of the weight is not more than a third";
  EXPECT_EQ(n.highest_round_seen(c.member_of(1)), 40U);

  const auto second = n.on_vote(signed_vote(c, 2, 40, VoteStep::prevote, x));
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_EQ(n.round(), 40U);
  EXPECT_EQ(n.step(), Step::collect);
  EXPECT_EQ(n.window_lowest(), 39U);
  EXPECT_EQ(n.window_highest(), 42U);
  const Actions actions = second.value();
  ASSERT_EQ(actions.size(), 4U) << "a proposal and three timers";
  std::size_t proposals = 0;
  for (const Action& a : actions) {
    if (a.kind != ActionKind::broadcast_proposal) continue;
    ++proposals;
    EXPECT_EQ(a.proposal.header.round, 40U);
    EXPECT_EQ(a.proposal.header.proposer, c.keys(0).public_key);
    EXPECT_EQ(a.proposal.header.timestamp_ms, 1'290'000U);  // S(40) = 40 * 3000 + 1500 * 40 * 39 / 2
    EXPECT_TRUE(verify_proposal(a.proposal));
  }
  EXPECT_EQ(proposals, 1U);
  const Timers t = timers_of(actions);
  ASSERT_TRUE(t.collect && t.prevote && t.round_end);
  EXPECT_EQ(t.collect->at_ms, 1'311'000U);    // S(40) + (1000 + 40 * 500)
  EXPECT_EQ(t.prevote->at_ms, 1'332'000U);    // + (1000 + 40 * 500)
  EXPECT_EQ(t.round_end->at_ms, 1'353'000U);  // S(41)
  expect_round_timers(actions, RoundTiming{}, 0, 40);
  // The vote that made the skip is counted in round 40 (its round is now in the window);
  // the first one came while round 40 was beyond the window and was only counted toward
  // the skip.
  ASSERT_NE(n.prevotes(40), nullptr);
  EXPECT_NE(n.prevotes(40)->vote_of(c.member_of(2)), nullptr);
  EXPECT_EQ(n.prevotes(40)->vote_of(c.member_of(1)), nullptr);
  EXPECT_TRUE(n.on_vote(signed_vote(c, 1, 40, VoteStep::prevote, x)).has_value());
  EXPECT_NE(n.prevotes(40)->vote_of(c.member_of(1)), nullptr) << "sent again, it counts";
}

// The target is the highest round r that members of more than a third have reached:
// one member at round 50 and one at round 40 (two of four) take node 0 to round 40.
TEST(RoundSkip, SkipsToTheHighestRoundMoreThanAThirdHaveReached) {
  Cluster c(4);
  RoundMachine& n = c.node(0);
  ASSERT_TRUE(n.on_round_start({1, 0}).has_value());
  const BlockId x = block_of(0x42);
  ASSERT_TRUE(n.on_vote(signed_vote(c, 1, 50, VoteStep::precommit, x, false)).has_value());
  EXPECT_EQ(n.round(), 0U);
  const auto skip = n.on_vote(signed_vote(c, 2, 40, VoteStep::prevote, x));
  ASSERT_TRUE(skip.has_value());
  EXPECT_EQ(n.round(), 40U);
  expect_round_timers(skip.value(), RoundTiming{}, 0, 40);
  // A third member at round 50: now more than a third is at 50.
  const auto again = n.on_vote(signed_vote(c, 3, 50, VoteStep::prevote, x));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(n.round(), 50U);
  expect_round_timers(again.value(), RoundTiming{}, 0, 50);
}

// Exactly a third of the weight, or less, never makes a node skip: 1 of 3 and 2 of 6
// members (exactly a third), 1 of 4 (less). One more member of the same round does.
TEST(RoundSkip, AThirdOrLessOfTheWeightDoesNotSkip) {
  struct Case {
    std::size_t members;
    std::size_t ahead;  // members that sent round-40 prevotes without making node 0 skip
  };
  for (const Case k : {Case{3, 1}, Case{6, 2}, Case{4, 1}}) {
    Cluster c(k.members);
    RoundMachine& n = c.node(0);
    ASSERT_TRUE(n.on_round_start({1, 0}).has_value());
    const BlockId x = block_of(0x42);
    for (std::size_t i = 1; i <= k.ahead; ++i) {
      const auto r = n.on_vote(signed_vote(c, i, 40, VoteStep::prevote, x));
      ASSERT_TRUE(r.has_value()) << r.error().message();
      EXPECT_TRUE(r.value().empty());
      EXPECT_EQ(n.highest_round_seen(c.member_of(i)), 40U);
    }
    EXPECT_EQ(n.round(), 0U) << k.ahead << " of " << k.members;
    EXPECT_EQ(n.step(), Step::collect);
    EXPECT_EQ(n.window_highest(), 2U);
    const auto tipping = n.on_vote(signed_vote(c, k.ahead + 1, 40, VoteStep::prevote, x));
    ASSERT_TRUE(tipping.has_value());
    EXPECT_EQ(n.round(), 40U) << k.ahead + 1 << " of " << k.members;
  }
}

// ---- (c) the re-proposal ------------------------------------------------------------------

// A re-proposal's polka must be a prevote quorum for the proposal's block, of a round at
// or after the block's round. Each violation is bad_polka and changes nothing.
TEST(CarriedPolka, APolkaThatDoesNotBackTheBlockIsRejected) {
  Cluster c(4);
  RoundMachine& n = c.node(0);
  ASSERT_TRUE(n.on_round_start({1, 30}).has_value());
  const CarriedPolka good = make_polka(c, 1, 3, 3, {1, 2, 3});
  const BlockId other_block = compute_block_id(make_polka(c, 2, 3, 3, {}).proposal.header);
  ASSERT_NE(other_block, good.polka.block_id);

  struct Case {
    const char* what;
    CarriedPolka rp;
  };
  CarriedPolka below_quorum = make_polka(c, 1, 3, 3, {1, 2});
  CarriedPolka truncated = good;  // a valid polka with its last entry dropped
  truncated.polka.signatures.resize(2);
  CarriedPolka renamed = good;  // the polka's block id changed: it names another block
  renamed.polka.block_id = other_block;
  const CarriedPolka other = make_polka(c, 1, 3, 3, {1, 2, 3}, other_block);  // a real quorum, for another block
  const CarriedPolka earlier = make_polka(c, 1, 5, 3, {1, 2, 3});  // polka round 3 < header round 5
  const CarriedPolka precommits = make_polka(c, 1, 3, 3, {1, 2, 3}, {}, VoteStep::precommit);
  CarriedPolka forged = good;
  forged.polka.signatures[1].signature.v[0] ^= 1;
  const std::array<Case, 7> cases{{{"two prevotes of four", below_quorum},
                                   {"a quorum cut below quorum", truncated},
                                   {"polka renamed to another block", renamed},
                                   {"a quorum for another block", other},
                                   {"polka round below the header's round", earlier},
                                   {"precommit signatures", precommits},
                                   {"a forged prevote signature", forged}}};
  const RoundMachine before = n;
  for (const Case& k : cases) {
    const auto r = n.on_polka(k.rp);
    ASSERT_FALSE(r.has_value()) << k.what;
    EXPECT_EQ(r.error(), round_errc::bad_polka) << k.what << ": " << r.error().message();
    EXPECT_TRUE(n == before) << k.what;
  }
  EXPECT_TRUE(n.on_polka(good).has_value()) << "the valid one is accepted";
  EXPECT_FALSE(n == before);
}

// A polka from long before the window (round 3, receiver in round 30) is accepted whole:
// it becomes the receiver's held polka, which it re-proposes as its next round message.
// It does not move the receiver's prevote of round 30: the choice is the round's leading
// message (spec/protocol.md 4.6), and a polka that arrives during the collect step is no
// round-30 message (what defeats the late release of polka votes).
TEST(CarriedPolka, APolkaFromLongBeforeTheWindowIsHeldAndReproposedNextRound) {
  Cluster c(4);
  RoundMachine& n = c.node(0);
  ASSERT_TRUE(n.on_round_start({1, 30}).has_value());
  ASSERT_EQ(n.window_lowest(), 29U);
  const BlockId own = compute_block_id(n.proposal_of(30, c.member_of(0))->header);
  const CarriedPolka rp = make_polka(c, 1, 3, 3, {1, 2, 3});
  const BlockId b = rp.polka.block_id;
  ASSERT_NE(b, own);
  ASSERT_EQ(n.held_polka(), nullptr);

  const auto accepted = n.on_polka(rp);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().message();
  ASSERT_NE(n.held_polka(), nullptr);
  EXPECT_EQ(*n.held_polka(), rp);
  EXPECT_EQ(n.round(), 30U) << "a polka of an earlier round skips nothing";

  const auto collect = n.on_timer({TimerKind::collect_deadline, 1, 30});
  ASSERT_TRUE(collect.has_value()) << collect.error().message();
  const Vote* pv = n.prevote_of(30);
  ASSERT_NE(pv, nullptr);
  EXPECT_TRUE(pv->approve);
  EXPECT_EQ(pv->block_id, own) << "the round's leading message, not the polka learned during the collect step";

  // The next round re-proposes the round-3 block with its polka: one message, signed as
  // this node's round-31 message.
  ASSERT_TRUE(n.on_timer({TimerKind::prevote_deadline, 1, 30}).has_value());
  const auto next = n.on_timer({TimerKind::round_end, 1, 30});
  ASSERT_TRUE(next.has_value());
  std::size_t reproposals = 0, proposals = 0;
  for (const Action& a : next.value()) {
    reproposals += a.kind == ActionKind::broadcast_reproposal;
    proposals += a.kind == ActionKind::broadcast_proposal;
  }
  EXPECT_EQ(reproposals, 1U);
  EXPECT_EQ(proposals, 0U);
  ASSERT_NE(n.reproposal(), nullptr);
  EXPECT_EQ(n.reproposal()->carried, rp);
  EXPECT_EQ(n.reproposal()->round, 31U);
  EXPECT_EQ(n.polka_round_of(31, c.member_of(0)), std::optional<std::uint32_t>(3U));
  // Alone in round 31, its own re-proposal leads: it prevotes the polka's block.
  ASSERT_TRUE(n.on_timer({TimerKind::collect_deadline, 1, 31}).has_value());
  ASSERT_NE(n.prevote_of(31), nullptr);
  EXPECT_EQ(n.prevote_of(31)->block_id, b);
  EXPECT_TRUE(n.prevote_of(31)->approve);
}

// ---- (d) growing timers ---------------------------------------------------------------------

// The set_timer actions of round r are at S(r) + collect_ms(t, r), + prevote_ms(t, r) and
// S(r + 1), for rounds reached by round_end timers, by on_round_start and by a skip, with
// the default timing (values written out) and with another timing and midnight.
TEST(RoundTimers, EveryRoundsTimersFollowTheGrowingSchedule) {
  // Default timing, midnight 0: the first three rounds, written out.
  {
    Cluster c(4);
    RoundMachine& n = c.node(0);
    const auto r0 = n.on_round_start({1, 0});
    ASSERT_TRUE(r0.has_value());
    const std::array<std::array<std::uint64_t, 3>, 3> expected{{
        {1000, 2000, 3000},     // round 0: steps of 1000 ms
        {4500, 6000, 7500},     // round 1: S(1) = 3000, steps of 1500 ms
        {9500, 11500, 13500},   // round 2: S(2) = 7500, steps of 2000 ms
    }};
    result<Actions> step = r0;
    for (std::uint32_t r = 0; r < 3; ++r) {
      const Timers t = timers_of(step.value());
      ASSERT_TRUE(t.collect && t.prevote && t.round_end) << "round " << r;
      EXPECT_EQ(t.collect->at_ms, expected[r][0]) << "round " << r;
      EXPECT_EQ(t.prevote->at_ms, expected[r][1]) << "round " << r;
      EXPECT_EQ(t.round_end->at_ms, expected[r][2]) << "round " << r;
      for (const Action& a : step.value()) {
        if (a.kind == ActionKind::broadcast_proposal) {
          EXPECT_EQ(a.proposal.header.timestamp_ms, round_start_ms(0, RoundTiming{}, r)) << "round " << r;
        }
      }
      step = n.on_timer({TimerKind::round_end, 1, r});
      ASSERT_TRUE(step.has_value());
    }
  }
  // Another timing and midnight: 60 rounds through round_end, then starts of far rounds.
  const RoundTiming timing{700, 300, 200, 50};
  constexpr std::uint64_t kMidnight = 86'400'000;
  {
    Cluster c(4, {{1, 2, 3}, {4, 5}}, "lowest-hash", timing, kMidnight);
    RoundMachine& n = c.node(0);
    auto step = n.on_round_start({1, 0});
    ASSERT_TRUE(step.has_value());
    for (std::uint32_t r = 0; r < 60; ++r) {
      expect_round_timers(step.value(), timing, kMidnight, r);
      step = n.on_timer({TimerKind::round_end, 1, r});
      ASSERT_TRUE(step.has_value());
    }
    for (const std::uint32_t r : {61U, 1000U, 100'000U, kLastRound - 1, kLastRound}) {
      Cluster fresh(4, {{1, 2, 3}, {4, 5}}, "lowest-hash", timing, kMidnight);
      const auto start = fresh.node(0).on_round_start({1, r});
      ASSERT_TRUE(start.has_value()) << "round " << r;
      expect_round_timers(start.value(), timing, kMidnight, r);
    }
  }
  // Timers of a round started by a skip are the same.
  {
    Cluster c(4, {{1, 2, 3}, {4, 5}}, "lowest-hash", timing, kMidnight);
    RoundMachine& n = c.node(0);
    ASSERT_TRUE(n.on_round_start({1, 0}).has_value());
    ASSERT_TRUE(n.on_vote(signed_vote(c, 1, 77, VoteStep::prevote, block_of(7))).has_value());
    const auto skip = n.on_vote(signed_vote(c, 2, 77, VoteStep::prevote, block_of(7)));
    ASSERT_TRUE(skip.has_value());
    ASSERT_EQ(n.round(), 77U);
    expect_round_timers(skip.value(), timing, kMidnight, 77);
  }
}

}  // namespace
}  // namespace midnight
