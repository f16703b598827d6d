// ECVRF proofs that ecvrf_prove never makes, for the VRF properties and for the Byzantine
// proposers of policy B. RFC 9381 accepts more than one proof for one key and input
// (spec/vrf.md §5.3): any nonce will do, and Gamma may carry a small-order component when
// V compensates for it. All of them have the one output (beta) of that key and input.
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/sign.hpp"

namespace midnight::prop {

// The eight points of order dividing 8 (support/ecvrf_testkit), decoded: [0] is the
// identity, [1] the point of order 2, [2] and [3] those of order 4, [4] to [7] those of
// order 8.
const std::array<ecvrf_detail::Point, 8>& small_order_points();

// pi = point_to_string(gamma) || c || s.
VrfProof assemble_proof(const ecvrf_detail::Point& gamma, const ecvrf_detail::Challenge& c,
                        const ecvrf_detail::Scalar& s);

// P + Q in the full curve group (libsodium's complete addition). Both must decode.
ecvrf_detail::Point add_points(const ecvrf_detail::Point& p, const ecvrf_detail::Point& q);

// Another proof of (sk, alpha) that RFC 9381 §5.3 accepts: the nonce k is drawn from
// `nonce_seed` instead of RFC 9381 §5.4.2.2, and Gamma' = x*H + torsion for a small-order
// `torsion` (the identity: none). The verifier computes V = s*H - c*Gamma' =
// k*H - (c mod 8)*torsion, so the prover commits V = k*H - j*torsion for j = 0..7 and
// keeps the first (k, j) whose challenge has c mod 8 = j. Its beta is the key holder's:
// beta hashes 8*Gamma' = 8*x*H.
VrfProof prove_another_way(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha,
                           const ecvrf_detail::Point& torsion, std::uint64_t nonce_seed);

// The one output a valid proof of (sk, alpha) can have: beta of ecvrf_prove's proof.
VrfOutput unique_vrf_output(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha);

// A member key for tests: keypair_from_seed(SHA-256("prop key" || seed || index)).
Keypair test_keypair(std::uint64_t seed, std::uint64_t index);
// That member's VRF key: vrf_keypair_from_seed(SHA-256("prop vrf key" || seed || index)).
VrfKeypair test_vrf_keypair(std::uint64_t seed, std::uint64_t index);

}  // namespace midnight::prop
