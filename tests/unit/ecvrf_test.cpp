// ECVRF-EDWARDS25519-SHA512-TAI: every intermediate value of the three RFC 9381 examples,
// every rejection rule with its own error, and the behaviour on points outside the
// prime-order subgroup (spec/vrf.md).
#include <gtest/gtest.h>

#include <sodium.h>

#include <array>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "hex_support.hpp"
#include "small_order_points.hpp"
#include "test_support.hpp"

namespace midnight {
namespace {

using ecvrf_detail::Challenge;
using ecvrf_detail::Point;
using ecvrf_detail::point_decoding;
using ecvrf_detail::Scalar;
using test::hex_bytes;
using test::hex_vec;

// RFC 9381 Appendix B.3 (ECVRF-EDWARDS25519-SHA512-TAI), Examples 16, 17 and 18, every
// value the RFC prints. SK, PK and alpha are those of RFC 8032 §7.1 tests 1-3.
struct Rfc9381Example {
  const char* name;
  std::string_view sk;
  std::string_view pk;
  std::string_view alpha;
  std::string_view x;
  unsigned ctr;  // try_and_increment succeeded on ctr
  std::string_view h;
  std::string_view k_string;
  std::string_view k;
  std::string_view u;  // k*B
  std::string_view v;  // k*H
  std::string_view pi;
  std::string_view beta;
};

constexpr std::array<Rfc9381Example, 3> kRfc9381Examples{{
    {"Example 16",
     "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
     "",
     "307c83864f2833cb427a2ef1c00a013cfdff2768d980c0a3a520f006904de94f",
     0,
     "91bbed02a99461df1ad4c6564a5f5d829d0b90cfc7903e7a5797bd658abf3318",
     "7100f3d9eadb6dc4743b029736ff283f5be494128df128df2817106f345b8594"
     "b6d6da2d6fb0b4c0257eb337675d96eab49cf39e66cc2c9547c2bf8b2a6afae4",
     "8a49edbd1492a8ee09766befe50a7d563051bf3406cbffc20a88def030730f0f",
     "aef27c725be964c6a9bf4c45ca8e35df258c1878b838f37d9975523f09034071",
     "5016572f71466c646c119443455d6cb9b952f07d060ec8286d678615d55f954f",
     "8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f"
     "26f8a57ccaed74ee1b190bed1f479d97"
     "27d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805",
     "90cf1df3b703cce59e2a35b925d411164068269d7b2d29f3301c03dd757876ff"
     "66b71dda49d2de59d03450451af026798e8f81cd2e333de5cdf4f3e140fdd8ae"},
    {"Example 17",
     "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
     "72",
     "68bd9ed75882d52815a97585caf4790a7f6c6b3b7f821c5e259a24b02e502e51",
     1,
     "5b659fc3d4e9263fd9a4ed1d022d75eaacc20df5e09f9ea937502396598dc551",
     "42589bbf0c485c3c91c1621bb4bfe04aed7be76ee48f9b00793b2342acb9c167"
     "cab856f9f9d4febc311330c20b0a8afd3743d05433e8be8d32522ecdc16cc5ce",
     "d8c3a66921444cb3427d5d989f9b315aa8ca3375e9ec4d52207711a1fdb44107",
     "1dcb0a4821a2c48bf53548228b7f170962988f6d12f5439f31987ef41f034ab3",
     "fd03c0bf498c752161bae4719105a074630a2aa5f200ff7b3995f7bfb1513423",
     "f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed593"
     "3bf0864a62558b3ed7f2fea45c92a465"
     "301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02",
     "eb4440665d3891d668e7e0fcaf587f1b4bd7fbfe99d0eb2211ccec90496310eb"
     "5e33821bc613efb94db5e5b54c70a848a0bef4553a41befc57663b56373a5031"},
    {"Example 18",
     "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
     "af82",
     "909a8b755ed902849023a55b15c23d11ba4d7f4ec5c2f51b1325a181991ea95c",
     0,
     "bf4339376f5542811de615e3313d2b36f6f53c0acfebb482159711201192576a",
     "38b868c335ccda94a088428cbf3ec8bc7955bfaffe1f3bd2aa2c59fc31a0febc"
     "59d0e1af3715773ce11b3bbdd7aba8e3505d4b9de6f7e4a96e67e0d6bb6d6c3a",
     "5ffdbc72135d936014e8ab708585fda379405542b07e3bd2c0bd48437fbac60a",
     "2bae73e15a64042fcebf062abe7e432b2eca6744f3e8265bc38e009cd577ecd5",
     "88cba1cb0d4f9b649d9a86026b69de076724a93a65c349c988954f0961c5d506",
     "9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf80"
     "96bb474e53895c362d8628ee9f9ea3c0"
     "e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e",
     "645427e5d00c62a23fb703732fa5d892940935942101e456ecca7bb217c61c45"
     "2118fec1219202a0edcf038bb6373241578be7217ba85a2687f7a0310b2df19f"},
}};

constexpr const auto& kSmallOrderPoints = testkit::kSmallOrderPointsHex;
constexpr std::string_view kOrderTwoPoint = kSmallOrderPoints[1];
constexpr std::string_view kOrderEightPoint = kSmallOrderPoints[4];
// y = 2: (y^2 - 1) / (d y^2 + 1) is not a square, so no x exists.
constexpr std::string_view kNotOnCurve = "0200000000000000000000000000000000000000000000000000000000000000";
constexpr std::string_view kGroupOrderHex = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";

struct Example {
  VrfSecretKey sk;
  PublicKey pk;
  std::vector<std::uint8_t> alpha;
  VrfProof pi;
  VrfOutput beta;
};

Example load(const Rfc9381Example& e) {
  const VrfKeypair kp = vrf_keypair_from_seed(hex_bytes<32>(e.sk));
  return Example{kp.secret_key, hex_bytes<32>(e.pk), hex_vec(e.alpha), hex_bytes<80>(e.pi), hex_bytes<64>(e.beta)};
}

VrfProof with_gamma(VrfProof pi, const Point& gamma) {
  std::copy(gamma.v.begin(), gamma.v.end(), pi.v.begin());
  return pi;
}

VrfProof with_s(VrfProof pi, const Scalar& s) {
  std::copy(s.v.begin(), s.v.end(), pi.v.begin() + 48);
  return pi;
}

VrfProof assemble(const Point& gamma, const Challenge& c, const Scalar& s) {
  VrfProof pi;
  auto it = std::copy(gamma.v.begin(), gamma.v.end(), pi.v.begin());
  it = std::copy(c.v.begin(), c.v.end(), it);
  std::copy(s.v.begin(), s.v.end(), it);
  return pi;
}

Point add(const Point& a, const Point& b) {
  Point r;
  EXPECT_EQ(crypto_core_ed25519_add(r.data(), a.data(), b.data()), 0);
  return r;
}

Point sub(const Point& a, const Point& b) {
  Point r;
  EXPECT_EQ(crypto_core_ed25519_sub(r.data(), a.data(), b.data()), 0);
  return r;
}

// n*P by double-and-add with crypto_core_ed25519_add only: slow, obviously correct, and
// defined for every curve point. The reference for scalarmult_any_point.
Point double_and_add(const Scalar& n, const Point& p) {
  Point r = ecvrf_detail::kIdentity;
  for (std::size_t bit = 256; bit-- > 0;) {
    r = add(r, r);
    if ((n.v[bit / 8] >> (bit % 8)) & 1) r = add(r, p);
  }
  return r;
}

Scalar scalar_of(std::uint64_t n) {
  Scalar s{};
  for (std::size_t i = 0; i < 8; ++i) s.v[i] = static_cast<std::uint8_t>(n >> (8 * i));
  return s;
}

Scalar widen(const Challenge& c) {
  Scalar s{};
  std::copy(c.v.begin(), c.v.end(), s.v.begin());
  return s;
}

Scalar reduce(const Scalar& n) {
  std::array<unsigned char, 64> wide{};
  std::copy(n.v.begin(), n.v.end(), wide.begin());
  Scalar r;
  crypto_core_ed25519_scalar_reduce(r.data(), wide.data());
  return r;
}

// Deterministic bytes for tests: SHA-256 of a label and a counter.
Hash32 test_bytes(std::string_view label, std::uint64_t i) {
  std::uint8_t counter[8];
  store_u64(counter, i);
  return Sha256().update(label).update(std::span<const std::uint8_t>(counter)).finish();
}

class EcvrfTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init()); }
};

// ---- RFC 9381 Appendix B.3 ------------------------------------------------------------------

TEST_F(EcvrfTest, Rfc9381AppendixB3EveryIntermediateValue) {
  for (const Rfc9381Example& e : kRfc9381Examples) {
    SCOPED_TRACE(e.name);
    const Example ex = load(e);
    ASSERT_EQ(to_hex(vrf_keypair_from_seed(hex_bytes<32>(e.sk)).public_key), e.pk);

    ecvrf_detail::ProverTranscript t;
    const auto pi = ecvrf_detail::prove_with_transcript(ex.sk, ex.alpha, t);
    ASSERT_TRUE(pi) << pi.error().message();
    EXPECT_EQ(to_hex(t.x), e.x);
    EXPECT_EQ(to_hex(t.y), e.pk);
    EXPECT_EQ(t.h.ctr, e.ctr);
    EXPECT_EQ(to_hex(t.h.h), e.h);
    EXPECT_EQ(to_hex(t.k_string), e.k_string);
    EXPECT_EQ(to_hex(t.k), e.k);
    EXPECT_EQ(to_hex(t.u), e.u);
    EXPECT_EQ(to_hex(t.v), e.v);
    EXPECT_EQ(to_hex(pi.value()), e.pi);
    EXPECT_EQ(to_hex(t.gamma), e.pi.substr(0, 64));
    EXPECT_EQ(to_hex(t.c), e.pi.substr(64, 32));
    EXPECT_EQ(to_hex(t.s), e.pi.substr(96, 64));

    // The steps on their own give the same values.
    EXPECT_EQ(to_hex(ecvrf_detail::secret_scalar(hex_bytes<32>(e.sk))), e.x);
    const auto h = ecvrf_detail::encode_to_curve(ex.pk, ex.alpha);
    ASSERT_TRUE(h);
    EXPECT_EQ(h.value().ctr, e.ctr);
    EXPECT_EQ(to_hex(h.value().h), e.h);
    EXPECT_EQ(to_hex(ecvrf_detail::nonce_string(hex_bytes<32>(e.sk), h.value().h)), e.k_string);

    // ecvrf_prove is the same computation.
    const auto proved = ecvrf_prove(ex.sk, ex.alpha);
    ASSERT_TRUE(proved);
    EXPECT_EQ(proved.value(), ex.pi);

    // The verifier recomputes U and V as the prover's k*B and k*H, and returns beta.
    ecvrf_detail::VerifierTranscript vt;
    const auto beta = ecvrf_detail::verify_with_transcript(ex.pk, ex.pi, ex.alpha, vt);
    ASSERT_TRUE(beta) << beta.error().message();
    EXPECT_EQ(to_hex(beta.value()), e.beta);
    EXPECT_EQ(to_hex(vt.h), e.h);
    EXPECT_EQ(to_hex(vt.u), e.u);
    EXPECT_EQ(to_hex(vt.v), e.v);
    EXPECT_EQ(to_hex(vt.c_prime), e.pi.substr(64, 32));

    const auto verified = ecvrf_verify(ex.pk, ex.pi, ex.alpha);
    ASSERT_TRUE(verified) << verified.error().message();
    EXPECT_EQ(verified.value(), ex.beta);
    const auto hashed = ecvrf_proof_to_hash(ex.pi);
    ASSERT_TRUE(hashed);
    EXPECT_EQ(hashed.value(), ex.beta);
  }
}

TEST_F(EcvrfTest, Example17FirstCandidateIsNotACurvePoint) {
  // ctr = 1 in Example 17 because the ctr = 0 candidate does not decode.
  const Example ex = load(kRfc9381Examples[1]);
  std::array<std::uint8_t, 64> hash;
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  const std::uint8_t front[] = {0x03, 0x01};
  const std::uint8_t back[] = {0x00, 0x00};  // ctr = 0, then the back separator
  crypto_hash_sha512_update(&st, front, sizeof front);
  crypto_hash_sha512_update(&st, ex.pk.data(), ex.pk.size());
  crypto_hash_sha512_update(&st, ex.alpha.data(), ex.alpha.size());
  crypto_hash_sha512_update(&st, back, sizeof back);
  crypto_hash_sha512_final(&st, hash.data());
  Point candidate;
  std::copy(hash.begin(), hash.begin() + 32, candidate.v.begin());
  EXPECT_NE(ecvrf_detail::string_to_point(candidate), point_decoding::ok);
}

// ---- determinism and round trips --------------------------------------------------------------

TEST_F(EcvrfTest, VrfKeysDeriveAsEd25519KeysDoButAreATypeApart) {
  // spec/vrf.md §1: the derivation is Ed25519's, so one seed gives one public key either
  // way; the secret is a VrfSecretKey, which sign_detached does not accept (a member's VRF
  // key proves and never signs).
  Seed seed;
  seed.v.fill(7);
  EXPECT_EQ(vrf_keypair_from_seed(seed).public_key, keypair_from_seed(seed).public_key);
  EXPECT_EQ(vrf_keypair_from_seed(seed).secret_key.bytes, keypair_from_seed(seed).secret_key);
  static_assert(!std::is_convertible_v<VrfSecretKey, SecretKey>);
  static_assert(!std::is_invocable_v<decltype(&sign_detached), const VrfSecretKey&, std::span<const std::uint8_t>>);
}

TEST_F(EcvrfTest, ProveIsDeterministic) {
  const VrfKeypair kp = test::vrf_keypair_of(test::keypair(1));
  const auto alpha = test::bytes_of({1, 2, 3});
  const auto a = ecvrf_prove(kp.secret_key, alpha);
  const auto b = ecvrf_prove(kp.secret_key, alpha);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a.value(), b.value());
  const auto other = ecvrf_prove(kp.secret_key, test::bytes_of({1, 2, 4}));
  ASSERT_TRUE(other);
  EXPECT_NE(other.value(), a.value());
}

TEST_F(EcvrfTest, ProveVerifyRoundTripForManyKeysAndInputs) {
  for (std::uint64_t i = 0; i < 16; ++i) {
    const VrfKeypair kp = test::vrf_keypair_of(test::keypair(i));
    const Hash32 alpha = test_bytes("alpha", i);
    const auto input = std::span<const std::uint8_t>(alpha.v).first(i);  // lengths 0 .. 15
    const auto pi = ecvrf_prove(kp.secret_key, input);
    ASSERT_TRUE(pi) << i;
    const auto beta = ecvrf_verify(kp.public_key, pi.value(), input);
    ASSERT_TRUE(beta) << i << ": " << beta.error().message();
    EXPECT_EQ(beta.value(), ecvrf_proof_to_hash(pi.value()).value());
  }
}

TEST_F(EcvrfTest, SecretKeyWhosePublicHalfIsNotItsOwnIsRefused) {
  VrfSecretKey sk = test::vrf_keypair_of(test::keypair(3)).secret_key;
  const PublicKey other = test::vrf_keypair_of(test::keypair(4)).public_key;
  std::copy(other.v.begin(), other.v.end(), sk.bytes.v.begin() + 32);
  EXPECT_EQ(ecvrf_prove(sk, {}).error(), vrf_errc::secret_key_inconsistent);
}

// ---- negative tests on the RFC examples ------------------------------------------------------

bool is_below_group_order(const Scalar& s) {
  const Scalar q = hex_bytes<32>(kGroupOrderHex);
  for (std::size_t i = 32; i-- > 0;) {
    if (s.v[i] != q.v[i]) return s.v[i] < q.v[i];
  }
  return false;
}

TEST_F(EcvrfTest, EveryBitFlipOfTheProofFailsToVerify) {
  std::size_t gamma_undecodable = 0;
  std::size_t s_too_large = 0;
  std::size_t challenge_mismatch = 0;
  for (const Rfc9381Example& e : kRfc9381Examples) {
    SCOPED_TRACE(e.name);
    const Example ex = load(e);
    for (std::size_t bit = 0; bit < 8 * VrfProof::size(); ++bit) {
      VrfProof bad = ex.pi;
      bad.v[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
      const auto r = ecvrf_verify(ex.pk, bad, ex.alpha);
      ASSERT_FALSE(r) << "bit " << bit << " flipped and still verifies";
      const std::error_code ec = r.error();
      if (bit < 256) {  // Gamma: cannot decode, or decodes to another point
        ASSERT_TRUE(ec == vrf_errc::gamma_not_on_curve || ec == vrf_errc::proof_does_not_verify)
            << "bit " << bit << ": " << ec.message();
        gamma_undecodable += ec == vrf_errc::gamma_not_on_curve;
      } else if (bit < 384) {  // c: any 16 bytes decode
        ASSERT_EQ(ec, vrf_errc::proof_does_not_verify) << "bit " << bit;
      } else {  // s: rejected by decoding exactly when it is no longer below q
        Scalar s;
        std::copy(bad.v.begin() + 48, bad.v.end(), s.v.begin());
        ASSERT_EQ(ec, is_below_group_order(s) ? vrf_errc::proof_does_not_verify : vrf_errc::s_not_below_group_order)
            << "bit " << bit;
        s_too_large += ec == vrf_errc::s_not_below_group_order;
      }
      challenge_mismatch += ec == vrf_errc::proof_does_not_verify;
    }
  }
  EXPECT_GT(gamma_undecodable, 0u);
  EXPECT_GT(challenge_mismatch, 0u);
  EXPECT_GE(s_too_large, 3u * 3u);  // bits 253, 254, 255 of s, in each example
}

TEST_F(EcvrfTest, WrongAlphaFails) {
  for (const Rfc9381Example& e : kRfc9381Examples) {
    SCOPED_TRACE(e.name);
    const Example ex = load(e);
    std::vector<std::uint8_t> longer = ex.alpha;
    longer.push_back(0x00);
    EXPECT_EQ(ecvrf_verify(ex.pk, ex.pi, longer).error(), vrf_errc::proof_does_not_verify);
    if (!ex.alpha.empty()) {
      std::vector<std::uint8_t> changed = ex.alpha;
      changed[0] ^= 1;
      EXPECT_EQ(ecvrf_verify(ex.pk, ex.pi, changed).error(), vrf_errc::proof_does_not_verify);
      EXPECT_EQ(ecvrf_verify(ex.pk, ex.pi, {}).error(), vrf_errc::proof_does_not_verify);
    }
  }
}

TEST_F(EcvrfTest, AnotherKeyFails) {
  for (std::size_t i = 0; i < kRfc9381Examples.size(); ++i) {
    const Example ex = load(kRfc9381Examples[i]);
    for (std::size_t j = 0; j < kRfc9381Examples.size(); ++j) {
      if (i == j) continue;
      const Example other = load(kRfc9381Examples[j]);
      EXPECT_EQ(ecvrf_verify(other.pk, ex.pi, ex.alpha).error(), vrf_errc::proof_does_not_verify) << i << j;
    }
  }
}

// ---- decode_proof: strict decoding -----------------------------------------------------------

TEST_F(EcvrfTest, SNotBelowGroupOrderIsRejectedByDecodeWithItsOwnError) {
  const Example ex = load(kRfc9381Examples[0]);
  const Scalar q = hex_bytes<32>(kGroupOrderHex);
  Scalar s;
  std::copy(ex.pi.v.begin() + 48, ex.pi.v.end(), s.v.begin());
  // s + q is the same residue, but a second encoding of it: decoding refuses it.
  Scalar s_plus_q;
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    const unsigned sum = unsigned(s.v[i]) + q.v[i] + carry;
    s_plus_q.v[i] = static_cast<std::uint8_t>(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  Scalar q_plus_one = q;
  q_plus_one.v[0] += 1;
  Scalar all_ones;
  all_ones.v.fill(0xff);
  for (const Scalar& bad : {q, q_plus_one, s_plus_q, all_ones}) {
    const VrfProof pi = with_s(ex.pi, bad);
    EXPECT_EQ(ecvrf_detail::decode_proof(pi).error(), vrf_errc::s_not_below_group_order) << to_hex(bad);
    EXPECT_EQ(ecvrf_proof_to_hash(pi).error(), vrf_errc::s_not_below_group_order);
    EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::s_not_below_group_order);
  }
  // q - 1 is the largest s that decodes.
  Scalar q_minus_one = q;
  q_minus_one.v[0] -= 1;
  const VrfProof pi = with_s(ex.pi, q_minus_one);
  EXPECT_TRUE(ecvrf_detail::decode_proof(pi));
  EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::proof_does_not_verify);
}

TEST_F(EcvrfTest, GammaNotOnTheCurveIsRejected) {
  const Example ex = load(kRfc9381Examples[0]);
  const Point bad = hex_bytes<32>(kNotOnCurve);
  EXPECT_EQ(ecvrf_detail::string_to_point(bad), point_decoding::not_on_curve);
  const VrfProof pi = with_gamma(ex.pi, bad);
  EXPECT_EQ(ecvrf_detail::decode_proof(pi).error(), vrf_errc::gamma_not_on_curve);
  EXPECT_EQ(ecvrf_proof_to_hash(pi).error(), vrf_errc::gamma_not_on_curve);
  EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::gamma_not_on_curve);
  EXPECT_EQ(ecvrf_validate_key(bad).error(), vrf_errc::public_key_not_on_curve);
}

// y = p + i for i = 0 .. 18, with either sign bit: the 38 encodings whose y is not below p.
std::vector<Point> non_canonical_encodings() {
  std::vector<Point> out;
  for (unsigned i = 0; i < 19; ++i) {
    for (unsigned sign : {0x00u, 0x80u}) {
      Point p;
      p.v.fill(0xff);
      p.v[0] = static_cast<std::uint8_t>(0xed + i);
      p.v[31] = static_cast<std::uint8_t>(0x7f | sign);
      out.push_back(p);
    }
  }
  return out;
}

TEST_F(EcvrfTest, NonCanonicalYIsRejectedWhereLibsodiumWouldReduceIt) {
  const Example ex = load(kRfc9381Examples[0]);
  std::size_t libsodium_decodes = 0;
  for (const Point& p : non_canonical_encodings()) {
    SCOPED_TRACE(to_hex(p));
    EXPECT_EQ(ecvrf_detail::string_to_point(p), point_decoding::y_not_below_p);
    EXPECT_EQ(ecvrf_validate_key(p).error(), vrf_errc::public_key_not_canonical);
    EXPECT_EQ(ecvrf_verify(p, ex.pi, ex.alpha).error(), vrf_errc::public_key_not_canonical);
    const VrfProof pi = with_gamma(ex.pi, p);
    EXPECT_EQ(ecvrf_detail::decode_proof(pi).error(), vrf_errc::gamma_not_canonical);
    EXPECT_EQ(ecvrf_proof_to_hash(pi).error(), vrf_errc::gamma_not_canonical);
    EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::gamma_not_canonical);
    // The pitfall: libsodium's point addition decodes y mod p and accepts many of them.
    Point r;
    libsodium_decodes += crypto_core_ed25519_add(r.data(), p.data(), ecvrf_detail::kIdentity.data()) == 0;
  }
  EXPECT_GT(libsodium_decodes, 0u);
}

TEST_F(EcvrfTest, XZeroWithSignBitSetIsRejected) {
  const Example ex = load(kRfc9381Examples[0]);
  // (0, 1) and (0, -1) with the sign bit set: "-0".
  for (std::string_view hex : {"0100000000000000000000000000000000000000000000000000000000000080",
                               "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}) {
    SCOPED_TRACE(hex);
    const Point p = hex_bytes<32>(hex);
    EXPECT_EQ(ecvrf_detail::string_to_point(p), point_decoding::x_zero_sign_set);
    EXPECT_EQ(ecvrf_validate_key(p).error(), vrf_errc::public_key_x_zero_sign_set);
    const VrfProof pi = with_gamma(ex.pi, p);
    EXPECT_EQ(ecvrf_detail::decode_proof(pi).error(), vrf_errc::gamma_x_zero_sign_set);
    EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::gamma_x_zero_sign_set);
    // libsodium accepts it and reads it as x = 0.
    Point r;
    ASSERT_EQ(crypto_core_ed25519_add(r.data(), p.data(), ecvrf_detail::kIdentity.data()), 0);
    EXPECT_NE(r, p);
  }
}

// ---- ECVRF_validate_key ------------------------------------------------------------------

TEST_F(EcvrfTest, AllEightSmallOrderPublicKeysAreRejected) {
  const Example ex = load(kRfc9381Examples[0]);
  for (std::string_view hex : kSmallOrderPoints) {
    SCOPED_TRACE(hex);
    const PublicKey pk = hex_bytes<32>(hex);
    ASSERT_EQ(ecvrf_detail::string_to_point(pk), point_decoding::ok);  // a valid encoding ...
    EXPECT_TRUE(ecvrf_detail::is_identity(ecvrf_detail::cofactor_times(pk)));  // ... of small order
    EXPECT_EQ(ecvrf_validate_key(pk).error(), vrf_errc::public_key_small_order);
    EXPECT_EQ(ecvrf_verify(pk, ex.pi, ex.alpha).error(), vrf_errc::public_key_small_order);
  }
}

// ecvrf_validate_key decides "8*Y is the identity" by comparing with the eight encodings
// (has_small_order); cofactor_times is the definition. They agree on every small-order
// point, on honest keys, and on honest keys plus each small-order point (a torsion
// component: not of small order, so valid).
TEST_F(EcvrfTest, SmallOrderListAgreesWithCofactorClearing) {
  std::vector<Point> points;
  for (std::string_view hex : kSmallOrderPoints) points.push_back(hex_bytes<32>(hex));
  for (std::uint64_t i = 0; i < 8; ++i) {
    const Point honest = test::vrf_keypair_of(test::keypair(i)).public_key;
    points.push_back(honest);
    points.push_back(add(honest, hex_bytes<32>(kSmallOrderPoints[i])));
  }
  std::size_t small = 0;
  for (const Point& p : points) {
    SCOPED_TRACE(to_hex(p));
    ASSERT_EQ(ecvrf_detail::string_to_point(p), point_decoding::ok);
    const bool by_definition = ecvrf_detail::is_identity(ecvrf_detail::cofactor_times(p));
    EXPECT_EQ(ecvrf_detail::has_small_order(p), by_definition);
    small += by_definition ? 1 : 0;
  }
  EXPECT_EQ(small, 8u);  // exactly the eight listed points
}

TEST_F(EcvrfTest, CofactorClearingIsMultiplicationByEight) {
  const Example ex = load(kRfc9381Examples[0]);
  Point eight_y;
  ASSERT_EQ(crypto_scalarmult_ed25519_noclamp(eight_y.data(), scalar_of(8).data(), ex.pk.data()), 0);
  EXPECT_EQ(ecvrf_detail::cofactor_times(ex.pk), eight_y);
  // With a torsion part added, 8*(Y + T) = 8*Y.
  for (std::string_view hex : kSmallOrderPoints) {
    EXPECT_EQ(ecvrf_detail::cofactor_times(add(ex.pk, hex_bytes<32>(hex))), eight_y) << hex;
  }
}

// ---- points outside the prime-order subgroup: RFC-exact arithmetic ------------------------------

TEST_F(EcvrfTest, ScalarMultipleOfAnyPointMatchesDoubleAndAdd) {
  const Example ex = load(kRfc9381Examples[1]);
  const std::array<Scalar, 10> scalars{scalar_of(0), scalar_of(1), scalar_of(2), scalar_of(7), scalar_of(8),
                                       scalar_of(9), scalar_of(0xffffffffffffffffu),
                                       widen(ecvrf_detail::decode_proof(ex.pi).value().c),
                                       hex_bytes<32>(kRfc9381Examples[1].k),
                                       [] {
                                         Scalar q_minus_one = hex_bytes<32>(kGroupOrderHex);
                                         q_minus_one.v[0] -= 1;
                                         return q_minus_one;
                                       }()};
  for (std::string_view torsion_hex : kSmallOrderPoints) {
    const Point torsion = hex_bytes<32>(torsion_hex);
    for (const Point& p : {add(ex.pk, torsion), torsion}) {
      for (const Scalar& n : scalars) {
        EXPECT_EQ(ecvrf_detail::scalarmult_any_point(n, p), double_and_add(n, p))
            << "P = " << to_hex(p) << ", n = " << to_hex(n);
      }
    }
  }
}

// A prover that puts small-order components where ecvrf_prove never does: into the key,
// Y' = x*B + T_Y, and into Gamma' = x*H + T_G. With s = k + c*x, RFC 9381's verifier
// computes U = s*B - c*Y' = k*B - (c mod 8)*T_Y and V = s*H - c*Gamma' = k*H - (c mod 8)*T_G,
// and hashes Y' and Gamma' themselves into the challenge. Such a proof verifies exactly
// when U and V were committed with those torsion terms: the prover guesses j = c mod 8,
// commits U = k*B - j*T_Y and V = k*H - j*T_G, and retries until c mod 8 = j. With
// commit_torsion = false it commits the plain k*B and k*H instead.
struct TorsionProof {
  PublicKey pk;
  Point gamma;
  VrfProof pi;
};

TorsionProof prove_with_torsion(const Seed& seed, std::span<const std::uint8_t> alpha, const Point& key_torsion,
                                const Point& gamma_torsion, std::uint8_t j, bool commit_torsion) {
  TorsionProof out;
  out.pk = add(keypair_from_seed(seed).public_key, key_torsion);
  const Scalar x = reduce(ecvrf_detail::secret_scalar(seed));
  const Point h = ecvrf_detail::encode_to_curve(out.pk, alpha).value().h;
  Point x_h;
  EXPECT_EQ(crypto_scalarmult_ed25519_noclamp(x_h.data(), x.data(), h.data()), 0);
  out.gamma = add(x_h, gamma_torsion);
  for (std::uint64_t attempt = 0; attempt < 1000; ++attempt) {
    const Scalar k = reduce(test_bytes("torsion nonce", attempt));
    Point u;
    Point v;
    EXPECT_EQ(crypto_scalarmult_ed25519_base_noclamp(u.data(), k.data()), 0);
    EXPECT_EQ(crypto_scalarmult_ed25519_noclamp(v.data(), k.data(), h.data()), 0);
    for (std::uint8_t i = 0; commit_torsion && i < j; ++i) {
      u = sub(u, key_torsion);
      v = sub(v, gamma_torsion);
    }
    const Challenge c = ecvrf_detail::challenge_generation(out.pk, h, out.gamma, u, v);
    if ((c.v[0] & 7) != j) continue;
    Scalar cx;
    Scalar s;
    crypto_core_ed25519_scalar_mul(cx.data(), widen(c).data(), x.data());
    crypto_core_ed25519_scalar_add(s.data(), k.data(), cx.data());
    out.pi = assemble(out.gamma, c, s);
    return out;
  }
  ADD_FAILURE() << "no challenge with c mod 8 = " << int(j);
  return out;
}

TEST_F(EcvrfTest, PublicKeyWithTorsionComponentIsValidAndVerifiedExactly) {
  const Seed seed = hex_bytes<32>(kRfc9381Examples[0].sk);
  const auto alpha = test::bytes_of({0x54, 0x6f, 0x72});
  const Point t8 = hex_bytes<32>(kOrderEightPoint);
  const Point none = ecvrf_detail::kIdentity;
  const auto proof = prove_with_torsion(seed, alpha, t8, none, 3, /*commit_torsion=*/true);

  // libsodium's own validity check and scalar multiplication refuse such a key ...
  EXPECT_EQ(crypto_core_ed25519_is_valid_point(proof.pk.data()), 0);
  Point unused;
  EXPECT_NE(crypto_scalarmult_ed25519_noclamp(unused.data(), scalar_of(5).data(), proof.pk.data()), 0);
  // ... while RFC 9381 §5.4.5 accepts it: 8*Y' = 8*Y is not the identity.
  EXPECT_TRUE(ecvrf_validate_key(proof.pk));

  // The proof whose U carries -(c mod 8)*T verifies, with beta = SHA-512(.. 8*Gamma ..).
  const auto beta = ecvrf_verify(proof.pk, proof.pi, alpha);
  ASSERT_TRUE(beta) << beta.error().message();
  EXPECT_EQ(beta.value(), ecvrf_detail::gamma_to_hash(proof.gamma));
  EXPECT_EQ(beta.value(), ecvrf_proof_to_hash(proof.pi).value());

  // A proof whose U ignores the torsion part, with c mod 8 != 0, does not: a verifier that
  // dropped the torsion part of Y' (or multiplied U's equation by the cofactor) would
  // accept it.
  const auto careless = prove_with_torsion(seed, alpha, t8, none, 3, /*commit_torsion=*/false);
  EXPECT_EQ(ecvrf_verify(careless.pk, careless.pi, alpha).error(), vrf_errc::proof_does_not_verify);
  // With c mod 8 = 0 the torsion term vanishes and such a proof verifies.
  const auto lucky = prove_with_torsion(seed, alpha, t8, none, 0, /*commit_torsion=*/false);
  EXPECT_TRUE(ecvrf_verify(lucky.pk, lucky.pi, alpha));
}

TEST_F(EcvrfTest, GammaWithTorsionComponentGivesASecondProofWithTheSameOutput) {
  const Seed seed = hex_bytes<32>(kRfc9381Examples[2].sk);
  const Example ex = load(kRfc9381Examples[2]);
  const Point none = ecvrf_detail::kIdentity;
  for (std::string_view hex : {kOrderTwoPoint, kOrderEightPoint}) {
    SCOPED_TRACE(hex);
    const Point torsion = hex_bytes<32>(hex);
    const auto proof = prove_with_torsion(seed, ex.alpha, none, torsion, 5, /*commit_torsion=*/true);
    ASSERT_EQ(proof.pk, ex.pk);
    ASSERT_NE(proof.pi, ex.pi);
    EXPECT_EQ(crypto_core_ed25519_is_valid_point(proof.gamma.data()), 0);
    // RFC 9381 accepts a second, different proof for the same key and input; its beta is
    // the honest one, because proof_to_hash multiplies Gamma by the cofactor.
    const auto beta = ecvrf_verify(ex.pk, proof.pi, ex.alpha);
    ASSERT_TRUE(beta) << beta.error().message();
    EXPECT_EQ(beta.value(), ex.beta);
    // Without the torsion term in V the same construction fails.
    const auto careless = prove_with_torsion(seed, ex.alpha, none, torsion, 5, /*commit_torsion=*/false);
    EXPECT_EQ(ecvrf_verify(ex.pk, careless.pi, ex.alpha).error(), vrf_errc::proof_does_not_verify);
  }
  // Torsion in both the key and Gamma.
  const auto both = prove_with_torsion(seed, ex.alpha, hex_bytes<32>(kSmallOrderPoints[6]),
                                       hex_bytes<32>(kOrderEightPoint), 7, /*commit_torsion=*/true);
  const auto beta = ecvrf_verify(both.pk, both.pi, ex.alpha);
  ASSERT_TRUE(beta) << beta.error().message();
  EXPECT_EQ(beta.value(), ecvrf_detail::gamma_to_hash(both.gamma));
}

// Changing Gamma in an honest proof changes the challenge input: it never verifies, whatever
// the torsion point, even when c*T is the identity.
TEST_F(EcvrfTest, GammaSwappedAfterProvingFails) {
  const Example ex = load(kRfc9381Examples[0]);
  const auto d = ecvrf_detail::decode_proof(ex.pi).value();
  for (std::string_view hex : kSmallOrderPoints) {
    if (hex == kSmallOrderPoints[0]) continue;  // adding the identity changes nothing
    const VrfProof moved = with_gamma(ex.pi, add(d.gamma, hex_bytes<32>(hex)));
    EXPECT_EQ(ecvrf_verify(ex.pk, moved, ex.alpha).error(), vrf_errc::proof_does_not_verify) << hex;
    EXPECT_EQ(ecvrf_proof_to_hash(moved).value(), ex.beta) << hex;
  }
}

TEST_F(EcvrfTest, SmallOrderGammaAndZeroScalarsAreRejectedWithoutFault) {
  // libsodium's scalar multiplication returns -1 for a zero scalar, an identity result or a
  // small-order point; each must end in an ordinary rejection.
  const Example ex = load(kRfc9381Examples[2]);
  const auto d = ecvrf_detail::decode_proof(ex.pi).value();
  const Challenge zero_c{};
  const Scalar zero_s{};
  for (std::string_view hex : kSmallOrderPoints) {
    SCOPED_TRACE(hex);
    const Point gamma = hex_bytes<32>(hex);
    for (const VrfProof& pi : {assemble(gamma, d.c, d.s), assemble(gamma, zero_c, zero_s),
                               assemble(gamma, d.c, zero_s), assemble(gamma, zero_c, d.s)}) {
      EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::proof_does_not_verify);
      // 8 * Gamma is the identity for all of them.
      EXPECT_EQ(ecvrf_proof_to_hash(pi).value(), ecvrf_detail::gamma_to_hash(ecvrf_detail::kIdentity));
    }
  }
  for (const VrfProof& pi : {assemble(d.gamma, zero_c, zero_s), assemble(d.gamma, d.c, zero_s),
                             assemble(d.gamma, zero_c, d.s)}) {
    EXPECT_EQ(ecvrf_verify(ex.pk, pi, ex.alpha).error(), vrf_errc::proof_does_not_verify);
  }
}

TEST_F(EcvrfTest, ArbitraryBytesAreRejectedWithoutFault) {
  const Example ex = load(kRfc9381Examples[0]);
  std::set<std::error_code> errors;
  for (std::uint64_t i = 0; i < 300; ++i) {
    VrfProof pi;
    const Hash32 a = test_bytes("pi", 3 * i);
    const Hash32 b = test_bytes("pi", 3 * i + 1);
    const Hash32 c = test_bytes("pi", 3 * i + 2);
    std::copy(a.v.begin(), a.v.end(), pi.v.begin());
    std::copy(b.v.begin(), b.v.begin() + 16, pi.v.begin() + 32);
    std::copy(c.v.begin(), c.v.end(), pi.v.begin() + 48);
    if (i % 2 == 0) pi.v[79] &= 0x0f;  // often below q, to reach the challenge
    const PublicKey pk = i % 3 == 0 ? test_bytes("pk", i) : ex.pk;
    const auto r = ecvrf_verify(pk, pi, ex.alpha);
    ASSERT_FALSE(r) << i;
    errors.insert(r.error());
  }
  EXPECT_TRUE(errors.count(vrf_errc::proof_does_not_verify));
  EXPECT_TRUE(errors.count(vrf_errc::gamma_not_on_curve));
  EXPECT_TRUE(errors.count(vrf_errc::s_not_below_group_order));
  EXPECT_TRUE(errors.count(vrf_errc::public_key_not_on_curve));
}

// ---- errors ----------------------------------------------------------------------------------

TEST(EcvrfErrorsTest, EveryValueHasItsOwnMessage) {
  std::set<std::string> seen;
  for (int e = int(vrf_errc::public_key_not_canonical); e <= int(vrf_errc::encode_to_curve_exhausted); ++e) {
    const std::error_code ec = static_cast<vrf_errc>(e);
    EXPECT_STREQ(ec.category().name(), "midnight.vrf");
    const std::string msg = ec.message();
    EXPECT_FALSE(msg.empty());
    EXPECT_NE(msg, "unknown vrf error") << e;
    EXPECT_TRUE(seen.insert(msg).second) << "duplicate message: " << msg;
  }
  EXPECT_EQ(seen.size(), 11u);
  EXPECT_EQ(std::error_code(vrf_errc::s_not_below_group_order).message(), "vrf proof: s is not below the group order");
}

}  // namespace
}  // namespace midnight
