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
#include <cassert>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "bench_support.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/consensus/tally.hpp"
#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

// One fixture per type and n, built on first use, so set-up never runs in a timed loop.
template <class Fixture>
const Fixture& cached_fixture(std::size_t n, void (*build)(Fixture&, std::size_t)) {
  static std::map<std::size_t, std::unique_ptr<Fixture>> cache;
  auto& slot = cache[n];
  if (!slot) {
    slot = std::make_unique<Fixture>();
    build(*slot, n);
  }
  return *slot;
}

// ---- tallying n signed votes -------------------------------------------------------

struct TallyFixture {
  test::TestMembers net;
  std::vector<Vote> votes;  // vote i: member i % size, height 1 + i / size
  std::vector<VoteSigningInput> inputs;
};

void build_tally_fixture(TallyFixture& f, std::size_t n) {
  const std::size_t members = std::min(n, kMaxMembers);
  f.net = test::make_equal_members(members);
  for (std::size_t i = 0; i < n; ++i) {
    f.votes.push_back(test::make_vote(f.net.keys[i % members], test::chain(), 1 + i / members, 0,
                                      VoteStep::precommit, test::block_id(0x42)));
    f.inputs.push_back(vote_signing_input(f.votes.back()));
  }
}
const TallyFixture& tally_fixture(std::size_t n) { return cached_fixture(n, build_tally_fixture); }

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
  tally->prepare(f.net.membership);  // set-up: sized for the membership once
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
  tally->prepare(f.net.membership);
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

// What a node does with n proposals before it selects: verify each proposer's signature,
// compute each block id, then select. n distinct proposers signed at set-up; `ratio` is
// against n raw crypto_sign_verify_detached calls over the same headers.
struct SignedProposals {
  std::vector<Proposal> proposals;
  std::vector<ProposalSigningInput> inputs;
};

void build_signed_proposals(SignedProposals& f, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    Seed seed;
    for (std::size_t b = 0; b < sizeof i; ++b) seed.v[b] = static_cast<std::uint8_t>(i >> (8 * b));
    seed.v[31] = 0x5e;
    const Keypair k = keypair_from_seed(seed);
    f.proposals.push_back(test::make_proposal(k, test::chain(), 1, 0, test::block_id(0xee), Hash32{{7}}, 0));
    f.inputs.push_back(proposal_signing_input(f.proposals.back().header));
  }
}
const SignedProposals& signed_proposals(std::size_t n) { return cached_fixture(n, build_signed_proposals); }

void BM_SelectVerified(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const SignedProposals& f = signed_proposals(n);
  std::vector<Candidate> candidates(n);
  const LowestHashPolicy policy;
  std::size_t verified = 0;
  std::optional<std::size_t> pick;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    verified = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!verify_proposal(f.proposals[i])) continue;
      candidates[verified++] = Candidate{&f.proposals[i], compute_block_id(f.proposals[i].header),
                                         static_cast<std::uint32_t>(i)};
    }
    pick = select_canonical(policy, std::span<const Candidate>(candidates.data(), verified));
    benchmark::DoNotOptimize(pick);
  }
  allocs.report();
  run.finish([&] {
    for (std::size_t i = 0; i < n; ++i) {
      const Proposal& p = f.proposals[i];
      const int r = crypto_sign_verify_detached(p.signature.data(), f.inputs[i].data(), f.inputs[i].size(),
                                                p.header.proposer.data());
      benchmark::DoNotOptimize(r);
    }
  });
  if (verified != n || !pick) state.SkipWithError("not every proposal verified");
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SelectVerified)->Arg(4)->Arg(100)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);

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

// Member 0 of `net` under `policy`, on the test chain.
NodeConfig member0_config(const test::TestMembers& net, const SelectionPolicy& policy) {
  NodeConfig config;
  config.chain_id = test::chain();
  config.membership = &net.membership;
  config.policy = &policy;
  config.keys = net.keys[0];
  config.vrf_keys = test::vrf_keypair_of(config.keys);
  return config;
}

void build_machine_fixture(MachineFixture& f, std::size_t n) {
  f.net = test::make_equal_members(n);
  NodeConfig config = member0_config(f.net, f.policy);
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
}
const MachineFixture& machine_fixture(std::size_t n) { return cached_fixture(n, build_machine_fixture); }

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
BENCHMARK(BM_RoundMachineRound)->Arg(4)->Arg(16)->Arg(64)->Arg(1000)->Unit(benchmark::kMicrosecond);

// What a round machine holds for an n-member membership: memory_bytes() (its storage,
// sized once in the constructor, the same in every round) after begin_height.
void BM_RoundMachineMemory(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const auto net = test::make_equal_members(n);
  const LowestHashPolicy policy;
  const NodeConfig config = member0_config(net, policy);
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto m = std::make_unique<RoundMachine>(config);
    m->begin_height(HeightStart{1, test::block_id(0xee), 0, {}});
    bytes = m->memory_bytes();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["machine_bytes"] = static_cast<double>(bytes);
  state.counters["bytes_per_member"] = static_cast<double>(bytes) / static_cast<double>(n);
}
BENCHMARK(BM_RoundMachineMemory)->Arg(4)->Arg(64)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// The membership's set-up, Membership::make: the sort by key, the duplicate checks and the
// validation of every VRF key (spec/protocol.md §1.1), once per height. `ratio` is against
// the floor for the same checks on libsodium's public API: one strict decoding of each VRF
// key (crypto_core_ed25519_add with the identity, which fails off the curve) and one sort
// of the 2n keys. Set-up may allocate: the member list and the 2n-key copy.
void BM_MembershipMake(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const auto net = test::make_equal_members(n);
  const std::vector<Masternode> members(net.membership.members().begin(), net.membership.members().end());
  bool all_ok = true;
  AllocsPerOp allocs(state);
  RatioRun run(state);
  for (auto _ : state) {
    const auto made = Membership::make(members);
    all_ok = made.has_value() && made.value().size() == n && all_ok;
    benchmark::DoNotOptimize(made);
  }
  allocs.report();
  static constexpr std::uint8_t kIdentity[32] = {1};
  bool raw_ok = true;
  run.finish([&] {
    std::vector<PublicKey> keys;
    keys.reserve(2 * n);
    for (const Masternode& m : members) {
      PublicKey decoded;
      raw_ok = crypto_core_ed25519_add(decoded.data(), m.vrf_key.data(), kIdentity) == 0 && raw_ok;
      keys.push_back(m.key);
      keys.push_back(m.vrf_key);
    }
    std::sort(keys.begin(), keys.end());
    raw_ok = std::adjacent_find(keys.begin(), keys.end()) == keys.end() && raw_ok;
    benchmark::DoNotOptimize(keys);
  });
  if (!all_ok) state.SkipWithError("Membership::make refused a valid membership");
  if (!raw_ok) state.SkipWithError("the raw baseline refused a key");
}
BENCHMARK(BM_MembershipMake)->Arg(64)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// ---- the round state machine, one step of each other kind --------------------------------
//
// Timers, rejections and commits, each on member 0 of an n-member membership, each under
// the zero allocation budget and each against the raw libsodium work it must do, timed in
// the same run:
//   TimerCollect:    collect deadline with only its own proposal: sign a prevote (1 sign);
//   TimerRoundEnd:   round end after a nil precommit: start round 1 and sign its proposal
//                    (1 sign);
//   RejectSignature: a vote whose signature does not verify (1 verify, state unchanged);
//   RejectHeight:    a vote of another height: refused before any signature check;
//   CommitAdopt:     an undecided node adopts a commit: the proposer's signature and every
//                    certificate entry (count + 1 verifies, plus the Merkle root);
//   CommitIgnored:   a node decided on that block ignores the commit unverified.
// A step that changes the machine runs on a fresh copy each iteration (not timed, not
// counted); a step that must leave it unchanged runs on the same machine and is checked
// to leave it equal.

struct StepFixture {
  const MachineFixture* base = nullptr;
  std::unique_ptr<RoundMachine> collecting;    // round 0 started, nothing received
  std::unique_ptr<RoundMachine> precommitted;  // precommitted nil in round 0
  std::unique_ptr<RoundMachine> decided;       // decided in round 0 (owns the commit's views)
  CommitView commit;
  Vote bad_signature;
  Vote other_height;
  VoteSigningInput vote_input{};
};

void build_step_fixture(StepFixture& f, std::size_t n) {
  const MachineFixture& m = machine_fixture(n);
  f.base = &m;
  f.collecting = std::make_unique<RoundMachine>(*m.start);
  [[maybe_unused]] const bool started = f.collecting->on_round_start({1, 0}).has_value();
  assert(started);
  f.precommitted = std::make_unique<RoundMachine>(*f.collecting);
  [[maybe_unused]] const bool collected = f.precommitted->on_timer({TimerKind::collect_deadline, 1, 0}).has_value();
  [[maybe_unused]] const bool nil = f.precommitted->on_timer({TimerKind::prevote_deadline, 1, 0}).has_value();
  assert(collected && nil && f.precommitted->step() == Step::precommitted);
  f.decided = std::make_unique<RoundMachine>(*f.collecting);
  for (const Proposal& p : m.proposals) (void)f.decided->on_proposal(p);
  for (const Vote& v : m.prevotes) (void)f.decided->on_vote(v);
  for (const Vote& v : m.precommits) (void)f.decided->on_vote(v);
  assert(f.decided->step() == Step::decided);
  commit_view_of(f.decided->decision().value(), f.commit);
  f.bad_signature = m.prevotes.front();
  f.bad_signature.signature.v[0] ^= 0x01;
  f.other_height = m.prevotes.front();
  f.other_height.height = 2;
  f.vote_input = vote_signing_input(m.prevotes.front());
}
const StepFixture& step_fixture(std::size_t n) { return cached_fixture(n, build_step_fixture); }

// Times `step(machine)` on a fresh copy of `from` per iteration; `ok(result)` judges it.
// Returns ns per step, timed around the step alone (the copy is outside it).
template <class Step, class Ok>
double time_step_on_copy(benchmark::State& state, const RoundMachine& from, Step step, Ok ok) {
  auto machine = std::make_unique<RoundMachine>(from);
  std::size_t allocations = 0;
  bool all_ok = true;
  double step_ns = 0;
  for (auto _ : state) {
    state.PauseTiming();
    *machine = from;
    state.ResumeTiming();
    const AllocationCount count;
    const Stopwatch watch;
    all_ok = ok(step(*machine)) && all_ok;
    step_ns += watch.elapsed_ns();
    allocations += count.count();
  }
  state.counters["allocs_per_op"] = benchmark::Counter(static_cast<double>(allocations), benchmark::Counter::kAvgIterations);
  if (allocations != 0) state.SkipWithError("a state-machine step allocated");
  if (!all_ok) state.SkipWithError("the step did not do what it is measured for");
  return step_ns / static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
}

// Times `step(machine)` on one machine that it must leave unchanged. Returns ns per step.
template <class Step, class Ok>
double time_step_in_place(benchmark::State& state, const RoundMachine& from, Step step, Ok ok) {
  auto machine = std::make_unique<RoundMachine>(from);
  bool all_ok = true;
  AllocsPerOp allocs(state, Budget::zero);
  const Stopwatch watch;
  for (auto _ : state) all_ok = ok(step(*machine)) && all_ok;
  const double ns = watch.elapsed_ns() / static_cast<double>(std::max<benchmark::IterationCount>(state.iterations(), 1));
  allocs.report();
  if (!all_ok || !(*machine == from)) state.SkipWithError("the step did not do what it is measured for");
  return ns;
}

// Reports ours against `raw`, one raw operation per step, timed now.
template <class Raw>
void report_against(benchmark::State& state, double ours_ns, Raw raw) {
  report_ratio(state, ours_ns, ns_per_call(static_cast<std::uint64_t>(state.iterations()), raw));
}

bool raw_sign(const StepFixture& f) {
  Signature sig;
  const int r = crypto_sign_detached(sig.data(), nullptr, f.vote_input.data(), f.vote_input.size(),
                                     f.base->net.keys[0].secret_key.data());
  benchmark::DoNotOptimize(sig);
  return r == 0;
}

bool raw_verify(const Vote& v) {
  const VoteSigningInput input = vote_signing_input(v);
  return crypto_sign_verify_detached(v.signature.data(), input.data(), input.size(), v.voter.data()) == 0;
}

const auto kAccepted = [](const result<Actions>& r) { return r.has_value(); };

void BM_MachineTimerCollect(benchmark::State& state) {
  const StepFixture& f = step_fixture(static_cast<std::size_t>(state.range(0)));
  const TimerFired timer{TimerKind::collect_deadline, 1, 0};
  const double ns = time_step_on_copy(state, *f.collecting, [&](RoundMachine& m) { return m.on_timer(timer); }, kAccepted);
  report_against(state, ns, [&] { benchmark::DoNotOptimize(raw_sign(f)); });
}

void BM_MachineTimerRoundEnd(benchmark::State& state) {
  const StepFixture& f = step_fixture(static_cast<std::size_t>(state.range(0)));
  const TimerFired timer{TimerKind::round_end, 1, 0};
  const double ns = time_step_on_copy(state, *f.precommitted, [&](RoundMachine& m) { return m.on_timer(timer); }, kAccepted);
  report_against(state, ns, [&] { benchmark::DoNotOptimize(raw_sign(f)); });
}

void BM_MachineRejectSignature(benchmark::State& state) {
  const StepFixture& f = step_fixture(static_cast<std::size_t>(state.range(0)));
  const double ns = time_step_in_place(state, *f.collecting, [&](RoundMachine& m) { return m.on_vote(f.bad_signature); },
                                       [](const result<Actions>& r) { return !r && r.error() == round_errc::bad_signature; });
  report_against(state, ns, [&] { benchmark::DoNotOptimize(raw_verify(f.bad_signature)); });
}

void BM_MachineRejectHeight(benchmark::State& state) {
  const StepFixture& f = step_fixture(static_cast<std::size_t>(state.range(0)));
  time_step_in_place(state, *f.collecting, [&](RoundMachine& m) { return m.on_vote(f.other_height); },
                     [](const result<Actions>& r) { return !r && r.error() == round_errc::wrong_height; });
}

void BM_MachineCommitAdopt(benchmark::State& state) {
  const StepFixture& f = step_fixture(static_cast<std::size_t>(state.range(0)));
  const double ns = time_step_on_copy(state, *f.collecting, [&](RoundMachine& m) { return m.on_commit(f.commit); },
                                      kAccepted);
  report_against(state, ns, [&] {
    const Certificate& c = f.commit.certificate;
    const ProposalSigningInput header = proposal_signing_input(f.commit.block.header);
    int failures = crypto_sign_verify_detached(f.commit.block.signature.data(), header.data(), header.size(),
                                               f.commit.block.header.proposer.data());
    for (std::size_t i = 0; i < c.count(); ++i) failures += raw_verify(c.vote(i)) ? 0 : 1;
    benchmark::DoNotOptimize(failures);
  });
  state.counters["verifies"] = static_cast<double>(f.commit.certificate.count() + 1);
}

void BM_MachineCommitIgnored(benchmark::State& state) {
  const StepFixture& f = step_fixture(static_cast<std::size_t>(state.range(0)));
  time_step_in_place(state, *f.decided, [&](RoundMachine& m) { return m.on_commit(f.commit); },
                     [](const result<Actions>& r) { return r.has_value() && r.value().empty(); });
}

BENCHMARK(BM_MachineTimerCollect)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MachineTimerRoundEnd)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MachineRejectSignature)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MachineRejectHeight)->Arg(4)->Arg(16)->Arg(64);
BENCHMARK(BM_MachineCommitAdopt)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MachineCommitIgnored)->Arg(4)->Arg(16)->Arg(64);

}  // namespace
}  // namespace midnight::bench
