// A second path to a few of the conformance vectors in spec/vectors/. The expected values
// below are copied from the committed JSON files (file and case named in each test); the
// inputs are rebuilt here from the conventions of spec/vectors/README.md and go through the
// library directly, never through the generator (reference/cli/vectors/). So a bug in
// the generator that wrote wrong vectors would fail here, and CI's diff against the
// committed files (tests/cli/vectors.sh) catches the generator drifting from them.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "hex_support.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight {
namespace {

using Buf = std::vector<std::uint8_t>;

Buf ascii(std::string_view s) { return Buf(s.begin(), s.end()); }

Buf hex(std::string_view h) { return test::hex_vec(h); }
using test::hex_bytes;

// The conventions of spec/vectors/README.md.
ChainId chain() {
  EXPECT_TRUE(crypto_init());
  return sha256(ascii("midnight-test-chain"));
}
BlockId genesis() { return sha256(ascii("midnight-test-genesis")); }
Keypair keys_of(std::uint8_t k) {  // seed k: 32 bytes of value k
  Seed s;
  s.v.fill(k);
  return keypair_from_seed(s);
}
VrfKeypair vrf_keys_of(std::uint8_t k) {  // VRF seed k: 0x76 0x72, then 30 bytes of value k
  Seed s;
  s.v.fill(k);
  s.v[0] = 0x76;
  s.v[1] = 0x72;
  return vrf_keypair_from_seed(s);
}
Destination destination_of(std::uint8_t k) {  // 32 bytes of value 0xd0 + k
  Destination d;
  d.v.fill(static_cast<std::uint8_t>(0xd0 + k));
  return d;
}
Membership members(std::initializer_list<std::uint64_t> weights) {  // seeds 1..n
  std::vector<Masternode> nodes;
  std::uint8_t k = 1;
  for (std::uint64_t w : weights) {
    nodes.push_back({keys_of(k).public_key, vrf_keys_of(k).public_key, destination_of(k), w});
    ++k;
  }
  return Membership::make(nodes).value();
}
constexpr std::uint64_t kMidnightMs = 1'735'689'600'000ULL;

// hashing.json, block_id[2]: every field multi-byte, on the other chain.
TEST(VectorsTest, HashingBlockIdOfAHeaderWithLargeFields) {
  BlockHeader h;
  h.chain_id = sha256(ascii("midnight-other-chain"));
  h.height = 1'234'567'890'123ULL;
  h.round = 15;
  h.prev_id.v.fill(0xff);
  h.merkle_root = Hash32{};
  h.timestamp_ms = 0x0011'2233'4455'6677ULL;
  h.proposer = keys_of(2).public_key;
  std::array<std::uint8_t, kHeaderBodySize> body{};
  encode_header_body(h, body);
  EXPECT_EQ(to_hex(body),
            "0001"
            "6e17f423947af8e1830e86ed88b1be833dcff86e0fdfefcaca4686694d106683"
            "0000011f71fb04cb"
            "0000000f"
            "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
            "0000000000000000000000000000000000000000000000000000000000000000"
            "0011223344556677"
            "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394");
  EXPECT_EQ(to_hex(compute_block_id(h)), "fb7e1e2ef59f55203287de50293cbb972af793e8487dd5bd4040f3da2739bf7c");
}

// hashing.json, merkle: leaf i is i + 1 bytes of value 0xa0 + i.
TEST(VectorsTest, HashingMerkleRootsNeverDuplicateAnOddNode) {
  std::vector<Buf> leaves;
  for (std::size_t i = 0; i < 5; ++i) leaves.emplace_back(i + 1, static_cast<std::uint8_t>(0xa0 + i));
  const std::vector<TxBytes> views(leaves.begin(), leaves.end());
  EXPECT_EQ(to_hex(merkle_root(views)), "a5e5c7dcb7a252b9352ab279cfc39a2ef26b33d6f78d28b9ab9b25487168444e");
  EXPECT_EQ(to_hex(merkle_root(std::span(views).first(3))),
            "a06dc159774f3eeeb14731855e54df47841ec5819a8adbb8d62e845d322ccbc2");
  const TxBytes abcc[] = {views[0], views[1], views[2], views[2]};
  EXPECT_EQ(to_hex(merkle_root(abcc)), "dbede8436cf5fe9f2b019acafcbf17c4682cf9753a9845d35f501b9758f970b0");
}

// signing.json, proposals[1]: seed 2 proposes in round 2.
TEST(VectorsTest, SigningProposalOfSeedTwoInRoundTwo) {
  const Keypair k = keys_of(2);
  const BlockHeader h = make_header(chain(), 1, 2, genesis(), sha256(ascii("midnight-test-merkle")),
                                    kMidnightMs + 2 * 3000, k.public_key);
  EXPECT_EQ(to_hex(compute_block_id(h)), "054ed0f657d4241c71cb3d4f4fe1abd424d7d2056ea09511fb05dec4b78f3d7f");
  EXPECT_EQ(to_hex(proposal_signing_input(h)),
            "6d69646e696768742f76312f70726f706f73616c00"                        // tag
            "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"  // chain id
            "0000000000000001"                                                  // height
            "00000002"                                                          // round
            "054ed0f657d4241c71cb3d4f4fe1abd424d7d2056ea09511fb05dec4b78f3d7f");
  const Proposal p = sign_proposal(h, k.secret_key, vrf_keys_of(2).secret_key);
  EXPECT_EQ(to_hex(p.signature),
            "cf8e8e431cd8b74d92a01428fe4c2cec9253e2306ff171ceb6881725b0bfc0a9"
            "52281e61bd0e25e6a82eb17000ba8bb1447e5f1dadf4abfcb516870265506801");
  EXPECT_TRUE(verify_proposal(p));
}

// vrf.json, prove "protocol VRF input, VRF seed 1, round 0": member 1 proves round 0's
// VRF input with its VRF key, and the proof does not verify under its signing key (verify
// "the same member's signing key (seed 1), not its VRF key").
TEST(VectorsTest, VrfProofOfVrfSeedOneInRoundZero) {
  const VrfKeypair k = vrf_keys_of(1);
  EXPECT_EQ(to_hex(k.public_key), "e59312d3146e808a510d9d8ddbe8683b9adbb06651433dde1690ea59819d2476");
  const VrfInput alpha = vrf_input(chain(), 1, 0, genesis());
  const auto pi = ecvrf_prove(k.secret_key, alpha);
  ASSERT_TRUE(pi.has_value());
  EXPECT_EQ(to_hex(pi.value()),
            "293d7b080d8655d6e4059bc7b0e5aa371b30961bf8d5e0126c7e8813ff967b19dfca5aa0a7789bf14beefcb2338207259b"
            "80dc457c8bd6378d654efaba779c5d614d3268eba586e1472b0f47bb551e0f");
  const auto beta = ecvrf_verify(k.public_key, pi.value(), alpha);
  ASSERT_TRUE(beta.has_value());
  EXPECT_EQ(to_hex(beta.value()),
            "57e6cbc138ac930522452536e8ffb308698e1454ab3d2aa14936960c5fbc52a8d97bbfde1925e60ab3d0e38caaac2b6d"
            "c4cb5334d9bf842e2dfdc15534bd21f1");
  EXPECT_EQ(ecvrf_verify(keys_of(1).public_key, pi.value(), alpha).error(), vrf_errc::proof_does_not_verify);
}

// encoding.json, "nil precommit": seed 1, height 1, round 0, zero block id, approve false.
TEST(VectorsTest, EncodingNilPrecommit) {
  const Keypair k = keys_of(1);
  Vote v;
  v.chain_id = chain();
  v.height = 1;
  v.round = 0;
  v.step = VoteStep::precommit;
  v.approve = false;
  v.voter = k.public_key;
  v = sign_vote(v, k.secret_key);
  Buf out(kVoteMessageSize);
  ASSERT_EQ(encode_vote(v, out).value(), kVoteMessageSize);
  EXPECT_EQ(to_hex(out),
            "0205"                                                              // wire version 2, vote
            "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"  // chain id
            "0000000000000001"                                                  // height
            "00000000"                                                          // round
            "02"                                                                // precommit
            "0000000000000000000000000000000000000000000000000000000000000000"  // nil
            "00"                                                                // approve
            "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"  // voter
            "b459db33bc722dc03e1b1d4159ec2f173acb4409d1df25da6c126ffac7e2d862"
            "e86f26451d36444e73c270509c624a8631bdbc6c5abb14fc661ce91f6e806b0c");
  const auto decoded = decode_vote(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded.value(), v);
}

// encoding.json, "commit request (seed 3 asks for height 1)".
TEST(VectorsTest, EncodingCommitRequestOfSeedThree) {
  const Keypair k = keys_of(3);
  CommitRequest c;
  c.chain_id = chain();
  c.height = 1;
  c.requester = k.public_key;
  c = sign_commit_request(c, k.secret_key);
  Buf out(kCommitRequestMessageSize);
  ASSERT_EQ(encode_commit_request(c, out).value(), 138U);
  EXPECT_EQ(to_hex(out),
            "020a"                                                              // wire version 2, commit request
            "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"  // chain id
            "0000000000000001"                                                  // height
            "ed4928c628d1c2c6eae90338905995612959273a5c63f93636c14614ac8737d1"  // requester (seed 3)
            "432fd20f9df9fdc8b124e93564f47221245f43acfc0091df1a3540ad964840ca"
            "72ed2f18f9225a102b5bb1b337dd513fbaf327b63efcf212fa19b2314a47940d");
  const auto decoded = decode_commit_request(out);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded.value(), c);
  EXPECT_TRUE(verify_commit_request(decoded.value()));
}

// rejections.json, "masternode of weight 2^20 + 1", "transaction of length 0" and "vote
// with wire version 1 (a version 1 message)".
TEST(VectorsTest, RejectionsReportTheErrorFieldAndOffset) {
  DecodeWhere where;
  const Buf heavy = hex(
      "0202"
      "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"   // key: seed 1
      "e59312d3146e808a510d9d8ddbe8683b9adbb06651433dde1690ea59819d2476"   // vrf_key: VRF seed 1
      "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1"   // reward_to
      "0000000000100001");
  EXPECT_EQ(hex_bytes<32>("e59312d3146e808a510d9d8ddbe8683b9adbb06651433dde1690ea59819d2476"),
            vrf_keys_of(1).public_key);
  const auto m = decode_masternode(heavy, &where);
  ASSERT_FALSE(m.has_value());
  EXPECT_EQ(m.error(), codec_errc::weight_out_of_range);
  EXPECT_STREQ(where.field, "masternode.weight");
  EXPECT_EQ(where.offset, 98U);

  const auto t = decode_transaction(hex("020100000000"), &where);
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error(), codec_errc::length_out_of_range);
  EXPECT_STREQ(where.field, "transaction.length");
  EXPECT_EQ(where.offset, 2U);

  const auto v1 = decode_vote(
      hex("0105eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b00000000000000010000000001"
          "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d01"
          "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
          "d5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96"
          "924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f"),
      &where);
  ASSERT_FALSE(v1.has_value());
  EXPECT_EQ(v1.error(), codec_errc::unknown_version);
  EXPECT_STREQ(where.field, "prefix.version");
  EXPECT_EQ(where.offset, 0U);
}

// block_building.json, cases[0]: the mempool in its listed order.
TEST(VectorsTest, BlockBuildingFromAnUntidyMempool) {
  const Membership m = members({1, 2, 3, 4});
  const std::vector<Buf> mempool = {ascii("hello"), Buf{},        ascii("midnight"), Buf(65537, 0x5a),
                                    ascii("hello"), ascii("alpha"), ascii("bravo"),  Buf(65536, 0x5b),
                                    ascii("bravo"), Buf{0x00},      ascii("charlie")};
  const std::vector<TxBytes> views(mempool.begin(), mempool.end());
  const BlockContent c = build_block_content(chain(), 1, m, 1003, views);
  const auto shares = split_reward(m, 1003);
  EXPECT_EQ((std::array<std::uint64_t, 4>{shares[0], shares[1], shares[2], shares[3]}),
            (std::array<std::uint64_t, 4>{201, 101, 401, 300}));
  EXPECT_EQ(to_hex(m.member(0).key), "8139770ea87d175f56a35466c34c7ecccb8d8a91b4ee37a25df60f5b8fc9b394");
  EXPECT_EQ(c.txs.size(), 8U);
  EXPECT_EQ(c.mempool_bytes, 65567U);
  EXPECT_EQ(to_hex(c.txs[0]),
            "6d69646e696768742f76312f636f696e6261736500"                        // tag
            "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"  // chain id
            "0000000000000001"                                                  // height
            "0004"                                                              // members, u16
            "d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2d2"
            "00000000000000c9"  // 201
            "d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1"
            "0000000000000065"  // 101
            "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4"
            "0000000000000191"  // 401
            "d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3"
            "000000000000012c");  // 300
  EXPECT_EQ(to_hex(c.txs[2]), to_hex(ascii("midnight")));
  EXPECT_EQ(to_hex(c.merkle_root), "89172052c3828d5a7c69333acfb878449db72d82bb3262a0aa3d5a625e8ae596");
}

// reconciliation.json, exchanges[2] ("samples of 512: lacked and extra on both sides"):
// the samples, the estimate, the sketch size and what the requester lacks, from the sets
// themselves (sorted short ids, a set difference), without BodyExchange.
TEST(VectorsTest, ReconciliationSamplesOf512) {
  const Membership m = members({1, 2, 3, 4});
  const auto mempool = [](std::initializer_list<std::uint32_t> lacks, std::initializer_list<std::uint32_t> own) {
    std::vector<Buf> out;
    const auto add = [&](std::uint32_t i) {
      Buf t(40, 0x5b);  // i as u32 big-endian, then 36 bytes of 0x5b
      store_u32(t.data(), i);
      out.push_back(t);
    };
    for (std::uint32_t i = 0; i < 1200; ++i)
      if (std::find(lacks.begin(), lacks.end(), i) == lacks.end()) add(i);
    for (std::uint32_t i : own) add(i);
    return out;
  };
  const std::vector<Buf> mine_pool = mempool({5, 77, 901}, {1000000, 1000001});
  const std::vector<Buf> theirs_pool = mempool({10}, {2000000, 2000001, 2000002, 2000003});
  const BlockContent mine = build_block_content(chain(), 1, m, 1003, std::vector<TxBytes>(mine_pool.begin(), mine_pool.end()));
  const BlockContent theirs =
      build_block_content(chain(), 1, m, 1003, std::vector<TxBytes>(theirs_pool.begin(), theirs_pool.end()));
  BlockHeader h;
  h.chain_id = chain();
  h.height = 1;
  h.round = 0;
  h.prev_id = genesis();
  h.merkle_root = theirs.merkle_root;
  h.timestamp_ms = kMidnightMs;
  h.proposer = keys_of(1).public_key;
  const BlockId id = compute_block_id(h);
  EXPECT_EQ(to_hex(id), "022a4b601d2e84f432a8aa772685c74acb1b31f79e057a05da269d9b59315408");
  const SketchKey key = sketch_key(id);
  const auto short_ids = [&](const BlockContent& c) {
    std::vector<ShortTxId> ids;
    for (std::size_t i = 1; i < c.views.size(); ++i) ids.push_back(short_tx_id(key, compute_txid(chain(), c.views[i])));
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  const std::vector<ShortTxId> a = short_ids(mine);
  const std::vector<ShortTxId> x = short_ids(theirs);
  ASSERT_EQ(a.size(), 1199U);
  const std::size_t estimate = estimate_difference(std::span(a).first(512), a.size(), std::span(x).first(512), x.size());
  EXPECT_EQ(estimate, 29U);
  EXPECT_EQ(sketch_answer_cells(estimate, a.size(), encoded_size_block(theirs.views)), 79U);
  std::vector<ShortTxId> lacked;
  std::set_difference(x.begin(), x.end(), a.begin(), a.end(), std::back_inserter(lacked));
  std::vector<std::string> hexes;
  for (const ShortTxId v : lacked) {
    Buf b(8);
    store_u64(b.data(), v);
    hexes.push_back(to_hex(b));
  }
  EXPECT_EQ(hexes, (std::vector<std::string>{"1149c6ac8bd561dd", "1536dd015b5c0a37", "4ca3248e43ad9c9b", "c0268676330a54a3",
                                             "d74753751f41b22e", "dc7b7db80d7cb40a", "f4e52ffaea544fdd"}));
  EXPECT_EQ(to_hex(theirs.merkle_root), "904626af08f784f8f211abb8130a2c67f9aabe21141e92d2e7073fa5706387a8");
}

// rounds.json, both scenarios finalize the lowest round-0 block id; here it is found by
// building each member's round-0 proposal, without a round machine.
TEST(VectorsTest, RoundsFinalizeTheLowestRoundZeroBlock) {
  const Membership m = members({1, 1, 1, 1});
  const std::vector<Buf> mempool = {ascii("hello"), ascii("midnight")};
  const std::vector<TxBytes> views(mempool.begin(), mempool.end());
  const BlockContent c = build_block_content(chain(), 1, m, 1000, views);
  std::vector<BlockId> ids;
  for (const Masternode& mn : m.members()) {
    ids.push_back(compute_block_id(make_header(chain(), 1, 0, genesis(), c.merkle_root, kMidnightMs, mn.key)));
  }
  EXPECT_EQ(to_hex(*std::min_element(ids.begin(), ids.end())),
            "001286d131db4346e358cab3bbe3a3e99476e3fb95946a793a33968af46835ce");
  EXPECT_EQ(hex_bytes<32>("001286d131db4346e358cab3bbe3a3e99476e3fb95946a793a33968af46835ce"), ids[1])
      << "the block of member 1 (seed 1), as rounds.json's proposer_member_index says";
}

}  // namespace
}  // namespace midnight
