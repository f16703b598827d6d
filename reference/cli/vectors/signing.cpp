// signing.json: Ed25519 keys from seeds, the proposal and vote signing inputs, and the
// signatures a verifier must accept or reject (the acceptance rule's edge cases included).
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../message_json.hpp"
#include "common.hpp"
#include "families.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

Buf parse_hex_buf(std::string_view hex) {
  Buf out(hex.size() / 2);
  require(hex.size() % 2 == 0 && from_hex(hex, out), "bad hex constant");
  return out;
}

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

// Whether S, the last 32 bytes read little-endian, is below L (spec/encoding.md §7 item 1).
bool s_below_group_order(const Signature& sig) {
  const Bytes<32> l = parse_hex<32>(kGroupOrderLe);
  for (std::size_t i = 32; i-- > 0;)
    if (sig.v[32 + i] != l.v[i]) return sig.v[32 + i] < l.v[i];
  return false;
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


}  // namespace

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
  // The labels of the verify cases (spec/vectors/README.md, Flags).
  CaseFlags flags(
      "signing",
      {{"Valid", "An ordinary signature by the key's holder over the message given, which MUST verify "
                 "(spec/encoding.md §7)."},
       {"WrongMessage", "The signature is valid for another message (here another signing input), so the equation "
                        "of spec/encoding.md §7 item 4 fails."},
       {"ModifiedR", "One bit of a valid signature's R is flipped, so the equation of spec/encoding.md §7 item 4 "
                     "fails."},
       {"ModifiedS", "One bit of a valid signature's S is flipped (S stays below L), so the equation of "
                     "spec/encoding.md §7 item 4 fails."},
       {"WrongPublicKey", "The signature is checked under a key other than the signer's (one bit flipped), so the "
                          "equation of spec/encoding.md §7 item 4 fails."},
       {"SignatureMalleability", "S is replaced by S + L, an encoding of the same scalar not below the group order, "
                                 "which spec/encoding.md §7 item 1 rejects."},
       {"SmallOrderPublicKey", "The public key is the canonical encoding of a point of small order ([8]A is the "
                               "identity), which spec/encoding.md §7 item 2 rejects."},
       {"SmallOrderR", "R encodes a point of small order (canonically or not), which spec/encoding.md §7 item 3 "
                       "rejects whatever the equation says."},
       {"MixedOrderR", "R is a point of large order plus a point of order 8, allowed as such but here failing the "
                       "plain equation of spec/encoding.md §7 item 4."},
       {"MixedOrderPublicKey", "The public key is seed 1's key plus a point of order 8, allowed as such: it verifies "
                               "exactly when the plain equation of spec/encoding.md §7 item 4 holds."},
       {"CofactoredEquationOnly", "Only the cofactored equation [8][S]B = [8]R + [8][k]A holds, not the plain one, "
                                  "so spec/encoding.md §7 rejects what a cofactored (ZIP 215, batch) verifier "
                                  "accepts."},
       {"ChallengeMultipleOf8", "k = SHA-512(R || A || M) mod L is a multiple of 8, so the order-8 part of a "
                                "mixed-order key drops out and the plain equation of spec/encoding.md §7 holds: "
                                "MUST verify."},
       {"NonCanonicalPublicKey", "The public key's y is not below p = 2^255 - 19 (here the identity with y = p + 1), "
                                 "which spec/encoding.md §7 item 2 rejects before decoding."},
       {"NonCanonicalR", "R's y is not below p (here the identity with y = p + 1), which never equals a canonical "
                         "encoding and so never verifies (spec/encoding.md §7 items 3 and 4)."}});
  flags.write_definitions(w);
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
  require(s_below_group_order(flipped_s) && !s_below_group_order(add_group_order(prevote.signature)),
          "flipped S stays below L, S + L does not");
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
    std::vector<std::string_view> flags;  // labels (CaseFlags above)
  };
  const VerifyCase verify_cases[] = {
      {"the prevote's signature over its own signing input", prevote.voter, Buf(prevote_in.begin(), prevote_in.end()),
       prevote.signature, true, {"Valid"}},
      {"the prevote's signature over the precommit's signing input (step byte differs)", prevote.voter,
       Buf(precommit_in.begin(), precommit_in.end()), prevote.signature, false, {"WrongMessage"}},
      {"one bit of R flipped", prevote.voter, Buf(prevote_in.begin(), prevote_in.end()), flipped_r, false,
       {"ModifiedR"}},
      {"one bit of S flipped", prevote.voter, Buf(prevote_in.begin(), prevote_in.end()), flipped_s, false,
       {"ModifiedS"}},
      {"another public key (one bit flipped)", flipped_key, Buf(prevote_in.begin(), prevote_in.end()),
       prevote.signature, false, {"WrongPublicKey"}},
      {"non-canonical S: S + L (group order) of a valid signature", prevote.voter,
       Buf(prevote_in.begin(), prevote_in.end()), add_group_order(prevote.signature), false,
       {"SignatureMalleability"}},
      {"small-order public key and R (the identity point), S = 0", identity, Buf(prevote_in.begin(), prevote_in.end()),
       identity_sig, false, {"SmallOrderPublicKey", "SmallOrderR"}},
      {"mixed-order R (a valid R plus a point of order 8), S for that R: only a cofactored equation accepts it",
       prevote.voter, Buf(prevote_in.begin(), prevote_in.end()), mixed_r_sig, false,
       {"MixedOrderR", "CofactoredEquationOnly"}},
      {"mixed-order public key (seed 1's key plus a point of order 8), k not a multiple of 8: only a cofactored "
       "equation accepts it",
       mixed_key, mixed_key_message, mixed_key_sig, false, {"MixedOrderPublicKey", "CofactoredEquationOnly"}},
      {"mixed-order public key, k a multiple of 8: the plain equation holds, so it MUST be accepted", mixed_key,
       mixed_key_message_8, mixed_key_sig_8, true, {"MixedOrderPublicKey", "ChallengeMultipleOf8"}},
      {"non-canonical public key: the identity encoded with y = p + 1", identity_y_p_plus_1,
       Buf(prevote_in.begin(), prevote_in.end()), identity_sig, false, {"NonCanonicalPublicKey", "SmallOrderR"}},
      {"non-canonical R: the identity encoded with y = p + 1, S = 0, under seed 1's key", prevote.voter,
       Buf(prevote_in.begin(), prevote_in.end()), non_canonical_identity_r, false, {"NonCanonicalR", "SmallOrderR"}},
  };
  for (const VerifyCase& c : verify_cases) {
    require(verify_detached(c.key, c.sig, c.message) == c.valid, std::string("verify case: ") + c.name);
    w.begin_object(true);
    w.field("name", c.name);
    w.field("public_key", to_hex(c.key));
    w.field("message_hex", to_hex(c.message));
    w.field("signature", to_hex(c.sig));
    w.field("valid", c.valid);
    flags.write_case(w, c.valid, c.flags);
    w.end_object();
  }
  w.end_array();
  flags.require_all_used();

  w.end_object();
}

}  // namespace midnight::cli::vectors
