// selection.json: the canonical selection of each policy (lowest hash, first to quorum, VRF
// rank) among every member's proposals of rounds 0 and 1.
#include <cstdint>
#include <optional>
#include <vector>

#include "../message_json.hpp"
#include "common.hpp"
#include "families.hpp"
#include "fixture.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/hash.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

void write_selection(JsonWriter& w) {
  begin_family(w, "selection",
               "Canonical selection (spec/protocol.md §4): the candidate with the smallest (rank key, block id).",
               {"lowest-hash: the rank key is the block id, so the lowest block id wins.",
                "first-to-quorum: the rank key is the arrival position at the node (0 = first); the node's own "
                "proposal ranks last whatever its arrival.",
                "vrf: the rank key is the ECVRF-EDWARDS25519-SHA512-TAI output (beta, 64 bytes) of the proposal's "
                "VRF proof over vrf_input = \"midnight/v1/vrf\\0\" || chain_id || height u64 || round u32 || "
                "prev_id (spec/protocol.md §4.4); each proposal below lists its vrf_input, vrf_proof (what "
                "sign_proposal makes with the member's VRF key, listed with its vrf_seed in members) and "
                "vrf_output. A proof is deterministic, so these "
                "are byte-exact.",
                "Candidates are proposals whose content matches the node's own; here every header has the same "
                "Merkle root, parent, height and timestamp rule.",
                "Seed k is 32 bytes of value k; VRF seed k is 0x76 0x72 then 30 bytes of value k; member_index is "
                "the canonical index (ascending public key)."});
  const ChainId chain = test_chain();
  const Members m = make_members(kFixtureWeights);
  const Hash32 merkle = make_encoding_fixture().content.merkle_root;
  derived_field(w, "chain_id", kChainAscii);
  derived_field(w, "prev_id", kGenesisAscii);
  w.field("merkle_root", to_hex(merkle));
  w.field("merkle_root_note", "the block of encoding.json");
  write_members(w, m);

  // Headers of every member's proposal for rounds 0 and 1.
  struct Proposed {
    std::size_t member;
    BlockHeader header;
    BlockId id;
    VrfOutput vrf_output;
  };
  std::vector<std::vector<Proposed>> rounds(2);
  w.key("proposals").begin_array();
  for (std::uint32_t round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < m.membership.size(); ++i) {
      const BlockHeader h = make_header(chain, kHeight, round, genesis(), merkle,
                                        round_start_ms(kMidnightMs, RoundTiming{}, round), m.membership.member(i).key);
      const Proposal signed_proposal =
          sign_proposal(h, m.keys_of_member(i).secret_key, m.vrf_keys_of_member(i).secret_key);
      const result<VrfOutput> verified = verify_proposal_vrf(signed_proposal, m.membership.member(i).vrf_key);
      require(verified.has_value(), "a proposal made by sign_proposal has a VRF proof that verifies");
      const VrfOutput beta = verified.value();
      rounds[round].push_back({i, h, compute_block_id(h), beta});
      w.begin_object();
      w.field("round", round);
      w.field("member_index", i);
      write_header_fields(w, h);
      w.field("vrf_input", to_hex(vrf_input(h)));
      w.field("vrf_proof", to_hex(signed_proposal.vrf_proof));
      w.field("vrf_output", to_hex(beta));
      w.end_object();
    }
  }
  w.end_array();

  LowestHashPolicy lowest;
  VrfRankPolicy vrf;
  FirstToQuorumPolicy first;
  w.key("cases").begin_array();
  // (policy, round, candidate member indices in arrival order, own member index or none)
  struct Case {
    const SelectionPolicy* policy;
    std::uint32_t round;
    std::vector<std::size_t> arrival_order;
    std::optional<std::size_t> own;
  };
  const Case cases[] = {
      {&lowest, 0, {0, 1, 2, 3}, std::nullopt}, {&lowest, 0, {3, 2, 1, 0}, std::nullopt},
      {&lowest, 1, {0, 1, 2, 3}, std::nullopt}, {&lowest, 0, {1, 2}, std::nullopt},
      {&lowest, 0, {2}, std::nullopt},          {&first, 0, {2, 0, 3, 1}, 1},
      {&first, 0, {1, 3, 0}, 1},                {&first, 0, {1}, 1},
      {&first, 1, {0, 3, 2, 1}, 0},
      // Policy B: the lowest output among those received; when the best-ranked proposal is
      // missing, the next best that arrived wins.
      {&vrf, 0, {0, 1, 2, 3}, std::nullopt},    {&vrf, 0, {3, 2, 1, 0}, 2},
      {&vrf, 1, {2, 1, 3}, std::nullopt},       {&vrf, 0, {1, 2}, std::nullopt},
      {&vrf, 0, {3, 2}, std::nullopt},          {&vrf, 1, {2}, std::nullopt},
  };
  for (const Case& c : cases) {
    std::vector<Candidate> candidates;
    for (std::size_t pos = 0; pos < c.arrival_order.size(); ++pos) {
      const Proposed& p = rounds[c.round][c.arrival_order[pos]];
      const std::uint32_t arrival = c.own && *c.own == p.member ? UINT32_MAX : static_cast<std::uint32_t>(pos);
      candidates.push_back({nullptr, p.id, arrival, &p.vrf_output});
    }
    // The pick must not depend on the order the candidates are stored in.
    const auto pick = select_canonical(*c.policy, candidates);
    std::vector<Candidate> reversed(candidates.rbegin(), candidates.rend());
    const auto pick_reversed = select_canonical(*c.policy, reversed);
    require(pick && pick_reversed && candidates[*pick].block_id == reversed[*pick_reversed].block_id, "selection");
    const std::size_t chosen = c.arrival_order[*pick];
    w.begin_object(true);
    w.field("policy", c.policy->name());
    w.field("round", c.round);
    w.key("arrival_order").begin_array(true);
    for (std::size_t member : c.arrival_order) w.value(member);
    w.end_array();
    if (c.own) w.field("own_member_index", *c.own); else w.key("own_member_index").null();
    w.field("chosen_member_index", chosen);
    w.field("chosen_block_id", to_hex(rounds[c.round][chosen].id));
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace midnight::cli::vectors
