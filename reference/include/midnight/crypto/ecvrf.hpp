// ECVRF-EDWARDS25519-SHA512-TAI, RFC 9381 (suite_string 0x03), on libsodium's public API.
// Normative text: spec/vrf.md. Proofs are 80 bytes (Gamma 32 || c 16 || s 32), outputs
// (beta) 64 bytes. Verification is RFC-exact, including for points with a small-order
// (torsion) component, which libsodium's scalar multiplication refuses: see spec/vrf.md §5.
//
//   const VrfKeypair kp = vrf_keypair_from_seed(seed);
//   auto pi = ecvrf_prove(kp.secret_key, alpha);             // deterministic
//   auto beta = ecvrf_verify(kp.public_key, pi.value(), alpha);
//   beta.value() == ecvrf_proof_to_hash(pi.value()).value();
//
// crypto_init() must have succeeded before any call.
#pragma once
#include <cstdint>
#include <span>

#include "midnight/core/bytes.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/result.hpp"

namespace midnight {

using VrfProof = Bytes<80>;   // pi_string = point_to_string(Gamma) || int_to_string(c, 16) || int_to_string(s, 32)
using VrfOutput = Bytes<64>;  // beta_string, SHA-512 output

enum class vrf_errc {
  public_key_not_canonical = 1,  // the y of the public key is not below p
  public_key_not_on_curve,       // no x satisfies the curve equation for that y
  public_key_x_zero_sign_set,    // x = 0 but the sign bit is 1 (RFC 8032 §5.1.3 step 4)
  public_key_small_order,        // cofactor * Y is the identity (RFC 9381 §5.4.5)
  gamma_not_canonical,           // the same three decoding failures, for Gamma in the proof
  gamma_not_on_curve,
  gamma_x_zero_sign_set,
  s_not_below_group_order,       // s >= q (RFC 9381 §5.4.4 step 8)
  proof_does_not_verify,         // the recomputed challenge c' differs from c
  secret_key_inconsistent,       // the public half of the secret key is not x*B of its seed
  encode_to_curve_exhausted,     // try-and-increment found no point for ctr = 0..255
};

template <>
struct ErrorTable<vrf_errc> {
  static constexpr const char* name = "midnight.vrf";
  static const char* message(vrf_errc e);
};

// A VRF secret key in libsodium's 64-byte Ed25519 layout, seed || PK_string; the seed is
// the RFC's SK and the derivation is Ed25519's (spec/vrf.md §1). It is a type of its own,
// not a SecretKey, so that it cannot be handed to sign_detached: a VRF key proves and
// never signs, which is what makes ECVRF's nonce (the Ed25519 nonce of the same key for a
// 32-byte message) safe (spec/vrf.md §6). A member's VRF key is not its signing key.
struct VrfSecretKey {
  SecretKey bytes;
  friend bool operator==(const VrfSecretKey&, const VrfSecretKey&) = default;
};
struct VrfKeypair {
  PublicKey public_key;  // PK_string: what the membership lists as the member's vrf_key
  VrfSecretKey secret_key;
  friend bool operator==(const VrfKeypair&, const VrfKeypair&) = default;
};
// Deterministic: the same seed gives the same key pair (RFC 8032 §5.1.5 derivation).
VrfKeypair vrf_keypair_from_seed(const Seed& seed);

// RFC 9381 §5.1. Deterministic. Fails only with secret_key_inconsistent (the public half
// of `sk` is not x*B of its seed), or with encode_to_curve_exhausted (probability about
// 2^-256 per alpha).
result<VrfProof> ecvrf_prove(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha);

// RFC 9381 §5.3 with validate_key = TRUE: beta on success, otherwise the first failed check
// in this order: public key decoding and validation, proof decoding, the challenge.
result<VrfOutput> ecvrf_verify(const PublicKey& pk, const VrfProof& pi, std::span<const std::uint8_t> alpha);

// RFC 9381 §5.2: beta of a proof that decodes. It does NOT verify the proof.
result<VrfOutput> ecvrf_proof_to_hash(const VrfProof& pi);

// RFC 9381 §5.4.5: the key decodes (RFC 8032 §5.1.3) and cofactor * Y is not the identity.
// A key with a torsion component (main-subgroup point + small-order point) is valid.
result<void> ecvrf_validate_key(const PublicKey& pk);

// The steps of RFC 9381 §5, exposed so that tests can check every intermediate value of
// RFC 9381 Appendix B.3. Not an interface for callers outside this module and its tests.
namespace ecvrf_detail {

using Point = Bytes<32>;      // point_to_string: RFC 8032 §5.1.2; canonical wherever produced here
using Scalar = Bytes<32>;     // int_to_string(n, 32): little-endian
using Challenge = Bytes<16>;  // int_to_string(c, cLen = 16)

inline constexpr std::uint8_t kSuiteString = 0x03;
inline constexpr std::uint8_t kEncodeToCurveFront = 0x01;
inline constexpr std::uint8_t kChallengeFront = 0x02;
inline constexpr std::uint8_t kProofToHashFront = 0x03;
inline constexpr std::uint8_t kDomainSeparatorBack = 0x00;

// The outcome of string_to_point (RFC 8032 §5.1.3 decoding), in the order it is checked.
enum class point_decoding : std::uint8_t {
  ok = 0,
  y_not_below_p,    // step 1: y >= p
  not_on_curve,     // steps 2-3: x^2 = (y^2 - 1) / (d y^2 + 1) has no root
  x_zero_sign_set,  // step 4: x = 0 and x_0 = 1
};
point_decoding string_to_point(const Point& s);

inline constexpr Point kIdentity{{1}};  // (0, 1): y = 1, sign 0
bool is_identity(const Point& p);
// cofactor * P = 8 * P by three doublings. P must decode (string_to_point(p) == ok).
Point cofactor_times(const Point& p);
// True iff 8 * P is the identity, for a P that decodes: P is one of the eight points of
// order 1, 2, 4 or 8 (the subgroup of order 8), which a strict decoding leaves with one
// encoding each, so a comparison with those eight encodings decides it.
// ecvrf_validate_key uses it: it saves the four point additions of cofactor_times (a
// membership of 65,535 VRF keys validates in 0.8 s instead of 3.2 s), and tests check
// that the two agree.
bool has_small_order(const Point& p);
// n * P for any 32-byte little-endian n and any point P that decodes, including points
// outside the prime-order subgroup. Variable time: for public data only.
Point scalarmult_any_point(const Scalar& n, const Point& p);

// x: RFC 8032 §5.1.5 pruned lower half of SHA-512(SK), as the RFC prints it (not reduced).
Scalar secret_scalar(const Seed& sk);

struct EncodedToCurve {
  Point h;            // H, in the prime-order subgroup, never the identity
  std::uint8_t ctr;   // the ctr at which try-and-increment succeeded
};
// RFC 9381 §5.4.1.1 with encode_to_curve_salt = PK_string.
result<EncodedToCurve> encode_to_curve(const PublicKey& salt, std::span<const std::uint8_t> alpha);

// RFC 9381 §5.4.2.2: k_string = SHA-512(SHA-512(SK)[32..63] || h_string); k = k_string mod q.
Bytes<64> nonce_string(const Seed& sk, const Point& h);

// RFC 9381 §5.4.3 over the five points, truncated to cLen = 16 bytes.
Challenge challenge_generation(const Point& p1, const Point& p2, const Point& p3, const Point& p4,
                               const Point& p5);

struct DecodedProof {
  Point gamma;
  Challenge c;
  Scalar s;
};
// RFC 9381 §5.4.4: Gamma must decode (gamma_* errors), s must be below q.
result<DecodedProof> decode_proof(const VrfProof& pi);

// RFC 9381 §5.2 steps 3-5: SHA-512(0x03 || 0x03 || point_to_string(8 * Gamma) || 0x00).
VrfOutput gamma_to_hash(const Point& gamma);

// Everything the prover computes, secrets included (x, k): for tests only. ecvrf_prove
// runs this and wipes it.
struct ProverTranscript {
  Scalar x;             // as the RFC prints it (not reduced)
  Point y;              // x*B
  EncodedToCurve h;
  Bytes<64> k_string;
  Scalar k;             // k_string mod q
  Point gamma;          // x*H
  Point u;              // k*B
  Point v;              // k*H
  Challenge c;
  Scalar s;             // (k + c*x) mod q
};
result<VrfProof> prove_with_transcript(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha,
                                       ProverTranscript& out);

// What the verifier recomputes (RFC 9381 §5.3 steps 7-10); filled when decoding succeeded.
struct VerifierTranscript {
  Point h;
  Point u;         // s*B - c*Y
  Point v;         // s*H - c*Gamma
  Challenge c_prime;
};
result<VrfOutput> verify_with_transcript(const PublicKey& pk, const VrfProof& pi,
                                         std::span<const std::uint8_t> alpha, VerifierTranscript& out);

}  // namespace ecvrf_detail
}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(vrf_errc)
