#include "midnight/sim/byzantine.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "midnight/block/body_reconcile.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/block/tx_sketch.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/sim/encoding.hpp"
#include "midnight/sim/sim_validity.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::sim {

namespace {
constexpr std::size_t kMaxReplayStore = 256;
constexpr std::size_t kReplaysPerRecipient = 2;
// The invented transactions of one transactions answer: as many as were named, up to
// this (an honest requester names what its sketch peeled, far fewer).
constexpr std::size_t kMaxInventedTransactions = 4096;
// grind's tries per round: enough to beat every honest block id most rounds, bounded so
// that a long run stays cheap.
constexpr std::uint32_t kGrindTries = 256;
constexpr std::string_view kGrindTag{"midnight/sim/grind\0", 19};

// The steps a Byzantine node schedules in each round (Event::phase).
constexpr std::uint8_t kStepRoundStart = 0;
constexpr std::uint8_t kStepFallbackVotes = 1;    // equivocate
constexpr std::uint8_t kStepRelease = 2;          // selective, grind
constexpr std::uint8_t kStepCollectDeadline = 3;  // selective, grind
constexpr std::uint8_t kStepPrevoteDeadline = 4;  // selective, grind, late-polka, lock-split
constexpr std::uint8_t kStepSplitLock = 5;        // lock-split

bool releases_selectively(ByzantineMode mode) {
  return mode == ByzantineMode::selective || mode == ByzantineMode::grind || mode == ByzantineMode::lock_split;
}
// selective and grind vote as an honest node would; lock-split does not.
bool votes_honestly(ByzantineMode mode) { return mode == ByzantineMode::selective || mode == ByzantineMode::grind; }
bool splits_honest_weight(ByzantineMode mode) { return releases_selectively(mode) || mode == ByzantineMode::late_polka; }

// Every Byzantine answer is built to encode (a sketch of a size the codec accepts,
// transactions in txid order): one that does not is a bug here, not an attack, and
// aborts, as a message the simulator's honest side cannot encode does (sim/encoding.hpp).
std::vector<std::uint8_t> encoded(result<std::vector<std::uint8_t>> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "sim: cannot encode a Byzantine %s: %s\n", what, r.error().message().c_str());
    std::abort();
  }
  return std::move(r).value();
}

// Whether a reconcile request names `id` (its ids are strictly ascending: the codec checked).
bool names(const ShortIdList& ids, ShortTxId id) {
  std::size_t lo = 0;
  std::size_t hi = ids.count();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (ids[mid] < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < ids.count() && ids[lo] == id;
}

// The txids of a block content's mempool transactions (after the coinbase), ascending.
std::vector<TxId> mempool_txids(const ChainId& chain, const BlockContent& content) {
  std::vector<TxId> out;
  out.reserve(content.views.size() - 1);
  for (std::size_t i = 1; i < content.views.size(); ++i) out.push_back(compute_txid(chain, content.views[i]));
  return out;
}

// The cells per hash an honest server would choose for a sketch of `txids` (the difference
// estimated from the requester's sample and ours), but never more than the requester
// accepts for its `have`: a larger sketch would be refused unread, and these answers are
// meant to be read.
std::size_t sketch_cells_for(const SketchKey& key, const ReconcileRequest& r, std::span<const TxId> txids) {
  std::array<ShortTxId, kReconcileSampleIds> ours{};
  const std::size_t n = sample_short_ids(key, txids, ours);
  std::array<ShortTxId, kReconcileSampleIds> theirs{};
  const std::size_t m = std::min(r.ids.count(), kReconcileSampleIds);
  for (std::size_t i = 0; i < m; ++i) theirs[i] = r.ids[i];
  const std::size_t difference =
      estimate_difference(std::span(theirs).first(m), r.have, std::span(ours).first(n), txids.size());
  return std::min(TxSketch::cells_per_hash_for(difference), max_sketch_cells_for(r.have));
}
}  // namespace

ByzantineNode::ByzantineNode(std::size_t node, const Hash32& honest_merkle_root)
    : node_(node), merkle_root_(honest_merkle_root) {}

void ByzantineNode::start(const ByzantineContext& ctx) {
  const auto mode = byzantine_mode_of(ctx.config, node_);
  if (mode == ByzantineMode::withhold) return;
  // The fallback votes go out once every on-time proposal has arrived and every on-time
  // prevote made on it (two latencies), yet still inside the collect phase.
  const std::uint32_t rounds = run_round_count(ctx.config);
  served_.assign(rounds, MemberSet(ctx.config.nodes));
  if (splits_honest_weight(mode)) {
    held_.assign(rounds, std::nullopt);
    prevotes_.assign(rounds, {});
    prevoted_.assign(rounds, false);
    precommitted_.assign(rounds, false);
    kept_polka_.assign(rounds, {});
  }
  // A selective release must reach its recipients before their collect deadline: one
  // latency when they hold the body already (the honest pool's, all pools alike), three
  // when they must ask for it and get it.
  const bool body_fetched = mode == ByzantineMode::grind || ctx.config.mempool_divergence > 0.0;
  const std::uint64_t release_lead = (body_fetched ? 3 : 1) * ctx.config.latency_max_ms + 1;
  for (std::uint32_t r = 0; r < rounds; ++r) {
    const std::uint64_t collect = collect_ms(ctx.config.timing, r);
    const std::uint64_t vote_offset = std::min(2 * ctx.config.latency_max_ms + 1, collect > 1 ? collect - 1 : 0);
    const std::uint64_t start = round_start_ms(kSimMidnightMs, ctx.config.timing, r);
    Event e;
    e.kind = EventKind::byzantine_step;
    e.node = node_;
    e.round = r;
    e.time_ms = start;
    e.phase = kStepRoundStart;
    ctx.queue.push(e);
    if (mode == ByzantineMode::equivocate) {  // mirror has no fallback step
      e.time_ms = start + vote_offset;
      e.phase = kStepFallbackVotes;
      ctx.queue.push(e);
    }
    if (releases_selectively(mode)) {
      e.time_ms = start + (collect > release_lead ? collect - release_lead : 0);
      e.phase = kStepRelease;
      ctx.queue.push(e);
      e.time_ms = start + collect;
      e.phase = kStepCollectDeadline;
      ctx.queue.push(e);
    }
    if (mode == ByzantineMode::lock_split) {
      const std::uint64_t prevote = prevote_ms(ctx.config.timing, r);
      e.time_ms = start + collect + std::min(2 * ctx.config.latency_max_ms + 1, prevote > 1 ? prevote - 1 : 0);
      e.phase = kStepSplitLock;
      ctx.queue.push(e);
    }
    if (splits_honest_weight(mode)) {
      e.time_ms = start + collect + prevote_ms(ctx.config.timing, r);
      e.phase = kStepPrevoteDeadline;
      ctx.queue.push(e);
    }
  }
}

void ByzantineNode::on_step(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round, std::uint8_t phase) {
  switch (byzantine_mode_of(ctx.config, node_)) {
    case ByzantineMode::withhold: return;
    case ByzantineMode::garbage: spray_garbage(ctx, now, round); return;
    case ByzantineMode::withhold_body: propose_withheld(ctx, now, round); return;
    case ByzantineMode::bad_body: propose_bad_body(ctx, now, round); return;
    case ByzantineMode::mirror:
      propose_twice(ctx, now, round);
      return;
    case ByzantineMode::equivocate:
      if (phase == kStepRoundStart)
        propose_twice(ctx, now, round);
      else
        vote_split(ctx, now, round);
      return;
    case ByzantineMode::selective:
    case ByzantineMode::grind:
      if (phase == kStepRoundStart) propose_held_back(ctx, round);
      if (phase == kStepRelease) release_proposal(ctx, now, round);
      if (phase == kStepCollectDeadline) prevote_choice(ctx, now, round);
      if (phase == kStepPrevoteDeadline) precommit_nil_if_silent(ctx, now, round);
      return;
    case ByzantineMode::lock_split:
      if (phase == kStepRoundStart) propose_held_back(ctx, round);
      if (phase == kStepRelease) release_proposal(ctx, now, round);
      if (phase == kStepSplitLock) split_lock(ctx, now, round);
      if (phase == kStepPrevoteDeadline) precommit_nil_if_silent(ctx, now, round);
      return;
    case ByzantineMode::late_polka:
      if (phase == kStepRoundStart) {
        propose_held_back(ctx, round);
        broadcast_proposal(ctx, now, held_[round]->proposal);
        if (round > 0) release_kept_polka(ctx, now, round - 1);
      }
      if (phase == kStepPrevoteDeadline) keep_completing_prevote(ctx, round);
      return;
  }
}

void ByzantineNode::on_message(const ByzantineContext& ctx, std::uint64_t now, std::span<const std::uint8_t> bytes) {
  auto type = peek_message_type(bytes);
  if (!type) return;
  if (type.value() == MessageType::body_request) {
    answer_body_request(ctx, now, bytes);
    return;
  }
  if (type.value() == MessageType::reconcile_request) {
    answer_reconcile_request(ctx, now, bytes);
    return;
  }
  if (type.value() == MessageType::proposal) {
    auto p = decode_proposal(bytes);
    if (!p || p.value().header.chain_id != ctx.world.chain || p.value().header.height != kSimHeight) return;
    const Seen s{p.value().header.round, compute_block_id(p.value().header)};
    const bool known = std::any_of(proposals_.begin(), proposals_.end(),
                                   [&](const Seen& x) { return x.round == s.round && x.id == s.id; });
    if (!known) proposals_.push_back(s);
    if (!known && splits_honest_weight(byzantine_mode_of(ctx.config, node_))) {
      // The output is only read under policy B, where honest nodes have verified it; a
      // proof that does not decode ranks last.
      VrfOutput output;
      output.v.fill(0xff);
      if (auto beta = ecvrf_proof_to_hash(p.value().vrf_proof)) output = beta.value();
      ranked_.push_back({s.round, s.id, output});
    }
  } else if (type.value() == MessageType::vote) {
    auto v = decode_vote(bytes);
    if (!v) return;
    if (replay_.size() < kMaxReplayStore) replay_.push_back(v.value());
    const Vote& vote = v.value();
    const auto mode = byzantine_mode_of(ctx.config, node_);
    if (splits_honest_weight(mode)) {
      if (vote.chain_id == ctx.world.chain && vote.height == kSimHeight && count_prevote(ctx, vote) &&
          votes_honestly(mode))
        precommit_on_polka(ctx, now, vote.round);
      return;
    }
    const bool agrees = mode == ByzantineMode::equivocate || mode == ByzantineMode::mirror;
    if (!agrees || vote.step != VoteStep::prevote || !vote.approve ||
        vote.chain_id != ctx.world.chain || vote.height != kSimHeight || vote.round >= served_.size())
      return;
    // Agree with the voter: whatever it prevoted, we prevote and precommit too, to it alone.
    if (const auto member = ctx.world.membership.index_of(vote.voter)) {
      const std::size_t to = ctx.world.node_of_member[*member];
      if (to != node_ && ctx.honest[to]) vote_for(ctx, now, to, vote.round, vote.block_id);
    }
  }
}

void ByzantineNode::vote_for(const ByzantineContext& ctx, std::uint64_t now, std::size_t to, std::uint32_t round,
                             const BlockId& id) {
  if (!served_[round].insert(to)) return;  // one pair of votes per recipient and round
  send_vote(ctx, now, to, signed_vote(ctx, round, VoteStep::prevote, id));
  send_vote(ctx, now, to, signed_vote(ctx, round, VoteStep::precommit, id));
}

void ByzantineNode::send(const ByzantineContext& ctx, std::uint64_t now, std::size_t to,
                         std::vector<std::uint8_t> bytes) {
  ++sent_;
  ctx.network.send(now, node_, to, std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes)));
}

void ByzantineNode::send_vote(const ByzantineContext& ctx, std::uint64_t now, std::size_t to, const Vote& v) {
  send(ctx, now, to, encode_to_bytes(v));
}

Vote ByzantineNode::signed_vote(const ByzantineContext& ctx, std::uint32_t round, VoteStep step,
                                const BlockId& id) const {
  Vote v;
  v.chain_id = ctx.world.chain;
  v.height = kSimHeight;
  v.round = round;
  v.step = step;
  v.block_id = id;
  v.approve = true;
  v.voter = ctx.world.keys[node_].public_key;
  return sign_vote(v, ctx.world.keys[node_].secret_key);
}

void ByzantineNode::propose_twice(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  const auto& keys = ctx.world.keys[node_];
  const std::uint64_t ts = round_start_ms(kSimMidnightMs, ctx.config.timing, round);
  const BlockHeader honest = make_header(ctx.world.chain, kSimHeight, round, ctx.world.prev_id, merkle_root_, ts,
                                         keys.public_key);
  BlockHeader forged = honest;
  // Any other root will do; hashing the honest one keeps it deterministic.
  forged.merkle_root = sha256(merkle_root_.span());
  const VrfSecretKey& vrf_key = ctx.world.vrf_keys[node_].secret_key;
  const Proposal a = sign_proposal(honest, keys.secret_key, vrf_key);
  const Proposal b = sign_proposal(forged, keys.secret_key, vrf_key);
  proposals_.push_back({round, compute_block_id(honest)});
  const auto bytes_a = encode_to_bytes(a);
  const auto bytes_b = encode_to_bytes(b);
  // Honest recipients alternate between the two, so honest nodes hold different candidate
  // sets whenever there are two of them; fellow Byzantine nodes get the honest one.
  std::size_t k = 0;
  for (std::size_t to = 0; to < ctx.config.nodes; ++to) {
    if (to == node_) continue;
    const bool second = ctx.honest[to] && (k++ % 2 == 1);
    send(ctx, now, to, second ? bytes_b : bytes_a);
  }
}

void ByzantineNode::vote_split(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  std::vector<BlockId> ids;
  for (const auto& s : proposals_)
    if (s.round == round) ids.push_back(s.id);
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  const std::size_t choices = std::min<std::size_t>(2, ids.size());
  std::size_t k = 0;
  for (std::size_t to = 0; to < ctx.config.nodes; ++to) {
    if (to == node_ || !ctx.honest[to]) continue;
    vote_for(ctx, now, to, round, ids[k % choices]);
    ++k;
  }
}

void ByzantineNode::broadcast_proposal(const ByzantineContext& ctx, std::uint64_t now, const Proposal& p) {
  proposals_.push_back({p.header.round, compute_block_id(p.header)});
  const auto bytes = encode_to_bytes(p);
  for (std::size_t to = 0; to < ctx.config.nodes; ++to)
    if (to != node_) send(ctx, now, to, bytes);
}

void ByzantineNode::propose_withheld(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  const auto& keys = ctx.world.keys[node_];
  const std::uint64_t ts = round_start_ms(kSimMidnightMs, ctx.config.timing, round);
  BlockHeader best = make_header(ctx.world.chain, kSimHeight, round, ctx.world.prev_id, merkle_root_, ts,
                                 keys.public_key);
  BlockId best_id = compute_block_id(best);
  // Grinding: the root names a body nobody can check, so any 32 bytes will do.
  for (std::uint32_t i = 0; i < 4096; ++i) {
    std::array<std::uint8_t, 12> salt{};
    store_u32(salt.data(), i);
    store_u32(salt.data() + 4, round);
    store_u32(salt.data() + 8, static_cast<std::uint32_t>(node_));
    BlockHeader h = best;
    h.merkle_root = sha256(salt);
    const BlockId id = compute_block_id(h);
    if (id < best_id) {
      best = h;
      best_id = id;
    }
  }
  broadcast_proposal(ctx, now, sign_proposal(best, keys.secret_key, ctx.world.vrf_keys[node_].secret_key));
}

void ByzantineNode::propose_bad_body(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  if (!bad_content_) {
    std::vector<TxBytes> pool;
    for (const auto& tx : ctx.world.mempool) pool.emplace_back(tx);
    pool_content(ctx);
    // No predicate: the builder keeps the invalid transaction, in canonical order. The
    // transaction's last byte is ground (64 tries) for the lowest round-0 block id, so that
    // under policy A the invalid block usually ranks first and every honest node asks for it.
    std::vector<std::uint8_t> invalid(kSimInvalidTag.begin(), kSimInvalidTag.end());
    invalid.push_back(static_cast<std::uint8_t>(node_));
    invalid.push_back(0);
    pool.emplace_back(invalid);
    std::optional<BlockId> best;
    for (std::uint8_t nonce = 0; nonce < 64; ++nonce) {
      invalid.back() = nonce;
      pool.back() = TxBytes(invalid);
      BlockContent content = build_block_content(ctx.world.chain, kSimHeight, ctx.world.membership,
                                                 ctx.config.reward_per_height, pool);
      const BlockId id = compute_block_id(make_header(ctx.world.chain, kSimHeight, 0, ctx.world.prev_id,
                                                      content.merkle_root, kSimMidnightMs,
                                                      ctx.world.keys[node_].public_key));
      if (!best || id < *best) {
        best = id;
        bad_content_ = std::move(content);
      }
    }
  }
  const auto& keys = ctx.world.keys[node_];
  const BlockHeader h = make_header(ctx.world.chain, kSimHeight, round, ctx.world.prev_id, bad_content_->merkle_root,
                                    round_start_ms(kSimMidnightMs, ctx.config.timing, round), keys.public_key);
  const Proposal p = sign_proposal(h, keys.secret_key, ctx.world.vrf_keys[node_].secret_key);
  bad_proposals_.push_back(p);
  broadcast_proposal(ctx, now, p);
}

void ByzantineNode::answer_body_request(const ByzantineContext& ctx, std::uint64_t now,
                                        std::span<const std::uint8_t> bytes) {
  const auto mode = byzantine_mode_of(ctx.config, node_);
  auto request = decode_body_request(bytes);
  if (!request) return;
  const auto member = ctx.world.membership.index_of(request.value().requester);
  if (!member) return;
  const std::size_t to = ctx.world.node_of_member[*member];
  if (to == node_) return;
  if (mode == ByzantineMode::garbage) {
    std::vector<std::uint8_t> noise(static_cast<std::size_t>(ctx.rng.between(1, 256)));
    ctx.rng.fill(noise);
    send(ctx, now, to, std::move(noise));
    return;
  }
  if (splits_honest_weight(mode)) {
    answer_with_own_block(ctx, now, to, request.value().block_id);
    return;
  }
  if (mode != ByzantineMode::bad_body) return;  // withhold-body and the rest: no answer
  for (const Proposal& p : bad_proposals_) {
    if (compute_block_id(p.header) != request.value().block_id) continue;
    // Each requester's first answer is the invalid body under its right root, the next
    // the pool's body under a root it does not hash to, and so on.
    if (body_answers_.size() < ctx.config.nodes) body_answers_.assign(ctx.config.nodes, 0);
    const BlockContent& body = (body_answers_[to]++ % 2 == 0) ? *bad_content_ : *pool_content_;
    send(ctx, now, to, encode_block_to_bytes(p.header, p.signature, body.views));
    return;
  }
}

std::uint32_t ByzantineNode::next_answer(const ByzantineContext& ctx, std::vector<std::uint32_t>& answers,
                                         std::size_t to) {
  if (answers.size() < ctx.config.nodes) answers.assign(ctx.config.nodes, 0);
  return answers[to]++;
}

void ByzantineNode::answer_reconcile_request(const ByzantineContext& ctx, std::uint64_t now,
                                             std::span<const std::uint8_t> bytes) {
  const auto mode = byzantine_mode_of(ctx.config, node_);
  auto decoded = decode_reconcile_request(bytes);
  if (!decoded) return;
  const ReconcileRequest& request = decoded.value();
  const auto member = ctx.world.membership.index_of(request.requester);
  if (!member) return;
  const std::size_t to = ctx.world.node_of_member[*member];
  if (to == node_) return;
  const bool sketch = request.kind == ReconcileKind::sketch;
  if (mode == ByzantineMode::garbage) {
    // Noise, as for a body request; every other answer to a requester starts with the
    // prefix of the answer it asked for, so that its decoder reads past the type byte.
    const bool prefixed = next_answer(ctx, reconcile_answers_, to) % 2 == 1;
    std::vector<std::uint8_t> noise(static_cast<std::size_t>(ctx.rng.between(prefixed ? 2 : 1, 256)));
    ctx.rng.fill(noise);
    if (prefixed) {
      noise[0] = kWireVersion;
      noise[1] = static_cast<std::uint8_t>(sketch ? MessageType::body_sketch : MessageType::body_transactions);
    }
    send(ctx, now, to, std::move(noise));
    return;
  }
  if (splits_honest_weight(mode)) {
    // The whole block, which a requester holds as a body once it has the proposal
    // (spec/protocol.md 5.7, rule "hold"): the quickest answer it accepts.
    answer_with_own_block(ctx, now, to, request.block_id);
    return;
  }
  if (mode != ByzantineMode::bad_body) return;  // withhold-body and the rest: no answer
  for (const Proposal& p : bad_proposals_) {
    if (compute_block_id(p.header) != request.block_id) continue;
    if (bad_txids_.empty()) {
      bad_txids_ = mempool_txids(ctx.world.chain, *bad_content_);
      pool_txids_ = mempool_txids(ctx.world.chain, *pool_content_);
    }
    auto answer = sketch ? bad_sketch(ctx, p, request, to) : bad_transactions(ctx, p, request, to);
    if (!answer.empty()) send(ctx, now, to, std::move(answer));
    return;
  }
}

// Each requester's answers go round three kinds, starting at its node index, so that in a
// run where every requester asks once (round 0 decides) the requesters between them still
// meet every kind.
std::vector<std::uint8_t> ByzantineNode::bad_sketch(const ByzantineContext& ctx, const Proposal& p,
                                                    const ReconcileRequest& r, std::size_t to) {
  const SketchKey key = sketch_key(r.block_id);
  const std::size_t cells = sketch_cells_for(key, r, bad_txids_);
  std::vector<std::uint8_t> out(encoded_size_body_sketch(cells));
  const std::span<std::uint8_t> cells_out = std::span(out).subspan(kPrefixSize + kBodySketchFixedSize);
  const auto sketch_of = [&](std::span<const TxId> txids) {
    TxSketch s = TxSketch::make(key, cells).value();  // cells is within the codec's bounds
    for (const TxId& txid : txids) s.insert(short_tx_id(key, txid));
    encode_tx_sketch(s, cells_out);
    return static_cast<std::uint32_t>(txids.size());
  };
  std::uint32_t tx_count = 0;
  switch ((next_answer(ctx, sketch_answers_, to) + to) % 3) {
    case 0:
      // The invalid body's own sketch, true to the header: a requester that peels it asks
      // for the invalid transaction among those it lacks, and must refuse what it assembles.
      tx_count = sketch_of(bad_txids_);
      break;
    case 1:
      // The honest pool's sketch, with the pool's count: consistent in itself, but of a set
      // the header's root does not name.
      tx_count = sketch_of(pool_txids_);
      break;
    default:
      // Cells of a size the requester accepts that are no set's sketch: they do not peel
      // (a pure cell needs a keyed check), or peel into ids that contradict its own.
      store_u32(cells_out.data(), static_cast<std::uint32_t>(cells));
      ctx.rng.fill(cells_out.subspan(kSketchHeaderBytes));
      tx_count = static_cast<std::uint32_t>(bad_txids_.size());
      break;
  }
  const BodySketchView view{ctx.world.chain, p.header.height, r.block_id, tx_count, cells_out};
  return encoded(encode_to_vector(view), "body sketch");
}

std::vector<std::uint8_t> ByzantineNode::bad_transactions(const ByzantineContext& ctx, const Proposal& p,
                                                          const ReconcileRequest& r, std::size_t to) {
  const SketchKey key = sketch_key(r.block_id);
  const std::size_t named = r.ids.count();
  std::vector<TxBytes> txs;
  std::vector<std::vector<std::uint8_t>> invented;  // storage of kind 1's transactions
  std::size_t kind = (next_answer(ctx, transaction_answers_, to) + to) % 3;
  if (kind == 0) {
    // What an honest server of the invalid body sends: its transactions with the named
    // short ids, the invalid one among them when named. Nothing named is in it: kind 1.
    for (std::size_t i = 0; i < bad_txids_.size(); ++i)
      if (names(r.ids, short_tx_id(key, bad_txids_[i]))) txs.push_back(bad_content_->views[i + 1]);
    if (txs.empty()) kind = 1;
  }
  if (kind == 1) {
    // As many transactions as were named, of no block: each one invalid (kSimInvalidTag),
    // distinct, in txid order as the codec wants them.
    std::vector<std::pair<TxId, std::size_t>> order;
    for (std::size_t k = 0; k < std::min(named, kMaxInventedTransactions); ++k) {
      std::vector<std::uint8_t> tx(kSimInvalidTag.begin(), kSimInvalidTag.end());
      tx.push_back(static_cast<std::uint8_t>(node_));
      tx.resize(tx.size() + 4);
      store_u32(tx.data() + tx.size() - 4, static_cast<std::uint32_t>(k));
      order.emplace_back(compute_txid(ctx.world.chain, tx), k);
      invented.push_back(std::move(tx));
    }
    std::sort(order.begin(), order.end());
    for (const auto& [txid, k] : order) txs.emplace_back(invented[k]);
  } else if (kind == 2) {
    // As many of the honest pool's transactions as were named, none of them named: another
    // block's, most of which the requester holds already (its body would hold them twice).
    for (std::size_t i = 0; i < pool_txids_.size() && txs.size() < named; ++i)
      if (!names(r.ids, short_tx_id(key, pool_txids_[i]))) txs.push_back(pool_content_->views[i + 1]);
  }
  if (txs.empty()) return {};
  return encoded(encode_body_transactions_to_vector(ctx.world.chain, p.header.height, r.block_id, txs),
                 "body transactions");
}

const BlockContent& ByzantineNode::pool_content(const ByzantineContext& ctx) {
  if (!pool_content_) {
    std::vector<TxBytes> pool;
    for (const auto& tx : ctx.world.mempool) pool.emplace_back(tx);
    pool_content_ = build_block_content(ctx.world.chain, kSimHeight, ctx.world.membership,
                                        ctx.config.reward_per_height, pool);
  }
  return *pool_content_;
}

// The honest pool plus one transaction of its own, valid (it does not start with
// kSimInvalidTag), whose nonce is ground for the lowest round-`round` block id: a body
// every honest node can check and hold once it has fetched it.
BlockContent ByzantineNode::ground_content(const ByzantineContext& ctx, std::uint32_t round) {
  std::vector<TxBytes> pool;
  for (const auto& tx : ctx.world.mempool) pool.emplace_back(tx);
  std::vector<std::uint8_t> own(kGrindTag.begin(), kGrindTag.end());
  own.resize(own.size() + 12);
  store_u32(own.data() + kGrindTag.size(), static_cast<std::uint32_t>(node_));
  store_u32(own.data() + kGrindTag.size() + 4, round);
  pool.emplace_back(own);
  const std::uint64_t ts = round_start_ms(kSimMidnightMs, ctx.config.timing, round);
  std::optional<BlockContent> best;
  std::optional<BlockId> best_id;
  for (std::uint32_t nonce = 0; nonce < kGrindTries; ++nonce) {
    store_u32(own.data() + kGrindTag.size() + 8, nonce);
    pool.back() = TxBytes(own);
    BlockContent content = build_block_content(ctx.world.chain, kSimHeight, ctx.world.membership,
                                               ctx.config.reward_per_height, pool);
    const BlockId id = compute_block_id(make_header(ctx.world.chain, kSimHeight, round, ctx.world.prev_id,
                                                    content.merkle_root, ts, ctx.world.keys[node_].public_key));
    if (!best_id || id < *best_id) {
      best_id = id;
      best = std::move(content);
    }
  }
  return std::move(*best);
}

void ByzantineNode::propose_held_back(const ByzantineContext& ctx, std::uint32_t round) {
  const bool grinds = byzantine_mode_of(ctx.config, node_) == ByzantineMode::grind &&
                      ctx.config.policy == Policy::lowest_hash;  // only policy A ranks by block id
  HeldProposal held;
  if (grinds) held.own_content = ground_content(ctx, round);
  const Hash32& root = grinds ? held.own_content->merkle_root : pool_content(ctx).merkle_root;
  const auto& keys = ctx.world.keys[node_];
  const BlockHeader h = make_header(ctx.world.chain, kSimHeight, round, ctx.world.prev_id, root,
                                    round_start_ms(kSimMidnightMs, ctx.config.timing, round), keys.public_key);
  held.proposal = sign_proposal(h, keys.secret_key, ctx.world.vrf_keys[node_].secret_key);
  held_[round] = std::move(held);
}

// Whether `own` ranks first among the round's proposals received so far, as an honest node
// holding all of them would rank them (spec/protocol.md 4.2).
bool ByzantineNode::ranks_first(const ByzantineContext& ctx, const Proposal& own) const {
  if (ctx.config.policy == Policy::first_to_quorum) return true;  // ranked by arrival: unknowable here
  const BlockId own_id = compute_block_id(own.header);
  VrfOutput own_output;
  if (auto beta = ecvrf_proof_to_hash(own.vrf_proof)) own_output = beta.value();
  for (const Ranked& other : ranked_) {
    if (other.round != own.header.round || other.id == own_id) continue;
    const bool beaten = ctx.config.policy == Policy::lowest_hash
                            ? other.id < own_id
                            : std::pair(other.output, other.id) < std::pair(own_output, own_id);
    if (beaten) return false;
  }
  return true;
}

// A random set of honest nodes holding at most half the honest weight (at least one node):
// with the whole Byzantine weight added, such a set never reaches a quorum, and neither
// does the rest.
std::vector<std::size_t> ByzantineNode::honest_half(const ByzantineContext& ctx) const {
  std::vector<std::size_t> honest;
  std::uint64_t honest_weight = 0;
  for (std::size_t i = 0; i < ctx.config.nodes; ++i) {
    if (i == node_ || !ctx.honest[i]) continue;
    honest.push_back(i);
    honest_weight += ctx.world.membership.member(ctx.world.member_of_node[i]).weight;
  }
  ctx.rng.shuffle(std::span(honest));
  std::vector<std::size_t> chosen;
  std::uint64_t chosen_weight = 0;
  for (std::size_t i : honest) {
    const std::uint64_t w = ctx.world.membership.member(ctx.world.member_of_node[i]).weight;
    if (2 * (chosen_weight + w) > honest_weight) continue;
    chosen.push_back(i);
    chosen_weight += w;
  }
  if (chosen.empty() && !honest.empty()) chosen.push_back(honest.front());
  return chosen;
}

void ByzantineNode::release_proposal(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  HeldProposal& held = *held_[round];
  held.selective = ranks_first(ctx, held.proposal);
  if (!held.selective) {
    broadcast_proposal(ctx, now, held.proposal);
    return;
  }
  proposals_.push_back({round, compute_block_id(held.proposal.header)});
  // Fellow Byzantine nodes get it too, so that they rank and vote with it.
  const auto bytes = encode_to_bytes(held.proposal);
  for (std::size_t to : honest_half(ctx)) send(ctx, now, to, bytes);
  for (std::size_t to = 0; to < ctx.config.nodes; ++to)
    if (to != node_ && !ctx.honest[to]) send(ctx, now, to, bytes);
}

void ByzantineNode::broadcast_vote(const ByzantineContext& ctx, std::uint64_t now, const Vote& v) {
  const auto bytes = encode_to_bytes(v);
  for (std::size_t to = 0; to < ctx.config.nodes; ++to)
    if (to != node_) send(ctx, now, to, bytes);
}

// An honest node's prevote at the collect deadline: its own block when it went to a chosen
// half (the block it wants decided), else the best-ranked proposal it has.
void ByzantineNode::prevote_choice(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  const HeldProposal& held = *held_[round];
  const BlockId own_id = compute_block_id(held.proposal.header);
  VrfOutput own_output;
  if (auto beta = ecvrf_proof_to_hash(held.proposal.vrf_proof)) own_output = beta.value();
  std::optional<Ranked> best;
  if (!held.selective && ctx.config.policy != Policy::first_to_quorum) best = Ranked{round, own_id, own_output};
  for (const Ranked& other : ranked_) {
    if (other.round != round || held.selective) continue;
    if (!best || ctx.config.policy == Policy::first_to_quorum) {
      best = other;
      if (ctx.config.policy == Policy::first_to_quorum) break;  // the first to arrive
      continue;
    }
    const bool better = ctx.config.policy == Policy::lowest_hash
                            ? other.id < best->id
                            : std::pair(other.output, other.id) < std::pair(best->output, best->id);
    if (better) best = other;
  }
  const BlockId choice = best ? best->id : own_id;  // C with nothing received: its own
  const Vote v = signed_vote(ctx, round, VoteStep::prevote, choice);
  prevoted_[round] = true;
  broadcast_vote(ctx, now, v);
  count_prevote(ctx, v);
  precommit_on_polka(ctx, now, round);
}

bool ByzantineNode::count_prevote(const ByzantineContext& ctx, const Vote& vote) {
  if (vote.step != VoteStep::prevote || !vote.approve || vote.round >= prevotes_.size()) return false;
  const auto member = ctx.world.membership.index_of(vote.voter);
  if (!member) return false;
  auto& blocks = prevotes_[vote.round];
  auto it = std::find_if(blocks.begin(), blocks.end(), [&](const BlockPrevotes& b) { return b.id == vote.block_id; });
  if (it == blocks.end()) {
    blocks.push_back({vote.block_id, MemberSet(ctx.world.membership.size()), 0, {}});
    it = blocks.end() - 1;
  }
  if (!it->voters.insert(*member)) return false;
  it->weight += ctx.world.membership.member(*member).weight;
  it->votes.push_back(vote);
  return true;
}

// An honest node's precommit: once it has prevoted, for the first block whose prevotes
// reach a quorum.
void ByzantineNode::precommit_on_polka(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  if (round >= prevoted_.size() || !prevoted_[round] || precommitted_[round]) return;
  for (const BlockPrevotes& b : prevotes_[round]) {
    if (!ctx.world.membership.reaches_quorum(b.weight)) continue;
    precommitted_[round] = true;
    broadcast_vote(ctx, now, signed_vote(ctx, round, VoteStep::precommit, b.id));
    return;
  }
}

void ByzantineNode::precommit_nil_if_silent(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  if (precommitted_[round]) return;
  precommitted_[round] = true;
  Vote nil = signed_vote(ctx, round, VoteStep::precommit, BlockId{});
  nil.approve = false;
  broadcast_vote(ctx, now, sign_vote(nil, ctx.world.keys[node_].secret_key));
}

// late-polka: if its weight is all a block's prevotes lack for a quorum, it signs that
// prevote (its only one of the round) and keeps it with them.
void ByzantineNode::keep_completing_prevote(const ByzantineContext& ctx, std::uint32_t round) {
  const std::uint64_t own_weight = ctx.world.membership.member(ctx.world.member_of_node[node_]).weight;
  for (const BlockPrevotes& b : prevotes_[round]) {
    if (ctx.world.membership.reaches_quorum(b.weight) || !ctx.world.membership.reaches_quorum(b.weight + own_weight))
      continue;
    kept_polka_[round] = b.votes;
    kept_polka_[round].push_back(signed_vote(ctx, round, VoteStep::prevote, b.id));
    return;
  }
}

// lock-split: its prevote, if it completes a polka, to one honest node that prevoted the
// block (it holds the body), so that node alone locks.
void ByzantineNode::split_lock(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  const std::uint64_t own_weight = ctx.world.membership.member(ctx.world.member_of_node[node_]).weight;
  for (const BlockPrevotes& b : prevotes_[round]) {
    if (ctx.world.membership.reaches_quorum(b.weight) || !ctx.world.membership.reaches_quorum(b.weight + own_weight))
      continue;
    for (const Vote& v : b.votes) {
      const auto member = ctx.world.membership.index_of(v.voter);
      const std::size_t to = member ? ctx.world.node_of_member[*member] : node_;
      if (to == node_ || !ctx.honest[to]) continue;
      prevoted_[round] = true;
      send_vote(ctx, now, to, signed_vote(ctx, round, VoteStep::prevote, b.id));
      return;
    }
  }
}

void ByzantineNode::release_kept_polka(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  if (kept_polka_[round].empty()) return;
  for (std::size_t to : honest_half(ctx))
    for (const Vote& v : kept_polka_[round]) send_vote(ctx, now, to, v);
}

void ByzantineNode::answer_with_own_block(const ByzantineContext& ctx, std::uint64_t now, std::size_t to,
                                          const BlockId& id) {
  for (const auto& held : held_) {
    if (!held || compute_block_id(held->proposal.header) != id) continue;
    const BlockContent& body = held->own_content ? *held->own_content : pool_content(ctx);
    send(ctx, now, to, encode_block_to_bytes(held->proposal.header, held->proposal.signature, body.views));
    return;
  }
}

void ByzantineNode::spray_garbage(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round) {
  // Votes from earlier rounds only: replaying the current round would just be a relay.
  std::vector<const Vote*> old;
  for (const auto& v : replay_)
    if (v.round < round) old.push_back(&v);
  for (std::size_t to = 0; to < ctx.config.nodes; ++to) {
    if (to == node_) continue;
    for (auto step : {VoteStep::prevote, VoteStep::precommit}) {
      BlockId random_id;
      ctx.rng.fill(random_id.v);
      send_vote(ctx, now, to, signed_vote(ctx, round, step, random_id));
    }
    for (std::size_t i = 0; i < kReplaysPerRecipient && !old.empty(); ++i)
      send_vote(ctx, now, to, *old[static_cast<std::size_t>(ctx.rng.below(old.size()))]);
    // A well-formed vote whose signature does not verify.
    BlockId id;
    ctx.rng.fill(id.v);
    Vote broken = signed_vote(ctx, round, VoteStep::prevote, id);
    broken.signature.v[0] ^= 0x01;
    send_vote(ctx, now, to, broken);
    // A vote cut short, and bytes that are no message at all.
    auto cut = encode_to_bytes(signed_vote(ctx, round, VoteStep::precommit, id));
    cut.resize(static_cast<std::size_t>(ctx.rng.between(1, cut.size() - 1)));
    send(ctx, now, to, std::move(cut));
    std::vector<std::uint8_t> noise(static_cast<std::size_t>(ctx.rng.between(1, 64)));
    ctx.rng.fill(noise);
    send(ctx, now, to, std::move(noise));
  }
}

}  // namespace midnight::sim
