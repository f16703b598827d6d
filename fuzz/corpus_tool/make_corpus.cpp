// midnight_fuzz_corpus OUT_DIR: writes the seed corpus of every fuzz target,
// OUT_DIR/<target>/seed-<name>, from the encoder (never by hand), signed with the fuzz
// world's keys (common/fuzz_world.hpp). The committed fuzz/corpus/ holds these seeds plus
// what fuzzing found; the CTest test fuzz-corpus.seeds_current regenerates the seeds and
// fails if a committed one differs, so a format change cannot leave stale seeds behind.
//
// Each decoder target gets: valid messages of its own kind at the edges (round 0, the
// first round beyond a round-0 machine's window, the last round and the one after it,
// smallest and largest counts and lengths), one valid message of every other kind (the
// wrong-type paths), and the boundary sizes of its own kind (empty, prefix only, one byte
// short, one byte over).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <sodium.h>

#include "common/fuzz_world.hpp"
#include "common/reconcile_scene.hpp"
#include "small_order_points.hpp"
#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/journal/journal_record.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"
#include "round/round_seeds.hpp"

using namespace midnight;
using Bytes_ = std::vector<std::uint8_t>;
using Corpus = std::map<std::string, Bytes_>;  // seed name -> bytes

namespace {

const fuzz::FuzzWorld& W() { return fuzz::fuzz_world(); }

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "midnight_fuzz_corpus: %s\n", what.c_str());
  std::exit(1);
}

template <class R>
Bytes_ must(R r, const char* what) {
  if (!r) die(std::string(what) + ": " + r.error().message());
  return r.value();
}

// The content every fuzz machine expects at height 1 (empty mempool, no reward).
BlockContent content_of(std::span<const TxBytes> mempool) {
  return build_block_content(W().chain, fuzz::kFuzzHeight, W().membership, 0, mempool);
}

BlockHeader header_for(std::size_t node, std::uint32_t round, const Hash32& merkle_root) {
  const RoundTiming timing;
  return make_header(W().chain, fuzz::kFuzzHeight, round, W().prev_id, merkle_root,
                     round_start_ms(0, timing, round), W().keys[node].public_key);
}

Vote vote_by(std::size_t node, std::uint32_t round, VoteStep step, const BlockId& id, bool approve) {
  Vote v;
  v.chain_id = W().chain;
  v.height = fuzz::kFuzzHeight;
  v.round = round;
  v.step = step;
  v.block_id = id;
  v.approve = approve;
  v.voter = W().keys[node].public_key;
  return sign_vote(v, W().keys[node].secret_key);
}

// A certificate of the given nodes' approving precommits (a commit certificate) or
// prevotes (a re-proposal's polka), voters ascending.
Certificate certificate_by(std::vector<std::size_t> nodes, std::uint32_t round, const BlockId& id,
                           VoteStep step = VoteStep::precommit) {
  Certificate c;
  c.chain_id = W().chain;
  c.height = fuzz::kFuzzHeight;
  c.round = round;
  c.block_id = id;
  std::vector<CertificateSignature> sigs;
  for (std::size_t n : nodes) {
    const Vote v = vote_by(n, round, step, id, true);
    sigs.push_back({v.voter, v.signature});
  }
  std::sort(sigs.begin(), sigs.end(), [](const auto& a, const auto& b) { return a.voter < b.voter; });
  c.signatures = sigs;
  return c;
}

// A certificate with more entries than the fuzz world has members (256, past the old
// one-byte count): ascending non-member keys, junk signatures. It decodes; it must not verify.
Certificate full_certificate(const BlockId& id) {
  Certificate c;
  c.chain_id = W().chain;
  c.height = fuzz::kFuzzHeight;
  c.block_id = id;
  constexpr std::size_t kEntries = 256;
  c.signatures.resize(kEntries);
  for (std::size_t i = 0; i < kEntries; ++i) {
    c.signatures[i].voter.v.fill(0);
    c.signatures[i].voter.v[0] = static_cast<std::uint8_t>((i + 1) >> 8);
    c.signatures[i].voter.v[1] = static_cast<std::uint8_t>(i + 1);
    c.signatures[i].signature.v.fill(static_cast<std::uint8_t>(i));
  }
  return c;
}

// Distinct transactions of `size` bytes each (the index, big-endian, then zeros).
std::vector<Bytes_> transactions(std::size_t count, std::size_t size) {
  std::vector<Bytes_> txs;
  for (std::size_t i = 0; i < count; ++i) {
    Bytes_ tx(size, 0);
    for (std::size_t b = 0; b < std::min<std::size_t>(size, 4); ++b)
      tx[b] = static_cast<std::uint8_t>(i >> (8 * (std::min<std::size_t>(size, 4) - 1 - b)));
    txs.push_back(tx);
  }
  return txs;
}

struct Block {
  std::size_t proposer = 0;
  BlockHeader header;
  Signature signature;
  BlockContent content;
};

Block block_of(std::size_t node, std::uint32_t round, const std::vector<Bytes_>& mempool) {
  std::vector<TxBytes> views(mempool.begin(), mempool.end());
  Block b;
  b.proposer = node;
  b.content = content_of(views);
  b.header = header_for(node, round, b.content.merkle_root);
  b.signature = sign_proposal(b.header, W().keys[node].secret_key, W().vrf_keys[node].secret_key).signature;
  return b;
}

Bytes_ encode_block(const Block& b) {
  return must(encode_block_to_vector(b.header, b.signature, b.content.views), "block");
}
Bytes_ encode_commit(const Certificate& c, const Block& b) {
  return must(encode_commit_to_vector(c, b.header, b.signature, b.content.views), "commit");
}

Proposal proposal_of(const Block& b) {
  return sign_proposal(b.header, W().keys.at(b.proposer).secret_key, W().vrf_keys.at(b.proposer).secret_key);
}

// A polka of block `b` with the given nodes' signatures of `step` for `id` (b's block id
// unless given) in `round`.
CarriedPolka polka_of(const Block& b, std::vector<std::size_t> nodes, std::uint32_t round,
                      VoteStep step = VoteStep::prevote, const BlockId* id = nullptr) {
  const BlockId block = id != nullptr ? *id : compute_block_id(b.header);
  return CarriedPolka{proposal_of(b), certificate_by(std::move(nodes), round, block, step)};
}
Bytes_ encode_polka(const Block& b, std::vector<std::size_t> nodes, std::uint32_t round,
                    VoteStep step = VoteStep::prevote, const BlockId* id = nullptr) {
  return must(encode_to_vector(polka_of(b, std::move(nodes), round, step, id)), "polka");
}
// That polka re-proposed by node `by` as its round message of `round`, signed and proved.
Bytes_ encode_reproposal(std::size_t by, std::uint32_t round, const CarriedPolka& polka) {
  Reproposal r{};
  r.round = round;
  r.reproposer = W().keys[by].public_key;
  r.carried = polka;
  sign_reproposal(r, W().keys[by].secret_key, W().vrf_keys[by].secret_key);
  return must(encode_to_vector(r), "re-proposal");
}

CommitRequest commit_request_by(std::size_t node, std::uint64_t height) {
  CommitRequest c;
  c.chain_id = W().chain;
  c.height = height;
  c.requester = W().keys[node].public_key;
  return sign_commit_request(c, W().keys[node].secret_key);
}

BodyRequest body_request_by(std::size_t node, const BlockId& id) {
  BodyRequest b;
  b.chain_id = W().chain;
  b.height = fuzz::kFuzzHeight;
  b.block_id = id;
  b.requester = W().keys[node].public_key;
  return sign_body_request(b, W().keys[node].secret_key);
}

// A reconcile request by `signer` under `node`'s name (its own when the same), for block
// `id`, naming `ids` (ascending, as the codec wants them).
Bytes_ reconcile_request_by(std::size_t node, const BlockId& id, ReconcileKind kind, std::uint32_t have,
                            const std::vector<ShortTxId>& ids, std::size_t signer) {
  Bytes_ id_bytes(8 * ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) store_u64(id_bytes.data() + 8 * i, ids[i]);
  ReconcileRequest r;
  r.chain_id = W().chain;
  r.height = fuzz::kFuzzHeight;
  r.block_id = id;
  r.requester = W().keys[node].public_key;
  r.kind = kind;
  r.have = have;
  r.ids.bytes = id_bytes;
  ReconcileRequest signed_request = sign_reconcile_request(r, W().keys[signer].secret_key);
  signed_request.requester = r.requester;
  return must(encode_to_vector(signed_request), "reconcile request");
}

// A body sketch of `cells_per_hash` cells a hash for block `id`: the sketch of `txids`,
// or with `noise`, cells that are no set's (SHA-256 of a counter: fixed bytes).
Bytes_ body_sketch_of(const BlockId& id, std::uint32_t tx_count, std::size_t cells_per_hash, std::span<const TxId> txids,
                      bool noise = false) {
  const SketchKey key = sketch_key(id);
  TxSketch s = TxSketch::make(key, cells_per_hash).value();
  for (const TxId& txid : txids) s.insert(short_tx_id(key, txid));
  Bytes_ cells(s.encoded_size());
  encode_tx_sketch(s, cells);
  for (std::size_t at = kSketchHeaderBytes; noise && at < cells.size(); at += 32) {
    std::array<std::uint8_t, 8> counter{};
    store_u64(counter.data(), at);
    const Hash32 h = sha256(counter);
    std::copy_n(h.v.begin(), std::min<std::size_t>(32, cells.size() - at), cells.begin() + static_cast<std::ptrdiff_t>(at));
  }
  return must(encode_to_vector(BodySketchView{W().chain, fuzz::kFuzzHeight, id, tx_count, cells}), "body sketch");
}

// One valid message of every kind, under the name of its kind.
Corpus every_kind() {
  const Block b = block_of(1, 0, {});
  const BlockId id = compute_block_id(b.header);
  Corpus c;
  const Bytes_ tx{0x42};
  c["kind-transaction"] = must(encode_transaction_to_vector(tx), "transaction");
  c["kind-masternode"] = must(encode_to_vector(W().membership.members()[0]), "masternode");
  c["kind-header"] = must(encode_to_vector(b.header), "header");
  c["kind-proposal"] = must(encode_to_vector(proposal_of(b)), "proposal");  // with its VRF proof
  c["kind-vote"] = must(encode_to_vector(vote_by(1, 0, VoteStep::prevote, id, true)), "vote");
  c["kind-certificate"] = must(encode_to_vector(certificate_by({0, 1, 2}, 0, id)), "certificate");
  c["kind-block"] = encode_block(b);
  c["kind-commit"] = encode_commit(certificate_by({0, 1, 2}, 0, id), b);
  c["kind-polka"] = encode_polka(b, {0, 1, 2}, 0);
  c["kind-reproposal"] = encode_reproposal(1, 1, polka_of(b, {0, 1, 2}, 0));
  c["kind-commit-request"] = must(encode_to_vector(commit_request_by(1, fuzz::kFuzzHeight)), "commit request");
  c["kind-body-request"] = must(encode_to_vector(body_request_by(1, id)), "body request");
  // Reconciliation, small: a transactions request naming one id, a sketch of one cell a
  // hash, one transaction.
  c["kind-reconcile-request"] = reconcile_request_by(1, id, ReconcileKind::transactions, 0, {7}, 1);
  c["kind-body-sketch"] = body_sketch_of(id, 0, 1, {});
  const std::array<TxBytes, 1> one{TxBytes(tx)};
  c["kind-body-transactions"] = must(encode_body_transactions_to_vector(W().chain, fuzz::kFuzzHeight, id, one),
                                     "body transactions");
  return c;
}

// Empty, prefix only, one byte short and one byte over of a valid message, and the same
// message under the previous wire version (refused as unknown_version).
void add_edges(Corpus& c, const Bytes_& valid) {
  Bytes_ old_version = valid;
  old_version[0] = static_cast<std::uint8_t>(kWireVersion - 1);
  c["edge-old-version"] = old_version;
  c["edge-empty"] = {};
  c["edge-prefix"] = Bytes_(valid.begin(), valid.begin() + 2);
  c["edge-short"] = Bytes_(valid.begin(), valid.end() - 1);
  Bytes_ over = valid;
  over.push_back(0);
  c["edge-over"] = over;
}

Corpus proposal_seeds() {
  Corpus c = every_kind();
  const Block b0 = block_of(1, 0, {});
  c["proposal-round0"] = c["kind-proposal"];
  const Block beyond = block_of(2, kRoundsAhead + 1, {});  // beyond a round-0 machine's window
  c["proposal-beyond-window"] = must(encode_to_vector(Proposal{beyond.header, beyond.signature}), "proposal");
  const Block last = block_of(2, kLastRound, {});
  c["proposal-last-round"] = must(encode_to_vector(Proposal{last.header, last.signature}), "proposal");
  const Block own = block_of(0, 0, {});  // the fuzz machine's own key
  c["proposal-own"] = must(encode_to_vector(Proposal{own.header, own.signature}), "proposal");
  const Block other = block_of(3, 0, transactions(3, 8));  // content the machine does not expect
  c["proposal-other-content"] = must(encode_to_vector(Proposal{other.header, other.signature}), "proposal");
  add_edges(c, c["proposal-round0"]);
  return c;
}

Corpus vote_seeds() {
  Corpus c = every_kind();
  const BlockId id = compute_block_id(block_of(1, 0, {}).header);
  c["vote-prevote"] = must(encode_to_vector(vote_by(1, 0, VoteStep::prevote, id, true)), "vote");
  c["vote-precommit"] = must(encode_to_vector(vote_by(2, 0, VoteStep::precommit, id, true)), "vote");
  c["vote-nil"] = must(encode_to_vector(vote_by(3, 0, VoteStep::prevote, BlockId{}, false)), "vote");
  c["vote-reject"] = must(encode_to_vector(vote_by(1, 0, VoteStep::precommit, id, false)), "vote");
  c["vote-beyond-window"] = must(encode_to_vector(vote_by(2, kRoundsAhead + 1, VoteStep::prevote, id, true)), "vote");
  c["vote-last-round"] = must(encode_to_vector(vote_by(2, kLastRound, VoteStep::prevote, id, true)), "vote");
  c["vote-round-out-of-range"] = must(encode_to_vector(vote_by(2, UINT32_MAX, VoteStep::prevote, id, true)), "vote");
  // Commit requests (the type byte picks the decoder): a member's, another height's, and
  // one whose signature is another member's.
  c["commit-request"] = must(encode_to_vector(commit_request_by(2, fuzz::kFuzzHeight)), "commit request");
  c["commit-request-other-height"] = must(encode_to_vector(commit_request_by(3, 7)), "commit request");
  CommitRequest forged = commit_request_by(1, fuzz::kFuzzHeight);
  forged.requester = W().keys[2].public_key;
  c["commit-request-wrong-signer"] = must(encode_to_vector(forged), "commit request");
  // Body requests: a member's, and one whose signature is another member's.
  c["body-request"] = must(encode_to_vector(body_request_by(2, id)), "body request");
  BodyRequest forged_body = body_request_by(1, id);
  forged_body.requester = W().keys[2].public_key;
  c["body-request-wrong-signer"] = must(encode_to_vector(forged_body), "body request");
  c["vote-own"] = must(encode_to_vector(vote_by(0, 0, VoteStep::prevote, id, true)), "vote");
  // Reconcile requests to the reconciliation scene's server (common/reconcile_scene.hpp):
  // the scene's own (a full sample of 512 ids, answered with a sketch; the ids it then
  // lacks, answered with those transactions); a small and an empty sample (answered with
  // the whole block); ids of nothing in the block (nothing to send); another member's
  // signature; a block it does not hold; a kind that is none; ids out of order.
  const fuzz::ReconcileScene& scene = fuzz::reconcile_scene();
  const std::size_t asker = scene.requester;
  c["reconcile-sketch-request"] = scene.sketch_request;
  c["reconcile-transactions-request"] = scene.transactions_request;
  std::vector<TxId> three;
  for (const TxBytes& tx : fuzz::pool_views(scene, 0, 3)) three.push_back(compute_txid(W().chain, tx));
  std::array<ShortTxId, 3> sample{};
  sample_short_ids(sketch_key(scene.block_id), three, sample);
  const std::vector<ShortTxId> small(sample.begin(), sample.end());
  c["reconcile-sketch-request-small"] = reconcile_request_by(asker, scene.block_id, ReconcileKind::sketch, 3, small, asker);
  c["reconcile-sketch-request-empty"] = reconcile_request_by(asker, scene.block_id, ReconcileKind::sketch, 0, {}, asker);
  c["reconcile-transactions-request-unknown"] =
      reconcile_request_by(asker, scene.block_id, ReconcileKind::transactions, 0, {1, 2, 3}, asker);
  c["reconcile-request-wrong-signer"] =
      reconcile_request_by(asker, scene.block_id, ReconcileKind::sketch, 3, small, (asker + 1) % fuzz::kFuzzMembers);
  c["reconcile-request-other-block"] = reconcile_request_by(asker, id, ReconcileKind::transactions, 0, small, asker);
  Bytes_ bad_kind = c["reconcile-sketch-request-small"];
  bad_kind[kPrefixSize + 32 + 8 + 32 + 32] = 3;
  c["reconcile-request-bad-kind"] = bad_kind;
  Bytes_ unsorted = c["reconcile-request-other-block"];
  const std::size_t ids_at = kPrefixSize + 32 + 8 + 32 + 32 + 1 + 4 + 4;
  std::swap_ranges(unsorted.begin() + static_cast<std::ptrdiff_t>(ids_at),
                   unsorted.begin() + static_cast<std::ptrdiff_t>(ids_at + 8),
                   unsorted.begin() + static_cast<std::ptrdiff_t>(ids_at + 8));
  c["reconcile-request-unsorted"] = unsorted;
  add_edges(c, c["vote-prevote"]);
  return c;
}

Corpus block_seeds() {
  Corpus c = every_kind();
  c["block-coinbase-only"] = encode_block(block_of(1, 0, {}));
  c["block-small"] = encode_block(block_of(1, 0, transactions(3, 1)));
  c["block-largest-transaction"] = encode_block(block_of(2, 1, transactions(1, kMaxTransactionBytes)));
  // Many transactions, within the target's max_len (a block at the count cap, 2^21 + 1
  // transactions, is some 12 MB: the unit and allocation tests decode that one).
  c["block-many-transactions"] = encode_block(block_of(3, 2, transactions(4096, 2)));
  // The same small block with its last two transactions (one byte each) swapped: out of
  // txid order, which the decoder must refuse (the encoder cannot write it).
  Bytes_ unsorted = c["block-small"];
  BlockView view;
  if (!decode_block(unsorted, view)) die("block-small does not decode");
  const auto at = [&](std::size_t i) { return static_cast<std::size_t>(view.txs[i].data() - unsorted.data()); };
  std::swap(unsorted[at(2)], unsorted[at(3)]);
  c["block-unsorted"] = unsorted;
  // The answers of body reconciliation, for the reconciliation scene's requester
  // (common/reconcile_scene.hpp): the scene's sketch (it peels; the requester asks for
  // what it lacks) and transactions (they complete the body); the sketch with a count off
  // by one, cells of its size that are no set's, an empty sketch one cell a hash larger
  // than the requester accepts; the transactions one short, with one wrong, out of order.
  const fuzz::ReconcileScene& scene = fuzz::reconcile_scene();
  c["body-sketch"] = scene.sketch;
  c["body-transactions"] = scene.transactions;
  const auto sketch = decode_body_sketch(scene.sketch);
  if (!sketch) die("the scene's sketch does not decode");
  const std::size_t cells = load_u32(sketch.value().sketch.data());
  std::vector<TxId> served;
  for (const TxBytes& tx : fuzz::pool_views(scene, fuzz::kReconcileShift, fuzz::kReconcilePool))
    served.push_back(compute_txid(W().chain, tx));
  std::sort(served.begin(), served.end());
  const auto served_count = static_cast<std::uint32_t>(served.size());
  c["body-sketch-wrong-count"] = body_sketch_of(scene.block_id, served_count + 1, cells, served);
  c["body-sketch-noise"] = body_sketch_of(scene.block_id, served_count, cells, served, true);
  c["body-sketch-too-large"] =
      body_sketch_of(scene.block_id, served_count, max_sketch_cells_for(fuzz::kReconcileHave) + 1, {});
  BodyTransactionsView answer;
  if (!decode_body_transactions(scene.transactions, answer) || answer.txs.size() < 2)
    die("the scene's transactions do not decode, or are fewer than two");
  std::vector<TxBytes> short_one(answer.txs.begin(), answer.txs.end() - 1);
  c["body-transactions-one-short"] = must(
      encode_body_transactions_to_vector(W().chain, fuzz::kFuzzHeight, scene.block_id, short_one), "body transactions");
  const Bytes_ wrong_tx{0x72, 0x63, 0xff, 0xff, 0, 0, 0, 0};  // of the pool's form, in no body
  std::vector<std::pair<TxId, TxBytes>> wrong;
  for (std::size_t i = 0; i + 1 < answer.txs.size(); ++i) wrong.emplace_back(compute_txid(W().chain, answer.txs[i]), answer.txs[i]);
  wrong.emplace_back(compute_txid(W().chain, wrong_tx), TxBytes(wrong_tx));
  std::sort(wrong.begin(), wrong.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<TxBytes> wrong_txs;
  for (const auto& [txid, tx] : wrong) wrong_txs.push_back(tx);
  c["body-transactions-wrong"] = must(
      encode_body_transactions_to_vector(W().chain, fuzz::kFuzzHeight, scene.block_id, wrong_txs), "body transactions");
  // The first two transactions (8 bytes each) swapped in place: out of txid order.
  Bytes_ swapped = scene.transactions;
  const auto offset = [&](std::size_t i) {
    return static_cast<std::ptrdiff_t>(answer.txs[i].data() - scene.transactions.data());
  };
  std::swap_ranges(swapped.begin() + offset(0), swapped.begin() + offset(0) + 8, swapped.begin() + offset(1));
  c["body-transactions-unsorted"] = swapped;
  add_edges(c, c["block-small"]);
  return c;
}

Corpus certificate_seeds() {
  Corpus c = every_kind();
  const Block b = block_of(1, 0, {});
  const BlockId id = compute_block_id(b.header);
  c["certificate-quorum"] = must(encode_to_vector(certificate_by({0, 1, 2}, 0, id)), "certificate");
  c["certificate-all"] = must(encode_to_vector(certificate_by({0, 1, 2, 3}, 0, id)), "certificate");
  c["certificate-below-quorum"] = must(encode_to_vector(certificate_by({1, 3}, 0, id)), "certificate");
  c["certificate-one"] = must(encode_to_vector(certificate_by({2}, 0, id)), "certificate");
  c["certificate-most-signers"] = must(encode_to_vector(full_certificate(id)), "certificate");
  c["commit-quorum"] = encode_commit(certificate_by({0, 1, 2}, 0, id), b);
  const Block later = block_of(2, 3, transactions(5, 16));
  c["commit-later-round"] = encode_commit(certificate_by({1, 2, 3}, 3, compute_block_id(later.header)), later);
  add_edges(c, c["certificate-quorum"]);
  return c;
}

Corpus reproposal_seeds() {
  Corpus c = every_kind();
  const Block b = block_of(1, 0, {});
  const BlockId id = compute_block_id(b.header);
  c["reproposal-quorum"] = c["kind-polka"];
  c["reproposal-all"] = encode_polka(b, {0, 1, 2, 3}, 0);
  c["reproposal-later-polka"] = encode_polka(b, {1, 2, 3}, 1);  // a round-0 block's polka of round 1
  // Beyond a round-0 machine's window: the polka's signers (three quarters of the weight)
  // are ahead of it, so it skips to the polka's round; and the last round there is.
  c["reproposal-beyond-window"] = encode_polka(b, {0, 2, 3}, kRoundsAhead + 3);
  c["reproposal-last-round"] = encode_polka(b, {0, 1, 2}, kLastRound);
  const Block later = block_of(2, 2, {});
  c["reproposal-round-2"] = encode_polka(later, {0, 1, 3}, 2);
  const Block other = block_of(3, 0, transactions(3, 8));  // content the machine does not expect
  c["reproposal-other-content"] = encode_polka(other, {1, 2, 3}, 0);
  // Refused: below a quorum, precommit signatures, a polka for another block, a polka
  // older than its proposal, the count limit of non-members.
  c["reproposal-below-quorum"] = encode_polka(b, {1, 3}, 0);
  c["reproposal-precommits"] = encode_polka(b, {0, 1, 2}, 0, VoteStep::precommit);
  const BlockId another = compute_block_id(later.header);
  c["reproposal-other-block"] = encode_polka(b, {0, 1, 2}, 2, VoteStep::prevote, &another);
  c["reproposal-polka-before-proposal"] = encode_polka(later, {0, 1, 3}, 1);
  c["reproposal-most-signers"] =
      must(encode_to_vector(CarriedPolka{proposal_of(b), full_certificate(id)}), "re-proposal");
  // Re-proposals (0x09): round messages of a later round than their polka, by a member
  // other than the polka's signers or one of them; one of the polka's own round (refused);
  // one whose signature is another member's (refused); one beyond the window.
  c["signed-reproposal-round-1"] = c["kind-reproposal"];
  c["signed-reproposal-by-signer"] = encode_reproposal(2, 2, polka_of(b, {1, 2, 3}, 1));
  c["signed-reproposal-of-round-2-block"] = encode_reproposal(3, 3, polka_of(later, {0, 1, 3}, 2));
  c["signed-reproposal-same-round"] = encode_reproposal(1, 0, polka_of(b, {0, 1, 2}, 0));
  c["signed-reproposal-beyond-window"] = encode_reproposal(0, kRoundsAhead + 4, polka_of(b, {0, 2, 3}, kRoundsAhead + 3));
  Bytes_ forged = encode_reproposal(1, 1, polka_of(b, {0, 1, 2}, 0));
  const Bytes_ other_signer = encode_reproposal(2, 1, polka_of(b, {0, 1, 2}, 0));
  std::copy_n(other_signer.begin() + kPrefixSize + 4 + 32 + 80, 64, forged.begin() + kPrefixSize + 4 + 32 + 80);
  c["signed-reproposal-forged-signature"] = forged;
  add_edges(c, c["reproposal-quorum"]);
  add_edges(c, c["signed-reproposal-round-1"]);
  return c;
}

Bytes_ frames(const std::vector<JournalRecord>& records) {
  Bytes_ out;
  for (const JournalRecord& r : records) {
    const JournalFrame f = encode_journal_frame(r);
    out.insert(out.end(), f.begin(), f.end());
  }
  return out;
}

Corpus journal_seeds() {
  const BlockId id = compute_block_id(block_of(0, 0, {}).header);
  JournalRecord prevote{JournalRecordKind::vote, vote_by(0, 0, VoteStep::prevote, id, true), 0, {}};
  JournalRecord precommit{JournalRecordKind::vote, vote_by(0, 0, VoteStep::precommit, id, true), 0, {}};
  JournalRecord lock{JournalRecordKind::lock, {}, fuzz::kFuzzHeight, Lock{true, id, 0}};
  JournalRecord nil{JournalRecordKind::vote, vote_by(0, 1, VoteStep::prevote, BlockId{}, false), 0, {}};
  Vote old = vote_by(0, 0, VoteStep::prevote, id, true);
  JournalRecord other_height{JournalRecordKind::vote, old, 0, {}};
  other_height.vote.height = 7;  // a record of another height is skipped on replay
  other_height.vote = sign_vote(other_height.vote, W().keys[0].secret_key);
  JournalRecord peer{JournalRecordKind::vote, vote_by(1, 0, VoteStep::prevote, id, true), 0, {}};

  Corpus c;
  c["journal-empty"] = {};
  c["journal-prevote"] = frames({prevote});
  c["journal-locked"] = frames({prevote, precommit, lock});
  c["journal-two-rounds"] = frames({prevote, precommit, lock, nil});
  c["journal-other-height"] = frames({other_height, prevote});
  c["journal-lock-alone"] = frames({lock});          // refused: no precommit before it
  c["journal-peer-vote"] = frames({peer});           // refused: not this node's vote
  Bytes_ torn = frames({prevote, precommit});
  torn.resize(torn.size() - kJournalFrameSize / 2);  // the second frame half written
  c["journal-torn-tail"] = torn;
  Bytes_ corrupt = frames({prevote, precommit, lock});
  corrupt[kJournalFrameSize + 40] ^= 0x01;            // the middle frame damaged
  c["journal-corrupt-middle"] = corrupt;
  // The locking step as the host journals it: the lock's polka (a re-proposal over part
  // frames) before the precommit and the lock; then that polka cut short by a crash.
  const Bytes_ polka_message = encode_polka(block_of(0, 0, {}), {0, 1, 2}, 0);
  std::vector<JournalFrame> polka_frames((polka_message.size() + kJournalPolkaChunk - 1) / kJournalPolkaChunk);
  const std::size_t parts = encode_journal_polka_frames(polka_message, polka_frames);
  if (parts < 2) die("journal seeds: a polka takes more than one frame");
  Bytes_ polka;
  for (std::size_t i = 0; i < parts; ++i) polka.insert(polka.end(), polka_frames[i].begin(), polka_frames[i].end());
  Bytes_ with_polka = frames({prevote});
  with_polka.insert(with_polka.end(), polka.begin(), polka.end());
  const Bytes_ tail = frames({precommit, lock});
  with_polka.insert(with_polka.end(), tail.begin(), tail.end());
  c["journal-locked-with-polka"] = with_polka;
  Bytes_ polka_torn = frames({prevote});
  polka_torn.insert(polka_torn.end(), polka.begin(), polka.end() - kJournalFrameSize / 2);
  c["journal-polka-torn"] = polka_torn;
  return c;
}

// ---- vrf_fuzzer: header, [public key], proof, alpha (targets/vrf_fuzzer.cpp) --------------

// The harness's fixed keys, in its order (RFC 8032 §7.1 TEST 1, 2, 3 and SHA(abc)), and its
// eight small-order points (index 0: the identity).
constexpr const char* kVrfSeedHex[4] = {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"};
constexpr const auto& kVrfSmallOrderHex = testkit::kSmallOrderPointsHex;
// RFC 9381 Appendix B.3, Examples 16, 17, 18: PK, alpha, pi (keys 0, 1, 2 above).
struct VrfExample {
  const char* pk;
  const char* alpha;
  const char* pi;
};
constexpr VrfExample kVrfExamples[3] = {
    {"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "8657106690b5526245a92b003bb079ccd1a92130477671f6fc01ad16f26f723f26f8a57ccaed74ee1b190bed1f479d97"
     "27d2d0f9b005a6e456a35d4fb0daab1268a1b0db10836d9826a528ca76567805"},
    {"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "f3141cd382dc42909d19ec5110469e4feae18300e94f304590abdced48aed5933bf0864a62558b3ed7f2fea45c92a465"
     "301b3bbf5e3e54ddf2d935be3b67926da3ef39226bbc355bdc9850112c8f4b02"},
    {"fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "9bc0f79119cc5604bf02d23b4caede71393cedfbb191434dd016d30177ccbf8096bb474e53895c362d8628ee9f9ea3c0"
     "e52c7a5c691b6c18c9979866568add7a2d41b00b05081ed0f58ee5e31b3a970e"}};

Bytes_ vrf_hex(std::string_view hex) {
  Bytes_ out(hex.size() / 2);
  if (hex.size() % 2 != 0 || !from_hex(hex, out)) die("bad hex in the VRF seeds: " + std::string(hex));
  return out;
}

template <std::size_t N>
Bytes<N> vrf_hex_bytes(std::string_view hex) {
  const Bytes_ v = vrf_hex(hex);
  if (v.size() != N) die("wrong length in the VRF seeds: " + std::string(hex));
  Bytes<N> out;
  std::copy(v.begin(), v.end(), out.v.begin());
  return out;
}

VrfKeypair vrf_key(std::size_t k) { return vrf_keypair_from_seed(vrf_hex_bytes<32>(kVrfSeedHex[k])); }

VrfProof vrf_prove(std::size_t k, const Bytes_& alpha) {
  const auto pi = ecvrf_prove(vrf_key(k).secret_key, alpha);
  if (!pi) die("ecvrf_prove: " + pi.error().message());
  return pi.value();
}

// key byte, torsion byte (key T | Gamma T << 3), flip index (big-endian), then the key
// when given explicitly, the proof and alpha.
Bytes_ vrf_input(std::uint8_t key, std::uint8_t torsion, std::uint16_t flip, const PublicKey* pk, const VrfProof& pi,
                 const Bytes_& alpha) {
  Bytes_ out{key, torsion, static_cast<std::uint8_t>(flip >> 8), static_cast<std::uint8_t>(flip)};
  if (pk != nullptr) out.insert(out.end(), pk->v.begin(), pk->v.end());
  out.insert(out.end(), pi.v.begin(), pi.v.end());
  out.insert(out.end(), alpha.begin(), alpha.end());
  return out;
}

ecvrf_detail::Point vrf_add(const ecvrf_detail::Point& a, const ecvrf_detail::Point& b) {
  ecvrf_detail::Point r;
  if (crypto_core_ed25519_add(r.data(), a.data(), b.data()) != 0) die("point addition failed");
  return r;
}

// A proof that RFC 9381 accepts and ecvrf_prove never makes: key k plus small-order point
// t_y as the public key, Gamma = x*H + t_g, U and V committed with -(c mod 8)*t_y and
// -(c mod 8)*t_g (spec/vrf.md §5.3): the first nonce whose challenge matches the guess.
VrfProof vrf_torsion_proof(std::size_t k, const PublicKey& pk, const Bytes_& alpha, const ecvrf_detail::Point& t_y,
                           const ecvrf_detail::Point& t_g) {
  using namespace ecvrf_detail;
  const Seed seed = vrf_hex_bytes<32>(kVrfSeedHex[k]);
  std::array<std::uint8_t, 64> wide{};
  const Scalar x_raw = secret_scalar(seed);
  std::copy(x_raw.v.begin(), x_raw.v.end(), wide.begin());
  Scalar x;
  crypto_core_ed25519_scalar_reduce(x.data(), wide.data());
  const auto encoded = encode_to_curve(pk, alpha);
  if (!encoded) die("encode_to_curve failed");
  const Point h = encoded.value().h;
  Point gamma;
  if (crypto_scalarmult_ed25519_noclamp(gamma.data(), x.data(), h.data()) != 0) die("x*H failed");
  gamma = vrf_add(gamma, t_g);
  for (std::uint8_t attempt = 0; attempt < 64; ++attempt) {
    crypto_hash_sha512_state st;
    crypto_hash_sha512_init(&st);
    crypto_hash_sha512_update(&st, seed.data(), seed.size());
    crypto_hash_sha512_update(&st, h.data(), h.size());
    crypto_hash_sha512_update(&st, &attempt, 1);
    crypto_hash_sha512_final(&st, wide.data());
    Scalar n;
    crypto_core_ed25519_scalar_reduce(n.data(), wide.data());
    Point u;
    Point v;
    if (crypto_scalarmult_ed25519_base_noclamp(u.data(), n.data()) != 0 ||
        crypto_scalarmult_ed25519_noclamp(v.data(), n.data(), h.data()) != 0)
      continue;
    for (unsigned j = 0; j < 8; ++j) {
      const Challenge c = challenge_generation(pk, h, gamma, u, v);
      if ((c.v[0] & 7u) == j) {
        Scalar c_wide{};
        std::copy(c.v.begin(), c.v.end(), c_wide.v.begin());
        Scalar cx;
        Scalar s;
        crypto_core_ed25519_scalar_mul(cx.data(), c_wide.data(), x.data());
        crypto_core_ed25519_scalar_add(s.data(), n.data(), cx.data());
        VrfProof pi;
        auto it = std::copy(gamma.v.begin(), gamma.v.end(), pi.v.begin());
        it = std::copy(c.v.begin(), c.v.end(), it);
        std::copy(s.v.begin(), s.v.end(), it);
        if (!ecvrf_verify(pk, pi, alpha)) die("a torsion proof does not verify");
        return pi;
      }
      Point minus;
      crypto_core_ed25519_sub(minus.data(), u.data(), t_y.data());
      u = minus;
      crypto_core_ed25519_sub(minus.data(), v.data(), t_g.data());
      v = minus;
    }
  }
  die("no torsion proof in 64 nonces");
}

Corpus vrf_seeds() {
  using ecvrf_detail::Point;
  Corpus c;
  Bytes_ eighty(80);  // the size of a round's VRF input (spec/protocol.md §4.4): 00 01 .. 4f
  for (std::size_t i = 0; i < eighty.size(); ++i) eighty[i] = static_cast<std::uint8_t>(i);
  const std::pair<const char*, Bytes_> alphas[4] = {
      {"empty", {}}, {"72", {0x72}}, {"af82", {0xaf, 0x82}}, {"80-bytes", eighty}};
  // Honest proofs; the flip index moves through Gamma (bit 0, the sign bit), c and s.
  const std::uint16_t flips[4] = {0, 255, 300, 600};
  for (std::size_t k = 0; k < 4; ++k) {
    for (std::size_t a = 0; a < 4; ++a) {
      const Bytes_& alpha = alphas[a].second;
      c["key" + std::to_string(k) + "-alpha-" + alphas[a].first] =
          vrf_input(static_cast<std::uint8_t>(k), 0, flips[a], nullptr, vrf_prove(k, alpha), alpha);
    }
  }
  // RFC 9381 Examples 16-18 as published, with the key given explicitly.
  for (std::size_t e = 0; e < 3; ++e) {
    const PublicKey pk = vrf_hex_bytes<32>(kVrfExamples[e].pk);
    const VrfProof pi = vrf_hex_bytes<80>(kVrfExamples[e].pi);
    const Bytes_ alpha = vrf_hex(kVrfExamples[e].alpha);
    if (vrf_prove(e, alpha) != pi) die("ecvrf_prove differs from RFC 9381 Example " + std::to_string(16 + e));
    c["rfc9381-example-" + std::to_string(16 + e)] =
        vrf_input(static_cast<std::uint8_t>(0x80 | e), 0, static_cast<std::uint16_t>(100 * e), &pk, pi, alpha);
  }
  const Bytes_ none;
  const VrfProof honest = vrf_prove(0, none);
  const auto with = [&](std::size_t at, const Bytes_& bytes) {
    VrfProof pi = honest;
    std::copy(bytes.begin(), bytes.end(), pi.v.begin() + static_cast<std::ptrdiff_t>(at));
    return vrf_input(0, 0, 0, nullptr, pi, none);
  };
  // s at and above the group order q (spec/vrf.md §3.6): refused, even s + q.
  const Bytes_ q = vrf_hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
  c["s-equals-q"] = with(48, q);
  Bytes_ s_plus_q(32);
  unsigned carry = 0;
  for (std::size_t i = 0; i < 32; ++i) {
    carry += unsigned{honest.v[48 + i]} + q[i];
    s_plus_q[i] = static_cast<std::uint8_t>(carry);
    carry >>= 8;
  }
  c["s-plus-q"] = with(48, s_plus_q);
  c["s-max"] = with(48, Bytes_(32, 0xff));
  // Zero scalars, whose products libsodium refuses to compute (spec/vrf.md §5.2).
  c["c-zero"] = with(32, Bytes_(16, 0));
  c["s-zero"] = with(48, Bytes_(32, 0));
  c["c-and-s-zero"] = with(32, Bytes_(48, 0));
  // Gamma at the edges of string_to_point (spec/vrf.md §3.1).
  c["gamma-y-equals-p"] = with(0, vrf_hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  c["gamma-y-p-plus-1"] = with(0, vrf_hex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
  c["gamma-minus-zero"] = with(0, vrf_hex("0100000000000000000000000000000000000000000000000000000000000080"));
  c["gamma-not-on-curve"] = with(0, vrf_hex("0200000000000000000000000000000000000000000000000000000000000000"));
  c["gamma-small-order"] = with(0, vrf_hex(kVrfSmallOrderHex[4]));
  // Keys at the edges of ECVRF_validate_key (spec/vrf.md §3.7), given explicitly.
  for (std::size_t t = 0; t < 8; ++t) {
    const PublicKey pk = vrf_hex_bytes<32>(kVrfSmallOrderHex[t]);
    c["key-small-order-" + std::to_string(t)] = vrf_input(0x80, 0, 0, &pk, honest, none);
  }
  const std::pair<const char*, const char*> bad_keys[3] = {
      {"key-y-p-plus-1", "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"},
      {"key-minus-zero", "0100000000000000000000000000000000000000000000000000000000000080"},
      {"key-not-on-curve", "0200000000000000000000000000000000000000000000000000000000000000"}};
  for (const auto& [name, hex] : bad_keys) {
    const PublicKey pk = vrf_hex_bytes<32>(hex);
    c[name] = vrf_input(0x80, 0, 0, &pk, honest, none);
  }
  // Torsion components (spec/vrf.md §5.3). The harness's own proof: key 0 plus the first
  // order-8 point; key 2 with an order-2 point in Gamma; key 1 with both.
  const Bytes_ af82{0xaf, 0x82};
  c["torsion-key"] = vrf_input(0x00, 0x04, 10, nullptr, honest, none);
  c["torsion-gamma"] = vrf_input(0x02, 0x01 << 3, 290, nullptr, vrf_prove(2, af82), af82);
  c["torsion-both"] = vrf_input(0x01, 0x06 | (0x04 << 3), 500, nullptr, vrf_prove(1, alphas[1].second),
                                alphas[1].second);
  // As the proof under test: a torsion key's accepted proof (explicit key), and a second
  // accepted proof of key 2 for af82, Gamma plus an order-8 point, with the same beta.
  const Point identity = vrf_hex_bytes<32>(kVrfSmallOrderHex[0]);
  const Point t8 = vrf_hex_bytes<32>(kVrfSmallOrderHex[4]);
  const PublicKey torsion_pk = vrf_add(vrf_key(0).public_key, t8);
  c["accepted-torsion-key"] =
      vrf_input(0x80, 0, 20, &torsion_pk, vrf_torsion_proof(0, torsion_pk, alphas[1].second, t8, identity),
                alphas[1].second);
  c["accepted-torsion-gamma"] =
      vrf_input(0x02, 0, 30, nullptr, vrf_torsion_proof(2, vrf_key(2).public_key, af82, identity, t8), af82);
  // Short inputs: the missing proof bytes are key K's honest proof of the empty alpha.
  c["edge-empty"] = {};
  c["edge-header-only"] = {0x03, 0x00, 0x01, 0x40};
  return c;
}

void write_corpus(const std::filesystem::path& dir, const Corpus& corpus) {
  std::filesystem::create_directories(dir);
  for (const auto& [name, bytes] : corpus) {
    std::ofstream out(dir / ("seed-" + name), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) die("cannot write " + (dir / name).string());
  }
}

// sketch_fuzzer: the first byte picks 1 + (b mod 32) cells a hash, the rest are the
// cells; a whole encoded sketch of 4 cells a hash exercises the byte decoder.
Bytes_ sketch_seed(std::uint8_t size_byte, std::size_t inserted, std::size_t erased, std::uint64_t first_id) {
  const std::size_t per_hash = 1 + size_byte % 32;
  TxSketch s = TxSketch::make(sketch_key(Hash32{{0x5c}}), per_hash).value();
  for (std::size_t i = 0; i < inserted; ++i) s.insert(first_id + i);
  for (std::size_t i = 0; i < erased; ++i) s.erase(first_id + 1000 + i);
  Bytes_ encoded(s.encoded_size());
  encode_tx_sketch(s, encoded);
  Bytes_ out{size_byte};
  out.insert(out.end(), encoded.begin() + kSketchHeaderBytes, encoded.end());
  return out;
}

Corpus sketch_seeds() {
  Corpus c;
  c["sketch-empty"] = sketch_seed(3, 0, 0, 0);
  c["sketch-one-id"] = sketch_seed(3, 1, 0, 7);
  c["sketch-difference"] = sketch_seed(31, 12, 9, 100);
  c["sketch-undecodable"] = sketch_seed(1, 20, 20, 500);
  TxSketch whole = TxSketch::make(sketch_key(Hash32{{0x5c}}), 4).value();
  whole.insert(42);
  whole.erase(43);
  Bytes_ bytes(whole.encoded_size());
  encode_tx_sketch(whole, bytes);
  c["sketch-bytes"] = bytes;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n  writes OUT_DIR/<target>/seed-* for every fuzz target\n", argv[0]);
    return 2;
  }
  const std::filesystem::path out(argv[1]);
  write_corpus(out / "proposal_fuzzer", proposal_seeds());
  write_corpus(out / "vote_fuzzer", vote_seeds());
  write_corpus(out / "block_fuzzer", block_seeds());
  write_corpus(out / "certificate_fuzzer", certificate_seeds());
  write_corpus(out / "reproposal_fuzzer", reproposal_seeds());
  write_corpus(out / "journal_fuzzer", journal_seeds());
  Corpus round;
  for (auto& [name, bytes] : fuzz::round_fuzzer_seeds()) round[name] = bytes;
  write_corpus(out / "round_fuzzer", round);
  write_corpus(out / "vrf_fuzzer", vrf_seeds());
  write_corpus(out / "sketch_fuzzer", sketch_seeds());
  return 0;
}
