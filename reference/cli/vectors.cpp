// `midnight vectors [--out DIR]`: the conformance vectors of spec/vectors/.
//
// Every input is fixed and is written into the vectors themselves (seeds, chain id and
// how it is derived, transaction bytes, event scripts), so another implementation can
// recompute every output from the JSON alone. Without --out one JSON document with every
// family goes to standard output; with --out DIR each family is written to
// DIR/<family>.json (the layout of spec/vectors/). The output is the same byte for byte
// on every run and machine: no clock, no randomness, no map iteration order.
//
// The generator checks its own intent as it goes: each encoding must decode and
// re-encode to the same bytes, each rejection must fail with the error the case was
// built for, each RFC 8032 vector must match the RFC. A mismatch throws, so a regression
// in the library cannot quietly become a vector.
#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include <sodium.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "message_json.hpp"
#include "vector_rules.hpp"
#include "decode_as.hpp"
#include "error_names.hpp"
#include "midnight/block/body_check.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/body_exchange.hpp"
#include "midnight/consensus/certificate.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/node/node_disk.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/json_writer.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli {

namespace {

using sim::JsonWriter;
using Buf = std::vector<std::uint8_t>;

constexpr int kFormatVersion = 2;  // 2: rounds are runs of node hosts (events at now_ms, stored, journal bytes)

// ---- errors of the generator itself --------------------------------------------------------
[[noreturn]] void broken(const std::string& what) { throw std::logic_error("vectors: " + what); }
void require(bool ok, const std::string& what) {
  if (!ok) broken(what);
}

// ---- fixed inputs ------------------------------------------------------------------------------
// Midnight of height 1: 2025-01-01T00:00:00Z in milliseconds (below 2^53, like every
// integer in the vectors, so any JSON reader holds it exactly).
constexpr std::uint64_t kMidnightMs = 1'735'689'600'000ULL;
constexpr std::uint64_t kHeight = 1;
constexpr const char* kChainAscii = "midnight-test-chain";
constexpr const char* kOtherChainAscii = "midnight-other-chain";
constexpr const char* kGenesisAscii = "midnight-test-genesis";
constexpr const char* kBlockAscii = "midnight-test-block";

std::span<const std::uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
Buf bytes_of(std::string_view s) { return Buf(s.begin(), s.end()); }
Hash32 hash_ascii(std::string_view s) { return sha256(ascii(s)); }
ChainId test_chain() { return hash_ascii(kChainAscii); }
BlockId genesis() { return hash_ascii(kGenesisAscii); }

// Seed k: 32 bytes of value k. Seed 1 is the seed of spec/encoding.md §9.
Seed seed_of(std::uint8_t k) {
  Seed s;
  s.v.fill(k);
  return s;
}
Keypair keys_of(std::uint8_t k) { return keypair_from_seed(seed_of(k)); }
// VRF seed k: the bytes 0x76 0x72 ("vr"), then 30 bytes of value k. Its first two bytes
// differ, so it is never a signing seed (all bytes equal, or a wide seed starting 00 00).
Seed vrf_seed_of(std::uint8_t k) {
  Seed s;
  s.v.fill(k);
  s.v[0] = 0x76;
  s.v[1] = 0x72;
  return s;
}
VrfKeypair vrf_keys_of(std::uint8_t k) { return vrf_keypair_from_seed(vrf_seed_of(k)); }
// Wide seed k, for memberships past 255: k as u32 big-endian, then 28 bytes of 0x5e.
Seed wide_seed_of(std::uint32_t k) {
  Seed s;
  s.v.fill(0x5e);
  store_u32(s.v.data(), k);
  return s;
}

// Point encodings the rejection cases share: the identity (0, 1), of small order, and
// y = p = 2^255 - 19, which is not canonical.
PublicKey identity_encoding() {
  PublicKey k{};
  k.v[0] = 0x01;
  return k;
}
PublicKey y_equal_p_encoding() {
  PublicKey k;
  k.v.fill(0xff);
  k.v[0] = 0xed;
  k.v[31] = 0x7f;
  return k;
}
// Reward destination k: 32 bytes of value 0xd0 + k.
Destination destination_of(std::uint8_t k) {
  Destination d;
  d.v.fill(static_cast<std::uint8_t>(0xd0 + k));
  return d;
}

template <std::size_t N>
Bytes<N> parse_hex(std::string_view hex) {
  Bytes<N> out;
  require(from_hex(hex, out.v), "bad hex constant");
  return out;
}
Buf parse_hex_buf(std::string_view hex) {
  Buf out(hex.size() / 2);
  require(hex.size() % 2 == 0 && from_hex(hex, out), "bad hex constant");
  return out;
}

// ---- JSON helpers ------------------------------------------------------------------------------
// Byte strings longer than this are written as segments (see write_bytes).
constexpr std::size_t kInlineBytes = 4096;
// Runs of one repeated byte at least this long become one segment.
constexpr std::size_t kMinRun = 32;

// A byte string: lower-case hex, or for long strings an object
//   {"size": N, "sha256": H, "segments": [{"hex": X, "repeat": R}, ...]}
// whose segments, each X repeated R times, concatenate to the bytes.
void write_bytes(JsonWriter& w, std::span<const std::uint8_t> b) {
  if (b.size() <= kInlineBytes) {
    w.value(to_hex(b));
    return;
  }
  w.begin_object(true);
  w.field("size", b.size());
  w.field("sha256", to_hex(sha256(b)));
  w.key("segments").begin_array(true);
  std::size_t i = 0;
  std::size_t literal = 0;  // start of the pending literal stretch
  const auto flush_literal = [&](std::size_t end) {
    if (end > literal) {
      w.begin_object(true).field("hex", to_hex(b.subspan(literal, end - literal))).field("repeat", 1).end_object();
    }
  };
  while (i < b.size()) {
    std::size_t j = i;
    while (j < b.size() && b[j] == b[i]) ++j;
    if (j - i >= kMinRun) {
      flush_literal(i);
      w.begin_object(true).field("hex", to_hex(b.subspan(i, 1))).field("repeat", j - i).end_object();
      literal = j;
    }
    i = j;
  }
  flush_literal(b.size());
  w.end_array();
  w.end_object();
}
void bytes_field(JsonWriter& w, std::string_view key, std::span<const std::uint8_t> b) {
  w.key(key);
  write_bytes(w, b);
}

// {"sha256_of_ascii": S, "hex": H}: a 32-byte value derived from an ASCII string.
void derived_field(JsonWriter& w, std::string_view key, std::string_view source) {
  w.key(key).begin_object(true);
  w.field("sha256_of_ascii", source);
  w.field("hex", to_hex(hash_ascii(source)));
  w.end_object();
}

void begin_family(JsonWriter& w, std::string_view name, std::string_view description,
                  std::initializer_list<std::string_view> notes) {
  w.begin_object();
  w.field("family", name);
  w.field("format_version", kFormatVersion);
  w.field("description", description);
  w.key("notes").begin_array();
  for (std::string_view n : notes) w.value(n);
  w.end_array();
}

void write_tx_list(JsonWriter& w, std::string_view key, std::span<const TxBytes> txs) {
  w.key(key).begin_array();
  for (const TxBytes& tx : txs) write_bytes(w, tx);
  w.end_array();
}

// ---- encoding and decoding helpers ---------------------------------------------------------------
// The library's allocating encoders under the generator's policy: every value it encodes
// was built valid, so a refusal is a broken generator or library (see require).
Buf unwrap(result<Buf> encoded) {
  require(encoded.has_value(), encoded ? "" : "encode failed: " + encoded.error().message());
  return std::move(encoded).value();
}

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

Members make_members(std::span<const std::uint64_t> weights) {
  Members m;
  std::vector<Masternode> nodes;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto k = static_cast<std::uint8_t>(i + 1);
    m.seeds.push_back(k);
    m.keys.push_back(keys_of(k));
    m.weights.push_back(weights[i]);
    nodes.push_back({m.keys.back().public_key, vrf_keys_of(k).public_key, destination_of(k), weights[i]});
  }
  auto made = Membership::make(nodes);
  require(made.has_value(), "membership");
  m.membership = made.value();
  return m;
}

// The membership in input order (seed k), then its canonical order.
void write_members(JsonWriter& w, const Members& m) {
  w.key("members").begin_array();
  for (std::size_t i = 0; i < m.keys.size(); ++i) {
    const auto k = m.seeds[i];
    w.begin_object(true);
    w.field("seed", to_hex(seed_of(k)));
    w.field("public_key", to_hex(m.keys[i].public_key));
    w.field("vrf_seed", to_hex(vrf_seed_of(k)));
    w.field("vrf_key", to_hex(vrf_keys_of(k).public_key));
    w.field("reward_to", to_hex(destination_of(k)));
    w.field("weight", m.weights[i]);
    w.field("member_index", *m.membership.index_of(m.keys[i].public_key));
    w.end_object();
  }
  w.end_array();
  w.field("total_weight", m.membership.total_weight());
  w.field("quorum_threshold", m.membership.quorum());
}

// ================================================================================================
// hashing
// ================================================================================================
void write_hashing(JsonWriter& w) {
  begin_family(w, "hashing",
               "SHA-256, domain tags, transaction ids, block ids and RFC 6962 Merkle roots (spec/encoding.md §6).",
               {"All byte strings are lower-case hex; integers are JSON numbers.",
                "txid = SHA-256(tag_txid || chain_id || tx bytes).",
                "block_id = SHA-256(tag_block || header body), the header body being the 150 bytes of §3.3.",
                "Merkle roots are RFC 6962 §2.1 tree hashes over the leaves' bytes (no duplication of an odd node)."});

  w.key("sha256").begin_array();
  for (std::string_view s : {std::string_view(""), std::string_view("abc"),
                             std::string_view("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                             std::string_view(kChainAscii), std::string_view(kOtherChainAscii),
                             std::string_view(kGenesisAscii), std::string_view(kBlockAscii)}) {
    w.begin_object(true);
    w.field("input_ascii", s);
    w.field("input_hex", to_hex(ascii(s)));
    w.field("sha256", to_hex(sha256(ascii(s))));
    w.end_object();
  }
  {
    Buf all(256);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
    w.begin_object(true).field("input_hex", to_hex(all)).field("sha256", to_hex(sha256(all))).end_object();
  }
  w.end_array();

  w.key("tags").begin_array();
  for (const auto& [name, t] : tag::kAll) {
    w.begin_object(true);
    w.field("name", name);
    w.field("ascii_without_nul", t.substr(0, t.size() - 1));
    w.field("hex", to_hex(ascii(t)));
    w.end_object();
  }
  w.end_array();

  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "other_chain_id", kOtherChainAscii);

  w.key("txid").begin_array();
  const ChainId chain = test_chain();
  const ChainId other = hash_ascii(kOtherChainAscii);
  Buf hundred(100);
  for (std::size_t i = 0; i < hundred.size(); ++i) hundred[i] = static_cast<std::uint8_t>(i * 7 + 3);
  const std::pair<ChainId, Buf> txid_cases[] = {
      {chain, Buf{0x00}}, {chain, bytes_of("hello")}, {other, bytes_of("hello")}, {chain, hundred}};
  for (const auto& [c, tx] : txid_cases) {
    Buf preimage(tag::kTxId.begin(), tag::kTxId.end());
    preimage.insert(preimage.end(), c.v.begin(), c.v.end());
    preimage.insert(preimage.end(), tx.begin(), tx.end());
    const TxId id = compute_txid(c, tx);
    require(id == sha256(preimage), "txid preimage");
    w.begin_object(true);
    w.field("chain_id", to_hex(c));
    w.field("tx_hex", to_hex(tx));
    w.field("preimage_hex", to_hex(preimage));
    w.field("txid", to_hex(id));
    w.end_object();
  }
  w.end_array();

  w.key("block_id").begin_array();
  const BlockHeader headers[] = {
      make_header(chain, kHeight, 0, genesis(), hash_ascii("midnight-test-merkle"), kMidnightMs, keys_of(1).public_key),
      make_header(chain, kHeight, 1, genesis(), hash_ascii("midnight-test-merkle"), kMidnightMs + 3000,
                  keys_of(1).public_key),
      make_header(other, 1'234'567'890'123ULL, 15, parse_hex<32>(std::string(64, 'f')), Hash32{},
                  0x0011'2233'4455'6677ULL, keys_of(2).public_key)};
  for (const BlockHeader& h : headers) {
    std::array<std::uint8_t, kHeaderBodySize> body{};
    encode_header_body(h, body);
    w.begin_object();
    w.key("header");
    write_header(w, h);
    w.field("header_body_hex", to_hex(body));
    w.field("block_id", to_hex(compute_block_id(h)));
    w.end_object();
  }
  w.end_array();

  // Leaf i: i + 1 bytes of value 0xa0 + i.
  std::vector<Buf> leaves;
  for (std::size_t i = 0; i < 8; ++i) leaves.emplace_back(i + 1, static_cast<std::uint8_t>(0xa0 + i));
  std::vector<TxBytes> views(leaves.begin(), leaves.end());
  w.key("merkle").begin_object();
  w.key("leaves_hex").begin_array(true);
  for (const Buf& l : leaves) w.value(to_hex(l));
  w.end_array();
  w.key("leaf_hashes").begin_array();
  for (const Buf& l : leaves) w.value(to_hex(merkle_leaf_hash(l)));
  w.end_array();
  w.key("roots").begin_array();
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    w.begin_object(true).field("n", n).field("root", to_hex(merkle_root(std::span(views).first(n)))).end_object();
  }
  w.end_array();
  require(to_hex(merkle_root({})) == to_hex(sha256({})), "empty merkle root is SHA-256 of nothing");
  // An odd node is not paired with itself: [a, b, c] and [a, b, c, c] differ.
  const TxBytes abcc[] = {views[0], views[1], views[2], views[2]};
  w.key("no_duplication").begin_array();
  const std::span<const TxBytes> sets[] = {std::span<const TxBytes>(views).first(3), abcc};
  for (const std::span<const TxBytes> set : sets) {
    w.begin_object(true);
    w.key("leaves_hex").begin_array(true);
    for (const TxBytes& l : set) w.value(to_hex(l));
    w.end_array();
    w.field("root", to_hex(merkle_root(set)));
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.end_object();
}

// ================================================================================================
// signing
// ================================================================================================
// The group order L of Ed25519, little-endian (RFC 8032 §5.1).
constexpr std::string_view kGroupOrderLe = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

// s + L over the 32-byte little-endian scalar of a signature: the same point equation,
// a non-canonical encoding that verifiers MUST reject.
Signature add_group_order(Signature sig) {
  const Bytes<32> l = parse_hex<32>(kGroupOrderLe);
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = unsigned(sig.v[32 + i]) + unsigned(l.v[i]) + carry;
    sig.v[32 + i] = static_cast<std::uint8_t>(sum & 0xff);
    carry = sum >> 8;
  }
  require(carry == 0, "S + L overflows 256 bits");
  return sig;
}

Vote spec_example_vote(VoteStep step, bool approve, bool nil) {
  const Keypair k = keys_of(1);
  Vote v;
  v.chain_id = test_chain();
  v.height = kHeight;
  v.round = 0;
  v.step = step;
  v.block_id = nil ? BlockId{} : hash_ascii(kBlockAscii);
  v.approve = approve;
  v.voter = k.public_key;
  return sign_vote(v, k.secret_key);
}

// ---- Ed25519 edge cases -----------------------------------------------------------------
// Signatures a Byzantine member can make with its own key that verifiers disagree on
// unless the acceptance rule of spec/encoding.md §7 is exact: the equation without the
// cofactor, canonical encodings, no small-order key or R. Built with libsodium's group
// operations from seed 1's secret scalar and a fixed nonce, so they are deterministic.
// A point of order 8 (libsodium's small-order blocklist): adding it makes a mixed-order
// point, invisible to the cofactored equation 8SB = 8R + 8kA and not to the plain one.
constexpr const char* kOrder8Point = "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a";
using Scalar32 = std::array<std::uint8_t, 32>;

Scalar32 reduce_wide(std::span<const std::uint8_t> bytes) {  // up to 64 bytes, little-endian, mod L
  std::array<std::uint8_t, 64> wide{};
  std::copy(bytes.begin(), bytes.end(), wide.begin());
  Scalar32 out;
  crypto_core_ed25519_scalar_reduce(out.data(), wide.data());
  return out;
}
// RFC 8032 §5.1.5: the clamped first half of SHA-512(seed), mod L.
Scalar32 secret_scalar_of(const Seed& seed) {
  std::array<std::uint8_t, 64> h;
  crypto_hash_sha512(h.data(), seed.v.data(), seed.v.size());
  h[0] &= 248;
  h[31] &= 127;
  h[31] |= 64;
  return reduce_wide(std::span<const std::uint8_t>(h.data(), 32));
}
PublicKey add_points(const PublicKey& p, const PublicKey& q) {
  PublicKey out;
  require(crypto_core_ed25519_add(out.v.data(), p.v.data(), q.v.data()) == 0, "ed25519 point addition");
  return out;
}
// k = SHA-512(R || A || M) mod L, with A as encoded (RFC 8032 §5.1.7).
Scalar32 challenge(const PublicKey& r, const PublicKey& a, std::span<const std::uint8_t> m) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, r.v.data(), r.v.size());
  crypto_hash_sha512_update(&st, a.v.data(), a.v.size());
  crypto_hash_sha512_update(&st, m.data(), m.size());
  std::array<std::uint8_t, 64> h;
  crypto_hash_sha512_final(&st, h.data());
  return reduce_wide(h);
}
// (R, S = nonce + k·secret) for the given R and encoded key: what a signer holding
// `secret` computes whatever points it chooses to publish.
Signature sign_with(const PublicKey& r, const Scalar32& nonce, const PublicKey& key_as_encoded, const Scalar32& secret,
                    std::span<const std::uint8_t> m) {
  const Scalar32 k = challenge(r, key_as_encoded, m);
  Scalar32 ka;
  Scalar32 s;
  crypto_core_ed25519_scalar_mul(ka.data(), k.data(), secret.data());
  crypto_core_ed25519_scalar_add(s.data(), nonce.data(), ka.data());
  Signature sig;
  std::copy(r.v.begin(), r.v.end(), sig.v.begin());
  std::copy(s.begin(), s.end(), sig.v.begin() + 32);
  return sig;
}
Scalar32 edge_nonce() {
  const std::string_view label = "midnight vectors: Ed25519 edge-case nonce";
  std::array<std::uint8_t, 64> h;
  crypto_hash_sha512(h.data(), reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
  return reduce_wide(h);
}
PublicKey base_times(const Scalar32& n) {
  PublicKey out;
  require(crypto_scalarmult_ed25519_base_noclamp(out.v.data(), n.data()) == 0, "ed25519 base multiplication");
  return out;
}
// A message, counted up from `from`, whose challenge under (R, key) is (or is not) a
// multiple of 8: the case where a mixed-order key does (or does not) change the equation.
Buf message_with_challenge(const PublicKey& r, const PublicKey& key, bool multiple_of_8) {
  for (std::uint32_t i = 0;; ++i) {
    Buf m = bytes_of("midnight mixed-order key ");
    m.push_back(static_cast<std::uint8_t>(i));
    const Scalar32 k = challenge(r, key, m);
    if (((k[0] & 7) == 0) == multiple_of_8) return m;
    require(i < 255, "no message with the wanted challenge");
  }
}

void write_signing(JsonWriter& w) {
  begin_family(w, "signing",
               "Ed25519 keys from seeds, proposal and vote signing inputs and signatures, and signatures that MUST "
               "NOT verify (spec/encoding.md §7).",
               {"Ed25519 is RFC 8032 pure Ed25519; a public key is derived from its 32-byte seed (RFC 8032 §5.1.5).",
                "Seed k of the vectors is 32 bytes of value k; seed 1 is the seed of spec/encoding.md §9.",
                "Signatures are deterministic, so every signature here must be reproduced exactly.",
                "proposal signing input = tag_proposal || chain_id || height u64 || round u32 || block_id (97 bytes).",
                "vote signing input = tag_vote || chain_id || height u64 || round u32 || step u8 || block_id || "
                "approve u8 (95 bytes)."});
  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "block_id_of_votes", kBlockAscii);

  w.key("keypairs").begin_array();
  for (const std::uint8_t k : std::array<std::uint8_t, 5>{1, 2, 3, 4, 0xff}) {
    w.begin_object(true).field("seed", to_hex(seed_of(k))).field("public_key", to_hex(keys_of(k).public_key));
    w.end_object();
  }
  w.end_array();

  // RFC 8032 §7.1, TEST 1 and TEST 2: checks the Ed25519 underneath, not our inputs.
  struct Rfc {
    const char* name;
    const char* seed;
    const char* public_key;
    const char* message;
    const char* signature;
  };
  const Rfc rfc[] = {
      {"RFC 8032 7.1 TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
       "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
       "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"RFC 8032 7.1 TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
       "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
       "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"}};
  w.key("ed25519").begin_array();
  for (const Rfc& r : rfc) {
    const Keypair k = keypair_from_seed(parse_hex<32>(r.seed));
    const Buf msg = parse_hex_buf(r.message);
    const Signature sig = sign_detached(k.secret_key, msg);
    require(to_hex(k.public_key) == r.public_key && to_hex(sig) == r.signature, std::string(r.name) + " mismatch");
    w.begin_object(true);
    w.field("name", r.name);
    w.field("seed", r.seed);
    w.field("public_key", to_hex(k.public_key));
    w.field("message_hex", to_hex(msg));
    w.field("signature", to_hex(sig));
    w.end_object();
  }
  w.end_array();

  w.key("proposals").begin_array();
  const ChainId chain = test_chain();
  const std::pair<std::uint8_t, BlockHeader> proposals[] = {
      {1, make_header(chain, kHeight, 0, genesis(), hash_ascii("midnight-test-merkle"), kMidnightMs,
                      keys_of(1).public_key)},
      {2, make_header(chain, kHeight, 2, genesis(), hash_ascii("midnight-test-merkle"), kMidnightMs + 6000,
                      keys_of(2).public_key)}};
  for (const auto& [seed, h] : proposals) {
    const Proposal p = sign_proposal(h, keys_of(seed).secret_key, vrf_keys_of(seed).secret_key);
    require(verify_proposal(p), "proposal verifies");
    w.begin_object();
    w.field("signer_seed", to_hex(seed_of(seed)));
    write_header_fields(w, h);
    w.field("signing_input_hex", to_hex(proposal_signing_input(h)));
    w.field("signature", to_hex(p.signature));
    w.end_object();
  }
  w.end_array();

  w.key("votes").begin_array();
  struct VoteCase {
    const char* name;
    VoteStep step;
    bool approve;
    bool nil;
  };
  const VoteCase vote_cases[] = {
      {"prevote approving (spec/encoding.md §9)", VoteStep::prevote, true, false},
      {"precommit approving", VoteStep::precommit, true, false},
      {"prevote rejecting a named block", VoteStep::prevote, false, false},
      {"precommit rejecting a named block", VoteStep::precommit, false, false},
      {"nil prevote (zero block id)", VoteStep::prevote, false, true},
      {"nil precommit (zero block id)", VoteStep::precommit, false, true}};
  for (const VoteCase& c : vote_cases) {
    const Vote v = spec_example_vote(c.step, c.approve, c.nil);
    require(verify_vote(v), "vote verifies");
    w.begin_object();
    w.field("name", c.name);
    w.field("signer_seed", to_hex(seed_of(1)));
    w.key("vote");
    write_vote(w, v, Derived::omit);
    w.field("signing_input_hex", to_hex(vote_signing_input(v)));
    w.end_object();
  }
  w.end_array();

  // Verification: each (public key, message, signature) MUST give `valid`.
  w.key("verify").begin_array();
  const Vote prevote = spec_example_vote(VoteStep::prevote, true, false);
  const Vote precommit = spec_example_vote(VoteStep::precommit, true, false);
  const VoteSigningInput prevote_in = vote_signing_input(prevote);
  const VoteSigningInput precommit_in = vote_signing_input(precommit);
  Signature flipped_r = prevote.signature;
  flipped_r.v[0] ^= 0x01;
  Signature flipped_s = prevote.signature;
  flipped_s.v[40] ^= 0x01;
  PublicKey flipped_key = prevote.voter;
  flipped_key.v[5] ^= 0x01;
  // The identity point (y = 1) as public key and as R, with S = 0: the verification
  // equation holds for every message, but both points have small order.
  const PublicKey identity = identity_encoding();
  Signature identity_sig{};
  identity_sig.v[0] = 0x01;
  // The edge cases of the acceptance rule (see the helpers above write_signing).
  const Scalar32 secret = secret_scalar_of(seed_of(1));
  require(base_times(secret) == prevote.voter, "seed 1's secret scalar gives its public key");
  const Scalar32 nonce = edge_nonce();
  const PublicKey order8 = parse_hex<32>(kOrder8Point);
  const PublicKey mixed_r = add_points(base_times(nonce), order8);
  const Signature mixed_r_sig =
      sign_with(mixed_r, nonce, prevote.voter, secret, std::span<const std::uint8_t>(prevote_in));
  const PublicKey mixed_key = add_points(prevote.voter, order8);
  const PublicKey plain_r = base_times(nonce);
  const Buf mixed_key_message = message_with_challenge(plain_r, mixed_key, false);
  const Signature mixed_key_sig = sign_with(plain_r, nonce, mixed_key, secret, mixed_key_message);
  const Buf mixed_key_message_8 = message_with_challenge(plain_r, mixed_key, true);
  const Signature mixed_key_sig_8 = sign_with(plain_r, nonce, mixed_key, secret, mixed_key_message_8);
  // y = p + 1 = 2^255 - 18, little-endian: the identity (y = 1) not reduced mod p.
  PublicKey identity_y_p_plus_1;
  identity_y_p_plus_1.v.fill(0xff);
  identity_y_p_plus_1.v[0] = 0xee;
  identity_y_p_plus_1.v[31] = 0x7f;
  Signature non_canonical_identity_r{};
  std::copy(identity_y_p_plus_1.v.begin(), identity_y_p_plus_1.v.end(), non_canonical_identity_r.v.begin());
  struct VerifyCase {
    const char* name;
    PublicKey key;
    Buf message;
    Signature sig;
    bool valid;
  };
  const VerifyCase verify_cases[] = {
      {"the prevote's signature over its own signing input", prevote.voter, Buf(prevote_in.begin(), prevote_in.end()),
       prevote.signature, true},
      {"the prevote's signature over the precommit's signing input (step byte differs)", prevote.voter,
       Buf(precommit_in.begin(), precommit_in.end()), prevote.signature, false},
      {"one bit of R flipped", prevote.voter, Buf(prevote_in.begin(), prevote_in.end()), flipped_r, false},
      {"one bit of S flipped", prevote.voter, Buf(prevote_in.begin(), prevote_in.end()), flipped_s, false},
      {"another public key (one bit flipped)", flipped_key, Buf(prevote_in.begin(), prevote_in.end()),
       prevote.signature, false},
      {"non-canonical S: S + L (group order) of a valid signature", prevote.voter,
       Buf(prevote_in.begin(), prevote_in.end()), add_group_order(prevote.signature), false},
      {"small-order public key and R (the identity point), S = 0", identity, Buf(prevote_in.begin(), prevote_in.end()),
       identity_sig, false},
      {"mixed-order R (a valid R plus a point of order 8), S for that R: only a cofactored equation accepts it",
       prevote.voter, Buf(prevote_in.begin(), prevote_in.end()), mixed_r_sig, false},
      {"mixed-order public key (seed 1's key plus a point of order 8), k not a multiple of 8: only a cofactored "
       "equation accepts it",
       mixed_key, mixed_key_message, mixed_key_sig, false},
      {"mixed-order public key, k a multiple of 8: the plain equation holds, so it MUST be accepted", mixed_key,
       mixed_key_message_8, mixed_key_sig_8, true},
      {"non-canonical public key: the identity encoded with y = p + 1", identity_y_p_plus_1,
       Buf(prevote_in.begin(), prevote_in.end()), identity_sig, false},
      {"non-canonical R: the identity encoded with y = p + 1, S = 0, under seed 1's key", prevote.voter,
       Buf(prevote_in.begin(), prevote_in.end()), non_canonical_identity_r, false},
  };
  for (const VerifyCase& c : verify_cases) {
    require(verify_detached(c.key, c.sig, c.message) == c.valid, std::string("verify case: ") + c.name);
    w.begin_object(true);
    w.field("name", c.name);
    w.field("public_key", to_hex(c.key));
    w.field("message_hex", to_hex(c.message));
    w.field("signature", to_hex(c.sig));
    w.field("valid", c.valid);
    w.end_object();
  }
  w.end_array();

  w.end_object();
}

// ================================================================================================
// encoding
// ================================================================================================
bool by_public_key(const Keypair& a, const Keypair& b) { return a.public_key < b.public_key; }

// The messages of the encoding family, also the base of the rejections.
struct EncodingFixture {
  ChainId chain = test_chain();
  Members members;  // seeds 1..4, weights 1..4
  BlockContent content;
  BlockHeader header;    // of the block
  Proposal proposal;     // of the block, by seed 1
  Certificate certificate;  // precommits of seeds 2..4 (weight 9 of 10) for the block
  Vote vote;             // the spec's worked example
  Vote nil_vote;
  Buf tx = bytes_of("hello");
  Masternode masternode;
  Masternode heavy_masternode;
};

const std::uint64_t kFixtureWeights[] = {1, 2, 3, 4};

EncodingFixture make_encoding_fixture() {
  EncodingFixture f;
  f.members = make_members(kFixtureWeights);
  const Buf mempool_storage[] = {bytes_of("hello"), bytes_of("midnight"), bytes_of("x")};
  std::vector<TxBytes> mempool(std::begin(mempool_storage), std::end(mempool_storage));
  f.content = build_block_content(f.chain, kHeight, f.members.membership, 1003, mempool);
  f.header = make_header(f.chain, kHeight, 0, genesis(), f.content.merkle_root, kMidnightMs, keys_of(1).public_key);
  f.proposal = sign_proposal(f.header, keys_of(1).secret_key, vrf_keys_of(1).secret_key);
  f.certificate.chain_id = f.chain;
  f.certificate.height = kHeight;
  f.certificate.round = 0;
  f.certificate.block_id = compute_block_id(f.header);
  std::vector<Keypair> signers{keys_of(2), keys_of(3), keys_of(4)};
  std::sort(signers.begin(), signers.end(), by_public_key);
  f.certificate.signatures.resize(signers.size());
  for (std::size_t i = 0; i < signers.size(); ++i) {
    Vote v = f.certificate.vote(i);
    v.voter = signers[i].public_key;
    v = sign_vote(v, signers[i].secret_key);
    f.certificate.signatures[i] = {v.voter, v.signature};
  }
  require(verify_certificate(f.certificate, f.members.membership, f.chain).has_value(), "fixture certificate");
  f.vote = spec_example_vote(VoteStep::prevote, true, false);
  f.nil_vote = spec_example_vote(VoteStep::precommit, false, true);
  f.masternode = {keys_of(1).public_key, vrf_keys_of(1).public_key, destination_of(1), 1};
  f.heavy_masternode = {keys_of(2).public_key, vrf_keys_of(2).public_key, destination_of(2), kMaxMemberWeight};
  return f;
}

// The reconciliation messages of the encoding fixture: seed 3, holding the fixture block's
// three mempool transactions, asks for the block by sketch (a complete sample of three) and
// then for two of them by short id; the answers are a sketch of two cells a hash of the
// block's mempool transactions and those transactions.
struct ReconcileFixture {
  Buf sample_ids;
  ReconcileRequest sketch_request;
  Buf named_ids;
  ReconcileRequest transactions_request;
  Buf sketch;  // spec/reconciliation.md §3's encoding
  std::vector<TxBytes> named;  // the two transactions, ascending by txid
};

Buf short_id_list(std::vector<ShortTxId> ids) {
  std::sort(ids.begin(), ids.end());
  Buf out(8 * ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(out.data() + 8 * i, ids[i]);
  return out;
}

ReconcileFixture make_reconcile_fixture(const EncodingFixture& f) {
  ReconcileFixture r;
  const BlockId id = compute_block_id(f.header);
  const SketchKey key = sketch_key(id);
  std::vector<ShortTxId> all;
  for (std::size_t i = 1; i < f.content.views.size(); ++i) all.push_back(short_tx_id(key, compute_txid(f.chain, f.content.views[i])));
  r.sample_ids = short_id_list(all);
  ReconcileRequest q;
  q.chain_id = f.chain;
  q.height = kHeight;
  q.block_id = id;
  q.requester = keys_of(3).public_key;
  q.kind = ReconcileKind::sketch;
  q.have = 3;
  q.ids.bytes = r.sample_ids;
  r.sketch_request = sign_reconcile_request(q, keys_of(3).secret_key);
  r.named = {f.content.views[1], f.content.views[3]};
  r.named_ids = short_id_list({all[0], all[2]});
  q.kind = ReconcileKind::transactions;
  q.have = 0;
  q.ids.bytes = r.named_ids;
  r.transactions_request = sign_reconcile_request(q, keys_of(3).secret_key);
  r.transactions_request.ids.bytes = r.named_ids;
  r.sketch_request.ids.bytes = r.sample_ids;
  TxSketch sk = TxSketch::make(key, 2).value();
  for (const ShortTxId x : all) sk.insert(x);
  r.sketch.resize(sk.encoded_size());
  encode_tx_sketch(sk, r.sketch);
  return r;
}

// One message of the encoding family: checks that it decodes and re-encodes to itself.
void write_message(JsonWriter& w, std::string_view name, MessageType type, const Buf& encoded,
                   const std::function<void()>& fields) {
  const DecodeOutcome d = decode_as(type, encoded);
  require(!d.error, std::string(name) + ": does not decode: " + d.error.message());
  require(d.reencoded == encoded, std::string(name) + ": does not re-encode to the same bytes");
  w.begin_object();
  w.field("name", name);
  w.field("type", message_type_name(type));
  w.key("fields");
  fields();
  w.field("size", encoded.size());
  bytes_field(w, "hex", encoded);
  w.end_object();
}

// The fixture certificate signed by the keys of wide seeds 1..n, in ascending key order.
// The one of 10,000 entries is listed by digest only (1 MB of hex would bury the file);
// the oracle (conform) rebuilds it by its name through encoding_message_from_name.
Certificate wide_certificate(const EncodingFixture& f, std::uint32_t signers_count) {
  Certificate c = f.certificate;
  std::vector<Keypair> signers;
  for (std::uint32_t k = 1; k <= signers_count; ++k) signers.push_back(keypair_from_seed(wide_seed_of(k)));
  std::sort(signers.begin(), signers.end(), by_public_key);
  c.signatures.resize(signers.size());
  for (std::size_t i = 0; i < signers.size(); ++i) {
    Vote v = c.vote(i);
    v.voter = signers[i].public_key;
    v = sign_vote(v, signers[i].secret_key);
    c.signatures[i] = {v.voter, v.signature};
  }
  return c;
}
constexpr const char* kWideCertificateName = "certificate of 10000 precommits (wide seeds 1..10000), by digest";

void write_encoding(JsonWriter& w) {
  begin_family(w, "encoding",
               "Every message type: its field values and the exact bytes of its canonical encoding (spec/encoding.md "
               "§2-§3). Each MUST decode to these fields and encode to these bytes.",
               {"hex is the whole message: the 2-byte prefix (version 2, type) and the body.",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each segment's "
                "hex repeated `repeat` times.",
                "Seed k is 32 bytes of value k; reward destination k is 32 bytes of value 0xd0 + k. Wide seed k "
                "(memberships past 255) is k as u32 big-endian followed by 28 bytes of 0x5e.",
                "The certificates of 255, 256 and 10000 precommits are of the certificate entry's chain, height, round "
                "and block, signed by the keys of wide seeds 1..n in ascending key order; the one of 10000 is given "
                "by its size and the SHA-256 of its encoding.",
                "The block's transactions are those built by the block_building rules from the mempool 'hello', "
                "'midnight', 'x' for members seeds 1..4 with weights 1, 2, 3, 4 and reward 1003 (coinbase first)."});
  const EncodingFixture f = make_encoding_fixture();
  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "prev_id", kGenesisAscii);

  w.key("messages").begin_array();
  const auto tx_fields = [&](const Buf& tx) {
    return [&w, &tx] {
      w.begin_object(true);
      bytes_field(w, "bytes", tx);
      w.end_object();
    };
  };
  write_message(w, "transaction", MessageType::transaction, unwrap(encode_transaction_to_vector(f.tx)),
                tx_fields(f.tx));
  const Buf one_byte{0x00};
  write_message(w, "transaction of one byte", MessageType::transaction,
                unwrap(encode_transaction_to_vector(one_byte)), tx_fields(one_byte));
  const Buf biggest(kMaxTransactionBytes, 0x5b);
  write_message(w, "transaction of the largest size (65536 bytes)", MessageType::transaction,
                unwrap(encode_transaction_to_vector(biggest)), tx_fields(biggest));

  const auto masternode_fields = [&w](const Masternode& m) {
    return [&w, m] {
      w.begin_object(true);
      write_masternode_fields(w, m);
      w.end_object();
    };
  };
  write_message(w, "masternode", MessageType::masternode, unwrap(encode_to_vector(f.masternode)),
                masternode_fields(f.masternode));
  write_message(w, "masternode of the largest weight (2^20)", MessageType::masternode,
                unwrap(encode_to_vector(f.heavy_masternode)),
                masternode_fields(f.heavy_masternode));

  write_message(w, "header", MessageType::header, unwrap(encode_to_vector(f.header)), [&] {
    w.begin_object();
    write_header_fields(w, f.header);
    w.end_object();
  });
  write_message(w, "proposal", MessageType::proposal, unwrap(encode_to_vector(f.proposal)), [&] {
    w.begin_object();
    write_proposal_fields(w, f.proposal, Derived::omit);
    w.end_object();
  });
  write_message(w, "vote (spec/encoding.md §9)", MessageType::vote, unwrap(encode_to_vector(f.vote)),
                [&] { write_vote(w, f.vote, Derived::omit); });
  write_message(w, "nil precommit", MessageType::vote, unwrap(encode_to_vector(f.nil_vote)),
                [&] { write_vote(w, f.nil_vote, Derived::omit); });
  write_message(w, "certificate", MessageType::certificate, unwrap(encode_to_vector(f.certificate)),
                [&] { write_certificate(w, f.certificate, Derived::omit); });

  // Certificates at the count's boundaries: 255 and 256 precommits (the last count a
  // one-byte field could hold, and the first it could not) in full, and one of 10,000
  // precommits by its size and SHA-256 (1 MB of hex would bury the file).
  const auto certificate_of = [&](std::uint32_t signers_count) { return wide_certificate(f, signers_count); };
  for (const std::uint32_t n : {255U, 256U}) {
    const Certificate c = certificate_of(n);
    write_message(w, "certificate of " + std::to_string(n) + " precommits (wide seeds 1.." + std::to_string(n) + ")",
                  MessageType::certificate, unwrap(encode_to_vector(c)), [&] { write_certificate(w, c, Derived::omit); });
  }
  {
    const Certificate c = certificate_of(10000);
    const Buf encoded = unwrap(encode_to_vector(c));
    const DecodeOutcome d = decode_as(MessageType::certificate, encoded);
    require(!d.error && d.reencoded == encoded, "the 10,000-member certificate does not round-trip");
    w.begin_object();
    w.field("name", kWideCertificateName);
    w.field("type", message_type_name(MessageType::certificate));
    w.key("fields").begin_object();
    w.field("chain_id", to_hex(c.chain_id));
    w.field("height", c.height);
    w.field("round", c.round);
    w.field("block_id", to_hex(c.block_id));
    w.field("count", c.count());
    w.field("first_voter", to_hex(c.signatures.front().voter));
    w.field("last_voter", to_hex(c.signatures.back().voter));
    w.end_object();
    w.field("size", encoded.size());
    w.field("sha256", to_hex(sha256(encoded)));
    w.end_object();
  }

  const auto block_fields = [&] {
    w.begin_object();
    write_signed_header_fields(w, f.header, f.proposal.signature, Derived::omit);
    w.field("tx_count", f.content.views.size());
    write_tx_list(w, "transactions", f.content.views);
    w.end_object();
  };
  write_message(w, "block", MessageType::block,
                unwrap(encode_block_to_vector(f.header, f.proposal.signature, f.content.views)),
                block_fields);
  write_message(w, "commit", MessageType::commit,
                unwrap(encode_commit_to_vector(f.certificate, f.header, f.proposal.signature, f.content.views)), [&] {
                  w.begin_object();
                  w.key("certificate");
                  write_certificate(w, f.certificate, Derived::omit);
                  w.key("block");
                  block_fields();
                  w.end_object();
                });

  // A polka: the fixture's proposal with a polka of round 2 (prevotes of seeds 2, 3 and 4,
  // weight 9 of 10), as a node that locked on it in round 2 announces it; and the same polka
  // re-proposed by seed 3 as its round message of round 3.
  {
    CarriedPolka rp;
    rp.proposal = f.proposal;
    rp.polka = f.certificate;
    rp.polka.round = 2;
    std::vector<Keypair> signers{keys_of(2), keys_of(3), keys_of(4)};
    std::sort(signers.begin(), signers.end(), by_public_key);
    for (std::size_t i = 0; i < signers.size(); ++i) {
      Vote v = rp.polka.vote(i, VoteStep::prevote);
      v.voter = signers[i].public_key;
      v = sign_vote(v, signers[i].secret_key);
      rp.polka.signatures[i] = {v.voter, v.signature};
    }
    require(verify_polka(rp.polka, f.members.membership, f.chain).has_value(), "fixture polka");
    const auto polka_fields = [&] {
      w.key("proposal").begin_object();
      write_proposal_fields(w, rp.proposal, Derived::omit);
      w.end_object();
      w.key("polka");
      write_certificate(w, rp.polka, Derived::omit, VoteStep::prevote);
    };
    write_message(w, "polka (a round-0 proposal with its round-2 polka)", MessageType::polka,
                  unwrap(encode_to_vector(rp)), [&] {
                    w.begin_object();
                    polka_fields();
                    w.end_object();
                  });
    Reproposal re{};
    re.round = 3;
    re.reproposer = keys_of(3).public_key;
    re.carried = rp;
    sign_reproposal(re, keys_of(3).secret_key, vrf_keys_of(3).secret_key);
    require(verify_reproposal(re) && verify_reproposal_vrf(re, vrf_keys_of(3).public_key).has_value(),
            "fixture re-proposal");
    write_message(w, "reproposal (seed 3 re-proposes that polka as its round-3 message)", MessageType::reproposal,
                  unwrap(encode_to_vector(re)), [&] {
                    w.begin_object();
                    w.field("round", re.round);
                    w.field("reproposer", to_hex(re.reproposer));
                    w.field("vrf_proof", to_hex(re.vrf_proof));
                    w.field("vrf_output", to_hex(verify_reproposal_vrf(re, vrf_keys_of(3).public_key).value()));
                    w.field("signing_input_hex", to_hex(reproposal_signing_input(re)));
                    w.field("signature", to_hex(re.signature));
                    polka_fields();
                    w.end_object();
                  });
  }
  {
    CommitRequest request;
    request.chain_id = f.chain;
    request.height = kHeight;
    request.requester = keys_of(3).public_key;
    request = sign_commit_request(request, keys_of(3).secret_key);
    write_message(w, "commit request (seed 3 asks for height 1)", MessageType::commit_request,
                  unwrap(encode_to_vector(request)), [&] {
                    w.begin_object(true);
                    write_commit_request_fields(w, request, Derived::omit);
                    w.end_object();
                  });
  }
  {
    BodyRequest request;
    request.chain_id = f.chain;
    request.height = kHeight;
    request.block_id = compute_block_id(f.header);
    request.requester = keys_of(3).public_key;
    request = sign_body_request(request, keys_of(3).secret_key);
    write_message(w, "body request (seed 3 asks for the body of the fixture's block)", MessageType::body_request,
                  unwrap(encode_to_vector(request)), [&] {
                    w.begin_object(true);
                    write_body_request_fields(w, request, Derived::omit);
                    w.end_object();
                  });
  }
  {
    const ReconcileFixture rf = make_reconcile_fixture(f);
    write_message(w, "reconcile request, kind sketch (seed 3, holding the block's three transactions, samples them)",
                  MessageType::reconcile_request, unwrap(encode_to_vector(rf.sketch_request)), [&] {
                    w.begin_object(true);
                    write_reconcile_request_fields(w, rf.sketch_request, Derived::omit);
                    w.end_object();
                  });
    write_message(w, "reconcile request, kind transactions (seed 3 names two of them)", MessageType::reconcile_request,
                  unwrap(encode_to_vector(rf.transactions_request)), [&] {
                    w.begin_object(true);
                    write_reconcile_request_fields(w, rf.transactions_request, Derived::omit);
                    w.end_object();
                  });
    const BodySketchView sk{f.chain, kHeight, compute_block_id(f.header), 3, rf.sketch};
    write_message(w, "body sketch (the block's three mempool transactions, two cells a hash)", MessageType::body_sketch,
                  unwrap(encode_to_vector(sk)), [&] {
                    w.begin_object(true);
                    write_body_sketch_fields(w, sk);
                    w.end_object();
                  });
    BodyTransactionsView t;
    t.chain_id = f.chain;
    t.height = kHeight;
    t.block_id = compute_block_id(f.header);
    t.txs = rf.named;
    write_message(w, "body transactions (the two named, ascending by txid)", MessageType::body_transactions,
                  unwrap(encode_body_transactions_to_vector(t.chain_id, t.height, t.block_id, t.txs)), [&] {
                    w.begin_object();
                    write_body_transactions_fields(w, t);
                    w.end_object();
                  });
  }
  w.end_array();
  w.end_object();
}

// ================================================================================================
// rejections
// ================================================================================================
struct Rejector {
  JsonWriter& w;

  // Writes one case after checking that decoding `input` as `as` fails with `expected`.
  void reject(std::string_view name, MessageType as, std::span<const std::uint8_t> input, codec_errc expected,
              std::string_view rule) {
    begin(name, as, input, expected, rule);
    bytes_field(w, "hex", input);
    w.end_object();
  }
  // The same for an input too large to print: its size and SHA-256, and the rule that
  // builds it.
  void reject_by_digest(std::string_view name, MessageType as, std::span<const std::uint8_t> input,
                        codec_errc expected, std::string_view rule, std::string_view input_rule) {
    begin(name, as, input, expected, rule);
    w.field("input_rule", input_rule);
    w.field("sha256", to_hex(sha256(input)));
    w.end_object();
  }

 private:
  // Checks that the reference rejects `input` as `expected`, and opens its entry.
  void begin(std::string_view name, MessageType as, std::span<const std::uint8_t> input, codec_errc expected,
             std::string_view rule) {
    const DecodeOutcome d = decode_as(as, input);
    require(d.error == make_error_code(expected),
            std::string("rejection '") + std::string(name) + "': expected " + codec_errc_name(expected) + ", got " +
                (d.error ? d.error.message() : std::string("success")));
    w.begin_object(true);
    w.field("name", name);
    w.field("decode_as", message_type_name(as));
    w.field("rule", rule);
    w.field("error", codec_errc_name(expected));
    w.field("field", d.where.field);
    w.field("offset", d.where.offset);
    w.field("size", input.size());
  }
};

Buf with_byte(Buf b, std::size_t at, std::uint8_t value) {
  require(at < b.size(), "with_byte offset");
  b[at] = value;
  return b;
}
Buf cut(const Buf& b, std::size_t n) { return Buf(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n)); }
Buf append(Buf b, std::span<const std::uint8_t> more) {
  b.insert(b.end(), more.begin(), more.end());
  return b;
}
void put_u16(Buf& b, std::size_t at, std::uint16_t x) { store_u16(b.data() + at, x); }
void put_u32(Buf& b, std::size_t at, std::uint32_t x) { store_u32(b.data() + at, x); }
void put_u64(Buf& b, std::size_t at, std::uint64_t x) { store_u64(b.data() + at, x); }

// A block message built field by field, so that rejections can break one rule only.
Buf raw_block(const BlockHeader& h, const Signature& sig, std::uint32_t tx_count, std::span<const TxBytes> txs) {
  Buf out = unwrap(encode_to_vector(h));
  out[1] = static_cast<std::uint8_t>(MessageType::block);
  out.insert(out.end(), sig.v.begin(), sig.v.end());
  Buf n(4);
  put_u32(n, 0, tx_count);
  out = append(std::move(out), n);
  for (const TxBytes& tx : txs) {
    put_u32(n, 0, static_cast<std::uint32_t>(tx.size()));
    out = append(std::move(out), n);
    out = append(std::move(out), tx);
  }
  return out;
}

// Transactions sorted by txid (the block order after the coinbase), each txid computed once.
void sort_by_txid(const ChainId& chain, std::vector<Buf>& txs) {
  std::vector<std::pair<TxId, Buf>> keyed;
  keyed.reserve(txs.size());
  for (Buf& tx : txs) keyed.emplace_back(compute_txid(chain, tx), std::move(tx));
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < keyed.size(); ++i) txs[i] = std::move(keyed[i].second);
}

// Mempools too large to list, described by a rule instead (the vectors' notes say so):
// transaction i is i as u32 big-endian, then `fill` bytes of 0x5b, for i in [0, count).
std::vector<Buf> counted_transactions(std::size_t count, std::size_t fill = 0) {
  std::vector<Buf> txs;
  txs.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Buf t(4 + fill, 0x5b);
    store_u32(t.data(), static_cast<std::uint32_t>(i));
    txs.push_back(std::move(t));
  }
  return txs;
}
std::string counted_rule(std::size_t count, std::size_t fill = 0) {
  return "transaction i is i as u32 big-endian" + (fill == 0 ? std::string() : " then " + std::to_string(fill) + " bytes of 0x5b") +
         ", for i = 0 .. " + std::to_string(count - 1);
}
// SHA-256 over the concatenated txids of `txs`, in their order: a long list, checked whole.
Hash32 txids_digest(const ChainId& chain, std::span<const TxBytes> txs) {
  Sha256 h;
  for (const TxBytes& tx : txs) h.update(compute_txid(chain, tx).span());
  return h.finish();
}

// The two rejections too large to print: a block of the fixture's header and signature
// and coinbase, then `count` transactions of the counted rule (with `fill`) in txid order.
// Their rule texts are what the vectors print; the oracle (conform) rebuilds the bytes
// from the text through rejection_input_from_rule.
constexpr std::size_t kOverByteCapCount = kMaxBlockTransactionBytes / kMaxTransactionBytes + 1;
Buf block_after_coinbase(const EncodingFixture& f, std::size_t count, std::size_t fill) {
  std::vector<Buf> txs = counted_transactions(count, fill);
  sort_by_txid(f.chain, txs);
  std::vector<TxBytes> views{f.content.views[0]};
  views.insert(views.end(), txs.begin(), txs.end());
  return raw_block(f.header, f.proposal.signature, static_cast<std::uint32_t>(views.size()), views);
}
std::string block_after_coinbase_rule(std::size_t count, std::size_t fill) {
  return "the block's header and signature, then the coinbase, then " + counted_rule(count, fill) +
         ", in ascending txid order";
}
Buf over_count_cap_block(const EncodingFixture& f) { return block_after_coinbase(f, kMaxBlockTransactions + 1, 0); }
std::string over_count_cap_rule() { return block_after_coinbase_rule(kMaxBlockTransactions + 1, 0); }
Buf over_byte_cap_block(const EncodingFixture& f) {
  return block_after_coinbase(f, kOverByteCapCount, kMaxTransactionBytes - 4);
}
std::string over_byte_cap_rule() { return block_after_coinbase_rule(kOverByteCapCount, kMaxTransactionBytes - 4); }

// The mempools of block_building.json too large to list, with the rule text the vectors
// print; the oracle (conform) rebuilds them from the text through mempool_from_rule.
struct RuleMempool {
  std::string rule;
  std::vector<Buf> txs;
};
// A day's block: 1,000,000 four-byte transactions.
RuleMempool day_mempool() { return {counted_rule(1'000'000), counted_transactions(1'000'000)}; }
// The count cap: 2^21 + 5 four-byte transactions.
RuleMempool count_cap_mempool() {
  return {counted_rule(kMaxBlockTransactions + 5), counted_transactions(kMaxBlockTransactions + 5)};
}
// The byte cap: 8192 transactions of 65536 bytes (twice what fits) and seven of one byte.
constexpr std::size_t kByteCapBig = 2 * (kMaxBlockTransactionBytes / kMaxTransactionBytes);
std::string byte_cap_mempool_rule() {
  return counted_rule(kByteCapBig, kMaxTransactionBytes - 4) + ", then the seven one-byte transactions 'a' .. 'g'";
}
RuleMempool byte_cap_mempool() {
  RuleMempool m{byte_cap_mempool_rule(), counted_transactions(kByteCapBig, kMaxTransactionBytes - 4)};
  for (std::string_view t : {"a", "b", "c", "d", "e", "f", "g"}) m.txs.push_back(bytes_of(t));
  return m;
}

void write_rejections(JsonWriter& w) {
  begin_family(w, "rejections",
               "Inputs that a decoder MUST reject (spec/encoding.md §4), at least one per rejection rule. Each breaks "
               "exactly one rule, so the error is determined.",
               {"decode_as is the message type the receiver expects; the error is the codec_errc enumerator name of "
                "the reference (midnight::codec_errc).",
                "field and offset are where the reference stopped: the field being read and its byte offset from the "
                "start of the message (prefix included); for trailing bytes the field is 'trailing' and the offset the "
                "end of the message. Which field is reported is not normative; the error is.",
                "Most inputs are a message of encoding.json with one change; the others are built field by field as "
                "their name says.",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each segment's "
                "hex repeated `repeat` times.",
                "Decoding checks structure only: the changed messages' signatures are not checked and do not matter.",
                "An input too large to print has input_rule (how to build it from encoding.json's block) with its size "
                "and sha256 instead of hex."});
  const EncodingFixture f = make_encoding_fixture();
  Rejector r{w};
  const Buf vote = unwrap(encode_to_vector(f.vote));
  const Buf tx = unwrap(encode_transaction_to_vector(f.tx));
  const Buf header = unwrap(encode_to_vector(f.header));
  const Buf proposal = unwrap(encode_to_vector(f.proposal));
  const Buf masternode = unwrap(encode_to_vector(f.masternode));
  const Buf certificate = unwrap(encode_to_vector(f.certificate));
  const Buf block = unwrap(encode_block_to_vector(f.header, f.proposal.signature, f.content.views));
  const Buf commit = unwrap(encode_commit_to_vector(f.certificate, f.header, f.proposal.signature, f.content.views));
  const std::size_t cert_size = certificate.size() - kPrefixSize;  // body size inside a commit
  constexpr std::size_t kCertCountAt = kPrefixSize + 32 + 8 + 4 + 32;      // 78, a u16
  constexpr std::size_t kCertEntriesAt = kCertCountAt + 2;
  const auto& tx_views = f.content.views;  // coinbase, then 3 transactions ascending by txid
  require(tx_views.size() == 4 && raw_block(f.header, f.proposal.signature, 4, tx_views) == block, "raw_block");
  const Buf zero_byte{0x00};

  w.key("cases").begin_array();

  // truncated
  r.reject("empty input", MessageType::vote, {}, codec_errc::truncated, "the input ends inside a field");
  r.reject("prefix only, no body", MessageType::vote, cut(vote, 2), codec_errc::truncated,
           "the input ends inside a field");
  r.reject("vote cut inside the voter key", MessageType::vote, cut(vote, 100), codec_errc::truncated,
           "the input ends inside a field");
  r.reject("vote one byte short", MessageType::vote, cut(vote, vote.size() - 1), codec_errc::truncated,
           "the input ends inside a field");
  r.reject("header cut inside the height", MessageType::header, cut(header, 40), codec_errc::truncated,
           "the input ends inside a field");
  r.reject("transaction length promises more bytes than there are", MessageType::transaction, cut(tx, tx.size() - 2),
           codec_errc::truncated, "a length that promises more bytes than there are");
  r.reject("certificate count promises more entries than there are", MessageType::certificate,
           cut(certificate, kCertEntriesAt + 96), codec_errc::truncated,
           "a count that promises more bytes than there are");
  r.reject("block cut inside the last transaction", MessageType::block, cut(block, block.size() - 1),
           codec_errc::truncated, "the input ends inside a field");
  r.reject("commit cut after its certificate", MessageType::commit, cut(commit, kPrefixSize + cert_size),
           codec_errc::truncated, "the input ends inside a field");

  // trailing_bytes
  r.reject("vote with one trailing byte", MessageType::vote, append(vote, zero_byte), codec_errc::trailing_bytes,
           "bytes remain after the message");
  r.reject("transaction with one trailing byte", MessageType::transaction, append(tx, zero_byte),
           codec_errc::trailing_bytes, "bytes remain after the message");
  r.reject("block followed by a second copy of its last byte", MessageType::block,
           append(block, std::span(block).last(1)), codec_errc::trailing_bytes, "bytes remain after the message");

  // unknown_version
  r.reject("vote with wire version 0", MessageType::vote, with_byte(vote, 0, 0x00), codec_errc::unknown_version,
           "prefix version is not 2");
  r.reject("vote with wire version 1 (a version 1 message)", MessageType::vote, with_byte(vote, 0, 0x01),
           codec_errc::unknown_version, "prefix version is not 2: version 1 is not accepted");
  r.reject("vote with wire version 3", MessageType::vote, with_byte(vote, 0, 0x03), codec_errc::unknown_version,
           "prefix version is not 2");
  r.reject("block with wire version 0xff", MessageType::block, with_byte(block, 0, 0xff), codec_errc::unknown_version,
           "prefix version is not 2");

  // unknown_message_type
  r.reject("vote with type 0x00", MessageType::vote, with_byte(vote, 1, 0x00), codec_errc::unknown_message_type,
           "prefix type is not 0x01..0x0f");
  r.reject("vote with type 0x10", MessageType::vote, with_byte(vote, 1, 0x10), codec_errc::unknown_message_type,
           "prefix type is not 0x01..0x0f");
  r.reject("vote with type 0xff", MessageType::vote, with_byte(vote, 1, 0xff), codec_errc::unknown_message_type,
           "prefix type is not 0x01..0x0f");

  // wrong_message_type
  r.reject("a vote where a proposal is expected", MessageType::proposal, vote, codec_errc::wrong_message_type,
           "a known type other than the one expected");
  r.reject("a proposal where a header is expected", MessageType::header, proposal, codec_errc::wrong_message_type,
           "a known type other than the one expected");
  r.reject("a block where a commit is expected", MessageType::commit, block, codec_errc::wrong_message_type,
           "a known type other than the one expected");

  // bad_header_version
  {
    Buf h0 = header;
    put_u16(h0, 2, 0);
    r.reject("header version 0", MessageType::header, h0, codec_errc::bad_header_version, "header version is not 1");
    Buf p2 = proposal;
    put_u16(p2, 2, 2);
    r.reject("proposal with header version 2", MessageType::proposal, p2, codec_errc::bad_header_version,
             "header version is not 1");
    Buf b256 = block;
    put_u16(b256, 2, 0x0100);
    r.reject("block with header version 0x0100 (1 written little-endian)", MessageType::block, b256,
             codec_errc::bad_header_version, "header version is not 1");
    Buf c0 = commit;
    put_u16(c0, kPrefixSize + cert_size, 0);
    r.reject("commit whose block has header version 0", MessageType::commit, c0, codec_errc::bad_header_version,
             "header version is not 1");
  }

  // length_out_of_range
  {
    Buf empty_tx{kWireVersion, static_cast<std::uint8_t>(MessageType::transaction), 0, 0, 0, 0};
    r.reject("transaction of length 0", MessageType::transaction, empty_tx, codec_errc::length_out_of_range,
             "a transaction length is 0");
    Buf too_long(kPrefixSize + 4 + kMaxTransactionBytes + 1, 0x5a);
    too_long[0] = kWireVersion;
    too_long[1] = static_cast<std::uint8_t>(MessageType::transaction);
    put_u32(too_long, 2, static_cast<std::uint32_t>(kMaxTransactionBytes + 1));
    r.reject("transaction of length 65537 (with its 65537 bytes)", MessageType::transaction, too_long,
             codec_errc::length_out_of_range, "a transaction length is above 65536");
    const TxBytes empty_coinbase[] = {TxBytes{}, tx_views[1], tx_views[2], tx_views[3]};
    r.reject("block whose coinbase has length 0", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, empty_coinbase), codec_errc::length_out_of_range,
             "a transaction length is 0 (the coinbase too)");
    const TxBytes empty_second[] = {tx_views[0], tx_views[1], TxBytes{}, tx_views[3]};
    r.reject("block whose transaction 2 has length 0", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, empty_second), codec_errc::length_out_of_range,
             "a transaction length is 0");
  }

  // count_out_of_range
  {
    Buf c0 = cut(certificate, kCertEntriesAt);
    c0[kCertCountAt] = 0;
    c0[kCertCountAt + 1] = 0;
    r.reject("certificate of count 0", MessageType::certificate, c0, codec_errc::count_out_of_range,
             "certificate count is 0");
    // A count above kMaxMembers (65535) cannot be written in the u16 field: 0 is the one
    // count out of range on the wire.
    r.reject("block of tx_count 0", MessageType::block, raw_block(f.header, f.proposal.signature, 0, {}),
             codec_errc::count_out_of_range, "block tx_count is 0");
    // 2^21 + 2 transactions: the coinbase and 2^21 + 1 four-byte ones in txid order.
    r.reject_by_digest("block of tx_count 2097154 (with 2097154 transactions in order)", MessageType::block,
                       over_count_cap_block(f), codec_errc::count_out_of_range, "block tx_count is above 2097153",
                       over_count_cap_rule());
  }

  // bad_flag, bad_vote_step, nil_vote_not_canonical
  constexpr std::size_t kVoteStepAt = kPrefixSize + 32 + 8 + 4;  // 46
  constexpr std::size_t kVoteApproveAt = kVoteStepAt + 1 + 32;   // 79
  r.reject("vote with approve = 2", MessageType::vote, with_byte(vote, kVoteApproveAt, 2), codec_errc::bad_flag,
           "vote approve is neither 0 nor 1");
  r.reject("vote with approve = 0xff", MessageType::vote, with_byte(vote, kVoteApproveAt, 0xff), codec_errc::bad_flag,
           "vote approve is neither 0 nor 1");
  r.reject("vote with step 0", MessageType::vote, with_byte(vote, kVoteStepAt, 0), codec_errc::bad_vote_step,
           "vote step is neither 1 nor 2");
  r.reject("vote with step 3", MessageType::vote, with_byte(vote, kVoteStepAt, 3), codec_errc::bad_vote_step,
           "vote step is neither 1 nor 2");
  {
    const Buf nil = unwrap(encode_to_vector(f.nil_vote));
    r.reject("nil vote (zero block id) with approve = 1", MessageType::vote, with_byte(nil, kVoteApproveAt, 1),
             codec_errc::nil_vote_not_canonical, "approve = 1 with a zero block id");
  }

  // weight_out_of_range
  {
    constexpr std::size_t kWeightAt = kPrefixSize + 96;  // after key, vrf_key, reward_to
    for (const auto& [name, weight] :
         {std::pair<const char*, std::uint64_t>{"masternode of weight 0", 0},
          std::pair<const char*, std::uint64_t>{"masternode of weight 2^20 + 1", kMaxMemberWeight + 1},
          std::pair<const char*, std::uint64_t>{"masternode of weight 2^64 - 1", UINT64_MAX}}) {
      Buf m = masternode;
      put_u64(m, kWeightAt, weight);
      r.reject(name, MessageType::masternode, m, codec_errc::weight_out_of_range,
               "masternode weight is 0 or above 2^20");
    }
  }

  // not_canonical_order
  {
    const auto entry_at = [&](std::size_t i) { return kCertEntriesAt + i * kCertificateEntrySize; };
    Buf swapped = certificate;
    std::swap_ranges(swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(0)),
                     swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(1)),
                     swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(1)));
    r.reject("certificate with its first two entries swapped", MessageType::certificate, swapped,
             codec_errc::not_canonical_order, "certificate voters not strictly ascending");
    Buf repeated = certificate;
    std::copy(repeated.begin() + static_cast<std::ptrdiff_t>(entry_at(0)),
              repeated.begin() + static_cast<std::ptrdiff_t>(entry_at(1)),
              repeated.begin() + static_cast<std::ptrdiff_t>(entry_at(1)));
    r.reject("certificate with its first entry repeated", MessageType::certificate, repeated,
             codec_errc::not_canonical_order, "certificate voters not strictly ascending (a repeated voter)");
    const TxBytes swapped_txs[] = {tx_views[0], tx_views[2], tx_views[1], tx_views[3]};
    r.reject("block with transactions 1 and 2 swapped", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, swapped_txs), codec_errc::not_canonical_order,
             "block txids after the coinbase not strictly ascending");
    const TxBytes repeated_txs[] = {tx_views[0], tx_views[1], tx_views[2], tx_views[2]};
    r.reject("block with transaction 2 repeated", MessageType::block,
             raw_block(f.header, f.proposal.signature, 4, repeated_txs), codec_errc::not_canonical_order,
             "block txids after the coinbase not strictly ascending (a repeated transaction)");
    Buf commit_swapped = commit;
    std::swap_ranges(commit_swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(1)),
                     commit_swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(2)),
                     commit_swapped.begin() + static_cast<std::ptrdiff_t>(entry_at(2)));
    r.reject("commit with certificate entries 1 and 2 swapped", MessageType::commit, commit_swapped,
             codec_errc::not_canonical_order, "certificate voters not strictly ascending");
  }

  // The reconciliation messages (spec/encoding.md 3.12 to 3.14).
  {
    const ReconcileFixture rf = make_reconcile_fixture(f);
    const Buf ask = unwrap(encode_to_vector(rf.sketch_request));
    const Buf name = unwrap(encode_to_vector(rf.transactions_request));
    const Buf sketch = unwrap(encode_to_vector(BodySketchView{f.chain, kHeight, compute_block_id(f.header), 3, rf.sketch}));
    const Buf txs = unwrap(encode_body_transactions_to_vector(f.chain, kHeight, compute_block_id(f.header), rf.named));
    constexpr std::size_t kKindAt = kPrefixSize + 32 + 8 + 32 + 32;  // 106
    constexpr std::size_t kHaveAt = kKindAt + 1;
    constexpr std::size_t kCountAt = kHaveAt + 4;
    constexpr std::size_t kIdsAt = kCountAt + 4;                  // 115
    constexpr std::size_t kTxCountAt = kPrefixSize + 32 + 8 + 32;  // 74: body sketch and body transactions
    constexpr std::size_t kCellsAt = kTxCountAt + 4;               // 78: body sketch
    r.reject("reconcile request of kind 3", MessageType::reconcile_request, with_byte(ask, kKindAt, 3),
             codec_errc::bad_reconcile_kind, "kind is neither sketch (1) nor transactions (2)");
    r.reject("reconcile request of kind 0", MessageType::reconcile_request, with_byte(ask, kKindAt, 0),
             codec_errc::bad_reconcile_kind, "kind is neither sketch (1) nor transactions (2)");
    Buf too_many = ask;
    put_u32(too_many, kHaveAt, std::uint32_t(kMaxBlockTransactions + 1));
    r.reject("sketch request stating more transactions than a block holds", MessageType::reconcile_request, too_many,
             codec_errc::count_out_of_range, "sketch: have above 2097152");
    Buf short_sample = ask;
    put_u32(short_sample, kHaveAt, 4);
    r.reject("sketch request with have 4 and a sample of 3", MessageType::reconcile_request, short_sample,
             codec_errc::count_out_of_range, "sketch: count is not min(have, 512)");
    Buf with_have = name;
    put_u32(with_have, kHaveAt, 1);
    r.reject("transactions request with have 1", MessageType::reconcile_request, with_have,
             codec_errc::count_out_of_range, "transactions: have is not 0");
    Buf none = cut(name, kIdsAt);
    put_u32(none, kCountAt, 0);
    none.insert(none.end(), name.end() - 64, name.end());
    r.reject("transactions request naming no short id", MessageType::reconcile_request, none,
             codec_errc::count_out_of_range, "transactions: count is 0");
    Buf swapped = ask;
    std::swap_ranges(swapped.begin() + kIdsAt, swapped.begin() + kIdsAt + 8, swapped.begin() + kIdsAt + 8);
    r.reject("sketch request with its first two short ids swapped", MessageType::reconcile_request, swapped,
             codec_errc::not_canonical_order, "short ids not strictly ascending");
    r.reject("reconcile request cut inside its short ids", MessageType::reconcile_request, cut(ask, kIdsAt + 12),
             codec_errc::truncated, "a count that promises more bytes than there are");
    Buf no_cells = cut(sketch, kCellsAt + 4);
    put_u32(no_cells, kCellsAt, 0);
    r.reject("body sketch of 0 cells a hash", MessageType::body_sketch, no_cells, codec_errc::length_out_of_range,
             "cells_per_hash is 0");
    Buf huge = sketch;
    put_u32(huge, kCellsAt, std::uint32_t(kMaxSketchCellsPerHash + 1));
    r.reject("body sketch of 2098177 cells a hash", MessageType::body_sketch, huge, codec_errc::length_out_of_range,
             "cells_per_hash above 2098176");
    Buf big_count = sketch;
    put_u32(big_count, kTxCountAt, std::uint32_t(kMaxBlockTransactions + 1));
    r.reject("body sketch stating more transactions than a block holds", MessageType::body_sketch, big_count,
             codec_errc::count_out_of_range, "tx_count above 2097152");
    r.reject("body sketch one cell short", MessageType::body_sketch, cut(sketch, sketch.size() - kSketchCellBytes),
             codec_errc::truncated, "fewer cells than 3 * cells_per_hash");
    Buf zero_txs = cut(txs, kTxCountAt + 4);
    put_u32(zero_txs, kTxCountAt, 0);
    r.reject("body transactions of no transaction", MessageType::body_transactions, zero_txs,
             codec_errc::count_out_of_range, "count is 0");
    const std::size_t first_len = load_u32(txs.data() + kCellsAt);
    Buf reordered = cut(txs, kCellsAt);
    for (const TxBytes& t : {rf.named[1], rf.named[0]}) {
      Buf len(4);
      store_u32(len.data(), std::uint32_t(t.size()));
      reordered.insert(reordered.end(), len.begin(), len.end());
      reordered.insert(reordered.end(), t.begin(), t.end());
    }
    require(first_len == rf.named[0].size(), "body transactions layout");
    r.reject("body transactions with its two transactions swapped", MessageType::body_transactions, reordered,
             codec_errc::not_canonical_order, "transactions not strictly ascending by txid");
    Buf empty_tx = txs;
    put_u32(empty_tx, kCellsAt, 0);
    r.reject("body transactions whose first transaction has length 0", MessageType::body_transactions, empty_tx,
             codec_errc::length_out_of_range, "a transaction length is 0");
  }

  // block_too_large: 4097 transactions of 65536 bytes after the coinbase, in txid order.
  {
    r.reject_by_digest("block with 4097 transactions of 65536 bytes after the coinbase", MessageType::block,
                       over_byte_cap_block(f), codec_errc::block_too_large,
                       "transaction bytes after the coinbase above 268435456", over_byte_cap_rule());
  }
  w.end_array();
  w.end_object();
}

// ================================================================================================
// quorum
// ================================================================================================
PublicKey first_off_curve_encoding();

// Memberships the protocol accepts and every way it refuses one (spec/protocol.md §1.1):
// each case lists its members' keys as given (input order) and the expected verdict.
void write_membership_cases(JsonWriter& w) {
  const auto member = [](std::uint8_t k, std::uint64_t weight = 1) {
    return Masternode{keys_of(k).public_key, vrf_keys_of(k).public_key, destination_of(k), weight};
  };
  const auto with_vrf_key = [](Masternode m, const PublicKey& vrf_key) {
    m.vrf_key = vrf_key;
    return m;
  };
  const PublicKey identity = identity_encoding();
  const PublicKey y_is_p = y_equal_p_encoding();
  struct Case {
    std::string name;
    std::vector<Masternode> members;
  };
  const std::vector<Case> cases{
      {"seeds 1, 2, 3 with VRF seeds 1, 2, 3", {member(3), member(1), member(2, 5)}},
      {"no members", {}},
      {"weight 0", {member(1), member(2, 0)}},
      {"the same signing key twice", {member(1), with_vrf_key(member(1), vrf_keys_of(2).public_key)}},
      {"a VRF key that is the identity (small order)", {member(1), with_vrf_key(member(2), identity)}},
      {"a VRF key with y = p (not canonical)", {member(1), with_vrf_key(member(2), y_is_p)}},
      {"a VRF key not on the curve", {member(1), with_vrf_key(member(2), first_off_curve_encoding())}},
      {"a member's VRF key is its own signing key", {member(1), with_vrf_key(member(2), keys_of(2).public_key)}},
      {"a member's VRF key is another member's signing key",
       {member(1), with_vrf_key(member(2), keys_of(1).public_key)}},
      {"two members with one VRF key", {member(1), with_vrf_key(member(2), vrf_keys_of(1).public_key)}},
  };
  w.key("memberships").begin_array();
  for (const Case& c : cases) {
    w.begin_object();
    w.field("name", c.name);
    w.key("members").begin_array();
    for (const Masternode& m : c.members) {
      w.begin_object(true);
      write_masternode_fields(w, m);
      w.end_object();
    }
    w.end_array();
    const auto made = Membership::make(c.members);
    if (made) {
      w.field("expected", "valid");
      w.key("canonical_keys").begin_array(true);
      for (const Masternode& m : made.value().members()) w.value(to_hex(m.key));
      w.end_array();
      w.field("total_weight", made.value().total_weight());
    } else {
      require(made.error().category() == error_category_of<membership_errc>(), "a membership rejection");
      w.field("expected", membership_errc_name(static_cast<membership_errc>(made.error().value())));
    }
    w.end_object();
  }
  w.end_array();
}

void write_quorum(JsonWriter& w) {
  begin_family(w, "quorum",
               "The membership (spec/protocol.md §1.1) and the quorum rule (spec/protocol.md §2): a weight w is a "
               "quorum of total W iff 3w > 2W; the threshold is floor(2W/3) + 1.",
               {"Integer arithmetic only: no division is needed to test a quorum.",
                "memberships: a membership is valid when it is not empty, has at most 65535 members, every weight "
                "is 1..2^20, the signing keys are distinct, every VRF key passes ECVRF_validate_key (spec/vrf.md "
                "§3.7) and every VRF key differs from every other key of the membership, signing or VRF; "
                "otherwise `expected` names the first rule broken, in that order."});
  write_membership_cases(w);
  w.key("equal_weights").begin_array();
  for (std::uint64_t n = 1; n <= 10; ++n) {
    w.begin_object(true).field("n", n).field("total_weight", n).field("threshold", quorum_threshold(n)).end_object();
  }
  w.end_array();

  w.key("weighted").begin_array();
  const std::vector<std::vector<std::uint64_t>> memberships = {
      {2, 1},         {1, 1, 1, 3}, {1, 10, 100, 1000}, {5, 5, 5}, {1048576, 1048576, 1048576, 1},
      std::vector<std::uint64_t>(kMaxMembers, kMaxMemberWeight), sim::tier_weights(10000)};
  for (const auto& weights : memberships) {
    std::uint64_t total = 0;
    for (std::uint64_t x : weights) total += x;
    w.begin_object(true);
    if (weights.size() == kMaxMembers) {
      w.field("weights", "65535 members of weight 1048576");
    } else if (weights.size() == 10000) {
      w.field("weights", "10000 members, member i of weight 10^(i mod 4) (tiers 1, 10, 100, 1000)");
    } else {
      w.key("weights").begin_array(true);
      for (std::uint64_t x : weights) w.value(x);
      w.end_array();
    }
    w.field("total_weight", total);
    w.field("threshold", quorum_threshold(total));
    w.end_object();
  }
  w.end_array();

  w.key("is_quorum").begin_array();
  const std::uint64_t totals[] = {1, 2, 3, 4, 6, 7, 9, 10, 1111, 3145729, 67108864};
  for (std::uint64_t total : totals) {
    const std::uint64_t q = quorum_threshold(total);
    std::vector<std::uint64_t> weights{q - 1, q};
    if (total % 3 == 0) weights.insert(weights.begin(), total * 2 / 3);  // exactly two thirds: not a quorum
    weights.push_back(total);
    std::sort(weights.begin(), weights.end());
    weights.erase(std::unique(weights.begin(), weights.end()), weights.end());
    for (std::uint64_t weight : weights) {
      const bool yes = is_quorum(weight, total);
      require(yes == (weight >= q), "threshold and is_quorum agree");
      w.begin_object(true).field("weight", weight).field("total_weight", total).field("quorum", yes).end_object();
    }
  }
  w.end_array();
  w.end_object();
}

// ================================================================================================
// block building
// ================================================================================================
void write_content(JsonWriter& w, const ChainId& chain, const BlockContent& c, bool with_txids) {
  w.field("coinbase_hex", to_hex(c.txs.front()));
  w.field("tx_count", c.views.size());
  w.field("mempool_bytes", c.mempool_bytes);
  if (with_txids) {
    w.key("transactions").begin_array();
    for (std::size_t i = 0; i < c.views.size(); ++i) {
      w.begin_object(true);
      w.field("index", i);
      w.field("txid", to_hex(compute_txid(chain, c.views[i])));
      bytes_field(w, "bytes", c.views[i]);
      w.end_object();
    }
    w.end_array();
  } else {
    write_tx_list(w, "transactions", c.views);
  }
  w.field("merkle_root", to_hex(c.merkle_root));
}

void write_mempool(JsonWriter& w, std::span<const Buf> mempool) {
  w.key("mempool").begin_array();
  for (const Buf& tx : mempool) write_bytes(w, tx);
  w.end_array();
}

// Approval by validity (spec/protocol.md §3.4): bodies another member sends, checked by a
// node whose own mempool differs. Each case's verdict is the library's, and required to
// be the one the case is about.
void write_approvals(JsonWriter& w, const ChainId& chain, const Members& m, std::uint64_t reward) {
  const FirstByteBdIsInvalid validity;
  const std::vector<Buf> own_pool = {bytes_of("alpha"), bytes_of("bravo"), bytes_of("charlie")};
  const std::vector<Buf> their_pool = {bytes_of("alpha"), bytes_of("bravo"), bytes_of("delta"), bytes_of("echo")};
  const std::vector<TxBytes> own_views(own_pool.begin(), own_pool.end());
  const std::vector<TxBytes> their_views(their_pool.begin(), their_pool.end());
  const BlockContent own = build_block_content(chain, kHeight, m.membership, reward, own_views, {}, &validity);
  const BlockContent theirs = build_block_content(chain, kHeight, m.membership, reward, their_views, {}, &validity);
  require(own.merkle_root != theirs.merkle_root, "approvals: the two mempools build different blocks");
  const auto as_bufs = [](std::span<const TxBytes> txs) {
    std::vector<Buf> out;
    for (const TxBytes tx : txs) out.emplace_back(tx.begin(), tx.end());
    return out;
  };
  const auto root_of = [](const std::vector<Buf>& body) {
    const std::vector<TxBytes> v(body.begin(), body.end());
    return merkle_root(v);
  };
  // A body in canonical order (coinbase first, then ascending txid) from transactions.
  const auto canonical = [&](Buf coinbase, std::vector<Buf> rest) {
    sort_by_txid(chain, rest);
    rest.insert(rest.begin(), std::move(coinbase));
    return rest;
  };
  w.key("approvals").begin_array();
  const auto add = [&](std::string_view name, const std::vector<Buf>& body, const Hash32& root,
                       std::optional<body_errc> expected) {
    const std::vector<TxBytes> views(body.begin(), body.end());
    const auto verdict = check_block_body(chain, views, root, own.views[0], &validity);
    require(expected ? (!verdict && verdict.error() == *expected) : verdict.has_value(),
            "approvals: " + std::string(name) + ": the library's verdict is not the case's");
    w.begin_object();
    w.field("name", name);
    w.key("checking_node_mempool").begin_array();
    for (const Buf& tx : own_pool) write_bytes(w, tx);
    w.end_array();
    w.field("checking_node_merkle_root", to_hex(own.merkle_root));
    w.field("reward", reward);
    w.key("body").begin_array();
    for (const Buf& tx : body) write_bytes(w, tx);
    w.end_array();
    w.field("merkle_root", to_hex(root));
    w.key("expected").begin_object(true);
    if (expected) w.field("error", body_errc_name(*expected)); else w.field("holds", true);
    w.end_object();
    w.end_object();
  };
  const std::vector<Buf> valid = as_bufs(theirs.views);
  add("another member's block, built from a mempool that differs from the checking node's", valid, theirs.merkle_root,
      std::nullopt);
  add("the checking node's own block", as_bufs(own.views), own.merkle_root, std::nullopt);
  {
    std::vector<Buf> rest(valid.begin() + 1, valid.end());
    rest.push_back(Buf{0xbd, 0x01});
    const std::vector<Buf> body = canonical(valid[0], rest);
    add("a transaction the predicate rejects (first byte 0xbd), in canonical order, under its own root", body,
        root_of(body), body_errc::invalid_transaction);
  }
  {
    std::vector<Buf> body = valid;
    std::swap(body[1], body[2]);
    add("two transactions out of txid order, under that order's root", body, root_of(body),
        body_errc::not_canonical_order);
  }
  {
    // The coinbase, the first transaction twice, then the rest.
    std::vector<Buf> body(valid.begin(), valid.begin() + 2);
    body.push_back(valid[1]);
    for (std::size_t i = 2; i < valid.size(); ++i) body.push_back(valid[i]);
    add("a transaction twice, under that list's root", body, root_of(body), body_errc::not_canonical_order);
  }
  {
    std::vector<Buf> body = valid;
    body[0] = build_coinbase(chain, kHeight, m.membership, reward + 1);
    add("the coinbase of another reward, under that body's root", body, root_of(body), body_errc::bad_coinbase);
  }
  {
    std::vector<Buf> body = valid;
    body.push_back(Buf{});
    add("an empty transaction after the coinbase", body, root_of(body), body_errc::bad_transaction_size);
  }
  const std::vector<Buf> no_transactions;
  add("no transaction at all", no_transactions, theirs.merkle_root, body_errc::no_coinbase);
  add("a valid body under another header's root (the checking node's own)", valid, own.merkle_root,
      body_errc::bad_merkle_root);
  {
    // The builder drops what the predicate rejects: a node whose mempool holds such a
    // transaction builds the block without it, which every member then holds.
    std::vector<Buf> pool = own_pool;
    pool.push_back(Buf{0xbd, 0x02});
    const std::vector<TxBytes> v(pool.begin(), pool.end());
    const BlockContent built = build_block_content(chain, kHeight, m.membership, reward, v, {}, &validity);
    require(built.merkle_root == own.merkle_root, "approvals: the builder drops what the predicate rejects");
    add("a block built from a mempool holding an invalid transaction: the builder dropped it", as_bufs(built.views),
        built.merkle_root, std::nullopt);
  }
  w.end_array();
}

void write_block_building(JsonWriter& w) {
  begin_family(w, "block_building",
               "Deterministic block content (spec/protocol.md §3): a membership, a reward and a mempool in any order "
               "give one exact transaction list, coinbase and Merkle root.",
               {"Seed k is 32 bytes of value k; reward destination k is 32 bytes of value 0xd0 + k.",
                "Members are listed in input order; member_index is the canonical index (ascending public key).",
                "Drop empty transactions and those above 65536 bytes; deduplicate by txid; sort ascending by txid; "
                "keep the longest prefix with at most 2097152 transactions and 268435456 bytes (stop at the first that "
                "does not fit); prepend the coinbase.",
                "coinbase = tag_coinbase || chain_id || height u64 || member count u16 || per canonical member "
                "(reward_to 32 || amount u64).",
                "amount of member i = floor(R * w_i / W), and one more unit for members 0 .. r-1 where r = R - sum of "
                "the floors.",
                "transactions lists the block in order: index 0 is the coinbase. merkle_root is RFC 6962 over them.",
                "A mempool too large to list is a mempool_rule; its expected block is given by tx_count, mempool_bytes, "
                "merkle_root and txids_sha256, the SHA-256 over the concatenated txids of the block's transactions in "
                "order (coinbase first).",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each segment's "
                "hex repeated `repeat` times.",
                "approvals (spec/protocol.md §3.4, approval by validity): a node with its own mempool checks a body "
                "another member sent for a header with merkle_root; expected is {\"holds\": true} or {\"error\": "
                "body_errc name} of the first check that fails, in the order of §3.4. The validity predicate of these "
                "cases: a transaction is invalid exactly when its first byte is 0xbd. The checking node's coinbase "
                "is the one of this file's membership, height and the case's reward."});
  const ChainId chain = test_chain();
  derived_field(w, "chain_id", kChainAscii);
  w.field("height", kHeight);
  const Members m = make_members(kFixtureWeights);
  constexpr std::uint64_t kReward = 1003;

  w.key("cases").begin_array();
  // The main case: a mempool with duplicates, an empty and an oversized transaction.
  {
    const std::vector<Buf> mempool = {bytes_of("hello"),   Buf{},           bytes_of("midnight"),
                                      Buf(kMaxTransactionBytes + 1, 0x5a), bytes_of("hello"),
                                      bytes_of("alpha"),   bytes_of("bravo"), Buf(kMaxTransactionBytes, 0x5b),
                                      bytes_of("bravo"),   Buf{0x00},       bytes_of("charlie")};
    const std::vector<TxBytes> views(mempool.begin(), mempool.end());
    const BlockContent c = build_block_content(chain, kHeight, m.membership, kReward, views);
    const auto shares = split_reward(m.membership, kReward);
    w.begin_object();
    w.field("name", "mempool with duplicates, an empty and an oversized transaction, and one of exactly 65536 bytes");
    write_members(w, m);
    w.field("reward", kReward);
    write_mempool(w, mempool);
    w.key("expected").begin_object();
    w.key("rewards").begin_array();
    for (std::size_t i = 0; i < m.membership.size(); ++i) {
      const Masternode& mn = m.membership.member(i);
      w.begin_object(true);
      w.field("member_index", i);
      w.field("public_key", to_hex(mn.key));
      w.field("reward_to", to_hex(mn.reward_to));
      w.field("weight", mn.weight);
      w.field("amount", shares[i]);
      w.end_object();
    }
    w.end_array();
    write_content(w, chain, c, true);
    w.end_object();
    w.end_object();
  }
  // Mempools too large to list: each is a rule; the result is its count, bytes, Merkle
  // root and the SHA-256 over its txids in block order (coinbase first).
  const auto by_rule = [&](std::string_view name, const std::vector<Buf>& mempool, const std::string& rule,
                           const auto& extra) {
    const std::vector<TxBytes> views(mempool.begin(), mempool.end());
    const BlockContent c = build_block_content(chain, kHeight, m.membership, kReward, views);
    w.begin_object();
    w.field("name", name);
    write_members(w, m);
    w.field("reward", kReward);
    w.field("mempool_rule", rule);
    w.key("expected").begin_object();
    w.field("coinbase_hex", to_hex(c.txs.front()));
    w.field("tx_count", c.views.size());
    w.field("mempool_bytes", c.mempool_bytes);
    w.field("txids_sha256", to_hex(txids_digest(chain, c.views)));
    extra(c);
    w.field("merkle_root", to_hex(c.merkle_root));
    w.end_object();
    w.end_object();
  };
  // A day's block: 1,000,000 four-byte transactions, all kept.
  {
    const RuleMempool day = day_mempool();
    by_rule("a day's block: 1000000 transactions, all kept", day.txs, day.rule, [&](const BlockContent& c) {
      require(c.views.size() == 1'000'001, "a day's block keeps every transaction");
    });
  }
  // The count cap: 2^21 + 5 four-byte transactions; the 2^21 with the lowest txids are kept.
  {
    const RuleMempool over = count_cap_mempool();
    by_rule("count cap: 2097157 transactions, the 2097152 lowest txids are kept", over.txs, over.rule,
            [&](const BlockContent& c) {
              require(c.views.size() == kMaxBlockTransactions + 1, "count cap");
            });
  }
  // The byte cap: 8192 transactions of 65536 bytes (twice what fits) and seven one-byte
  // ones. The prefix stops at the first transaction (in txid order) that would pass
  // 268435456 bytes, about halfway; later ones are not taken even when they would fit.
  {
    const RuleMempool byte_cap = byte_cap_mempool();
    std::vector<Buf> sorted = byte_cap.txs;
    sort_by_txid(chain, sorted);
    by_rule("byte cap: the prefix stops at the first transaction that does not fit, never skipping ahead",
            byte_cap.txs, byte_cap.rule, [&](const BlockContent& c) {
              const std::size_t kept = c.views.size() - 1;
              std::size_t would_fit = 0;
              for (std::size_t i = kept + 1; i < sorted.size(); ++i)
                if (c.mempool_bytes + sorted[i].size() <= kMaxBlockTransactionBytes) ++would_fit;
              require(kept < sorted.size() && c.mempool_bytes + sorted[kept].size() > kMaxBlockTransactionBytes,
                      "byte cap");
              require(would_fit >= 1, "byte cap: a later transaction that would fit shows the prefix never skips ahead");
              w.field("first_excluded_txid", to_hex(compute_txid(chain, sorted[kept])));
              w.field("excluded_that_would_fit_alone", would_fit);
            });
  }
  w.end_array();
  write_approvals(w, chain, m, kReward);
  w.end_object();
}

// ================================================================================================
// selection
// ================================================================================================
void write_selection(JsonWriter& w) {
  begin_family(w, "selection",
               "Canonical selection (spec/protocol.md §4): the candidate with the smallest (rank key, block id).",
               {"lowest-hash: the rank key is the block id, so the lowest block id wins.",
                "first-to-quorum: the rank key is the arrival position at the node (0 = first); the node's own "
                "proposal ranks last whatever its arrival.",
                "vrf: the rank key is the ECVRF-EDWARDS25519-SHA512-TAI output (beta, 64 bytes) of the proposal's "
                "VRF proof over vrf_input = \"midnight/v1/vrf\\0\" || chain_id || height u64 || round u32 || "
                "prev_id (spec/protocol.md §4.4); each proposal below lists its vrf_input, vrf_proof (what "
                "sign_proposal makes with the member's VRF key, listed with its vrf_seed in members) and "
                "vrf_output. A proof is deterministic, so these "
                "are byte-exact.",
                "Candidates are proposals whose content matches the node's own; here every header has the same "
                "Merkle root, parent, height and timestamp rule.",
                "Seed k is 32 bytes of value k; VRF seed k is 0x76 0x72 then 30 bytes of value k; member_index is "
                "the canonical index (ascending public key)."});
  const ChainId chain = test_chain();
  const Members m = make_members(kFixtureWeights);
  const Hash32 merkle = make_encoding_fixture().content.merkle_root;
  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "prev_id", kGenesisAscii);
  w.field("merkle_root", to_hex(merkle));
  w.field("merkle_root_note", "the block of encoding.json");
  write_members(w, m);

  // Headers of every member's proposal for rounds 0 and 1.
  struct Proposed {
    std::size_t member;
    BlockHeader header;
    BlockId id;
    VrfOutput vrf_output;
  };
  std::vector<std::vector<Proposed>> rounds(2);
  w.key("proposals").begin_array();
  for (std::uint32_t round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < m.membership.size(); ++i) {
      const BlockHeader h = make_header(chain, kHeight, round, genesis(), merkle,
                                        round_start_ms(kMidnightMs, RoundTiming{}, round), m.membership.member(i).key);
      const Proposal signed_proposal =
          sign_proposal(h, m.keys_of_member(i).secret_key, m.vrf_keys_of_member(i).secret_key);
      const result<VrfOutput> verified = verify_proposal_vrf(signed_proposal, m.membership.member(i).vrf_key);
      require(verified.has_value(), "a proposal made by sign_proposal has a VRF proof that verifies");
      const VrfOutput beta = verified.value();
      rounds[round].push_back({i, h, compute_block_id(h), beta});
      w.begin_object();
      w.field("round", round);
      w.field("member_index", i);
      write_header_fields(w, h);
      w.field("vrf_input", to_hex(vrf_input(h)));
      w.field("vrf_proof", to_hex(signed_proposal.vrf_proof));
      w.field("vrf_output", to_hex(beta));
      w.end_object();
    }
  }
  w.end_array();

  LowestHashPolicy lowest;
  VrfRankPolicy vrf;
  FirstToQuorumPolicy first;
  w.key("cases").begin_array();
  // (policy, round, candidate member indices in arrival order, own member index or none)
  struct Case {
    const SelectionPolicy* policy;
    std::uint32_t round;
    std::vector<std::size_t> arrival_order;
    std::optional<std::size_t> own;
  };
  const Case cases[] = {
      {&lowest, 0, {0, 1, 2, 3}, std::nullopt}, {&lowest, 0, {3, 2, 1, 0}, std::nullopt},
      {&lowest, 1, {0, 1, 2, 3}, std::nullopt}, {&lowest, 0, {1, 2}, std::nullopt},
      {&lowest, 0, {2}, std::nullopt},          {&first, 0, {2, 0, 3, 1}, 1},
      {&first, 0, {1, 3, 0}, 1},                {&first, 0, {1}, 1},
      {&first, 1, {0, 3, 2, 1}, 0},
      // Policy B: the lowest output among those received; when the best-ranked proposal is
      // missing, the next best that arrived wins.
      {&vrf, 0, {0, 1, 2, 3}, std::nullopt},    {&vrf, 0, {3, 2, 1, 0}, 2},
      {&vrf, 1, {2, 1, 3}, std::nullopt},       {&vrf, 0, {1, 2}, std::nullopt},
      {&vrf, 0, {3, 2}, std::nullopt},          {&vrf, 1, {2}, std::nullopt},
  };
  for (const Case& c : cases) {
    std::vector<Candidate> candidates;
    for (std::size_t pos = 0; pos < c.arrival_order.size(); ++pos) {
      const Proposed& p = rounds[c.round][c.arrival_order[pos]];
      const std::uint32_t arrival = c.own && *c.own == p.member ? UINT32_MAX : static_cast<std::uint32_t>(pos);
      candidates.push_back({nullptr, p.id, arrival, &p.vrf_output});
    }
    // The pick must not depend on the order the candidates are stored in.
    const auto pick = select_canonical(*c.policy, candidates);
    std::vector<Candidate> reversed(candidates.rbegin(), candidates.rend());
    const auto pick_reversed = select_canonical(*c.policy, reversed);
    require(pick && pick_reversed && candidates[*pick].block_id == reversed[*pick_reversed].block_id, "selection");
    const std::size_t chosen = c.arrival_order[*pick];
    w.begin_object(true);
    w.field("policy", c.policy->name());
    w.field("round", c.round);
    w.key("arrival_order").begin_array(true);
    for (std::size_t member : c.arrival_order) w.value(member);
    w.end_array();
    if (c.own) w.field("own_member_index", *c.own); else w.key("own_member_index").null();
    w.field("chosen_member_index", chosen);
    w.field("chosen_block_id", to_hex(rounds[c.round][chosen].id));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// ================================================================================================
// rounds
// ================================================================================================
// One node host per member (node/node_host.hpp, the host every other caller runs too),
// driven by an explicit script on one clock, with every call (the event) and everything
// it returned (the output) recorded, so another implementation can replay the events in
// order and compare each output: what it stores (commits, journal bytes) and what it
// sends and schedules. Messages travel as bytes, so every delivery goes through decoding.
class Script {
 public:
  Script(std::span<const std::uint64_t> weights, std::vector<Buf> mempool, std::string_view policy = "lowest-hash")
      : policy_(make_policy(policy)), chain_(test_chain()), members_(make_members(weights)),
        mempool_(std::move(mempool)) {
    require(policy_ != nullptr, "a script's policy");
    views_.assign(mempool_.begin(), mempool_.end());
    for (std::size_t i = 0; i < weights.size(); ++i) {
      HostConfig c;
      c.node.chain_id = chain_;
      c.node.membership = &members_.membership;
      c.node.policy = policy_.get();
      c.node.keys = members_.keys[i];
      c.node.vrf_keys = vrf_keys_of(members_.seeds[i]);
      c.node.reward_per_height = kReward;
      c.node.validity = &validity_;
      c.schedule.genesis_id = genesis();
      c.schedule.first_height = kHeight;
      c.schedule.first_midnight_ms = kMidnightMs;
      c.schedule.last_height = kHeight;  // one height: the script ends when it is decided
      c.mempool = views_;
      Node& n = nodes_.emplace_back();
      n.config = c;
      n.host = std::make_unique<NodeHost>(c);
    }
  }

  // Which copies of a message reach which node: false drops it (no event).
  using Keep = std::function<bool(std::size_t from, std::size_t to, std::span<const std::uint8_t> bytes)>;
  static bool keep_all(std::size_t, std::size_t, std::span<const std::uint8_t>) { return true; }

  // The script's clock: every later event happens at this time on its node.
  void advance_to(std::uint64_t now_ms) {
    require(now_ms >= now_, "the script's clock never goes back");
    now_ = now_ms;
  }
  void start(std::size_t node) {
    Event e = event(node, "start");
    finish(e, nodes_[node].host->handle_start(now_));
  }
  void start_all() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) start(i);
  }
  // Each node's pending round timer of this kind and round fires at its deadline (the
  // clock moves there); a node without one is skipped.
  void fire_all(TimerKind kind, std::uint32_t round) {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      auto& timers = nodes_[i].timers;
      const auto it = std::find_if(timers.begin(), timers.end(), [&](const PendingTimer& t) {
        return t.timer.kind == HostTimerKind::round && t.timer.round_timer.kind == kind &&
               t.timer.round_timer.round == round;
      });
      if (it == timers.end()) continue;
      const PendingTimer t = *it;
      timers.erase(it);
      now_ = std::max(now_, t.at_ms);
      Event e = event(i, "timer");
      e.timer = t.timer;
      finish(e, nodes_[i].host->handle_timer(now_, t.timer));
    }
  }
  // Delivers what is queued, first in first out: a broadcast to every other node in node
  // order, a send to its member's node. Deliveries can queue more; all are delivered.
  void deliver(const Keep& keep) {
    while (!queue_.empty()) {
      const Queued q = queue_.front();
      queue_.pop_front();
      deliver_one(q, keep);
    }
  }
  void deliver_all() { deliver(keep_all); }
  // One hop: delivers what is queued now; what those deliveries send stays queued.
  void deliver_queued() {
    for (std::size_t n = queue_.size(); n > 0; --n) {
      const Queued q = queue_.front();
      queue_.pop_front();
      deliver_one(q, keep_all);
    }
  }
  // The node stops: no event (a crash is not an input), its timers die with it, and
  // nothing reaches it until it restarts. Its block store and journal stay.
  void crash(std::size_t node) {
    nodes_[node].up = false;
    nodes_[node].timers.clear();
  }
  // A new process: a fresh host given the block store and the journal (the event lists
  // both, as message ids and as bytes); then start(node) begins its work.
  // A message from outside the script's nodes (a Byzantine member's), delivered to one
  // node now.
  void deliver_external(std::size_t node, const Buf& bytes) {
    const std::size_t id = intern(bytes);
    Event e = event(node, "message");
    e.message = id;
    finish(e, nodes_[node].host->handle_message(now_, bytes));
  }
  // A commit of height 1, round 0, for a block built with `reward` (the chain's is
  // kReward: another makes a coinbase no member builds) from the script's mempool and
  // `extra` (taken whatever the validity predicate says), proposed by canonical member 0
  // and certified by the precommits of members 0 .. signers - 1: what members colluding
  // beyond the fault bound could sign.
  Buf forged_commit(std::uint64_t reward, std::span<const Buf> extra, std::size_t signers) const {
    std::vector<TxBytes> pool = views_;
    pool.insert(pool.end(), extra.begin(), extra.end());
    const BlockContent content = build_block_content(chain_, kHeight, members_.membership, reward, pool);
    const Keypair& proposer = members_.keys_of_member(0);
    const BlockHeader header =
        make_header(chain_, kHeight, 0, genesis(), content.merkle_root, kMidnightMs, proposer.public_key);
    const Proposal proposal = sign_proposal(header, proposer.secret_key, vrf_keys_of(members_.seed_of_member(0)).secret_key);
    Certificate c;
    c.chain_id = chain_;
    c.height = kHeight;
    c.round = 0;
    c.block_id = compute_block_id(header);
    c.signatures.resize(signers);
    for (std::size_t i = 0; i < signers; ++i) {
      Vote v = c.vote(i);
      v.voter = members_.membership.member(i).key;
      v = sign_vote(v, members_.keys_of_member(i).secret_key);
      c.signatures[i] = {v.voter, v.signature};
    }
    return unwrap(encode_commit_to_vector(c, header, proposal.signature, content.views));
  }

  // Node `node`'s VRF output for `round` of the script's height: its rank under policy B
  // (the lowest output leads the round, protocol.md §4.4).
  VrfOutput vrf_rank(std::size_t node, std::uint32_t round) const {
    const VrfInput alpha = vrf_input(chain_, kHeight, round, genesis());
    auto pi = ecvrf_prove(nodes_[node].config.node.vrf_keys.secret_key, alpha);
    require(pi.has_value(), "a script node's VRF proof");
    return ecvrf_proof_to_hash(pi.value()).value();
  }

  void restart(std::size_t node) {
    Node& n = nodes_[node];
    n.host = std::make_unique<NodeHost>(n.config);
    Event e = event(node, "restart");
    for (const MessageBytes& c : n.disk.block_store) e.block_store.push_back(intern(*c));
    e.journal = n.disk.journal;
    const auto replay = n.disk.restore_into(*n.host);
    require(replay.has_value(), "a script's journal restores");
    e.replayed_records = replay.value().records;
    n.up = true;
    events_.push_back(std::move(e));
  }

  void write(JsonWriter& w, std::string_view name, std::string_view description) const {
    w.begin_object();
    w.field("name", name);
    w.field("description", description);
    w.key("config").begin_object();
    derived_field(w, "chain_id", kChainAscii);
    derived_field(w, "genesis_id", kGenesisAscii);
    w.field("first_height", kHeight);
    w.field("first_midnight_ms", kMidnightMs);
    w.field("last_height", kHeight);
    const RoundTiming t;
    w.key("timing").begin_object(true);
    w.field("collect_ms", t.collect_ms).field("prevote_ms", t.prevote_ms).field("precommit_ms", t.precommit_ms);
    w.field("increment_ms", t.increment_ms);
    w.end_object();
    w.field("policy", policy_->name());
    w.field("reward", kReward);
    write_members(w, members_);
    write_mempool(w, mempool_);
    w.end_object();

    w.key("nodes").begin_array();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      w.begin_object(true);
      w.field("node", i);
      w.field("seed", to_hex(seed_of(members_.seeds[i])));
      w.field("vrf_seed", to_hex(vrf_seed_of(members_.seeds[i])));
      w.field("member_index", nodes_[i].host->member_index());
      w.end_object();
    }
    w.end_array();

    w.key("messages").begin_array();
    for (std::size_t id = 0; id < messages_.size(); ++id) {
      w.begin_object(true);
      w.field("id", id);
      w.field("type", messages_[id].type);
      w.field("hex", to_hex(messages_[id].bytes));
      w.end_object();
    }
    w.end_array();

    w.key("events").begin_array();
    for (std::size_t seq = 0; seq < events_.size(); ++seq) write_event(w, seq, events_[seq]);
    w.end_array();

    w.key("expected").begin_array();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      const NodeHost& h = *nodes_[i].host;
      w.begin_object(true);
      w.field("node", i);
      w.field("decided_height", h.decided_height());
      if (const MessageBytes* c = h.commit_of(kHeight)) {
        w.field("block_id", to_hex(h.tip_id()));
        w.field("commit", intern_existing(**c));
      }
      // A node that has decided the chain's last height has begun no height after it: the
      // lock is that of the height it was deciding when the script ended.
      if (h.decided_height() < kHeight) {
        const Lock& lock = h.machine().lock();
        w.key("lock").begin_object(true);
        w.field("held", lock.held);
        if (lock.held) w.field("block_id", to_hex(lock.block_id)).field("round", lock.round);
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }

  const NodeHost& host(std::size_t i) const { return *nodes_[i].host; }
  std::size_t size() const { return nodes_.size(); }
  std::uint64_t now() const { return now_; }
  // The block a node decided, from its block store's commit.
  std::optional<BlockId> decided_block(std::size_t i) const {
    if (nodes_[i].host->decided_height() < kHeight) return std::nullopt;
    return nodes_[i].host->tip_id();
  }

 private:
  static constexpr std::uint64_t kReward = 1000;
  // The vectors' validity predicate (first byte 0xbd: invalid), for every node.
  const FirstByteBdIsInvalid validity_{};
  struct PendingTimer {
    HostTimer timer;
    std::uint64_t at_ms = 0;
  };
  struct Node {
    HostConfig config;
    std::unique_ptr<NodeHost> host;
    NodeDisk disk;
    std::vector<PendingTimer> timers;
    bool up = true;
  };
  struct Message {
    const char* type;
    Buf bytes;
  };
  struct Output {
    HostActionKind kind;
    std::size_t message = 0;  // broadcast, send
    std::size_t member = 0;   // send
    HostTimer timer{};        // set_timer
    std::uint64_t at_ms = 0;
  };
  struct Event {
    std::size_t node = 0;
    const char* kind = "";      // start, message, timer, restart
    std::uint64_t now_ms = 0;
    std::size_t message = 0;    // message
    HostTimer timer{};          // timer
    std::vector<std::size_t> block_store;  // restart
    Buf journal;                            // restart
    std::size_t replayed_records = 0;       // restart
    std::optional<std::string> error;
    std::vector<std::size_t> stored;  // the commits stored, in order
    bool journal_reset = false;
    Buf journal_append;
    std::vector<Output> outputs;
  };
  struct Queued {
    std::size_t from;
    std::optional<std::size_t> to;  // a send: only this node
    std::size_t message;
  };

  Event event(std::size_t node, const char* kind) const {
    Event e;
    e.node = node;
    e.kind = kind;
    e.now_ms = now_;
    return e;
  }

  void deliver_one(const Queued& q, const Keep& keep) {
    for (std::size_t to = 0; to < nodes_.size(); ++to) {
      if (to == q.from || (q.to && *q.to != to) || !nodes_[to].up) continue;
      if (!keep(q.from, to, messages_[q.message].bytes)) continue;
      Event e = event(to, "message");
      e.message = q.message;
      finish(e, nodes_[to].host->handle_message(now_, messages_[q.message].bytes));
    }
  }

  static const char* type_name(std::span<const std::uint8_t> bytes) {
    const auto t = peek_message_type(bytes);
    require(t.has_value(), "a host sent bytes that are not a message");
    return message_type_name(t.value());
  }
  // The id of a message, by its bytes: the same commit stored and sent is one message.
  std::optional<std::size_t> find_message(const Buf& bytes) const {
    for (std::size_t i = 0; i < messages_.size(); ++i)
      if (messages_[i].bytes == bytes) return i;
    return std::nullopt;
  }
  std::size_t intern(const Buf& bytes) {
    if (const auto id = find_message(bytes)) return *id;
    messages_.push_back({type_name(bytes), bytes});
    return messages_.size() - 1;
  }
  std::size_t intern_existing(const Buf& bytes) const {
    const auto id = find_message(bytes);
    require(id.has_value(), "a stored commit that was never recorded");
    return *id;
  }
  static std::string error_name(const std::error_code& ec) {
    const char* name = host_error_name(ec);
    require(name != nullptr, "a host error of an unknown category");
    return name;
  }

  // The host contract, as every host carries it out (node/node_disk.hpp): store, then act.
  void finish(Event& e, const HostOutput& out) {
    Node& n = nodes_[e.node];
    if (out.error) {
      e.error = error_name(out.error);
      events_.push_back(std::move(e));
      return;
    }
    (void)n.disk.store(out);
    for (const StoredCommit& d : out.decided) e.stored.push_back(intern(*d.commit));
    e.journal_reset = out.journal_reset;
    e.journal_append = out.journal_append;
    for (const HostAction& a : out.actions) {
      Output o{.kind = a.kind};
      switch (a.kind) {
        case HostActionKind::broadcast:
          o.message = intern(*a.bytes);
          queue_.push_back({e.node, std::nullopt, o.message});
          break;
        case HostActionKind::send: {
          o.message = intern(*a.bytes);
          o.member = a.member;
          for (std::size_t to = 0; to < nodes_.size(); ++to)
            if (nodes_[to].host->member_index() == a.member) queue_.push_back({e.node, to, o.message});
          break;
        }
        case HostActionKind::set_timer:
          o.timer = a.timer;
          o.at_ms = a.at_ms;
          n.timers.push_back({a.timer, a.at_ms});
          break;
      }
      e.outputs.push_back(o);
    }
    events_.push_back(std::move(e));
  }

  static void write_timer(JsonWriter& w, const HostTimer& t) {
    switch (t.kind) {
      case HostTimerKind::round:
        w.field("timer", timer_name(t.round_timer.kind)).field("height", t.round_timer.height);
        w.field("round", t.round_timer.round);
        return;
      case HostTimerKind::height_start: w.field("timer", "height_start").field("height", t.height); return;
      case HostTimerKind::ask_again: w.field("timer", "ask_again").field("height", t.height); return;
    }
    broken("unnamed host timer");
  }

  static void write_event(JsonWriter& w, std::size_t seq, const Event& e) {
    w.begin_object(true);
    w.field("seq", seq);
    w.field("node", e.node);
    w.field("now_ms", e.now_ms);
    w.key("input").begin_object(true);
    w.field("kind", e.kind);
    if (std::string_view(e.kind) == "message") w.field("message", e.message);
    if (std::string_view(e.kind) == "timer") write_timer(w, e.timer);
    if (std::string_view(e.kind) == "restart") {
      w.key("block_store").begin_array(true);
      for (const std::size_t id : e.block_store) w.value(id);
      w.end_array();
      bytes_field(w, "journal", e.journal);
    }
    w.end_object();
    if (e.error) {
      w.field("error", *e.error);
    } else if (std::string_view(e.kind) == "restart") {
      w.field("replayed_records", e.replayed_records);
    } else {
      if (!e.stored.empty()) {
        w.key("stored").begin_array(true);
        for (const std::size_t id : e.stored) w.value(id);
        w.end_array();
      }
      if (e.journal_reset) w.field("journal_reset", true);
      if (!e.journal_append.empty()) bytes_field(w, "journal_append", e.journal_append);
      w.key("output").begin_array(true);
      for (const Output& o : e.outputs) {
        w.begin_object(true);
        switch (o.kind) {
          case HostActionKind::broadcast: w.field("kind", "broadcast").field("message", o.message); break;
          case HostActionKind::send:
            w.field("kind", "send").field("member_index", o.member).field("message", o.message);
            break;
          case HostActionKind::set_timer:
            w.field("kind", "set_timer");
            write_timer(w, o.timer);
            w.field("at_ms", o.at_ms);
            break;
        }
        w.end_object();
      }
      w.end_array();
    }
    w.end_object();
  }

  std::unique_ptr<SelectionPolicy> policy_;
  ChainId chain_;
  Members members_;
  std::vector<Buf> mempool_;
  std::vector<TxBytes> views_;
  std::vector<Node> nodes_;
  std::uint64_t now_ = kMidnightMs;
  std::deque<Queued> queue_;
  std::vector<Message> messages_;
  std::vector<Event> events_;
};

bool is_prevote(std::span<const std::uint8_t> bytes) {
  const auto v = decode_vote(bytes);
  return v.has_value() && v.value().step == VoteStep::prevote;
}
bool is_precommit(std::span<const std::uint8_t> bytes) {
  const auto v = decode_vote(bytes);
  return v.has_value() && v.value().step == VoteStep::precommit;
}

void write_rounds(JsonWriter& w) {
  begin_family(
      w, "rounds",
      "Scripted runs of the round protocol (spec/protocol.md §5-§7), one node host per member: an ordered list of "
      "events on one clock, everything each one stored and returned, and the decisions.",
      {"One host per node: a round machine set up with the config (membership, policy, timing, reward) and the "
       "chain schedule (genesis_id is prev_id of first_height, whose midnight is first_midnight_ms; last_height is the "
       "last height begun), with the mempool. Node i has seed i + 1.",
       "Replay the events in seq order, each on its node at now_ms: start (begin the height after the last decided "
       "one, in the round the clock is in, or wait for its midnight), the delivery of messages[id] (its hex, decoded "
       "by its type byte), a timer (a round timer: timer kind, height, round; height_start or ask_again: height), or "
       "restart (a fresh host given the block store's commits, as message ids, and the journal's bytes, "
       "spec/journal.md; replayed_records is how many journal records it restored).",
       "Each event's output, in the order a host must carry it out (spec/protocol.md §7.5): stored, the commits to "
       "store durably (message ids); journal_reset, the journal emptied; journal_append, the bytes to append to it and "
       "make durable; then output, the actions: broadcast (to every other node), send (to a canonical member index), "
       "set_timer. error is an event that MUST be rejected (its round_errc, codec_errc or body_errc name): it "
       "stores and does nothing.",
       "Commit requests follow rule ask's SHOULDs as the reference implements them (§7.5): an implementation that "
       "asks at other times differs only in its commit_request broadcasts and their ask_again timers.",
       "The script delivers each broadcast to every other node that is up, first in first out, in node order, and "
       "each send to its member's node; a node that crashed receives nothing until it restarts. Messages not "
       "delivered are dropped (they have no event).",
       "expected: each node's last decided height, its block id and commit (message id), and, for a node still "
       "deciding, its lock.",
       "Every node uses the validity predicate of block_building.json: a transaction is invalid exactly when its "
       "first byte is 0xbd."});
  const std::uint64_t weights[] = {1, 1, 1, 1};
  const std::vector<Buf> mempool = {bytes_of("hello"), bytes_of("midnight")};
  const auto all_decide = [](const Script& s, std::uint32_t round, const std::string& what) {
    const auto first = s.decided_block(0);
    require(first.has_value(), what + ": node 0 decided");
    for (std::size_t i = 0; i < s.size(); ++i) {
      require(s.decided_block(i) == first, what + ": every node decided one block");
      const MessageBytes* c = s.host(i).commit_of(kHeight);
      auto view = std::make_unique<CommitView>();
      require(c != nullptr && decode_commit(**c, *view).has_value() && view->certificate.round == round,
              what + ": decided in round " + std::to_string(round));
    }
  };
  w.key("scenarios").begin_array();
  {
    Script s(weights, mempool);
    s.start_all();
    s.deliver_all();
    all_decide(s, 0, "all delivered");
    s.write(w, "all_delivered",
            "4 members of weight 1, all starting at midnight; every message is delivered: all finalize the lowest "
            "block id of round 0, store its commit and empty their journals; no commit is sent (every node "
            "finalized by its own quorum, spec/protocol.md §7.3).");
  }
  // Every round-0 precommit is lost, so all lock on the round-0 block B; with `deadline`
  // the prevote deadline fires first (rule "announce": each sends the polka it locked
  // on); then round 0 ends and B, re-proposed, finalizes in round 1.
  // tests/unit/round_machine_test.cpp, LockedBlockIsCarriedIntoTheNextRound.
  const auto locked_in_round_0 = [&](bool deadline, std::string_view name, std::string_view description) {
    Script s(weights, mempool);
    s.start_all();
    s.deliver([](std::size_t, std::size_t, std::span<const std::uint8_t> b) { return !is_precommit(b); });
    for (std::size_t i = 0; i < s.size(); ++i) {
      require(s.host(i).machine().lock().held, std::string(name) + ": every node is locked on the round-0 block");
    }
    if (deadline) {
      s.fire_all(TimerKind::prevote_deadline, 0);
      s.deliver_all();
    }
    s.fire_all(TimerKind::round_end, 0);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 1);
    s.deliver_all();
    all_decide(s, 1, std::string(name));
    s.write(w, name, description);
  };
  locked_in_round_0(false, "lock_carried_into_next_round",
                    "4 members of weight 1; every round-0 precommit is lost, so all are locked on the round-0 block B "
                    "(journaled with their precommits); round 0 ends (each asks for the commit: rule ask), and after "
                    "round 1's collect deadline B, proposed in round 0, finalizes in round 1.");
  {
    // Rule "skip". Nodes 1-3 start late, when the schedule is in round 5 (a node begins in
    // the round the clock is in); node 0 started at midnight and is in round 0. Their
    // round-5 messages, from weight 3 of 4 (more than a third), bring node 0 to round 5.
    Script s(weights, mempool);
    s.start(0);
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 5));
    for (std::size_t i = 1; i < s.size(); ++i) s.start(i);
    s.deliver_all();
    require(s.host(0).machine().round() == 5, "skip scenario: node 0 skipped to round 5");
    all_decide(s, 5, "skip scenario");
    s.write(w, "round_skip",
            "4 members of weight 1; node 0 starts at midnight (round 0), nodes 1-3 at S(5), so in round 5, and ask "
            "for the commit (they began the height late); delivering their round-5 messages makes node 0 skip to "
            "round 5 (rule skip: more than a third of the weight is there), and all four finalize in round 5.");
  }
  {
    // Rounds are unbounded: a height that reaches round 100000 still decides there, and
    // every header's timestamp is S(100000) of the growing schedule (spec/protocol.md 5.1).
    Script s(weights, mempool);
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 100000));
    s.start_all();
    s.deliver_all();
    all_decide(s, 100000, "far-round scenario");
    s.write(w, "far_round",
            "4 members of weight 1; all start at S(100000) = midnight + 100000 * 3000 + 1500 * 100000 * 99999 / 2 ms, "
            "so in round 100000, and every message is delivered: all finalize in round 100000, with that header "
            "timestamp.");
  }
  {
    // Exactly two thirds of the weight is not a quorum (§2): 3 members of weight 1, one
    // down. The other two prevote the same block and precommit nil at the prevote
    // deadline; a ceil(2W/3) quorum would have finalized.
    const std::uint64_t three[] = {1, 1, 1};
    Script s(three, mempool);
    s.crash(2);
    s.start(0);
    s.start(1);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 0);
    s.deliver_all();
    s.fire_all(TimerKind::prevote_deadline, 0);
    s.deliver_all();
    for (std::size_t i = 0; i < 2; ++i) {
      require(!s.decided_block(i) && !s.host(i).machine().lock().held,
              "two-thirds scenario: no decision and no lock at two thirds of the weight");
    }
    s.write(w, "two_thirds_is_no_quorum",
            "3 members of weight 1, node 2 down: nodes 0 and 1 prevote the same block at their collect deadline, "
            "which is exactly two thirds of the weight and so no polka (3w > 2W fails); at the prevote deadline they "
            "precommit nil (rule no polka). Nothing is decided and no one locks.");
  }
  locked_in_round_0(true, "lock_announced",
                    "4 members of weight 1; every round-0 precommit is lost, so all lock on the round-0 block B and "
                    "are undecided at the prevote deadline, where each broadcasts the polka it locked on (rule "
                    "announce); round 0 ends and B finalizes in round 1.");
  // Commits are adopted only after the body checks (§3.4, §7.4): node 3 alone is up and
  // receives a commit certified by the other three members' precommits (colluding beyond
  // the fault bound) for a block of `reward` and `extra` transactions; it adopts nothing.
  const auto refused_commit = [&](std::uint64_t reward, std::span<const Buf> extra, std::string_view name,
                                  std::string_view description) {
    Script s(weights, mempool);
    s.crash(0);
    s.crash(1);
    s.crash(2);
    s.start(3);
    s.deliver_external(3, s.forged_commit(reward, extra, 3));
    require(!s.decided_block(3), std::string(name) + ": node 3 adopts nothing");
    s.write(w, name, description);
  };
  refused_commit(999, {}, "commit_with_another_coinbase_refused",
                 "4 members of weight 1; node 3 alone is up, at midnight. It receives a commit of height 1 whose "
                 "certificate is valid (the precommits of the other three) but whose block's coinbase splits a reward "
                 "of 999, not the chain's 1000: the body check refuses it (bad_coinbase) and node 3 stores nothing.");
  {
    // The lock rule (§6) under policy B: node X alone locks on the round-0 block B (only it
    // receives the prevotes; its precommit and its polka announcement are lost). In round 1
    // the leader L, of best VRF rank, proposes its own block B'; X's leading message is L's
    // proposal, B' has no polka of a round at or after X's lock, so X MUST prevote nil. The
    // other three prevote B' and decide it in round 1, which X then adopts.
    Script s(weights, mempool, "vrf");
    std::size_t leader = 0;
    std::size_t locked = 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s.vrf_rank(i, 1) < s.vrf_rank(leader, 1)) leader = i;
      if (s.vrf_rank(i, 1) > s.vrf_rank(locked, 1)) locked = i;
    }
    require(leader != locked, "lock-rule scenario: the locked node does not lead round 1");
    // Round 0: only X receives prevotes; precommits and polka announcements are lost.
    const auto round0 = [&](std::size_t, std::size_t to, std::span<const std::uint8_t> b) {
      const bool polka = b.size() >= 2 && b[1] == static_cast<std::uint8_t>(MessageType::polka);
      return !(is_prevote(b) && to != locked) && !is_precommit(b) && !polka;
    };
    s.start_all();
    s.deliver(round0);
    s.fire_all(TimerKind::collect_deadline, 0);
    s.deliver(round0);
    require(s.host(locked).machine().lock().held, "lock-rule scenario: X is locked");
    s.fire_all(TimerKind::prevote_deadline, 0);
    s.deliver(round0);
    s.fire_all(TimerKind::round_end, 0);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 1);
    s.deliver_all();
    all_decide(s, 1, "lock-rule scenario");
    require(s.host(locked).decided_height() == kHeight, "lock-rule scenario: X adopts the decision");
    s.write(w, "lock_refuses_another_block",
            "4 members of weight 1, policy vrf. In round 0 only node " + std::to_string(locked) +
                " receives the prevotes, so it alone locks on the round-0 block; its precommit and its polka "
                "announcement are lost. In round 1 node " + std::to_string(leader) +
                ", of best VRF rank, leads with a proposal of its own block; the locked node's leading message "
                "names that block, which has no polka at or after its lock, so it prevotes nil (the lock rule). The "
                "other three prevote and decide the new block in round 1.");
  }
  {
    // The same with the chain's coinbase and a transaction the validity predicate refuses
    // (first byte 0xbd): the body's transaction checks refuse it (invalid_transaction).
    const Buf invalid[] = {Buf{0xbd, 0x01}};
    refused_commit(1000, invalid, "commit_with_invalid_transaction_refused",
                   "4 members of weight 1; node 3 alone is up, at midnight. It receives a commit of height 1 whose "
                   "certificate is valid (the precommits of the other three) and whose coinbase is right, but whose "
                   "block holds the transaction bd01, which the validity predicate refuses: the body check refuses "
                   "the commit (invalid_transaction) and node 3 stores nothing.");
  }
  {
    // Rule "ask" and rule "answer": node 3 is down while the others decide (3 of 4 is a
    // quorum); it starts in round 1, asks, and each decided node sends it the commit.
    Script s(weights, mempool);
    s.crash(3);
    for (std::size_t i = 0; i < 3; ++i) s.start(i);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 0);  // node 3's proposal never comes
    s.deliver_all();
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 1));
    s.restart(3);
    s.start(3);
    s.deliver_all();
    all_decide(s, 0, "catch-up scenario");
    s.write(w, "catch_up_by_commit_request",
            "4 members of weight 1; node 3 is down at midnight and nodes 0-2 (a quorum) prevote at their collect "
            "deadline and finalize in round 0. Node 3 starts at S(1), late, and broadcasts a commit request; each "
            "decided node answers it with its commit (within its answer budget), and node 3 adopts the first and "
            "ignores the others.");
  }
  {
    // The journal contract: node 0 crashes after its round-0 prevote went out and comes
    // back in round 0 from its journal; its prevote is restored, not signed anew.
    Script s(weights, mempool);
    s.start_all();
    s.deliver_queued();  // the proposals: with all four in, each node prevotes at once
    s.crash(0);          // its prevote is out (queued), journaled before it went
    s.restart(0);
    s.start(0);
    s.deliver_all();
    all_decide(s, 0, "restart scenario");
    s.write(w, "restart_from_journal",
            "4 members of weight 1; when the four proposals are delivered every node prevotes (journaled first); "
            "node 0 then crashes and restarts from its journal: its prevote record is restored, so in round 0 it "
            "proposes again but signs no second prevote. The others reach a quorum with its first prevote and "
            "finalize; node 0, which lost the others' proposals in the crash, finalizes from their precommits too "
            "(the block is its own, whose body it holds) and stores a commit of them.");
  }
  w.end_array();
  w.end_object();
}

// ================================================================================================
// vrf
// ================================================================================================
// The first y (little-endian, from 2 up) whose encoding is not a curve point.
PublicKey first_off_curve_encoding() {
  for (std::uint8_t y = 2; y < 255; ++y) {
    PublicKey p{};
    p.v[0] = y;
    if (ecvrf_detail::string_to_point(p) == ecvrf_detail::point_decoding::not_on_curve) return p;
  }
  broken("no off-curve y below 255");
}

void write_vrf(JsonWriter& w) {
  begin_family(w, "vrf",
               "ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381; spec/vrf.md): proofs the reference makes, and what its "
               "verification accepts (with beta) or rejects (with the error).",
               {"Keys are derived as Ed25519 keys are: sk is the 32-byte seed, pk its public key. Proofs are 80 "
                "bytes (Gamma 32 || c 16 || s 32), outputs (beta) 64 bytes. A member's VRF key is not its signing "
                "key (spec/vrf.md §6): the protocol's cases use VRF seed k (0x76 0x72, then 30 bytes of value k).",
                "prove: the three ECVRF-EDWARDS25519-SHA512-TAI examples of RFC 9381 Appendix B.3 (Examples 16-18; "
                "tests/unit/ecvrf_test.cpp checks every value against the RFC), then the protocol's VRF input "
                "(spec/protocol.md §4.4) for VRF seeds 1 and 2 at height 1, rounds 0 and 1.",
                "verify: one valid proof of VRF seed 1 and every way spec/vrf.md rejects one; `expected` is \"valid\" "
                "with `beta`, or the error name (spec/vrf.md §4). Checks run in the order of spec/vrf.md, so "
                "an input with several faults names the first.",
                "A valid proof is never identified by its bytes: beta is the value (spec/vrf.md §5.3)."});
  w.key("prove").begin_array();
  struct ProveCase {
    std::string name;
    Seed seed;
    Buf alpha;
  };
  std::vector<ProveCase> prove_cases;
  const auto seed_hex = [](std::string_view hex) {
    Seed s;
    require(from_hex(hex, s.v), "seed hex");
    return s;
  };
  prove_cases.push_back({"RFC 9381 Example 16", seed_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), {}});
  prove_cases.push_back({"RFC 9381 Example 17", seed_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"), {0x72}});
  prove_cases.push_back({"RFC 9381 Example 18", seed_hex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"), {0xaf, 0x82}});
  for (std::uint8_t k = 1; k <= 2; ++k) {
    for (std::uint32_t round = 0; round < 2; ++round) {
      const VrfInput in = vrf_input(test_chain(), kHeight, round, genesis());
      prove_cases.push_back({"protocol VRF input, VRF seed " + std::to_string(k) + ", round " + std::to_string(round),
                             vrf_seed_of(k), Buf(in.begin(), in.end())});
    }
  }
  for (const ProveCase& c : prove_cases) {
    const VrfKeypair kp = vrf_keypair_from_seed(c.seed);
    const result<VrfProof> pi = ecvrf_prove(kp.secret_key, c.alpha);
    require(pi.has_value(), "ecvrf_prove of a consistent key");
    const result<VrfOutput> beta = ecvrf_verify(kp.public_key, pi.value(), c.alpha);
    require(beta.has_value(), "a fresh proof verifies");
    w.begin_object();
    w.field("name", c.name);
    w.field("sk", to_hex(c.seed));
    w.field("pk", to_hex(kp.public_key));
    w.field("alpha", to_hex(c.alpha));
    w.field("pi", to_hex(pi.value()));
    w.field("beta", to_hex(beta.value()));
    w.end_object();
  }
  w.end_array();

  // Verification cases around one valid proof.
  const VrfKeypair signer = vrf_keys_of(1);
  const VrfInput alpha = vrf_input(test_chain(), kHeight, 0, genesis());
  const VrfInput other_alpha = vrf_input(test_chain(), kHeight, 1, genesis());
  const result<VrfProof> proved = ecvrf_prove(signer.secret_key, alpha);
  require(proved.has_value(), "ecvrf_prove of VRF seed 1");
  const VrfProof pi = proved.value();
  const auto with = [&](std::size_t at, std::initializer_list<std::uint8_t> bytes) {
    VrfProof out = pi;
    std::copy(bytes.begin(), bytes.end(), out.v.begin() + static_cast<std::ptrdiff_t>(at));
    return out;
  };
  const auto flipped = [&](std::size_t bit) {
    VrfProof out = pi;
    out.v[bit / 8] = static_cast<std::uint8_t>(out.v[bit / 8] ^ (1U << (bit % 8)));
    return out;
  };
  // q = 2^252 + 27742317777372353535851937790883648493, little-endian.
  const std::initializer_list<std::uint8_t> q_le{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                                 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                                 0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  const PublicKey y_is_p = y_equal_p_encoding();
  const PublicKey identity = identity_encoding();
  PublicKey x_zero_sign_set = identity;  // (0, 1) with the sign bit set
  x_zero_sign_set.v[31] = 0x80;
  VrfProof all_ones_s = pi;
  std::fill(all_ones_s.v.begin() + 48, all_ones_s.v.end(), std::uint8_t{0xff});
  const auto gamma_of = [&](const PublicKey& g) {
    VrfProof out = pi;
    std::copy(g.v.begin(), g.v.end(), out.v.begin());
    return out;
  };
  struct VerifyCase {
    std::string_view name;
    PublicKey pk;
    Buf alpha;
    VrfProof pi;
  };
  const Buf a(alpha.begin(), alpha.end());
  const std::vector<VerifyCase> cases{
      {"valid", signer.public_key, a, pi},
      {"another alpha (round 1)", signer.public_key, Buf(other_alpha.begin(), other_alpha.end()), pi},
      {"another member's VRF key (VRF seed 2)", vrf_keys_of(2).public_key, a, pi},
      {"the same member's signing key (seed 1), not its VRF key", keys_of(1).public_key, a, pi},
      {"bit 0 of Gamma flipped", signer.public_key, a, flipped(0)},
      {"bit 0 of c flipped", signer.public_key, a, flipped(256)},
      {"bit 0 of s flipped", signer.public_key, a, flipped(384)},
      {"s = q", signer.public_key, a, with(48, q_le)},
      {"s = 2^256 - 1", signer.public_key, a, all_ones_s},
      {"Gamma with y = p (not canonical)", signer.public_key, a, gamma_of(y_is_p)},
      {"Gamma not on the curve", signer.public_key, a, gamma_of(first_off_curve_encoding())},
      {"Gamma with x = 0 and the sign bit set", signer.public_key, a, gamma_of(x_zero_sign_set)},
      {"public key the identity (small order)", identity, a, pi},
      {"public key with y = p (not canonical)", y_is_p, a, pi},
      {"public key not on the curve", first_off_curve_encoding(), a, pi},
      {"public key with x = 0 and the sign bit set", x_zero_sign_set, a, pi},
  };
  w.key("verify").begin_array();
  for (const VerifyCase& c : cases) {
    const result<VrfOutput> beta = ecvrf_verify(c.pk, c.pi, c.alpha);
    w.begin_object();
    w.field("name", c.name);
    w.field("pk", to_hex(c.pk));
    w.field("alpha", to_hex(c.alpha));
    w.field("pi", to_hex(c.pi));
    if (beta) {
      w.field("expected", "valid");
      w.field("beta", to_hex(beta.value()));
    } else {
      require(beta.error().category() == error_category_of<vrf_errc>(), "a VRF rejection is a vrf_errc");
      w.field("expected", vrf_errc_name(static_cast<vrf_errc>(beta.error().value())));
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

// ================================================================================================
// ================================================================================================
// reconciliation
// ================================================================================================
void write_short_ids(JsonWriter& w, std::string_view key, std::span<const ShortTxId> ids) {
  w.key(key).begin_array(true);
  for (const ShortTxId id : ids) {
    Buf b(8);
    store_u64(b.data(), id);
    w.value(to_hex(b));
  }
  w.end_array();
}

// One side of an exchange: the pool without `lacks`, plus its own transactions.
std::vector<Buf> reconcile_mempool(std::size_t pool, std::initializer_list<std::uint32_t> lacks,
                                   std::initializer_list<std::uint32_t> own) {
  std::vector<Buf> out;
  for (Buf& t : counted_transactions(pool, 36))
    if (std::find(lacks.begin(), lacks.end(), load_u32(t.data())) == lacks.end()) out.push_back(std::move(t));
  for (const std::uint32_t i : own) {
    Buf t(40, 0x5b);
    store_u32(t.data(), i);
    out.push_back(t);
  }
  return out;
}

void write_exchange(JsonWriter& w, const Members& m, std::string_view name, std::size_t pool,
                    std::initializer_list<std::uint32_t> requester_lacks, std::initializer_list<std::uint32_t> requester_own,
                    std::initializer_list<std::uint32_t> server_lacks, std::initializer_list<std::uint32_t> server_own) {
  const ChainId chain = test_chain();
  const std::vector<Buf> mine_pool = reconcile_mempool(pool, requester_lacks, requester_own);
  const std::vector<Buf> theirs_pool = reconcile_mempool(pool, server_lacks, server_own);
  const std::vector<TxBytes> mine_views(mine_pool.begin(), mine_pool.end());
  const std::vector<TxBytes> theirs_views(theirs_pool.begin(), theirs_pool.end());
  const BlockContent mine = build_block_content(chain, kHeight, m.membership, 1003, mine_views);
  const BlockContent theirs = build_block_content(chain, kHeight, m.membership, 1003, theirs_views);
  const BlockHeader h = make_header(chain, kHeight, 0, genesis(), theirs.merkle_root, kMidnightMs, keys_of(1).public_key);
  const BlockId id = compute_block_id(h);

  BodyExchange requester;
  BodyExchange server;
  requester.begin_height(chain, mine.views);
  server.begin_height(chain, theirs.views);
  requester.open(id, 0);
  std::array<ShortTxId, kReconcileSampleIds> sample{};
  const std::size_t sampled = requester.sample(id, sample);
  const Buf sample_bytes = short_id_list({sample.begin(), sample.begin() + std::ptrdiff_t(sampled)});
  ReconcileRequest ask;
  ask.chain_id = chain;
  ask.height = kHeight;
  ask.block_id = id;
  ask.requester = keys_of(3).public_key;
  ask.kind = ReconcileKind::sketch;
  ask.have = std::uint32_t(requester.have());
  ask.ids.bytes = sample_bytes;
  ask = sign_reconcile_request(ask, keys_of(3).secret_key);
  ask.ids.bytes = sample_bytes;
  const Buf ask_bytes = unwrap(encode_to_vector(ask));

  std::array<ShortTxId, kReconcileSampleIds> server_sample{};
  std::vector<TxId> theirs_txids;
  for (std::size_t i = 1; i < theirs.views.size(); ++i) theirs_txids.push_back(compute_txid(chain, theirs.views[i]));
  const std::size_t server_sampled = sample_short_ids(sketch_key(id), theirs_txids, server_sample);
  const std::size_t estimate = estimate_difference(std::span(sample).first(sampled), ask.have,
                                                   std::span(server_sample).first(server_sampled), theirs_txids.size());
  const std::size_t block_bytes = encoded_size_block(theirs.views);
  const std::size_t cells = server.answer_cells(ask, theirs.views, block_bytes);
  require(cells == sketch_answer_cells(estimate, ask.have, block_bytes), "answer_cells is sketch_answer_cells");

  w.begin_object();
  w.field("name", name);
  w.key("pool").begin_object(true);
  w.field("count", pool).field("rule", counted_rule(pool, 36));
  w.end_object();
  const auto side = [&](std::string_view key, std::initializer_list<std::uint32_t> lacks,
                        std::initializer_list<std::uint32_t> own, const BlockContent& c) {
    w.key(key).begin_object(true);
    w.key("lacks").begin_array(true);
    for (const std::uint32_t i : lacks) w.value(std::uint64_t{i});
    w.end_array();
    w.key("own").begin_array(true);
    for (const std::uint32_t i : own) w.value(std::uint64_t{i});
    w.end_array();
    w.field("tx_count", c.views.size());
    w.field("merkle_root", to_hex(c.merkle_root));
    w.end_object();
  };
  side("requester", requester_lacks, requester_own, mine);
  side("server", server_lacks, server_own, theirs);
  w.field("block_id", to_hex(id));
  w.field("have", ask.have);
  bytes_field(w, "sample", sample_bytes);
  w.key("sketch_request").begin_object(true);
  w.field("size", ask_bytes.size()).field("sha256", to_hex(sha256(ask_bytes)));
  w.end_object();
  w.field("server_sample_size", server_sampled);
  w.field("estimate", estimate);
  w.field("block_bytes", block_bytes);
  w.field("answer", cells == 0 ? "whole" : "sketch");
  w.field("cells_per_hash", cells);
  std::size_t round_trips = 1;
  std::size_t bytes = ask_bytes.size();
  if (cells == 0) {
    bytes += block_bytes;
  } else {
    Buf sketch_message(encoded_size_body_sketch(cells));
    const std::span<std::uint8_t> at = std::span(sketch_message).subspan(kPrefixSize + kBodySketchFixedSize);
    server.encode_sketch(id, theirs.views, cells, at);
    require(encode_body_sketch({chain, kHeight, id, std::uint32_t(theirs.views.size() - 1), at}, sketch_message).has_value(),
            "body sketch encodes");
    bytes += sketch_message.size();
    w.key("body_sketch").begin_object(true);
    w.field("size", sketch_message.size()).field("sha256", to_hex(sha256(sketch_message)));
    w.end_object();
    const BodySketchView view = decode_body_sketch(sketch_message).value();
    ReconcileOutcome o = requester.on_sketch(view, mine.views);
    require(o.step == ReconcileStep::request_transactions || o.step == ReconcileStep::assembled,
            std::string(name) + ": the exchange assembles");
    write_short_ids(w, "lacked", requester.lacked());
    if (o.step == ReconcileStep::request_transactions) {
      ++round_trips;
      const Buf named = short_id_list({requester.lacked().begin(), requester.lacked().end()});
      ReconcileRequest give;
      give.chain_id = chain;
      give.height = kHeight;
      give.block_id = id;
      give.requester = keys_of(3).public_key;
      give.kind = ReconcileKind::transactions;
      give.ids.bytes = named;
      give = sign_reconcile_request(give, keys_of(3).secret_key);
      give.ids.bytes = named;
      const Buf give_bytes = unwrap(encode_to_vector(give));
      bytes_field(w, "transactions_request", give_bytes);
      const std::span<const TxBytes> picked = server.select(give, theirs.views);
      const Buf answer = unwrap(encode_body_transactions_to_vector(chain, kHeight, id, picked));
      bytes_field(w, "body_transactions", answer);
      bytes += give_bytes.size() + answer.size();
      BodyTransactionsView t;
      require(decode_body_transactions(answer, t).has_value(), "body transactions decode");
      o = requester.on_transactions(t, mine.views);
      require(o.step == ReconcileStep::assembled, std::string(name) + ": assembled");
      require(merkle_root(requester.assembled()) == theirs.merkle_root, std::string(name) + ": the server's block");
    } else {
      require(merkle_root(requester.assembled()) == theirs.merkle_root, std::string(name) + ": the server's block");
    }
    w.field("assembled_merkle_root", to_hex(merkle_root(requester.assembled())));
  }
  w.field("round_trips", round_trips);
  w.field("bytes", bytes);
  w.end_object();
}

void write_reconciliation(JsonWriter& w) {
  begin_family(w, "reconciliation",
               "Body reconciliation (spec/reconciliation.md §4, §5): the sample a sketch request carries, the "
               "server's estimate and answer, and whole exchanges between a requester and a server whose mempools "
               "differ, with every message that travels.",
               {"estimates: estimate_difference(sample_a, count_a, sample_x, count_x) of §4.2 (samples ascending, "
                "short ids as 16 hex digits); answers: sketch_answer_cells(difference, have, block_bytes) of §4.3.",
                "exchanges: a pool of transactions by rule; each side's mempool is the pool without the indices in "
                "lacks, plus transactions of the same rule for the indices in own; each builds its block from it "
                "(spec/protocol.md §3) with block_building.json's membership, height 1 and reward 1003, so both "
                "coinbases are equal.",
                "block_id is the id of the server's block: header version 1, this family's chain, height 1, round 0, "
                "prev_id the SHA-256 of the ASCII midnight-test-genesis (the genesis of every family), the server "
                "block's merkle_root, timestamp 1735689600000, proposer seed 1. The sketch key is sketch_key(block_id).",
                "The requester is seed 3; its requests are signed with seed 3's key. sample is the short ids of "
                "its mempool transactions in the request's order (8 bytes each, big-endian); lacked the short ids "
                "its peel found it lacks, ascending.",
                "bytes is the sum of the encoded sizes of the messages of the exchange (the whole block when the "
                "answer is whole); round_trips counts the request-answer pairs.",
                "Byte strings longer than 4096 bytes are objects {size, sha256, segments}: concatenate each "
                "segment's hex repeated `repeat` times."});
  derived_field(w, "chain_id", kChainAscii);
  const Members m = make_members(kFixtureWeights);
  w.key("estimates").begin_array();
  const auto estimate_case = [&](std::string_view name, std::vector<ShortTxId> a, std::size_t count_a,
                                 std::vector<ShortTxId> x, std::size_t count_x) {
    std::sort(a.begin(), a.end());
    std::sort(x.begin(), x.end());
    w.begin_object(true);
    w.field("name", name);
    write_short_ids(w, "sample_a", a);
    w.field("count_a", count_a);
    write_short_ids(w, "sample_x", x);
    w.field("count_x", count_x);
    w.field("estimate", estimate_difference(a, count_a, x, count_x));
    w.end_object();
  };
  estimate_case("both complete: exact", {1, 2, 3}, 3, {2, 3, 4, 5}, 4);
  estimate_case("both complete and equal", {7, 9}, 2, {7, 9}, 2);
  estimate_case("a incomplete (k = 8), x complete", {1, 2, 3, 4, 5, 6, 7, 8}, 100, {2, 4, 6}, 3);
  estimate_case("both incomplete, no difference in the sample", {1, 2, 3, 4}, 1000, {1, 2, 3, 4}, 1000);
  estimate_case("both incomplete, half the sample differs", {1, 3, 5, 7}, 1000, {2, 3, 6, 7}, 1000);
  estimate_case("counts far apart: at least their difference", {1, 2}, 10, {1, 2}, 5000);
  estimate_case("an empty sample of a set that is not empty: the largest difference", {}, 5, {1}, 1);
  w.end_array();
  w.key("answers").begin_array();
  for (const auto& [d, have, bytes] : std::initializer_list<std::array<std::size_t, 3>>{
           {10, 100, 1'000'000}, {101, 100, 1'000'000}, {10, 100, 3412}, {10, 100, 3413}, {0, 0, 100'000}, {5000, 100000, 10'000'000}}) {
    w.begin_object(true);
    w.field("difference", d).field("have", have).field("block_bytes", bytes);
    w.field("cells_per_hash", sketch_answer_cells(d, have, bytes));
    w.end_object();
  }
  w.end_array();
  w.key("exchanges").begin_array();
  write_exchange(w, m, "small blocks are answered whole (a sketch would be larger)", 40, {3}, {1000000}, {}, {});
  write_exchange(w, m, "complete samples: the estimate is exact; two round trips", 300, {1, 2}, {1000000}, {},
                 {2000000, 2000001, 2000002});
  write_exchange(w, m, "samples of 512: lacked and extra on both sides; two round trips", 1200, {5, 77, 901},
                 {1000000, 1000001}, {10}, {2000000, 2000001, 2000002, 2000003});
  write_exchange(w, m, "the requester lacks nothing: one round trip", 1200, {}, {1000000, 1000001, 1000002}, {8, 9}, {});
  w.end_array();
  w.end_object();
}

struct Family {
  const char* name;
  void (*write)(JsonWriter&);
};

constexpr Family kFamilies[] = {
    {"hashing", write_hashing},       {"signing", write_signing},     {"encoding", write_encoding},
    {"rejections", write_rejections}, {"quorum", write_quorum},       {"block_building", write_block_building},
    {"selection", write_selection},   {"rounds", write_rounds},       {"vrf", write_vrf},
    {"reconciliation", write_reconciliation},
};

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) throw UsageError{"vectors: cannot write '" + path.string() + "'"};
}

}  // namespace

std::optional<std::vector<std::vector<std::uint8_t>>> mempool_from_rule(std::string_view rule) {
  if (rule == counted_rule(1'000'000)) return day_mempool().txs;
  if (rule == counted_rule(kMaxBlockTransactions + 5)) return count_cap_mempool().txs;
  if (rule == byte_cap_mempool_rule()) return byte_cap_mempool().txs;
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> encoding_message_from_name(std::string_view name) {
  if (name == kWideCertificateName) return unwrap(encode_to_vector(wide_certificate(make_encoding_fixture(), 10000)));
  return std::nullopt;
}

std::optional<std::vector<std::uint8_t>> rejection_input_from_rule(std::string_view rule) {
  if (rule == over_count_cap_rule()) return over_count_cap_block(make_encoding_fixture());
  if (rule == over_byte_cap_rule()) return over_byte_cap_block(make_encoding_fixture());
  return std::nullopt;
}

int run_vectors(std::vector<std::string_view> argv) {
  Args args(std::move(argv));
  std::optional<std::string_view> out_dir;
  while (!args.done()) {
    const auto a = args.next();
    if (a == "--out" && !out_dir) {
      out_dir = args.value_of(a);
      if (out_dir->empty()) throw UsageError{"vectors: --out needs a directory"};
    } else {
      throw UsageError{"vectors: unexpected argument '" + std::string(a) + "' (usage: midnight vectors [--out DIR])"};
    }
  }
  if (!out_dir) {
    std::string doc;
    JsonWriter w(doc);
    w.begin_object();
    w.field("format_version", kFormatVersion);
    w.key("families").begin_object();
    for (const Family& f : kFamilies) {
      w.key(f.name);
      f.write(w);
    }
    w.end_object();
    w.end_object();
    std::cout << doc;
    return kExitOk;
  }
  const std::filesystem::path dir{std::string(*out_dir)};
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    throw UsageError{"vectors: cannot create directory '" + dir.string() + "'"};
  }
  for (const Family& f : kFamilies) {
    std::string doc;
    JsonWriter w(doc);
    f.write(w);
    write_file(dir / (std::string(f.name) + ".json"), doc);
  }
  return kExitOk;
}

}  // namespace midnight::cli
