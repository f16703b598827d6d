#include "scenarios.hpp"

#include <algorithm>
#include <optional>
#include <set>

namespace midnight::cli {

namespace {

using sim::SimResult;

// Every honest node finalized, all on one block, with valid certificates.
std::vector<Check> common_checks(const SimResult& r) {
  return {{"agreement: no two honest nodes finalized different blocks, none finalized twice", r.agreement},
          {"every honest node finalized", r.all_honest_finalized},
          {"every certificate verifies", r.certificates_ok && r.violations.empty()}};
}

bool finalized_in_round(const SimResult& r, std::size_t node, std::uint32_t round) {
  const auto* f = r.finalized_by(node);
  return f != nullptr && f->round == round;
}

std::set<BlockId> finalized_blocks(const SimResult& r) {
  std::set<BlockId> s;
  for (const auto& f : r.finalized) s.insert(f.block_id);
  return s;
}

// The lowest block id among round-0 proposals seen by any honest node.
std::optional<BlockId> lowest_round0_proposal(const SimResult& r) {
  std::optional<BlockId> low;
  for (const auto& n : r.nodes) {
    if (n.byzantine || n.rounds.empty()) continue;
    for (const auto& p : n.rounds[0].proposals)
      if (!low || p.block_id < *low) low = p.block_id;
  }
  return low;
}

sim::SimConfig base(std::size_t nodes) {
  sim::SimConfig c;
  c.nodes = nodes;
  c.seed = 1;
  return c;
}

Scenario single_node() {
  Scenario s{"single-node", "Single node: should still create blocks", "node 0 finalizes its own block in round 0",
             base(1), {}};
  s.check = [](const SimResult& r) {
    auto checks = common_checks(r);
    checks.push_back({"node 0 finalized in round 0", finalized_in_round(r, 0, 0)});
    return checks;
  };
  return s;
}

Scenario two_nodes() {
  Scenario s{"two-nodes", "Two nodes: both create, one selected",
             "both nodes propose, the lowest block id is selected and both finalize it in round 0 (quorum 2)",
             base(2), {}};
  s.check = [](const SimResult& r) {
    auto checks = common_checks(r);
    checks.push_back({"both nodes finalized in round 0", finalized_in_round(r, 0, 0) && finalized_in_round(r, 1, 0)});
    const bool two_proposals = !r.nodes.empty() && !r.nodes[0].rounds.empty() && r.nodes[0].rounds[0].proposals.size() == 2;
    checks.push_back({"both nodes created a block (2 proposals in round 0)", two_proposals});
    const auto low = lowest_round0_proposal(r);
    const auto blocks = finalized_blocks(r);
    checks.push_back({"the finalized block is the lowest id", low && blocks.size() == 1 && *blocks.begin() == *low});
    return checks;
  };
  return s;
}

Scenario byzantine_seven() {
  auto c = base(7);
  c.byzantine = 2;
  c.byzantine_mode = sim::ByzantineMode::equivocate;
  Scenario s{"byzantine", "Three+ nodes: all create, consensus picks one (n=7, 2 Byzantine equivocators)",
             "all 5 honest nodes finalize the same block despite two equivocating members", c, {}};
  s.check = [](const SimResult& r) {
    auto checks = common_checks(r);
    std::size_t honest_final = 0;
    for (std::size_t i = 0; i < 5; ++i) honest_final += r.finalized_by(i) != nullptr;
    checks.push_back({"5 honest finalizations", honest_final == 5});
    checks.push_back({"one block", finalized_blocks(r).size() == 1});
    return checks;
  };
  return s;
}

Scenario partition() {
  auto c = base(4);
  c.partitions.push_back({{0, 1}, 0, 5000});
  Scenario s{"partition", "Network partition: {0,1} | {2,3} from 0 to 5000 ms, then reunification",
             "nothing is finalized before 5000 ms; after healing all four finalize the same block", c, {}};
  s.check = [](const SimResult& r) {
    auto checks = common_checks(r);
    const bool none_early = std::none_of(r.finalized.begin(), r.finalized.end(),
                                         [](const sim::FinalizedRecord& f) { return f.at_ms < 5000; });
    checks.push_back({"nothing finalized before 5000 ms (neither side has a quorum of 3)", none_early});
    checks.push_back({"all four finalized one block",
                      r.finalized.size() == 4 && finalized_blocks(r).size() == 1});
    return checks;
  };
  return s;
}

Scenario slow_node() {
  auto c = base(4);
  c.slow_nodes = {3};
  Scenario s{"slow-node", "Slow node: node 3 has 4000 ms extra latency",
             "nodes 0-2 finalize in round 0 without it; node 3 later finalizes the same block from the commit "
             "certificate",
             c, {}};
  s.check = [](const SimResult& r) {
    auto checks = common_checks(r);
    // Without node 3 the other three are exactly a quorum; one of them may still learn
    // the decision from a peer's commit a moment before its own precommits arrive.
    bool fast = true;
    bool own_quorum = false;
    for (std::size_t i = 0; i < 3; ++i) {
      const auto* f = r.finalized_by(i);
      fast = fast && f != nullptr && f->round == 0;
      own_quorum = own_quorum || (f != nullptr && !f->adopted);
    }
    checks.push_back({"nodes 0-2 finalized in round 0, at least one by its own precommit quorum", fast && own_quorum});
    const auto* slow = r.finalized_by(3);
    bool later = slow != nullptr && slow->adopted;
    for (std::size_t i = 0; i < 3 && later; ++i) {
      const auto* f = r.finalized_by(i);
      later = f != nullptr && f->at_ms < slow->at_ms;
    }
    checks.push_back({"node 3 finalized later, adopting the commit certificate", later});
    checks.push_back({"the same block everywhere", finalized_blocks(r).size() == 1});
    return checks;
  };
  return s;
}

}  // namespace

std::vector<Scenario> demo_scenarios() {
  return {single_node(), two_nodes(), byzantine_seven(), partition(), slow_node()};
}

}  // namespace midnight::cli
