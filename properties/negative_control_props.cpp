// Negative controls: the safety properties must be able to fail. Each test runs a
// property exactly as RC_GTEST_PROP would (same RC_PARAMS: case count, seed), against a
// deliberately unsafe variant of the protocol, and passes only if RapidCheck FINDS a
// counterexample and SHRINKS it (at least one successful shrink step). The minimal
// counterexample is printed, with the command that replays it where one exists.
//
//   quorum ceil(2W/3)           breaks Agreement at a Byzantine third (tla/MCNegQuorumCeil.cfg)
//   retry without the lock rule  breaks Agreement (tla/MCNegNoLock.cfg) and, far more often,
//                               the lock monitor of property 2
//   restart without the journal  breaks the crash-restart property (a double vote or a lock)
//   no catch-up                  leaves a node that was down across a midnight short of
//                               heights (the chain property's liveness clause)
//   VRF rank without verification  splits honest nodes that hold the same candidates, when a
//                               Byzantine proposer sends one signed header with different
//                               proofs to different nodes
//   bodies held unchecked        decide a Byzantine member's block holding an invalid
//                               transaction (the Validity clause; tla/MCNegHeaderOnly.cfg)
//   locks never announced        leave an honest-led round after stabilisation undecided
//                               (the Byzantine liveness property)
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>

#include "adversary.hpp"
#include "byzantine_liveness.hpp"
#include "chain.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"
#include "vrf_rank.hpp"

namespace midnight::prop {
namespace {

// Runs `property` under RapidCheck's configuration (RC_PARAMS), with at least
// `min_cases` cases, and returns its result.
template <class Property>
rc::detail::TestResult run_property(const std::string& name, Property property, int min_cases) {
  rc::detail::TestMetadata meta;
  meta.id = name;
  meta.description = name;
  auto params = rc::detail::configuration().testParams;
  params.maxSuccess = std::max(params.maxSuccess, min_cases);
  return rc::detail::checkTestable(property, meta, params);
}

// The control passes iff RapidCheck found a counterexample, shrank it, and its failure
// reads as `expected`. It stops at the first counterexample, so `min_cases` only costs
// time when the control is about to fail.
template <class Property>
void expect_found_and_shrunk(const std::string& name, Property property, const std::string& expected,
                             int min_cases = 0) {
  const auto result = run_property(name, property, min_cases);
  rc::detail::FailureResult failure;
  ASSERT_TRUE(result.match(failure)) << name << ": RapidCheck found no counterexample, so this check cannot "
                                     << "be shown to fail. Result: " << [&] {
                                          std::ostringstream os;
                                          rc::detail::printResultMessage(result, os);
                                          return os.str();
                                        }();
  std::cerr << "negative control " << name << ": counterexample after " << failure.numSuccess
            << " passing cases, shrunk in " << failure.reproduce.shrinkPath.size() << " steps\n"
            << failure.description << "\n";
  for (const auto& [type, value] : failure.counterExample) std::cerr << "  " << type << ": " << value << "\n";
  EXPECT_FALSE(failure.reproduce.shrinkPath.empty()) << name << ": the counterexample was not shrunk";
  EXPECT_NE(failure.description.find(expected), std::string::npos)
      << name << ": failed for another reason than \"" << expected << "\": " << failure.description;
}

TEST(NegativeControl, QuorumCeilBreaksAgreement) {
  expect_found_and_shrunk(
      "NegativeControl.QuorumCeilBreaksAgreement",
      [] {
        const auto c = *gen_adversarial_config({.max_nodes = 6, .control = sim::NegativeControl::quorum_ceil});
        check_agreement(sim::run_simulation(c));
      },
      "agreement broken");
}

TEST(NegativeControl, RetryWithoutLockBreaksQuorumSafety) {
  expect_found_and_shrunk(
      "NegativeControl.RetryWithoutLockBreaksQuorumSafety",
      [] {
        const auto c = *gen_adversarial_config({.control = sim::NegativeControl::no_lock});
        check_quorum_safety(sim::run_simulation(c));
      },
      "violation");
}

TEST(NegativeControl, RetryWithoutLockBreaksAgreement) {
  expect_found_and_shrunk(
      "NegativeControl.RetryWithoutLockBreaksAgreement",
      [] {
        const auto c =
            *gen_adversarial_config({.max_nodes = 7, .lock_attack = true, .control = sim::NegativeControl::no_lock});
        check_agreement(sim::run_simulation(c));
      },
      // About 1 case in 1,500 lands in the window (the cut-off node must be the one that
      // finalized, cut between its precommit and the others'): in 20 runs the first
      // counterexample came after 58 to 9,358 passing cases. So this control allows
      // 20,000 cases (missing it then has odds near e^-13); it stops at the first find.
      "agreement broken", 20000);
}

TEST(NegativeControl, RestartWithoutJournalBreaksCrashRestart) {
  expect_found_and_shrunk(
      "NegativeControl.RestartWithoutJournalBreaksCrashRestart",
      [] {
        const auto c = *gen_adversarial_config(
            {.max_nodes = 6, .restarts = true, .control = sim::NegativeControl::restart_without_journal});
        check_quorum_safety(sim::run_simulation(c));
      },
      "violation");
}

// Bodies held after checking only their Merkle root: a bad-body member's block, whose
// transaction the simulator's predicate rejects, is held by every honest node it answers
// first, and under policy A (where its id is ground low) it is often the one decided.
TEST(NegativeControl, HoldUncheckedBodyDecidesAnInvalidBody) {
  expect_found_and_shrunk(
      "NegativeControl.HoldUncheckedBodyDecidesAnInvalidBody",
      [] {
        sim::SimConfig c;
        c.nodes = *rc::gen::inRange<std::size_t>(4, 8);
        c.byzantine = *rc::gen::inRange<std::size_t>(1, (c.nodes - 1) / 3 + 1);
        c.byzantine_mode = sim::ByzantineMode::bad_body;
        c.max_rounds = 3;
        c.mempool_size = *gen_mempool_size();
        c.negative_control = sim::NegativeControl::hold_unchecked_body;
        c.seed = *gen_seed();
        c.key_seed = *gen_key_seed();
        check_quorum_safety(sim::run_simulation(c));
      },
      "invalid body");
}

// Rule "announce" switched off: a node that locks in a round the others do not decide
// keeps the polka to itself, so the next round's leader may re-propose an older polka,
// which the locked node must refuse, and an honest-led round after stabilisation ends
// undecided (spec/protocol.md 4.6).
TEST(NegativeControl, NoLockAnnouncementLeavesAnHonestLedRoundUndecided) {
  expect_found_and_shrunk(
      "NegativeControl.NoLockAnnouncementLeavesAnHonestLedRoundUndecided",
      [] { check_byzantine_liveness(*gen_byzantine_liveness_config(sim::NegativeControl::no_announce)); },
      "did not finalize by the first honest-led round");
}

// Catch-up switched off: a node that was down across a midnight never gets the commits
// it missed, so it cannot begin the next height (it lacks its parent) and ends short.
TEST(NegativeControl, NoCatchUpLeavesANodeShortOfHeights) {
  expect_found_and_shrunk(
      "NegativeControl.NoCatchUpLeavesANodeShortOfHeights",
      [] {
        const auto c = *gen_chain_config(sim::NegativeControl::no_catch_up);
        check_chains(c, sim::run_simulation(c));
      },
      "heights");
}

// The ranker is a model of on_proposal and the pick in vrf_rank.cpp
// (Ranker::unverified_proof_to_hash), not a library option: it keeps the signature and
// one-proposal-per-proposer rules and ranks by ecvrf_proof_to_hash of whatever proof it
// holds. Only the identical-ranking clause is checked, so the control fails for the
// reason it targets: two nodes with the same candidates choose different blocks.
TEST(NegativeControl, UnverifiedVrfRankSplitsHonestNodes) {
  expect_found_and_shrunk(
      "NegativeControl.UnverifiedVrfRankSplitsHonestNodes",
      [] { check_vrf_ranking(*gen_rank_scenario(), Ranker::unverified_proof_to_hash, false); },
      "picked different blocks");
}

}  // namespace
}  // namespace midnight::prop
