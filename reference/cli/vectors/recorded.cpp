// rounds.json's recorded scenarios: runs of the network simulator (`midnight simulate`),
// every honest node's inputs and answers recorded by a tap (sim/node_tap.hpp) in the same
// step form as the scripted scenarios. The script says what a person thought of; these
// carry what the simulator's faults make happen: loss and duplicates, partitions, crashes
// inside a journal append, Byzantine equivocation, garbage and bad bodies, several heights.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../sim_args.hpp"
#include "../vector_rules.hpp"
#include "families.hpp"
#include "midnight/sim/node_tap.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/world.hpp"
#include "step_log.hpp"

namespace midnight::cli::vectors {

namespace {

// Each node of the simulation that is honest is a node of the scenario, in node order.
class Recorder final : public sim::NodeTap {
 public:
  const TxValidity* validity() const override { return &validity_; }

  void begin(const sim::SimConfig& config, const sim::World& world, std::span<const sim::TapNode> honest) override {
    config_ = config;
    chain_ = world.chain;
    prev_id_ = world.prev_id;
    membership_ = world.membership;
    member_of_node_ = world.member_of_node;
    mempool_ = world.mempool;
    for (const sim::TapNode& n : honest) {
      position_[n.node] = nodes_.size();
      nodes_.push_back(n.node);
      policy_ = std::string(n.config->node.policy->name());
      last_height_ = n.config->schedule.last_height;
    }
    ends_.resize(nodes_.size());
  }

  const HostOutput& on_step(std::size_t node, const sim::NodeInput& input, const HostOutput& reference,
                            const NodeHost& shadow) override {
    StepLog::Event e;
    e.node = position_.at(node);
    e.now_ms = input.now_ms;
    switch (input.kind) {
      case sim::NodeInputKind::start: e.kind = "start"; break;
      case sim::NodeInputKind::message:
        e.kind = "message";
        e.message = log_.intern(input.message);
        break;
      case sim::NodeInputKind::timer:
        e.kind = "timer";
        e.timer = input.timer;
        break;
      case sim::NodeInputKind::restart: broken("a restart is not a step");
    }
    (void)log_.record(std::move(e), reference);
    ends_[position_.at(node)] = StepLog::end_of(shadow);
    return reference;
  }

  void on_restart(std::size_t node, const sim::NodeInput& input, const result<JournalReplay>& replay) override {
    require(replay.has_value(), "a recorded restart replays its journal");
    StepLog::Event e;
    e.node = position_.at(node);
    e.kind = "restart";
    e.now_ms = input.now_ms;
    for (const MessageBytes& c : input.block_store) e.block_store.push_back(log_.intern(*c));
    e.journal.assign(input.journal.begin(), input.journal.end());
    e.replayed_records = replay.value().records;
    log_.record_restart(std::move(e));
  }

  bool stopped() const override { return false; }

  void write(JsonWriter& w, std::string_view name, std::string_view options, std::string_view description) const {
    w.begin_object();
    w.field("name", name);
    w.field("description", std::string(description) + " Recorded from `midnight simulate " + std::string(options) +
                               "` with the vectors' validity predicate; nodes are the run's honest nodes in order.");
    w.field("simulate", options);
    w.key("config").begin_object();
    derived_field(w, "chain_id", "midnight-sim-chain");
    derived_field(w, "genesis_id", "midnight-sim-genesis");
    w.field("first_height", sim::kSimHeight);
    w.field("first_midnight_ms", sim::kSimMidnightMs);
    w.field("last_height", last_height_);
    write_timing(w, config_.timing);
    w.field("policy", policy_);
    w.field("reward", config_.reward_per_height);
    w.key("members").begin_array();
    for (std::size_t i = 0; i < config_.nodes; ++i) {
      const Masternode& m = membership_.member(member_of_node_[i]);
      w.begin_object(true);
      w.field("seed", to_hex(sim::node_seed(config_.key_seed, i)));
      w.field("public_key", to_hex(m.key));
      w.field("vrf_seed", to_hex(sim::node_vrf_seed(config_.key_seed, i)));
      w.field("vrf_key", to_hex(m.vrf_key));
      w.field("reward_to", to_hex(m.reward_to));
      w.field("weight", m.weight);
      w.field("member_index", member_of_node_[i]);
      w.end_object();
    }
    w.end_array();
    w.field("total_weight", membership_.total_weight());
    w.field("quorum_threshold", membership_.quorum());
    write_mempool(w, mempool_);
    w.end_object();

    w.key("nodes").begin_array();
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
      w.begin_object(true);
      w.field("node", k);
      w.field("seed", to_hex(sim::node_seed(config_.key_seed, nodes_[k])));
      w.field("vrf_seed", to_hex(sim::node_vrf_seed(config_.key_seed, nodes_[k])));
      w.field("member_index", member_of_node_[nodes_[k]]);
      w.end_object();
    }
    w.end_array();
    log_.write_messages(w);
    log_.write_events(w);
    log_.write_expected(w, ends_);
    w.end_object();
  }

 private:
  FirstByteBdIsInvalid validity_;
  sim::SimConfig config_;
  ChainId chain_;
  BlockId prev_id_;
  Membership membership_;
  std::vector<std::size_t> member_of_node_;
  std::vector<Buf> mempool_;
  std::string policy_;
  std::uint64_t last_height_ = 0;
  std::map<std::size_t, std::size_t> position_;  // simulator node -> scenario node
  std::vector<std::size_t> nodes_;               // scenario node -> simulator node
  std::vector<StepLog::NodeEnd> ends_;
  StepLog log_;
};

struct Recorded {
  const char* name;
  const char* options;
  const char* description;
};

// Short runs (a few rounds of Byzantine play, not an hour of it), each for the rules its
// faults exercise that no script does.
constexpr Recorded kRecorded[] = {
    {"simulated_loss_and_duplicates", "--nodes 5 --drop 0.2 --duplicate 0.2 --rounds 4 --seed 6",
     "5 members; a fifth of all messages lost and a fifth duplicated: duplicates change nothing, lost votes are "
     "made up by later rounds and commit answers."},
    {"simulated_partition_retries", "--nodes 5 --partition 0,1@0-9000 --rounds 6 --seed 7",
     "5 members split 2|3 for the first rounds: no quorum, rounds retried with growing steps, locks and polka "
     "announcements, then the partition heals and the rounds skip ahead."},
    {"simulated_crash_before_step", "--nodes 4 --crash 1@300:6000:before-step --rounds 4 --seed 9",
     "Node 1 crashes between two steps while the height is open and restarts from its journal and block store "
     "after the others decided: it replays its votes and catches up."},
    {"simulated_crash_torn_append", "--nodes 4 --crash 2@250:5000:torn-append --rounds 4 --seed 10",
     "Node 2 crashes inside a journal append (part of a frame reaches the disk, nothing is released): its "
     "restart drops the torn frame (spec/journal.md)."},
    {"simulated_three_heights", "--nodes 4 --heights 3 --seed 12",
     "Three heights a day apart: each block is the parent of the next, the journal is emptied at each decision."},
    {"simulated_byzantine_equivocate", "--nodes 4 --byzantine 1 --byzantine-mode equivocate --rounds 3 --seed 17",
     "A Byzantine member sends two proposals per round and different votes to different members."},
    {"simulated_byzantine_garbage", "--nodes 4 --byzantine 1 --byzantine-mode garbage --rounds 3 --seed 16",
     "A Byzantine member sends votes for blocks that do not exist, replays, and bytes that do not decode: each "
     "rejected with its error name."},
    {"simulated_byzantine_bad_body", "--nodes 4 --byzantine 1 --byzantine-mode bad-body --rounds 3 --seed 32",
     "A Byzantine member proposes a body with an invalid transaction (first byte 0xbd) and serves it: no honest "
     "member holds it (spec/protocol.md §3.4, §5.7)."},
    {"simulated_byzantine_withhold_body",
     "--nodes 4 --byzantine 1 --byzantine-mode withhold-body --rounds 3 --seed 19",
     "A Byzantine member proposes, ground for the lowest block id, a body it never sends: the others ask for "
     "it, cannot hold it, and decide another block."},
    {"simulated_byzantine_lock_split", "--nodes 7 --byzantine 2 --byzantine-mode lock-split --rounds 4 --seed 24",
     "Two Byzantine members of seven release their proposal late and complete a polka at one honest member "
     "only: it locks alone and the round fails; the lock rule decides what follows."},
};

}  // namespace

void write_recorded_scenarios(JsonWriter& w) {
  for (const Recorded& r : kRecorded) {
    Recorder recorder;
    const sim::SimResult result = sim::run_simulation(simulate_config_of(r.options), &recorder);
    require(result.error.empty(), std::string(r.name) + ": " + result.error);
    require(result.violations.empty(), std::string(r.name) + ": the run is safe and valid");
    recorder.write(w, r.name, r.options, r.description);
  }
}

}  // namespace midnight::cli::vectors
