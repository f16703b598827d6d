// A sketch of a set of transactions: an invertible Bloom lookup table (IBLT; Goodrich and
// Mitzenmacher 2011, used for set reconciliation by Eppstein et al. 2011 and by Graphene)
// of the transactions' short ids. Two sketches of one key and size subtract, cell by cell,
// into a sketch of the symmetric difference of their sets, which decodes (peels) when it
// has about 1.5 cells per differing transaction: bytes proportional to the difference,
// not to the block. The building block of body reconciliation for divergent mempools;
// normative text: spec/reconciliation.md (the body sketch message 0x0d carries one;
// consensus/body_exchange.hpp runs the exchange).
//
//   const SketchKey key = sketch_key(block_id);
//   auto mine = TxSketch::make(key, TxSketch::cells_per_hash_for(expected_difference)).value();
//   for (const TxId& id : my_txids) mine.insert(short_tx_id(key, id));
//   // theirs: the same, from the other node's set (or decode_tx_sketch of its bytes)
//   mine.subtract(theirs);                  // now the sketch of mine minus theirs
//   mine.decode(only_mine, only_theirs);    // or sketch_errc::undecodable: a bigger sketch
//
// Storage is sized at set-up (make); insert, erase, subtract, decode and the byte
// encoding allocate nothing after it (decode's outputs are reserved by the caller).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/core/bytes.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/core/result.hpp"

namespace midnight {

enum class sketch_errc {
  size_out_of_range = 1,  // cells_per_hash is 0 or above kMaxSketchCellsPerHash
  size_mismatch,          // two sketches (or a sketch and its bytes) of different sizes
  length_mismatch,        // the bytes are not 4 + 16 * cells long for the size they state
  undecodable,            // peeling stopped with cells left: the difference is too large for the size
};

template <>
struct ErrorTable<sketch_errc> {
  static constexpr const char* name = "midnight.sketch";
  static const char* message(sketch_errc e);
};

// A transaction's short id under a sketch key: the first 8 bytes of SipHash-2-4 of its
// txid, read little-endian. Keyed, so that nobody can make transactions whose short ids
// collide under a key they do not know in advance.
using ShortTxId = std::uint64_t;

// The two SipHash-2-4 keys of a sketch, from a 32-byte salt (the block id the sketch is
// about): SHA-256(tag::kSketchKey || salt), the first 16 bytes for short ids, the last 16
// for cell positions and checks.
struct SketchKey {
  Bytes<16> short_id_key;
  Bytes<16> cell_key;
  friend bool operator==(const SketchKey&, const SketchKey&) = default;
};
SketchKey sketch_key(const Hash32& salt);
ShortTxId short_tx_id(const SketchKey& key, const TxId& txid);

// kSketchHashes, kMaxSketchCellsPerHash, kSketchCellBytes and kSketchHeaderBytes: core/limits.hpp
// (the wire's decoder bounds a sketch answer by them).

struct SketchCell {
  std::int32_t count = 0;      // insertions minus erasures (two's complement, wrapping)
  std::uint64_t id_sum = 0;    // XOR of the short ids
  std::uint32_t check_sum = 0; // XOR of their checks
  friend bool operator==(const SketchCell&, const SketchCell&) = default;
};

class TxSketch {
 public:
  // The sketch of the empty set, sized at set-up: kSketchHashes * cells_per_hash cells.
  [[nodiscard]] static result<TxSketch> make(const SketchKey& key, std::size_t cells_per_hash);
  // Back to the empty sketch of `key` and `cells_per_hash`, reusing the storage: allocates
  // only above the largest size this sketch has had. size_out_of_range (and nothing
  // changed) as make.
  [[nodiscard]] result<void> reset(const SketchKey& key, std::size_t cells_per_hash);
  // The size for a difference of `difference` transactions that decodes with probability
  // at least 0.99 (measured for 1 to 30,000: spec/reconciliation.md §2; checked by
  // tests/unit/tx_sketch_test.cpp): 1.3 cells a difference plus 200 cells.
  static std::size_t cells_per_hash_for(std::size_t difference);

  void insert(ShortTxId id);
  void erase(ShortTxId id);
  // This minus `other`, cell by cell; size_mismatch (and nothing changed) otherwise. The
  // caller uses one key for both: a sketch of another key subtracts into noise.
  [[nodiscard]] result<void> subtract(const TxSketch& other);
  // Peels the sketch: ids inserted more often than erased go to `inserted`, the others
  // to `erased`, and the sketch ends empty. On undecodable the ids peeled so far stay in
  // the outputs and the sketch holds the rest. At most cells() ids are peeled; the
  // outputs must have room (capacity) for cells() ids between them, so nothing allocates.
  [[nodiscard]] result<void> decode(std::vector<ShortTxId>& inserted, std::vector<ShortTxId>& erased);

  std::size_t cells_per_hash() const { return cells_per_hash_; }
  std::size_t cells() const { return cells_.size(); }
  bool empty() const;
  const SketchKey& key() const { return key_; }
  std::span<const SketchCell> cell_span() const { return cells_; }
  std::size_t encoded_size() const { return kSketchHeaderBytes + cells_.size() * kSketchCellBytes; }
  // The same key, size and cells (the decoder's scratch is not part of the value).
  friend bool operator==(const TxSketch& a, const TxSketch& b) {
    return a.key_ == b.key_ && a.cells_per_hash_ == b.cells_per_hash_ && a.cells_ == b.cells_;
  }

 private:
  friend result<void> decode_tx_sketch(std::span<const std::uint8_t> in, TxSketch& into);
  TxSketch() = default;
  std::array<std::size_t, kSketchHashes> positions(ShortTxId id) const;
  // Adds `delta` to the count of the id's three cells and XORs it in; returns the cells.
  std::array<std::size_t, kSketchHashes> toggle(ShortTxId id, std::int32_t delta);
  bool pure(const SketchCell& c) const;
  void queue_if_pure(std::size_t at);

  SketchKey key_;
  std::size_t cells_per_hash_ = 0;
  std::vector<SketchCell> cells_;
  // decode's work list: cells that may be pure, each at most once (queued_), so the list
  // never holds more than cells() entries. Sized in make().
  std::vector<std::uint32_t> work_;
  std::vector<std::uint8_t> queued_;
};

// cells_per_hash u32, then every cell (count i32, id_sum u64, check_sum u32), big-endian.
// `out` must hold encoded_size() bytes; returns the bytes written.
std::size_t encode_tx_sketch(const TxSketch& sketch, std::span<std::uint8_t> out);
// Reads a peer's sketch into `into`, which must have been made with the size the bytes
// state (size_mismatch otherwise); any cell values are accepted. On any error `into` is
// left exactly as it was.
[[nodiscard]] result<void> decode_tx_sketch(std::span<const std::uint8_t> in, TxSketch& into);

}  // namespace midnight

MIDNIGHT_REGISTER_ERROR_ENUM(sketch_errc)
