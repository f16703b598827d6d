// ECVRF-EDWARDS25519-SHA512-TAI (RFC 9381, spec/vrf.md), the VRF of policy B: prove,
// verify, proof_to_hash, encode_to_curve and the rejection of a proof with one bit
// flipped, each with no allocation (Budget::zero) and against raw libsodium work in the
// same run.
//
// `ratio` divides by a raw computation of the same result with the fewest libsodium
// calls the algorithm needs for these inputs: one-shot crypto_hash_sha512 for every
// hash, the scalar multiplications, and crypto_core_ed25519_add/sub where libsodium's
// public API has no other way (try-and-increment decoding, cofactor clearing, U and V).
// At set-up every raw computation is checked to give the same bytes as the reference
// (the same proof, H, beta, U and V), so both sides do the same job. The raw side takes
// shortcuts valid only for points in the prime-order subgroup (every honest key and
// proof): see bench/README.md, "ECVRF (policy B)". The one input outside it,
// BM_VrfVerifyTorsionGamma's, is compared with the raw verification of the honest proof.
// `ratio_one_scalarmult` divides by ONE raw crypto_scalarmult_ed25519_noclamp; prove and
// verify also report `ratio_ed25519_sign` / `ratio_ed25519_verify` against the raw
// Ed25519 signature of a 97-byte proposal signing input, also measured on its own
// (BM_RawEd25519Sign, BM_RawEd25519Verify). The BM_Raw* parts price each libsodium call
// the reference makes, for the cost model in the README.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "bench_support.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight::bench {
namespace {

using ecvrf_detail::Challenge;
using ecvrf_detail::Point;
using ecvrf_detail::Scalar;

// The protocol's VRF input of a round (vrf_input, wire/signing.hpp): a 16-byte tag,
// chain_id, height, round, prev_id, 92 bytes. Its encode_to_curve hash input is then
// 2 + 32 + 92 + 2 = 128 bytes, two SHA-512 blocks.
constexpr std::size_t kAlphaSize = kVrfInputSize;
using Alpha = VrfInput;

Alpha make_alpha(std::uint64_t height, std::uint32_t round) {
  return vrf_input(test::chain(), height, round, test::block_id(0x42));
}

// ---- the raw side: one-shot libsodium calls only ------------------------------------

constexpr Scalar kGroupOrder{{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                              0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                              0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10}};
constexpr Point kIdentity{{1}};

// RFC 8032 §5.1.3 steps 1 and 4 on the bytes: y < p, and not one of the two "-0"
// encodings (01 00 .. 00 80 and ec ff .. ff ff). Step 2 (on the curve) is left to the
// libsodium call that first decodes the point.
bool strict_bytes(const Point& s) {
  bool y_below_p = (s.v[31] & 0x7f) != 0x7f || s.v[0] < 0xed;
  for (std::size_t i = 1; i <= 30 && !y_below_p; ++i) y_below_p = s.v[i] != 0xff;
  if (!y_below_p) return false;
  Point minus_zero_a = kIdentity;
  minus_zero_a.v[31] = 0x80;
  Point minus_zero_b;
  minus_zero_b.v.fill(0xff);
  minus_zero_b.v[0] = 0xec;
  return s != minus_zero_a && s != minus_zero_b;
}

bool add(Point& r, const Point& a, const Point& b) { return crypto_core_ed25519_add(r.data(), a.data(), b.data()) == 0; }

// 8P by three doublings; false if P is not on the curve.
bool times_eight(Point& r, const Point& p) {
  Point p2;
  Point p4;
  return add(p2, p, p) && add(p4, p2, p2) && add(r, p4, p4);
}

using EncodeInput = std::array<std::uint8_t, 2 + 32 + kAlphaSize + 2>;

struct RawEncoded {
  Point h;
  unsigned tries = 0;  // ctr + 1
  bool ok = false;
};

// Try-and-increment with the fewest libsodium calls: per candidate one SHA-512 and one
// doubling (which fails exactly when the candidate is not on the curve), then two more
// doublings. The reference decodes each candidate on its own first (one more add).
RawEncoded raw_encode_to_curve(const PublicKey& pk, const Alpha& alpha) {
  EncodeInput in{};
  in[0] = 0x03;
  in[1] = 0x01;
  std::copy(pk.v.begin(), pk.v.end(), in.begin() + 2);
  std::copy(alpha.begin(), alpha.end(), in.begin() + 34);
  RawEncoded out;
  for (unsigned ctr = 0; ctr <= 0xff; ++ctr) {
    in[in.size() - 2] = static_cast<std::uint8_t>(ctr);
    in[in.size() - 1] = 0x00;
    std::uint8_t hash[crypto_hash_sha512_BYTES];
    crypto_hash_sha512(hash, in.data(), in.size());
    Point candidate;
    std::copy(hash, hash + 32, candidate.v.begin());
    out.tries = ctr + 1;
    if (!strict_bytes(candidate)) continue;
    if (!times_eight(out.h, candidate) || out.h == kIdentity) continue;
    out.ok = true;
    return out;
  }
  return out;
}

Challenge raw_challenge(const Point& y, const Point& h, const Point& gamma, const Point& u, const Point& v) {
  std::array<std::uint8_t, 2 + 5 * 32 + 1> in{};
  in[0] = 0x03;
  in[1] = 0x02;
  auto it = in.begin() + 2;
  for (const Point* p : {&y, &h, &gamma, &u, &v}) it = std::copy(p->v.begin(), p->v.end(), it);
  *it = 0x00;
  std::uint8_t hash[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(hash, in.data(), in.size());
  Challenge c;
  std::copy(hash, hash + Challenge::size(), c.v.begin());
  return c;
}

// beta from Gamma (RFC 9381 §5.2): 8 Gamma by three doublings, one SHA-512.
bool raw_gamma_to_hash(const Point& gamma, VrfOutput& beta) {
  std::array<std::uint8_t, 2 + 32 + 1> in{};
  in[0] = 0x03;
  in[1] = 0x03;
  Point g8;
  if (!times_eight(g8, gamma)) return false;
  std::copy(g8.v.begin(), g8.v.end(), in.begin() + 2);
  crypto_hash_sha512(beta.data(), in.data(), in.size());
  return true;
}

Scalar widen(const Challenge& c) {
  Scalar r{};
  std::copy(c.v.begin(), c.v.end(), r.v.begin());
  return r;
}

// RFC 9381 §5.1 with one SHA-512 of the seed (x and the nonce prefix both come from it),
// Y taken from the key pair rather than recomputed, and no wiping of secrets.
bool raw_prove(const SecretKey& sk, const Alpha& alpha, VrfProof& pi) {
  PublicKey pk;
  std::copy(sk.v.begin() + 32, sk.v.end(), pk.v.begin());
  std::uint8_t hashed_sk[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(hashed_sk, sk.data(), 32);
  std::uint8_t wide[crypto_core_ed25519_NONREDUCEDSCALARBYTES] = {};
  std::copy(hashed_sk, hashed_sk + 32, wide);
  wide[0] &= 248;
  wide[31] &= 127;
  wide[31] |= 64;
  Scalar x;
  crypto_core_ed25519_scalar_reduce(x.data(), wide);
  const RawEncoded h = raw_encode_to_curve(pk, alpha);
  if (!h.ok) return false;
  Point gamma;
  if (crypto_scalarmult_ed25519_noclamp(gamma.data(), x.data(), h.h.data()) != 0) return false;
  std::array<std::uint8_t, 64> nonce_in{};
  std::copy(hashed_sk + 32, hashed_sk + 64, nonce_in.begin());
  std::copy(h.h.v.begin(), h.h.v.end(), nonce_in.begin() + 32);
  std::uint8_t k_string[crypto_hash_sha512_BYTES];
  crypto_hash_sha512(k_string, nonce_in.data(), nonce_in.size());
  Scalar k;
  crypto_core_ed25519_scalar_reduce(k.data(), k_string);
  Point u;
  Point v;
  if (crypto_scalarmult_ed25519_base_noclamp(u.data(), k.data()) != 0) return false;
  if (crypto_scalarmult_ed25519_noclamp(v.data(), k.data(), h.h.data()) != 0) return false;
  const Challenge c = raw_challenge(pk, h.h, gamma, u, v);
  Scalar cx;
  Scalar s;
  crypto_core_ed25519_scalar_mul(cx.data(), widen(c).data(), x.data());
  crypto_core_ed25519_scalar_add(s.data(), k.data(), cx.data());
  auto it = std::copy(gamma.v.begin(), gamma.v.end(), pi.v.begin());
  it = std::copy(c.v.begin(), c.v.end(), it);
  std::copy(s.v.begin(), s.v.end(), it);
  return true;
}

struct RawVerification {
  Point h;
  Point u;
  Point v;
  VrfOutput beta;
};

// RFC 9381 §5.3 for a key and a Gamma in the prime-order subgroup. Strict decoding is the
// byte checks plus the decoding inside the scalar multiplications, which also refuse any
// point outside the prime-order subgroup: a key they accept is valid (§5.4.5) with no
// cofactor clearing. A key or Gamma with a torsion component (spec/vrf.md §5) would need
// the reference's extra work; such inputs are not measured. Cheap rejections come first.
bool raw_verify(const PublicKey& pk, const VrfProof& pi, const Alpha& alpha, RawVerification& out) {
  Point gamma;
  Challenge c;
  Scalar s;
  std::copy(pi.v.begin(), pi.v.begin() + 32, gamma.v.begin());
  std::copy(pi.v.begin() + 32, pi.v.begin() + 48, c.v.begin());
  std::copy(pi.v.begin() + 48, pi.v.end(), s.v.begin());
  if (!strict_bytes(pk) || !strict_bytes(gamma)) return false;
  if (sodium_compare(s.data(), kGroupOrder.data(), Scalar::size()) >= 0) return false;
  const Scalar cw = widen(c);
  Point c_gamma;
  Point c_y;
  if (crypto_scalarmult_ed25519_noclamp(c_gamma.data(), cw.data(), gamma.data()) != 0) return false;
  if (crypto_scalarmult_ed25519_noclamp(c_y.data(), cw.data(), pk.data()) != 0) return false;
  const RawEncoded h = raw_encode_to_curve(pk, alpha);
  if (!h.ok) return false;
  out.h = h.h;
  Point s_b;
  Point s_h;
  if (crypto_scalarmult_ed25519_base_noclamp(s_b.data(), s.data()) != 0) return false;
  if (crypto_scalarmult_ed25519_noclamp(s_h.data(), s.data(), h.h.data()) != 0) return false;
  if (crypto_core_ed25519_sub(out.u.data(), s_b.data(), c_y.data()) != 0) return false;
  if (crypto_core_ed25519_sub(out.v.data(), s_h.data(), c_gamma.data()) != 0) return false;
  if (raw_challenge(pk, h.h, gamma, out.u, out.v) != c) return false;
  return raw_gamma_to_hash(gamma, out.beta);
}

// ---- the fixture ----------------------------------------------------------------------

enum class Flip { gamma_sign, gamma_off_curve, c_low_bit, s_low_bit };

struct Flipped {
  VrfProof pi;
  std::error_code expected;
  unsigned bit = 0;
};

constexpr std::size_t kEncodeAlphas = 1024;

struct Fixture {
  std::string error;  // empty when every set-up check passed
  VrfKeypair key;  // proves (a member's VRF key)
  Keypair signer;  // signs: the Ed25519 comparisons (a member's signing key, another key)
  Alpha alpha{};
  VrfProof proof;
  VrfOutput beta;
  unsigned ctr = 0;  // try-and-increment's ctr for `alpha`
  Scalar x_mod_q;
  Point h;
  EncodeInput encode_input{};  // the try-and-increment hash input at the successful ctr
  std::array<std::uint8_t, crypto_hash_sha512_BYTES> encode_hash{};  // its SHA-512
  ProposalSigningInput message{};  // for the Ed25519 comparison
  Signature signature;
  std::array<Flipped, 4> flipped;
  VrfProof torsion_proof;  // valid, Gamma + an order-8 point, c mod 8 = 7: the same beta
  // BM_VrfEncodeToCurve: heights 1 .. kEncodeAlphas, round 0.
  std::vector<Alpha> alphas;
  std::vector<ecvrf_detail::EncodedToCurve> encoded;
};

void check(Fixture& f, bool ok, const char* what) {
  if (!ok && f.error.empty()) f.error = std::string("set-up: ") + what;
}

Fixture make_fixture() {
  Fixture f;
  f.signer = test::keypair(1);
  f.key = test::vrf_keypair_of(f.signer);
  f.alpha = make_alpha(1000, 0);

  ecvrf_detail::ProverTranscript t;
  const auto pi = ecvrf_detail::prove_with_transcript(f.key.secret_key, f.alpha, t);
  check(f, pi.has_value(), "ecvrf_prove failed");
  if (!pi) return f;
  f.proof = pi.value();
  f.ctr = t.h.ctr;
  f.h = t.h.h;
  std::uint8_t wide[crypto_core_ed25519_NONREDUCEDSCALARBYTES] = {};
  std::copy(t.x.v.begin(), t.x.v.end(), wide);
  crypto_core_ed25519_scalar_reduce(f.x_mod_q.data(), wide);

  const auto beta = ecvrf_verify(f.key.public_key, f.proof, f.alpha);
  check(f, beta.has_value(), "the proof does not verify");
  if (!beta) return f;
  f.beta = beta.value();
  const auto beta2 = ecvrf_proof_to_hash(f.proof);
  check(f, beta2.has_value() && beta2.value() == f.beta, "proof_to_hash differs from verify's beta");

  // The raw side computes the same bytes.
  VrfProof raw_pi;
  check(f, raw_prove(f.key.secret_key.bytes, f.alpha, raw_pi) && raw_pi == f.proof, "the raw prover gives another proof");
  RawVerification rv;
  ecvrf_detail::VerifierTranscript vt;
  check(f, ecvrf_detail::verify_with_transcript(f.key.public_key, f.proof, f.alpha, vt).has_value(),
        "verify_with_transcript fails");
  check(f, raw_verify(f.key.public_key, f.proof, f.alpha, rv) && rv.beta == f.beta && rv.h == vt.h && rv.u == vt.u &&
               rv.v == vt.v,
        "the raw verifier gives another H, U, V or beta");
  check(f, rv.u == t.u && rv.v == t.v, "the verifier's U, V differ from the prover's");

  // The successful try-and-increment hash: its first half is the candidate P, H = 8P.
  f.encode_input[0] = 0x03;
  f.encode_input[1] = 0x01;
  std::copy(f.key.public_key.v.begin(), f.key.public_key.v.end(), f.encode_input.begin() + 2);
  std::copy(f.alpha.begin(), f.alpha.end(), f.encode_input.begin() + 34);
  f.encode_input[f.encode_input.size() - 2] = static_cast<std::uint8_t>(f.ctr);
  crypto_hash_sha512(f.encode_hash.data(), f.encode_input.data(), f.encode_input.size());
  Point candidate;
  Point candidate8;
  std::copy(f.encode_hash.begin(), f.encode_hash.begin() + 32, candidate.v.begin());
  check(f, times_eight(candidate8, candidate) && candidate8 == f.h, "the successful candidate times 8 is not H");

  // Flipped bits: the sign of Gamma (-Gamma decodes), the lowest bit of Gamma's y whose
  // flip leaves the curve, the lowest bit of c, the lowest bit of s.
  const auto flip = [&](unsigned bit) {
    VrfProof p = f.proof;
    p.v[bit / 8] = static_cast<std::uint8_t>(p.v[bit / 8] ^ (1u << (bit % 8)));
    return p;
  };
  const std::error_code does_not_verify = vrf_errc::proof_does_not_verify;
  f.flipped[static_cast<std::size_t>(Flip::gamma_sign)] = {flip(255), does_not_verify, 255};
  f.flipped[static_cast<std::size_t>(Flip::c_low_bit)] = {flip(256), does_not_verify, 256};
  f.flipped[static_cast<std::size_t>(Flip::s_low_bit)] = {flip(384), does_not_verify, 384};
  bool found = false;
  for (unsigned bit = 0; bit < 255 && !found; ++bit) {
    const VrfProof p = flip(bit);
    const auto r = ecvrf_verify(f.key.public_key, p, f.alpha);
    if (!r && r.error() == vrf_errc::gamma_not_on_curve) {
      f.flipped[static_cast<std::size_t>(Flip::gamma_off_curve)] = {p, vrf_errc::gamma_not_on_curve, bit};
      found = true;
    }
  }
  check(f, found, "no bit of Gamma's y takes it off the curve");
  for (const Flipped& fl : f.flipped) {
    const auto r = ecvrf_verify(f.key.public_key, fl.pi, f.alpha);
    check(f, !r && r.error() == fl.expected, "a flipped proof is not rejected with the expected error");
    RawVerification ignored;
    check(f, !raw_verify(f.key.public_key, fl.pi, f.alpha, ignored), "the raw verifier accepts a flipped proof");
  }

  // A valid proof whose Gamma carries a component of order 8 (spec/vrf.md §5.3: RFC 9381
  // accepts it, with the honest beta). Gamma' = Gamma + T; the verifier computes
  // V' = s*H - c*Gamma' = k*H - (c mod 8)*T, so the prover tries nonces until the challenge
  // over V' = k*H - 7T has c mod 8 = 7, the most additions the verifier's split can take.
  constexpr Point kOrderEight{{0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
                               0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
                               0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05}};
  constexpr unsigned kTorsionMultiple = 7;
  Point gamma_t;
  Point seven_t = kIdentity;
  bool torsion_ok = add(gamma_t, t.gamma, kOrderEight);
  for (unsigned i = 0; i < kTorsionMultiple; ++i) torsion_ok = add(seven_t, seven_t, kOrderEight) && torsion_ok;
  bool torsion_found = false;
  for (std::uint64_t attempt = 0; attempt < 1024 && torsion_ok && !torsion_found; ++attempt) {
    std::uint8_t counter[8];
    store_u64(counter, attempt);
    std::uint8_t k_string[crypto_hash_sha512_BYTES];
    crypto_hash_sha512(k_string, counter, sizeof counter);
    Scalar k;
    crypto_core_ed25519_scalar_reduce(k.data(), k_string);
    Point u;
    Point v;
    Point v_t;
    if (crypto_scalarmult_ed25519_base_noclamp(u.data(), k.data()) != 0 ||
        crypto_scalarmult_ed25519_noclamp(v.data(), k.data(), f.h.data()) != 0 ||
        crypto_core_ed25519_sub(v_t.data(), v.data(), seven_t.data()) != 0)
      continue;
    const Challenge c = raw_challenge(f.key.public_key, f.h, gamma_t, u, v_t);
    if ((c.v[0] & 7u) != kTorsionMultiple) continue;
    Scalar cx;
    Scalar s;
    crypto_core_ed25519_scalar_mul(cx.data(), widen(c).data(), f.x_mod_q.data());
    crypto_core_ed25519_scalar_add(s.data(), k.data(), cx.data());
    auto it = std::copy(gamma_t.v.begin(), gamma_t.v.end(), f.torsion_proof.v.begin());
    it = std::copy(c.v.begin(), c.v.end(), it);
    std::copy(s.v.begin(), s.v.end(), it);
    torsion_found = true;
  }
  check(f, torsion_found && crypto_core_ed25519_is_valid_point(gamma_t.data()) == 0,
        "no proof with an order-8 component in Gamma");
  const auto torsion_beta = ecvrf_verify(f.key.public_key, f.torsion_proof, f.alpha);
  check(f, torsion_beta.has_value() && torsion_beta.value() == f.beta,
        "the proof with a torsion component in Gamma is not accepted with the honest beta");
  RawVerification refused;
  check(f, !raw_verify(f.key.public_key, f.torsion_proof, f.alpha, refused),
        "the raw verifier (prime-order points only) accepts a Gamma with a torsion component");

  // Ed25519 over a proposal's 97-byte signing input, with the member's signing key.
  const Proposal prop =
      test::make_proposal(f.signer, test::chain(), 1000, 0, test::block_id(0x42), test::block_id(0x43), 6000);
  f.message = proposal_signing_input(prop.header);
  crypto_sign_detached(f.signature.data(), nullptr, f.message.data(), f.message.size(), f.signer.secret_key.data());
  check(f, crypto_sign_verify_detached(f.signature.data(), f.message.data(), f.message.size(),
                                       f.signer.public_key.data()) == 0,
        "the Ed25519 signature does not verify");

  f.alphas.reserve(kEncodeAlphas);
  f.encoded.reserve(kEncodeAlphas);
  for (std::size_t i = 0; i < kEncodeAlphas; ++i) {
    f.alphas.push_back(make_alpha(1 + i, 0));
    const auto e = ecvrf_detail::encode_to_curve(f.key.public_key, f.alphas.back());
    check(f, e.has_value(), "encode_to_curve failed");
    if (!e) return f;
    f.encoded.push_back(e.value());
    const RawEncoded r = raw_encode_to_curve(f.key.public_key, f.alphas.back());
    check(f, r.ok && r.h == e.value().h && r.tries == e.value().ctr + 1u, "the raw try-and-increment differs");
  }
  return f;
}

const Fixture& fixture() {
  static const Fixture f = make_fixture();
  return f;
}

// The fixture's checks: false (and the benchmark failed) if one did not pass.
bool fixture_ok(benchmark::State& state, const Fixture& f) {
  if (f.error.empty()) return true;
  state.SkipWithError(f.error.c_str());
  return false;
}

// ns per call of one raw crypto_scalarmult_ed25519_noclamp (x*H). As many calls as the
// benchmark's iterations, or fewer for a benchmark much cheaper than one scalar
// multiplication: about as long as the benchmark's own loop ran (`ours_ns` per iteration),
// at least 8 calls.
double one_scalarmult_ns(benchmark::State& state, const Fixture& f, double ours_ns) {
  bool ok = true;
  const auto once = [&] {
    Point r;
    ok = crypto_scalarmult_ed25519_noclamp(r.data(), f.x_mod_q.data(), f.h.data()) == 0 && ok;
    benchmark::DoNotOptimize(r);
  };
  const double estimate = ns_per_call(4, once);
  const auto iterations = static_cast<std::uint64_t>(state.iterations());
  const double budget_ns = ours_ns * static_cast<double>(iterations);
  const std::uint64_t most = std::max<std::uint64_t>(iterations, 8);
  const auto calls = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(budget_ns / estimate), 8, most);
  const double ns = ns_per_call(calls, once);
  if (!ok) state.SkipWithError("the raw scalar multiplication failed");
  return ns;
}

// ratio_one_scalarmult = ours_ns (already reported) / one raw scalar multiplication.
void report_ratio_one_scalarmult(benchmark::State& state, const Fixture& f) {
  const double ours = state.counters.at("ours_ns").value;
  const double raw = one_scalarmult_ns(state, f, ours);
  state.counters["ratio_one_scalarmult"] = raw > 0 ? ours / raw : 0.0;
}

// Another same-run ratio next to `ratio`: ours_ns / raw_ns.
void extra_ratio(benchmark::State& state, const std::string& name, double raw_ns) {
  const double ours = state.counters.at("ours_ns").value;
  state.counters[name] = raw_ns > 0 ? ours / raw_ns : 0.0;
}

// ---- the VRF ----------------------------------------------------------------------------

void BM_VrfProve(benchmark::State& state) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  bool all_ok = true;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto pi = ecvrf_prove(f.key.secret_key, f.alpha);
    const bool ok = pi.has_value() && pi.value() == f.proof;
    benchmark::DoNotOptimize(ok);
    all_ok = all_ok && ok;
  }
  allocs.report();
  bool raw_ok = true;
  run.finish([&] {
    VrfProof pi;
    raw_ok = raw_prove(f.key.secret_key.bytes, f.alpha, pi) && raw_ok;
    benchmark::DoNotOptimize(pi);
  });
  report_ratio_one_scalarmult(state, f);
  bool sign_ok = true;
  extra_ratio(state, "ratio_ed25519_sign", ns_per_call(static_cast<std::uint64_t>(state.iterations()), [&] {
                Signature sig;
                crypto_sign_detached(sig.data(), nullptr, f.message.data(), f.message.size(),
                                     f.signer.secret_key.data());
                sign_ok = sig == f.signature && sign_ok;
              }));
  state.counters["ctr"] = f.ctr;
  if (!all_ok) state.SkipWithError("ecvrf_prove failed or gave another proof");
  if (!raw_ok || !sign_ok) state.SkipWithError("a raw baseline failed");
}
BENCHMARK(BM_VrfProve);

// Times ecvrf_verify of `proof` (which must give the fixture's beta) against the raw
// verification of the honest proof, in the same run; true if every iteration and the
// baseline gave what they must.
struct VerifyRun {
  bool all_ok = true;
  bool raw_ok = true;
};
VerifyRun time_verify(benchmark::State& state, const Fixture& f, const VrfProof& proof) {
  VerifyRun out;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto beta = ecvrf_verify(f.key.public_key, proof, f.alpha);
    const bool ok = beta.has_value() && beta.value() == f.beta;
    benchmark::DoNotOptimize(ok);
    out.all_ok = out.all_ok && ok;
  }
  allocs.report();
  run.finish([&] {
    RawVerification rv;
    out.raw_ok = raw_verify(f.key.public_key, f.proof, f.alpha, rv) && out.raw_ok;
    benchmark::DoNotOptimize(rv);
  });
  report_ratio_one_scalarmult(state, f);
  return out;
}

void BM_VrfVerify(benchmark::State& state) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  const auto [all_ok, raw_ok] = time_verify(state, f, f.proof);
  bool verify_ok = true;
  extra_ratio(state, "ratio_ed25519_verify", ns_per_call(static_cast<std::uint64_t>(state.iterations()), [&] {
                verify_ok = crypto_sign_verify_detached(f.signature.data(), f.message.data(), f.message.size(),
                                                        f.signer.public_key.data()) == 0 &&
                            verify_ok;
              }));
  state.counters["ctr"] = f.ctr;
  if (!all_ok) state.SkipWithError("ecvrf_verify rejected a valid proof or gave another beta");
  if (!raw_ok || !verify_ok) state.SkipWithError("a raw baseline failed");
}
BENCHMARK(BM_VrfVerify);

void BM_VrfProofToHash(benchmark::State& state) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  Point gamma;
  std::copy(f.proof.v.begin(), f.proof.v.begin() + 32, gamma.v.begin());
  bool all_ok = true;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto beta = ecvrf_proof_to_hash(f.proof);
    const bool ok = beta.has_value() && beta.value() == f.beta;
    benchmark::DoNotOptimize(ok);
    all_ok = all_ok && ok;
  }
  allocs.report();
  bool raw_ok = true;
  run.finish([&] {
    // Decoding the proof: the byte checks and s < q; Gamma's curve check is the first doubling.
    VrfOutput beta;
    raw_ok = strict_bytes(gamma) && sodium_compare(f.proof.data() + 48, kGroupOrder.data(), Scalar::size()) < 0 &&
             raw_gamma_to_hash(gamma, beta) && beta == f.beta && raw_ok;
  });
  report_ratio_one_scalarmult(state, f);
  if (!all_ok) state.SkipWithError("ecvrf_proof_to_hash failed or gave another beta");
  if (!raw_ok) state.SkipWithError("the raw baseline failed");
}
BENCHMARK(BM_VrfProofToHash);

// Over the inputs of heights 1 .. 1024 in turn: try-and-increment needs ctr + 1 hashes,
// and ctr varies with the input. `tries_per_op` is the mean of ctr + 1 over the
// iterations run; mean_ctr, max_ctr and share_ctr{0,1,2} describe the 1024 inputs.
void BM_VrfEncodeToCurve(benchmark::State& state) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  const std::size_t n = f.alphas.size();
  bool all_ok = true;
  std::size_t i = 0;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto e = ecvrf_detail::encode_to_curve(f.key.public_key, f.alphas[i]);
    const bool ok = e.has_value() && e.value().h == f.encoded[i].h && e.value().ctr == f.encoded[i].ctr;
    benchmark::DoNotOptimize(ok);
    all_ok = all_ok && ok;
    if (++i == n) i = 0;
  }
  allocs.report();
  bool raw_ok = true;
  std::size_t j = 0;
  run.finish([&] {
    const RawEncoded r = raw_encode_to_curve(f.key.public_key, f.alphas[j]);
    raw_ok = r.ok && r.h == f.encoded[j].h && raw_ok;
    if (++j == n) j = 0;
  });
  report_ratio_one_scalarmult(state, f);
  const auto iterations = static_cast<std::size_t>(state.iterations());
  double tries = 0;
  for (std::size_t k = 0; k < iterations; ++k) tries += f.encoded[k % n].ctr + 1.0;
  state.counters["tries_per_op"] = iterations == 0 ? 0.0 : tries / static_cast<double>(iterations);
  double sum = 0;
  unsigned max_ctr = 0;
  std::array<double, 3> share{};
  for (const auto& e : f.encoded) {
    sum += e.ctr;
    max_ctr = std::max<unsigned>(max_ctr, e.ctr);
    if (e.ctr < share.size()) share[e.ctr] += 1.0 / static_cast<double>(n);
  }
  state.counters["mean_ctr"] = sum / static_cast<double>(n);
  state.counters["max_ctr"] = max_ctr;
  state.counters["share_ctr0"] = share[0];
  state.counters["share_ctr1"] = share[1];
  state.counters["share_ctr2"] = share[2];
  if (!all_ok) state.SkipWithError("encode_to_curve failed or gave another point");
  if (!raw_ok) state.SkipWithError("the raw baseline failed");
}
BENCHMARK(BM_VrfEncodeToCurve);

// A proof with one bit flipped must be rejected, with the expected error, every time.
// gamma_sign (-Gamma), c_low_bit and s_low_bit pass decoding and fail the challenge;
// gamma_off_curve fails decoding. The raw side is raw_verify on the same proof.
void BM_VrfVerifyRejectsFlippedBit(benchmark::State& state, Flip which) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  const Flipped& fl = f.flipped[static_cast<std::size_t>(which)];
  bool all_rejected = true;
  AllocsPerOp allocs(state, Budget::zero);
  RatioRun run(state);
  for (auto _ : state) {
    const auto r = ecvrf_verify(f.key.public_key, fl.pi, f.alpha);
    const bool rejected = !r.has_value() && r.error() == fl.expected;
    benchmark::DoNotOptimize(rejected);
    all_rejected = all_rejected && rejected;
  }
  allocs.report();
  bool raw_rejected = true;
  run.finish([&] {
    RawVerification rv;
    raw_rejected = !raw_verify(f.key.public_key, fl.pi, f.alpha, rv) && raw_rejected;
    benchmark::DoNotOptimize(rv);
  });
  report_ratio_one_scalarmult(state, f);
  state.counters["bit"] = fl.bit;
  if (!all_rejected) state.SkipWithError("a proof with a flipped bit was not rejected with the expected error");
  if (!raw_rejected) state.SkipWithError("the raw baseline accepted a proof with a flipped bit");
}
BENCHMARK_CAPTURE(BM_VrfVerifyRejectsFlippedBit, gamma_sign, Flip::gamma_sign);
BENCHMARK_CAPTURE(BM_VrfVerifyRejectsFlippedBit, gamma_off_curve, Flip::gamma_off_curve);
BENCHMARK_CAPTURE(BM_VrfVerifyRejectsFlippedBit, c_low_bit, Flip::c_low_bit);
BENCHMARK_CAPTURE(BM_VrfVerifyRejectsFlippedBit, s_low_bit, Flip::s_low_bit);

// A valid proof whose Gamma has a component of order 8 (built at set-up; c mod 8 = 7):
// RFC 9381 accepts it with the honest beta, and the reference takes the split of
// spec/vrf.md §5.2 for c*Gamma. The most a crafted proof makes a verifier do. The raw
// side is raw_verify of the honest proof (same key, input and beta): libsodium's public
// multiplication refuses such a Gamma, so there is no shorter raw route to this result.
void BM_VrfVerifyTorsionGamma(benchmark::State& state) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  const auto [all_ok, raw_ok] = time_verify(state, f, f.torsion_proof);
  if (!all_ok) state.SkipWithError("the proof with a torsion component was not accepted with the honest beta");
  if (!raw_ok) state.SkipWithError("the raw baseline failed");
}
BENCHMARK(BM_VrfVerifyTorsionGamma);

// ---- raw libsodium, for comparison and for the cost model -------------------------------

// Times `op` (which returns false on a wrong result) and reports allocs_per_op, ours_ns
// and ratio_one_scalarmult.
template <class Op>
void raw_benchmark(benchmark::State& state, const char* failure, Op&& op) {
  const Fixture& f = fixture();
  if (!fixture_ok(state, f)) return;
  bool all_ok = true;
  AllocsPerOp allocs(state, Budget::zero);
  const Stopwatch watch;
  for (auto _ : state) all_ok = op(f) && all_ok;
  const double ours = watch.elapsed_ns() / static_cast<double>(state.iterations() == 0 ? 1 : state.iterations());
  allocs.report();
  state.counters["ours_ns"] = ours;
  report_ratio_one_scalarmult(state, f);
  if (!all_ok) state.SkipWithError(failure);
}

// Ed25519 over a proposal's 97-byte signing input, with the member's signing key.
void BM_RawEd25519Sign(benchmark::State& state) {
  raw_benchmark(state, "the signature differs", [](const Fixture& f) {
    Signature sig;
    crypto_sign_detached(sig.data(), nullptr, f.message.data(), f.message.size(), f.signer.secret_key.data());
    return sig == f.signature;
  });
}
BENCHMARK(BM_RawEd25519Sign);

void BM_RawEd25519Verify(benchmark::State& state) {
  raw_benchmark(state, "the signature does not verify", [](const Fixture& f) {
    return crypto_sign_verify_detached(f.signature.data(), f.message.data(), f.message.size(),
                                       f.signer.public_key.data()) == 0;
  });
}
BENCHMARK(BM_RawEd25519Verify);

// x*H: the unit of ratio_one_scalarmult (its own ratio is 1 by construction).
void BM_RawScalarmult(benchmark::State& state) {
  raw_benchmark(state, "the scalar multiplication failed", [](const Fixture& f) {
    Point r;
    const bool ok = crypto_scalarmult_ed25519_noclamp(r.data(), f.x_mod_q.data(), f.h.data()) == 0;
    benchmark::DoNotOptimize(r);
    return ok;
  });
}
BENCHMARK(BM_RawScalarmult);

void BM_RawScalarmultBase(benchmark::State& state) {
  raw_benchmark(state, "the base-point multiplication failed", [](const Fixture& f) {
    Point r;
    const bool ok = crypto_scalarmult_ed25519_base_noclamp(r.data(), f.x_mod_q.data()) == 0;
    benchmark::DoNotOptimize(r);
    return ok;
  });
}
BENCHMARK(BM_RawScalarmultBase);

// The subgroup check the reference runs before multiplying a key or Gamma.
void BM_RawIsValidPoint(benchmark::State& state) {
  raw_benchmark(state, "H is not a valid point", [](const Fixture& f) {
    return crypto_core_ed25519_is_valid_point(f.h.data()) == 1;
  });
}
BENCHMARK(BM_RawIsValidPoint);

// One crypto_core_ed25519_add of two curve points: decode both, add, encode.
void BM_RawCoreAdd(benchmark::State& state) {
  raw_benchmark(state, "the addition failed", [](const Fixture& f) {
    Point r;
    const bool ok = add(r, f.h, f.key.public_key);
    benchmark::DoNotOptimize(r);
    return ok;
  });
}
BENCHMARK(BM_RawCoreAdd);

// One crypto_core_ed25519_add refused because its first input is not on the curve: a
// try-and-increment candidate that fails.
void BM_RawCoreAddNotOnCurve(benchmark::State& state) {
  const Point off = [] {
    const Fixture& f = fixture();
    const Flipped& fl = f.flipped[static_cast<std::size_t>(Flip::gamma_off_curve)];
    Point p;
    std::copy(fl.pi.v.begin(), fl.pi.v.begin() + 32, p.v.begin());
    return p;
  }();
  raw_benchmark(state, "a point off the curve was accepted", [&off](const Fixture&) {
    Point r;
    const bool refused = !add(r, off, off);
    benchmark::DoNotOptimize(r);
    return refused;
  });
}
BENCHMARK(BM_RawCoreAddNotOnCurve);

// One SHA-512 of the 128-byte encode_to_curve input (two blocks).
void BM_RawSha512EncodeInput(benchmark::State& state) {
  raw_benchmark(state, "the hash differs", [](const Fixture& f) {
    std::array<std::uint8_t, crypto_hash_sha512_BYTES> hash;
    crypto_hash_sha512(hash.data(), f.encode_input.data(), f.encode_input.size());
    return hash == f.encode_hash;
  });
}
BENCHMARK(BM_RawSha512EncodeInput);

}  // namespace
}  // namespace midnight::bench
