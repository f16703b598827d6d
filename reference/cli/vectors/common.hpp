// What the vector families share: the generator's own errors, the fixed inputs (chain,
// genesis, seeds and keys), the JSON helpers and the membership of seeds 1..n.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "midnight/block/builder.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/core/result.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::cli::vectors {

using sim::JsonWriter;
using Buf = std::vector<std::uint8_t>;

constexpr int kFormatVersion = 2;  // 2: rounds are runs of node hosts (events at now_ms, stored, journal bytes)

// ---- errors of the generator itself --------------------------------------------------------
[[noreturn]] void broken(const std::string& what);
void require(bool ok, const std::string& what);

// ---- fixed inputs ------------------------------------------------------------------------------
// Midnight of height 1: 2025-01-01T00:00:00Z in milliseconds (below 2^53, like every
// integer in the vectors, so any JSON reader holds it exactly).
constexpr std::uint64_t kMidnightMs = 1'735'689'600'000ULL;
constexpr std::uint64_t kHeight = 1;
constexpr const char* kChainAscii = "midnight-test-chain";
constexpr const char* kGenesisAscii = "midnight-test-genesis";
constexpr const char* kBlockAscii = "midnight-test-block";

std::span<const std::uint8_t> ascii(std::string_view s);
Buf bytes_of(std::string_view s);
Hash32 hash_ascii(std::string_view s);
ChainId test_chain();
BlockId genesis();

// Seed k: 32 bytes of value k. Seed 1 is the seed of spec/encoding.md §9.
Seed seed_of(std::uint8_t k);
Keypair keys_of(std::uint8_t k);
// VRF seed k: the bytes 0x76 0x72 ("vr"), then 30 bytes of value k. Its first two bytes
// differ, so it is never a signing seed (all bytes equal, or a wide seed starting 00 00).
Seed vrf_seed_of(std::uint8_t k);
VrfKeypair vrf_keys_of(std::uint8_t k);

// Point encodings the rejection cases share: the identity (0, 1), of small order, and
// y = p = 2^255 - 19, which is not canonical.
PublicKey identity_encoding();
PublicKey y_equal_p_encoding();
// The first y (little-endian, from 2 up) whose encoding is not a curve point.
PublicKey first_off_curve_encoding();
// Reward destination k: 32 bytes of value 0xd0 + k.
Destination destination_of(std::uint8_t k);

template <std::size_t N>
Bytes<N> parse_hex(std::string_view hex) {
  Bytes<N> out;
  require(from_hex(hex, out.v), "bad hex constant");
  return out;
}

// The vote of spec/encoding.md §9 (seed 1, height 1, round 0, of the test block) in the
// step, approval and nil-ness given, signed.
Vote spec_example_vote(VoteStep step, bool approve, bool nil);

// ---- byte strings --------------------------------------------------------------------------------
Buf append(Buf b, std::span<const std::uint8_t> more);
void put_u32(Buf& b, std::size_t at, std::uint32_t x);

// ---- JSON helpers ------------------------------------------------------------------------------
// A byte string: lower-case hex, or for long strings an object
//   {"size": N, "sha256": H, "segments": [{"hex": X, "repeat": R}, ...]}
// whose segments, each X repeated R times, concatenate to the bytes.
void write_bytes(JsonWriter& w, std::span<const std::uint8_t> b);
void bytes_field(JsonWriter& w, std::string_view key, std::span<const std::uint8_t> b);

// {"sha256_of_ascii": S, "hex": H}: a 32-byte value derived from an ASCII string.
void derived_field(JsonWriter& w, std::string_view key, std::string_view source);

void begin_family(JsonWriter& w, std::string_view name, std::string_view description,
                  std::initializer_list<std::string_view> notes);

// Wycheproof-style labels of a family's edge cases: each case gets `result` ("valid" or
// "invalid") and `flags` (the edges it exercises), and the file a top-level `flags` object
// explaining every flag. The oracle ignores them; they are for selecting cases. A flag a
// case uses must be defined, and a defined flag must be used (require_all_used).
struct FlagDefinition {
  std::string_view name;
  std::string_view meaning;
};
class CaseFlags {
 public:
  CaseFlags(std::string_view family, std::initializer_list<FlagDefinition> definitions);
  // The top-level "flags": {name: meaning, ...}.
  void write_definitions(JsonWriter& w) const;
  // "result" and "flags" of one case: at least one flag, each defined, none twice.
  void write_case(JsonWriter& w, bool valid, std::span<const std::string_view> flags);
  void write_case(JsonWriter& w, bool valid, std::initializer_list<std::string_view> flags) {
    write_case(w, valid, std::span<const std::string_view>(flags.begin(), flags.size()));
  }
  void require_all_used() const;

 private:
  std::string family_;
  std::vector<FlagDefinition> definitions_;
  std::vector<bool> used_;
};

void write_tx_list(JsonWriter& w, std::string_view key, std::span<const TxBytes> txs);
void write_mempool(JsonWriter& w, std::span<const Buf> mempool);
// A scenario config's "timing": T_c, T_p, T_q and T_inc of protocol.md §5.1.
void write_timing(JsonWriter& w, const RoundTiming& t);

// ---- encoding and decoding helpers ---------------------------------------------------------------
// The library's allocating encoders under the generator's policy: every value it encodes
// was built valid, so a refusal is a broken generator or library (see require).
Buf unwrap(result<Buf> encoded);

// ---- shared fixtures ----------------------------------------------------------------------------
// A membership of members with seeds 1..n (seed k, destination k, weight weights[k-1]).
struct Members {
  std::vector<Keypair> keys;  // keys[k-1] is seed k's
  std::vector<std::uint8_t> seeds;
  std::vector<std::uint64_t> weights;
  Membership membership;

  // The seed (1-based) of canonical member `index`.
  std::uint8_t seed_of_member(std::size_t index) const {
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (keys[k].public_key == membership.member(index).key) return seeds[k];
    broken("member without a seed");
  }
  const Keypair& keys_of_member(std::size_t index) const {
    for (const Keypair& k : keys)
      if (k.public_key == membership.member(index).key) return k;
    broken("member without keys");
  }
  VrfKeypair vrf_keys_of_member(std::size_t index) const { return vrf_keys_of(seed_of_member(index)); }
};

Members make_members(std::span<const std::uint64_t> weights);

// The membership in input order (seed k), then its canonical order.
void write_members(JsonWriter& w, const Members& m);

}  // namespace midnight::cli::vectors
