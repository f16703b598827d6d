// Policy B ranks the same proposals the same way at every honest node (spec/protocol.md
// §4.4): the rank is the one VRF output of the proposer's key for the round, whatever
// proof a Byzantine proposer sends to whom. The scenario and the checks are in vrf_rank.hpp;
// NegativeControl.UnverifiedVrfRankSplitsHonestNodes runs them against a ranker that
// skips the verification.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "vrf_rank.hpp"

namespace midnight::prop {
namespace {

// For 2-4 honest round machines under VrfRankPolicy and 0-3 Byzantine members (the same
// signed header with its valid proof, a second valid proof by another nonce or with a
// torsion Gamma, the proof of another round or of another key, a flipped bit, garbage, no
// proof, or other content), delivered to each honest node in its own order with repeats,
// after every delivery:
//   - any two nodes (or one node at two times) holding the same candidates chose the same
//     block;
//   - each choice is the candidate with the lowest (beta, block id), beta being the one
//     output of its proposer's key for the round's input;
//   - every proof that verifies has that output (so a torsion Gamma or another nonce changes
//     nothing); no node holds a proposal whose proof does not verify; such a proposal is
//     refused with bad_vrf_proof, leaving the machine exactly as it was, when the node holds
//     nothing from that proposer (or another content it would replace), and with
//     conflicting_proposal when it holds that proposer's proposal already.
RC_GTEST_PROP(VrfRank, HonestNodesRankTheSameProposalsIdentically, ()) {
  check_vrf_ranking(*gen_rank_scenario(), Ranker::round_machine, true);
}

}  // namespace
}  // namespace midnight::prop
