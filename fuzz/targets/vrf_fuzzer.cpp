// libFuzzer target: ECVRF-EDWARDS25519-SHA512-TAI proof decoding and verification
// (spec/vrf.md; reference/include/midnight/crypto/ecvrf.hpp).
//
// Input layout. Every byte string is an input: a missing header or key byte reads as 0,
// and missing proof bytes are taken from a fixed honest proof, so a short input is a
// prefix of a proof written over it.
//   [0]       bit 7 clear: fixed key K = bits 0-1 (four seeds: RFC 8032 §7.1 tests 1, 2,
//             3 and SHA(abc); the first three are RFC 9381 Examples 16-18), plus the
//             small-order point T_Y picked by [1]. Bit 7 set: explicit key, the 32 bytes
//             at [4..35] are the public key itself, whatever they encode (off the curve,
//             y >= p, "-0", small order, a torsion component); bits 0-1 still pick the K
//             whose proof pads a short input. Bits 2-6 are ignored.
//   [1]       bits 0-2: T_Y, the small-order point added to the fixed key (0: none; one
//             of the eight points of order 1, 2, 4, 8). Bits 3-5: T_G, the small-order
//             point the harness's own proof adds to Gamma. Bits 6-7 are ignored.
//   [2..3]    F, big-endian: bit F mod 640 of the harness's own proof is flipped.
//   [4..35]   the public key (explicit key only).
//   next 80   pi, the proof under test: Gamma 32 || c 16 || s 32. Missing bytes are those
//             of key K's honest proof (ecvrf_prove) of the empty alpha.
//   the rest  alpha (empty when the input ends inside pi).
//
// The harness knows the secret scalar x of a key when it is a fixed key plus a small-order
// point, Y' = x*B + T (always with a fixed key; with an explicit key when its bytes happen
// to be one of those 32 keys, as for the RFC 9381 examples). For such a key and alpha it
// computes, with raw libsodium and its own try-and-increment, H = encode_to_curve(Y', alpha)
// and the key holder's output beta* = SHA-512(0x03 || 0x03 || 8*(x*H) || 0x00).
//
// Checks, on every input (MIDNIGHT_FUZZ_CHECK aborts with the message):
//   decoding   decode_proof accepts exactly the proofs spec/vrf.md §3.6 accepts, judged
//              here from the bytes (y < p, the two "-0" strings, libsodium's curve
//              equation, s < q) and rejects with the error of the first failed rule;
//              ecvrf_proof_to_hash succeeds exactly when decode_proof does, with the same
//              error, and then equals SHA-512(0x03 || 0x03 || 8*Gamma || 0x00);
//              ecvrf_validate_key likewise against §3.7 (the eight small-order points).
//              Every rejection is a `midnight.vrf` error with a message.
//   verify     twice, with identical results; it fails with the key's error, else the
//              proof's decoding error, else proof_does_not_verify (§3.8 order). Accepted:
//              the key is valid, pi decodes and beta = ecvrf_proof_to_hash(pi).
//   uniqueness for a key with known x: every accepted proof gives beta* (RFC 9381 with
//              validate_key: at most one beta per key and alpha). Proofs are not unique
//              (spec/vrf.md §5.3: torsion in Gamma, any nonce), their output is: the check
//              is "accepted => beta = beta*", never "accepted => pi is the honest proof".
//   honest     for a plain fixed key (T_Y = none), ecvrf_prove's proof for alpha has Gamma
//              = x*H and verifies with beta*, and pi equal to it verifies. The harness's own
//              proof, Gamma = x*H + T_G with U and V committed with -(c mod 8)*T_Y and
//              -(c mod 8)*T_G (the prover of §5.3; with neither, the own proof is
//              ecvrf_prove's), verifies with beta*: RFC-exact verification of torsion
//              components.
//   one bit    the harness's own proof with bit F flipped never verifies: a flip changes
//              Gamma or c or s, so the challenge would have to match a changed hash input
//              or a changed c (probability 2^-128); a torsion variant needs a recomputed
//              c, never one bit. The error is the flipped proof's decoding error or
//              proof_does_not_verify, and a flip in c or s (that still decodes) leaves
//              ecvrf_proof_to_hash at beta*: beta depends on Gamma only.
//
// Built with MIDNIGHT_VRF_FUZZER_NO_COFACTOR it is a negative control: the output under
// test (and the harness's beta*) hashes Gamma itself instead of 8*Gamma, a VRF in which a
// torsion component in Gamma changes beta, and the uniqueness check must catch it
// (fuzz/CMakeLists.txt).
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "common/check.hpp"
#include "small_order_points.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"

using namespace midnight;
using ecvrf_detail::Point;
using ecvrf_detail::Scalar;

namespace {

constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kProofBits = 8 * VrfProof::size();  // 640
constexpr std::uint8_t kExplicitKey = 0x80;
constexpr const char* kUniqueness =
    "uniqueness: an accepted proof gives another beta than the key holder's (spec/vrf.md §5.3)";

constexpr Point kIdentity{{1}};
// p = 2^255 - 19 and q = 2^252 + 27742317777372353535851937790883648493, little-endian.
constexpr Point kFieldPrime{{0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                             0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}};
constexpr Scalar kGroupOrder{{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                              0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10}};

constexpr const auto& kSmallOrderHex = testkit::kSmallOrderPointsHex;
// The fixed keys' seeds: RFC 8032 §7.1 TEST 1, TEST 2, TEST 3 and TEST SHA(abc).
constexpr std::array<const char*, 4> kSeedHex{{
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
}};

template <std::size_t N>
Bytes<N> from_hex_or_die(std::string_view hex) {
  Bytes<N> out;
  MIDNIGHT_FUZZ_CHECK(from_hex(hex, out.v), "a constant of the harness is not hex");
  return out;
}

// Little-endian comparison of 32-byte integers.
bool less_le(const Bytes<32>& a, const Bytes<32>& b) {
  for (std::size_t i = 32; i-- > 0;) {
    if (a.v[i] != b.v[i]) return a.v[i] < b.v[i];
  }
  return false;
}

Point add(const Point& a, const Point& b) {
  Point r;
  MIDNIGHT_FUZZ_CHECK(crypto_core_ed25519_add(r.data(), a.data(), b.data()) == 0, "libsodium cannot add two points");
  return r;
}

Point sub(const Point& a, const Point& b) {
  Point r;
  MIDNIGHT_FUZZ_CHECK(crypto_core_ed25519_sub(r.data(), a.data(), b.data()) == 0,
                      "libsodium cannot subtract two points");
  return r;
}

Point times_eight(const Point& p) {
  const Point p2 = add(p, p);
  const Point p4 = add(p2, p2);
  return add(p4, p4);
}

// spec/vrf.md §3.1, judged from the bytes: y < p first, then the curve equation (libsodium
// decodes any y < p that has an x, whatever the order of the point), then "-0": x = 0
// only for y = 1 and y = p - 1, so those two strings with the sign bit set.
using ecvrf_detail::point_decoding;
point_decoding judge_point(const Point& s) {
  Point y = s;
  y.v[31] &= 0x7f;
  if (!less_le(y, kFieldPrime)) return point_decoding::y_not_below_p;
  Point canonical;
  if (crypto_core_ed25519_add(canonical.data(), s.data(), kIdentity.data()) != 0) return point_decoding::not_on_curve;
  Point minus_zero_a = kIdentity;
  minus_zero_a.v[31] = 0x80;
  Point minus_zero_b = kFieldPrime;
  minus_zero_b.v[0] = 0xec;
  minus_zero_b.v[31] = 0xff;
  if (s == minus_zero_a || s == minus_zero_b) return point_decoding::x_zero_sign_set;
  MIDNIGHT_FUZZ_CHECK(canonical == s, "libsodium re-encodes a canonical point differently");
  return point_decoding::ok;
}

// The output of a Gamma that decodes: SHA-512(suite || 0x03 || point_to_string(8*Gamma) ||
// 0x00). The negative control hashes Gamma itself.
VrfOutput output_of_gamma(const Point& gamma) {
#ifdef MIDNIGHT_VRF_FUZZER_NO_COFACTOR
  const Point hashed = gamma;
#else
  const Point hashed = times_eight(gamma);
#endif
  const std::uint8_t front[2] = {0x03, 0x03};
  const std::uint8_t back = 0x00;
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, front, sizeof front);
  crypto_hash_sha512_update(&st, hashed.data(), hashed.size());
  crypto_hash_sha512_update(&st, &back, 1);
  VrfOutput out;
  crypto_hash_sha512_final(&st, out.data());
  return out;
}

Point gamma_of(const VrfProof& pi) {
  Point g;
  std::copy_n(pi.v.begin(), 32, g.v.begin());
  return g;
}

Scalar s_of(const VrfProof& pi) {
  Scalar s;
  std::copy_n(pi.v.begin() + 48, 32, s.v.begin());
  return s;
}

// The library under test: as it is, or (negative control) with the output hashing Gamma.
result<VrfOutput> proof_to_hash_under_test(const VrfProof& pi) {
  auto r = ecvrf_proof_to_hash(pi);
#ifdef MIDNIGHT_VRF_FUZZER_NO_COFACTOR
  if (r) return output_of_gamma(gamma_of(pi));
#endif
  return r;
}

result<VrfOutput> verify_under_test(const PublicKey& pk, const VrfProof& pi, std::span<const std::uint8_t> alpha) {
  auto r = ecvrf_verify(pk, pi, alpha);
#ifdef MIDNIGHT_VRF_FUZZER_NO_COFACTOR
  if (r) return output_of_gamma(gamma_of(pi));
#endif
  return r;
}

// RFC 9381 §5.4.1.1 try-and-increment with salt PK_string, written here from the RFC.
std::optional<Point> encode_to_curve(const PublicKey& pk, std::span<const std::uint8_t> alpha, unsigned& ctr_out) {
  for (unsigned ctr = 0; ctr <= 0xff; ++ctr) {
    const std::uint8_t front[2] = {0x03, 0x01};
    const std::uint8_t back[2] = {static_cast<std::uint8_t>(ctr), 0x00};
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, front, sizeof front);
    crypto_hash_sha512_update(&st, pk.data(), pk.size());
    if (!alpha.empty()) crypto_hash_sha512_update(&st, alpha.data(), alpha.size());
    crypto_hash_sha512_update(&st, back, sizeof back);
    std::array<std::uint8_t, 64> hash;
    crypto_hash_sha512_final(&st, hash.data());
    Point candidate;
    std::copy_n(hash.begin(), 32, candidate.v.begin());
    if (judge_point(candidate) != point_decoding::ok) continue;
    const Point h = times_eight(candidate);
    if (h == kIdentity) continue;
    ctr_out = ctr;
    return h;
  }
  return std::nullopt;
}

// RFC 9381 §5.4.3: the first 16 bytes of SHA-512(0x03 || 0x02 || P1 .. P5 || 0x00).
ecvrf_detail::Challenge challenge(const Point& y, const Point& h, const Point& gamma, const Point& u, const Point& v) {
  const std::uint8_t front[2] = {0x03, 0x02};
  const std::uint8_t back = 0x00;
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, front, sizeof front);
  for (const Point* p : {&y, &h, &gamma, &u, &v}) crypto_hash_sha512_update(&st, p->data(), p->size());
  crypto_hash_sha512_update(&st, &back, 1);
  std::array<std::uint8_t, 64> hash;
  crypto_hash_sha512_final(&st, hash.data());
  ecvrf_detail::Challenge c;
  std::copy_n(hash.begin(), 16, c.v.begin());
  return c;
}

struct FixedKey {
  Seed seed;
  VrfKeypair kp;
  Scalar x;          // the RFC 8032 scalar, reduced mod q (same multiples of B and H)
  VrfProof padding;  // ecvrf_prove of the empty alpha: fills a short input's proof
};

struct Harness {
  std::array<FixedKey, 4> keys;
  std::array<Point, 8> small_order;
  std::array<std::array<PublicKey, 8>, 4> key_plus_torsion;  // [key][T]: Y + T
};

Harness build_harness() {
  MIDNIGHT_FUZZ_CHECK(crypto_init(), "libsodium failed to initialise");
  Harness h;
  for (std::size_t t = 0; t < 8; ++t) h.small_order[t] = from_hex_or_die<32>(kSmallOrderHex[t]);
  for (std::size_t k = 0; k < 4; ++k) {
    FixedKey& key = h.keys[k];
    key.seed = from_hex_or_die<32>(kSeedHex[k]);
    key.kp = vrf_keypair_from_seed(key.seed);
    std::array<std::uint8_t, 64> hashed;
    crypto_hash_sha512(hashed.data(), key.seed.data(), key.seed.size());
    hashed[0] &= 248;
    hashed[31] &= 127;
    hashed[31] |= 64;
    std::fill(hashed.begin() + 32, hashed.end(), std::uint8_t{0});
    crypto_core_ed25519_scalar_reduce(key.x.data(), hashed.data());
    Point xb;
    MIDNIGHT_FUZZ_CHECK(crypto_scalarmult_ed25519_base_noclamp(xb.data(), key.x.data()) == 0 && xb == key.kp.public_key,
                        "a fixed key's scalar does not give its public key");
    const auto padding = ecvrf_prove(key.kp.secret_key, {});
    MIDNIGHT_FUZZ_CHECK(padding.has_value(), "ecvrf_prove fails on a fixed key");
    key.padding = padding.value();
    for (std::size_t t = 0; t < 8; ++t) h.key_plus_torsion[k][t] = add(key.kp.public_key, h.small_order[t]);
  }
  return h;
}

// MIDNIGHT_FUZZ_VERBOSE set: one line per input (the key, the verdict) on stderr.
bool verbose() {
  static const bool on = std::getenv("MIDNIGHT_FUZZ_VERBOSE") != nullptr;
  return on;
}

const Harness& harness() {
  static const Harness h = build_harness();
  return h;
}

bool is_small_order_point(const Point& p) {
  const auto& points = harness().small_order;
  return std::find(points.begin(), points.end(), p) != points.end();
}

void check_vrf_error(const std::error_code& e) {
  MIDNIGHT_FUZZ_CHECK(static_cast<bool>(e), "a rejection carries no error");
  MIDNIGHT_FUZZ_CHECK(std::strcmp(e.category().name(), "midnight.vrf") == 0,
                      "a VRF rejection is an error outside the midnight.vrf category");
  const std::string message = e.message();
  MIDNIGHT_FUZZ_CHECK(!message.empty() && message != "unknown vrf error", "a VRF error has no message of its own");
}

// spec/vrf.md §3.6: the decoding verdict, from the proof's bytes.
std::error_code judge_proof(const VrfProof& pi) {
  switch (judge_point(gamma_of(pi))) {
    case point_decoding::y_not_below_p:
      return vrf_errc::gamma_not_canonical;
    case point_decoding::not_on_curve:
      return vrf_errc::gamma_not_on_curve;
    case point_decoding::x_zero_sign_set:
      return vrf_errc::gamma_x_zero_sign_set;
    case point_decoding::ok:
      break;
  }
  if (!less_le(s_of(pi), kGroupOrder)) return vrf_errc::s_not_below_group_order;
  return {};
}

// spec/vrf.md §3.7: the key's verdict, from its bytes.
std::error_code judge_key(const PublicKey& pk) {
  switch (judge_point(pk)) {
    case point_decoding::y_not_below_p:
      return vrf_errc::public_key_not_canonical;
    case point_decoding::not_on_curve:
      return vrf_errc::public_key_not_on_curve;
    case point_decoding::x_zero_sign_set:
      return vrf_errc::public_key_x_zero_sign_set;
    case point_decoding::ok:
      break;
  }
  if (is_small_order_point(pk)) return vrf_errc::public_key_small_order;
  return {};
}

// Decoding and proof_to_hash of any 80 bytes; returns the verdict.
std::error_code check_decoding(const VrfProof& pi) {
  const std::error_code judged = judge_proof(pi);
  const auto decoded = ecvrf_detail::decode_proof(pi);
  const auto hashed = proof_to_hash_under_test(pi);
  MIDNIGHT_FUZZ_CHECK(decoded.has_value() == !judged, "decode_proof accepts what spec/vrf.md §3.6 rejects, or the reverse");
  MIDNIGHT_FUZZ_CHECK(hashed.has_value() == decoded.has_value(),
                      "ecvrf_proof_to_hash succeeds where decode_proof fails, or the reverse");
  if (!decoded) {
    check_vrf_error(decoded.error());
    check_vrf_error(hashed.error());
    MIDNIGHT_FUZZ_CHECK(decoded.error() == judged, "decode_proof rejects with another error than the first failed rule");
    MIDNIGHT_FUZZ_CHECK(hashed.error() == decoded.error(), "ecvrf_proof_to_hash and decode_proof give different errors");
    return judged;
  }
  const auto& d = decoded.value();
  MIDNIGHT_FUZZ_CHECK(std::equal(d.gamma.v.begin(), d.gamma.v.end(), pi.v.begin()) &&
                          std::equal(d.c.v.begin(), d.c.v.end(), pi.v.begin() + 32) &&
                          std::equal(d.s.v.begin(), d.s.v.end(), pi.v.begin() + 48),
                      "decode_proof does not split the proof into Gamma 32 || c 16 || s 32");
  MIDNIGHT_FUZZ_CHECK(hashed.value() == output_of_gamma(d.gamma),
                      "ecvrf_proof_to_hash is not SHA-512(0x03 || 0x03 || 8*Gamma || 0x00)");
  return {};
}

// verify (twice for the input's own proof: the same result), and everything its result
// must agree with.
result<VrfOutput> check_verify(const PublicKey& pk, const std::error_code& key_verdict, const VrfProof& pi,
                               const std::error_code& proof_verdict, std::span<const std::uint8_t> alpha,
                               bool twice) {
  auto first = verify_under_test(pk, pi, alpha);
  if (twice) {
    const auto second = verify_under_test(pk, pi, alpha);
    MIDNIGHT_FUZZ_CHECK(first.has_value() == second.has_value() &&
                            (first ? first.value() == second.value() : first.error() == second.error()),
                        "ecvrf_verify gives two different results for the same input");
  }
  if (!first) {
    check_vrf_error(first.error());
    if (key_verdict) {
      MIDNIGHT_FUZZ_CHECK(first.error() == key_verdict, "ecvrf_verify of an invalid key fails with another error");
    } else if (proof_verdict) {
      MIDNIGHT_FUZZ_CHECK(first.error() == proof_verdict,
                          "ecvrf_verify of a proof that does not decode fails with another error");
    } else {
      MIDNIGHT_FUZZ_CHECK(first.error() == vrf_errc::proof_does_not_verify ||
                              first.error() == vrf_errc::encode_to_curve_exhausted,
                          "ecvrf_verify of a valid key and a decoded proof fails with a decoding error");
    }
    return first;
  }
  MIDNIGHT_FUZZ_CHECK(!key_verdict, "ecvrf_verify accepts a key that ecvrf_validate_key must reject");
  MIDNIGHT_FUZZ_CHECK(!proof_verdict, "ecvrf_verify accepts a proof that does not decode");
  const auto hashed = proof_to_hash_under_test(pi);
  MIDNIGHT_FUZZ_CHECK(hashed && hashed.value() == first.value(), "ecvrf_verify's beta is not ecvrf_proof_to_hash(pi)");
  return first;
}

// A key whose secret scalar the harness knows: fixed key `key` plus small-order point `t`.
struct KnownKey {
  std::size_t key;
  std::size_t t;
};

std::optional<KnownKey> known_key(const PublicKey& pk) {
  const Harness& h = harness();
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::size_t t = 0; t < 8; ++t) {
      if (h.key_plus_torsion[k][t] == pk) return KnownKey{k, t};
    }
  }
  return std::nullopt;
}

// The key holder's proof for Y' = x*B + T_Y with Gamma = x*H + T_G: with s = k + c*x the
// verifier computes U = k*B - (c mod 8)*T_Y and V = k*H - (c mod 8)*T_G, so the prover
// commits U and V for a guessed j and keeps the first nonce whose challenge has c mod 8 = j
// (spec/vrf.md §5.3; tests/unit/ecvrf_test.cpp builds the same). Deterministic.
VrfProof torsion_proof(const FixedKey& key, const PublicKey& pk, const Point& h, const Point& x_h, const Point& t_y,
                       const Point& t_g) {
  const Point gamma = add(x_h, t_g);
  for (std::uint8_t attempt = 0; attempt < 64; ++attempt) {
    std::array<std::uint8_t, 64> wide;
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, key.seed.data(), key.seed.size());
    crypto_hash_sha512_update(&st, h.data(), h.size());
    crypto_hash_sha512_update(&st, &attempt, 1);
    crypto_hash_sha512_final(&st, wide.data());
    Scalar k;
    crypto_core_ed25519_scalar_reduce(k.data(), wide.data());
    Point u;
    Point v;
    if (crypto_scalarmult_ed25519_base_noclamp(u.data(), k.data()) != 0 ||
        crypto_scalarmult_ed25519_noclamp(v.data(), k.data(), h.data()) != 0) {
      continue;  // k = 0
    }
    for (unsigned j = 0; j < 8; ++j) {
      const ecvrf_detail::Challenge c = challenge(pk, h, gamma, u, v);
      if ((c.v[0] & 7u) == j) {
        Scalar wide_c{};
        std::copy(c.v.begin(), c.v.end(), wide_c.v.begin());
        Scalar cx;
        Scalar s;
        crypto_core_ed25519_scalar_mul(cx.data(), wide_c.data(), key.x.data());
        crypto_core_ed25519_scalar_add(s.data(), k.data(), cx.data());
        VrfProof pi;
        auto it = std::copy(gamma.v.begin(), gamma.v.end(), pi.v.begin());
        it = std::copy(c.v.begin(), c.v.end(), it);
        std::copy(s.v.begin(), s.v.end(), it);
        return pi;
      }
      u = sub(u, t_y);
      v = sub(v, t_g);
    }
  }
  MIDNIGHT_FUZZ_CHECK(false, "no nonce gave the guessed challenge residue in 64 attempts");
  return {};
}

void check_known_key(const KnownKey& known, const PublicKey& pk, std::size_t gamma_torsion, std::size_t flip,
                     const VrfProof& pi, const result<VrfOutput>& verdict, std::span<const std::uint8_t> alpha) {
  const Harness& hs = harness();
  const FixedKey& key = hs.keys[known.key];

  unsigned ctr = 0;
  const std::optional<Point> h = encode_to_curve(pk, alpha, ctr);
  const auto library_h = ecvrf_detail::encode_to_curve(pk, alpha);
  MIDNIGHT_FUZZ_CHECK(h.has_value() == library_h.has_value(),
                      "encode_to_curve fails where RFC 9381 try-and-increment succeeds, or the reverse");
  if (!h) return;  // probability 2^-256: no proof verifies for this alpha
  MIDNIGHT_FUZZ_CHECK(library_h.value().h == *h && library_h.value().ctr == ctr,
                      "encode_to_curve differs from RFC 9381 try-and-increment");
  Point x_h;
  MIDNIGHT_FUZZ_CHECK(crypto_scalarmult_ed25519_noclamp(x_h.data(), key.x.data(), h->data()) == 0,
                      "x*H is the identity");
  const VrfOutput expected = output_of_gamma(x_h);

  // Uniqueness: whatever the verifier accepts for this key and alpha has the key's beta.
  if (verdict) MIDNIGHT_FUZZ_CHECK(verdict.value() == expected, kUniqueness);

  std::optional<VrfProof> honest;
  if (known.t == 0) {
    const auto proved = ecvrf_prove(key.kp.secret_key, alpha);
    MIDNIGHT_FUZZ_CHECK(proved.has_value(), "ecvrf_prove fails for a fixed key");
    honest = proved.value();
    MIDNIGHT_FUZZ_CHECK(gamma_of(*honest) == x_h, "ecvrf_prove's Gamma is not x*H");
    const auto beta = verify_under_test(pk, *honest, alpha);
    MIDNIGHT_FUZZ_CHECK(beta.has_value(), "the honest proof of ecvrf_prove does not verify");
    MIDNIGHT_FUZZ_CHECK(beta.value() == expected, kUniqueness);
    if (pi == *honest) MIDNIGHT_FUZZ_CHECK(verdict.has_value(), "the honest proof, given as input, does not verify");
  }

  VrfProof own;
  if (honest && gamma_torsion == 0) {
    own = *honest;
  } else {
    own = torsion_proof(key, pk, *h, x_h, hs.small_order[known.t], hs.small_order[gamma_torsion]);
    const auto beta = verify_under_test(pk, own, alpha);
    MIDNIGHT_FUZZ_CHECK(beta.has_value(),
                        "RFC 9381 verification refuses the key holder's proof with torsion components (spec/vrf.md §5.3)");
    MIDNIGHT_FUZZ_CHECK(beta.value() == expected, kUniqueness);
    if (pi == own) MIDNIGHT_FUZZ_CHECK(verdict.has_value(), "the key holder's proof, given as input, does not verify");
  }

  VrfProof flipped = own;
  flipped.v[flip / 8] = static_cast<std::uint8_t>(flipped.v[flip / 8] ^ (1u << (flip % 8)));
  const std::error_code flipped_verdict = check_decoding(flipped);
  const auto r = check_verify(pk, {}, flipped, flipped_verdict, alpha, /*twice=*/false);
  if (r) MIDNIGHT_FUZZ_CHECK(r.value() == expected, kUniqueness);
  MIDNIGHT_FUZZ_CHECK(!r.has_value(), "the key holder's proof with one bit flipped verifies");
  if (flip >= 256 && !flipped_verdict) {
    MIDNIGHT_FUZZ_CHECK(proof_to_hash_under_test(flipped).value() == expected,
                        "flipping a bit of c or s changed ecvrf_proof_to_hash: beta must depend on Gamma only");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  const auto byte_at = [&](std::size_t i) -> std::uint8_t { return i < in.size() ? in[i] : std::uint8_t{0}; };
  const Harness& hs = harness();

  const std::uint8_t key_byte = byte_at(0);
  const std::uint8_t torsion_byte = byte_at(1);
  const std::size_t flip = ((std::size_t{byte_at(2)} << 8) | byte_at(3)) % kProofBits;
  const std::size_t key_index = key_byte & 3u;
  const std::size_t key_torsion = torsion_byte & 7u;
  const std::size_t gamma_torsion = (torsion_byte >> 3) & 7u;
  const bool explicit_key = (key_byte & kExplicitKey) != 0;

  std::size_t at = kHeaderSize;
  PublicKey pk;
  if (explicit_key) {
    for (std::size_t i = 0; i < 32; ++i) pk.v[i] = byte_at(at + i);
    at += 32;
  } else {
    pk = hs.key_plus_torsion[key_index][key_torsion];
  }
  VrfProof pi = hs.keys[key_index].padding;
  for (std::size_t i = 0; i < VrfProof::size() && at + i < in.size(); ++i) pi.v[i] = in[at + i];
  at += VrfProof::size();
  const std::span<const std::uint8_t> alpha = at < in.size() ? in.subspan(at) : std::span<const std::uint8_t>();

  const std::error_code proof_verdict = check_decoding(pi);

  const std::error_code key_verdict = judge_key(pk);
  const auto validated = ecvrf_validate_key(pk);
  MIDNIGHT_FUZZ_CHECK(validated.has_value() == !key_verdict,
                      "ecvrf_validate_key accepts a key that spec/vrf.md §3.7 rejects, or the reverse");
  if (!validated) {
    check_vrf_error(validated.error());
    MIDNIGHT_FUZZ_CHECK(validated.error() == key_verdict,
                        "ecvrf_validate_key rejects with another error than the first failed rule");
  }

  const auto verdict = check_verify(pk, key_verdict, pi, proof_verdict, alpha, /*twice=*/true);
  const auto known = known_key(pk);
  if (verbose()) {
    char key[64];
    if (known) {
      std::snprintf(key, sizeof key, "%s key %zu + T %zu", explicit_key ? "explicit, x known:" : "fixed", known->key,
                    known->t);
    } else {
      std::snprintf(key, sizeof key, "explicit, x unknown");
    }
    std::fprintf(stderr, "vrf_fuzzer: %s, T_G %zu, flip %zu, alpha %zu bytes: %s%s\n", key, gamma_torsion, flip,
                 alpha.size(), verdict ? "verifies, beta " : "rejected: ",
                 verdict ? to_hex(std::span<const std::uint8_t>(verdict.value().v).first(8)).c_str()
                         : verdict.error().message().c_str());
  }
  if (known) check_known_key(*known, pk, gamma_torsion, flip, pi, verdict, alpha);
  return 0;
}
