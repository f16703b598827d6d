// One fetch by body reconciliation between two fuzz machines (spec/reconciliation.md §5),
// stopped at each stage, for the targets that deliver reconciliation messages and for the
// seed corpus (the seeds are its honest messages, so they reach the paths past "not
// fetching that block"). Built once, deterministically, by the library itself: the
// requester stores the server's proposal and opens the fetch, and each message is what
// node/body_messages.hpp encodes for the action that asked for it.
//
//   pool: kReconcilePool distinct 8-byte transactions
//   requester (mempool pool[0, kReconcileHave))   server (mempool pool[kReconcileShift, kReconcilePool))
//   after the server's round-0 proposal: awaiting_sketch   ->  sketch_request
//                                                             serving answers: sketch
//   after the sketch:                awaiting_transactions ->  transactions_request
//                                                             serving answers: transactions
// (`serving` is the server before it answered anything.) The two sets differ by
// kReconcileShift transactions each way, well within the sketch the server sizes, so the
// sketch peels and the transactions complete the server's body.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::fuzz {

inline constexpr std::size_t kReconcilePool = 640;
inline constexpr std::size_t kReconcileHave = 600;
inline constexpr std::size_t kReconcileShift = kReconcilePool - kReconcileHave;

struct ReconcileScene {
  std::vector<std::vector<std::uint8_t>> pool;
  std::size_t requester = 0;  // node indexes
  std::size_t server = 0;
  Proposal proposal;          // the server's round-0 proposal, of the server's body
  BlockId block_id;
  std::optional<RoundMachine> awaiting_sketch;  // all three set once built
  std::optional<RoundMachine> awaiting_transactions;
  std::optional<RoundMachine> serving;
  std::vector<std::uint8_t> sketch_request;
  std::vector<std::uint8_t> sketch;
  std::vector<std::uint8_t> transactions_request;
  std::vector<std::uint8_t> transactions;
};

// Built on first use (aborts with a fuzz check if the library does not run the fetch as
// above: then the scene, not a fuzzed input, is wrong).
const ReconcileScene& reconcile_scene();

// The pool's transactions [first, last) as views.
std::vector<TxBytes> pool_views(const ReconcileScene& scene, std::size_t first, std::size_t last);

}  // namespace midnight::fuzz
