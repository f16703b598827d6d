// Canonical selection under lowest hash and under VRF rank (spec/protocol.md §4.3, §4.4,
// spec/claims.md §3.1).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <optional>

#include "generators.hpp"
#include "midnight/sim/simulator.hpp"
#include "support.hpp"

namespace midnight::prop {
namespace {

namespace gen = rc::gen;

// When every honest proposal reaches every honest node before the collect deadline, every
// honest node that prevotes in round 0 chooses the lowest honest block id, and that block
// finalizes in round 0 at every honest node. (A node may finalize before it prevotes: when
// the others hold a quorum of the weight, their precommits can reach it before its last
// proposal and its deadline.)
//
// Conditions: every member honest or silent (claims.md §3.1: a third of the cases have
// Byzantine members under a third of the weight that withhold everything), no loss, no
// partition, lowest hash, and Δ = latency_max < min(T_c, T_p, T_q) (claims.md §3.1 with
// GST = 0): the h honest round-0 proposals arrive by Δ < T_c and a silent member sends
// none, so every honest node's candidates are the same h blocks; each prevotes the lowest
// id at the latest at T_c, the polka (the honest weight, a quorum) reaches every honest
// node by T_c + Δ, before the prevote deadline, and the precommit quorum by T_c + 2Δ < S(1).
//
// The expected ids are computed from the configuration alone (own_round0_block_ids):
// every node's round-0 block is the header over the one content every member builds from
// the seed's mempool, so this also checks that the proposals are those blocks.
RC_GTEST_PROP(Selection, LowestHashAgreesInRoundZero, ()) {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    c.timing = *gen_timing();
    apply(c, *gen_membership(1, kMaxPropNodes));
    if (*gen_chance(33)) apply(c, *gen_silent(c));
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(min_phase - 1));
    c.max_rounds = *gen_max_rounds(1, 2);
    c.policy = sim::Policy::lowest_hash;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
  const auto ids = own_round0_block_ids(config);
  const std::size_t honest = config.nodes - config.byzantine;  // the silent are the last indices
  const BlockId lowest = *std::min_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(honest));
  const std::uint64_t delta = config.latency_max_ms;
  const std::uint64_t deadline = config.timing.collect_ms + 2 * delta;

  const auto r = sim::run_simulation(config);
  assert_safe(r);
  RC_ASSERT(r.nodes.size() == config.nodes);
  bool any_adopted = false;
  bool decided_before_prevoting = false;
  bool decided_before_all_arrived = false;
  for (std::size_t i = 0; i < honest; ++i) {
    const auto& t = r.nodes[i];
    // A run of one or two rounds ends in round 0 or 1, whose window keeps round 0.
    const auto* round0 = round_trace(t, 0);
    RC_ASSERT(round0 != nullptr);
    const auto& r0 = *round0;
    const auto* f = r.finalized_by(i);
    if (f == nullptr) RC_FAIL("node " + std::to_string(i) + " never finalized");
    // It holds its own round-0 proposal and honest members' and nothing else, and they are
    // the expected blocks. It holds every honest one unless it decided before the last
    // arrived (by Δ): a decided node stores no more proposals.
    RC_ASSERT(r0.proposals.size() <= honest);
    RC_ASSERT(r0.proposals.size() == honest || f->at_ms <= delta);
    bool own = false;
    for (const auto& p : r0.proposals) {
      RC_ASSERT(p.proposer < honest);
      RC_ASSERT(p.block_id == ids.at(p.proposer));
      own = own || p.proposer == i;
    }
    RC_ASSERT(own);
    decided_before_all_arrived = decided_before_all_arrived || r0.proposals.size() < honest;
    // It finalized the lowest of them in round 0, by T_c + 2Δ.
    RC_ASSERT(f->block_id == lowest);
    RC_ASSERT(f->round == 0U);
    RC_ASSERT(f->at_ms <= deadline);
    any_adopted = any_adopted || f->adopted;
    // It prevoted (approving) the lowest of them, unless the others' precommit quorum
    // decided it before it had every proposal and before its collect deadline (a node
    // prevotes at the latest at T_c, and a decided node votes no more).
    if (r0.prevoted) {
      RC_ASSERT(r0.prevote_approve);
      RC_ASSERT(r0.prevote_block == lowest);
    } else {
      RC_ASSERT(f->at_ms < config.timing.collect_ms);
      decided_before_prevoting = true;
    }
  }
  RC_ASSERT(r.all_honest_finalized);
  RC_TAG(node_band(config.nodes));
  RC_CLASSIFY(any_adopted, "some node adopted a commit");
  RC_CLASSIFY(decided_before_prevoting, "some node decided before prevoting");
  RC_CLASSIFY(decided_before_all_arrived, "some node decided before every proposal arrived");
  RC_CLASSIFY(!config.weights.empty(), "unequal weights");
  RC_CLASSIFY(config.byzantine > 0, "silent members");
}

// Under policy B, when every honest round-0 proposal reaches every honest node before
// the collect deadline, every honest node prevotes the candidate with the lowest VRF
// output among what it holds, and honest nodes that hold the same candidates agree.
//
// Conditions: policy B, no loss, no partition, Δ = latency_max < min(T_c, T_p, T_q), 1 to
// 16 members (gen_node_count keeps 12 or more rare: B verifies n^2 proofs a round), half
// the time 4 or more of which 1 or more are Byzantine, under a third of the weight, in any
// mode. The keys come from the drawn key_seed (0 a sixth of the time: each key from the
// node index alone), so which member ranks first is random too: a Byzantine member (the
// last indices) ranks first in roughly the Byzantine share of the members of a case, and
// no membership size has to be drawn on purpose for it.
//
// What a Byzantine proposer can do: its proof is unique per key and round (RFC 9381 full
// uniqueness), so its rank, β_b, is fixed by the configuration like everyone's (the
// expected outputs are computed from it alone, own_vrf_outputs); it can withhold its
// proposal (withhold, garbage) or send its real content to some honest nodes only
// (equivocate and mirror send the others another Merkle root, which is stored but is not
// a candidate). Every message of round 0 is sent at S(0) = 0 and arrives by Δ < T_c, and a
// node prevotes at T_c or once it holds a proposal from every member, so the proposals in
// its trace are the ones it chose from, provided the run ends with round 0: in round 1 a
// node that saw a polka for a Byzantine block re-proposes it with the Byzantine member's
// signed round-0 proposal, and a node that had been sent the other Merkle root then holds
// the real block in its round-0 slot too, learned after it prevoted (a legitimate
// replacement: the stored content did not match). Runs with Byzantine members are
// therefore one round long; all-honest runs have 1 or 2. Exactly asserted, for every
// honest node i:
//   - it holds every honest member's round-0 proposal, the block computed from the
//     configuration (own_round0_block_ids), and from a Byzantine member either that
//     member's real block or a block with another Merkle root;
//   - its candidates C_i are the honest blocks and the Byzantine real blocks it holds; if it
//     prevoted in round 0 it approved the lowest (β, block id) of C_i; otherwise the
//     others' precommit quorum decided it before T_c;
//   - if every honest node's lowest candidate is the same block X (always so when no
//     Byzantine β is below the lowest honest one: then X is the honest block H* with the
//     lowest (β, id)), every honest node finalizes X in round 0 by T_c + 2Δ: the honest
//     weight, over two thirds, prevotes X by T_c, the polka reaches everyone by T_c + Δ and
//     the precommit quorum by T_c + 2Δ;
//   - otherwise (a Byzantine member with β below H*'s showed its real block to some honest
//     nodes only) each honest node prevoted H* or such a Byzantine block, and the run is
//     safe (assert_safe); nothing is claimed about liveness in round 0.
RC_GTEST_PROP(Selection, VrfRankAgreesInRoundZero, ()) {
  const auto config = *gen::exec([] {
    sim::SimConfig c;
    c.timing = *gen_timing();
    // Half the time at least 4 members and 1 to the most Byzantine members under a third.
    const bool with_byzantine = *gen_chance(50);
    apply(c, *gen_membership(with_byzantine ? 4 : 1, kMaxPropNodes));
    if (const std::size_t most = max_byzantine_count(c, false); with_byzantine && most > 0) {
      Byzantine b;
      b.count = *gen::inRange<std::size_t>(1, most + 1);
      b.mode = *gen::element(sim::ByzantineMode::withhold, sim::ByzantineMode::garbage, sim::ByzantineMode::equivocate,
                             sim::ByzantineMode::mirror);
      apply(c, b);
    }
    const std::uint64_t min_phase = std::min({c.timing.collect_ms, c.timing.prevote_ms, c.timing.precommit_ms});
    apply(c, *gen_synchronous_network(min_phase - 1));
    // Two rounds with Byzantine members: a node whose precommit quorum an equivocator left
    // short asks for the commit when round 0 ends (rule "ask"), which a run of one round
    // never reaches (see the deadline below).
    c.max_rounds = c.byzantine > 0 ? 2 : *gen_max_rounds(1, 2);
    c.policy = sim::Policy::vrf;
    c.mempool_size = *gen_mempool_size();
    c.seed = *gen_seed();
    c.key_seed = *gen_key_seed();
    return c;
  });
  const auto ids = own_round0_block_ids(config);
  const auto betas = own_vrf_outputs(config, 0);
  const std::size_t honest = config.nodes - config.byzantine;
  auto rank = [&](std::size_t node) { return std::pair(betas[node], ids[node]); };
  std::size_t best_honest = 0;
  for (std::size_t i = 1; i < honest; ++i)
    if (rank(i) < rank(best_honest)) best_honest = i;
  bool byzantine_below = false;
  for (std::size_t b = honest; b < config.nodes; ++b) byzantine_below = byzantine_below || rank(b) < rank(best_honest);
  const std::uint64_t delta = config.latency_max_ms;
  const std::uint64_t deadline = config.timing.collect_ms + 2 * delta;
  // An honest node that finalizes from a precommit quorum that includes a Byzantine
  // equivocator's precommit before it has seen a polka never precommits; another honest
  // node may then lack a quorum of precommits (the equivocator sent it another one) and
  // adopts the round-0 commit after asking for it at the end of round 0 (spec/protocol.md
  // 7.5): by S(1) + 2Δ. Found by this property (4 members, 1 equivocator, seed
  // 4654367792927461 of `midnight simulate`).
  const std::uint64_t adopt_deadline = round_start_ms(0, config.timing, 1) + 2 * delta;

  const auto r = sim::run_simulation(config);
  assert_safe(r);
  RC_ASSERT(r.nodes.size() == config.nodes);
  // Node index of each honest node's lowest candidate; none for a node that decided before
  // every honest proposal reached it (a decided node stores no more proposals, so what it
  // holds is not the candidate set it would have chosen from, and it made no choice).
  std::vector<std::optional<std::size_t>> lowest(honest);
  bool some_held_a_byzantine_block = false;
  bool decided_before_prevoting = false;
  bool decided_before_all_arrived = false;
  for (std::size_t i = 0; i < honest; ++i) {
    const auto& t = r.nodes[i];
    // A run of one or two rounds ends in round 0 or 1, whose window keeps round 0.
    const auto* round0 = round_trace(t, 0);
    RC_ASSERT(round0 != nullptr);
    const auto& r0 = *round0;
    std::vector<std::size_t> candidates;
    std::size_t honest_seen = 0;
    for (const auto& p : r0.proposals) {
      if (p.block_id == ids.at(p.proposer)) {
        candidates.push_back(p.proposer);
        honest_seen += p.proposer < honest ? 1 : 0;
        some_held_a_byzantine_block = some_held_a_byzantine_block || p.proposer >= honest;
      } else {
        // Only a Byzantine member proposes another block.
        RC_ASSERT(p.proposer >= honest);
      }
    }
    if (honest_seen < honest) {
      // Every honest proposal arrives by Δ; missing one, it decided by then, before its
      // collect deadline and without prevoting.
      const auto* f = r.finalized_by(i);
      RC_ASSERT(f != nullptr);
      RC_ASSERT(f->at_ms <= delta);
      RC_ASSERT(!r0.prevoted);
      decided_before_all_arrived = true;
      decided_before_prevoting = true;
      RC_LOG() << "node " << i << ": decided at " << f->at_ms << " ms holding " << honest_seen << " of " << honest
               << " honest proposals\n";
      continue;
    }
    const std::size_t low = *std::min_element(candidates.begin(), candidates.end(),
                                              [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
    lowest[i] = low;
    RC_LOG() << "node " << i << ": " << candidates.size() << " candidates, lowest from node " << low << " ("
             << short_hex(ids[low]) << ", beta " << short_hex(betas[low]) << ")\n";
    if (r0.prevoted) {
      RC_ASSERT(r0.prevote_approve);
      RC_ASSERT(r0.prevote_block == ids[low]);
    } else {
      const auto* f = r.finalized_by(i);
      RC_ASSERT(f != nullptr);
      RC_ASSERT(f->at_ms < config.timing.collect_ms);
      decided_before_prevoting = true;
    }
    RC_ASSERT(low == best_honest || (low >= honest && rank(low) < rank(best_honest)));
  }
  // At least one honest node chose: a decision needs prevotes of more than two thirds of
  // the weight, honest ones among them, made with every honest proposal held.
  const auto first_choice = std::find_if(lowest.begin(), lowest.end(), [](const auto& x) { return x.has_value(); });
  RC_ASSERT(first_choice != lowest.end());
  const std::size_t chosen = **first_choice;
  const bool agreed = std::all_of(lowest.begin(), lowest.end(), [&](const auto& x) { return !x || *x == chosen; });
  if (!byzantine_below) RC_ASSERT(agreed && chosen == best_honest);
  if (agreed) {
    // Every honest node, a chooser or one that decided early, finalizes the chosen block.
    for (std::size_t i = 0; i < honest; ++i) {
      const auto* f = r.finalized_by(i);
      if (f == nullptr) RC_FAIL("node " + std::to_string(i) + " never finalized");
      RC_ASSERT(f->block_id == ids[chosen]);
      RC_ASSERT(f->round == 0U);
      if (f->at_ms > deadline) {
        // Only by adoption after asking, and only when some honest node did not precommit.
        RC_ASSERT(f->adopted && config.byzantine > 0 && f->at_ms <= adopt_deadline);
        bool one_did_not_precommit = false;
        for (std::size_t j = 0; j < honest; ++j) {
          const auto* t0 = round_trace(r.nodes[j], 0);
          one_did_not_precommit = one_did_not_precommit || t0 == nullptr || !t0->precommitted;
        }
        RC_ASSERT(one_did_not_precommit);
      }
    }
    RC_ASSERT(r.all_honest_finalized);
  }
  RC_TAG(node_band(config.nodes));
  RC_TAG(config.byzantine > 0 ? sim::to_string(config.byzantine_mode) : "no byzantine");
  RC_CLASSIFY(byzantine_below, "a Byzantine output below every honest one");
  RC_CLASSIFY(some_held_a_byzantine_block, "a Byzantine block was a candidate");
  RC_CLASSIFY(!agreed, "honest nodes split in round 0");
  RC_CLASSIFY(ids[best_honest] != *std::min_element(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(honest)),
              "the lowest output is not the lowest honest id");
  RC_CLASSIFY(decided_before_prevoting, "some node decided before prevoting");
  RC_CLASSIFY(decided_before_all_arrived, "some node decided before every proposal arrived");
}

}  // namespace
}  // namespace midnight::prop
