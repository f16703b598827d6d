// The canonical encoding: exact layouts, round trips of every message type, one test
// per rejection reason (with where decoding stopped), truncation at every length,
// trailing bytes, limits, encoder refusals, and random mutations that either fail
// cleanly or re-encode to the very same bytes.
#include "midnight/wire/codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "midnight/block/tx_sketch.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/messages.hpp"
#include "midnight/wire/signing.hpp"
#include "hex_support.hpp"

namespace midnight {
namespace {

using Buf = std::vector<std::uint8_t>;


Keypair keypair_of(std::uint8_t fill) {
  Seed seed;
  seed.v.fill(fill);
  return keypair_from_seed(seed);
}
VrfKeypair vrf_keypair_of(std::uint8_t fill) {
  Seed seed;
  seed.v.fill(fill);
  return vrf_keypair_from_seed(seed);
}

// ---- byte offsets of fields in whole messages (prefix included) -----------------------------
constexpr std::size_t kVoteStepAt = 2 + 32 + 8 + 4;         // 46
constexpr std::size_t kVoteBlockIdAt = kVoteStepAt + 1;      // 47
constexpr std::size_t kVoteApproveAt = kVoteBlockIdAt + 32;  // 79
constexpr std::size_t kMasternodeWeightAt = 2 + 32 + 32 + 32;  // 98: after key, vrf_key, reward_to
constexpr std::size_t kCertCountAt = 2 + 32 + 8 + 4 + 32;    // 78: count u16, big-endian
constexpr std::size_t kCertCountSize = 2;
constexpr std::size_t cert_voter_at(std::size_t i) {
  return kCertCountAt + kCertCountSize + i * kCertificateEntrySize;  // 80 + 96 i
}
static_assert(kCertificateFixedSize == 32 + 8 + 4 + 32 + kCertCountSize);
static_assert(kCertificateFixedSize == 78);
// Within a block body (add the body's start).
constexpr std::size_t kBodySignatureAt = kHeaderBodySize;       // 150
constexpr std::size_t kBodyTxCountAt = kBodySignatureAt + 64;   // 214
constexpr std::size_t kBodyFirstTxAt = kBodyTxCountAt + 4;      // 218

// ---- sample messages ------------------------------------------------------------------------------
struct Samples {
  Keypair proposer = keypair_of(0x10);
  VrfKeypair proposer_vrf = vrf_keypair_of(0x11);
  ChainId chain;
  Masternode masternode;
  BlockHeader header;
  Proposal proposal;
  Vote vote;
  Certificate certificate;
  CarriedPolka carried;  // the sample proposal with a polka of three prevotes for it
  Reproposal reproposal;  // that polka re-proposed by the voter below as its round-5 message
  CommitRequest commit_request;
  BodyRequest body_request;
  Buf sample_id_bytes;        // three short ids, ascending, 8 bytes each
  ReconcileRequest reconcile_request;  // a sketch request with a sample of three
  Buf sketch_bytes;           // a sketch of the mempool transactions
  BodySketchView body_sketch;
  std::vector<Buf> tx_storage;  // coinbase, then ascending txid
  std::vector<TxBytes> txs;

  Samples() {
    chain = sha256(test::text_bytes("codec-test-chain"));
    masternode.key = proposer.public_key;
    masternode.vrf_key = proposer_vrf.public_key;
    masternode.reward_to.v.fill(0xDD);
    masternode.weight = 1000;

    tx_storage.push_back(Buf{'c', 'o', 'i', 'n', 'b', 'a', 's', 'e'});
    std::vector<Buf> mempool;
    for (std::uint8_t i = 1; i <= 4; ++i) mempool.push_back(Buf(std::size_t(i) * 3, std::uint8_t(0x40 + i)));
    std::sort(mempool.begin(), mempool.end(),
              [&](const Buf& a, const Buf& b) { return compute_txid(chain, a) < compute_txid(chain, b); });
    tx_storage.insert(tx_storage.end(), mempool.begin(), mempool.end());
    for (const Buf& tx : tx_storage) txs.emplace_back(tx);

    header.chain_id = chain;
    header.height = 42;
    header.round = 3;
    header.prev_id = sha256(test::text_bytes("previous block"));
    header.merkle_root = sha256(test::text_bytes("not really a merkle root"));
    header.timestamp_ms = 1'735'689'600'000ULL;
    header.proposer = proposer.public_key;
    proposal = sign_proposal(header, proposer.secret_key, proposer_vrf.secret_key);

    const Keypair voter = keypair_of(0x20);
    vote.chain_id = chain;
    vote.height = 42;
    vote.round = 3;
    vote.step = VoteStep::precommit;
    vote.block_id = compute_block_id(header);
    vote.approve = true;
    vote.voter = voter.public_key;
    vote = sign_vote(vote, voter.secret_key);

    certificate = make_certificate(3);
    carried.proposal = proposal;
    carried.polka = make_certificate(3, VoteStep::prevote);
    reproposal.round = 5;
    reproposal.reproposer = voter.public_key;
    reproposal.carried = carried;
    sign_reproposal(reproposal, voter.secret_key, vrf_keypair_of(0x21).secret_key);

    CommitRequest request;
    request.chain_id = chain;
    request.height = 42;
    request.requester = voter.public_key;
    commit_request = sign_commit_request(request, voter.secret_key);

    BodyRequest body;
    body.chain_id = chain;
    body.height = 42;
    body.block_id = compute_block_id(header);
    body.requester = voter.public_key;
    body_request = sign_body_request(body, voter.secret_key);

    for (std::uint64_t id : {0x0102030405060708ULL, 0x1112131415161718ULL, 0xF1F2F3F4F5F6F7F8ULL}) {
      Buf b(8);
      store_u64(b.data(), id);
      sample_id_bytes.insert(sample_id_bytes.end(), b.begin(), b.end());
    }
    ReconcileRequest rq;
    rq.chain_id = chain;
    rq.height = 42;
    rq.block_id = compute_block_id(header);
    rq.requester = voter.public_key;
    rq.kind = ReconcileKind::sketch;
    rq.have = 3;
    rq.ids.bytes = sample_id_bytes;
    reconcile_request = sign_reconcile_request(rq, voter.secret_key);

    const SketchKey key = sketch_key(compute_block_id(header));
    TxSketch sketch = TxSketch::make(key, 2).value();
    for (std::size_t i = 1; i < txs.size(); ++i) sketch.insert(short_tx_id(key, compute_txid(chain, txs[i])));
    sketch_bytes.resize(sketch.encoded_size());
    encode_tx_sketch(sketch, sketch_bytes);
    body_sketch = BodySketchView{chain, 42, compute_block_id(header), std::uint32_t(txs.size() - 1), sketch_bytes};
  }

  std::span<const TxBytes> mempool_txs() const { return std::span<const TxBytes>(txs).subspan(1); }

  // Voter number i of make_certificate: seeds filled with 0x80 + i for the first 64 (the
  // keys the samples always had), then seeds that spell out i, up to kMaxMembers voters.
  static const std::vector<Keypair>& voter_keys(std::size_t n) {
    static std::vector<Keypair> keys;
    while (keys.size() < n) {
      const std::size_t i = keys.size();
      if (i < 64) {
        keys.push_back(keypair_of(std::uint8_t(0x80 + i)));
      } else {
        Seed seed;
        seed.v.fill(0xCE);
        store_u64(seed.data() + Seed::size() - 8, i);
        keys.push_back(keypair_from_seed(seed));
      }
    }
    return keys;
  }

  // A certificate of `n` votes of `step` (precommits: a commit certificate; prevotes: a
  // re-proposal's polka) for the sample block, voters ascending.
  Certificate make_certificate(std::size_t n, VoteStep step = VoteStep::precommit) const {
    const std::vector<Keypair>& all = voter_keys(n);
    std::vector<Keypair> keys(all.begin(), all.begin() + std::ptrdiff_t(n));
    std::sort(keys.begin(), keys.end(), [](const Keypair& a, const Keypair& b) { return a.public_key < b.public_key; });
    Certificate c;
    c.chain_id = chain;
    c.height = header.height;
    c.round = header.round;
    c.block_id = compute_block_id(header);
    c.signatures.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      Vote v = c.vote(i, step);  // fills everything but the voter and signature
      v.voter = keys[i].public_key;
      v = sign_vote(v, keys[i].secret_key);
      c.signatures[i] = {v.voter, v.signature};
    }
    return c;
  }
};

const Samples& samples() {
  static const Samples s = [] {
    EXPECT_TRUE(crypto_init());
    return Samples();
  }();
  return s;
}

// ---- the allocating encoders: each sample must encode -------------------------------------------
Buf unwrap(result<Buf> encoded) {
  EXPECT_TRUE(encoded.has_value()) << (encoded ? "" : encoded.error().message());
  return encoded ? std::move(encoded).value() : Buf{};
}

// ---- decode any type, and re-encode what was decoded -----------------------------------------------
struct Decoded {
  std::error_code error;
  Buf reencoded;  // empty on error
};

template <class R>
std::error_code error_of(const R& r) {
  return r ? std::error_code{} : r.error();
}

Decoded decode_and_reencode(MessageType type, std::span<const std::uint8_t> in, DecodeWhere* where = nullptr) {
  Decoded d;
  switch (type) {
    case MessageType::transaction: {
      auto r = decode_transaction(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_transaction_to_vector(r.value()));
      break;
    }
    case MessageType::masternode: {
      auto r = decode_masternode(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::header: {
      auto r = decode_header(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::proposal: {
      auto r = decode_proposal(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::vote: {
      auto r = decode_vote(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::certificate: {
      auto c = std::make_unique<Certificate>();
      auto r = decode_certificate(in, *c, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(*c));
      break;
    }
    case MessageType::block: {
      auto b = std::make_unique<BlockView>();
      auto r = decode_block(in, *b, where);
      if (!(d.error = error_of(r)))
        d.reencoded = unwrap(encode_block_to_vector(b->header, b->signature, b->transactions()));
      break;
    }
    case MessageType::commit: {
      auto c = std::make_unique<CommitView>();
      auto r = decode_commit(in, *c, where);
      if (!(d.error = error_of(r)))
        d.reencoded = unwrap(encode_commit_to_vector(c->certificate, c->block.header, c->block.signature,
                                                     c->block.transactions()));
      break;
    }
    case MessageType::polka: {
      auto rp = std::make_unique<CarriedPolka>();
      auto r = decode_polka(in, *rp, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(*rp));
      break;
    }
    case MessageType::reproposal: {
      auto rp = std::make_unique<Reproposal>();
      auto r = decode_reproposal(in, *rp, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(*rp));
      break;
    }
    case MessageType::commit_request: {
      auto r = decode_commit_request(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::body_request: {
      auto r = decode_body_request(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::reconcile_request: {
      auto r = decode_reconcile_request(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::body_sketch: {
      auto r = decode_body_sketch(in, where);
      if (!(d.error = error_of(r))) d.reencoded = unwrap(encode_to_vector(r.value()));
      break;
    }
    case MessageType::body_transactions: {
      auto t = std::make_unique<BodyTransactionsView>();
      auto r = decode_body_transactions(in, *t, where);
      if (!(d.error = error_of(r)))
        d.reencoded = unwrap(encode_body_transactions_to_vector(t->chain_id, t->height, t->block_id, t->txs));
      break;
    }
  }
  return d;
}

constexpr std::array<MessageType, 15> kAllTypes{
    MessageType::transaction,       MessageType::masternode,     MessageType::header,      MessageType::proposal,
    MessageType::vote,              MessageType::certificate,    MessageType::block,       MessageType::commit,
    MessageType::reproposal,        MessageType::commit_request, MessageType::body_request,
    MessageType::reconcile_request, MessageType::body_sketch,    MessageType::body_transactions,
    MessageType::polka};

struct Sample {
  MessageType type;
  Buf bytes;
};

// One valid encoding of every message type.
std::vector<Sample> all_samples() {
  const Samples& s = samples();
  return {
      {MessageType::transaction, unwrap(encode_transaction_to_vector(s.txs[1]))},
      {MessageType::masternode, unwrap(encode_to_vector(s.masternode))},
      {MessageType::header, unwrap(encode_to_vector(s.header))},
      {MessageType::proposal, unwrap(encode_to_vector(s.proposal))},
      {MessageType::vote, unwrap(encode_to_vector(s.vote))},
      {MessageType::certificate, unwrap(encode_to_vector(s.certificate))},
      {MessageType::block, unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs))},
      {MessageType::commit, unwrap(encode_commit_to_vector(s.certificate, s.header, s.proposal.signature, s.txs))},
      {MessageType::reproposal, unwrap(encode_to_vector(s.reproposal))},
      {MessageType::polka, unwrap(encode_to_vector(s.carried))},
      {MessageType::commit_request, unwrap(encode_to_vector(s.commit_request))},
      {MessageType::body_request, unwrap(encode_to_vector(s.body_request))},
      {MessageType::reconcile_request, unwrap(encode_to_vector(s.reconcile_request))},
      {MessageType::body_sketch, unwrap(encode_to_vector(s.body_sketch))},
      {MessageType::body_transactions,
       unwrap(encode_body_transactions_to_vector(s.chain, 42, compute_block_id(s.header), s.mempool_txs()))},
  };
}

// Decodes a copy of exactly `in` (so ASan sees any read past the end) and checks the
// error and where decoding stopped.
void expect_reject(MessageType type, const Buf& in, codec_errc expected, std::string_view field, std::size_t offset) {
  const Buf copy(in);
  DecodeWhere where;
  const Decoded d = decode_and_reencode(type, copy, &where);
  EXPECT_EQ(d.error, expected) << "got: " << d.error.message();
  EXPECT_EQ(std::string_view(where.field), field);
  EXPECT_EQ(where.offset, offset);
}

class CodecTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(crypto_init()); }
  const Samples& s = samples();
};

// ======== layouts ===================================================================================

TEST_F(CodecTest, TransactionLayout) {
  const Buf tx{0xaa, 0xbb, 0xcc};
  EXPECT_EQ(to_hex(unwrap(encode_transaction_to_vector(tx))), "020100000003aabbcc");
}

TEST_F(CodecTest, MasternodeLayout) {
  const Buf b = unwrap(encode_to_vector(s.masternode));
  ASSERT_EQ(b.size(), 106u);
  EXPECT_EQ(to_hex(std::span(b).first(2)), "0202");
  EXPECT_EQ(to_hex(std::span(b).subspan(2, 32)), to_hex(s.masternode.key));
  EXPECT_EQ(to_hex(std::span(b).subspan(34, 32)), to_hex(s.masternode.vrf_key));
  EXPECT_EQ(to_hex(std::span(b).subspan(66, 32)), to_hex(s.masternode.reward_to));
  EXPECT_EQ(to_hex(std::span(b).subspan(98)), "00000000000003e8");
  EXPECT_EQ(decode_masternode(b).value(), s.masternode);
}

TEST_F(CodecTest, HeaderLayout) {
  const Buf b = unwrap(encode_to_vector(s.header));
  ASSERT_EQ(b.size(), 152u);
  const std::string hex = to_hex(b);
  EXPECT_EQ(hex.substr(0, 4), "0203");
  EXPECT_EQ(hex.substr(4, 4), "0001");
  EXPECT_EQ(hex.substr(8, 64), to_hex(s.header.chain_id));
  EXPECT_EQ(hex.substr(72, 16), "000000000000002a");
  EXPECT_EQ(hex.substr(88, 8), "00000003");
  EXPECT_EQ(hex.substr(96, 64), to_hex(s.header.prev_id));
  EXPECT_EQ(hex.substr(160, 64), to_hex(s.header.merkle_root));
  EXPECT_EQ(hex.substr(224, 16), "000001941f297c00");  // 1735689600000
  EXPECT_EQ(hex.substr(240), to_hex(s.header.proposer));
  std::array<std::uint8_t, kHeaderBodySize> body{};
  encode_header_body(s.header, body);
  EXPECT_TRUE(std::equal(body.begin(), body.end(), b.begin() + 2));
}

TEST_F(CodecTest, VoteLayout) {
  const Buf b = unwrap(encode_to_vector(s.vote));
  ASSERT_EQ(b.size(), 176u);
  const std::string hex = to_hex(b);
  EXPECT_EQ(hex.substr(0, 4), "0205");
  EXPECT_EQ(hex.substr(4, 64), to_hex(s.vote.chain_id));
  EXPECT_EQ(hex.substr(68, 16), "000000000000002a");
  EXPECT_EQ(hex.substr(84, 8), "00000003");
  EXPECT_EQ(hex.substr(2 * kVoteStepAt, 2), "02");
  EXPECT_EQ(hex.substr(2 * kVoteBlockIdAt, 64), to_hex(s.vote.block_id));
  EXPECT_EQ(hex.substr(2 * kVoteApproveAt, 2), "01");
  EXPECT_EQ(hex.substr(160, 64), to_hex(s.vote.voter));
  EXPECT_EQ(hex.substr(224), to_hex(s.vote.signature));
}

TEST_F(CodecTest, CertificateAndBlockLayout) {
  const Buf c = unwrap(encode_to_vector(s.certificate));
  ASSERT_EQ(c.size(), 2 + kCertificateFixedSize + 3 * kCertificateEntrySize);
  EXPECT_EQ(c[kCertCountAt], 0) << "count u16, high byte";
  EXPECT_EQ(c[kCertCountAt + 1], 3) << "count u16, low byte";
  EXPECT_EQ(cert_voter_at(0), 80u);
  EXPECT_TRUE(std::equal(s.certificate.signatures[1].voter.v.begin(), s.certificate.signatures[1].voter.v.end(),
                         c.begin() + std::ptrdiff_t(cert_voter_at(1))));

  const Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
  EXPECT_EQ(b[1], 0x07);
  EXPECT_EQ(load_u32(b.data() + 2 + kBodyTxCountAt), s.txs.size());
  EXPECT_EQ(load_u32(b.data() + 2 + kBodyFirstTxAt), s.txs[0].size());
  EXPECT_TRUE(std::equal(s.txs[0].begin(), s.txs[0].end(), b.begin() + 2 + kBodyFirstTxAt + 4));

  // A commit is one prefix, then the certificate body, then the block body.
  const Buf m = unwrap(encode_commit_to_vector(s.certificate, s.header, s.proposal.signature, s.txs));
  EXPECT_EQ(m[1], 0x08);
  EXPECT_EQ(m.size(), c.size() + b.size() - 2);
  EXPECT_TRUE(std::equal(c.begin() + 2, c.end(), m.begin() + 2));
  EXPECT_TRUE(std::equal(b.begin() + 2, b.end(), m.begin() + std::ptrdiff_t(c.size())));
}

// Wire v2 (spec/encoding.md): a polka is one prefix, the proposal body (header,
// signature, VRF proof), then a certificate body whose entries are prevote signatures.
TEST_F(CodecTest, PolkaLayout) {
  const Buf b = unwrap(encode_to_vector(s.carried));
  ASSERT_EQ(b.size(), kPrefixSize + kProposalBodySize + kCertificateFixedSize + 3 * kCertificateEntrySize);
  EXPECT_EQ(b.size(), encoded_size_polka(s.carried));
  EXPECT_EQ(to_hex(std::span(b).first(2)), "020f");
  const Buf p = unwrap(encode_to_vector(s.proposal));
  const Buf c = unwrap(encode_to_vector(s.carried.polka));
  EXPECT_TRUE(std::equal(p.begin() + 2, p.end(), b.begin() + 2)) << "the proposal body";
  EXPECT_TRUE(std::equal(c.begin() + 2, c.end(), b.begin() + 2 + std::ptrdiff_t(kProposalBodySize)))
      << "the certificate body";
  EXPECT_EQ(load_u16(b.data() + kPrefixSize + kProposalBodySize + kCertificateFixedSize - 2), 3)
      << "the polka's count, u16 at the end of the certificate's fixed part";
}

// A re-proposal: the prefix, round u32, reproposer, VRF proof, signature (180 bytes), then
// exactly the body of a polka message; its signature covers the round, the reproposer and
// the polka's block and round, and its proof the reproposer's VRF input of that round.
TEST_F(CodecTest, ReproposalLayout) {
  const Buf b = unwrap(encode_to_vector(s.reproposal));
  const Buf polka = unwrap(encode_to_vector(s.carried));
  ASSERT_EQ(b.size(), polka.size() + kReproposalFixedSize);
  EXPECT_EQ(b.size(), encoded_size_reproposal(s.reproposal));
  EXPECT_EQ(kReproposalFixedSize, 180U);
  EXPECT_EQ(to_hex(std::span(b).first(2)), "0209");
  EXPECT_EQ(load_u32(b.data() + kPrefixSize), 5U) << "the round";
  EXPECT_TRUE(std::equal(s.reproposal.reproposer.v.begin(), s.reproposal.reproposer.v.end(), b.begin() + 6));
  EXPECT_TRUE(std::equal(polka.begin() + 2, polka.end(), b.begin() + 2 + std::ptrdiff_t(kReproposalFixedSize)))
      << "the polka's body";
  EXPECT_TRUE(verify_reproposal(s.reproposal));
  EXPECT_TRUE(verify_reproposal_vrf(s.reproposal, vrf_keypair_of(0x21).public_key));
  Reproposal other = s.reproposal;
  other.round = 6;
  EXPECT_FALSE(verify_reproposal(other)) << "the round is signed";
  EXPECT_FALSE(verify_reproposal_vrf(other, vrf_keypair_of(0x21).public_key)) << "the proof is of the round";
  other = s.reproposal;
  other.carried.polka.round = 4;
  EXPECT_FALSE(verify_reproposal(other)) << "the polka's round is signed";
  other = s.reproposal;
  other.reproposer = s.proposer.public_key;
  EXPECT_FALSE(verify_reproposal(other)) << "the reproposer is the signer";
  const ReproposalSigningInput in = reproposal_signing_input(s.reproposal);
  EXPECT_EQ(in.size(), 135U);
  EXPECT_EQ(std::string(in.begin(), in.begin() + 23), std::string("midnight/v2/reproposal\0", 23));
}

// chain id, height u64, requester key, signature: 136 bytes after the prefix.
TEST_F(CodecTest, CommitRequestLayout) {
  const Buf b = unwrap(encode_to_vector(s.commit_request));
  ASSERT_EQ(b.size(), kCommitRequestMessageSize);
  ASSERT_EQ(b.size(), 138u);
  const std::string hex = to_hex(b);
  EXPECT_EQ(hex.substr(0, 4), "020a");
  EXPECT_EQ(hex.substr(4, 64), to_hex(s.commit_request.chain_id));
  EXPECT_EQ(hex.substr(68, 16), "000000000000002a");
  EXPECT_EQ(hex.substr(84, 64), to_hex(s.commit_request.requester));
  EXPECT_EQ(hex.substr(148), to_hex(s.commit_request.signature));
  // Its signing input: tag || chain id || height, so a request names neither a round nor
  // a block, and the signature binds the requester (it verifies only under that key).
  Buf expected(tag::kCommitRequest.begin(), tag::kCommitRequest.end());
  expected.insert(expected.end(), s.chain.v.begin(), s.chain.v.end());
  for (int i = 7; i >= 0; --i) expected.push_back(std::uint8_t(std::uint64_t{42} >> (8 * i)));
  const CommitRequestSigningInput in = commit_request_signing_input(s.commit_request);
  EXPECT_EQ(Buf(in.begin(), in.end()), expected);
}

// chain id, height u64, block id, requester key, signature: 168 bytes after the prefix.
TEST_F(CodecTest, BodyRequestLayout) {
  const Buf b = unwrap(encode_to_vector(s.body_request));
  ASSERT_EQ(b.size(), kBodyRequestMessageSize);
  ASSERT_EQ(b.size(), 170u);
  const std::string hex = to_hex(b);
  EXPECT_EQ(hex.substr(0, 4), "020b");
  EXPECT_EQ(hex.substr(4, 64), to_hex(s.body_request.chain_id));
  EXPECT_EQ(hex.substr(68, 16), "000000000000002a");
  EXPECT_EQ(hex.substr(84, 64), to_hex(s.body_request.block_id));
  EXPECT_EQ(hex.substr(148, 64), to_hex(s.body_request.requester));
  EXPECT_EQ(hex.substr(212), to_hex(s.body_request.signature));
  // Its signing input: tag || chain id || height || block id; the requester is bound by
  // the key the signature verifies under.
  Buf expected(tag::kBodyRequest.begin(), tag::kBodyRequest.end());
  expected.insert(expected.end(), s.chain.v.begin(), s.chain.v.end());
  for (int i = 7; i >= 0; --i) expected.push_back(std::uint8_t(std::uint64_t{42} >> (8 * i)));
  expected.insert(expected.end(), s.body_request.block_id.v.begin(), s.body_request.block_id.v.end());
  const BodyRequestSigningInput in = body_request_signing_input(s.body_request);
  EXPECT_EQ(Buf(in.begin(), in.end()), expected);

  const auto br = decode_body_request(b);
  ASSERT_TRUE(br);
  EXPECT_EQ(br.value(), s.body_request);
  EXPECT_TRUE(verify_body_request(br.value()));
  BodyRequest other_block = br.value();
  other_block.block_id.v[0] ^= 1;
  EXPECT_FALSE(verify_body_request(other_block));
  BodyRequest other_height = br.value();
  other_height.height += 1;
  EXPECT_FALSE(verify_body_request(other_height));
  expect_reject(MessageType::body_request, Buf(b.begin(), b.end() - 1), codec_errc::truncated,
                "body_request.signature", 2 + 32 + 8 + 32 + 32);
  expect_reject(MessageType::body_request, Buf(b.begin(), b.begin() + 60), codec_errc::truncated,
                "body_request.block_id", 2 + 32 + 8);
}

// ======== round trips ===============================================================================

TEST_F(CodecTest, RoundTripEverySample) {
  for (const Sample& sample : all_samples()) {
    const Decoded d = decode_and_reencode(sample.type, sample.bytes);
    ASSERT_FALSE(d.error) << int(sample.type) << ": " << d.error.message();
    EXPECT_EQ(d.reencoded, sample.bytes) << int(sample.type);
    const auto t = peek_message_type(sample.bytes);
    ASSERT_TRUE(t);
    EXPECT_EQ(t.value(), sample.type);
  }
}

TEST_F(CodecTest, RoundTripValues) {
  const Buf tx_bytes = unwrap(encode_transaction_to_vector(s.txs[2]));
  const auto tx = decode_transaction(tx_bytes);
  ASSERT_TRUE(tx);
  EXPECT_TRUE(std::equal(tx.value().begin(), tx.value().end(), s.txs[2].begin(), s.txs[2].end()));
  EXPECT_EQ(tx.value().data(), tx_bytes.data() + 6) << "a view into the input";

  const auto m = decode_masternode(unwrap(encode_to_vector(s.masternode)));
  ASSERT_TRUE(m);
  EXPECT_EQ(m.value(), s.masternode);
  const auto h = decode_header(unwrap(encode_to_vector(s.header)));
  ASSERT_TRUE(h);
  EXPECT_EQ(h.value(), s.header);
  const auto p = decode_proposal(unwrap(encode_to_vector(s.proposal)));
  ASSERT_TRUE(p);
  EXPECT_EQ(p.value(), s.proposal);
  EXPECT_TRUE(verify_proposal(p.value()));
  const auto v = decode_vote(unwrap(encode_to_vector(s.vote)));
  ASSERT_TRUE(v);
  EXPECT_EQ(v.value(), s.vote);
  EXPECT_TRUE(verify_vote(v.value()));

  auto c = std::make_unique<Certificate>();
  ASSERT_TRUE(decode_certificate(unwrap(encode_to_vector(s.certificate)), *c));
  EXPECT_EQ(*c, s.certificate);
  for (std::size_t i = 0; i < c->count(); ++i) EXPECT_TRUE(verify_vote(c->vote(i))) << i;

  const Buf block_bytes = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
  auto b = std::make_unique<BlockView>();
  ASSERT_TRUE(decode_block(block_bytes, *b));
  EXPECT_EQ(b->header, s.header);
  EXPECT_EQ(b->signature, s.proposal.signature);
  ASSERT_EQ(b->tx_count, s.txs.size());
  for (std::size_t i = 0; i < s.txs.size(); ++i) {
    EXPECT_TRUE(std::equal(b->txs[i].begin(), b->txs[i].end(), s.txs[i].begin(), s.txs[i].end())) << i;
    EXPECT_GE(b->txs[i].data(), block_bytes.data());
    EXPECT_LE(b->txs[i].data() + b->txs[i].size(), block_bytes.data() + block_bytes.size());
  }

  auto cm = std::make_unique<CommitView>();
  const Buf commit_bytes = unwrap(encode_commit_to_vector(s.certificate, s.header, s.proposal.signature, s.txs));
  ASSERT_TRUE(decode_commit(commit_bytes, *cm));
  EXPECT_EQ(cm->certificate, s.certificate);
  EXPECT_EQ(cm->block.header, s.header);
  EXPECT_EQ(cm->block.tx_count, s.txs.size());

  auto rp = std::make_unique<CarriedPolka>();
  ASSERT_TRUE(decode_polka(unwrap(encode_to_vector(s.carried)), *rp));
  EXPECT_EQ(*rp, s.carried);
  EXPECT_TRUE(verify_proposal(rp->proposal));
  for (std::size_t i = 0; i < rp->polka.count(); ++i) {
    EXPECT_TRUE(verify_vote(rp->polka.vote(i, VoteStep::prevote))) << i;
    EXPECT_FALSE(verify_vote(rp->polka.vote(i, VoteStep::precommit))) << "a polka entry signs a prevote: " << i;
  }

  const auto cr = decode_commit_request(unwrap(encode_to_vector(s.commit_request)));
  ASSERT_TRUE(cr);
  EXPECT_EQ(cr.value(), s.commit_request);
  EXPECT_TRUE(verify_commit_request(cr.value()));
  CommitRequest other_height = cr.value();
  other_height.height += 1;
  EXPECT_FALSE(verify_commit_request(other_height));
  CommitRequest other_chain = cr.value();
  other_chain.chain_id.v[0] ^= 1;
  EXPECT_FALSE(verify_commit_request(other_chain));
  CommitRequest other_requester = cr.value();
  other_requester.requester = s.proposer.public_key;
  EXPECT_FALSE(verify_commit_request(other_requester));
}

// A re-proposal carries up to a full polka (kMaxMembers prevotes), and any round.
TEST_F(CodecTest, RoundTripFullReproposal) {
  CarriedPolka full = s.carried;
  full.polka = s.make_certificate(kMaxMembers, VoteStep::prevote);
  full.polka.round = UINT32_MAX;  // the codec bounds no round; the machine does
  const Buf b = unwrap(encode_to_vector(full));
  EXPECT_EQ(b.size(), kPrefixSize + kProposalBodySize + kMaxCertificateBodySize);
  const Decoded d = decode_and_reencode(MessageType::polka, b);
  ASSERT_FALSE(d.error) << d.error.message();
  EXPECT_EQ(d.reencoded, b);
  auto back = std::make_unique<CarriedPolka>();
  ASSERT_TRUE(decode_polka(b, *back));
  EXPECT_EQ(*back, full);
}

TEST_F(CodecTest, RoundTripVoteVariants) {
  for (VoteStep step : {VoteStep::prevote, VoteStep::precommit}) {
    for (bool approve : {false, true}) {
      for (bool zero : {false, true}) {
        if (approve && zero) continue;  // not canonical, see NilVoteNotCanonical
        Vote v = s.vote;
        v.step = step;
        v.approve = approve;
        if (zero) v.block_id = BlockId{};
        const Buf b = unwrap(encode_to_vector(v));
        const auto d = decode_vote(b);
        ASSERT_TRUE(d) << d.error().message();
        EXPECT_EQ(d.value(), v);
        EXPECT_EQ(unwrap(encode_to_vector(d.value())), b);
      }
    }
  }
}

TEST_F(CodecTest, RoundTripBoundaryValues) {
  Masternode m = s.masternode;
  for (std::uint64_t w : {std::uint64_t{1}, kMaxMemberWeight}) {
    m.weight = w;
    const auto d = decode_masternode(unwrap(encode_to_vector(m)));
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().weight, w);
  }
  BlockHeader h = s.header;
  h.height = UINT64_MAX;
  h.round = UINT32_MAX;
  h.timestamp_ms = UINT64_MAX;
  const auto dh = decode_header(unwrap(encode_to_vector(h)));
  ASSERT_TRUE(dh);
  EXPECT_EQ(dh.value(), h);
  const Buf one{0x00};
  const Buf largest(kMaxTransactionBytes, 0xEE);
  for (const Buf* tx : {&one, &largest}) {
    const Buf b = unwrap(encode_transaction_to_vector(*tx));
    const auto d = decode_transaction(b);
    ASSERT_TRUE(d);
    EXPECT_EQ(d.value().size(), tx->size());
  }
}

TEST_F(CodecTest, RoundTripCoinbaseOnlyBlock) {
  const std::span<const TxBytes> only(s.txs.data(), 1);
  const Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, only));
  const Decoded d = decode_and_reencode(MessageType::block, b);
  ASSERT_FALSE(d.error);
  EXPECT_EQ(d.reencoded, b);
}

TEST_F(CodecTest, CoinbaseIsOutsideTheTxidOrder) {
  // Any coinbase, whatever its txid, followed by ascending transactions is canonical.
  std::vector<TxBytes> txs(s.txs.begin(), s.txs.end());
  for (std::size_t i = 1; i < txs.size(); ++i) {
    std::swap(txs[0], txs[i]);  // the coinbase slot gets some mempool tx ...
    std::vector<TxBytes> rest(txs.begin() + 1, txs.end());
    std::sort(rest.begin(), rest.end(), [&](TxBytes a, TxBytes b) {
      return compute_txid(s.chain, a) < compute_txid(s.chain, b);
    });
    std::copy(rest.begin(), rest.end(), txs.begin() + 1);  // ... and the rest is re-sorted
    const Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, txs));
    EXPECT_FALSE(decode_and_reencode(MessageType::block, b).error) << i;
  }
}

// ======== limits ====================================================================================

TEST_F(CodecTest, LimitsFullCertificateAndFullBlock) {
  const Certificate full = s.make_certificate(kMaxMembers);
  const Buf c = unwrap(encode_to_vector(full));
  EXPECT_EQ(c.size(), kPrefixSize + kMaxCertificateBodySize);
  EXPECT_EQ(load_u16(c.data() + kCertCountAt), kMaxMembers) << "the largest count, 0xffff";
  auto back = std::make_unique<Certificate>();
  ASSERT_TRUE(decode_certificate(c, *back));
  EXPECT_EQ(*back, full);

  // The largest possible block: the largest coinbase (kMaxCoinbaseBytes, every one of
  // kMaxMembers members paid) and kMaxBlockTransactions transactions of 128 bytes each
  // (exactly kMaxBlockTransactionBytes), slices of one buffer sorted by txids computed
  // once. With a full certificate it is the largest message there is.
  const Buf coinbase(kMaxCoinbaseBytes, 0xC0);
  constexpr std::size_t kTxSize = kMaxBlockTransactionBytes / kMaxBlockTransactions;
  static_assert(kTxSize * kMaxBlockTransactions == kMaxBlockTransactionBytes);
  Buf arena(kMaxBlockTransactionBytes, 0x5A);
  std::vector<std::pair<TxId, TxBytes>> keyed;
  keyed.reserve(kMaxBlockTransactions);
  for (std::uint32_t i = 0; i < kMaxBlockTransactions; ++i) {
    std::uint8_t* tx = arena.data() + std::size_t{i} * kTxSize;
    store_u32(tx, i);
    const TxBytes view(tx, kTxSize);
    keyed.emplace_back(compute_txid(s.chain, view), view);
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TxBytes> txs{TxBytes(coinbase)};
  txs.reserve(kMaxBlockTransactions + 1);
  for (const auto& [id, view] : keyed) txs.push_back(view);

  const Buf m = unwrap(encode_commit_to_vector(full, s.header, s.proposal.signature, txs));
  EXPECT_EQ(m.size(), kMaxMessageSize);
  EXPECT_EQ(encoded_size_block(txs), kPrefixSize + kMaxBlockBodySize);
  const Decoded d = decode_and_reencode(MessageType::commit, m);
  ASSERT_FALSE(d.error) << d.error.message();
  EXPECT_EQ(d.reencoded, m);

  // One more transaction is one too many.
  Buf extra(1, 0x01);
  std::vector<TxBytes> too_many = txs;
  too_many.push_back(extra);
  Buf out(kMaxMessageSize + 16);
  const auto r = encode_block(s.header, s.proposal.signature, too_many, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), codec_errc::count_out_of_range);
}

// ======== one test per rejection reason ===============================================================

TEST_F(CodecTest, RejectTruncated) {
  const Buf v = unwrap(encode_to_vector(s.vote));
  // Cut inside the block id: the field being read is reported at its start.
  expect_reject(MessageType::vote, Buf(v.begin(), v.begin() + 60), codec_errc::truncated, "vote.block_id",
                kVoteBlockIdAt);
  expect_reject(MessageType::vote, Buf(v.begin(), v.end() - 1), codec_errc::truncated, "vote.signature", 112);
  expect_reject(MessageType::vote, Buf{}, codec_errc::truncated, "prefix.version", 0);
  expect_reject(MessageType::vote, Buf{kWireVersion}, codec_errc::truncated, "prefix.type", 1);
  // A re-proposal cut inside its polka, and a commit request cut inside its signature.
  const Buf rp = unwrap(encode_to_vector(s.carried));
  const std::size_t polka_at = kPrefixSize + kProposalBodySize;
  expect_reject(MessageType::polka, Buf(rp.begin(), rp.begin() + std::ptrdiff_t(polka_at + 10)),
                codec_errc::truncated, "certificate.chain_id", polka_at);
  expect_reject(MessageType::polka, Buf(rp.begin(), rp.begin() + std::ptrdiff_t(polka_at)),
                codec_errc::truncated, "certificate.chain_id", polka_at);
  expect_reject(MessageType::polka, Buf(rp.begin(), rp.begin() + 60), codec_errc::truncated,
                "header.prev_id", 2 + 2 + 32 + 8 + 4);
  const Buf cr = unwrap(encode_to_vector(s.commit_request));
  expect_reject(MessageType::commit_request, Buf(cr.begin(), cr.end() - 1), codec_errc::truncated,
                "commit_request.signature", 2 + 32 + 8 + 32);
  expect_reject(MessageType::commit_request, Buf(cr.begin(), cr.begin() + 40), codec_errc::truncated,
                "commit_request.height", 2 + 32);
  // A transaction length that promises more than there is.
  Buf t = unwrap(encode_transaction_to_vector(s.txs[1]));
  store_u32(t.data() + 2, std::uint32_t(s.txs[1].size() + 1));
  expect_reject(MessageType::transaction, t, codec_errc::truncated, "transaction.bytes", 6);
  // A certificate whose count promises one more signature than there is (the count's
  // low byte), or 256 more (its high byte).
  Buf c = unwrap(encode_to_vector(s.certificate));
  c[kCertCountAt + 1] = 4;
  expect_reject(MessageType::certificate, c, codec_errc::truncated, "certificate.sig[3].voter", cert_voter_at(3));
  c = unwrap(encode_to_vector(s.certificate));
  c[kCertCountAt] = 1;
  expect_reject(MessageType::certificate, c, codec_errc::truncated, "certificate.sig[3].voter", cert_voter_at(3));
}

TEST_F(CodecTest, RejectTruncatedAtEveryLength) {
  for (const Sample& sample : all_samples()) {
    for (std::size_t len = 0; len < sample.bytes.size(); ++len) {
      const Buf cut(sample.bytes.begin(), sample.bytes.begin() + std::ptrdiff_t(len));  // exact size for ASan
      DecodeWhere where;
      const Decoded d = decode_and_reencode(sample.type, cut, &where);
      ASSERT_EQ(d.error, codec_errc::truncated) << int(sample.type) << " cut at " << len;
      ASSERT_LE(where.offset, len);
      if (len < kPrefixSize) {
        EXPECT_EQ(peek_message_type(cut).error(), codec_errc::truncated);
      }
    }
  }
}

TEST_F(CodecTest, RejectTrailingBytes) {
  for (const Sample& sample : all_samples()) {
    Buf longer = sample.bytes;
    longer.push_back(0x00);
    expect_reject(sample.type, longer, codec_errc::trailing_bytes, "trailing", sample.bytes.size());
    // Two messages back to back are not one message.
    Buf twice = sample.bytes;
    twice.insert(twice.end(), sample.bytes.begin(), sample.bytes.end());
    expect_reject(sample.type, twice, codec_errc::trailing_bytes, "trailing", sample.bytes.size());
  }
}

TEST_F(CodecTest, RejectUnknownVersion) {
  for (const Sample& sample : all_samples()) {
    // 0x01: every v1 message is refused whole (its rounds, re-proposals and schedule differ).
    for (std::uint8_t version : std::array<std::uint8_t, 4>{0x00, 0x01, 0x03, 0xff}) {
      Buf b = sample.bytes;
      b[0] = version;
      expect_reject(sample.type, b, codec_errc::unknown_version, "prefix.version", 0);
      EXPECT_EQ(peek_message_type(b).error(), codec_errc::unknown_version);
    }
  }
  expect_reject(MessageType::vote, Buf{0x01}, codec_errc::unknown_version, "prefix.version", 0);
}

// The worked example's vote as wire v1 encoded it (spec/encoding.md before version 2):
// byte for byte a valid v1 message, refused by the v2 decoder on its first byte.
TEST_F(CodecTest, RejectVersionOneVote) {
  const Buf v1 = test::hex_vec(
      "0105"
      "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"
      "0000000000000001"
      "00000000"
      "01"
      "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d"
      "01"
      "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
      "d5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96"
      "924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f");
  ASSERT_EQ(v1.size(), kVoteMessageSize);
  expect_reject(MessageType::vote, v1, codec_errc::unknown_version, "prefix.version", 0);
  EXPECT_EQ(peek_message_type(v1).error(), codec_errc::unknown_version);
  // The same bytes with the v2 version byte are the v2 worked example: a valid vote.
  Buf v2 = v1;
  v2[0] = kWireVersion;
  const auto vote = decode_vote(v2);
  ASSERT_TRUE(vote) << vote.error().message();
  EXPECT_TRUE(verify_vote(vote.value()));
}

TEST_F(CodecTest, RejectUnknownMessageType) {
  for (const Sample& sample : all_samples()) {
    // 0x0f (polka) is the last type of wire v2.
    for (std::uint8_t type : std::array<std::uint8_t, 4>{0x00, 0x10, 0x80, 0xff}) {
      Buf b = sample.bytes;
      b[1] = type;
      expect_reject(sample.type, b, codec_errc::unknown_message_type, "prefix.type", 1);
      EXPECT_EQ(peek_message_type(b).error(), codec_errc::unknown_message_type);
    }
  }
}

TEST_F(CodecTest, RejectWrongMessageType) {
  for (const Sample& sample : all_samples()) {
    for (MessageType other : kAllTypes) {
      if (other == sample.type) continue;
      expect_reject(other, sample.bytes, codec_errc::wrong_message_type, "prefix.type", 1);
    }
  }
}

TEST_F(CodecTest, RejectBadHeaderVersion) {
  const std::size_t commit_block_at = 2 + kCertificateFixedSize + s.certificate.count() * kCertificateEntrySize;
  for (std::uint16_t version : {std::uint16_t{0}, std::uint16_t{2}, std::uint16_t{0x0100}, std::uint16_t{0xffff}}) {
    Buf h = unwrap(encode_to_vector(s.header));
    store_u16(h.data() + 2, version);
    expect_reject(MessageType::header, h, codec_errc::bad_header_version, "header.version", 2);
    Buf p = unwrap(encode_to_vector(s.proposal));
    store_u16(p.data() + 2, version);
    expect_reject(MessageType::proposal, p, codec_errc::bad_header_version, "header.version", 2);
    Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
    store_u16(b.data() + 2, version);
    expect_reject(MessageType::block, b, codec_errc::bad_header_version, "header.version", 2);
    Buf m = unwrap(encode_commit_to_vector(s.certificate, s.header, s.proposal.signature, s.txs));
    store_u16(m.data() + commit_block_at, version);
    expect_reject(MessageType::commit, m, codec_errc::bad_header_version, "header.version", commit_block_at);
    Buf rp = unwrap(encode_to_vector(s.carried));
    store_u16(rp.data() + 2, version);
    expect_reject(MessageType::polka, rp, codec_errc::bad_header_version, "header.version", 2);
  }
}

TEST_F(CodecTest, RejectLengthOutOfRange) {
  for (std::uint32_t len : {std::uint32_t{0}, std::uint32_t(kMaxTransactionBytes + 1), UINT32_MAX}) {
    Buf t = unwrap(encode_transaction_to_vector(s.txs[1]));
    store_u32(t.data() + 2, len);
    expect_reject(MessageType::transaction, t, codec_errc::length_out_of_range, "transaction.length", 2);

    Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
    const std::size_t tx1_at = 2 + kBodyFirstTxAt + 4 + s.txs[0].size();
    store_u32(b.data() + tx1_at, len);
    expect_reject(MessageType::block, b, codec_errc::length_out_of_range, "block.tx[1].length", tx1_at);
  }
  // The coinbase has its own bound, kMaxCoinbaseBytes (it pays every member).
  for (std::uint32_t len : {std::uint32_t{0}, std::uint32_t(kMaxCoinbaseBytes + 1), UINT32_MAX}) {
    Buf c = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
    store_u32(c.data() + 2 + kBodyFirstTxAt, len);
    expect_reject(MessageType::block, c, codec_errc::length_out_of_range, "block.tx[0].length", 2 + kBodyFirstTxAt);
  }
  // A coinbase longer than any other transaction may be is within its bound: these bytes
  // fail only because the length promises more than there is.
  Buf c = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
  store_u32(c.data() + 2 + kBodyFirstTxAt, std::uint32_t(kMaxTransactionBytes + 1));
  DecodeWhere where;
  EXPECT_EQ(decode_and_reencode(MessageType::block, c, &where).error, codec_errc::truncated);
  EXPECT_EQ(std::string_view(where.field), "block.tx[0].bytes");
}

// Decodes `in` with a receiver's bound on certificate entries (the decoders' trailing
// max_entries argument) and checks the error and where decoding stopped.
void expect_reject_bounded(MessageType type, const Buf& in, std::size_t max_entries, codec_errc expected,
                           std::string_view field, std::size_t offset) {
  const Buf copy(in);
  DecodeWhere where;
  std::error_code error;
  if (type == MessageType::certificate) {
    auto c = std::make_unique<Certificate>();
    error = error_of(decode_certificate(copy, *c, &where, max_entries));
  } else if (type == MessageType::commit) {
    auto c = std::make_unique<CommitView>();
    error = error_of(decode_commit(copy, *c, &where, max_entries));
  } else {
    ASSERT_EQ(type, MessageType::polka);
    auto rp = std::make_unique<CarriedPolka>();
    error = error_of(decode_polka(copy, *rp, &where, max_entries));
  }
  EXPECT_EQ(error, expected) << "type " << int(type) << ", max_entries " << max_entries;
  EXPECT_EQ(std::string_view(where.field), field);
  EXPECT_EQ(where.offset, offset);
}

TEST_F(CodecTest, RejectCountOutOfRange) {
  // The count is u16, so no count on the wire exceeds kMaxMembers (0xffff): zero is the
  // one count every decoder rejects, and a receiver's max_entries (its membership's
  // size) bounds it from above.
  static_assert(kMaxMembers == 0xffff);
  const std::size_t polka_count_at = kProposalBodySize + kCertCountAt;  // after the proposal body
  const Buf cert = unwrap(encode_to_vector(s.certificate));
  const Buf commit = unwrap(encode_commit_to_vector(s.certificate, s.header, s.proposal.signature, s.txs));
  const Buf reproposal = unwrap(encode_to_vector(s.carried));
  const auto with_count = [](Buf b, std::size_t at, std::uint16_t count) {
    store_u16(b.data() + at, count);
    return b;
  };
  expect_reject(MessageType::certificate, with_count(cert, kCertCountAt, 0), codec_errc::count_out_of_range,
                "certificate.count", kCertCountAt);
  expect_reject(MessageType::commit, with_count(commit, kCertCountAt, 0), codec_errc::count_out_of_range,
                "certificate.count", kCertCountAt);
  expect_reject(MessageType::polka, with_count(reproposal, polka_count_at, 0), codec_errc::count_out_of_range,
                "certificate.count", polka_count_at);
  // The sample's three entries against a receiver of two members: out of range, before
  // any entry is read; counts of 4, 256 and 0xffff likewise against three members.
  for (const auto& [count, max_entries] :
       {std::pair<std::uint16_t, std::size_t>{3, 2}, {4, 3}, {256, 3}, {0xffff, 3}, {0xffff, kMaxMembers - 1}}) {
    expect_reject_bounded(MessageType::certificate, with_count(cert, kCertCountAt, count), max_entries,
                          codec_errc::count_out_of_range, "certificate.count", kCertCountAt);
    expect_reject_bounded(MessageType::commit, with_count(commit, kCertCountAt, count), max_entries,
                          codec_errc::count_out_of_range, "certificate.count", kCertCountAt);
    expect_reject_bounded(MessageType::polka, with_count(reproposal, polka_count_at, count), max_entries,
                          codec_errc::count_out_of_range, "certificate.count", polka_count_at);
  }
  // At the bound, the count is accepted (the sample's three entries, three members).
  auto c = std::make_unique<Certificate>();
  EXPECT_TRUE(decode_certificate(cert, *c, nullptr, 3));
  auto m = std::make_unique<CommitView>();
  EXPECT_TRUE(decode_commit(commit, *m, nullptr, 3));
  auto rp = std::make_unique<CarriedPolka>();
  EXPECT_TRUE(decode_polka(reproposal, *rp, nullptr, 3));
  // Without a bound the largest count, 0xffff, is a count: these bytes are only short of it.
  expect_reject(MessageType::certificate, with_count(cert, kCertCountAt, 0xffff), codec_errc::truncated,
                "certificate.sig[3].voter", cert_voter_at(3));

  for (std::uint32_t count : {std::uint32_t{0}, std::uint32_t(kMaxBlockTransactions + 2), UINT32_MAX}) {
    Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
    store_u32(b.data() + 2 + kBodyTxCountAt, count);
    expect_reject(MessageType::block, b, codec_errc::count_out_of_range, "block.tx_count", 2 + kBodyTxCountAt);
  }
}

TEST_F(CodecTest, RejectBadFlag) {
  for (std::uint8_t flag : std::array<std::uint8_t, 3>{0x02, 0x10, 0xff}) {
    Buf v = unwrap(encode_to_vector(s.vote));
    v[kVoteApproveAt] = flag;
    expect_reject(MessageType::vote, v, codec_errc::bad_flag, "vote.approve", kVoteApproveAt);
  }
}

TEST_F(CodecTest, RejectBadVoteStep) {
  for (std::uint8_t step : std::array<std::uint8_t, 3>{0x00, 0x03, 0xff}) {
    Buf v = unwrap(encode_to_vector(s.vote));
    v[kVoteStepAt] = step;
    expect_reject(MessageType::vote, v, codec_errc::bad_vote_step, "vote.step", kVoteStepAt);
  }
}

TEST_F(CodecTest, RejectWeightOutOfRange) {
  for (std::uint64_t w : {std::uint64_t{0}, kMaxMemberWeight + 1, UINT64_MAX}) {
    Buf m = unwrap(encode_to_vector(s.masternode));
    store_u64(m.data() + kMasternodeWeightAt, w);
    expect_reject(MessageType::masternode, m, codec_errc::weight_out_of_range, "masternode.weight",
                  kMasternodeWeightAt);
  }
}

TEST_F(CodecTest, RejectNotCanonicalOrderCertificate) {
  // Swapped voters (descending) and a repeated voter.
  Certificate swapped = s.certificate;
  std::swap(swapped.signatures[0], swapped.signatures[1]);
  Certificate repeated = s.certificate;
  repeated.signatures[2] = repeated.signatures[1];
  for (const auto& [bad, index] : {std::pair{&swapped, std::size_t{1}}, std::pair{&repeated, std::size_t{2}}}) {
    Buf c = unwrap(encode_to_vector(s.certificate));  // valid bytes, then overwrite the entries
    for (std::size_t i = 0; i < bad->count(); ++i) {
      std::copy(bad->signatures[i].voter.v.begin(), bad->signatures[i].voter.v.end(),
                c.begin() + std::ptrdiff_t(cert_voter_at(i)));
      std::copy(bad->signatures[i].signature.v.begin(), bad->signatures[i].signature.v.end(),
                c.begin() + std::ptrdiff_t(cert_voter_at(i) + 32));
    }
    const std::string field = "certificate.sig[" + std::to_string(index) + "].voter";
    expect_reject(MessageType::certificate, c, codec_errc::not_canonical_order, field, cert_voter_at(index));
    // The same entries as a re-proposal's polka.
    Buf rp = unwrap(encode_to_vector(s.carried));
    std::copy(c.begin() + 2, c.end(), rp.begin() + 2 + std::ptrdiff_t(kProposalBodySize));
    expect_reject(MessageType::polka, rp, codec_errc::not_canonical_order, field,
                  kProposalBodySize + cert_voter_at(index));
  }
}

TEST_F(CodecTest, RejectNotCanonicalOrderBlock) {
  // Build the block bytes by hand: the encoder would refuse this order.
  auto block_bytes = [&](std::span<const TxBytes> txs) {
    Buf b(encoded_size_block(txs));
    b[0] = kWireVersion;
    b[1] = std::uint8_t(MessageType::block);
    encode_header_body(s.header, std::span<std::uint8_t, kHeaderBodySize>(b.data() + 2, kHeaderBodySize));
    std::copy(s.proposal.signature.v.begin(), s.proposal.signature.v.end(), b.begin() + 2 + kBodySignatureAt);
    store_u32(b.data() + 2 + kBodyTxCountAt, std::uint32_t(txs.size()));
    std::size_t at = 2 + kBodyFirstTxAt;
    for (TxBytes tx : txs) {
      store_u32(b.data() + at, std::uint32_t(tx.size()));
      std::copy(tx.begin(), tx.end(), b.begin() + std::ptrdiff_t(at + 4));
      at += 4 + tx.size();
    }
    return b;
  };
  // Sanity: the helper reproduces the encoder's bytes.
  ASSERT_EQ(block_bytes(s.txs), unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs)));

  auto tx_bytes_at = [&](std::span<const TxBytes> txs, std::size_t i) {
    std::size_t at = 2 + kBodyFirstTxAt;
    for (std::size_t k = 0; k < i; ++k) at += 4 + txs[k].size();
    return at + 4;
  };
  std::vector<TxBytes> swapped(s.txs.begin(), s.txs.end());
  std::swap(swapped[2], swapped[3]);
  expect_reject(MessageType::block, block_bytes(swapped), codec_errc::not_canonical_order, "block.tx[3].bytes",
                tx_bytes_at(swapped, 3));
  std::vector<TxBytes> duplicate(s.txs.begin(), s.txs.end());
  duplicate[2] = duplicate[1];
  expect_reject(MessageType::block, block_bytes(duplicate), codec_errc::not_canonical_order, "block.tx[2].bytes",
                tx_bytes_at(duplicate, 2));
}

TEST_F(CodecTest, RejectBlockTooLarge) {
  // 4097 64 KiB transactions after the coinbase: 256 MiB + 64 KiB > kMaxBlockTransactionBytes.
  constexpr std::size_t kFull = kMaxBlockTransactionBytes / kMaxTransactionBytes;  // 4096
  std::vector<std::pair<TxId, Buf>> keyed;
  for (std::uint32_t i = 0; i < kFull + 1; ++i) {
    Buf tx(kMaxTransactionBytes, 0x33);
    store_u32(tx.data(), i);
    keyed.emplace_back(compute_txid(s.chain, tx), std::move(tx));
  }
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Buf> mempool;
  for (auto& [id, tx] : keyed) mempool.push_back(std::move(tx));
  std::vector<TxBytes> txs{s.txs[0]};
  for (std::size_t i = 0; i < kFull; ++i) txs.emplace_back(mempool[i]);
  // Exactly kMaxBlockTransactionBytes is fine (the coinbase does not count).
  Buf b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, txs));
  ASSERT_FALSE(decode_and_reencode(MessageType::block, b).error);
  // Append the last by hand: count 4098, then its length.
  txs.emplace_back(mempool[kFull]);
  Buf out(encoded_size_block(txs));
  const auto refused = encode_block(s.header, s.proposal.signature, txs, out);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), codec_errc::block_too_large);
  const std::size_t len_at = b.size();
  store_u32(b.data() + 2 + kBodyTxCountAt, std::uint32_t(kFull + 2));
  b.resize(b.size() + 4);
  store_u32(b.data() + len_at, std::uint32_t(kMaxTransactionBytes));
  b.insert(b.end(), mempool[kFull].begin(), mempool[kFull].end());
  expect_reject(MessageType::block, b, codec_errc::block_too_large, "block.tx[>1023].length", len_at);
}

TEST_F(CodecTest, RejectNilVoteNotCanonical) {
  Vote v = s.vote;
  v.approve = false;
  v.block_id = BlockId{};
  Buf b = unwrap(encode_to_vector(v));
  b[kVoteApproveAt] = 1;  // approve the all-zero block id
  expect_reject(MessageType::vote, b, codec_errc::nil_vote_not_canonical, "vote.approve", kVoteApproveAt);
  // Rejecting a named block (approve = 0, non-zero id) and nil (approve = 0, zero id) are both fine.
  v = s.vote;
  v.approve = false;
  EXPECT_TRUE(decode_vote(unwrap(encode_to_vector(v))));
  v.block_id = BlockId{};
  EXPECT_TRUE(decode_vote(unwrap(encode_to_vector(v))));
}

TEST_F(CodecTest, RejectOutputTooSmall) {
  for (const Sample& sample : all_samples()) {
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, sample.bytes.size() - 1}) {
      Buf out(size);
      const std::span<std::uint8_t> o(out);
      result<std::size_t> r = std::size_t{0};
      switch (sample.type) {
        case MessageType::transaction: r = encode_transaction(s.txs[1], o); break;
        case MessageType::masternode: r = encode_masternode(s.masternode, o); break;
        case MessageType::header: r = encode_header(s.header, o); break;
        case MessageType::proposal: r = encode_proposal(s.proposal, o); break;
        case MessageType::vote: r = encode_vote(s.vote, o); break;
        case MessageType::certificate: r = encode_certificate(s.certificate, o); break;
        case MessageType::block: r = encode_block(s.header, s.proposal.signature, s.txs, o); break;
        case MessageType::commit: r = encode_commit(s.certificate, s.header, s.proposal.signature, s.txs, o); break;
        case MessageType::polka: r = encode_polka(s.carried, o); break;
        case MessageType::reproposal: r = encode_reproposal(s.reproposal, o); break;
        case MessageType::commit_request: r = encode_commit_request(s.commit_request, o); break;
        case MessageType::body_request: r = encode_body_request(s.body_request, o); break;
        case MessageType::reconcile_request: r = encode_reconcile_request(s.reconcile_request, o); break;
        case MessageType::body_sketch: r = encode_body_sketch(s.body_sketch, o); break;
        case MessageType::body_transactions:
          r = encode_body_transactions(s.chain, 42, compute_block_id(s.header), s.mempool_txs(), o);
          break;
      }
      ASSERT_FALSE(r) << int(sample.type) << " size " << size;
      EXPECT_EQ(r.error(), codec_errc::output_too_small);
    }
  }
}

// ======== encoders refuse what decoders reject =========================================================

TEST_F(CodecTest, EncodersRefuseNonCanonicalValues) {
  Buf out(kMaxMessageSize);
  const std::span<std::uint8_t> o(out);

  EXPECT_EQ(encode_transaction({}, o).error(), codec_errc::length_out_of_range);
  const Buf huge(kMaxTransactionBytes + 1, 0);
  EXPECT_EQ(encode_transaction(huge, o).error(), codec_errc::length_out_of_range);

  Masternode m = s.masternode;
  m.weight = 0;
  EXPECT_EQ(encode_masternode(m, o).error(), codec_errc::weight_out_of_range);
  m.weight = kMaxMemberWeight + 1;
  EXPECT_EQ(encode_masternode(m, o).error(), codec_errc::weight_out_of_range);

  BlockHeader h = s.header;
  h.version = 2;
  EXPECT_EQ(encode_header(h, o).error(), codec_errc::bad_header_version);
  EXPECT_EQ(encode_proposal(Proposal{h, s.proposal.signature}, o).error(), codec_errc::bad_header_version);
  EXPECT_EQ(encode_block(h, s.proposal.signature, s.txs, o).error(), codec_errc::bad_header_version);

  Vote v = s.vote;
  v.block_id = BlockId{};
  EXPECT_EQ(encode_vote(v, o).error(), codec_errc::nil_vote_not_canonical);
  v = s.vote;
  v.step = static_cast<VoteStep>(3);
  EXPECT_EQ(encode_vote(v, o).error(), codec_errc::bad_vote_step);

  Certificate c = s.certificate;
  c.signatures.clear();
  EXPECT_EQ(encode_certificate(c, o).error(), codec_errc::count_out_of_range);
  c.signatures.resize(kMaxMembers + 1);  // the count is checked first: no order needed
  EXPECT_EQ(encode_certificate(c, o).error(), codec_errc::count_out_of_range);
  c = s.certificate;
  std::swap(c.signatures[0], c.signatures[2]);
  EXPECT_EQ(encode_certificate(c, o).error(), codec_errc::not_canonical_order);
  EXPECT_EQ(encode_commit(c, s.header, s.proposal.signature, s.txs, o).error(), codec_errc::not_canonical_order);

  CarriedPolka rp = s.carried;
  rp.proposal.header.version = 2;
  EXPECT_EQ(encode_polka(rp, o).error(), codec_errc::bad_header_version);
  rp = s.carried;
  rp.polka.signatures.clear();
  EXPECT_EQ(encode_polka(rp, o).error(), codec_errc::count_out_of_range);
  rp.polka.signatures.resize(kMaxMembers + 1);
  EXPECT_EQ(encode_polka(rp, o).error(), codec_errc::count_out_of_range);
  rp = s.carried;
  std::swap(rp.polka.signatures[0], rp.polka.signatures[1]);
  EXPECT_EQ(encode_polka(rp, o).error(), codec_errc::not_canonical_order);

  EXPECT_EQ(encode_block(s.header, s.proposal.signature, {}, o).error(), codec_errc::count_out_of_range);
  std::vector<TxBytes> txs(s.txs.begin(), s.txs.end());
  std::swap(txs[1], txs[2]);
  EXPECT_EQ(encode_block(s.header, s.proposal.signature, txs, o).error(), codec_errc::not_canonical_order);
  txs = s.txs;
  txs.push_back(txs.back());
  EXPECT_EQ(encode_block(s.header, s.proposal.signature, txs, o).error(), codec_errc::not_canonical_order);
  txs = s.txs;
  txs[2] = TxBytes{};
  EXPECT_EQ(encode_block(s.header, s.proposal.signature, txs, o).error(), codec_errc::length_out_of_range);
}

// ======== failed decodes leave the output alone =========================================================

TEST_F(CodecTest, FailedDecodeLeavesOutputUntouched) {
  auto c = std::make_unique<Certificate>(s.certificate);
  Buf bad_c = unwrap(encode_to_vector(s.make_certificate(2)));
  bad_c.push_back(0);  // valid but for the trailing byte
  EXPECT_FALSE(decode_certificate(bad_c, *c));
  EXPECT_EQ(*c, s.certificate);

  auto b = std::make_unique<BlockView>();
  const Buf good_b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, s.txs));
  ASSERT_TRUE(decode_block(good_b, *b));
  const BlockView before = *b;
  Buf bad_b = unwrap(encode_block_to_vector(s.header, s.proposal.signature, std::span<const TxBytes>(s.txs.data(), 2)));
  bad_b.push_back(0);
  EXPECT_FALSE(decode_block(bad_b, *b));
  EXPECT_EQ(b->header, before.header);
  EXPECT_EQ(b->tx_count, before.tx_count);
  EXPECT_EQ(b->txs[0].data(), before.txs[0].data());

  auto m = std::make_unique<CommitView>();
  m->certificate = s.certificate;
  Buf bad_m = unwrap(encode_commit_to_vector(s.make_certificate(1), s.header, s.proposal.signature, s.txs));
  bad_m.pop_back();
  EXPECT_FALSE(decode_commit(bad_m, *m));
  EXPECT_EQ(m->certificate, s.certificate);
  EXPECT_EQ(m->block.tx_count, 0u);

  auto rp = std::make_unique<CarriedPolka>(s.carried);
  CarriedPolka other = s.carried;
  other.polka = s.make_certificate(2, VoteStep::prevote);
  other.proposal.signature.v[0] ^= 1;
  Buf bad_rp = unwrap(encode_to_vector(other));
  bad_rp.push_back(0);
  EXPECT_FALSE(decode_polka(bad_rp, *rp));
  EXPECT_EQ(*rp, s.carried);
  bad_rp.resize(bad_rp.size() - 2);
  EXPECT_FALSE(decode_polka(bad_rp, *rp));
  EXPECT_EQ(*rp, s.carried);
}

// ======== random mutation: fail cleanly, or re-encode to the same bytes ==================================

TEST_F(CodecTest, MutatedInputsFailCleanlyOrRoundTrip) {
  std::mt19937_64 rng(20240601);
  std::size_t accepted = 0, rejected = 0;
  for (const Sample& sample : all_samples()) {
    for (int iteration = 0; iteration < 1500; ++iteration) {
      Buf b = sample.bytes;
      const int edits = 1 + int(rng() % 3);
      for (int e = 0; e < edits; ++e) {
        switch (rng() % 4) {
          case 0:  // flip one byte
            b[rng() % b.size()] ^= std::uint8_t(1 + rng() % 255);
            break;
          case 1:  // set a byte to a boundary value
            b[rng() % b.size()] = std::array<std::uint8_t, 4>{0x00, 0x01, 0x02, 0xff}[rng() % 4];
            break;
          case 2:  // cut the end
            if (b.size() > 1) b.resize(b.size() - 1 - rng() % std::min<std::size_t>(b.size() - 1, 8));
            break;
          default:  // insert a byte
            b.insert(b.begin() + std::ptrdiff_t(rng() % (b.size() + 1)), std::uint8_t(rng()));
            break;
        }
      }
      b.shrink_to_fit();
      const Decoded d = decode_and_reencode(sample.type, b);
      if (d.error) {
        ++rejected;
        EXPECT_EQ(d.error.category(), error_category_of<codec_errc>());
        EXPECT_NE(d.error, codec_errc::output_too_small);
      } else {
        ++accepted;
        EXPECT_EQ(d.reencoded, b) << "accepted input must be canonical";
      }
    }
  }
  EXPECT_GT(accepted, 0u);  // e.g. edits inside signatures and hashes
  EXPECT_GT(rejected, 0u);
}

// ======== errors ===========================================================================================

TEST_F(CodecTest, ErrorMessagesNameEveryEnumerator) {
  std::set<std::string> seen;
  for (int e = int(codec_errc::truncated); e <= int(codec_errc::output_too_small); ++e) {
    const std::error_code ec = static_cast<codec_errc>(e);
    EXPECT_STREQ(ec.category().name(), "midnight.codec");
    const std::string msg = ec.message();
    EXPECT_FALSE(msg.empty());
    EXPECT_NE(msg, "unknown codec error") << e;
    EXPECT_TRUE(seen.insert(msg).second) << "duplicate message: " << msg;
  }
  EXPECT_EQ(seen.size(), 15u);
  const std::error_code ec = codec_errc::truncated;
  EXPECT_EQ(ec, codec_errc::truncated);
  EXPECT_NE(ec, codec_errc::trailing_bytes);
}

// ======== the worked example of spec/encoding.md ============================================================

TEST_F(CodecTest, SpecWorkedExample) {
  Seed seed;
  seed.v.fill(0x01);
  const Keypair k = keypair_from_seed(seed);
  Vote v;
  v.chain_id = sha256(test::text_bytes("midnight-test-chain"));
  v.height = 1;
  v.round = 0;
  v.step = VoteStep::prevote;
  v.block_id = sha256(test::text_bytes("midnight-test-block"));
  v.approve = true;
  v.voter = k.public_key;
  v = sign_vote(v, k.secret_key);
  const Buf encoded = unwrap(encode_to_vector(v));

  // The numbers of spec/encoding.md, "Worked example", cross-checked against an
  // independent implementation (Python hashlib, OpenSSL 3 Ed25519). If the encoding
  // changes, the failures below print the new values ("Which is: ...") for the spec.
  EXPECT_EQ(to_hex(k.public_key), "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c");
  EXPECT_EQ(to_hex(v.chain_id), "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b");
  EXPECT_EQ(to_hex(v.block_id), "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d");
  EXPECT_EQ(to_hex(vote_signing_input(v)),
            "6d69646e696768742f76312f766f746500"                                // tag
            "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"  // chain id
            "0000000000000001"                                                  // height
            "00000000"                                                          // round
            "01"                                                                // step: prevote
            "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d"  // block id
            "01");
  EXPECT_EQ(to_hex(v.signature),
            "d5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96"
            "924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f");
  EXPECT_EQ(to_hex(encoded),
            "0205"                                                              // version 2, type
            "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b"  // chain id
            "0000000000000001"                                                  // height
            "00000000"                                                          // round
            "01"                                                                // step: prevote
            "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d"  // block id
            "01"                                                                // approve
            "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"  // voter
            "d5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96"  // signature
            "924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f");
  EXPECT_TRUE(verify_vote(v));
}

// The document itself carries the same numbers (whitespace aside). Skipped when the
// sources are not next to this file, e.g. a test binary run from an installed tree.
TEST_F(CodecTest, SpecDocumentShowsTheWorkedExample) {
  const std::filesystem::path spec = std::filesystem::path(__FILE__).parent_path() / "../../spec/encoding.md";
  std::ifstream in(spec);
  if (!in) GTEST_SKIP() << "no " << spec;
  std::string text;
  for (auto it = std::istreambuf_iterator<char>(in); it != std::istreambuf_iterator<char>(); ++it) {
    if (*it != ' ' && *it != '\n') text.push_back(*it);
  }
  for (const char* hex : {
           // public key, chain id, block id
           "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c",
           "eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b",
           "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d",
           // the vote tag, the signature, and the whole encoded vote
           "6d69646e696768742f76312f766f746500",
           "d5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96"
           "924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f",
           "0205eb72b803de010615e9be3b7a4189082254b395c385d155013cdfeb23395f9f4b00000000000000010000000001"
           "cfcb973eab8d899deebddc1912a5b76913dda12137ad6ca9b2392ce69a6e148d01"
           "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"
           "d5d382512e50018631652840be10070748817c1aaf81284de66129e78be6ee96"
           "924529a7f71c769376aa37bdefc1137a39e9a376b2c4b3ad9071b9c539115a0f",
       }) {
    EXPECT_NE(text.find(hex), std::string::npos) << hex;
  }
}

// A proposal is the header body, the signature, then the 80-byte VRF proof (spec/encoding.md
// section 3.4). The proof is opaque to the decoder, covered by neither the block id nor the
// signature, and made by sign_proposal over vrf_input (spec/protocol.md section 4.4).
TEST_F(CodecTest, ProposalCarriesItsVrfProofAfterTheSignature) {
  const Buf bytes = encode_to_vector(s.proposal).value();
  ASSERT_EQ(bytes.size(), 2u + 150u + 64u + 80u);
  EXPECT_TRUE(std::equal(s.proposal.signature.v.begin(), s.proposal.signature.v.end(), bytes.begin() + 2 + 150));
  EXPECT_TRUE(std::equal(s.proposal.vrf_proof.v.begin(), s.proposal.vrf_proof.v.end(), bytes.begin() + 2 + 214));
  EXPECT_FALSE(s.proposal.vrf_proof.is_zero());
  const auto beta = verify_proposal_vrf(s.proposal, s.proposer_vrf.public_key);
  ASSERT_TRUE(beta.has_value()) << beta.error().message();
  // The proof is the VRF key's, not the signing key's (spec/vrf.md §6).
  EXPECT_EQ(verify_proposal_vrf(s.proposal, s.proposer.public_key).error(), vrf_errc::proof_does_not_verify);
  EXPECT_EQ(beta.value(), ecvrf_proof_to_hash(s.proposal.vrf_proof).value());

  // Any 80 bytes decode (policy B checks them, not the decoder), and change only the proof.
  Buf garbage = bytes;
  std::fill(garbage.begin() + 2 + 214, garbage.end(), std::uint8_t{0xff});
  const auto decoded = decode_proposal(garbage);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().message();
  EXPECT_EQ(decoded.value().header, s.proposal.header);
  EXPECT_EQ(compute_block_id(decoded.value().header), compute_block_id(s.proposal.header));
  EXPECT_TRUE(verify_proposal(decoded.value()));
  EXPECT_FALSE(verify_proposal_vrf(decoded.value(), s.proposer_vrf.public_key).has_value());
  EXPECT_EQ(encode_to_vector(decoded.value()).value(), garbage);
}

// vrf_input = tag || chain_id || height u64 || round u32 || prev_id, big-endian integers.
TEST_F(CodecTest, VrfInputLayout) {
  const VrfInput in = vrf_input(s.header);
  ASSERT_EQ(in.size(), 92u);
  Buf expected(tag::kVrfInput.begin(), tag::kVrfInput.end());
  ASSERT_EQ(expected.size(), 16u);
  EXPECT_EQ(expected.back(), 0u);
  expected.insert(expected.end(), s.header.chain_id.v.begin(), s.header.chain_id.v.end());
  for (int i = 7; i >= 0; --i) expected.push_back(std::uint8_t(s.header.height >> (8 * i)));
  for (int i = 3; i >= 0; --i) expected.push_back(std::uint8_t(s.header.round >> (8 * i)));
  expected.insert(expected.end(), s.header.prev_id.v.begin(), s.header.prev_id.v.end());
  EXPECT_EQ(Buf(in.begin(), in.end()), expected);
  // Nothing the proposer chooses is in it: another proposer or content gives the same input.
  BlockHeader other = s.header;
  other.proposer = keypair_of(0x77).public_key;
  other.merkle_root.v[0] ^= 0x01;
  EXPECT_EQ(vrf_input(other), in);
}

}  // namespace
}  // namespace midnight
