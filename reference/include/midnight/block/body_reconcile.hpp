// The arithmetic of body reconciliation (spec/reconciliation.md §4): which short ids a
// sketch request samples, how the server estimates the difference from two samples, and
// the size of sketch it answers with. Pure, deterministic (integers only, so that every
// implementation sizes the same sketch for the same request) and allocation-free.
//
// Why a sample: the server must size its sketch for the difference between its block and
// the requester's, which neither knows. A bottom-k sample (the k smallest short ids under
// the block's key, Broder's min-wise sampling) of each side estimates the fraction of the
// union that is not shared; the two complete samples of small sets give it exactly.
#pragma once
#include <cstddef>
#include <span>

#include "midnight/block/tx_sketch.hpp"
#include "midnight/core/bytes.hpp"

namespace midnight {

// The min(txids.size(), out.size()) smallest short ids of `txids` under `key`, ascending,
// written to the front of `out`; returns how many. O(n log k), no allocation (a heap in
// `out`). Repeated short ids (a 2^-64 event per pair) are kept once.
std::size_t sample_short_ids(const SketchKey& key, std::span<const TxId> txids, std::span<ShortTxId> out);

// An upper estimate of the size of the symmetric difference of two sets A and X of
// count_a and count_x elements, from their samples (ascending, as sample_short_ids makes
// them with kReconcileSampleIds room). Exact when both samples are complete (count equals
// sample size). Otherwise, of the k smallest short ids of the union (k the smaller
// incomplete sample), m are in one sample only; with m_hi = min(k, m + 2 isqrt(m) + 4)
// (about two standard deviations above m, plus a margin for small m) the estimate is
// ceil(m_hi (count_a + count_x) / (2k - m_hi)), at least |count_a - count_x| and at most
// count_a + count_x.
std::size_t estimate_difference(std::span<const ShortTxId> sample_a, std::size_t count_a,
                                std::span<const ShortTxId> sample_x, std::size_t count_x);

// The cells per hash of the sketch that answers a sketch request for a block of
// `block_count` mempool transactions and `block_bytes` encoded bytes (a block message),
// from a requester of `have` transactions, for an estimated difference `difference`; or
// 0: answer with the whole block. Whole when the difference may exceed what the requester
// holds (it then shares too little for a sketch to pay, and a requester sizes its sketch
// storage from its own count), or when the sketch would be as large as the block.
std::size_t sketch_answer_cells(std::size_t difference, std::size_t have, std::size_t block_bytes);

// The largest sketch a requester of `have` transactions accepts: what sketch_answer_cells
// can choose for it.
inline std::size_t max_sketch_cells_for(std::size_t have) { return TxSketch::cells_per_hash_for(have); }

}  // namespace midnight
