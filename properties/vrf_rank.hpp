// Policy B's ranking at several honest nodes (spec/protocol.md §4.4), with Byzantine
// proposers that send one signed header with different proofs to different nodes: the
// scenario of VrfRank.HonestNodesRankTheSameProposalsIdentically and of its negative
// control NegativeControl.UnverifiedVrfRankSplitsHonestNodes.
//
// A scenario is one round of one height: `honest` round machines under VrfRankPolicy (the
// honest members; each proposes at its round start) and `byzantine` members that send
// each honest node a few of the messages below. Each honest node receives the other honest
// nodes' proposals and its Byzantine messages in its own random order, with repeats, so
// that it holds growing subsets and, at the end, every honest proposal. After every
// delivery the node's current choice is read (a copy of the machine is given its collect
// deadline and prevotes; a machine that has prevoted already chose from what it held then).
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "midnight/core/bytes.hpp"

namespace midnight::prop {

// What a Byzantine member sends: its header for the round (the content every honest node
// builds, so it is a candidate) with some proof, or a header with other content.
enum class ByzantineProof : std::uint8_t {
  valid,          // ecvrf_prove's proof, as sign_proposal attaches it
  second_nonce,   // another proof RFC 9381 accepts: another nonce
  torsion_gamma,  // another proof RFC 9381 accepts: Gamma + T of order 8, V compensated
  other_round,    // its proof of another round's VRF input
  other_key,      // another member's (or a non-member's) VRF proof of this round's input
  signing_key,    // its own proof of this round's input under its signing key, not its VRF key
  bit_flip,       // the valid proof with one bit flipped
  garbage,        // 80 arbitrary bytes
  zero,           // no proof: all zero
  other_content,  // another Merkle root, signed and validly proved: stored, never ranked
};
const char* to_string(ByzantineProof p);

struct RankMessage {
  std::size_t from = 0;  // node index: below `honest` its proposal, else a Byzantine member
  ByzantineProof proof = ByzantineProof::valid;
  std::uint64_t param = 0;  // which bit, round, key, nonce or bytes
};

struct RankScenario {
  std::size_t honest = 2;
  std::size_t byzantine = 0;
  std::uint64_t key_seed = 0;  // node i's keys: test_keypair and test_vrf_keypair(key_seed, i)
  ChainId chain;
  std::uint64_t height = 1;
  BlockId prev_id;
  std::uint64_t midnight_ms = 0;
  std::uint32_t round = 0;
  std::vector<std::vector<RankMessage>> deliveries;  // per honest node, in order
};
std::ostream& operator<<(std::ostream& os, const RankScenario& s);
void showValue(const RankScenario& s, std::ostream& os);

rc::Gen<RankScenario> gen_rank_scenario();

enum class Ranker : std::uint8_t {
  round_machine,  // the protocol: RoundMachine under VrfRankPolicy
  // A negative control, in this test code only: a model of on_proposal and the pick under
  // policy B that skips ecvrf_verify and ranks each candidate by ecvrf_proof_to_hash of
  // whatever proof it holds (all-0xff when it does not decode). It keeps every other rule
  // of on_proposal (signature, one proposal per proposer and round, "replace").
  unverified_proof_to_hash,
};

// Runs the scenario and checks, after every delivery:
//   identical ranking: two nodes (or one node at two times) that hold the same candidates
//     (content-matching proposals of the round, by block id) chose the same block;
// and when `all_clauses`:
//   the choice is the candidate with the lowest (beta, block id), beta being the one
//     output its proposer's key has for the round's input;
//   every proof that verifies has that output; no node holds a proposal whose proof does
//     not verify; a proposal whose proof does not verify is refused: with bad_vrf_proof,
//     leaving the machine exactly as it was (operator==), when the node holds nothing from
//     that proposer or holds another content that this proposal would replace, and with
//     conflicting_proposal otherwise; the first proposal of a proposer with a valid proof
//     is taken.
void check_vrf_ranking(const RankScenario& s, Ranker ranker, bool all_clauses);

}  // namespace midnight::prop
