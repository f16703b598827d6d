// SHA-256 and Ed25519 against published vectors, the tagged hashes, and the signing
// inputs of proposals and votes: exact layout and domain separation.
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "hex_support.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/messages.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {
namespace {

using test::hex_bytes;
using test::hex_vec;




class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init()); }
};

Keypair test_keypair(std::uint8_t fill) {
  Seed seed;
  seed.v.fill(fill);
  return keypair_from_seed(seed);
}

ChainId test_chain(std::uint8_t fill) {
  ChainId c;
  c.v.fill(fill);
  return c;
}

BlockHeader test_header(const ChainId& chain, const PublicKey& proposer) {
  BlockHeader h;
  h.chain_id = chain;
  h.height = 7;
  h.round = 2;
  h.prev_id.v.fill(0xAA);
  h.merkle_root.v.fill(0xBB);
  h.timestamp_ms = 1'700'000'000'000ULL;
  h.proposer = proposer;
  return h;
}

Vote test_vote(const ChainId& chain, VoteStep step, const Keypair& k) {
  Vote v;
  v.chain_id = chain;
  v.height = 7;
  v.round = 2;
  v.step = step;
  v.block_id.v.fill(0xCC);
  v.approve = true;
  v.voter = k.public_key;
  return sign_vote(v, k.secret_key);
}

// ---- SHA-256 (FIPS 180-2 examples) -------------------------------------------------------

TEST_F(CryptoTest, Sha256KnownVectors) {
  EXPECT_EQ(to_hex(sha256({})), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(test::text_bytes("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256(test::text_bytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_F(CryptoTest, Sha256MillionA) {
  Sha256 h;
  const std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(chunk);
  EXPECT_EQ(to_hex(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_F(CryptoTest, Sha256IncrementalEqualsOneShotAndResets) {
  const std::string_view msg = "the quick brown fox jumps over the lazy dog";
  for (std::size_t split = 0; split <= msg.size(); ++split) {
    Sha256 h;
    h.update(msg.substr(0, split)).update(msg.substr(split));
    EXPECT_EQ(h.finish(), sha256(test::text_bytes(msg))) << split;
  }
  Sha256 h;
  h.update(test::text_bytes("abc"));
  (void)h.finish();
  EXPECT_EQ(h.finish(), sha256({})) << "finish() leaves a fresh hasher";
}

TEST_F(CryptoTest, CryptoInitIsIdempotent) {
  EXPECT_TRUE(crypto_init());
  EXPECT_TRUE(crypto_init());
}

// ---- tags and txid -------------------------------------------------------------------------

TEST_F(CryptoTest, TagsAreNulTerminatedAndPrefixFree) {
  const std::array<std::string_view, 5> tags{tag::kTxId, tag::kBlockId, tag::kProposal, tag::kVote, tag::kCoinbase};
  for (std::string_view t : tags) {
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(t.back(), '\0') << t;
    EXPECT_EQ(t.find('\0'), t.size() - 1) << "exactly one NUL, at the end";
    EXPECT_EQ(t.substr(0, 12), "midnight/v1/");
  }
  for (std::string_view a : tags) {
    for (std::string_view b : tags) {
      if (a != b) {
        EXPECT_NE(b.substr(0, a.size()), a) << "a tag must not be a prefix of another";
      }
    }
  }
  EXPECT_EQ(to_hex(test::text_bytes(tag::kVote)), "6d69646e696768742f76312f766f746500");
}

TEST_F(CryptoTest, TxIdIsTaggedHashOverChainAndBytes) {
  const ChainId chain = test_chain(0x42);
  const std::vector<std::uint8_t> tx{1, 2, 3};
  EXPECT_EQ(compute_txid(chain, tx), sha256(test::concat({test::text_bytes(tag::kTxId), chain.span(), tx})));
  EXPECT_NE(compute_txid(chain, tx), sha256(tx));
}

TEST_F(CryptoTest, DomainSeparationChainIdChangesEveryHash) {
  const Keypair k = test_keypair(0x07);
  const ChainId a = test_chain(0x01), b = test_chain(0x02);
  const std::vector<std::uint8_t> tx{9, 9, 9};
  EXPECT_NE(compute_txid(a, tx), compute_txid(b, tx));
  EXPECT_NE(compute_block_id(test_header(a, k.public_key)), compute_block_id(test_header(b, k.public_key)));
  EXPECT_NE(proposal_signing_input(test_header(a, k.public_key)), proposal_signing_input(test_header(b, k.public_key)));
  Vote va = test_vote(a, VoteStep::prevote, k), vb = test_vote(b, VoteStep::prevote, k);
  EXPECT_NE(vote_signing_input(va), vote_signing_input(vb));
  // A vote signed on chain a does not verify once moved to chain b.
  va.chain_id = b;
  EXPECT_FALSE(verify_vote(va));
}

TEST_F(CryptoTest, BlockIdIsTaggedHashOfHeaderBody) {
  const BlockHeader h = test_header(test_chain(0x01), test_keypair(1).public_key);
  std::array<std::uint8_t, kHeaderBodySize> body{};
  encode_header_body(h, body);
  EXPECT_EQ(compute_block_id(h), sha256(test::concat({test::text_bytes(tag::kBlockId), body})));
  // Every header field is covered.
  BlockHeader g = h;
  g.timestamp_ms += 1;
  EXPECT_NE(compute_block_id(g), compute_block_id(h));
  g = h;
  g.proposer.v[31] ^= 1;
  EXPECT_NE(compute_block_id(g), compute_block_id(h));
  g = h;
  g.merkle_root.v[0] ^= 1;
  EXPECT_NE(compute_block_id(g), compute_block_id(h));
}

// ---- Ed25519 (RFC 8032 section 7.1) -----------------------------------------------------------

TEST_F(CryptoTest, Ed25519Rfc8032Test1) {
  const Seed seed = hex_bytes<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const Keypair k = keypair_from_seed(seed);
  EXPECT_EQ(to_hex(k.public_key), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Signature sig = sign_detached(k.secret_key, {});
  EXPECT_EQ(to_hex(sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0"
            "595bbe24655141438e7a100b");
  EXPECT_TRUE(verify_detached(k.public_key, sig, {}));
}

TEST_F(CryptoTest, Ed25519Rfc8032Test2) {
  const Seed seed = hex_bytes<32>("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb");
  const Keypair k = keypair_from_seed(seed);
  EXPECT_EQ(to_hex(k.public_key), "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
  const std::vector<std::uint8_t> msg{0x72};
  const Signature sig = sign_detached(k.secret_key, msg);
  EXPECT_EQ(to_hex(sig),
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4"
            "302aeeb00d291612bb0c00");
  EXPECT_TRUE(verify_detached(k.public_key, sig, msg));
}

TEST_F(CryptoTest, Ed25519VerifyRejectsAnyFlippedBit) {
  const Keypair k = keypair_from_seed(hex_bytes<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  const std::vector<std::uint8_t> msg = hex_vec("00112233445566778899");
  const Signature sig = sign_detached(k.secret_key, msg);
  ASSERT_TRUE(verify_detached(k.public_key, sig, msg));
  for (std::size_t bit = 0; bit < 8 * Signature::size(); ++bit) {
    Signature bad = sig;
    bad.v[bit / 8] ^= std::uint8_t(1u << (bit % 8));
    EXPECT_FALSE(verify_detached(k.public_key, bad, msg)) << "signature bit " << bit;
  }
  for (std::size_t bit = 0; bit < 8 * msg.size(); ++bit) {
    std::vector<std::uint8_t> bad = msg;
    bad[bit / 8] ^= std::uint8_t(1u << (bit % 8));
    EXPECT_FALSE(verify_detached(k.public_key, sig, bad)) << "message bit " << bit;
  }
  for (std::size_t bit = 0; bit < 8 * PublicKey::size(); ++bit) {
    PublicKey bad = k.public_key;
    bad.v[bit / 8] ^= std::uint8_t(1u << (bit % 8));
    EXPECT_FALSE(verify_detached(bad, sig, msg)) << "public key bit " << bit;
  }
}

TEST_F(CryptoTest, Ed25519RejectsNonCanonicalS) {
  // S and S + L (L = the group order) satisfy the same verification equation; only the
  // canonical S < L is accepted, so a signature cannot be re-encoded into another valid one.
  const Keypair k = test_keypair(0x41);
  const std::vector<std::uint8_t> msg{1, 2, 3};
  const Signature sig = sign_detached(k.secret_key, msg);
  ASSERT_TRUE(verify_detached(k.public_key, sig, msg));
  const std::array<std::uint8_t, 32> order_le = {
      0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  Signature malleated = sig;
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {  // little-endian S + L (< 2^254: no overflow)
    const unsigned sum = unsigned(sig.v[32 + i]) + order_le[i] + carry;
    malleated.v[32 + i] = std::uint8_t(sum);
    carry = sum >> 8;
  }
  ASSERT_EQ(carry, 0u);
  EXPECT_FALSE(verify_detached(k.public_key, malleated, msg));
}

TEST_F(CryptoTest, Ed25519RejectsSmallOrderKey) {
  // With the identity as public key, R = identity and S = 0 satisfy [S]B = R + [k]A for
  // every message; the small-order key must be refused.
  PublicKey identity;
  identity.v[0] = 0x01;
  Signature forged;
  forged.v[0] = 0x01;
  const std::vector<std::uint8_t> msg{4, 5, 6};
  EXPECT_FALSE(verify_detached(identity, forged, msg));
}

TEST_F(CryptoTest, Ed25519KeypairIsDeterministic) {
  EXPECT_EQ(test_keypair(3).public_key, test_keypair(3).public_key);
  EXPECT_EQ(test_keypair(3).secret_key, test_keypair(3).secret_key);
  EXPECT_NE(test_keypair(3).public_key, test_keypair(4).public_key);
}

// ---- signing inputs ------------------------------------------------------------------------------

TEST_F(CryptoTest, ProposalSigningInputLayout) {
  const BlockHeader h = test_header(test_chain(0x5A), test_keypair(1).public_key);
  const ProposalSigningInput in = proposal_signing_input(h);
  const std::string hex = to_hex(in);
  EXPECT_EQ(hex.substr(0, 42), to_hex(test::text_bytes(tag::kProposal)));
  EXPECT_EQ(hex.substr(42, 64), to_hex(h.chain_id));
  EXPECT_EQ(hex.substr(106, 16), "0000000000000007");
  EXPECT_EQ(hex.substr(122, 8), "00000002");
  EXPECT_EQ(hex.substr(130), to_hex(compute_block_id(h)));
}

TEST_F(CryptoTest, VoteSigningInputLayout) {
  const Vote v = test_vote(test_chain(0x5A), VoteStep::precommit, test_keypair(1));
  const std::string hex = to_hex(vote_signing_input(v));
  EXPECT_EQ(hex.substr(0, 34), to_hex(test::text_bytes(tag::kVote)));
  EXPECT_EQ(hex.substr(34, 64), to_hex(v.chain_id));
  EXPECT_EQ(hex.substr(98, 16), "0000000000000007");
  EXPECT_EQ(hex.substr(114, 8), "00000002");
  EXPECT_EQ(hex.substr(122, 2), "02");
  EXPECT_EQ(hex.substr(124, 64), to_hex(v.block_id));
  EXPECT_EQ(hex.substr(188), "01");
}

TEST_F(CryptoTest, SignAndVerifyProposalAndVote) {
  const Keypair k = test_keypair(0x11);
  const Proposal p = test::sign_proposal_as(test_header(test_chain(1), k.public_key), k);
  EXPECT_TRUE(verify_proposal(p));
  Proposal bad = p;
  bad.header.height += 1;
  EXPECT_FALSE(verify_proposal(bad));
  bad = p;
  bad.header.proposer = test_keypair(0x12).public_key;
  EXPECT_FALSE(verify_proposal(bad));

  const Vote v = test_vote(test_chain(1), VoteStep::prevote, k);
  EXPECT_TRUE(verify_vote(v));
  Vote w = v;
  w.approve = false;
  EXPECT_FALSE(verify_vote(w)) << "approve is signed";
  w = v;
  w.round += 1;
  EXPECT_FALSE(verify_vote(w)) << "round is signed";
  w = v;
  w.block_id.v[5] ^= 1;
  EXPECT_FALSE(verify_vote(w)) << "block id is signed";
}

TEST_F(CryptoTest, VoteStepsSignDifferentInputs) {
  const Keypair k = test_keypair(0x21);
  const Vote pre = test_vote(test_chain(1), VoteStep::prevote, k);
  const Vote com = test_vote(test_chain(1), VoteStep::precommit, k);
  EXPECT_NE(vote_signing_input(pre), vote_signing_input(com));
  EXPECT_NE(pre.signature, com.signature);
  // A prevote's signature does not make a precommit.
  Vote forged = pre;
  forged.step = VoteStep::precommit;
  EXPECT_FALSE(verify_vote(forged));
}

TEST_F(CryptoTest, VoteSignatureDoesNotVerifyAsProposalSignature) {
  const Keypair k = test_keypair(0x31);
  const BlockHeader h = test_header(test_chain(1), k.public_key);
  // The vote names exactly the block the proposal is for, at the same height and round.
  Vote v;
  v.chain_id = h.chain_id;
  v.height = h.height;
  v.round = h.round;
  v.step = VoteStep::prevote;
  v.block_id = compute_block_id(h);
  v.approve = true;
  v.voter = k.public_key;
  v = sign_vote(v, k.secret_key);
  ASSERT_TRUE(verify_vote(v));
  EXPECT_FALSE(verify_proposal(Proposal{h, v.signature}));
  // And the other way round.
  const Proposal p = test::sign_proposal_as(h, k);
  Vote w = v;
  w.signature = p.signature;
  EXPECT_FALSE(verify_vote(w));
  w.step = VoteStep::precommit;
  EXPECT_FALSE(verify_vote(w));
}

// ---- certificates ------------------------------------------------------------------------------------

TEST_F(CryptoTest, CertificateVoteIsTheSignedPrecommit) {
  Certificate c;
  c.chain_id = test_chain(3);
  c.height = 9;
  c.round = 1;
  c.block_id.v.fill(0x77);
  c.signatures.resize(2);
  std::array<Keypair, 2> keys{test_keypair(1), test_keypair(2)};
  if (keys[1].public_key < keys[0].public_key) std::swap(keys[0], keys[1]);
  for (std::size_t i = 0; i < 2; ++i) {
    Vote v;
    v.chain_id = c.chain_id;
    v.height = c.height;
    v.round = c.round;
    v.step = VoteStep::precommit;
    v.block_id = c.block_id;
    v.approve = true;
    v.voter = keys[i].public_key;
    v = sign_vote(v, keys[i].secret_key);
    c.signatures[i] = {v.voter, v.signature};
    EXPECT_EQ(c.vote(i), v);
    EXPECT_TRUE(verify_vote(c.vote(i)));
  }
}

TEST_F(CryptoTest, CertificateEqualityIgnoresReservedRoom) {
  Certificate a;
  a.chain_id = test_chain(3);
  a.height = 9;
  a.block_id.v.fill(0x77);
  a.signatures.resize(1);
  a.signatures[0].voter.v.fill(1);
  Certificate b = a;
  b.reserve_entries(64);  // room for more entries: not part of the value
  ASSERT_GE(b.signatures.capacity(), 64u);
  EXPECT_EQ(a, b);
  EXPECT_EQ(b.count(), 1u);
  b.signatures[0].signature.v[0] = 1;
  EXPECT_NE(a, b);
  b = a;
  b.signatures.push_back(a.signatures[0]);  // one more entry
  EXPECT_EQ(b.count(), 2u);
  EXPECT_NE(a, b);
  b = a;
  b.round = 1;
  EXPECT_NE(a, b);
  b = a;
  b.block_id.v[0] = 0;
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace midnight
