// Body reconciliation for one member (spec/reconciliation.md §5): how a node that lacks a
// block's body obtains it in bytes close to what it lacks, and how it answers others.
// The round machine owns one and decides when to fetch (rule "fetch"); this class keeps
// the fetches in flight and does the arithmetic of both sides.
//
//   requester                                   server (holds the block X)
//   open(id, member)  -> sketch request: have = |A|, sample of A's short ids
//                                               answer_cells: estimate |A Δ X| from the
//                                               samples; a sketch of X of that size (or,
//                                               if it would not pay, the whole block)
//   on_sketch: X's sketch minus A's ids peels into X \ A (lacked) and A \ X (extras)
//     nothing lacked -> the body is A minus the extras: done
//     else           -> transactions request: the lacked short ids
//                                               select: X's transactions with those ids
//   on_transactions: A minus extras, plus those, in txid order: the body
//
// Any failure (a sketch that does not peel or is larger than this node accepts, ids that
// contradict what the node holds, counts that do not add up) falls back to asking the same
// member for the whole block; the machine then checks whatever body it assembled exactly
// as a whole one (Merkle root and validity), so a lying server costs a round trip and the
// block's bytes at most.
//
// Storage is sized at begin_height from this node's own block: kReconcileSlots fetches in
// flight, each with a bitset over our transactions, and one sketch of the largest size we
// accept (max_sketch_cells_for(|A|)). No step allocates after it, except that serving a
// block larger than our own grows the serving scratch, once.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "midnight/block/tx_sketch.hpp"
#include "midnight/core/bytes.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight {

// Fetches by reconciliation in flight at once; a new one replaces the oldest.
inline constexpr std::size_t kReconcileSlots = 4;

// What a sketch or transactions answer leads to.
enum class ReconcileStep : std::uint8_t {
  unsolicited = 1,       // no fetch of this block awaits this kind of answer: ignored
  request_transactions,  // send `member` a transactions request for lacked()
  assembled,             // assembled() is the body, to be checked and held
  fall_back,             // ask `member` for the whole block
};

struct ReconcileOutcome {
  ReconcileStep step = ReconcileStep::unsolicited;
  std::size_t member = 0;
};

// Why fetches fell back to the whole block, counted for the simulator's report.
struct ReconcileCounts {
  std::uint32_t opened = 0;
  std::uint32_t assembled = 0;
  std::uint32_t undecodable = 0;   // the sketch did not peel
  std::uint32_t inconsistent = 0;  // too large, or ids/counts that contradict our set or the answer
  friend bool operator==(const ReconcileCounts&, const ReconcileCounts&) = default;
};

class BodyExchange {
 public:
  BodyExchange();
  // A copy holds the same state and scratch of the same capacity, so that a step after the
  // copy allocates no more than one on the original would.
  BodyExchange(const BodyExchange& other);
  BodyExchange& operator=(const BodyExchange& other);

  // Set-up for a height from our own block (coinbase first, then ascending txid).
  void begin_height(const ChainId& chain, std::span<const TxBytes> own);

  // ---- requesting side ----
  // Our count of mempool transactions: a sketch request's `have`. 0: we hold nothing to
  // reconcile against, so every fetch asks for the whole block.
  std::size_t have() const { return own_txids_.size(); }
  // A fetch of `id` from `member` by reconciliation (again, if one was open: the request
  // may have been lost).
  void open(const BlockId& id, std::size_t member);
  // The sample of a sketch request for `id`: ascending, into out[0, n); returns n.
  std::size_t sample(const BlockId& id, std::span<ShortTxId, kReconcileSampleIds> out) const;
  ReconcileOutcome on_sketch(const BodySketchView& s, std::span<const TxBytes> own);
  ReconcileOutcome on_transactions(const BodyTransactionsView& t, std::span<const TxBytes> own);
  // After request_transactions: the lacked short ids, ascending (valid until the next call).
  std::span<const ShortTxId> lacked() const { return lacked_; }
  // After assembled: the body, coinbase first (ours: every member builds the same one),
  // in txid order; views into `own` and the answer (valid until either changes).
  std::span<const TxBytes> assembled() const { return assembled_; }
  // Forget the fetches of `id` (its body is held).
  void close(const BlockId& id);
  const ReconcileCounts& counts() const { return counts_; }

  // ---- serving side (body: the held block's transactions, coinbase first) ----
  // The cells per hash of the sketch answering `r` (a sketch request), or 0: the whole block.
  std::size_t answer_cells(const ReconcileRequest& r, std::span<const TxBytes> body, std::size_t block_bytes);
  // The sketch of `body`'s mempool transactions under `id`'s key with `cells_per_hash`,
  // encoded (spec/reconciliation.md §3) into `out` (encoded_size bytes).
  void encode_sketch(const BlockId& id, std::span<const TxBytes> body, std::size_t cells_per_hash,
                     std::span<std::uint8_t> out);
  // The transactions of `body` whose short ids `r` names, in txid order (views into body).
  std::span<const TxBytes> select(const ReconcileRequest& r, std::span<const TxBytes> body);

  std::size_t memory_bytes() const;
  // State (the fetches in flight and the counts); the scratch is not compared.
  friend bool operator==(const BodyExchange& a, const BodyExchange& b);

 private:
  enum class Stage : std::uint8_t { idle = 0, awaiting_sketch, awaiting_transactions };
  struct Slot {
    Stage stage = Stage::idle;
    BlockId block_id;
    std::size_t member = 0;
    std::uint32_t opened_at = 0;
    std::uint32_t lacked_count = 0;
    std::uint32_t block_count = 0;       // the block's mempool transactions, as its sketch said
    std::vector<std::uint64_t> extras;   // bit i: our transaction i + 1 is not in the block
    friend bool operator==(const Slot&, const Slot&) = default;
  };
  Slot* find(const BlockId& id, Stage stage);
  ReconcileOutcome fall_back(Slot& s, std::uint32_t& counter);
  void assemble(const Slot& s, std::span<const TxBytes> own, std::span<const TxBytes> received);
  // Our short ids under `key`, sorted, with the index of their transaction in `own`.
  void index_own(const SketchKey& key);
  std::span<const TxId> served_txids(const BlockId& id, std::span<const TxBytes> body);

  ChainId chain_;
  std::size_t max_cells_ = 1;    // the largest sketch we accept (cells per hash)
  std::vector<TxId> own_txids_;  // of own[1..], ascending
  std::array<Slot, kReconcileSlots> slots_{};
  std::uint32_t opened_ = 0;
  ReconcileCounts counts_;
  // Scratch, sized at begin_height.
  TxSketch sketch_;
  std::vector<ShortTxId> lacked_;
  std::vector<ShortTxId> extras_;
  std::vector<std::pair<ShortTxId, std::uint32_t>> own_index_;
  std::vector<TxId> received_txids_;
  std::vector<TxBytes> assembled_;
  TxSketch serve_sketch_;
  BlockId served_id_;
  std::vector<TxId> served_txids_;
  std::vector<TxBytes> selected_;
};

}  // namespace midnight
