// A cluster of RoundMachines driven by hand: a FIFO "network" that delivers every
// broadcast to every other node, and timers fired explicitly by the test. Shared by
// round_machine_test.cpp and round_window_test.cpp.
//
//   test::Cluster c(4);
//   c.start_all();      // every node starts round 0
//   c.deliver();        // everything queued, and what it causes, reaches everyone
//   c.fire(TimerKind::collect_deadline, 0);
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/consensus/tally.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/merkle.hpp"
#include "midnight/node/body_messages.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/messages.hpp"
#include "midnight/wire/signing.hpp"
#include "test_support.hpp"

namespace midnight::test {

inline ChainId cluster_chain() {
  crypto_init();
  const std::string_view name = "round-machine-test-chain";
  return sha256({reinterpret_cast<const std::uint8_t*>(name.data()), name.size()});
}

inline Keypair member_keys(std::size_t i) {
  Seed seed{};
  seed.v[0] = std::uint8_t(i + 1);
  seed.v[31] = 0x5a;
  return keypair_from_seed(seed);
}

struct Envelope {
  std::size_t from;
  std::optional<std::size_t> to;  // nullopt: everyone else
  Action action;
  // For broadcast_reproposal: the sender's reproposal(), copied when it was emitted (the
  // machine's pointer is valid only until its next event); for broadcast_polka its lock_polka().
  std::shared_ptr<const Reproposal> reproposal = nullptr;
  // For the body actions (a body request or answer, or a reconciliation message): the
  // message, encoded when it was emitted (node/body_messages.hpp, as NodeHost does).
  std::shared_ptr<const std::vector<std::uint8_t>> bytes = nullptr;
  std::shared_ptr<const CarriedPolka> polka = nullptr;
};

// The actions that send a body or part of one (a block, a sketch, transactions).
inline bool carries_body(ActionKind k) {
  return k == ActionKind::send_body || k == ActionKind::send_sketch || k == ActionKind::send_transactions;
}
// The actions that ask for a body or part of one.
inline bool asks_for_body(ActionKind k) {
  return k == ActionKind::request_body || k == ActionKind::request_sketch || k == ActionKind::request_transactions;
}

// Per-node mempools: node i's snapshot is the common one plus own[i] (if given).
struct ClusterOptions {
  std::vector<std::vector<std::vector<std::uint8_t>>> own;
  const TxValidity* validity = nullptr;
};

class Cluster;
// Every node decided one block in round 0 and holds its body (a body that hashes to its root).
inline void expect_one_block_decided_in_round_zero(Cluster& c);

// n members with equal weight, each with a RoundMachine at height 1.
class Cluster {
 public:
  explicit Cluster(std::size_t n, std::vector<std::vector<std::uint8_t>> mempool = {{1, 2, 3}, {4, 5}},
                   std::string_view policy = "lowest-hash", RoundTiming timing = {}, std::uint64_t midnight_ms = 0,
                   ClusterOptions options = {})
      : policy_(make_policy(policy)), chain_(cluster_chain()), txs_(std::move(mempool)), options_(std::move(options)) {
    std::vector<Masternode> members;
    for (std::size_t i = 0; i < n; ++i) {
      keys_.push_back(member_keys(i));
      Masternode m;
      m.key = keys_.back().public_key;
      m.vrf_key = test::vrf_keypair_of(keys_.back()).public_key;
      m.reward_to.v[0] = std::uint8_t(i);
      members.push_back(m);
    }
    membership_ = std::make_unique<Membership>(Membership::make(members).value());
    for (std::size_t i = 0; i < n; ++i) {
      NodeConfig c;
      c.chain_id = chain_;
      c.membership = membership_.get();
      c.policy = policy_.get();
      c.keys = keys_[i];
      c.vrf_keys = test::vrf_keypair_of(keys_[i]);
      c.timing = timing;
      c.reward_per_height = 1000;
      c.validity = options_.validity;
      nodes_.push_back(std::make_unique<RoundMachine>(c));
    }
    for (const auto& t : txs_) views_.push_back(TxBytes(t));
    node_views_.resize(n, views_);
    for (std::size_t i = 0; i < n && i < options_.own.size(); ++i)
      for (const auto& t : options_.own[i]) node_views_[i].push_back(TxBytes(t));
    for (std::size_t i = 0; i < n; ++i) nodes_[i]->begin_height(HeightStart{1, genesis(), midnight_ms, node_views_[i]});
  }

  static BlockId genesis() {
    BlockId g{};
    g.v[0] = 0xee;
    return g;
  }

  std::size_t size() const { return nodes_.size(); }
  RoundMachine& node(std::size_t i) { return *nodes_[i]; }
  const Membership& membership() const { return *membership_; }
  const ChainId& chain() const { return chain_; }
  const Keypair& keys(std::size_t i) const { return keys_[i]; }
  // Member index of the node created i-th (membership sorts by key).
  std::size_t member_of(std::size_t i) const { return *membership_->index_of(keys_[i].public_key); }
  std::size_t node_of_member(std::size_t m) const {
    for (std::size_t i = 0; i < size(); ++i)
      if (member_of(i) == m) return i;
    return size();
  }

  // Queues what node `from` sends after an event. A broadcast_reproposal is sent as the
  // machine's reproposal() at this moment.
  void take(std::size_t from, const result<Actions>& r) {
    ASSERT_TRUE(r.has_value()) << r.error().message();
    for (const Action& a : r.value()) {
      ++sent_[std::size_t(a.kind)];
      if (a.kind == ActionKind::broadcast_proposal || a.kind == ActionKind::broadcast_vote) {
        queue_.push_back({from, std::nullopt, a, nullptr});
      } else if (a.kind == ActionKind::broadcast_reproposal) {
        const Reproposal* rp = nodes_[from]->reproposal();
        ASSERT_NE(rp, nullptr) << "node " << from << ": broadcast_reproposal without a held polka";
        queue_.push_back({from, std::nullopt, a, std::make_shared<const Reproposal>(*rp)});
      } else if (a.kind == ActionKind::broadcast_polka) {
        const CarriedPolka* polka = nodes_[from]->lock_polka();
        ASSERT_NE(polka, nullptr) << "node " << from << ": broadcast_polka without a lock's polka";
        queue_.push_back({from, std::nullopt, a, nullptr, nullptr, std::make_shared<const CarriedPolka>(*polka)});
      } else if (a.kind == ActionKind::send_commit) {
        queue_.push_back({from, node_of_member(a.member), a, nullptr});
      } else if (carries_body(a.kind) || asks_for_body(a.kind)) {
        auto bytes = encode_body_action(*nodes_[from], chain_, 1, keys_[from], a, serving_);
        if (a.kind == ActionKind::send_body || a.kind == ActionKind::send_sketch) {
          ASSERT_NE(bytes, nullptr) << "node " << from << ": a body answer for a body it does not hold";
        }
        if (bytes) queue_.push_back({from, node_of_member(a.member), a, nullptr, std::move(bytes)});
      } else if (a.kind == ActionKind::finalize) {
        for (std::size_t j = 0; j < size(); ++j)
          if (j != from) queue_.push_back({from, j, Action{.kind = ActionKind::send_commit}, nullptr});
      }
    }
  }

  void start_all(std::uint32_t round = 0) {
    for (std::size_t i = 0; i < size(); ++i) take(i, nodes_[i]->on_round_start({1, round}));
  }

  // Delivers queued messages; `link(from, to)` false drops them.
  template <class Link>
  void deliver(Link link) {
    deliver_if([&](const Envelope& e, std::size_t to) { return link(e.from, to); });
  }
  // Delivers queued messages; `keep(envelope, to)` false drops that copy.
  template <class Keep>
  void deliver_if(Keep keep) {
    for (int guard = 0; guard < 100000 && !queue_.empty(); ++guard) {
      Envelope e = queue_.front();
      queue_.pop_front();
      for (std::size_t j = 0; j < size(); ++j) {
        if (j == e.from || (e.to && *e.to != j) || !keep(e, j)) continue;
        deliver_one(e, j);
      }
    }
  }
  void deliver() {
    deliver([](std::size_t, std::size_t) { return true; });
  }

  // Fires the timer on every node; a node for which it is not due (stale) ignores it.
  void fire(TimerKind kind, std::uint32_t round) {
    for (std::size_t i = 0; i < size(); ++i) {
      auto r = nodes_[i]->on_timer({kind, 1, round});
      if (r) take(i, r);
    }
  }

  // Actions of `kind` that all nodes have emitted so far.
  std::size_t sent(ActionKind kind) const { return sent_[std::size_t(kind)]; }
  // Deliveries a receiver rejected, with the error, in order.
  const std::vector<std::error_code>& rejections() const { return rejections_; }

 private:
  void deliver_one(const Envelope& e, std::size_t j) {
    RoundMachine& n = *nodes_[j];
    result<Actions> r = round_errc::not_started;
    if (e.action.kind == ActionKind::broadcast_proposal) {
      r = n.on_proposal(e.action.proposal);
    } else if (e.action.kind == ActionKind::broadcast_vote) {
      r = n.on_vote(e.action.vote);
    } else if (e.action.kind == ActionKind::broadcast_reproposal) {
      r = n.on_reproposal(*e.reproposal);
    } else if (e.action.kind == ActionKind::broadcast_polka) {
      r = n.on_polka(*e.polka);
    } else if (e.action.kind == ActionKind::send_commit) {
      const auto d = nodes_[e.from]->decision();
      ASSERT_TRUE(d.has_value());
      auto c = std::make_unique<CommitView>();
      commit_view_of(*d, *c);
      r = n.on_commit(*c);
    } else if (e.bytes) {
      r = deliver_body_message(n, *e.bytes);
      if (r) take(j, r);
      serving_ = nullptr;
      if (!r) rejections_.push_back(r.error());
      return;
    } else {
      return;
    }
    if (r) {
      take(j, r);
    } else {
      rejections_.push_back(r.error());
    }
  }

  // A body message, decoded as NodeHost decodes it. A reconcile request stays in
  // `serving_` (its bytes in the queue's envelope) while its answer is taken.
  result<Actions> deliver_body_message(RoundMachine& n, const std::vector<std::uint8_t>& bytes) {
    const auto type = peek_message_type(bytes);
    if (!type) return type.error();
    switch (type.value()) {
      case MessageType::body_request: {
        auto q = decode_body_request(bytes);
        if (!q) return q.error();
        return n.on_body_request(q.value());
      }
      case MessageType::block: {
        auto b = std::make_unique<BlockView>();
        if (auto d = decode_block(bytes, *b); !d) return d.error();
        return n.on_body(*b);
      }
      case MessageType::reconcile_request: {
        auto q = decode_reconcile_request(bytes);
        if (!q) return q.error();
        serving_request_ = q.value();
        serving_ = &serving_request_;
        return n.on_reconcile_request(serving_request_);
      }
      case MessageType::body_sketch: {
        auto sk = decode_body_sketch(bytes);
        if (!sk) return sk.error();
        return n.on_body_sketch(sk.value());
      }
      case MessageType::body_transactions: {
        auto t = std::make_unique<BodyTransactionsView>();
        if (auto d = decode_body_transactions(bytes, *t); !d) return d.error();
        return n.on_body_transactions(*t);
      }
      default:
        return codec_errc::wrong_message_type;
    }
  }

  ReconcileRequest serving_request_;
  const ReconcileRequest* serving_ = nullptr;
  std::unique_ptr<SelectionPolicy> policy_;
  ChainId chain_;
  std::vector<std::vector<std::uint8_t>> txs_;
  std::vector<TxBytes> views_;
  ClusterOptions options_;
  std::vector<std::vector<TxBytes>> node_views_;  // per node: views_ and its own transactions
  std::vector<Keypair> keys_;
  std::unique_ptr<Membership> membership_;
  std::vector<std::unique_ptr<RoundMachine>> nodes_;
  std::deque<Envelope> queue_;
  std::array<std::size_t, 16> sent_{};
  std::vector<std::error_code> rejections_;
};

inline bool is_vote(const Envelope& e, VoteStep step) {
  return e.action.kind == ActionKind::broadcast_vote && e.action.vote.step == step;
}

// The lowest block id among the proposals node 0 holds for `round`.
inline BlockId lowest_round_proposal(Cluster& c, std::uint32_t round) {
  std::optional<BlockId> best;
  for (std::size_t m = 0; m < c.size(); ++m) {
    const Proposal* p = c.node(0).proposal_of(round, m);
    if (p == nullptr) continue;
    const BlockId id = compute_block_id(p->header);
    if (!best || id < *best) best = id;
  }
  return best.value_or(BlockId{});
}

inline void expect_one_block_decided_in_round_zero(Cluster& c) {
  ASSERT_TRUE(c.node(0).decision().has_value());
  const BlockId decided = c.node(0).decision()->block_id;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto d = c.node(i).decision();
    ASSERT_TRUE(d.has_value()) << "node " << i;
    EXPECT_EQ(d->block_id, decided);
    EXPECT_EQ(d->round, 0U);
    EXPECT_EQ(merkle_root(d->txs), d->header.merkle_root) << "node " << i << " holds the decided body";
  }
}

// A vote of member node `node`, signed.
inline Vote signed_vote(const Cluster& c, std::size_t node, std::uint32_t round, VoteStep step, const BlockId& id,
                        bool approve = true) {
  Vote v;
  v.chain_id = c.chain();
  v.height = 1;
  v.round = round;
  v.step = step;
  v.block_id = approve ? id : BlockId{};
  v.approve = approve;
  v.voter = c.keys(node).public_key;
  return sign_vote(v, c.keys(node).secret_key);
}

// A polka of node `proposer`'s block of `header_round`, with a polka of prevotes
// of `polka_round` by `voters` for `polka_block` (default: the proposal's block).
inline CarriedPolka make_polka(Cluster& c, std::size_t proposer, std::uint32_t header_round, std::uint32_t polka_round,
                       std::initializer_list<std::size_t> voters, std::optional<BlockId> polka_block = {},
                       VoteStep step = VoteStep::prevote) {
  CarriedPolka rp;
  const BlockHeader h = make_header(c.chain(), 1, header_round, Cluster::genesis(), c.node(0).expected_merkle_root(),
                                    round_start_ms(0, RoundTiming{}, header_round), c.keys(proposer).public_key);
  rp.proposal = test::sign_proposal_as(h, c.keys(proposer));
  const BlockId id = polka_block.value_or(compute_block_id(h));
  auto tally = std::make_unique<VoteTally>();
  tally->reset(c.membership(), c.chain(), 1, polka_round, step);
  for (std::size_t v : voters) EXPECT_TRUE(tally->add(signed_vote(c, v, polka_round, step, id)).has_value());
  // Built by hand (build_polka asks for a quorum): entries in canonical member order.
  rp.polka.chain_id = c.chain();
  rp.polka.height = 1;
  rp.polka.round = polka_round;
  rp.polka.block_id = id;
  rp.polka.signatures.clear();
  for (std::size_t m = 0; m < c.membership().size(); ++m) {
    if (const Vote* v = tally->approving_vote(m, id)) rp.polka.signatures.push_back({v->voter, v->signature});
  }
  return rp;
}

}  // namespace midnight::test
