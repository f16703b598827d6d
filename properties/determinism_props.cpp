// Determinism: the same inputs give the same bytes, whoever computes them and in
// whatever order the inputs arrive (spec/protocol.md §3, spec/encoding.md, the
// simulator's reproducibility).
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "generators.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/crypto/ecvrf.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/trace_json.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;
using Tx = std::vector<std::uint8_t>;

// The block limits the builder property runs under: smaller than the protocol's (2^21
// transactions, 256 MiB), so that a case reaches either cap with about a thousand small
// or twenty large transactions. The rule does not depend on the sizes; the protocol's own
// caps are checked by BuilderTest and block_building.json's cap vectors.
constexpr BlockLimits kPropBlockLimits{1024, 1024 * 1024};

// A mempool for the builder: mostly a few dozen small transactions, with empty and
// oversized ones (which the builder drops), and now and then enough transactions to
// pass either limit of kPropBlockLimits (where it cuts the prefix).
rc::Gen<std::vector<Tx>> gen_builder_mempool() {
  return gen::exec([] {
    auto txs_of = [](std::size_t count, std::size_t lo, std::size_t hi) {
      std::vector<Tx> out;
      for (std::size_t i = 0; i < count; ++i) {
        const auto len = *gen::inRange<std::size_t>(lo, hi + 1);
        out.push_back(*gen::container<Tx>(len, gen::arbitrary<std::uint8_t>()));
      }
      return out;
    };
    // Large sets: bytes from a generated seed (generating and shrinking a megabyte byte by
    // byte would cost seconds per case and tell nothing more).
    auto seeded_txs_of = [](std::size_t count, std::size_t lo, std::size_t hi) {
      sim::Rng rng(*gen::arbitrary<std::uint64_t>());
      std::vector<Tx> out;
      for (std::size_t i = 0; i < count; ++i) {
        Tx tx(static_cast<std::size_t>(rng.between(lo, hi)));
        rng.fill(tx);
        out.push_back(std::move(tx));
      }
      return out;
    };
    const int kind = *gen::resize(100, gen::inRange(0, 40));
    if (kind == 0)
      return seeded_txs_of(*gen::inRange<std::size_t>(kPropBlockLimits.max_transactions - 8,
                                                       kPropBlockLimits.max_transactions + 80),
                           3, 6);  // 3 bytes and more: few repeats, so the count limit is passed
    if (kind == 1)
      return seeded_txs_of(*gen::inRange<std::size_t>(14, 20), kMaxTransactionBytes - 4096, kMaxTransactionBytes);
    auto txs = txs_of(*gen::inRange<std::size_t>(0, 40), 1, 200);
    if (*gen_chance(25)) txs.push_back({});  // empty: never encodable
    if (*gen_chance(10)) txs.push_back(Tx(kMaxTransactionBytes + 1, 0xab));  // too large
    return txs;
  });
}

// The mempool as one node receives it: every transaction at least once, some up to
// three times, in a generated order.
rc::Gen<std::vector<std::size_t>> gen_arrival(std::size_t count) {
  return gen::exec([count] {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < count; ++i) {
      const auto copies = *gen_chance(20) ? *gen::inRange(2, 4) : 1;
      for (int k = 0; k < copies; ++k) order.push_back(i);
    }
    std::vector<std::size_t> shuffled;
    for (auto i : *gen_permutation(order.size())) shuffled.push_back(order[i]);
    return shuffled;
  });
}

// (a) Every honest node builds byte-identical block content from the same mempool, in
// any arrival order and with duplicates; the content is the coinbase followed by the
// longest txid-ascending prefix of the distinct encodable transactions within the block
// limits, and the Merkle root is RFC 6962 over exactly those transactions.
RC_GTEST_PROP(Determinism, BlockContentIgnoresArrivalOrderAndDuplicates, ()) {
  RC_ASSERT(crypto_init());
  const ChainId chain = *gen_bytes<32>();
  const auto height = *gen::arbitrary<std::uint64_t>();
  const auto reward = *gen::inRange<std::uint64_t>(0, kMaxRewardPerHeight + 1);
  const auto n = *gen_node_count(1, 300);
  const auto keys = *gen::unique<std::vector<PublicKey>>(n, gen_bytes<32>());
  std::vector<Masternode> members;
  for (const auto& k : keys)
    members.push_back({k, vrf_keypair_from_seed(k).public_key, *gen_bytes<32>(),  // distinct keys, distinct VRF keys
                       *gen::inRange<std::uint64_t>(1, kMaxPropWeight + 1)});
  const auto membership = Membership::make(members);
  RC_ASSERT(membership.has_value());
  const Membership& m = membership.value();

  const auto pool = *gen_builder_mempool();
  auto build = [&](const std::vector<std::size_t>& order) {
    std::vector<TxBytes> views;
    for (auto i : order) views.emplace_back(pool[i]);
    return build_block_content(chain, height, m, reward, views, kPropBlockLimits);
  };
  const auto a = build(*gen_arrival(pool.size()));
  const auto b = build(*gen_arrival(pool.size()));
  RC_ASSERT(a.txs == b.txs);
  RC_ASSERT(a.merkle_root == b.merkle_root);
  RC_ASSERT(a.mempool_bytes == b.mempool_bytes);

  // What the content must be.
  RC_ASSERT(!a.txs.empty());
  RC_ASSERT(a.txs[0] == build_coinbase(chain, height, m, reward));
  std::map<TxId, Tx> distinct;
  for (const auto& tx : pool)
    if (!tx.empty() && tx.size() <= kMaxTransactionBytes) distinct.emplace(compute_txid(chain, tx), tx);
  std::vector<Tx> expected;
  std::size_t bytes = 0;
  for (const auto& [id, tx] : distinct) {
    if (expected.size() == kPropBlockLimits.max_transactions || bytes + tx.size() > kPropBlockLimits.max_transaction_bytes)
      break;
    bytes += tx.size();
    expected.push_back(tx);
  }
  RC_ASSERT(std::vector<Tx>(a.txs.begin() + 1, a.txs.end()) == expected);
  RC_ASSERT(a.mempool_bytes == bytes);
  std::vector<std::span<const std::uint8_t>> leaves(a.txs.begin(), a.txs.end());
  RC_ASSERT(a.merkle_root == merkle_root(leaves));
  RC_CLASSIFY(expected.size() == kPropBlockLimits.max_transactions && distinct.size() > expected.size(),
              "cut at the count limit");
  RC_CLASSIFY(expected.size() < kPropBlockLimits.max_transactions && distinct.size() > expected.size(),
              "cut at the byte limit");
  RC_CLASSIFY(distinct.size() < pool.size(), "empty or oversized transactions dropped");

  // The same header over either content encodes to the same block bytes.
  const auto h = make_header(chain, height, 0, *gen_bytes<32>(), a.merkle_root, 0, keys[0]);
  const Signature sig = *gen_bytes<64>();
  const auto ea = encode_block_to_vector(h, sig, a.views);
  const auto eb = encode_block_to_vector(h, sig, b.views);
  RC_ASSERT(ea.has_value());
  RC_ASSERT(eb.has_value());
  RC_ASSERT(ea.value() == eb.value());
}

// The header body field that holds byte `offset` (spec/encoding.md, header layout).
const char* header_field_at(std::size_t offset) {
  static constexpr std::array<std::pair<std::size_t, const char*>, 8> fields{{{2, "bit flipped in version"},
                                                                             {34, "bit flipped in chain_id"},
                                                                             {42, "bit flipped in height"},
                                                                             {46, "bit flipped in round"},
                                                                             {78, "bit flipped in prev_id"},
                                                                             {110, "bit flipped in merkle_root"},
                                                                             {118, "bit flipped in timestamp"},
                                                                             {150, "bit flipped in proposer"}}};
  for (const auto& [end, name] : fields)
    if (offset < end) return name;
  return "?";
}

// (b) A block id is SHA-256(tag || header body) and depends on nothing else: equal
// headers give equal ids, and changing any one of the eight header fields changes it.
RC_GTEST_PROP(Determinism, BlockIdCoversEveryHeaderField, ()) {
  const BlockHeader h = *gen_header();
  const BlockId id = compute_block_id(h);
  const BlockHeader copy = h;
  RC_ASSERT(compute_block_id(copy) == id);
  std::array<std::uint8_t, kHeaderBodySize> body{};
  encode_header_body(h, std::span<std::uint8_t, kHeaderBodySize>(body));
  RC_ASSERT(Sha256().update(tag::kBlockId).update(body).finish() == id);

  auto changed = [&](auto mutate) {
    BlockHeader g = h;
    mutate(g);
    return compute_block_id(g) != id;
  };
  const auto other32 = [](const Bytes<32>& b) { return *gen::distinctFrom(gen_bytes<32>(), b); };
  RC_ASSERT(changed([&](BlockHeader& g) { g.version = *gen::distinctFrom(h.version); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.chain_id = other32(h.chain_id); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.height = *gen::distinctFrom(h.height); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.round = *gen::distinctFrom(h.round); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.prev_id = other32(h.prev_id); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.merkle_root = other32(h.merkle_root); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.timestamp_ms = *gen::distinctFrom(h.timestamp_ms); }));
  RC_ASSERT(changed([&](BlockHeader& g) { g.proposer = other32(h.proposer); }));
  // One flipped bit anywhere in the header body.
  const auto bit = *gen::inRange<std::size_t>(0, kHeaderBodySize * 8);
  auto flipped = body;
  flipped[bit / 8] = static_cast<std::uint8_t>(flipped[bit / 8] ^ (1U << (bit % 8)));
  RC_ASSERT(Sha256().update(tag::kBlockId).update(flipped).finish() != id);
  RC_TAG(header_field_at(bit / 8));
}

// (c) Every message kind round-trips: encoding a value the codec accepts and decoding
// the bytes gives the value back, re-encoding gives the same bytes, and the encoding is
// exact: one byte more or any strict prefix does not decode.
template <class Decode>
void assert_exact(const std::vector<std::uint8_t>& bytes, Decode decode) {
  auto longer = bytes;
  longer.push_back(*gen::arbitrary<std::uint8_t>());
  RC_ASSERT(!decode(std::span<const std::uint8_t>(longer)));
  const auto cut = *gen::inRange<std::size_t>(0, bytes.size());
  RC_ASSERT(!decode(std::span<const std::uint8_t>(bytes.data(), cut)));
  RC_TAG(cut < kPrefixSize ? "cut in the prefix" : "cut in the body");
}

void assert_type(const std::vector<std::uint8_t>& bytes, MessageType type) {
  const auto t = peek_message_type(bytes);
  RC_ASSERT(t.has_value());
  RC_ASSERT(t.value() == type);
  RC_ASSERT(bytes[0] == kWireVersion);
}

RC_GTEST_PROP(Determinism, ProposalRoundTrips, ()) {
  const Proposal p = *gen_proposal();
  const auto bytes = encode_to_vector(p);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == kProposalMessageSize);
  assert_type(bytes.value(), MessageType::proposal);
  const auto back = decode_proposal(bytes.value());
  RC_ASSERT(back.has_value());
  RC_ASSERT(back.value() == p);
  RC_ASSERT(encode_to_vector(back.value()).value() == bytes.value());
  assert_exact(bytes.value(), [](std::span<const std::uint8_t> in) { return bool(decode_proposal(in)); });
}

RC_GTEST_PROP(Determinism, VoteRoundTrips, ()) {
  const Vote v = *gen_vote();
  const auto bytes = encode_to_vector(v);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == kVoteMessageSize);
  assert_type(bytes.value(), MessageType::vote);
  const auto back = decode_vote(bytes.value());
  RC_ASSERT(back.has_value());
  RC_ASSERT(back.value() == v);
  RC_ASSERT(encode_to_vector(back.value()).value() == bytes.value());
  assert_exact(bytes.value(), [](std::span<const std::uint8_t> in) { return bool(decode_vote(in)); });
  RC_TAG(v.approve ? "approve" : (v.block_id.is_zero() ? "nil, zero id" : "nil, naming a block"));
}

RC_GTEST_PROP(Determinism, CertificateRoundTrips, ()) {
  const Certificate c = *gen_certificate();
  const auto bytes = encode_to_vector(c);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == encoded_size_certificate(c));
  assert_type(bytes.value(), MessageType::certificate);
  auto back = std::make_unique<Certificate>();
  RC_ASSERT(bool(decode_certificate(bytes.value(), *back)));
  RC_ASSERT(*back == c);
  RC_ASSERT(encode_to_vector(*back).value() == bytes.value());
  Certificate scratch;
  assert_exact(bytes.value(), [&](std::span<const std::uint8_t> in) { return bool(decode_certificate(in, scratch)); });
  RC_TAG(c.count() > 8 ? "9+ voters" : "1-8 voters");
}

std::vector<TxBytes> views_of(const std::vector<Tx>& txs) { return {txs.begin(), txs.end()}; }

void assert_same_block(const BlockView& got, const BlockHeader& h, const Signature& sig, const std::vector<Tx>& txs) {
  RC_ASSERT(got.header == h);
  RC_ASSERT(got.signature == sig);
  RC_ASSERT(got.tx_count == txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i)
    RC_ASSERT(std::equal(got.txs[i].begin(), got.txs[i].end(), txs[i].begin(), txs[i].end()));
}

RC_GTEST_PROP(Determinism, BlockRoundTrips, ()) {
  const BlockHeader h = *gen_header();
  const Signature sig = *gen_bytes<64>();
  const auto txs = *gen_block_transactions(h.chain_id);
  const auto views = views_of(txs);
  const auto bytes = encode_block_to_vector(h, sig, views);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == encoded_size_block(views));
  assert_type(bytes.value(), MessageType::block);
  auto back = std::make_unique<BlockView>();
  RC_ASSERT(bool(decode_block(bytes.value(), *back)));
  assert_same_block(*back, h, sig, txs);
  RC_ASSERT(encode_block_to_vector(back->header, back->signature, back->transactions()).value() == bytes.value());
  auto scratch = std::make_unique<BlockView>();
  assert_exact(bytes.value(), [&](std::span<const std::uint8_t> in) { return bool(decode_block(in, *scratch)); });
  RC_TAG(txs.size() == 1 ? "coinbase only" : "with transactions");
}

RC_GTEST_PROP(Determinism, CommitRoundTrips, ()) {
  const Certificate c = *gen_certificate();
  const BlockHeader h = *gen_header();
  const Signature sig = *gen_bytes<64>();
  const auto txs = *gen_block_transactions(h.chain_id);
  const auto views = views_of(txs);
  const auto bytes = encode_commit_to_vector(c, h, sig, views);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == encoded_size_commit(c, views));
  assert_type(bytes.value(), MessageType::commit);
  auto back = std::make_unique<CommitView>();
  RC_ASSERT(bool(decode_commit(bytes.value(), *back)));
  RC_ASSERT(back->certificate == c);
  assert_same_block(back->block, h, sig, txs);
  const auto again =
      encode_commit_to_vector(back->certificate, back->block.header, back->block.signature, back->block.transactions());
  RC_ASSERT(again.value() == bytes.value());
  auto scratch = std::make_unique<CommitView>();
  assert_exact(bytes.value(), [&](std::span<const std::uint8_t> in) { return bool(decode_commit(in, *scratch)); });
  RC_TAG(c.count() > 8 ? "9+ voters" : "1-8 voters");
}

// The remaining kinds: a header alone, a masternode entry, a transaction.
// Wire version 2's messages: a re-proposal (a proposal and its polka, a certificate of
// prevotes) and a commit request.
RC_GTEST_PROP(Determinism, ReproposalRoundTrips, ()) {
  auto rp = std::make_unique<CarriedPolka>();
  rp->proposal = *gen_proposal();
  rp->polka = *gen_certificate();
  const auto bytes = encode_to_vector(*rp);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == encoded_size_polka(*rp));
  RC_ASSERT(bytes.value().size() == kProposalMessageSize + encoded_size_certificate(rp->polka) - kPrefixSize);
  assert_type(bytes.value(), MessageType::polka);
  auto back = std::make_unique<CarriedPolka>();
  RC_ASSERT(bool(decode_polka(bytes.value(), *back)));
  RC_ASSERT(*back == *rp);
  RC_ASSERT(encode_to_vector(*back).value() == bytes.value());
  auto scratch = std::make_unique<CarriedPolka>();
  assert_exact(bytes.value(), [&](std::span<const std::uint8_t> in) { return bool(decode_polka(in, *scratch)); });
  RC_TAG(rp->polka.count() > 8 ? "9+ voters" : "1-8 voters");
}

RC_GTEST_PROP(Determinism, CommitRequestRoundTrips, ()) {
  CommitRequest c;
  c.chain_id = *gen_bytes<32>();
  c.height = *gen::arbitrary<std::uint64_t>();
  c.requester = *gen_bytes<32>();
  c.signature = *gen_bytes<64>();
  const auto bytes = encode_to_vector(c);
  RC_ASSERT(bytes.has_value());
  RC_ASSERT(bytes.value().size() == kCommitRequestMessageSize);
  assert_type(bytes.value(), MessageType::commit_request);
  const auto back = decode_commit_request(bytes.value());
  RC_ASSERT(back.has_value());
  RC_ASSERT(back.value() == c);
  RC_ASSERT(encode_to_vector(back.value()).value() == bytes.value());
  assert_exact(bytes.value(), [](std::span<const std::uint8_t> in) { return bool(decode_commit_request(in)); });
}

RC_GTEST_PROP(Determinism, HeaderMasternodeTransactionRoundTrip, ()) {
  const BlockHeader h = *gen_header();
  const auto hb = encode_to_vector(h);
  RC_ASSERT(hb.has_value());
  RC_ASSERT(hb.value().size() == kHeaderMessageSize);
  assert_type(hb.value(), MessageType::header);
  RC_ASSERT(decode_header(hb.value()).value() == h);
  assert_exact(hb.value(), [](std::span<const std::uint8_t> in) { return bool(decode_header(in)); });

  // The codec carries any 32 bytes as a VRF key; Membership::make validates it.
  const Masternode m{*gen_bytes<32>(), *gen_bytes<32>(), *gen_bytes<32>(),
                     *gen::inRange<std::uint64_t>(1, kMaxMemberWeight + 1)};
  const auto mb = encode_to_vector(m);
  RC_ASSERT(mb.has_value());
  RC_ASSERT(mb.value().size() == kMasternodeMessageSize);
  assert_type(mb.value(), MessageType::masternode);
  RC_ASSERT(decode_masternode(mb.value()).value() == m);
  RC_ASSERT(encode_to_vector(decode_masternode(mb.value()).value()).value() == mb.value());
  assert_exact(mb.value(), [](std::span<const std::uint8_t> in) { return bool(decode_masternode(in)); });

  const auto len = *gen::inRange<std::size_t>(1, 600);
  const Tx tx = *gen::container<Tx>(len, gen::arbitrary<std::uint8_t>());
  const auto tb = encode_transaction_to_vector(tx);
  RC_ASSERT(tb.has_value());
  RC_ASSERT(tb.value().size() == encoded_size_transaction(tx));
  assert_type(tb.value(), MessageType::transaction);
  const auto back = decode_transaction(tb.value());
  RC_ASSERT(back.has_value());
  RC_ASSERT(std::equal(back.value().begin(), back.value().end(), tx.begin(), tx.end()));
  RC_ASSERT(encode_transaction_to_vector(back.value()).value() == tb.value());
  assert_exact(tb.value(), [](std::span<const std::uint8_t> in) { return bool(decode_transaction(in)); });
}

// (d) The simulator is a function of its configuration: two runs of any configuration
// give the same event log, the same JSON (trace included) and so the same digest; and
// the run is safe (the configuration is within the fault model: Byzantine weight under
// a third).
RC_GTEST_PROP(Determinism, SimulationIsReproducible, ()) {
  const auto config = *gen_sim_config();
  const auto a = sim::run_simulation(config);
  const auto b = sim::run_simulation(config);
  assert_safe(a);
  RC_ASSERT(a.event_log == b.event_log);
  RC_ASSERT(sim::to_json(a) == sim::to_json(b));
  RC_ASSERT(sim::digest(a) == sim::digest(b));
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(config.byzantine > 0, "byzantine");
  RC_CLASSIFY(!config.partitions.empty(), "partition");
}

// The `replay:` line a failing simulated property prints (simulate_command) runs the same
// simulation in the command: `midnight simulate` prints the digest of the in-process run,
// for any configuration of gen_sim_config (any partition side, Byzantine modes, crashes,
// key seed) with any round timing. A wrong flag in the line would send whoever replays a
// counterexample to another run.
RC_GTEST_PROP(Determinism, ReplayLineRunsTheSameSimulation, ()) {
  auto config = *gen_sim_config({.max_nodes = 7, .max_rounds = 3});
  config.timing = *gen_timing();
  // gen_sim_config draws a partition a third of the time; here half, so that the listed
  // form of a side (not a prefix: half of gen_partition's) is common.
  if (config.nodes >= 2 && *gen_chance(50))
    config.partitions = {*gen_partition(config.nodes, round_start(config, config.max_rounds))};
  std::string why;
  const std::string line = simulate_command(config, &why);
  if (line.empty()) RC_FAIL("no replay line: " + why);
  const std::string_view program = "midnight ";
  RC_ASSERT(line.starts_with(program));
  const std::string command = std::string(MIDNIGHT_CLI_PATH) + " " + line.substr(program.size()) + " 2>/dev/null";
  RC_LOG() << command << "\n";
  FILE* pipe = ::popen(command.c_str(), "r");
  RC_ASSERT(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  RC_ASSERT(WIFEXITED(status));
  RC_ASSERT(WEXITSTATUS(status) == 0);  // 1 would be a safety violation, 2 a refused line
  const std::string expected = "  digest: " + to_hex(sim::digest(sim::run_simulation(config))) + "\n";
  RC_LOG() << "expected" << expected << "the command printed:\n" << out;
  RC_ASSERT(out.find(expected) != std::string::npos);
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(!config.partitions.empty() && config.partitions.front().side_a.front() != 0, "partition side not a prefix");
  RC_CLASSIFY(config.timing != RoundTiming{}, "timing not the default");
}

}  // namespace
}  // namespace midnight::prop
