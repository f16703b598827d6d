// Node logs as a timeline (audit/log_timeline.hpp): from logs written by hand, each kind of
// mark on its lane at its record's time, one mark per message whatever its recipients, a
// lock only where the lock changes, drops only towards logs given, rounds from the height's
// inputs, violations at their evidence; and from a simulated run's own logs, the drops the
// network counted and each node's decision.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "log_test_members.hpp"
#include "midnight/audit/log_error.hpp"
#include "midnight/audit/log_timeline.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/node_log_writer.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::audit {
namespace {

using view::MarkKind;

using Member = testing::LogTestMember;
using testing::log_test_members;

ChainId chain() {
  ChainId c;
  c.v.fill(0xaa);
  return c;
}

// Height 1 at midnight 0, steps of 1000 ms growing by 500 a round, weights 1, 2 and 3.
std::string header(const Member& self) {
  std::string s = "midnight-log 1\nnode " + to_hex(self.keys.public_key) + "\n";
  s += "height 1 " + to_hex(chain()) + " " + std::string(64, '0') + " 0 1000 1000 1000 500 1000 3\n";
  std::uint64_t w = 1;
  for (const auto& m : log_test_members())
    s += "member " + to_hex(m.keys.public_key) + " " + m.vrf + " " + std::string(64, '0') + " " +
         std::to_string(w++) + "\n";
  return s;
}

std::string vote_hex(const Member& m, std::uint32_t round, VoteStep step, bool approve, std::uint8_t block) {
  Vote v;
  v.chain_id = chain();
  v.height = 1;
  v.round = round;
  v.step = step;
  if (approve) v.block_id.v.fill(block);
  v.approve = approve;
  v.voter = m.keys.public_key;
  v = sign_vote(v, m.keys.secret_key);
  std::vector<std::uint8_t> out(kVoteMessageSize);
  const auto n = encode_vote(v, out);
  EXPECT_TRUE(n);
  return to_hex(std::span<const std::uint8_t>(out.data(), n.value()));
}

class LogTimeline : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("midnight-log-timeline-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::filesystem::path dir_;
};

std::vector<view::Mark> marks_of(const view::Timeline& t, MarkKind kind) {
  std::vector<view::Mark> out;
  for (const auto& m : t.marks)
    if (m.kind == kind) out.push_back(m);
  return out;
}

TEST_F(LogTimeline, MarksOfEachKindOnTheirLanesAtTheirTimes) {
  const auto ms = log_test_members();
  const Member& a = ms[0];
  const Member& b = ms[1];
  const Member& c = ms[2];  // no log of its own
  const std::string ka = to_hex(a.keys.public_key), kb = to_hex(b.keys.public_key), kc = to_hex(c.keys.public_key);
  const std::string prevote = vote_hex(a, 0, VoteStep::prevote, true, 7);
  const std::string precommit = vote_hex(a, 0, VoteStep::precommit, true, 7);
  const std::string nil = vote_hex(a, 1, VoteStep::precommit, false, 0);
  const std::string precommit_r2 = vote_hex(a, 2, VoteStep::precommit, true, 7);
  const std::string b_prevote = vote_hex(b, 0, VoteStep::prevote, true, 9);
  // a: its prevote to b and c (one mark), its precommit to b (lost) and c, a nil precommit
  // in round 1, a precommit of round 2 for the same block (a new lock: its round changed),
  // then a restart.
  const std::string log_a = header(a) +                          //
                            "sent 1000 " + kb + " " + prevote + "\n" +      //
                            "sent 1000 " + kc + " " + prevote + "\n" +      //
                            "recv 1050 " + kb + " " + b_prevote + "\n" +    //
                            "sent 2000 " + kb + " " + precommit + "\n" +    //
                            "sent 2000 " + kc + " " + precommit + "\n" +    //
                            "sent 2000 " + kb + " " + precommit + "\n" +    // sent again: no second lock
                            "sent 5000 " + kb + " " + nil + "\n" +          //
                            "sent 8000 " + kb + " " + precommit_r2 + "\n" + //
                            "restart 9000\n";
  // b: received a's prevote, its nil precommit and the precommit of round 2 (once), not
  // a's round-0 precommit; sent its prevote to a, and one to c that no log can show lost.
  const std::string log_b = header(b) +                        //
                            "recv 1100 " + ka + " " + prevote + "\n" +    //
                            "sent 1010 " + ka + " " + b_prevote + "\n" +  //
                            "sent 1010 " + kc + " " + b_prevote + "\n" +  //
                            "recv 5100 " + ka + " " + nil + "\n" +        //
                            "recv 8100 " + ka + " " + precommit_r2 + "\n";
  const std::vector<std::string> paths{write("a.log", log_a), write("b.log", log_b)};
  ViolationCollector none;
  LogFailure failure;
  const auto got = timeline_of_logs(paths, none, "t", failure);
  ASSERT_TRUE(got) << got.error().message();
  const view::Timeline& t = got.value();

  ASSERT_EQ(t.lanes.size(), 2U);
  EXPECT_EQ(t.lanes[0].label, "n0 (w 1)");
  EXPECT_EQ(t.lanes[1].label, "n1 (w 2)");
  EXPECT_EQ(t.from_ms, 0);
  EXPECT_GT(t.to_ms, 9000);
  EXPECT_EQ(t.title, "t [0 .. " + std::to_string(t.to_ms) + " ms]");

  const auto prevotes = marks_of(t, MarkKind::prevote);
  ASSERT_EQ(prevotes.size(), 2U);  // a's once (to two recipients), b's once
  EXPECT_EQ(prevotes[0].lane, 0U);
  EXPECT_EQ(prevotes[0].time_ms, 1000);
  EXPECT_EQ(prevotes[1].lane, 1U);
  EXPECT_EQ(prevotes[1].time_ms, 1010);
  EXPECT_NE(prevotes[0].block, prevotes[1].block);  // blocks 7 and 9: two colours

  const auto precommits = marks_of(t, MarkKind::precommit);
  ASSERT_EQ(precommits.size(), 3U);
  EXPECT_EQ(precommits[0].time_ms, 2000);
  EXPECT_EQ(precommits[0].choice, view::VoteChoice::approve);
  EXPECT_EQ(precommits[0].block, prevotes[0].block);  // the same block, the same index
  EXPECT_EQ(precommits[1].time_ms, 5000);
  EXPECT_EQ(precommits[1].choice, view::VoteChoice::nil);
  EXPECT_EQ(precommits[2].time_ms, 8000);

  const auto locks = marks_of(t, MarkKind::lock);
  ASSERT_EQ(locks.size(), 2U);
  EXPECT_EQ(locks[0].lane, 0U);
  EXPECT_EQ(locks[0].time_ms, 2000);
  EXPECT_EQ(locks[1].time_ms, 8000);

  const auto restarts = marks_of(t, MarkKind::restart);
  ASSERT_EQ(restarts.size(), 1U);
  EXPECT_EQ(restarts[0].lane, 0U);
  EXPECT_EQ(restarts[0].time_ms, 9000);

  // Lost: a's round-0 precommit to b, sent twice and never received. Not lost: anything
  // to c, whose log is not given.
  const auto drops = marks_of(t, MarkKind::drop);
  ASSERT_EQ(drops.size(), 2U);
  for (const auto& d : drops) {
    EXPECT_EQ(d.lane, 0U);
    EXPECT_EQ(d.to_lane, 1U);
    EXPECT_EQ(d.time_ms, 2000);
  }

  // Rounds from the inputs (protocol.md §5.1): r0 [0, 3000), r1 [3000, 7500), r2 from
  // 7500, up to the round of the last record (9000).
  ASSERT_EQ(t.rounds.size(), 3U);
  EXPECT_EQ(t.rounds[0].from_ms, 0);
  EXPECT_EQ(t.rounds[0].to_ms, 3000);
  EXPECT_EQ(t.rounds[1].from_ms, 3000);
  EXPECT_EQ(t.rounds[1].to_ms, 7500);
  EXPECT_EQ(t.rounds[2].round, 2U);
  EXPECT_EQ(t.rounds[2].from_ms, 7500);
  EXPECT_EQ(t.rounds[2].to_ms, 13500);
}

TEST_F(LogTimeline, ViolationsAtTheirEvidenceOnTheBlamedLane) {
  const auto ms = log_test_members();
  const Member& a = ms[0];
  const Member& b = ms[1];
  const std::string kb = to_hex(b.keys.public_key);
  const std::string head = header(a);
  const std::string first = "sent 1000 " + kb + " " + vote_hex(a, 0, VoteStep::prevote, true, 1) + "\n";
  const std::string second = "sent 1200 " + kb + " " + vote_hex(a, 0, VoteStep::prevote, true, 2) + "\n";
  const std::vector<std::string> paths{write("a.log", head + first + second), write("b.log", header(b))};
  ViolationCollector collector;
  Finding f;
  f.kind = FindingKind::equivocation;
  f.member = 0;
  f.key = a.keys.public_key;
  f.evidence = {{0, 0, head.size()}, {0, 0, head.size() + first.size()}};
  collector.on_finding(f);
  Finding g = f;  // blamed on a member with no log: drawn on the evidence's
  g.key = ms[2].keys.public_key;
  g.member = 2;
  g.evidence = {{1, 0, 0}};  // the version line: no time, so not drawn
  collector.on_finding(g);
  g.evidence = {{1, 0, head.size()}};  // not a line start of b.log's: b's log is only a header
  collector.on_finding(g);
  ASSERT_EQ(collector.violations().size(), 3U);

  LogFailure failure;
  const auto got = timeline_of_logs(paths, collector, "t", failure);
  ASSERT_TRUE(got);
  const auto v = marks_of(got.value(), MarkKind::violation);
  ASSERT_EQ(v.size(), 1U);  // the other two have no record where their evidence points
  EXPECT_EQ(v[0].lane, 0U);
  EXPECT_EQ(v[0].time_ms, 1200);  // the last evidence: the second vote
  EXPECT_EQ(v[0].label, "equivocation");
}

TEST_F(LogTimeline, AnUnreadableLogFailsNamingIt) {
  const std::vector<std::string> paths{write("a.log", header(log_test_members()[0])), write("b.log", "midnight-log 2\n")};
  ViolationCollector none;
  LogFailure failure;
  const auto got = timeline_of_logs(paths, none, "t", failure);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error(), make_error_code(log_errc::unknown_version));
  EXPECT_EQ(failure.log, 1U);
  EXPECT_EQ(failure.line, 1U);
}

// A simulated partition, {0,1}|{2,3} from 0 to 5000 ms: every message the network lost is
// a drop, one proposal per node and round, one decision per node, rounds 0 to 2.
TEST_F(LogTimeline, ASimulatedPartitionsDropsAndDecisions) {
  sim::SimConfig c;
  c.nodes = 4;
  c.partitions.push_back({{0, 1}, 0, 5000});
  std::vector<std::ofstream> files(c.nodes);
  std::vector<std::ostream*> out;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < c.nodes; ++i) {
    paths.push_back((dir_ / ("node-" + std::to_string(i) + ".log")).string());
    files[i].open(paths.back(), std::ios::binary);
    out.push_back(&files[i]);
  }
  sim::NodeLogWriter writer(std::move(out));
  const sim::SimResult r = sim::run_simulation(c, writer);
  for (auto& f : files) f.close();
  ASSERT_EQ(r.finalized.size(), 4U);
  ASSERT_GT(r.messages.dropped(), 0U);

  ViolationCollector violations;
  LogFailure failure;
  ASSERT_TRUE(check_logs(paths, violations, failure));
  EXPECT_TRUE(violations.violations().empty());
  const auto got = timeline_of_logs(paths, violations, "partition", failure);
  ASSERT_TRUE(got);
  const view::Timeline& t = got.value();
  EXPECT_EQ(marks_of(t, MarkKind::drop).size(), r.messages.dropped());
  for (const auto& d : marks_of(t, MarkKind::drop)) {
    EXPECT_LT(d.time_ms, 5000);
    EXPECT_NE(d.lane < 2, d.to_lane < 2);  // across the cut
  }
  const auto decisions = marks_of(t, MarkKind::decision);
  ASSERT_EQ(decisions.size(), 4U);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(decisions[i].lane, i);
    EXPECT_EQ(decisions[i].time_ms, static_cast<view::TimeMs>(r.finalized_by(i)->at_ms));
    EXPECT_EQ(decisions[i].block, decisions[0].block);
    EXPECT_EQ(decisions[i].label, "h1");
  }
  EXPECT_EQ(marks_of(t, MarkKind::proposal).size(), 4U * 3U);  // each node, rounds 0 to 2
  ASSERT_EQ(t.rounds.size(), 3U);
  EXPECT_EQ(t.rounds[2].from_ms, 7500);
}

}  // namespace
}  // namespace midnight::audit
