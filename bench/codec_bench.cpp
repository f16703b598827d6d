// Decode + verify of a proposal and of a vote, against one raw libsodium
// crypto_sign_verify_detached over the same signing input, public key and signature
// (counter `ratio`; target <= 1.10). Decoding and verifying allocate nothing
// (Budget::zero). BM_AllocCounterControl shows the counter sees an allocation, and
// BM_ZeroBudgetControl that a zero budget fails when one appears.
#include <sodium.h>

#include <cstdint>
#include <vector>

#include "bench_support.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

struct Messages {
  std::vector<std::uint8_t> proposal_bytes;
  std::vector<std::uint8_t> vote_bytes;
  Proposal proposal;
  Vote vote;
  ProposalSigningInput proposal_input{};
  VoteSigningInput vote_input{};
};

const Messages& messages() {
  static const Messages m = [] {
    Messages out;
    const Keypair k = test::keypair(1);
    out.proposal = test::make_proposal(k, test::chain(), 7, 2, test::block_id(0xee), test::block_id(0x42), 6000);
    out.vote = test::make_vote(k, test::chain(), 7, 2, VoteStep::precommit, test::block_id(0x42));
    out.proposal_bytes.resize(kProposalMessageSize);
    out.vote_bytes.resize(kVoteMessageSize);
    if (!encode_proposal(out.proposal, out.proposal_bytes) || !encode_vote(out.vote, out.vote_bytes)) std::abort();
    out.proposal_input = proposal_signing_input(out.proposal.header);
    out.vote_input = vote_signing_input(out.vote);
    return out;
  }();
  return m;
}

bool raw_verify(const Signature& sig, std::span<const std::uint8_t> input, const PublicKey& pk) {
  return crypto_sign_verify_detached(sig.data(), input.data(), input.size(), pk.data()) == 0;
}

void BM_DecodeVerifyProposal(benchmark::State& state) {
  const Messages& m = messages();
  bool all_ok = true;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto p = decode_proposal(m.proposal_bytes);
    const bool ok = p.has_value() && verify_proposal(p.value());
    benchmark::DoNotOptimize(ok);
    all_ok = all_ok && ok;
  }
  allocs.report();
  run.finish([&] {
    const bool ok = raw_verify(m.proposal.signature, m.proposal_input, m.proposal.header.proposer);
    benchmark::DoNotOptimize(ok);
  });
  if (!all_ok) state.SkipWithError("the proposal did not decode and verify");
}
BENCHMARK(BM_DecodeVerifyProposal);

void BM_DecodeVerifyVote(benchmark::State& state) {
  const Messages& m = messages();
  bool all_ok = true;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto v = decode_vote(m.vote_bytes);
    const bool ok = v.has_value() && verify_vote(v.value());
    benchmark::DoNotOptimize(ok);
    all_ok = all_ok && ok;
  }
  allocs.report();
  run.finish([&] {
    const bool ok = raw_verify(m.vote.signature, m.vote_input, m.vote.voter);
    benchmark::DoNotOptimize(ok);
  });
  if (!all_ok) state.SkipWithError("the vote did not decode and verify");
}
BENCHMARK(BM_DecodeVerifyVote);

// The parts on their own: decoding only, and the raw verify.
void BM_DecodeProposal(benchmark::State& state) {
  const Messages& m = messages();
  AllocsPerOp allocs(state, Budget::zero);
  for (auto _ : state) {
    auto p = decode_proposal(m.proposal_bytes);
    benchmark::DoNotOptimize(p);
  }
  allocs.report();
}
BENCHMARK(BM_DecodeProposal);

void BM_DecodeVote(benchmark::State& state) {
  const Messages& m = messages();
  AllocsPerOp allocs(state, Budget::zero);
  for (auto _ : state) {
    auto v = decode_vote(m.vote_bytes);
    benchmark::DoNotOptimize(v);
  }
  allocs.report();
}
BENCHMARK(BM_DecodeVote);

void BM_RawVerifyVote(benchmark::State& state) {
  const Messages& m = messages();
  AllocsPerOp allocs(state, Budget::zero);
  for (auto _ : state) {
    const bool ok = raw_verify(m.vote.signature, m.vote_input, m.vote.voter);
    benchmark::DoNotOptimize(ok);
  }
  allocs.report();
}
BENCHMARK(BM_RawVerifyVote);

// The counter's control: one vector per iteration must count exactly one allocation
// per iteration, or the benchmark fails (a counter that saw nothing would pass every
// zero budget).
void BM_AllocCounterControl(benchmark::State& state) {
  const std::size_t before = allocations_so_far();
  for (auto _ : state) {
    std::vector<std::uint8_t> v(64);
    benchmark::DoNotOptimize(v.data());
  }
  const std::size_t seen = allocations_so_far() - before;
  state.counters["allocs_per_op"] = benchmark::Counter(static_cast<double>(seen), benchmark::Counter::kAvgIterations);
  if (seen != static_cast<std::size_t>(state.iterations()))
    state.SkipWithError("the allocation counter did not see one allocation per iteration");
}
BENCHMARK(BM_AllocCounterControl);

// The zero budget's negative control: it allocates under Budget::zero, so it must be
// marked failed. bench-smoke runs it alone (bench-smoke.zero_budget_control passes only
// on its error) and leaves it out of the codec run; a full run prints its error.
void BM_ZeroBudgetControl(benchmark::State& state) {
  AllocsPerOp allocs(state, Budget::zero);
  for (auto _ : state) {
    std::vector<std::uint8_t> v(64);
    benchmark::DoNotOptimize(v.data());
  }
  allocs.report();
}
BENCHMARK(BM_ZeroBudgetControl);

}  // namespace
}  // namespace midnight::bench
