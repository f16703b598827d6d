// Byzantine members. They run no RoundMachine: each mode is a few lines of hostile logic
// that signs with the node's real key, so honest nodes see messages that pass every
// signature and membership check and must be stopped by the protocol itself. Each member
// acts in its own mode (byzantine_mode_of: a coalition may mix them), alone: the members
// do not coordinate beyond fellow Byzantine nodes getting the honest proposal content.
//   withhold    sends nothing.
//   garbage     each round: approving prevotes and precommits for random block ids (a
//               different one per recipient), replays of older rounds' votes, a vote with
//               a broken signature, and bytes that do not decode.
//   equivocate  each round: two signed proposals (its honest content to every other honest
//               node, a different Merkle root to the rest), then, per honest
//               recipient, an approving prevote and precommit for one block: the block
//               that recipient itself prevoted, as soon as that prevote arrives (agreeing
//               with everyone is the strongest way to split honest nodes); for recipients
//               not heard from by the time their prevotes must have arrived, a proposal it
//               has seen, alternating the lowest and second-lowest id between recipients.
//   mirror      the proposals of equivocate, then to each honest recipient, as soon as its
//               prevote arrives, an approving prevote and precommit for that same block,
//               with no fallback. It splits nothing by itself; it lends its weight to every
//               honest node's own choice, so a side that holds a quorum only with it (an
//               honest node cut off, say) still moves on. That is the attack a retry
//               without the lock rule cannot survive (tla/MCNegNoLock.cfg).
//   withhold-body  each round one proposal whose Merkle root names a body only it could
//               have, the root ground (4,096 tries) for the lowest block id, so that under
//               policy A it nearly always ranks first; it never sends the body and never
//               votes. Honest nodes ask for the body, get nothing, and must decide on
//               another block (spec/protocol.md 5.7).
//   bad-body    each round one proposal of a body holding a transaction the simulator's
//               predicate rejects (sim/sim_validity.hpp), Merkle root and coinbase right;
//               the invalid transaction is ground (64 tries) for a low round-0 id. It
//               answers each requester's body requests with that body, then with the
//               honest pool's body under the header's other root, in turn. It never votes. Honest
//               nodes must refuse both bodies (invalid_transaction, bad_merkle_root).
//               Body reconciliation (spec/reconciliation.md) is answered in the same
//               spirit, each requester's answers going round three kinds: a sketch
//               request with the invalid body's own sketch, the honest pool's sketch (a
//               set the root does not name), or random cells of a size the requester
//               accepts; a transactions request with the invalid body's named
//               transactions, invented invalid ones, or pool transactions it did not
//               name. Every one must end in the requester asking for the whole block.
//   garbage answers a body request, and a reconcile request, with bytes that do not
//               decode, too (every other reconcile answer under the prefix of the answer
//               asked for). withhold-body never answers either.
//   selective   each round one proposal of the honest pool's content, held back until
//               the recipients' collect deadline is close (one latency before it, three
//               when they may have to fetch the body). Then, if it ranks first among the
//               proposals it has received (policy A: lowest block id; B: lowest VRF
//               output; C: always, since a recipient ranks by arrival), it goes to a random
//               set of honest nodes of at most half the honest weight (at least one node;
//               drawn from the simulator's generator each round: with the whole Byzantine
//               weight added, neither side then reaches a quorum) and to fellow Byzantine
//               nodes;
//               otherwise to everyone. Its votes are an honest node's: at the collect
//               deadline a prevote for its own block when it released it selectively, else
//               for the best-ranked proposal it received; a precommit for the first block
//               whose prevotes it sees reach a quorum, or nil at the prevote deadline. It
//               answers every body or reconcile request for its proposal with the block.
//               The honest nodes that got it pick it, the rest pick another block: honest
//               weight is split.
//   grind       selective, with content of its own each round under policy A: the honest
//               pool plus one valid transaction of its own, ground (256 tries) for the
//               lowest block id. Only policy A ranks by block id: under B and C it is
//               selective.
//   late-polka  proposes the honest pool's content every round and sends no vote. At each
//               round's prevote deadline, if its prevote would complete a polka (the
//               approving prevotes it received for a block fall short of a quorum by no
//               more than its weight), it signs that prevote and keeps it with those
//               prevotes; at the start of the next round, their collect step, it sends
//               them to a random set of honest nodes of at most half the honest weight. Those
//               nodes learn a polka of the round before and make its block their choice; the
//               rest pick by the policy.
//   lock-split  selective's proposal and release, and no prevote at the collect deadline.
//               Two latencies after it (the honest prevotes are in, the honest prevote
//               deadline is still to come), if its prevote would complete a polka, it sends
//               that prevote to one honest node that prevoted the block, which alone sees
//               the polka, locks and precommits; it precommits nil at the prevote deadline.
//               The round fails with one honest lock the others do not know of: what rule
//               "announce" (spec/protocol.md 5.4) must tell the next round's leader.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include <optional>

#include "midnight/block/builder.hpp"
#include "midnight/core/member_set.hpp"
#include "midnight/crypto/ecvrf.hpp"

#include "midnight/crypto/sign.hpp"
#include "midnight/sim/config.hpp"
#include "midnight/sim/event_queue.hpp"
#include "midnight/sim/network.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/world.hpp"
#include "midnight/wire/messages.hpp"

namespace midnight::sim {

struct ByzantineContext {
  const SimConfig& config;
  const World& world;
  Network& network;
  EventQueue& queue;
  Rng& rng;
  const std::vector<bool>& honest;  // by node index
};

class ByzantineNode {
 public:
  ByzantineNode(std::size_t node, const Hash32& honest_merkle_root);

  // Schedules this node's steps for every round (none for withhold).
  void start(const ByzantineContext& ctx);
  void on_step(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round, std::uint8_t phase);
  // Keeps what it can use (proposals of the current height, votes to replay).
  void on_message(const ByzantineContext& ctx, std::uint64_t now, std::span<const std::uint8_t> bytes);

  std::size_t node() const { return node_; }
  std::uint64_t messages_sent() const { return sent_; }

 private:
  void send(const ByzantineContext& ctx, std::uint64_t now, std::size_t to, std::vector<std::uint8_t> bytes);
  void send_vote(const ByzantineContext& ctx, std::uint64_t now, std::size_t to, const Vote& v);
  Vote signed_vote(const ByzantineContext& ctx, std::uint32_t round, VoteStep step, const BlockId& id) const;
  void propose_twice(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void vote_split(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void vote_for(const ByzantineContext& ctx, std::uint64_t now, std::size_t to, std::uint32_t round,
                const BlockId& id);
  void spray_garbage(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void propose_withheld(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void propose_bad_body(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void answer_body_request(const ByzantineContext& ctx, std::uint64_t now, std::span<const std::uint8_t> bytes);
  void answer_reconcile_request(const ByzantineContext& ctx, std::uint64_t now, std::span<const std::uint8_t> bytes);
  // bad-body's answers to a sketch or transactions request for proposal `p`, from node
  // `to` (empty: nothing to send).
  std::vector<std::uint8_t> bad_sketch(const ByzantineContext& ctx, const Proposal& p, const ReconcileRequest& r,
                                       std::size_t to);
  std::vector<std::uint8_t> bad_transactions(const ByzantineContext& ctx, const Proposal& p,
                                             const ReconcileRequest& r, std::size_t to);
  // The count of earlier answers of one kind to node `to`, then one more.
  static std::uint32_t next_answer(const ByzantineContext& ctx, std::vector<std::uint32_t>& answers, std::size_t to);
  void broadcast_proposal(const ByzantineContext& ctx, std::uint64_t now, const Proposal& p);
  // selective, grind and late-polka.
  void propose_held_back(const ByzantineContext& ctx, std::uint32_t round);
  void release_proposal(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void split_lock(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  bool ranks_first(const ByzantineContext& ctx, const Proposal& own) const;
  std::vector<std::size_t> honest_half(const ByzantineContext& ctx) const;
  void prevote_choice(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void precommit_nil_if_silent(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  // Counts an approving prevote (once per voter and block); false if already counted.
  bool count_prevote(const ByzantineContext& ctx, const Vote& vote);
  void precommit_on_polka(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  BlockContent ground_content(const ByzantineContext& ctx, std::uint32_t round);
  void keep_completing_prevote(const ByzantineContext& ctx, std::uint32_t round);
  void release_kept_polka(const ByzantineContext& ctx, std::uint64_t now, std::uint32_t round);
  void answer_with_own_block(const ByzantineContext& ctx, std::uint64_t now, std::size_t to, const BlockId& id);
  const BlockContent& pool_content(const ByzantineContext& ctx);
  void broadcast_vote(const ByzantineContext& ctx, std::uint64_t now, const Vote& v);

  std::size_t node_;
  Hash32 merkle_root_;
  struct Seen {
    std::uint32_t round;
    BlockId id;
  };
  std::vector<Seen> proposals_;  // distinct (round, block id) seen
  std::vector<Vote> replay_;     // votes received, replayed in later rounds
  std::vector<MemberSet> served_;  // per round: the honest nodes already voted to
  // bad-body: the invalid body and the honest pool's body, built on first use, and the
  // proposals made of the invalid one (to answer a request for any of them).
  std::optional<BlockContent> bad_content_;
  std::optional<BlockContent> pool_content_;
  std::vector<Proposal> bad_proposals_;
  std::vector<std::uint32_t> body_answers_;  // per requesting node
  // Reconciliation: answers so far per requesting node (sketches, transactions, and
  // garbage's), and the txids of both bodies' mempool transactions, computed on first use.
  std::vector<std::uint32_t> sketch_answers_;
  std::vector<std::uint32_t> transaction_answers_;
  std::vector<std::uint32_t> reconcile_answers_;
  std::vector<TxId> bad_txids_;
  std::vector<TxId> pool_txids_;
  // selective, grind and late-polka. A proposal seen, with what ranks it under policy B.
  struct Ranked {
    std::uint32_t round;
    BlockId id;
    VrfOutput output;
  };
  std::vector<Ranked> ranked_;
  // Per round: its own proposal, held back until the release; grind's own content (none:
  // the pool's); whether it went to a chosen half only.
  struct HeldProposal {
    Proposal proposal;
    std::optional<BlockContent> own_content;
    bool selective = false;
  };
  std::vector<std::optional<HeldProposal>> held_;
  // Per round: the approving prevotes received (and its own), by block.
  struct BlockPrevotes {
    BlockId id;
    MemberSet voters;
    std::uint64_t weight = 0;
    std::vector<Vote> votes;
  };
  std::vector<std::vector<BlockPrevotes>> prevotes_;
  std::vector<bool> prevoted_;       // per round
  std::vector<bool> precommitted_;  // per round
  // late-polka: per round, the polka its kept prevote completes (empty: none kept).
  std::vector<std::vector<Vote>> kept_polka_;
  std::uint64_t sent_ = 0;
};

}  // namespace midnight::sim
