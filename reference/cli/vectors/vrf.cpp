// vrf.json: ECVRF-EDWARDS25519-SHA512-TAI proofs the reference makes, and every way its
// verification accepts or rejects one.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "../error_names.hpp"
#include "common.hpp"
#include "families.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

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
  // The labels of the verify cases (spec/vectors/README.md, Flags).
  CaseFlags flags(
      "vrf",
      {{"Valid", "A proof by the key's holder over the alpha given, which MUST verify with its beta (spec/vrf.md "
                 "§3.8)."},
       {"WrongAlpha", "The proof is valid for another alpha (the next round's VRF input), so the recomputed "
                      "challenge differs: proof_does_not_verify (spec/vrf.md §3.8 step 5)."},
       {"WrongKey", "The proof is checked under a public key other than the prover's VRF key, so the recomputed "
                    "challenge differs: proof_does_not_verify (spec/vrf.md §3.8 step 5)."},
       {"SigningKeyAsVrfKey", "The key given is the prover's own Ed25519 signing key, which is not its VRF key "
                              "(spec/vrf.md §6), so the proof does not verify under it (spec/vrf.md §3.8)."},
       {"ModifiedGamma", "One bit of a valid proof's Gamma is flipped, still decoding to a point, so the proof does "
                         "not verify (spec/vrf.md §3.8 step 5)."},
       {"ModifiedC", "One bit of a valid proof's c is flipped, so the recomputed challenge differs (spec/vrf.md "
                     "§3.8 step 5)."},
       {"ModifiedS", "One bit of a valid proof's s is flipped, s staying below q, so the recomputed challenge "
                     "differs (spec/vrf.md §3.8 step 5)."},
       {"ScalarNotReduced", "s is not below the group order q (s = q, or s = 2^256 - 1), which decode_proof refuses: "
                            "s_not_below_group_order (spec/vrf.md §3.6)."},
       {"NonCanonicalGamma", "Gamma's y is not below p = 2^255 - 19, which string_to_point refuses: "
                             "gamma_not_canonical (spec/vrf.md §3.1, §3.6)."},
       {"GammaNotOnCurve", "Gamma's y has no x on the curve, which string_to_point refuses: gamma_not_on_curve "
                           "(spec/vrf.md §3.1, §3.6)."},
       {"NegativeZeroGamma", "Gamma has x = 0 with the sign bit set (\"-0\"), which string_to_point refuses: "
                             "gamma_x_zero_sign_set (spec/vrf.md §3.1, §3.6)."},
       {"SmallOrderPublicKey", "The public key decodes to a point of small order (8·Y = O), which "
                               "ECVRF_validate_key refuses: public_key_small_order (spec/vrf.md §3.7)."},
       {"NonCanonicalPublicKey", "The public key's y is not below p = 2^255 - 19, which string_to_point refuses: "
                                 "public_key_not_canonical (spec/vrf.md §3.1, §3.7)."},
       {"PublicKeyNotOnCurve", "The public key's y has no x on the curve, which string_to_point refuses: "
                               "public_key_not_on_curve (spec/vrf.md §3.1, §3.7)."},
       {"NegativeZeroPublicKey", "The public key has x = 0 with the sign bit set (\"-0\"), which string_to_point "
                                 "refuses: public_key_x_zero_sign_set (spec/vrf.md §3.1, §3.7)."}});
  flags.write_definitions(w);
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
    bool valid;
    std::vector<std::string_view> flags;  // labels (CaseFlags above)
  };
  const Buf a(alpha.begin(), alpha.end());
  const std::vector<VerifyCase> cases{
      {"valid", signer.public_key, a, pi, true, {"Valid"}},
      {"another alpha (round 1)", signer.public_key, Buf(other_alpha.begin(), other_alpha.end()), pi,
       false, {"WrongAlpha"}},
      {"another member's VRF key (VRF seed 2)", vrf_keys_of(2).public_key, a, pi, false, {"WrongKey"}},
      {"the same member's signing key (seed 1), not its VRF key", keys_of(1).public_key, a, pi,
       false, {"WrongKey", "SigningKeyAsVrfKey"}},
      {"bit 0 of Gamma flipped", signer.public_key, a, flipped(0), false, {"ModifiedGamma"}},
      {"bit 0 of c flipped", signer.public_key, a, flipped(256), false, {"ModifiedC"}},
      {"bit 0 of s flipped", signer.public_key, a, flipped(384), false, {"ModifiedS"}},
      {"s = q", signer.public_key, a, with(48, q_le), false, {"ScalarNotReduced"}},
      {"s = 2^256 - 1", signer.public_key, a, all_ones_s, false, {"ScalarNotReduced"}},
      {"Gamma with y = p (not canonical)", signer.public_key, a, gamma_of(y_is_p), false, {"NonCanonicalGamma"}},
      {"Gamma not on the curve", signer.public_key, a, gamma_of(first_off_curve_encoding()),
       false, {"GammaNotOnCurve"}},
      {"Gamma with x = 0 and the sign bit set", signer.public_key, a, gamma_of(x_zero_sign_set),
       false, {"NegativeZeroGamma"}},
      {"public key the identity (small order)", identity, a, pi, false, {"SmallOrderPublicKey"}},
      {"public key with y = p (not canonical)", y_is_p, a, pi, false, {"NonCanonicalPublicKey"}},
      {"public key not on the curve", first_off_curve_encoding(), a, pi, false, {"PublicKeyNotOnCurve"}},
      {"public key with x = 0 and the sign bit set", x_zero_sign_set, a, pi, false, {"NegativeZeroPublicKey"}},
  };
  w.key("verify").begin_array();
  for (const VerifyCase& c : cases) {
    const result<VrfOutput> beta = ecvrf_verify(c.pk, c.pi, c.alpha);
    require(beta.has_value() == c.valid, std::string("vrf verify case: ") + std::string(c.name));
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
    flags.write_case(w, c.valid, c.flags);
    w.end_object();
  }
  w.end_array();
  flags.require_all_used();
  w.end_object();
}

}  // namespace midnight::cli::vectors
