#include "nodes.hpp"

#include "../error_names.hpp"
#include "../vector_rules.hpp"
#include "../fields_in.hpp"
#include "../host_json.hpp"
#include "midnight/block/membership.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/crypto/sign.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/sim/config.hpp"

#include <cstdlib>

namespace midnight::cli::adapter {

namespace {

using Buf = std::vector<std::uint8_t>;

Json num(std::uint64_t x) { return Json::unsigned_number(x); }

// A {sha256_of_ascii, hex} value of the vectors, or plain hex.
template <class T>
T derived_or_hex(const Json& config, const char* key) {
  const Json& v = config.at(key);
  if (v.is_object()) return fixed_field<T>(v, "hex");
  return fixed_field<T>(config, key);
}

// A planted fault for showing that the rounds vectors can fail, never set outside tests:
// MIDNIGHT_NEGATIVE_CONTROL names one of the simulator's negative controls
// (`midnight simulate --negative-control`) that lives in a single node.
sim::NegativeControl negative_control() {
  const char* v = std::getenv("MIDNIGHT_NEGATIVE_CONTROL");
  if (v == nullptr || *v == '\0') return sim::NegativeControl::none;
  for (auto n : {sim::NegativeControl::quorum_ceil, sim::NegativeControl::no_lock, sim::NegativeControl::no_catch_up,
                 sim::NegativeControl::hold_unchecked_body, sim::NegativeControl::no_announce,
                 sim::NegativeControl::restart_without_journal})
    if (std::string_view(v) == sim::to_string(n)) return n;
  throw JsonError{std::string("MIDNIGHT_NEGATIVE_CONTROL: not a node's negative control: ") + v};
}

}  // namespace

struct AdapterNode {
  FirstByteBdIsInvalid validity;  // the vectors' predicate (spec/adapter.md §3.8)
  std::vector<Buf> mempool;
  std::vector<TxBytes> views;
  std::unique_ptr<Membership> membership;
  std::unique_ptr<SelectionPolicy> policy;
  HostConfig config;
  std::unique_ptr<NodeHost> host;
};

NodeTable::NodeTable() = default;
NodeTable::~NodeTable() = default;

AdapterNode& NodeTable::node(const Json& request) {
  const auto it = nodes_.find(request.integer("node"));
  if (it == nodes_.end()) throw JsonError{"no node " + std::to_string(request.integer("node"))};
  return *it->second;
}

Json NodeTable::create(const Json& request) {
  const Json& config = request.at("config");
  auto n = std::make_unique<AdapterNode>();
  std::vector<Masternode> members;
  for (const Json& m : config.at("members").items())
    members.push_back(member_from(m));
  const sim::NegativeControl control = negative_control();
  auto membership = Membership::make(members, control == sim::NegativeControl::quorum_ceil
                                                  ? QuorumRule::unsafe_at_least_two_thirds
                                                  : QuorumRule::more_than_two_thirds);
  if (!membership) throw Refusal{membership_errc_name(static_cast<membership_errc>(membership.error().value()))};
  n->membership = std::make_unique<Membership>(std::move(membership).value());
  n->policy = make_policy(config.str("policy"));
  if (!n->policy) throw JsonError{"unknown policy '" + config.str("policy") + "'"};
  for (const Json& tx : request.at("mempool").items()) n->mempool.push_back(bytes_field(tx));
  n->views.assign(n->mempool.begin(), n->mempool.end());
  const Json& timing = config.at("timing");
  HostConfig& c = n->config;
  c.node.chain_id = derived_or_hex<ChainId>(config, "chain_id");
  c.node.membership = n->membership.get();
  c.node.policy = n->policy.get();
  c.node.keys = keypair_from_seed(fixed_field<Seed>(request, "seed"));
  c.node.vrf_keys = vrf_keypair_from_seed(fixed_field<Seed>(request, "vrf_seed"));
  c.node.timing = RoundTiming{u64_field(timing, "collect_ms"), u64_field(timing, "prevote_ms"), u64_field(timing, "precommit_ms"),
                              u64_field(timing, "increment_ms")};
  c.node.reward_per_height = u64_field(config, "reward");
  c.node.validity = &n->validity;
  c.schedule.genesis_id = derived_or_hex<BlockId>(config, "genesis_id");
  c.schedule.first_height = u64_field(config, "first_height");
  c.schedule.first_midnight_ms = u64_field(config, "first_midnight_ms");
  c.schedule.last_height = u64_field(config, "last_height");
  c.mempool = n->views;
  c.node.unsafe_retry_without_lock = control == sim::NegativeControl::no_lock;
  c.node.unsafe_skip_lock_announcement = control == sim::NegativeControl::no_announce;
  c.node.unsafe_hold_unchecked_bodies = control == sim::NegativeControl::hold_unchecked_body;
  c.unsafe_no_catch_up = control == sim::NegativeControl::no_catch_up;
  if (!n->membership->index_of(c.node.keys.public_key)) throw JsonError{"the seed's key is not a member"};
  n->host = std::make_unique<NodeHost>(c);
  nodes_[request.integer("node")] = std::move(n);
  return Json::object();
}

Json NodeTable::event(const Json& request) {
  AdapterNode& n = node(request);
  const std::uint64_t now = u64_field(request, "now_ms");
  const Json& input = request.at("input");
  const std::string& kind = input.str("kind");
  Json ok = Json::object();
  const HostOutput* out = nullptr;
  if (kind == "start") {
    out = &n.host->handle_start(now);
  } else if (kind == "message") {
    const Buf bytes = bytes_field(input.at("message"));
    out = &n.host->handle_message(now, bytes);
  } else if (kind == "timer") {
    out = &n.host->handle_timer(now, timer_from(input));
  } else if (kind == "restart") {
    // A new process: a fresh host, given the block store and the journal.
    std::vector<MessageBytes> store;
    for (const Json& c : input.at("block_store").items())
      store.push_back(std::make_shared<const Buf>(bytes_field(c)));
    // Negative control restart-without-journal: the process forgets its votes (amnesia).
    const Buf journal = negative_control() == sim::NegativeControl::restart_without_journal
                            ? Buf()
                            : bytes_field(input.at("journal"));
    n.host = std::make_unique<NodeHost>(n.config);
    auto replay = n.host->restore(store, journal);
    if (!replay) {
      // adapter.md §3.8: named by the journal's reader or the round machine.
      const char* name = host_error_name(replay.error());
      throw Refusal{name != nullptr ? name : replay.error().message()};
    }
    ok.set("replayed_records", num(replay.value().records));
    ok.set("stored", Json::array());
    ok.set("journal_reset", Json::boolean(false));
    ok.set("journal_append", "");
    ok.set("output", Json::array());
    return ok;
  } else {
    throw JsonError{"unknown input kind '" + kind + "'"};
  }
  if (out->error) {
    const char* name = host_error_name(out->error);
    throw Refusal{name != nullptr ? name : out->error.message()};
  }
  return host_output_json(*out);
}

Json NodeTable::state(const Json& request) { return node_state_json(*node(request).host); }

}  // namespace midnight::cli::adapter
