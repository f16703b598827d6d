// Body reconciliation, both sides: spec/reconciliation.md §5.
#include "midnight/consensus/body_exchange.hpp"

#include <algorithm>

#include "midnight/block/body_reconcile.hpp"
#include "midnight/core/invariant.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight {

namespace {

// Room for what a sketch of `cells_per_hash` cells a hash can peel into.
std::size_t peel_room(std::size_t cells_per_hash) { return kSketchHashes * cells_per_hash; }

bool contains(const ShortIdList& ids, ShortTxId id) {
  std::size_t lo = 0;
  std::size_t hi = ids.count();
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (ids[mid] < id) lo = mid + 1; else hi = mid;
  }
  return lo < ids.count() && ids[lo] == id;
}

}  // namespace

BodyExchange::BodyExchange()
    : sketch_(TxSketch::make(SketchKey{}, 1).value()), serve_sketch_(TxSketch::make(SketchKey{}, 1).value()) {}

BodyExchange::BodyExchange(const BodyExchange& other) : BodyExchange() { *this = other; }

BodyExchange& BodyExchange::operator=(const BodyExchange& other) {
  if (this == &other) return *this;
  chain_ = other.chain_;
  max_cells_ = other.max_cells_;
  own_txids_ = other.own_txids_;
  slots_ = other.slots_;
  opened_ = other.opened_;
  counts_ = other.counts_;
  const auto reserve_like = [](auto& mine, const auto& theirs) {
    mine.clear();
    mine.reserve(theirs.capacity());
  };
  (void)sketch_.reset(SketchKey{}, max_cells_);
  if (serve_sketch_.cells() < other.serve_sketch_.cells()) (void)serve_sketch_.reset(SketchKey{}, other.serve_sketch_.cells_per_hash());
  reserve_like(lacked_, other.lacked_);
  reserve_like(extras_, other.extras_);
  reserve_like(own_index_, other.own_index_);
  reserve_like(received_txids_, other.received_txids_);
  reserve_like(assembled_, other.assembled_);
  served_id_ = {};
  reserve_like(served_txids_, other.served_txids_);
  reserve_like(selected_, other.selected_);
  return *this;
}

void BodyExchange::begin_height(const ChainId& chain, std::span<const TxBytes> own) {
  MIDNIGHT_INVARIANT(!own.empty() && "a block has its coinbase");
  chain_ = chain;
  const std::size_t n = own.size() - 1;
  own_txids_.resize(n);
  for (std::size_t i = 0; i < n; ++i) own_txids_[i] = compute_txid(chain, own[i + 1]);
  const std::size_t words = (n + 63) / 64;
  for (Slot& s : slots_) {
    s = Slot{};
    s.extras.assign(words, 0);
  }
  opened_ = 0;
  counts_ = {};
  // The largest sketch we accept, and what it can peel into; our own short ids; the body
  // we assemble (ours, plus what we may lack). Serving starts at our own block's size.
  const std::size_t cells = max_sketch_cells_for(n);
  max_cells_ = cells;
  (void)sketch_.reset(SketchKey{}, cells);
  lacked_.clear();
  lacked_.reserve(peel_room(cells));
  extras_.clear();
  extras_.reserve(peel_room(cells));
  own_index_.clear();
  own_index_.reserve(n);
  received_txids_.clear();
  received_txids_.reserve(peel_room(cells));
  assembled_.clear();
  assembled_.reserve(1 + n + peel_room(cells));
  // Serving answers requesters about as large as we are with sketches up to our own
  // largest; only a larger one grows this, once.
  if (serve_sketch_.cells() < kSketchHashes * cells) (void)serve_sketch_.reset(SketchKey{}, cells);
  served_id_ = {};
  served_txids_.clear();
  served_txids_.reserve(n);
  selected_.clear();
  selected_.reserve(n);
}

// ---- requesting side ----------------------------------------------------------------

void BodyExchange::open(const BlockId& id, std::size_t member) {
  Slot* target = nullptr;
  for (Slot& s : slots_) {
    if (s.stage != Stage::idle && s.block_id == id && s.member == member) {
      target = &s;  // asked again: the answer may have been lost
      break;
    }
  }
  if (target == nullptr) {
    for (Slot& s : slots_) {
      if (s.stage == Stage::idle) {
        target = &s;
        break;
      }
      if (target == nullptr || s.opened_at < target->opened_at) target = &s;
    }
  }
  target->stage = Stage::awaiting_sketch;
  target->block_id = id;
  target->member = member;
  target->opened_at = opened_++;
  target->lacked_count = 0;
  target->block_count = 0;
  ++counts_.opened;
}

std::size_t BodyExchange::sample(const BlockId& id, std::span<ShortTxId, kReconcileSampleIds> out) const {
  return sample_short_ids(sketch_key(id), own_txids_, out);
}

BodyExchange::Slot* BodyExchange::find(const BlockId& id, Stage stage) {
  for (Slot& s : slots_) {
    if (s.stage == stage && s.block_id == id) return &s;
  }
  return nullptr;
}

ReconcileOutcome BodyExchange::fall_back(Slot& s, std::uint32_t& counter) {
  ++counter;
  s.stage = Stage::idle;
  return {ReconcileStep::fall_back, s.member};
}

void BodyExchange::index_own(const SketchKey& key) {
  own_index_.resize(own_txids_.size());  // within the reserve
  for (std::size_t i = 0; i < own_txids_.size(); ++i) own_index_[i] = {short_tx_id(key, own_txids_[i]), std::uint32_t(i)};
  std::sort(own_index_.begin(), own_index_.end());
}

ReconcileOutcome BodyExchange::on_sketch(const BodySketchView& s, std::span<const TxBytes> own) {
  Slot* slot = find(s.block_id, Stage::awaiting_sketch);
  if (slot == nullptr) return {};
  const std::size_t cells = load_u32(s.sketch.data());  // the codec checked the length
  if (cells > max_sketch_cells_for(have())) return fall_back(*slot, counts_.inconsistent);
  const SketchKey key = sketch_key(s.block_id);
  if (!sketch_.reset(key, cells) || !decode_tx_sketch(s.sketch, sketch_)) return fall_back(*slot, counts_.inconsistent);
  // Their sketch minus our ids: inserted ids are theirs only (lacked), erased ones ours only.
  index_own(key);
  for (const auto& [id, index] : own_index_) sketch_.erase(id);
  lacked_.clear();
  extras_.clear();
  if (!sketch_.decode(lacked_, extras_)) return fall_back(*slot, counts_.undecodable);
  // A set has no id twice: cells a server forged can peel one id twice, which no request
  // could then name (short ids travel strictly ascending).
  std::sort(lacked_.begin(), lacked_.end());
  std::sort(extras_.begin(), extras_.end());
  if (std::adjacent_find(lacked_.begin(), lacked_.end()) != lacked_.end() ||
      std::adjacent_find(extras_.begin(), extras_.end()) != extras_.end()) {
    return fall_back(*slot, counts_.inconsistent);
  }
  std::fill(slot->extras.begin(), slot->extras.end(), std::uint64_t{0});
  const auto ours = [&](ShortTxId id) {
    const auto it = std::lower_bound(own_index_.begin(), own_index_.end(), std::make_pair(id, std::uint32_t{0}));
    return it != own_index_.end() && it->first == id ? it : own_index_.end();
  };
  for (ShortTxId id : extras_) {
    const auto it = ours(id);
    if (it == own_index_.end()) return fall_back(*slot, counts_.inconsistent);  // "ours only", yet not ours
    slot->extras[it->second / 64] |= std::uint64_t{1} << (it->second % 64);
  }
  for (ShortTxId id : lacked_) {
    if (ours(id) != own_index_.end()) return fall_back(*slot, counts_.inconsistent);  // "theirs only", yet ours
  }
  if (have() - extras_.size() + lacked_.size() != s.tx_count) return fall_back(*slot, counts_.inconsistent);
  slot->lacked_count = std::uint32_t(lacked_.size());
  slot->block_count = s.tx_count;
  if (lacked_.empty()) {
    assemble(*slot, own, {});
    slot->stage = Stage::idle;
    ++counts_.assembled;
    return {ReconcileStep::assembled, slot->member};
  }
  slot->stage = Stage::awaiting_transactions;
  return {ReconcileStep::request_transactions, slot->member};
}

ReconcileOutcome BodyExchange::on_transactions(const BodyTransactionsView& t, std::span<const TxBytes> own) {
  Slot* slot = find(t.block_id, Stage::awaiting_transactions);
  if (slot == nullptr) return {};
  if (t.txs.size() != slot->lacked_count) return fall_back(*slot, counts_.inconsistent);
  assemble(*slot, own, t.txs);
  slot->stage = Stage::idle;
  ++counts_.assembled;
  return {ReconcileStep::assembled, slot->member};
}

// Ours without the extras, merged with the received transactions (ascending by txid, as
// the codec checked) into txid order, after our coinbase.
void BodyExchange::assemble(const Slot& s, std::span<const TxBytes> own, std::span<const TxBytes> received) {
  received_txids_.resize(received.size());  // within the reserve: at most lacked_count
  for (std::size_t i = 0; i < received.size(); ++i) received_txids_[i] = compute_txid(chain_, received[i]);
  assembled_.clear();
  assembled_.push_back(own[0]);
  std::size_t j = 0;
  for (std::size_t i = 0; i < own_txids_.size(); ++i) {
    if ((s.extras[i / 64] >> (i % 64)) & 1U) continue;
    while (j < received.size() && received_txids_[j] < own_txids_[i]) assembled_.push_back(received[j++]);
    assembled_.push_back(own[i + 1]);
  }
  while (j < received.size()) assembled_.push_back(received[j++]);
}

void BodyExchange::close(const BlockId& id) {
  for (Slot& s : slots_) {
    if (s.block_id == id) s.stage = Stage::idle;
  }
}

// ---- serving side -------------------------------------------------------------------

std::span<const TxId> BodyExchange::served_txids(const BlockId& id, std::span<const TxBytes> body) {
  if (!(served_id_ == id && served_txids_.size() + 1 == body.size())) {
    served_txids_.resize(body.size() - 1);  // grows only for a block larger than ours
    for (std::size_t i = 1; i < body.size(); ++i) served_txids_[i - 1] = compute_txid(chain_, body[i]);
    served_id_ = id;
  }
  return served_txids_;
}

std::size_t BodyExchange::answer_cells(const ReconcileRequest& r, std::span<const TxBytes> body,
                                       std::size_t block_bytes) {
  MIDNIGHT_INVARIANT(r.kind == ReconcileKind::sketch && !body.empty());
  const std::span<const TxId> txids = served_txids(r.block_id, body);
  std::array<ShortTxId, kReconcileSampleIds> ours{};
  const std::size_t n = sample_short_ids(sketch_key(r.block_id), txids, ours);
  std::array<ShortTxId, kReconcileSampleIds> theirs{};
  const std::size_t m = std::min(r.ids.count(), kReconcileSampleIds);
  for (std::size_t i = 0; i < m; ++i) theirs[i] = r.ids[i];
  const std::size_t difference =
      estimate_difference(std::span(theirs).first(m), r.have, std::span(ours).first(n), txids.size());
  return sketch_answer_cells(difference, r.have, block_bytes);
}

void BodyExchange::encode_sketch(const BlockId& id, std::span<const TxBytes> body, std::size_t cells_per_hash,
                                 std::span<std::uint8_t> out) {
  const SketchKey key = sketch_key(id);
  const bool sized = serve_sketch_.reset(key, cells_per_hash).has_value();
  MIDNIGHT_INVARIANT(sized && "answer_cells chose the size");
  for (const TxId& txid : served_txids(id, body)) serve_sketch_.insert(short_tx_id(key, txid));
  encode_tx_sketch(serve_sketch_, out);
}

std::span<const TxBytes> BodyExchange::select(const ReconcileRequest& r, std::span<const TxBytes> body) {
  MIDNIGHT_INVARIANT(r.kind == ReconcileKind::transactions && !body.empty());
  const SketchKey key = sketch_key(r.block_id);
  const std::span<const TxId> txids = served_txids(r.block_id, body);
  selected_.clear();
  for (std::size_t i = 0; i < txids.size(); ++i) {
    if (contains(r.ids, short_tx_id(key, txids[i]))) selected_.push_back(body[i + 1]);
  }
  return selected_;
}

std::size_t BodyExchange::memory_bytes() const {
  std::size_t n = own_txids_.capacity() * sizeof(TxId);
  for (const Slot& s : slots_) n += s.extras.capacity() * sizeof(std::uint64_t);
  n += (sketch_.cells() + serve_sketch_.cells()) * (sizeof(SketchCell) + sizeof(std::uint32_t) + 1);
  n += (lacked_.capacity() + extras_.capacity()) * sizeof(ShortTxId) + own_index_.capacity() * sizeof(own_index_[0]) +
       (received_txids_.capacity() + served_txids_.capacity()) * sizeof(TxId) +
       (assembled_.capacity() + selected_.capacity()) * sizeof(TxBytes);
  return n;
}

bool operator==(const BodyExchange& a, const BodyExchange& b) {
  return a.chain_ == b.chain_ && a.max_cells_ == b.max_cells_ && a.own_txids_ == b.own_txids_ && a.slots_ == b.slots_ && a.opened_ == b.opened_ &&
         a.counts_ == b.counts_;
}

}  // namespace midnight
