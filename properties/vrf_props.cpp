// The VRF of policy B (spec/vrf.md; spec/protocol.md §4.4): what the verifier accepts for
// a key and an input, and what ties a proposal's proof to its round.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "generators.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"
#include "vrf_support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;
using ecvrf_detail::Point;

// How a proof (or what it is checked against) is changed.
enum class Change : std::uint8_t {
  bit_flips,           // 1-8 distinct bits of the 80 bytes flipped
  bytes_replaced,      // 1-8 distinct bytes set to other values
  fields_swapped,      // Gamma and s exchanged, or c and a 16-byte half of Gamma or of s
  shifted,             // 1-8 bytes inserted or deleted anywhere, the result cut or padded to 80 bytes
  spliced,             // Gamma, c or s taken from the proof of another key or another input
  gamma_plus_torsion,  // Gamma + T for a small-order T other than the identity; c and s kept
  another_key,         // the proof itself, verified against another key (a fresh one, or pk + T)
  another_input,       // the proof itself, verified against another alpha
  second_proof,        // a second proof RFC 9381 accepts: another nonce, Gamma + T with V compensated
};

const char* to_string(Change c) {
  switch (c) {
    case Change::bit_flips: return "bit flips";
    case Change::bytes_replaced: return "bytes replaced";
    case Change::fields_swapped: return "fields swapped";
    case Change::shifted: return "bytes inserted or deleted, cut to 80";
    case Change::spliced: return "a field of another proof";
    case Change::gamma_plus_torsion: return "Gamma + small-order point";
    case Change::another_key: return "another key";
    case Change::another_input: return "another input";
    case Change::second_proof: return "a second valid proof";
  }
  return "?";
}

std::string describe(const std::error_code& e) { return e.message(); }

rc::Gen<std::vector<std::uint8_t>> gen_alpha() {
  return gen::container<std::vector<std::uint8_t>>(gen::arbitrary<std::uint8_t>());
}

// n <= size distinct positions in [0, size), each uniform whatever RapidCheck's size.
std::vector<std::size_t> distinct_positions(std::size_t n, std::size_t size) {
  std::vector<std::size_t> out;
  while (out.size() < n) {
    out.push_back(*gen::suchThat(gen::resize(100, gen::inRange<std::size_t>(0, size)), [&](std::size_t p) {
      return std::find(out.begin(), out.end(), p) == out.end();
    }));
  }
  return out;
}

void swap_ranges_of(VrfProof& pi, std::size_t a, std::size_t b, std::size_t len) {
  std::swap_ranges(pi.v.begin() + static_cast<std::ptrdiff_t>(a), pi.v.begin() + static_cast<std::ptrdiff_t>(a + len),
                   pi.v.begin() + static_cast<std::ptrdiff_t>(b));
}

struct Modified {
  Change change = Change::bit_flips;
  PublicKey pk;
  std::vector<std::uint8_t> alpha;
  VrfProof pi;
  std::string how;  // for the log
  std::string tag;  // for the distribution
};

// One change of (pk, alpha, pi), never the identity: the result differs from the original
// statement in its proof, its key or its input.
Modified modify(const VrfKeypair& kp, const std::vector<std::uint8_t>& alpha, const VrfProof& pi) {
  Modified m{*gen::element(Change::bit_flips, Change::bytes_replaced, Change::fields_swapped, Change::shifted,
                           Change::spliced, Change::gamma_plus_torsion, Change::another_key, Change::another_input,
                           Change::second_proof),
             kp.public_key, alpha, pi, "", ""};
  m.tag = to_string(m.change);
  switch (m.change) {
    case Change::bit_flips: {
      for (auto bit : distinct_positions(*gen::inRange<std::size_t>(1, 9), 640)) {
        m.pi.v[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
        m.how += " " + std::to_string(bit);
      }
      break;
    }
    case Change::bytes_replaced: {
      for (auto at : distinct_positions(*gen::inRange<std::size_t>(1, 9), 80)) {
        const std::uint8_t old = m.pi.v[at];
        m.pi.v[at] = *gen::suchThat(gen::arbitrary<std::uint8_t>(), [old](std::uint8_t b) { return b != old; });
        m.how += " " + std::to_string(at);
      }
      break;
    }
    case Change::fields_swapped: {
      const int which = *gen::inRange(0, 5);
      if (which == 0) swap_ranges_of(m.pi, 0, 48, 32);  // Gamma <-> s
      if (which == 1) swap_ranges_of(m.pi, 32, 0, 16);  // c <-> Gamma[0..16)
      if (which == 2) swap_ranges_of(m.pi, 32, 16, 16);  // c <-> Gamma[16..32)
      if (which == 3) swap_ranges_of(m.pi, 32, 48, 16);  // c <-> s[0..16)
      if (which == 4) swap_ranges_of(m.pi, 32, 64, 16);  // c <-> s[16..32)
      m.how = " swap " + std::to_string(which);
      break;
    }
    case Change::shifted: {
      std::vector<std::uint8_t> bytes(pi.v.begin(), pi.v.end());
      const auto at = *gen::inRange<std::size_t>(0, 81);
      const auto count = *gen::inRange<std::size_t>(1, 9);
      if (*gen::arbitrary<bool>()) {
        const auto extra = *gen::container<std::vector<std::uint8_t>>(count, gen::arbitrary<std::uint8_t>());
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), extra.begin(), extra.end());
        m.how = " insert " + std::to_string(count) + " at " + std::to_string(at);
      } else {
        const auto from = std::min<std::size_t>(at, 80 - count);
        bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(from),
                    bytes.begin() + static_cast<std::ptrdiff_t>(from + count));
        const auto pad = *gen::container<std::vector<std::uint8_t>>(count, gen::arbitrary<std::uint8_t>());
        bytes.insert(bytes.end(), pad.begin(), pad.end());
        m.how = " delete " + std::to_string(count) + " at " + std::to_string(from);
      }
      std::copy(bytes.begin(), bytes.begin() + 80, m.pi.v.begin());
      break;
    }
    case Change::spliced: {
      const bool other_key = *gen::arbitrary<bool>();
      const VrfKeypair other = other_key ? vrf_keypair_from_seed(*gen_bytes<32>()) : kp;
      const auto other_alpha = other_key ? alpha : *gen::suchThat(gen_alpha(), [&](const auto& a) { return a != alpha; });
      const VrfProof donor = ecvrf_prove(other.secret_key, other_alpha).value();
      const int field = *gen::inRange(0, 3);  // Gamma, c, s
      const std::size_t from = field == 0 ? 0 : field == 1 ? 32 : 48;
      const std::size_t len = field == 1 ? 16 : 32;
      std::copy(donor.v.begin() + static_cast<std::ptrdiff_t>(from),
                donor.v.begin() + static_cast<std::ptrdiff_t>(from + len),
                m.pi.v.begin() + static_cast<std::ptrdiff_t>(from));
      m.how = std::string(other_key ? " another key's" : " another input's") + (field == 0 ? " Gamma" : field == 1 ? " c" : " s");
      break;
    }
    case Change::gamma_plus_torsion: {
      const auto t = *gen::inRange<std::size_t>(1, 8);
      const auto gamma = ecvrf_detail::decode_proof(pi).value().gamma;
      const Point moved = add_points(gamma, small_order_points()[t]);
      std::copy(moved.v.begin(), moved.v.end(), m.pi.v.begin());
      m.how = " T" + std::to_string(t);
      break;
    }
    case Change::another_key: {
      if (*gen::arbitrary<bool>()) {
        m.pk = keypair_from_seed(*gen_bytes<32>()).public_key;
        m.how = " fresh";
      } else {
        const auto t = *gen::inRange<std::size_t>(1, 8);
        m.pk = add_points(kp.public_key, small_order_points()[t]);
        m.how = " pk + T" + std::to_string(t);
      }
      break;
    }
    case Change::another_input: {
      m.alpha = *gen::suchThat(gen_alpha(), [&](const auto& a) { return a != alpha; });
      break;
    }
    case Change::second_proof: {
      const auto t = *gen::inRange<std::size_t>(0, 8);
      m.pi = prove_another_way(kp.secret_key, alpha, small_order_points()[t], *gen::arbitrary<std::uint64_t>());
      m.how = " T" + std::to_string(t);
      m.tag = t == 0 ? "a second valid proof: another nonce" : "a second valid proof: another nonce, Gamma + T";
      break;
    }
  }
  return m;
}

// For a random key and input, a changed proof, key or input is rejected, unless the
// verifier returns exactly the output of the unchanged proof.
//
// What is asserted, and why "unless": RFC 9381 with validate_key gives full uniqueness,
// not unique proofs (spec/vrf.md §5.3). For one key and input every accepted proof has the
// same beta, but more than one proof is accepted: another nonce gives another (c, s), and
// Gamma + T (T of small order) gives the same beta, since beta hashes 8*Gamma, when V
// compensates for T. So "a modified proof never verifies" would be false; what policy B
// needs, and what is asserted for every change, is:
//   - ecvrf_verify(pk', pi', alpha') fails, or returns the beta of (pk, pi, alpha);
//   - when it succeeds, its beta is ecvrf_proof_to_hash(pi'), and when proof_to_hash fails
//     (Gamma or s does not decode), verify fails with the same error (the key is valid, and
//     decoding comes before the challenge);
//   - a modified beta (any other 64 bytes) is never what verify returns, for pi or pi'.
// And per change, exactly: a second proof made as above IS accepted (RFC-exact, §5.3);
// Gamma + T with c and s kept, another key (fresh, or pk + T: the challenge hashes Y) and
// another input are rejected with proof_does_not_verify; the random changes (bits, bytes,
// swaps, shifts, splices) are rejected too, by a decoding rule or by the challenge: a
// changed proof that verified would be a 128-bit challenge collision, or a second proof
// made with the secret key, which no change of the bytes alone is.
RC_GTEST_PROP(Vrf, ModifiedProofIsRejectedOrHasTheSameOutput, ()) {
  RC_ASSERT(crypto_init());
  const VrfKeypair kp = vrf_keypair_from_seed(*gen_bytes<32>());
  const auto alpha = *gen_alpha();
  const VrfProof pi = ecvrf_prove(kp.secret_key, alpha).value();
  const auto beta = ecvrf_verify(kp.public_key, pi, alpha);
  RC_ASSERT(beta.has_value());
  RC_ASSERT(beta.value() == ecvrf_proof_to_hash(pi).value());
  RC_ASSERT(beta.value() == ecvrf_detail::gamma_to_hash(ecvrf_detail::decode_proof(pi).value().gamma));

  const Modified m = *gen::suchThat(gen::exec([&] { return modify(kp, alpha, pi); }), [&](const Modified& x) {
    return x.pi != pi || x.pk != kp.public_key || x.alpha != alpha;
  });
  RC_LOG() << "change: " << to_string(m.change) << m.how << "\n  pi' = " << to_hex(m.pi) << "\n";
  const auto verdict = ecvrf_verify(m.pk, m.pi, m.alpha);
  const auto hashed = ecvrf_proof_to_hash(m.pi);
  if (verdict) {
    RC_ASSERT(verdict.value() == beta.value());
    RC_ASSERT(hashed.has_value());
    RC_ASSERT(hashed.value() == verdict.value());
  } else {
    RC_LOG() << "rejected: " << describe(verdict.error()) << "\n";
  }
  if (!hashed) {
    RC_ASSERT(!verdict.has_value());
    RC_ASSERT(verdict.error() == hashed.error());
  }
  switch (m.change) {
    case Change::second_proof:
      RC_ASSERT(verdict.has_value());
      break;
    case Change::gamma_plus_torsion:
    case Change::another_key:
    case Change::another_input:
      RC_ASSERT(!verdict.has_value());
      RC_ASSERT(verdict.error() == vrf_errc::proof_does_not_verify);
      break;
    default:
      RC_ASSERT(!verdict.has_value());
      break;
  }
  // Any other 64 bytes are not the output.
  VrfOutput other = beta.value();
  for (auto bit : distinct_positions(*gen::inRange<std::size_t>(1, 5), 512))
    other.v[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
  RC_ASSERT(beta.value() != other);
  if (verdict) RC_ASSERT(verdict.value() != other);

  RC_TAG(m.tag);
  RC_CLASSIFY(verdict.has_value(), "accepted, same beta");
  RC_CLASSIFY(!verdict.has_value() && verdict.error() == vrf_errc::proof_does_not_verify, "rejected by the challenge");
  RC_CLASSIFY(!verdict.has_value() && verdict.error() != vrf_errc::proof_does_not_verify, "rejected by decoding");
}

// A proposal's proof verifies against vrf_input(header) and the proposer's VRF key, with
// the output ecvrf_prove gives for them; with the proof unchanged:
//   - changing any non-empty subset of the header's round, height, chain and prev_id (the
//     VRF input), or checking it against another VRF key (another real key, or the
//     proposer's own signing key: the two keys are apart, spec/vrf.md §6), makes
//     verify_proposal_vrf fail with proof_does_not_verify;
//   - changing the Merkle root or the timestamp (the proposer's content, outside the input)
//     leaves the same output: no choice of content moves a proposer's rank;
// and the proposal's signature does not cover the proof: verify_proposal accepts the
// header's signature with any proof, which is why policy B must verify the proof itself.
RC_GTEST_PROP(Vrf, ProposalProofIsBoundToItsRoundHeightChainAndParent, ()) {
  RC_ASSERT(crypto_init());
  const Keypair kp = keypair_from_seed(*gen_bytes<32>());
  const VrfKeypair vrf = vrf_keypair_from_seed(*gen::suchThat(gen_bytes<32>(), [&](const Seed& s) {
    return keypair_from_seed(s).public_key != kp.public_key;
  }));
  BlockHeader h = *gen_header();
  h.version = kHeaderVersion;
  h.proposer = kp.public_key;
  const Proposal p = sign_proposal(h, kp.secret_key, vrf.secret_key);
  const auto beta = verify_proposal_vrf(p, vrf.public_key);
  RC_ASSERT(beta.has_value());
  const auto alpha = vrf_input(h);
  RC_ASSERT(alpha == vrf_input(h.chain_id, h.height, h.round, h.prev_id));
  RC_ASSERT(beta.value() == unique_vrf_output(vrf.secret_key, alpha));
  RC_ASSERT(beta.value() == ecvrf_proof_to_hash(p.vrf_proof).value());
  RC_ASSERT(verify_proposal(p));

  // The VRF input's fields.
  const int fields = *gen::inRange(1, 16);  // bit 0 round, 1 height, 2 chain, 3 prev_id
  Proposal moved = p;
  if (fields & 1)
    moved.header.round = *gen::suchThat(gen::arbitrary<std::uint32_t>(), [&](std::uint32_t r) { return r != h.round; });
  if (fields & 2)
    moved.header.height =
        *gen::suchThat(gen::arbitrary<std::uint64_t>(), [&](std::uint64_t x) { return x != h.height; });
  if (fields & 4)
    moved.header.chain_id = *gen::suchThat(gen_bytes<32>(), [&](const ChainId& c) { return c != h.chain_id; });
  if (fields & 8)
    moved.header.prev_id = *gen::suchThat(gen_bytes<32>(), [&](const BlockId& b) { return b != h.prev_id; });
  const auto moved_verdict = verify_proposal_vrf(moved, vrf.public_key);
  RC_ASSERT(!moved_verdict.has_value());
  RC_ASSERT(moved_verdict.error() == vrf_errc::proof_does_not_verify);

  // Another VRF key, or the proposer's signing key.
  const PublicKey other_key =
      *gen::arbitrary<bool>()
          ? kp.public_key
          : *gen::suchThat(gen::map(gen_bytes<32>(), [](const Seed& s) { return vrf_keypair_from_seed(s).public_key; }),
                           [&](const PublicKey& k) { return k != vrf.public_key; });
  const auto other_verdict = verify_proposal_vrf(p, other_key);
  RC_ASSERT(!other_verdict.has_value());
  RC_ASSERT(other_verdict.error() == vrf_errc::proof_does_not_verify);

  // The content: the same output.
  Proposal content = p;
  if (*gen::arbitrary<bool>()) content.header.merkle_root = *gen_bytes<32>();
  if (*gen::arbitrary<bool>()) content.header.timestamp_ms = *gen::arbitrary<std::uint64_t>();
  const auto content_verdict = verify_proposal_vrf(content, vrf.public_key);
  RC_ASSERT(content_verdict.has_value());
  RC_ASSERT(content_verdict.value() == beta.value());

  // The signature is blind to the proof.
  Proposal reproved = p;
  reproved.vrf_proof = *gen_bytes<80>();
  RC_ASSERT(verify_proposal(reproved));
  RC_TAG("fields changed: " + std::to_string(__builtin_popcount(static_cast<unsigned>(fields))));
}

}  // namespace
}  // namespace midnight::prop
