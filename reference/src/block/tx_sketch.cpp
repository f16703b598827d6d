// The transaction sketch (an IBLT of short ids): spec/reconciliation.md.
#include "midnight/block/tx_sketch.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "midnight/core/invariant.hpp"
#include "midnight/crypto/hash.hpp"

namespace midnight {

static_assert(crypto_shorthash_siphash24_KEYBYTES == 16 && crypto_shorthash_siphash24_BYTES == 8);

const char* ErrorTable<sketch_errc>::message(sketch_errc e) {
  switch (e) {
    case sketch_errc::size_out_of_range:
      return "sketch size (cells per hash) is 0 or above kMaxSketchCellsPerHash";
    case sketch_errc::size_mismatch:
      return "the two sketches are of different sizes";
    case sketch_errc::length_mismatch:
      return "sketch bytes are not 4 + 16 bytes a cell for the size they state";
    case sketch_errc::undecodable:
      return "the sketch does not peel: the difference is too large for its size";
  }
  return "unknown sketch error";
}

namespace {

std::uint64_t siphash(const Bytes<16>& key, std::span<const std::uint8_t> in) {
  std::array<std::uint8_t, 8> out{};
  crypto_shorthash_siphash24(out.data(), in.data(), in.size(), key.data());
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < 8; ++i) x |= std::uint64_t{out[i]} << (8 * i);  // little-endian
  return x;
}

// SipHash-2-4(cell_key, le64(id) || j): j = 0..2 the cell of hash j, j = 3 the check.
std::uint64_t cell_hash(const Bytes<16>& key, ShortTxId id, std::uint8_t j) {
  std::array<std::uint8_t, 9> in{};
  for (std::size_t i = 0; i < 8; ++i) in[i] = static_cast<std::uint8_t>(id >> (8 * i));
  in[8] = j;
  return siphash(key, in);
}

std::uint32_t check_of(const Bytes<16>& key, ShortTxId id) {
  return static_cast<std::uint32_t>(cell_hash(key, id, kSketchHashes));
}

}  // namespace

SketchKey sketch_key(const Hash32& salt) {
  const Hash32 h = Sha256().update(tag::kSketchKey).update(salt.span()).finish();
  SketchKey k;
  std::copy(h.v.begin(), h.v.begin() + 16, k.short_id_key.v.begin());
  std::copy(h.v.begin() + 16, h.v.end(), k.cell_key.v.begin());
  return k;
}

ShortTxId short_tx_id(const SketchKey& key, const TxId& txid) { return siphash(key.short_id_key, txid.span()); }

result<TxSketch> TxSketch::make(const SketchKey& key, std::size_t cells_per_hash) {
  if (cells_per_hash == 0 || cells_per_hash > kMaxSketchCellsPerHash) return sketch_errc::size_out_of_range;
  TxSketch s;
  s.key_ = key;
  s.cells_per_hash_ = cells_per_hash;
  s.cells_.assign(kSketchHashes * cells_per_hash, SketchCell{});
  s.work_.reserve(s.cells_.size());
  s.queued_.assign(s.cells_.size(), 0);
  return s;
}

result<void> TxSketch::reset(const SketchKey& key, std::size_t cells_per_hash) {
  if (cells_per_hash == 0 || cells_per_hash > kMaxSketchCellsPerHash) return sketch_errc::size_out_of_range;
  key_ = key;
  cells_per_hash_ = cells_per_hash;
  cells_.assign(kSketchHashes * cells_per_hash, SketchCell{});
  work_.clear();
  if (work_.capacity() < cells_.size()) work_.reserve(cells_.size());
  queued_.assign(cells_.size(), 0);
  return outcome::success();
}

std::size_t TxSketch::cells_per_hash_for(std::size_t difference) {
  // 1.3 cells a difference plus 200: peeling needs about 1.23 cells an id in large tables,
  // and small tables fail mostly on ids that share cells, which the fixed part makes rare.
  const std::size_t d = std::min(difference, kMaxSketchCellsPerHash);
  const std::size_t cells = d + (3 * d) / 10 + 200;
  return std::min((cells + kSketchHashes - 1) / kSketchHashes, kMaxSketchCellsPerHash);
}

std::array<std::size_t, kSketchHashes> TxSketch::positions(ShortTxId id) const {
  std::array<std::size_t, kSketchHashes> at{};
  for (std::uint8_t j = 0; j < kSketchHashes; ++j)
    at[j] = j * cells_per_hash_ + static_cast<std::size_t>(cell_hash(key_.cell_key, id, j) % cells_per_hash_);
  return at;
}

std::array<std::size_t, kSketchHashes> TxSketch::toggle(ShortTxId id, std::int32_t delta) {
  const std::uint32_t check = check_of(key_.cell_key, id);
  const auto at_each = positions(id);
  for (const std::size_t at : at_each) {
    SketchCell& c = cells_[at];
    // Wrapping arithmetic: a peer's counts may be anything, and only small ones peel.
    c.count = static_cast<std::int32_t>(static_cast<std::uint32_t>(c.count) + static_cast<std::uint32_t>(delta));
    c.id_sum ^= id;
    c.check_sum ^= check;
  }
  return at_each;
}

void TxSketch::insert(ShortTxId id) { static_cast<void>(toggle(id, 1)); }
void TxSketch::erase(ShortTxId id) { static_cast<void>(toggle(id, -1)); }

result<void> TxSketch::subtract(const TxSketch& other) {
  if (other.cells_per_hash_ != cells_per_hash_) return sketch_errc::size_mismatch;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    SketchCell& c = cells_[i];
    const SketchCell& o = other.cells_[i];
    c.count = static_cast<std::int32_t>(static_cast<std::uint32_t>(c.count) - static_cast<std::uint32_t>(o.count));
    c.id_sum ^= o.id_sum;
    c.check_sum ^= o.check_sum;
  }
  return outcome::success();
}

bool TxSketch::pure(const SketchCell& c) const {
  return (c.count == 1 || c.count == -1) && c.check_sum == check_of(key_.cell_key, c.id_sum);
}

bool TxSketch::empty() const {
  return std::all_of(cells_.begin(), cells_.end(), [](const SketchCell& c) { return c == SketchCell{}; });
}

void TxSketch::queue_if_pure(std::size_t at) {
  if (queued_[at] != 0 || !pure(cells_[at])) return;
  queued_[at] = 1;
  work_.push_back(static_cast<std::uint32_t>(at));
}

result<void> TxSketch::decode(std::vector<ShortTxId>& inserted, std::vector<ShortTxId>& erased) {
  MIDNIGHT_INVARIANT(inserted.capacity() - inserted.size() + erased.capacity() - erased.size() >= cells_.size() &&
                     "the outputs have room for every id a sketch can hold");
  // Peeling with a work list: every pure cell is queued once; peeling its id may make
  // that id's other cells pure, which are queued then. A table of m cells is refused
  // after m peels (a peer's cells may be built to peel for ever), so the work is at most
  // m purity checks to start and, per peel, one id removed from three cells.
  work_.clear();
  std::fill(queued_.begin(), queued_.end(), std::uint8_t{0});
  for (std::size_t at = 0; at < cells_.size(); ++at) queue_if_pure(at);
  std::size_t peeled = 0;
  while (!work_.empty()) {
    const std::size_t at = work_.back();
    work_.pop_back();
    queued_[at] = 0;
    const SketchCell c = cells_[at];
    if (!pure(c)) continue;  // another peel emptied or changed it since
    if (peeled == cells_.size()) return sketch_errc::undecodable;
    ++peeled;
    const ShortTxId id = c.id_sum;
    (c.count == 1 ? inserted : erased).push_back(id);
    for (const std::size_t next : toggle(id, c.count == 1 ? -1 : 1)) queue_if_pure(next);
  }
  if (!empty()) return sketch_errc::undecodable;
  return outcome::success();
}

std::size_t encode_tx_sketch(const TxSketch& sketch, std::span<std::uint8_t> out) {
  MIDNIGHT_INVARIANT(out.size() >= sketch.encoded_size());
  std::uint8_t* p = out.data();
  store_u32(p, static_cast<std::uint32_t>(sketch.cells_per_hash()));
  p += kSketchHeaderBytes;
  for (const SketchCell& c : sketch.cell_span()) {
    store_u32(p, static_cast<std::uint32_t>(c.count));
    store_u64(p + 4, c.id_sum);
    store_u32(p + 12, c.check_sum);
    p += kSketchCellBytes;
  }
  return sketch.encoded_size();
}

result<void> decode_tx_sketch(std::span<const std::uint8_t> in, TxSketch& into) {
  if (in.size() < kSketchHeaderBytes) return sketch_errc::length_mismatch;
  const std::uint32_t per_hash = load_u32(in.data());
  if (per_hash == 0 || per_hash > kMaxSketchCellsPerHash) return sketch_errc::size_out_of_range;
  if (per_hash != into.cells_per_hash()) return sketch_errc::size_mismatch;
  if (in.size() != into.encoded_size()) return sketch_errc::length_mismatch;
  // Checked in full above: from here on nothing fails, so `into` changes only on success.
  const std::uint8_t* p = in.data() + kSketchHeaderBytes;
  for (SketchCell& c : into.cells_) {
    c.count = static_cast<std::int32_t>(load_u32(p));
    c.id_sum = load_u64(p + 4);
    c.check_sum = load_u32(p + 12);
    p += kSketchCellBytes;
  }
  return outcome::success();
}

}  // namespace midnight
