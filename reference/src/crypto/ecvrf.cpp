// ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381) on libsodium 1.0.18's public API only.
//
// What libsodium's public functions check (1.0.18, verified against its source), and so
// what each is used for here:
//   crypto_core_ed25519_add/sub     decode both inputs with ge25519_frombytes and only
//                                   require them to be on the curve: small-order points,
//                                   the identity and points with a torsion component are
//                                   accepted; y >= p is silently reduced and "x = 0 with
//                                   the sign bit set" is silently read as x = 0. The output
//                                   is always canonical. Used for every operation on points
//                                   that may lie outside the prime-order subgroup.
//   crypto_scalarmult_ed25519_noclamp   requires a canonical, not small-order point of the
//                                   prime-order subgroup, and returns -1 for a zero scalar
//                                   or an identity result. Constant time.
//   crypto_scalarmult_ed25519_base_noclamp  returns -1 for a zero scalar or an identity
//                                   result. Constant time.
//   crypto_core_ed25519_is_valid_point  canonical, not small order, on the curve, in the
//                                   prime-order subgroup.
// Hence string_to_point (RFC 8032 §5.1.3) is built from add() plus the two checks add()
// skips, cofactor clearing is three doublings with add(), and a scalar multiple of a point
// that may carry a torsion part is split into a prime-order part (for scalarmult) and a
// torsion part (for add()). spec/vrf.md §5 states the argument.
#include "midnight/crypto/ecvrf.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>

#include "midnight/core/invariant.hpp"

namespace midnight {

static_assert(crypto_core_ed25519_BYTES == 32);
static_assert(crypto_core_ed25519_SCALARBYTES == 32);
static_assert(crypto_core_ed25519_NONREDUCEDSCALARBYTES == 64);
static_assert(crypto_scalarmult_ed25519_BYTES == 32 && crypto_scalarmult_ed25519_SCALARBYTES == 32);
static_assert(crypto_hash_sha512_BYTES == VrfOutput::size());
static_assert(crypto_sign_SEEDBYTES == Seed::size() && crypto_sign_SECRETKEYBYTES == SecretKey::size());

const char* ErrorTable<vrf_errc>::message(vrf_errc e) {
  switch (e) {
    case vrf_errc::public_key_not_canonical:
      return "vrf public key: y is not below p (non-canonical encoding)";
    case vrf_errc::public_key_not_on_curve:
      return "vrf public key: not the encoding of a curve point";
    case vrf_errc::public_key_x_zero_sign_set:
      return "vrf public key: x is 0 but the sign bit is set";
    case vrf_errc::public_key_small_order:
      return "vrf public key: cofactor times the key is the identity (small-order key)";
    case vrf_errc::gamma_not_canonical:
      return "vrf proof: Gamma's y is not below p (non-canonical encoding)";
    case vrf_errc::gamma_not_on_curve:
      return "vrf proof: Gamma is not the encoding of a curve point";
    case vrf_errc::gamma_x_zero_sign_set:
      return "vrf proof: Gamma's x is 0 but the sign bit is set";
    case vrf_errc::s_not_below_group_order:
      return "vrf proof: s is not below the group order";
    case vrf_errc::proof_does_not_verify:
      return "vrf proof: the recomputed challenge differs (proof does not verify)";
    case vrf_errc::secret_key_inconsistent:
      return "vrf secret key: its public half is not the public key of its seed";
    case vrf_errc::encode_to_curve_exhausted:
      return "vrf: try-and-increment found no curve point for ctr 0 to 255";
  }
  return "unknown vrf error";
}

namespace ecvrf_detail {
namespace {

// q = 2^252 + 27742317777372353535851937790883648493, little-endian.
constexpr Scalar kGroupOrder{{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                              0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10}};
// 8^-1 mod q, little-endian (8 * this = 1 + 3q): maps 8*P back to the prime-order part of P.
constexpr Scalar kInverseOfEight{{0x79, 0x2f, 0xdc, 0xe2, 0x29, 0xe5, 0x06, 0x61, 0xd0, 0xda, 0x1c,
                                  0x7d, 0xb3, 0x9d, 0xd3, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06}};

// SHA-512 over parts, with no allocation. libsodium gets no pointer for an empty part.
class Sha512 {
 public:
  Sha512() { crypto_hash_sha512_init(&state_); }
  Sha512(const Sha512&) = delete;
  Sha512& operator=(const Sha512&) = delete;
  // The state may hold secret input (SK, the nonce prefix): wiped however we leave.
  ~Sha512() { sodium_memzero(&state_, sizeof state_); }
  Sha512& update(std::span<const std::uint8_t> bytes) {
    if (!bytes.empty()) crypto_hash_sha512_update(&state_, bytes.data(), bytes.size());
    return *this;
  }
  Sha512& update(std::uint8_t byte) { return update(std::span<const std::uint8_t>(&byte, 1)); }
  Bytes<64> finish() {
    Bytes<64> out;
    crypto_hash_sha512_final(&state_, out.data());
    return out;
  }

 private:
  crypto_hash_sha512_state state_;
};

// y (the encoding without its sign bit) < p = 2^255 - 19, i.e. y is not one of
// p .. 2^255 - 1, whose little-endian bytes are ed..ff, ff x 30, 7f.
bool y_is_below_p(const Point& s) {
  if ((s.v[31] & 0x7f) != 0x7f) return true;
  for (std::size_t i = 30; i >= 1; --i) {
    if (s.v[i] != 0xff) return true;
  }
  return s.v[0] < 0xed;
}

// sodium_compare reads both as little-endian integers, in constant time: this also runs
// (in assertions) on the secret scalars x and k.
bool is_below_group_order(const Scalar& s) {
  return sodium_compare(s.data(), kGroupOrder.data(), Scalar::size()) < 0;
}

// Points given to these always decode: they come from string_to_point() == ok or from
// libsodium's own (canonical) output, so add/sub cannot fail.
Point add_points(const Point& a, const Point& b) {
  Point r;
  [[maybe_unused]] const int rc = crypto_core_ed25519_add(r.data(), a.data(), b.data());
  MIDNIGHT_INVARIANT(rc == 0);
  return r;
}

Point sub_points(const Point& a, const Point& b) {
  Point r;
  [[maybe_unused]] const int rc = crypto_core_ed25519_sub(r.data(), a.data(), b.data());
  MIDNIGHT_INVARIANT(rc == 0);
  return r;
}

// n mod q for a 32-byte little-endian n.
Scalar reduce_scalar(const Scalar& n) {
  unsigned char wide[crypto_core_ed25519_NONREDUCEDSCALARBYTES] = {};
  std::copy(n.v.begin(), n.v.end(), wide);
  Scalar r;
  crypto_core_ed25519_scalar_reduce(r.data(), wide);
  sodium_memzero(wide, sizeof wide);  // n may be the secret scalar
  return r;
}

Scalar reduce_scalar(const Bytes<64>& n) {
  Scalar r;
  crypto_core_ed25519_scalar_reduce(r.data(), n.data());
  return r;
}

// n*B for n < q, constant time. libsodium returns -1 for a zero scalar and for an identity
// result; for n < q both mean n = 0, whose multiple is the identity, and RFC 9381 encodes the
// identity like any other point. The branch reveals only whether n = 0.
Point scalarmult_base_or_identity(const Scalar& n) {
  MIDNIGHT_INVARIANT(is_below_group_order(n));
  Point r;
  if (crypto_scalarmult_ed25519_base_noclamp(r.data(), n.data()) != 0) {
    MIDNIGHT_INVARIANT(sodium_is_zero(n.data(), n.size()) == 1);
    r = kIdentity;
  }
  return r;
}

// n*P for n < q and P a valid point of the prime-order subgroup other than the identity
// (what crypto_core_ed25519_is_valid_point accepts), constant time. -1 then means n = 0.
Point scalarmult_prime_order_or_identity(const Scalar& n, const Point& p) {
  MIDNIGHT_INVARIANT(is_below_group_order(n));
  MIDNIGHT_INVARIANT(crypto_core_ed25519_is_valid_point(p.data()) == 1);
  Point r;
  if (crypto_scalarmult_ed25519_noclamp(r.data(), n.data(), p.data()) != 0) {
    MIDNIGHT_INVARIANT(sodium_is_zero(n.data(), n.size()) == 1);
    r = kIdentity;
  }
  return r;
}

Scalar widen(const Challenge& c) {
  Scalar r{};
  std::copy(c.v.begin(), c.v.end(), r.v.begin());
  return r;
}

Bytes<64> hash_seed(const Seed& sk) { return Sha512().update(sk.span()).finish(); }

}  // namespace

point_decoding string_to_point(const Point& s) {
  // RFC 8032 §5.1.3 step 1. ge25519_frombytes would reduce y mod p instead.
  if (!y_is_below_p(s)) return point_decoding::y_not_below_p;
  // Steps 2-3: adding the identity decodes `s` with ge25519_frombytes, which fails exactly
  // when (y^2 - 1) / (d y^2 + 1) has no square root, and accepts every curve point,
  // whatever its order.
  Point reencoded;
  if (crypto_core_ed25519_add(reencoded.data(), s.data(), kIdentity.data()) != 0) {
    return point_decoding::not_on_curve;
  }
  // Step 4. libsodium reads x = 0 with the sign bit set as x = 0; its canonical output then
  // differs from the input. With y < p that is the only way the two can differ: otherwise
  // x is chosen with the sign the input asks for.
  if (reencoded != s) {
    MIDNIGHT_INVARIANT((reencoded.v[31] ^ s.v[31]) == 0x80 &&
           std::equal(reencoded.v.begin(), reencoded.v.begin() + 31, s.v.begin()));
    return point_decoding::x_zero_sign_set;
  }
  return point_decoding::ok;
}

bool is_identity(const Point& p) { return p == kIdentity; }

Point cofactor_times(const Point& p) {
  MIDNIGHT_INVARIANT(string_to_point(p) == point_decoding::ok);
  // add() accepts points outside the prime-order subgroup, which scalarmult would refuse,
  // and its formulas are complete: doubling works for every curve point.
  const Point p2 = add_points(p, p);
  const Point p4 = add_points(p2, p2);
  return add_points(p4, p4);
}

bool has_small_order(const Point& p) {
  MIDNIGHT_INVARIANT(string_to_point(p) == point_decoding::ok);
  // The canonical encodings of the eight points of the subgroup of order 8: the identity
  // (order 1), (0, -1) (order 2), the two points with y = 0 (order 4) and the four of
  // order 8 (y and its negation, each with both signs of x).
  static constexpr std::array<Point, 8> kSmallOrder{{
      {{0x01}},
      {{0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}},
      {{0x00}},
      {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80}},
      {{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
        0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}},
      {{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
        0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x85}},
      {{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
        0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a}},
      {{0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
        0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0xfa}},
  }};
  return std::find(kSmallOrder.begin(), kSmallOrder.end(), p) != kSmallOrder.end();
}

Point scalarmult_any_point(const Scalar& n, const Point& p) {
  MIDNIGHT_INVARIANT(string_to_point(p) == point_decoding::ok);
  const Scalar n_mod_q = reduce_scalar(n);
  // The common case: p is in the prime-order subgroup, so n*p = (n mod q)*p. libsodium's
  // multiplication checks that membership itself (it multiplies p by q), so it is tried
  // directly rather than after crypto_core_ed25519_is_valid_point, which would check it a
  // second time. It fails for p outside the subgroup and also for an identity result
  // (n mod q = 0); both take the general way below, which is right for every point.
  Point direct;
  if (crypto_scalarmult_ed25519_noclamp(direct.data(), n_mod_q.data(), p.data()) == 0) return direct;
  // Otherwise split p = m + t with m in the prime-order subgroup and 8t = 0:
  // 8p = 8m, so m = (8^-1 mod q) * 8p, and t = p - m. Then n*p = (n mod q)*m + (n mod 8)*t.
  const Point p8 = cofactor_times(p);
  const Point m = is_identity(p8) ? kIdentity : scalarmult_prime_order_or_identity(kInverseOfEight, p8);
  const Point t = sub_points(p, m);
  Point r = is_identity(m) ? kIdentity : scalarmult_prime_order_or_identity(n_mod_q, m);
  for (unsigned i = 0; i < (n.v[0] & 7u); ++i) r = add_points(r, t);
  return r;
}

Scalar secret_scalar(const Seed& sk) {
  Bytes<64> h = hash_seed(sk);
  Scalar x;
  std::copy(h.v.begin(), h.v.begin() + 32, x.v.begin());
  x.v[0] &= 248;
  x.v[31] &= 127;
  x.v[31] |= 64;
  sodium_memzero(h.data(), h.size());
  return x;
}

result<EncodedToCurve> encode_to_curve(const PublicKey& salt, std::span<const std::uint8_t> alpha) {
  for (unsigned ctr = 0; ctr <= 0xff; ++ctr) {
    const Bytes<64> hash = Sha512()
                               .update(kSuiteString)
                               .update(kEncodeToCurveFront)
                               .update(salt.span())
                               .update(alpha)
                               .update(static_cast<std::uint8_t>(ctr))
                               .update(kDomainSeparatorBack)
                               .finish();
    Point candidate;
    std::copy(hash.v.begin(), hash.v.begin() + 32, candidate.v.begin());
    if (string_to_point(candidate) != point_decoding::ok) continue;
    const Point h = cofactor_times(candidate);
    if (is_identity(h)) continue;  // the candidate had small order
    return EncodedToCurve{h, static_cast<std::uint8_t>(ctr)};
  }
  return vrf_errc::encode_to_curve_exhausted;
}

Bytes<64> nonce_string(const Seed& sk, const Point& h) {
  Bytes<64> hashed_sk = hash_seed(sk);
  const Bytes<64> k_string =
      Sha512().update(std::span<const std::uint8_t>(hashed_sk.v).subspan(32)).update(h.span()).finish();
  sodium_memzero(hashed_sk.data(), hashed_sk.size());
  return k_string;
}

Challenge challenge_generation(const Point& p1, const Point& p2, const Point& p3, const Point& p4,
                               const Point& p5) {
  const Bytes<64> hash = Sha512()
                             .update(kSuiteString)
                             .update(kChallengeFront)
                             .update(p1.span())
                             .update(p2.span())
                             .update(p3.span())
                             .update(p4.span())
                             .update(p5.span())
                             .update(kDomainSeparatorBack)
                             .finish();
  Challenge c;
  std::copy(hash.v.begin(), hash.v.begin() + Challenge::size(), c.v.begin());
  return c;
}

result<DecodedProof> decode_proof(const VrfProof& pi) {
  DecodedProof d;
  std::copy(pi.v.begin(), pi.v.begin() + 32, d.gamma.v.begin());
  std::copy(pi.v.begin() + 32, pi.v.begin() + 48, d.c.v.begin());
  std::copy(pi.v.begin() + 48, pi.v.end(), d.s.v.begin());
  switch (string_to_point(d.gamma)) {
    case point_decoding::ok:
      break;
    case point_decoding::y_not_below_p:
      return vrf_errc::gamma_not_canonical;
    case point_decoding::not_on_curve:
      return vrf_errc::gamma_not_on_curve;
    case point_decoding::x_zero_sign_set:
      return vrf_errc::gamma_x_zero_sign_set;
  }
  // Any c of 16 bytes is an integer below 2^128 < q: nothing to check.
  if (!is_below_group_order(d.s)) return vrf_errc::s_not_below_group_order;
  return d;
}

VrfOutput gamma_to_hash(const Point& gamma) {
  return Sha512()
      .update(kSuiteString)
      .update(kProofToHashFront)
      .update(cofactor_times(gamma).span())
      .update(kDomainSeparatorBack)
      .finish();
}

result<VrfProof> prove_with_transcript(const VrfSecretKey& vrf_sk, std::span<const std::uint8_t> alpha,
                                       ProverTranscript& out) {
  const SecretKey& sk = vrf_sk.bytes;
  Seed seed;
  std::copy(sk.v.begin(), sk.v.begin() + 32, seed.v.begin());
  PublicKey stored_pk;
  std::copy(sk.v.begin() + 32, sk.v.end(), stored_pk.v.begin());

  out.x = secret_scalar(seed);
  // x mod q gives the same multiples of B and of H (both of order q) and is what the
  // scalar arithmetic below expects. x is never a multiple of q: x = 2^254 + 8m < 8q.
  Scalar x_mod_q = reduce_scalar(out.x);
  out.y = scalarmult_base_or_identity(x_mod_q);
  // Proving under a public key that is not x*B would publish a proof nobody can verify
  // and ties the nonce to a key the holder does not own: refuse a damaged secret key.
  if (out.y != stored_pk) {
    sodium_memzero(seed.data(), seed.size());
    sodium_memzero(x_mod_q.data(), x_mod_q.size());
    return vrf_errc::secret_key_inconsistent;
  }

  auto h = encode_to_curve(stored_pk, alpha);
  if (!h) {
    sodium_memzero(seed.data(), seed.size());
    sodium_memzero(x_mod_q.data(), x_mod_q.size());
    return h.error();
  }
  out.h = h.value();
  out.gamma = scalarmult_prime_order_or_identity(x_mod_q, out.h.h);
  MIDNIGHT_INVARIANT(!is_identity(out.gamma));

  out.k_string = nonce_string(seed, out.h.h);
  out.k = reduce_scalar(out.k_string);
  out.u = scalarmult_base_or_identity(out.k);
  out.v = scalarmult_prime_order_or_identity(out.k, out.h.h);
  out.c = challenge_generation(out.y, out.h.h, out.gamma, out.u, out.v);

  // s = (k + c*x) mod q with libsodium's constant-time scalar arithmetic.
  Scalar c_times_x;
  crypto_core_ed25519_scalar_mul(c_times_x.data(), widen(out.c).data(), x_mod_q.data());
  crypto_core_ed25519_scalar_add(out.s.data(), out.k.data(), c_times_x.data());
  sodium_memzero(c_times_x.data(), c_times_x.size());
  sodium_memzero(x_mod_q.data(), x_mod_q.size());
  sodium_memzero(seed.data(), seed.size());

  VrfProof pi;
  auto it = std::copy(out.gamma.v.begin(), out.gamma.v.end(), pi.v.begin());
  it = std::copy(out.c.v.begin(), out.c.v.end(), it);
  std::copy(out.s.v.begin(), out.s.v.end(), it);
  return pi;
}

result<VrfOutput> verify_with_transcript(const PublicKey& pk, const VrfProof& pi,
                                         std::span<const std::uint8_t> alpha, VerifierTranscript& out) {
  MIDNIGHT_TRY(ecvrf_validate_key(pk));
  MIDNIGHT_TRY(proof, decode_proof(pi));
  MIDNIGHT_TRY(h, encode_to_curve(pk, alpha));
  out.h = h.h;
  // Public data only from here on: variable-time composition is fine. Y (the key) and
  // Gamma may carry a torsion component; B and H are of order q.
  const Scalar c = widen(proof.c);
  out.u = sub_points(scalarmult_base_or_identity(proof.s), scalarmult_any_point(c, pk));
  out.v = sub_points(scalarmult_prime_order_or_identity(proof.s, out.h), scalarmult_any_point(c, proof.gamma));
  // pk and Gamma decoded strictly, so their bytes are point_to_string of the points.
  out.c_prime = challenge_generation(pk, out.h, proof.gamma, out.u, out.v);
  if (out.c_prime != proof.c) return vrf_errc::proof_does_not_verify;
  return gamma_to_hash(proof.gamma);
}

}  // namespace ecvrf_detail

result<void> ecvrf_validate_key(const PublicKey& pk) {
  using ecvrf_detail::point_decoding;
  switch (ecvrf_detail::string_to_point(pk)) {
    case point_decoding::ok:
      break;
    case point_decoding::y_not_below_p:
      return vrf_errc::public_key_not_canonical;
    case point_decoding::not_on_curve:
      return vrf_errc::public_key_not_on_curve;
    case point_decoding::x_zero_sign_set:
      return vrf_errc::public_key_x_zero_sign_set;
  }
  if (ecvrf_detail::has_small_order(pk)) return vrf_errc::public_key_small_order;
  return outcome::success();
}

VrfKeypair vrf_keypair_from_seed(const Seed& seed) {
  VrfKeypair kp;
  crypto_sign_seed_keypair(kp.public_key.data(), kp.secret_key.bytes.data(), seed.data());
  return kp;
}

result<VrfProof> ecvrf_prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) {
  ecvrf_detail::ProverTranscript transcript;
  auto pi = ecvrf_detail::prove_with_transcript(sk, alpha, transcript);
  sodium_memzero(&transcript, sizeof transcript);  // holds x and k
  return pi;
}

result<VrfOutput> ecvrf_verify(const PublicKey& pk, const VrfProof& pi, std::span<const std::uint8_t> alpha) {
  ecvrf_detail::VerifierTranscript transcript;
  return ecvrf_detail::verify_with_transcript(pk, pi, alpha, transcript);
}

result<VrfOutput> ecvrf_proof_to_hash(const VrfProof& pi) {
  MIDNIGHT_TRY(proof, ecvrf_detail::decode_proof(pi));
  return ecvrf_detail::gamma_to_hash(proof.gamma);
}

}  // namespace midnight
