// midnight_fuzz_corpus OUT_DIR: writes the seed corpus of every fuzz target,
// OUT_DIR/<target>/seed-<name>, from the encoder (never by hand), signed with the fuzz
// world's keys (common/fuzz_world.hpp). The committed fuzz/corpus/ holds these seeds plus
// what fuzzing found; the CTest test fuzz-corpus.seeds_current regenerates the seeds and
// fails if a committed one differs, so a format change cannot leave stale seeds behind.
//
// Each decoder target gets: valid messages of its own kind at the edges (round 0 and the
// last round, smallest and largest counts and lengths), one valid message of every other
// kind (the wrong-type paths), and the boundary sizes of its own kind (empty, prefix only,
// one byte short, one byte over).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "common/fuzz_world.hpp"
#include "midnight/block/builder.hpp"
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

// A certificate of the given nodes' approving precommits, voters ascending.
Certificate certificate_by(std::vector<std::size_t> nodes, std::uint32_t round, const BlockId& id) {
  Certificate c;
  c.chain_id = W().chain;
  c.height = fuzz::kFuzzHeight;
  c.round = round;
  c.block_id = id;
  std::vector<CertificateSignature> sigs;
  for (std::size_t n : nodes) {
    const Vote v = vote_by(n, round, VoteStep::precommit, id, true);
    sigs.push_back({v.voter, v.signature});
  }
  std::sort(sigs.begin(), sigs.end(), [](const auto& a, const auto& b) { return a.voter < b.voter; });
  c.count = static_cast<std::uint8_t>(sigs.size());
  std::copy(sigs.begin(), sigs.end(), c.signatures.begin());
  return c;
}

// A certificate at the count limit: kMaxMembers ascending non-member keys, junk
// signatures. It decodes; it must not verify.
Certificate full_certificate(const BlockId& id) {
  Certificate c;
  c.chain_id = W().chain;
  c.height = fuzz::kFuzzHeight;
  c.block_id = id;
  c.count = static_cast<std::uint8_t>(kMaxMembers);
  for (std::size_t i = 0; i < kMaxMembers; ++i) {
    c.signatures[i].voter.v.fill(0);
    c.signatures[i].voter.v[0] = static_cast<std::uint8_t>(i + 1);
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
  BlockHeader header;
  Signature signature;
  BlockContent content;
};

Block block_of(std::size_t node, std::uint32_t round, const std::vector<Bytes_>& mempool) {
  std::vector<TxBytes> views(mempool.begin(), mempool.end());
  Block b;
  b.content = content_of(views);
  b.header = header_for(node, round, b.content.merkle_root);
  b.signature = sign_proposal(b.header, W().keys[node].secret_key).signature;
  return b;
}

Bytes_ encode_block(const Block& b) {
  return must(encode_block_to_vector(b.header, b.signature, b.content.views), "block");
}
Bytes_ encode_commit(const Certificate& c, const Block& b) {
  return must(encode_commit_to_vector(c, b.header, b.signature, b.content.views), "commit");
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
  c["kind-proposal"] = must(encode_to_vector(Proposal{b.header, b.signature}), "proposal");
  c["kind-vote"] = must(encode_to_vector(vote_by(1, 0, VoteStep::prevote, id, true)), "vote");
  c["kind-certificate"] = must(encode_to_vector(certificate_by({0, 1, 2}, 0, id)), "certificate");
  c["kind-block"] = encode_block(b);
  c["kind-commit"] = encode_commit(certificate_by({0, 1, 2}, 0, id), b);
  return c;
}

// Empty, prefix only, one byte short and one byte over of a valid message.
void add_edges(Corpus& c, const Bytes_& valid) {
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
  const Block last = block_of(2, kMaxRounds - 1, {});
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
  c["vote-last-round"] = must(encode_to_vector(vote_by(2, kMaxRounds - 1, VoteStep::prevote, id, true)), "vote");
  c["vote-own"] = must(encode_to_vector(vote_by(0, 0, VoteStep::prevote, id, true)), "vote");
  add_edges(c, c["vote-prevote"]);
  return c;
}

Corpus block_seeds() {
  Corpus c = every_kind();
  c["block-coinbase-only"] = encode_block(block_of(1, 0, {}));
  c["block-small"] = encode_block(block_of(1, 0, transactions(3, 1)));
  c["block-largest-transaction"] = encode_block(block_of(2, 1, transactions(1, kMaxTransactionBytes)));
  c["block-most-transactions"] = encode_block(block_of(3, 2, transactions(kMaxBlockTransactions, 2)));
  // The same small block with its last two transactions (one byte each) swapped: out of
  // txid order, which the decoder must refuse (the encoder cannot write it).
  Bytes_ unsorted = c["block-small"];
  BlockView view;
  if (!decode_block(unsorted, view)) die("block-small does not decode");
  const auto at = [&](std::size_t i) { return static_cast<std::size_t>(view.txs[i].data() - unsorted.data()); };
  std::swap(unsorted[at(2)], unsorted[at(3)]);
  c["block-unsorted"] = unsorted;
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
  write_corpus(out / "journal_fuzzer", journal_seeds());
  Corpus round;
  for (auto& [name, bytes] : fuzz::round_fuzzer_seeds()) round[name] = bytes;
  write_corpus(out / "round_fuzzer", round);
  return 0;
}
