// What the decoder targets share: the fixed chain, keys and membership that the seed
// corpus is signed with (the simulator's, so a corpus message is also a message the
// simulator could have sent), and the checks every decoder target makes.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/check.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/core/result.hpp"
#include "midnight/wire/codec.hpp"

namespace midnight::fuzz {

inline constexpr std::size_t kFuzzMembers = 4;
inline constexpr std::uint64_t kFuzzHeight = 1;

struct FuzzWorld {
  ChainId chain;
  BlockId prev_id;                 // the parent of every height-1 block
  std::vector<Keypair> keys;       // keys[i]: the simulator's node i
  std::vector<VrfKeypair> vrf_keys;  // vrf_keys[i]: node i's VRF key
  Membership membership;
  LowestHashPolicy policy;         // the machines' selection policy (A), by default
  VrfRankPolicy vrf_policy;        // policy B, for machines that must check VRF proofs
};

// Built once, on first use (libsodium initialised first).
const FuzzWorld& fuzz_world();

// A machine of node `node` that has begun height kFuzzHeight with `mempool` (empty by
// default) and, if `start_round`, started round 0: what a decoded message is delivered to
// (or, not started, what a journal is replayed into). `policy`: the world's policy A if null.
RoundMachine make_fuzz_machine(std::size_t node, bool start_round = true, const SelectionPolicy* policy = nullptr,
                               std::span<const TxBytes> mempool = {});

// True if `inner` lies entirely within `outer`: decoded views (transaction bytes) must
// point into the input, so hashing them reads only the input.
bool lies_within(std::span<const std::uint8_t> inner, std::span<const std::uint8_t> outer);

// A rejected input must be an error value a person can read: in the codec's category,
// with a message, and a DecodeWhere naming a field at an offset inside the input.
void check_codec_rejection(const std::error_code& error, const DecodeWhere& where, std::size_t input_size);

// The independent judge of a vote quorum carried as a certificate body (a commit's
// certificate, whose entries are precommits, or a re-proposal's polka, whose entries are
// prevotes), from the body's bytes and raw libsodium alone: the fuzz world's chain, a
// non-nil block, every signer a member, every signature valid over the vote
// tag || chain || height || round || step || block id || approve 1 it stands for, and
// weight w with 3w > 2W. `body` starts at the certificate body (chain 32, height 8,
// round 4, block id 32, count 1, then count x (voter 32, signature 64)) and holds all of it.
bool judge_vote_quorum(std::span<const std::uint8_t> body, VoteStep step);

// A scratch buffer that holds any message (kMaxMessageSize), allocated once.
std::span<std::uint8_t> encode_buffer();

// The round-trip check: `encode(buffer)` encodes the value decoded from `in` and returns
// its size; the bytes must be exactly `in`.
template <class Encode>
void check_reencodes(std::span<const std::uint8_t> in, Encode encode) {
  const std::span<std::uint8_t> out = encode_buffer();
  const result<std::size_t> written = encode(out);
  MIDNIGHT_FUZZ_CHECK(written.has_value(), "a decoded message does not encode");
  MIDNIGHT_FUZZ_CHECK(written.value() == in.size() && std::equal(in.begin(), in.end(), out.begin()),
                      "a decoded message re-encodes to different bytes");
}

// A handler that rejects a message must leave the machine exactly as it was; one that
// accepts it may change it. Either way `machine` is put back to `before` afterwards, so
// every input meets the same machine.
void check_handler(const result<Actions>& r, RoundMachine& machine, const RoundMachine& before);

}  // namespace midnight::fuzz
