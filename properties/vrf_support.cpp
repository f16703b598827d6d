#include "vrf_support.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "midnight/crypto/hash.hpp"
#include "small_order_points.hpp"

namespace midnight::prop {

using ecvrf_detail::Challenge;
using ecvrf_detail::Point;
using ecvrf_detail::Scalar;

namespace {

Point from_hex_point(std::string_view hex) {
  Point p;
  if (!from_hex(hex, p.v)) throw std::logic_error("bad point constant");
  return p;
}

Scalar reduce(const Bytes<64>& wide) {
  Scalar out;
  crypto_core_ed25519_scalar_reduce(out.data(), wide.data());
  return out;
}

Scalar reduce(const Scalar& narrow) {
  Bytes<64> wide;
  std::copy(narrow.v.begin(), narrow.v.end(), wide.v.begin());
  return reduce(wide);
}

Point negate(const Point& p) {
  // -P: the same y, the other x. Subtracting from the identity keeps it exact for any order.
  Point out;
  if (crypto_core_ed25519_sub(out.data(), ecvrf_detail::kIdentity.data(), p.data()) != 0)
    throw std::logic_error("negate: the point does not decode");
  return out;
}

}  // namespace

const std::array<Point, 8>& small_order_points() {
  static const std::array<Point, 8> points = [] {
    std::array<Point, 8> out;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = from_hex_point(testkit::kSmallOrderPointsHex[i]);
    return out;
  }();
  return points;
}

VrfProof assemble_proof(const Point& gamma, const Challenge& c, const Scalar& s) {
  VrfProof pi;
  std::copy(gamma.v.begin(), gamma.v.end(), pi.v.begin());
  std::copy(c.v.begin(), c.v.end(), pi.v.begin() + 32);
  std::copy(s.v.begin(), s.v.end(), pi.v.begin() + 48);
  return pi;
}

Point add_points(const Point& p, const Point& q) {
  Point out;
  if (crypto_core_ed25519_add(out.data(), p.data(), q.data()) != 0)
    throw std::logic_error("add_points: a point does not decode");
  return out;
}

VrfProof prove_another_way(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha, const Point& torsion,
                           std::uint64_t nonce_seed) {
  ecvrf_detail::ProverTranscript t;
  if (!ecvrf_detail::prove_with_transcript(sk, alpha, t)) throw std::logic_error("prove_another_way: no proof");
  const Scalar x = reduce(t.x);
  const Point& h = t.h.h;
  const Point gamma = add_points(t.gamma, torsion);
  const Point minus_torsion = negate(torsion);
  for (std::uint64_t attempt = 0; attempt < 1000; ++attempt) {
    std::array<std::uint8_t, 16> seed_bytes{};
    store_u64(seed_bytes.data(), nonce_seed);
    store_u64(seed_bytes.data() + 8, attempt);
    Bytes<64> k_wide;
    crypto_hash_sha512(k_wide.data(), seed_bytes.data(), seed_bytes.size());
    const Scalar k = reduce(k_wide);
    Point u;
    Point v;
    if (crypto_scalarmult_ed25519_base_noclamp(u.data(), k.data()) != 0) continue;  // k = 0
    if (crypto_scalarmult_ed25519_noclamp(v.data(), k.data(), h.data()) != 0) continue;
    for (unsigned j = 0; j < 8; ++j) {
      if (j > 0) v = add_points(v, minus_torsion);  // v = k*H - j*torsion
      const Challenge c = ecvrf_detail::challenge_generation(t.y, h, gamma, u, v);
      if ((c.v[0] & 7U) != j) continue;
      Scalar c_wide{};
      std::copy(c.v.begin(), c.v.end(), c_wide.v.begin());
      Scalar cx;
      Scalar s;
      crypto_core_ed25519_scalar_mul(cx.data(), c_wide.data(), x.data());
      crypto_core_ed25519_scalar_add(s.data(), k.data(), cx.data());
      sodium_memzero(cx.data(), cx.size());
      return assemble_proof(gamma, c, s);
    }
  }
  throw std::logic_error("prove_another_way: no challenge matched its torsion guess in 1000 nonces");
}

VrfOutput unique_vrf_output(const VrfSecretKey& sk, std::span<const std::uint8_t> alpha) {
  const auto pi = ecvrf_prove(sk, alpha);
  if (!pi) throw std::logic_error("unique_vrf_output: no proof");
  return ecvrf_proof_to_hash(pi.value()).value();
}

namespace {
// SHA-256(domain || seed u64 || index u64): the seed of a test key.
Seed test_key_seed(std::string_view domain, std::uint64_t seed, std::uint64_t index) {
  std::array<std::uint8_t, 16> in{};
  store_u64(in.data(), seed);
  store_u64(in.data() + 8, index);
  Sha256 h;
  h.update(domain);
  h.update(in);
  return h.finish();
}
}  // namespace

Keypair test_keypair(std::uint64_t seed, std::uint64_t index) {
  return keypair_from_seed(test_key_seed("prop key", seed, index));
}

VrfKeypair test_vrf_keypair(std::uint64_t seed, std::uint64_t index) {
  return vrf_keypair_from_seed(test_key_seed("prop vrf key", seed, index));
}

}  // namespace midnight::prop
