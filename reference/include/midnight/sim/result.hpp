// What a run produced: every finalization, the safety verdicts, a per-node per-round
// trace (what the demo prints) and the network's counters.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/network.hpp"

namespace midnight::sim {

struct FinalizedRecord {
  std::size_t node = 0;
  std::uint64_t height = 0;
  std::uint32_t round = 0;  // the certificate's round
  BlockId block_id;
  BlockId prev_id;              // the block's parent: the block of height - 1 (or genesis)
  std::uint64_t at_ms = 0;
  bool adopted = false;         // from a peer's commit, not from our own precommit quorum
  bool certificate_ok = false;  // verify_certificate accepted it, for this block
  std::uint64_t certificate_weight = 0;
  std::size_t certificate_signers = 0;  // how many members signed it (weight, not this, decides)
  std::uint32_t block_transactions = 0;  // the decided block's, coinbase included
  std::uint64_t commit_bytes = 0;        // its commit message (certificate and block), as stored
};

struct ProposalSeen {
  std::size_t proposer = 0;  // node index
  BlockId block_id;
  std::optional<VrfOutput> vrf_output;  // policy B: its verified VRF output (rank key)
};

// One honest node's view of one round, read from its machine at the end of the run.
struct RoundTrace {
  std::uint32_t round = 0;
  std::vector<ProposalSeen> proposals;  // in member order
  bool prevoted = false;                // its canonical choice, if it made one
  bool prevote_approve = false;
  BlockId prevote_block;
  std::uint64_t prevote_weight = 0;     // approving prevotes it counted for prevote_block
  std::uint64_t prevote_voted_weight = 0;
  bool precommitted = false;
  bool precommit_approve = false;
  BlockId precommit_block;
  std::uint64_t precommit_weight = 0;   // approving precommits it counted for prevote_block
  std::uint64_t precommit_voted_weight = 0;
  std::optional<BlockId> prevote_quorum;     // a polka it saw
  std::optional<BlockId> precommit_quorum;   // a commit quorum it saw
};

// What a node spent on bodies it lacked (spec/protocol.md 5.7): the body requests it sent
// and the blocks that answered them, and what it served to others. Counted as messages
// leave and arrive, whole messages, prefix included.
struct BodyTraffic {
  std::uint64_t requests_sent = 0;
  std::uint64_t request_bytes_sent = 0;
  std::uint64_t bodies_received = 0;
  std::uint64_t body_bytes_received = 0;
  std::uint64_t transactions_received = 0;  // in those bodies, coinbase included
  std::uint64_t bodies_served = 0;
  std::uint64_t body_bytes_served = 0;
};

// Body reconciliation (spec/reconciliation.md §5), per node: the requests it sent
// (sketch and transactions requests), the sketches and transactions it received, the
// answers it served, and how its fetches ended (the machine's counts).
struct ReconcileTraffic {
  std::uint64_t requests_sent = 0;
  std::uint64_t request_bytes_sent = 0;
  std::uint64_t sketches_received = 0;
  std::uint64_t sketch_bytes_received = 0;
  std::uint64_t transaction_answers_received = 0;
  std::uint64_t transaction_bytes_received = 0;
  std::uint64_t transactions_received = 0;
  std::uint64_t answers_served = 0;
  std::uint64_t bytes_served = 0;
  std::uint64_t fetches_opened = 0;
  std::uint64_t bodies_assembled = 0;
  std::uint64_t fell_back_undecodable = 0;
  std::uint64_t fell_back_inconsistent = 0;
};

struct NodeTrace {
  std::size_t node = 0;
  std::size_t member_index = 0;
  PublicKey key;
  std::uint64_t weight = 0;
  bool byzantine = false;
  bool slow = false;
  std::optional<std::uint64_t> crashed_at;
  // Honest nodes only.
  std::uint32_t last_round = 0;
  Step step = Step::idle;
  Lock lock;
  std::vector<RoundTrace> rounds;
  std::uint64_t messages_sent = 0;
  // Its mempool snapshot (SimConfig::mempool_divergence): transactions held, those of the
  // common pool it lacks, and those of its own that no other node has.
  std::size_t mempool_held = 0;
  std::size_t mempool_missing = 0;
  std::size_t mempool_own = 0;
  BodyTraffic bodies;
  ReconcileTraffic reconcile;
};

// One height's model trace (model_trace.hpp), as ndjson: kept only when
// SimConfig::model_trace asks for it.
struct ModelTrace {
  std::uint64_t height = 0;
  std::string ndjson;
};

struct SimResult {
  SimConfig config;
  std::string error;  // non-empty: the configuration was invalid, nothing ran
  ChainId chain;
  std::uint64_t total_weight = 0;
  std::uint64_t quorum = 0;
  std::vector<FinalizedRecord> finalized;  // in the order they happened
  bool agreement = true;                   // per height, one block id; no node finalized twice
  bool all_honest_finalized = false;       // every honest node that never crashed, every height
  bool chains_complete = false;            // every honest node up at the end, every height
  bool chains_linked = true;               // each node's heights in order, each the child of the last
  bool certificates_ok = true;
  bool bodies_valid = true;  // every decided body passes check_block_body (spec/claims.md, Validity)
  // Every vote an honest node released, across its restarts, is checked as it leaves:
  bool no_double_votes = true;  // never two different votes for one (height, round, step)
  bool locks_kept = true;       // after an approving precommit for X in round r, an approving
                                // prevote for Y != X in round r' > r only with a polka for Y
                                // (among all votes sent so far) in a round in [r, r')
  std::uint64_t restarts = 0;            // honest restarts that replayed their journal
  std::uint64_t journal_refusals = 0;    // restarts refused: the journal did not replay
  std::uint64_t torn_frames_dropped = 0; // torn last frames dropped at restart
  std::vector<std::string> violations;     // what broke agreement, certificates, votes or locks
  std::vector<NodeTrace> nodes;
  MessageCounts messages;
  // "<handler>: <category>: <message>" -> count. Rejected input is normal in a hostile
  // network; these numbers only describe it.
  std::map<std::string, std::uint64_t> handler_errors;
  std::uint64_t timers_suppressed = 0;  // timers at or after the round limit
  std::uint64_t events = 0;
  std::uint64_t end_ms = 0;             // time of the last event handled
  std::uint64_t time_limit_ms = 0;
  Hash32 event_log;                     // SHA-256 over every event handled, in order
  std::vector<ModelTrace> model_traces; // with SimConfig::model_trace: one per height, lowest first

  // The first finalization of each honest node, if any.
  const FinalizedRecord* finalized_by(std::size_t node) const;
};

}  // namespace midnight::sim
