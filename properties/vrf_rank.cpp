#include "vrf_rank.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <system_error>
#include <tuple>

#include "generators.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/wire/signing.hpp"
#include "vrf_support.hpp"

namespace midnight::prop {

namespace gen = rc::gen;

const char* to_string(ByzantineProof p) {
  switch (p) {
    case ByzantineProof::valid: return "valid";
    case ByzantineProof::second_nonce: return "second-nonce";
    case ByzantineProof::torsion_gamma: return "torsion-gamma";
    case ByzantineProof::other_round: return "other-round";
    case ByzantineProof::other_key: return "other-key";
    case ByzantineProof::signing_key: return "signing-key";
    case ByzantineProof::bit_flip: return "bit-flip";
    case ByzantineProof::garbage: return "garbage";
    case ByzantineProof::zero: return "zero";
    case ByzantineProof::other_content: return "other-content";
  }
  return "?";
}

std::ostream& operator<<(std::ostream& os, const RankScenario& s) {
  os << "RankScenario {\n  honest nodes 0.." << s.honest - 1 << ", byzantine " << s.byzantine;
  if (s.byzantine > 0) os << " (nodes " << s.honest << ".." << s.honest + s.byzantine - 1 << ")";
  os << ", key seed " << s.key_seed << "\n  chain " << short_hex(s.chain) << ", height " << s.height << ", round "
     << s.round << ", prev " << short_hex(s.prev_id) << ", midnight " << s.midnight_ms << " ms\n";
  for (std::size_t i = 0; i < s.deliveries.size(); ++i) {
    os << "  node " << i << " receives:";
    for (const auto& m : s.deliveries[i]) {
      os << " " << m.from;
      if (m.from < s.honest) continue;
      os << "(" << to_string(m.proof);
      if (m.param != 0) os << "/" << m.param;
      os << ")";
    }
    os << "\n";
  }
  return os << "}";
}

void showValue(const RankScenario& s, std::ostream& os) { os << s; }

namespace {

// A message of a node's inbox and the time it arrives there: the inbox is delivered by
// time, ties in the order the messages were made. Drawn this way (rather than as a
// permutation) each message, and each repeat, shrinks away on its own.
struct Timed {
  RankMessage message;
  std::uint32_t at = 0;
};

rc::Gen<std::uint32_t> gen_arrival() { return gen::resize(100, gen::inRange<std::uint32_t>(0, 1000)); }

rc::Gen<Timed> gen_byzantine_message(std::size_t from) {
  return gen::resize(100, gen::exec([from] {
    const auto proof = *gen::weightedElement<ByzantineProof>({{3, ByzantineProof::valid},
                                                             {2, ByzantineProof::second_nonce},
                                                             {2, ByzantineProof::torsion_gamma},
                                                             {2, ByzantineProof::other_round},
                                                             {2, ByzantineProof::other_key},
                                                             {1, ByzantineProof::signing_key},
                                                             {2, ByzantineProof::bit_flip},
                                                             {1, ByzantineProof::garbage},
                                                             {1, ByzantineProof::zero},
                                                             {1, ByzantineProof::other_content}});
    const bool has_param = proof != ByzantineProof::valid && proof != ByzantineProof::zero;
    const auto param = has_param ? *gen::arbitrary<std::uint64_t>() : std::uint64_t{0};
    return Timed{{from, proof, param}, *gen_arrival()};
  }));
}

}  // namespace

rc::Gen<RankScenario> gen_rank_scenario() {
  return gen::exec([] {
    RankScenario s;
    s.honest = *gen::weightedElement<std::size_t>({{2, 2}, {2, 3}, {1, 4}});
    s.byzantine = *gen::weightedElement<std::size_t>({{1, 0}, {4, 1}, {2, 2}, {1, 3}});
    s.key_seed = *gen::arbitrary<std::uint64_t>();
    s.chain = *gen_bytes<32>();
    s.height = *gen::arbitrary<std::uint64_t>();
    s.prev_id = *gen_bytes<32>();
    s.midnight_ms = *gen::inRange<std::uint64_t>(0, std::uint64_t{1} << 40);
    // Rounds are unbounded: mostly one of the first 16, now and then any round up to the
    // last (whose start time saturates, so a header's timestamp is 2^64 - 1 there).
    s.round = *gen_chance(90) ? *gen::resize(100, gen::inRange<std::uint32_t>(0, 16))
                              : *gen::resize(100, gen::inRange<std::uint32_t>(0, kLastRound)) + 1;
    for (std::size_t i = 0; i < s.honest; ++i) {
      std::vector<Timed> inbox;
      for (std::size_t j = 0; j < s.honest; ++j)
        if (j != i) inbox.push_back({{j, ByzantineProof::valid, 0}, *gen_arrival()});
      // 0-3 messages from each Byzantine member.
      for (std::size_t b = s.honest; b < s.honest + s.byzantine; ++b) {
        const auto sent = *gen::resize(3, gen::container<std::vector<Timed>>(gen_byzantine_message(b)));
        inbox.insert(inbox.end(), sent.begin(), sent.end());
      }
      // Now and then a message again, later.
      struct Repeat {
        std::size_t which;
        std::uint32_t delay;
      };
      const auto repeats = *gen::resize(2, gen::container<std::vector<Repeat>>(gen::exec([] {
        return Repeat{*gen::resize(100, gen::arbitrary<std::size_t>()), *gen_arrival()};
      })));
      const std::size_t made = inbox.size();
      for (const auto& r : repeats) {
        if (made == 0) break;
        const Timed& original = inbox[r.which % made];
        inbox.push_back({original.message, original.at + r.delay});
      }
      std::stable_sort(inbox.begin(), inbox.end(), [](const Timed& a, const Timed& b) { return a.at < b.at; });
      std::vector<RankMessage> order;
      for (const auto& t : inbox) order.push_back(t.message);
      s.deliveries.push_back(std::move(order));
    }
    return s;
  });
}

namespace {

constexpr RoundTiming kTiming{};

// The round's proposals, made once per scenario.
class Messages {
 public:
  Messages(const RankScenario& s, const Hash32& content_root) : s_(s), root_(content_root) {
    const std::size_t n = s.honest + s.byzantine;
    for (std::size_t i = 0; i < n; ++i) {
      keys_.push_back(test_keypair(s.key_seed, i));
      vrf_keys_.push_back(test_vrf_keypair(s.key_seed, i));
    }
    alpha_ = vrf_input(s.chain, s.height, s.round, s.prev_id);
    for (std::size_t i = 0; i < n; ++i) {
      proofs_.push_back(ecvrf_prove(vrf_keys_[i].secret_key, alpha_).value());
      betas_.push_back(ecvrf_proof_to_hash(proofs_.back()).value());
    }
  }

  // ecvrf_prove's proof of the node's VRF key for the round: what sign_proposal attaches.
  const VrfProof& proof(std::size_t node) const { return proofs_[node]; }

  const std::vector<Keypair>& keys() const { return keys_; }
  const VrfOutput& beta(std::size_t node) const { return betas_[node]; }
  std::optional<std::size_t> node_of(const PublicKey& k) const {
    for (std::size_t i = 0; i < keys_.size(); ++i)
      if (keys_[i].public_key == k) return i;
    return std::nullopt;
  }

  BlockHeader header(std::size_t node, const Hash32& root) const {
    return make_header(s_.chain, s_.height, s_.round, s_.prev_id, root, round_start_ms(s_.midnight_ms, kTiming, s_.round),
                       keys_[node].public_key);
  }

  // A Byzantine member's message (honest nodes' proposals come from their machines).
  const Proposal& get(const RankMessage& m) {
    const auto key = std::make_tuple(m.from, m.proof, m.param);
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(key, make(m)).first;
    return it->second;
  }

 private:
  Proposal make(const RankMessage& m) const {
    const Keypair& kp = keys_[m.from];
    const VrfKeypair& vrf = vrf_keys_[m.from];
    const std::size_t n = keys_.size();
    if (m.proof == ByzantineProof::other_content) {
      Sha256 h;
      h.update(root_.span());
      std::array<std::uint8_t, 8> param{};
      store_u64(param.data(), m.param);
      h.update(param);
      return sign_proposal(header(m.from, h.finish()), kp.secret_key, vrf.secret_key);
    }
    // sign_proposal's proposal (the signature over the header, ecvrf_prove's proof), built
    // from its parts so that the proof is not made again for every variant.
    Proposal p;
    p.header = header(m.from, root_);
    p.signature = sign_detached(kp.secret_key, proposal_signing_input(p.header));
    p.vrf_proof = proofs_[m.from];
    switch (m.proof) {
      case ByzantineProof::valid:
      case ByzantineProof::other_content:
        break;
      case ByzantineProof::second_nonce:
        p.vrf_proof = prove_another_way(vrf.secret_key, alpha_, ecvrf_detail::kIdentity, m.param);
        break;
      case ByzantineProof::torsion_gamma:
        p.vrf_proof = prove_another_way(vrf.secret_key, alpha_, small_order_points()[4 + m.param % 4], m.param);
        break;
      case ByzantineProof::other_round: {
        // A round 1 to 15 away, after this one or, at the top, before it.
        const auto away = static_cast<std::uint32_t>(1 + m.param % 15);
        const std::uint32_t r = s_.round <= kLastRound - away ? s_.round + away : s_.round - away;
        p.vrf_proof = ecvrf_prove(vrf.secret_key, vrf_input(s_.chain, s_.height, r, s_.prev_id)).value();
        break;
      }
      case ByzantineProof::other_key: {
        const std::size_t k = static_cast<std::size_t>(m.param % (n + 1));
        const VrfKeypair other =
            k == m.from || k == n ? test_vrf_keypair(s_.key_seed, n + 1 + m.param % 5) : vrf_keys_[k];
        p.vrf_proof = ecvrf_prove(other.secret_key, alpha_).value();
        break;
      }
      case ByzantineProof::signing_key:
        p.vrf_proof = ecvrf_prove(VrfSecretKey{kp.secret_key}, alpha_).value();
        break;
      case ByzantineProof::bit_flip: {
        const auto bit = static_cast<std::size_t>(m.param % 640);
        p.vrf_proof.v[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
        break;
      }
      case ByzantineProof::garbage: {
        for (std::size_t block = 0; block < 3; ++block) {
          std::array<std::uint8_t, 16> in{};
          store_u64(in.data(), m.param);
          store_u64(in.data() + 8, block);
          const Hash32 h = sha256(in);
          for (std::size_t k = 0; k < 32 && 32 * block + k < 80; ++k) p.vrf_proof.v[32 * block + k] = h.v[k];
        }
        break;
      }
      case ByzantineProof::zero:
        p.vrf_proof = VrfProof{};
        break;
    }
    return p;
  }

  const RankScenario& s_;
  Hash32 root_;
  std::vector<Keypair> keys_;
  std::vector<VrfKeypair> vrf_keys_;
  VrfInput alpha_{};
  std::vector<VrfProof> proofs_;
  std::vector<VrfOutput> betas_;
  std::map<std::tuple<std::size_t, ByzantineProof, std::uint64_t>, Proposal> cache_;
};

class RankingNode {
 public:
  virtual ~RankingNode() = default;
  // What a delivery may do: the first proposal of a proposer with a valid proof must be
  // taken; one the VRF check should refuse is checked to leave the machine exactly as it
  // was (a copy of a machine is 1.3 MB, so only then); any other may be refused
  // (conflicting_proposal, which the unit tests cover).
  enum class Expect : std::uint8_t { taken, vrf_refusal, either };
  // The error the node returned, if it refused p.
  virtual std::optional<std::error_code> deliver(const Proposal& p, Expect expect) = 0;
  // Its choice from what it holds now, or nullopt when that cannot be observed any more.
  virtual std::optional<BlockId> choice() = 0;
  virtual const Proposal* held(std::size_t member) const = 0;
};

class MachineNode final : public RankingNode {
 public:
  MachineNode(const NodeConfig& config, const RankScenario& s)
      : machine_(std::make_unique<RoundMachine>(config)), height_(s.height), round_(s.round) {
    machine_->begin_height(HeightStart{s.height, s.prev_id, s.midnight_ms, {}});
    const auto r = machine_->on_round_start(RoundStart{s.height, s.round});
    RC_ASSERT(r.has_value());
    for (const Action& a : r.value())
      if (a.kind == ActionKind::broadcast_proposal) own_ = a.proposal;
    RC_ASSERT(machine_->step() == Step::collect);
  }

  const Proposal& own() const { return own_; }
  const Hash32& content_root() const { return machine_->expected_merkle_root(); }

  std::optional<std::error_code> deliver(const Proposal& p, Expect expect) override {
    RoundMachine& before = scratch(*machine_);
    if (expect == Expect::vrf_refusal) before = *machine_;
    const auto r = machine_->on_proposal(p);
    if (r) return std::nullopt;
    if (expect == Expect::taken) RC_FAIL("node refused a new proposal with a valid proof: " + r.error().message());
    if (expect == Expect::vrf_refusal && !(*machine_ == before))
      RC_FAIL("a refused proposal (" + r.error().message() + ") changed the machine");
    return r.error();
  }

  std::optional<BlockId> choice() override {
    if (machine_->step() == Step::collect) {
      // Its collect deadline, on a copy: the prevote is its choice from what it holds now.
      RoundMachine& probe = scratch(*machine_);
      probe = *machine_;
      const auto r = probe.on_timer(TimerFired{TimerKind::collect_deadline, height_, round_});
      RC_ASSERT(r.has_value());
      return approved(probe);
    }
    // It prevoted on its own once it held a proposal from every member, during the last
    // delivery: that choice was made from what it holds now.
    if (reported_) return std::nullopt;
    reported_ = true;
    return approved(*machine_);
  }

  const Proposal* held(std::size_t member) const override { return machine_->proposal_of(round_, member); }

 private:
  BlockId approved(const RoundMachine& m) const {
    const Vote* v = m.prevote_of(round_);
    RC_ASSERT(v != nullptr);
    RC_ASSERT(v->approve);
    return v->block_id;
  }

  // A machine is 1.3 MB: the copies go to one scratch machine, allocated once and assigned
  // to, rather than to an allocation each (which costs page faults, under ASan above all).
  static RoundMachine& scratch(const RoundMachine& like) {
    static std::unique_ptr<RoundMachine> machine;
    if (machine == nullptr) machine = std::make_unique<RoundMachine>(like);
    return *machine;
  }

  std::unique_ptr<RoundMachine> machine_;
  std::uint64_t height_;
  std::uint32_t round_;
  Proposal own_{};
  bool reported_ = false;
};

// The negative control's node (see Ranker::unverified_proof_to_hash).
class UnverifiedRankNode final : public RankingNode {
 public:
  UnverifiedRankNode(const Membership& membership, const Hash32& root, const Proposal& own)
      : membership_(membership), root_(root), slots_(membership.size()) {
    slots_[*membership.index_of(own.header.proposer)] = own;
  }

  std::optional<std::error_code> deliver(const Proposal& p, Expect /*expect*/) override {
    const auto member = membership_.index_of(p.header.proposer);
    if (!member) return make_error_code(round_errc::not_a_member);
    auto& slot = slots_[*member];
    const bool content_ok = p.header.merkle_root == root_;
    const bool replaces = slot && !(*slot == p) && slot->header.merkle_root != root_ && content_ok;
    if (slot && !(*slot == p) && !replaces) return make_error_code(round_errc::conflicting_proposal);
    if (!slot || replaces) {
      if (!verify_proposal(p)) return make_error_code(round_errc::bad_signature);
      slot = p;  // no ecvrf_verify: the unsafe part
    }
    return std::nullopt;
  }

  std::optional<BlockId> choice() override {
    std::optional<std::pair<VrfOutput, BlockId>> best;
    for (const auto& slot : slots_) {
      if (!slot || slot->header.merkle_root != root_) continue;
      VrfOutput key;
      key.v.fill(0xff);
      if (auto beta = ecvrf_proof_to_hash(slot->vrf_proof)) key = beta.value();
      const std::pair<VrfOutput, BlockId> ranked{key, compute_block_id(slot->header)};
      if (!best || ranked < *best) best = ranked;
    }
    RC_ASSERT(best.has_value());
    return best->second;
  }

  const Proposal* held(std::size_t member) const override { return slots_[member] ? &*slots_[member] : nullptr; }

 private:
  const Membership& membership_;
  Hash32 root_;
  std::vector<std::optional<Proposal>> slots_;
};

std::string show_set(const std::vector<BlockId>& ids) {
  std::ostringstream out;
  out << "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out << (i ? " " : "") << short_hex(ids[i]);
  out << "}";
  return out.str();
}

}  // namespace

void check_vrf_ranking(const RankScenario& s, Ranker ranker, bool all_clauses) {
  RC_ASSERT(crypto_init());
  const std::size_t n = s.honest + s.byzantine;
  std::vector<Masternode> members;
  for (std::size_t i = 0; i < n; ++i) {
    Masternode m;
    m.key = test_keypair(s.key_seed, i).public_key;
    m.vrf_key = test_vrf_keypair(s.key_seed, i).public_key;
    m.reward_to.v[0] = static_cast<std::uint8_t>(i);
    members.push_back(m);
  }
  auto made = Membership::make(members);
  RC_PRE(made.has_value());  // two equal keys: a 2^-256 event
  const auto membership = std::make_unique<Membership>(made.value());
  const VrfRankPolicy policy;

  // The honest nodes are round machines; the control's nodes are models, given the same
  // own proposals and content.
  std::vector<std::unique_ptr<MachineNode>> machines;
  for (std::size_t i = 0; i < s.honest; ++i) {
    NodeConfig c;
    c.chain_id = s.chain;
    c.membership = membership.get();
    c.policy = &policy;
    c.keys = test_keypair(s.key_seed, i);
    c.vrf_keys = test_vrf_keypair(s.key_seed, i);
    c.timing = kTiming;
    c.reward_per_height = 1000;
    machines.push_back(std::make_unique<MachineNode>(c, s));
  }
  const Hash32 root = machines.front()->content_root();
  for (const auto& m : machines) RC_ASSERT(m->content_root() == root);
  Messages messages(s, root);
  for (std::size_t i = 0; i < s.honest; ++i) {
    // What sign_proposal makes: the header, its signature, ecvrf_prove's proof.
    const Proposal& own = machines[i]->own();
    RC_ASSERT(own.header == messages.header(i, root));
    RC_ASSERT(own.signature == sign_detached(messages.keys()[i].secret_key, proposal_signing_input(own.header)));
    RC_ASSERT(own.vrf_proof == messages.proof(i));
  }
  std::vector<RankingNode*> nodes;
  std::vector<std::unique_ptr<UnverifiedRankNode>> models;
  for (std::size_t i = 0; i < s.honest; ++i) {
    if (ranker == Ranker::round_machine) {
      nodes.push_back(machines[i].get());
    } else {
      models.push_back(std::make_unique<UnverifiedRankNode>(*membership, root, machines[i]->own()));
      nodes.push_back(models.back().get());
    }
  }

  // verify_proposal_vrf of each distinct (header, proof), computed once.
  std::map<std::pair<BlockId, VrfProof>, result<VrfOutput>> verdicts;
  auto verdict_of = [&](const Proposal& p) -> const result<VrfOutput>& {
    const auto key = std::pair(compute_block_id(p.header), p.vrf_proof);
    auto it = verdicts.find(key);
    if (it == verdicts.end()) {
      const auto proposer = membership->index_of(p.header.proposer);
      RC_ASSERT(proposer.has_value());
      it = verdicts.emplace(key, verify_proposal_vrf(p, membership->member(*proposer).vrf_key)).first;
    }
    return it->second;
  };
  // The honest proposals carry ecvrf_prove's proof of their own key for the round (asserted
  // above): valid, with that key's output, without verifying them here again.
  for (std::size_t i = 0; i < s.honest; ++i) {
    const Proposal& own = machines[i]->own();
    verdicts.emplace(std::pair(compute_block_id(own.header), own.vrf_proof), messages.beta(i));
  }

  struct Seen {
    std::size_t node;
    std::size_t step;
    BlockId choice;
    std::vector<VrfProof> proofs;  // of the candidates, in the set's order
  };
  std::map<std::vector<BlockId>, Seen> by_candidates;
  bool refused_a_proof = false;
  bool same_set_other_proofs = false;
  bool byzantine_chosen = false;
  bool choice_compared = false;

  auto held_now = [&](std::size_t i) {
    std::vector<std::optional<Proposal>> out(membership->size());
    for (std::size_t mem = 0; mem < membership->size(); ++mem)
      if (const Proposal* h = nodes[i]->held(mem)) out[mem] = *h;
    return out;
  };

  // Node i's choice from what it holds, against every other choice from the same candidates.
  auto observe = [&](std::size_t i, std::size_t step) {
    std::vector<std::pair<BlockId, std::size_t>> candidates;  // block id, proposer node
    std::map<BlockId, VrfProof> proof_of;
    for (std::size_t mem = 0; mem < membership->size(); ++mem) {
      const Proposal* h = nodes[i]->held(mem);
      if (h == nullptr) continue;
      const auto proposer = messages.node_of(h->header.proposer);
      RC_ASSERT(proposer.has_value());
      if (all_clauses) {
        const auto& v = verdict_of(*h);
        if (!v) RC_FAIL("node " + std::to_string(i) + " holds a proposal whose proof does not verify: " +
                        v.error().message());
      }
      if (h->header.merkle_root != root) continue;
      const BlockId id = compute_block_id(h->header);
      candidates.emplace_back(id, *proposer);
      proof_of[id] = h->vrf_proof;
    }
    std::sort(candidates.begin(), candidates.end());
    std::vector<BlockId> set;
    std::vector<VrfProof> proofs;
    for (const auto& [id, proposer] : candidates) {
      set.push_back(id);
      proofs.push_back(proof_of[id]);
    }
    const auto choice = nodes[i]->choice();
    if (!choice) return;
    // The lowest (beta, block id), with each proposer's one beta.
    if (all_clauses) {
      const auto best = std::min_element(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
        return std::pair(messages.beta(a.second), a.first) < std::pair(messages.beta(b.second), b.first);
      });
      RC_ASSERT(best != candidates.end());
      if (*choice != best->first)
        RC_FAIL("node " + std::to_string(i) + " chose " + short_hex(*choice) + " among " + show_set(set) +
                " but the lowest output is " + short_hex(best->first) + "'s");
      byzantine_chosen = byzantine_chosen || best->second >= s.honest;
    }
    const auto [it, inserted] = by_candidates.emplace(set, Seen{i, step, *choice, proofs});
    if (inserted) return;
    const Seen& other = it->second;
    if (other.node != i) {
      choice_compared = true;
      same_set_other_proofs = same_set_other_proofs || other.proofs != proofs;
    }
    if (other.choice != *choice) {
      RC_FAIL("honest nodes picked different blocks from the same candidates " + show_set(set) + ": node " +
              std::to_string(other.node) + " (delivery " + std::to_string(other.step) + ") chose " +
              short_hex(other.choice) + ", node " + std::to_string(i) + " (delivery " + std::to_string(step) +
              ") chose " + short_hex(*choice) + (other.proofs != proofs ? "; they hold different proofs" : ""));
    }
  };

  // Each node first chooses from its own proposal alone; then the nodes take turns, one
  // delivery each, so that their views grow side by side. A node's choice is read again
  // whenever what it holds changed.
  for (std::size_t i = 0; i < s.honest; ++i) observe(i, 0);
  std::size_t longest = 0;
  for (const auto& d : s.deliveries) longest = std::max(longest, d.size());
  for (std::size_t step = 0; step < longest; ++step) {
    for (std::size_t i = 0; i < s.honest; ++i) {
      if (step >= s.deliveries[i].size()) continue;
      const RankMessage& m = s.deliveries[i][step];
      const Proposal& p = m.from < s.honest ? machines[m.from]->own() : messages.get(m);
      const auto member = *membership->index_of(p.header.proposer);
      const auto& proof_verdict = verdict_of(p);
      if (all_clauses && proof_verdict) RC_ASSERT(proof_verdict.value() == messages.beta(m.from));

      const auto before = held_now(i);
      // The VRF check refuses a bad proof when the node holds nothing from its proposer, or
      // holds another content that this proposal would replace.
      const Proposal* held = nodes[i]->held(member);
      const bool vrf_checked = held == nullptr || (held->header.merkle_root != root && p.header.merkle_root == root);
      using Expect = RankingNode::Expect;
      const auto expect = !proof_verdict && vrf_checked ? Expect::vrf_refusal : held == nullptr ? Expect::taken
                                                                                                 : Expect::either;
      const auto refused = nodes[i]->deliver(p, expect);
      if (all_clauses && !proof_verdict) {
        if (!refused) RC_FAIL("node " + std::to_string(i) + " took a proposal whose proof does not verify (" +
                              to_string(m.proof) + " from node " + std::to_string(m.from) + ")");
        const bool expected = vrf_checked ? *refused == make_error_code(round_errc::bad_vrf_proof)
                                          : *refused == make_error_code(round_errc::conflicting_proposal);
        if (!expected) RC_FAIL("node " + std::to_string(i) + " refused a bad proof with " + refused->message());
        refused_a_proof = refused_a_proof || *refused == make_error_code(round_errc::bad_vrf_proof);
      }
      if (held_now(i) != before) observe(i, step + 1);
    }
  }
  RC_CLASSIFY(s.byzantine == 0, "no byzantine");
  RC_CLASSIFY(refused_a_proof, "a proof refused with bad_vrf_proof");
  RC_CLASSIFY(choice_compared, "two nodes chose from the same candidates");
  RC_CLASSIFY(same_set_other_proofs, "... holding different valid proofs for one header");
  RC_CLASSIFY(byzantine_chosen, "a Byzantine proposal ranked first somewhere");
}

}  // namespace midnight::prop
