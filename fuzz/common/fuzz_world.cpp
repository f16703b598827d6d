#include "common/fuzz_world.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/check.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/world.hpp"

namespace midnight::fuzz {

namespace {

FuzzWorld build_world() {
  MIDNIGHT_FUZZ_CHECK(crypto_init(), "libsodium failed to initialise");
  sim::SimConfig config;
  config.nodes = kFuzzMembers;
  config.mempool_size = 0;
  sim::Rng rng(config.seed);
  sim::World w = sim::make_world(config, rng);
  FuzzWorld out;
  out.chain = w.chain;
  out.prev_id = w.prev_id;
  out.keys = w.keys;
  out.vrf_keys = w.vrf_keys;
  out.membership = w.membership;
  return out;
}

}  // namespace

const FuzzWorld& fuzz_world() {
  static const FuzzWorld world = build_world();
  return world;
}

RoundMachine make_fuzz_machine(std::size_t node, bool start_round, const SelectionPolicy* policy,
                               std::span<const TxBytes> mempool) {
  const FuzzWorld& w = fuzz_world();
  NodeConfig config;
  config.chain_id = w.chain;
  config.membership = &w.membership;
  config.policy = policy != nullptr ? policy : &w.policy;
  config.keys = w.keys.at(node);
  config.vrf_keys = w.vrf_keys.at(node);
  RoundMachine m(config);
  m.begin_height(HeightStart{kFuzzHeight, w.prev_id, sim::kSimMidnightMs, mempool});
  if (start_round) {
    const auto started = m.on_round_start(RoundStart{kFuzzHeight, 0});
    MIDNIGHT_FUZZ_CHECK(started.has_value(), "the fuzz machine did not start round 0");
  }
  return m;
}

std::span<std::uint8_t> encode_buffer() {
  static std::vector<std::uint8_t> buffer(kMaxMessageSize);
  return buffer;
}

bool lies_within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer) {
  // As integers: comparing pointers into different objects is unspecified in C++.
  const auto begin = reinterpret_cast<std::uintptr_t>(outer.data());
  const auto end = begin + outer.size();
  const auto first = reinterpret_cast<std::uintptr_t>(inner.data());
  return first >= begin && first <= end && inner.size() <= end - first;
}

void check_codec_rejection(const std::error_code& error, const DecodeWhere& where, std::size_t input_size) {
  MIDNIGHT_FUZZ_CHECK(error, "a rejection carries no error");
  MIDNIGHT_FUZZ_CHECK(std::strcmp(error.category().name(), "midnight.codec") == 0,
                      "a decoder rejected input with an error outside the codec's category");
  MIDNIGHT_FUZZ_CHECK(!error.message().empty(), "a decode error has no message");
  MIDNIGHT_FUZZ_CHECK(where.field != nullptr && where.field[0] != '\0', "a decode error names no field");
  MIDNIGHT_FUZZ_CHECK(where.offset <= input_size, "a decode error points past the end of the input");
}

bool judge_vote_quorum(std::span<const std::uint8_t> body, VoteStep step) {
  constexpr std::size_t kBlockAt = 44, kCountAt = 76, kEntriesAt = 78;  // count is u16 at 76
  static_assert(kEntriesAt == kCertificateFixedSize);
  const FuzzWorld& w = fuzz_world();
  const std::size_t count = body.size() >= kEntriesAt ? load_u16(body.data() + kCountAt) : 0;
  MIDNIGHT_FUZZ_CHECK(body.size() >= kEntriesAt && body.size() >= kEntriesAt + count * kCertificateEntrySize,
                      "harness: the judge was given less than a whole certificate body");
  if (!std::equal(w.chain.v.begin(), w.chain.v.end(), body.begin())) return false;
  const auto zero = [](std::uint8_t b) { return b == 0; };
  if (std::all_of(body.begin() + kBlockAt, body.begin() + kCountAt, zero)) return false;
  std::array<std::uint8_t, kVoteSigningInputSize> msg{};
  auto* out = std::copy(tag::kVote.begin(), tag::kVote.end(), msg.begin());
  out = std::copy_n(body.begin(), kBlockAt, out);  // chain, height, round
  *out++ = static_cast<std::uint8_t>(step);        // 1 prevote, 2 precommit
  out = std::copy_n(body.begin() + kBlockAt, 32, out);
  *out = 1;                                        // approve
  std::uint64_t weight = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint8_t* entry = body.data() + kEntriesAt + i * kCertificateEntrySize;
    PublicKey voter;
    std::copy_n(entry, 32, voter.v.begin());
    const auto member = w.membership.index_of(voter);
    if (!member) return false;
    if (crypto_sign_verify_detached(entry + 32, msg.data(), msg.size(), entry) != 0) return false;
    weight += w.membership.members()[*member].weight;
  }
  return 3 * weight > 2 * w.membership.total_weight();
}

void check_handler(const result<Actions>& r, RoundMachine& machine, const RoundMachine& before) {
  if (!r) {
    MIDNIGHT_FUZZ_CHECK(!r.error().message().empty(), "a handler error has no message");
    MIDNIGHT_FUZZ_CHECK(machine == before, "a handler that rejected a message changed the machine");
    return;
  }
  machine = before;
}

}  // namespace midnight::fuzz
