// The encoding fixture, its reconciliation messages and the certificates of wide seeds
// (fixture.hpp).
#include "fixture.hpp"

#include <algorithm>
#include <iterator>

#include "midnight/consensus/certificate.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

// Wide seed k, for memberships past 255: k as u32 big-endian, then 28 bytes of 0x5e.
Seed wide_seed_of(std::uint32_t k) {
  Seed s;
  s.v.fill(0x5e);
  store_u32(s.v.data(), k);
  return s;
}

}  // namespace

bool by_public_key(const Keypair& a, const Keypair& b) { return a.public_key < b.public_key; }

EncodingFixture make_encoding_fixture() {
  EncodingFixture f;
  f.members = make_members(kFixtureWeights);
  const Buf mempool_storage[] = {bytes_of("hello"), bytes_of("midnight"), bytes_of("x")};
  std::vector<TxBytes> mempool(std::begin(mempool_storage), std::end(mempool_storage));
  f.content = build_block_content(f.chain, kHeight, f.members.membership, 1003, mempool);
  f.header = make_header(f.chain, kHeight, 0, genesis(), f.content.merkle_root, kMidnightMs, keys_of(1).public_key);
  f.proposal = sign_proposal(f.header, keys_of(1).secret_key, vrf_keys_of(1).secret_key);
  f.certificate.chain_id = f.chain;
  f.certificate.height = kHeight;
  f.certificate.round = 0;
  f.certificate.block_id = compute_block_id(f.header);
  std::vector<Keypair> signers{keys_of(2), keys_of(3), keys_of(4)};
  std::sort(signers.begin(), signers.end(), by_public_key);
  f.certificate.signatures.resize(signers.size());
  for (std::size_t i = 0; i < signers.size(); ++i) {
    Vote v = f.certificate.vote(i);
    v.voter = signers[i].public_key;
    v = sign_vote(v, signers[i].secret_key);
    f.certificate.signatures[i] = {v.voter, v.signature};
  }
  require(verify_certificate(f.certificate, f.members.membership, f.chain).has_value(), "fixture certificate");
  f.vote = spec_example_vote(VoteStep::prevote, true, false);
  f.nil_vote = spec_example_vote(VoteStep::precommit, false, true);
  f.masternode = {keys_of(1).public_key, vrf_keys_of(1).public_key, destination_of(1), 1};
  f.heavy_masternode = {keys_of(2).public_key, vrf_keys_of(2).public_key, destination_of(2), kMaxMemberWeight};
  return f;
}

Buf short_id_list(std::vector<ShortTxId> ids) {
  std::sort(ids.begin(), ids.end());
  Buf out(8 * ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(out.data() + 8 * i, ids[i]);
  return out;
}

ReconcileRequest seed_3_reconcile_request(const ChainId& chain, const BlockId& id, ReconcileKind kind,
                                          std::uint32_t have, const Buf& ids) {
  ReconcileRequest q;
  q.chain_id = chain;
  q.height = kHeight;
  q.block_id = id;
  q.requester = keys_of(3).public_key;
  q.kind = kind;
  q.have = have;
  q.ids.bytes = ids;
  q = sign_reconcile_request(q, keys_of(3).secret_key);
  q.ids.bytes = ids;
  return q;
}

ReconcileFixture make_reconcile_fixture(const EncodingFixture& f) {
  ReconcileFixture r;
  const BlockId id = compute_block_id(f.header);
  const SketchKey key = sketch_key(id);
  std::vector<ShortTxId> all;
  for (std::size_t i = 1; i < f.content.views.size(); ++i) all.push_back(short_tx_id(key, compute_txid(f.chain, f.content.views[i])));
  r.sample_ids = short_id_list(all);
  r.sketch_request = seed_3_reconcile_request(f.chain, id, ReconcileKind::sketch, 3, r.sample_ids);
  r.named = {f.content.views[1], f.content.views[3]};
  r.named_ids = short_id_list({all[0], all[2]});
  r.transactions_request = seed_3_reconcile_request(f.chain, id, ReconcileKind::transactions, 0, r.named_ids);
  TxSketch sk = TxSketch::make(key, 2).value();
  for (const ShortTxId x : all) sk.insert(x);
  r.sketch.resize(sk.encoded_size());
  encode_tx_sketch(sk, r.sketch);
  return r;
}

Certificate wide_certificate(const EncodingFixture& f, std::uint32_t signers_count) {
  Certificate c = f.certificate;
  std::vector<Keypair> signers;
  for (std::uint32_t k = 1; k <= signers_count; ++k) signers.push_back(keypair_from_seed(wide_seed_of(k)));
  std::sort(signers.begin(), signers.end(), by_public_key);
  c.signatures.resize(signers.size());
  for (std::size_t i = 0; i < signers.size(); ++i) {
    Vote v = c.vote(i);
    v.voter = signers[i].public_key;
    v = sign_vote(v, signers[i].secret_key);
    c.signatures[i] = {v.voter, v.signature};
  }
  return c;
}

}  // namespace midnight::cli::vectors
