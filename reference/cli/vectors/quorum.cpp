// quorum.json: the quorum rule (3w > 2W) and its threshold, and the memberships the
// protocol accepts or refuses, with the rule each refusal breaks.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "../error_names.hpp"
#include "../message_json.hpp"
#include "common.hpp"
#include "families.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/core/error_category.hpp"
#include "midnight/core/limits.hpp"
#include "midnight/sim/config.hpp"

namespace midnight::cli::vectors {

namespace {

// Memberships the protocol accepts and every way it refuses one (spec/protocol.md §1.1):
// each case lists its members' keys as given (input order) and the expected verdict.
void write_membership_cases(JsonWriter& w) {
  const auto member = [](std::uint8_t k, std::uint64_t weight = 1) {
    return Masternode{keys_of(k).public_key, vrf_keys_of(k).public_key, destination_of(k), weight};
  };
  const auto with_vrf_key = [](Masternode m, const PublicKey& vrf_key) {
    m.vrf_key = vrf_key;
    return m;
  };
  const PublicKey identity = identity_encoding();
  const PublicKey y_is_p = y_equal_p_encoding();
  struct Case {
    std::string name;
    std::vector<Masternode> members;
  };
  const std::vector<Case> cases{
      {"seeds 1, 2, 3 with VRF seeds 1, 2, 3", {member(3), member(1), member(2, 5)}},
      {"no members", {}},
      {"weight 0", {member(1), member(2, 0)}},
      {"the same signing key twice", {member(1), with_vrf_key(member(1), vrf_keys_of(2).public_key)}},
      {"a VRF key that is the identity (small order)", {member(1), with_vrf_key(member(2), identity)}},
      {"a VRF key with y = p (not canonical)", {member(1), with_vrf_key(member(2), y_is_p)}},
      {"a VRF key not on the curve", {member(1), with_vrf_key(member(2), first_off_curve_encoding())}},
      {"a member's VRF key is its own signing key", {member(1), with_vrf_key(member(2), keys_of(2).public_key)}},
      {"a member's VRF key is another member's signing key",
       {member(1), with_vrf_key(member(2), keys_of(1).public_key)}},
      {"two members with one VRF key", {member(1), with_vrf_key(member(2), vrf_keys_of(1).public_key)}},
  };
  w.key("memberships").begin_array();
  for (const Case& c : cases) {
    w.begin_object();
    w.field("name", c.name);
    w.key("members").begin_array();
    for (const Masternode& m : c.members) {
      w.begin_object(true);
      write_masternode_fields(w, m);
      w.end_object();
    }
    w.end_array();
    const auto made = Membership::make(c.members);
    if (made) {
      w.field("expected", "valid");
      w.key("canonical_keys").begin_array(true);
      for (const Masternode& m : made.value().members()) w.value(to_hex(m.key));
      w.end_array();
      w.field("total_weight", made.value().total_weight());
    } else {
      require(made.error().category() == error_category_of<membership_errc>(), "a membership rejection");
      w.field("expected", membership_errc_name(static_cast<membership_errc>(made.error().value())));
    }
    w.end_object();
  }
  w.end_array();
}


}  // namespace

void write_quorum(JsonWriter& w) {
  begin_family(w, "quorum",
               "The membership (spec/protocol.md §1.1) and the quorum rule (spec/protocol.md §2): a weight w is a "
               "quorum of total W iff 3w > 2W; the threshold is floor(2W/3) + 1.",
               {"Integer arithmetic only: no division is needed to test a quorum.",
                "memberships: a membership is valid when it is not empty, has at most 65535 members, every weight "
                "is 1..2^20, the signing keys are distinct, every VRF key passes ECVRF_validate_key (spec/vrf.md "
                "§3.7) and every VRF key differs from every other key of the membership, signing or VRF; "
                "otherwise `expected` names the first rule broken, in that order."});
  write_membership_cases(w);
  w.key("equal_weights").begin_array();
  for (std::uint64_t n = 1; n <= 10; ++n) {
    w.begin_object(true).field("n", n).field("total_weight", n).field("threshold", quorum_threshold(n)).end_object();
  }
  w.end_array();

  w.key("weighted").begin_array();
  const std::vector<std::vector<std::uint64_t>> memberships = {
      {2, 1},         {1, 1, 1, 3}, {1, 10, 100, 1000}, {5, 5, 5}, {1048576, 1048576, 1048576, 1},
      std::vector<std::uint64_t>(kMaxMembers, kMaxMemberWeight), sim::tier_weights(10000)};
  for (const auto& weights : memberships) {
    std::uint64_t total = 0;
    for (std::uint64_t x : weights) total += x;
    w.begin_object(true);
    if (weights.size() == kMaxMembers) {
      w.field("weights", "65535 members of weight 1048576");
    } else if (weights.size() == 10000) {
      w.field("weights", "10000 members, member i of weight 10^(i mod 4) (tiers 1, 10, 100, 1000)");
    } else {
      w.key("weights").begin_array(true);
      for (std::uint64_t x : weights) w.value(x);
      w.end_array();
    }
    w.field("total_weight", total);
    w.field("threshold", quorum_threshold(total));
    w.end_object();
  }
  w.end_array();

  w.key("is_quorum").begin_array();
  const std::uint64_t totals[] = {1, 2, 3, 4, 6, 7, 9, 10, 1111, 3145729, 67108864};
  for (std::uint64_t total : totals) {
    const std::uint64_t q = quorum_threshold(total);
    std::vector<std::uint64_t> weights{q - 1, q};
    if (total % 3 == 0) weights.insert(weights.begin(), total * 2 / 3);  // exactly two thirds: not a quorum
    weights.push_back(total);
    std::sort(weights.begin(), weights.end());
    weights.erase(std::unique(weights.begin(), weights.end()), weights.end());
    for (std::uint64_t weight : weights) {
      const bool yes = is_quorum(weight, total);
      require(yes == (weight >= q), "threshold and is_quorum agree");
      w.begin_object(true).field("weight", weight).field("total_weight", total).field("quorum", yes).end_object();
    }
  }
  w.end_array();
  w.end_object();
}

}  // namespace midnight::cli::vectors
