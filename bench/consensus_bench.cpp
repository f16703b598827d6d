// Tallying, selection and the round state machine.
//
// n beyond kMaxMembers (64): one membership, and so one VoteTally, holds at most 64
// members. Tallying n votes for n = 100, 1,000 and 10,000 is measured as n votes
// spread over ceil(n / 64) tallies of a 64-member membership (one per height, the
// way n votes arrive across heights); n = 4 is one tally of a 4-member membership.
// select_canonical takes a span of any length, so selection is measured among n
// candidates directly (the machine itself never has more than 64 per round).
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "bench_support.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/consensus/tally.hpp"
#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

// ---- tallying n signed votes -------------------------------------------------------

struct TallyFixture {
  test::TestMembers net;
  std::vector<Vote> votes;  // vote i: member i % size, height 1 + i / size
  std::vector<VoteSigningInput> inputs;
};

const TallyFixture& tally_fixture(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<TallyFixture>> cache;
  auto& slot = cache[n];
  if (!slot) {
    const std::size_t members = std::min(n, kMaxMembers);
    slot = std::make_unique<TallyFixture>(TallyFixture{test::make_equal_members(members), {}, {}});
    for (std::size_t i = 0; i < n; ++i) {
      slot->votes.push_back(test::make_vote(slot->net.keys[i % members], test::chain(), 1 + i / members, 0,
                                            VoteStep::precommit, test::block_id(0x42)));
      slot->inputs.push_back(vote_signing_input(slot->votes.back()));
    }
  }
  return *slot;
}

// Tallies the fixture's n votes (verifying each first if `verify`), each tally reset
// before its member's first vote; returns how many were counted.
std::size_t tally_all(const TallyFixture& f, VoteTally& tally, bool verify) {
  const std::size_t members = f.net.membership.size();
  std::size_t counted = 0;
  for (std::size_t i = 0; i < f.votes.size(); ++i) {
    const Vote& v = f.votes[i];
    if (i % members == 0) tally.reset(f.net.membership, test::chain(), v.height, 0, VoteStep::precommit);
    if (verify && !verify_vote(v)) continue;
    const auto u = tally.add(v);
    if (u && u.value().outcome == VoteOutcome::counted) ++counted;
  }
  return counted;
}

// Verifies and tallies all n votes: what a node does with n precommits it receives.
// `ratio` is against n raw crypto_sign_verify_detached calls (target <= 1.1 at 10,000).
void BM_TallyVerified(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const TallyFixture& f = tally_fixture(n);
  auto tally = std::make_unique<VoteTally>();
  std::size_t counted = 0;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    counted = tally_all(f, *tally, true);
    benchmark::DoNotOptimize(counted);
  }
  allocs.report();
  run.finish([&] {
    for (std::size_t i = 0; i < n; ++i) {
      const Vote& v = f.votes[i];
      const int r = crypto_sign_verify_detached(v.signature.data(), f.inputs[i].data(), f.inputs[i].size(),
                                                v.voter.data());
      benchmark::DoNotOptimize(r);
    }
  });
  if (counted != n) state.SkipWithError("not every vote was counted");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TallyVerified)->Arg(4)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

// The tally alone (signatures already checked): the bookkeeping per vote.
void BM_TallyAddOnly(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const TallyFixture& f = tally_fixture(n);
  auto tally = std::make_unique<VoteTally>();
  std::size_t counted = 0;
  AllocsPerOp allocs(state, Budget::zero);
  for (auto _ : state) {
    counted = tally_all(f, *tally, false);
    benchmark::DoNotOptimize(counted);
  }
  allocs.report();
  if (counted != n) state.SkipWithError("not every vote was counted");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_TallyAddOnly)->Arg(4)->Arg(100)->Arg(1000)->Arg(10000);

// ---- selection among n candidates ----------------------------------------------------

void BM_SelectCanonical(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Proposal proposal{};
  std::vector<Candidate> candidates(n);
  for (std::size_t i = 0; i < n; ++i) {
    // Pseudo-random ids: no order the scan could profit from.
    const Hash32 id = sha256(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&i), sizeof i));
    candidates[i] = Candidate{&proposal, BlockId{id.v}, static_cast<std::uint32_t>(i)};
  }
  const LowestHashPolicy policy;
  AllocsPerOp allocs(state, Budget::zero);
  for (auto _ : state) {
    auto pick = select_canonical(policy, candidates);
    benchmark::DoNotOptimize(pick);
  }
  allocs.report();
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SelectCanonical)->Arg(4)->Arg(100)->Arg(1000)->Arg(10000);

// ---- the round state machine, per step ---------------------------------------------------
//
// Member 0 of an n-member membership (n = 4, 16, 64) through one whole round: the round
// start, the other n - 1 proposals, n - 1 prevotes and n - 1 precommits, all valid and
// signed at set-up: 3n - 2 handler calls (steps), ending decided. Each iteration starts
// from a copy of the machine taken after begin_height (the copy is not timed and its
// allocations are not counted). Each step verifies one signature (the round start signs
// the proposal; the steps that vote sign the vote).

struct MachineFixture {
  test::TestMembers net;
  LowestHashPolicy policy;
  std::unique_ptr<RoundMachine> start;  // after begin_height
  std::vector<Proposal> proposals;
  std::vector<Vote> prevotes;
  std::vector<Vote> precommits;
};

const MachineFixture& machine_fixture(std::size_t n) {
  static std::map<std::size_t, std::unique_ptr<MachineFixture>> cache;
  auto& slot = cache[n];
  if (slot) return *slot;
  slot = std::make_unique<MachineFixture>();
  MachineFixture& f = *slot;
  f.net = test::make_equal_members(n);
  NodeConfig config;
  config.chain_id = test::chain();
  config.membership = &f.net.membership;
  config.policy = &f.policy;
  config.keys = f.net.keys[0];
  config.reward_per_height = 1000;
  static const std::vector<std::vector<std::uint8_t>> txs{{1, 2, 3}, {4, 5}, {6}};
  static const std::vector<TxBytes> views = test::views_of(txs);
  f.start = std::make_unique<RoundMachine>(config);
  f.start->begin_height(HeightStart{1, test::block_id(0xee), 0, views});
  const RoundTiming timing;
  for (std::size_t m = 1; m < n; ++m) {
    f.proposals.push_back(test::make_proposal(f.net.keys[m], test::chain(), 1, 0, test::block_id(0xee),
                                              f.start->expected_merkle_root(), round_start_ms(0, timing, 0)));
  }
  // The canonical block: the lowest id among all n proposals (ours included).
  BlockId lowest = compute_block_id(make_header(test::chain(), 1, 0, test::block_id(0xee),
                                                f.start->expected_merkle_root(), round_start_ms(0, timing, 0),
                                                f.net.key(0)));
  for (const Proposal& p : f.proposals) lowest = std::min(lowest, compute_block_id(p.header));
  for (std::size_t m = 1; m < n; ++m) {
    f.prevotes.push_back(test::make_vote(f.net.keys[m], test::chain(), 1, 0, VoteStep::prevote, lowest));
    f.precommits.push_back(test::make_vote(f.net.keys[m], test::chain(), 1, 0, VoteStep::precommit, lowest));
  }
  return f;
}

void BM_RoundMachineRound(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const MachineFixture& f = machine_fixture(n);
  auto machine = std::make_unique<RoundMachine>(*f.start);
  std::size_t allocations = 0;
  std::size_t rejected = 0;
  bool decided = true;
  for (auto _ : state) {
    state.PauseTiming();
    *machine = *f.start;
    state.ResumeTiming();
    const AllocationCount count;
    rejected += machine->on_round_start({1, 0}).has_value() ? 0 : 1;
    for (const Proposal& p : f.proposals) rejected += machine->on_proposal(p).has_value() ? 0 : 1;
    for (const Vote& v : f.prevotes) rejected += machine->on_vote(v).has_value() ? 0 : 1;
    for (const Vote& v : f.precommits) rejected += machine->on_vote(v).has_value() ? 0 : 1;
    allocations += count.count();
    decided = decided && machine->step() == Step::decided;
  }
  const double steps = static_cast<double>(3 * n - 2);
  state.counters["allocs_per_op"] = benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
  state.counters["steps"] = steps;
  state.counters["time_per_step"] =
      benchmark::Counter(steps, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["rejected_steps"] = benchmark::Counter(static_cast<double>(rejected), benchmark::Counter::kAvgIterations);
  if (allocations != 0) state.SkipWithError("a state-machine step allocated");
  if (!decided) state.SkipWithError("the machine did not decide in round 0");
}
BENCHMARK(BM_RoundMachineRound)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace midnight::bench
