#include "simulated.hpp"

#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

#include "../args.hpp"
#include "../error_names.hpp"
#include "../host_json.hpp"
#include "../message_json.hpp"
#include "../sim_args.hpp"
#include "../vector_rules.hpp"
#include "check.hpp"
#include "midnight/sim/node_tap.hpp"
#include "midnight/sim/rng.hpp"
#include "midnight/sim/simulator.hpp"
#include "midnight/sim/world.hpp"
#include "node_step.hpp"

namespace midnight::cli::conform {

namespace {

constexpr const char* kFamily = "simulated";

// The built-in scenarios: every fault the simulator knows, each Byzantine mode, retries
// and locks, several heights and catch-up (one of five heights), weights, the three policies and divergent
// mempools. Heights are a day apart, as adapter.md's config says. The crashes fall while
// the height is open (a fault-free height is decided within about 350 ms), so the
// restarted node has a journal to replay.
struct BuiltIn {
  const char* name;
  const char* options;  // `midnight simulate` options
  const char* foreign;  // "all" or node indices
};
constexpr BuiltIn kBuiltIns[] = {
    {"honest", "--nodes 4 --seed 1", "all"},
    {"honest-three", "--nodes 3 --seed 25", "all"},
    {"six-with-loss", "--nodes 6 --drop 0.1 --seed 26", "all"},
    {"honest-lowest-hash", "--nodes 4 --policy lowest-hash --seed 2", "all"},
    {"honest-first-to-quorum", "--nodes 4 --policy first-to-quorum --seed 3", "all"},
    {"mixed-network", "--nodes 5 --seed 4", "0,2,4"},
    {"weights", "--nodes 4 --weights 1,10,100,1000 --seed 5", "all"},
    {"loss-and-duplicates", "--nodes 5 --drop 0.2 --duplicate 0.2 --seed 6", "all"},
    {"partition-retries", "--nodes 5 --partition 0,1@0-9000 --seed 7", "all"},
    {"slow-node", "--nodes 4 --slow 3 --seed 8", "all"},
    {"crash-restart", "--nodes 4 --crash 1@300:6000:before-step --seed 9", "all"},
    {"crash-torn-append", "--nodes 4 --crash 2@250:5000:torn-append --seed 10", "all"},
    {"crash-after-sync", "--nodes 4 --crash 0@120:7000:after-sync --seed 11", "all"},
    {"three-heights", "--nodes 4 --heights 3 --seed 12", "all"},
    {"catch-up", "--nodes 4 --heights 3 --partition 3@0-90000000 --seed 13", "all"},
    // Five heights behind: more than one window's answers (rule "answer", protocol.md 7.5).
    {"catch-up-five-heights", "--nodes 4 --heights 6 --crash 3@0:432500000 --seed 27", "all"},
    {"divergent-mempools", "--nodes 4 --mempool 40 --mempool-divergence 0.1 --seed 14", "all"},
    {"byzantine-withhold", "--nodes 4 --byzantine 1 --byzantine-mode withhold --seed 15", "all"},
    {"byzantine-garbage", "--nodes 4 --byzantine 1 --byzantine-mode garbage --seed 16", "all"},
    {"byzantine-equivocate", "--nodes 4 --byzantine 1 --byzantine-mode equivocate --seed 17", "all"},
    {"byzantine-mirror", "--nodes 7 --byzantine 2 --byzantine-mode mirror --seed 18", "all"},
    {"byzantine-withhold-body", "--nodes 4 --byzantine 1 --byzantine-mode withhold-body --seed 19", "all"},
    {"byzantine-bad-body", "--nodes 4 --byzantine 1 --byzantine-mode bad-body --seed 32", "all"},
    {"byzantine-selective", "--nodes 4 --byzantine 1 --byzantine-mode selective --seed 21", "all"},
    {"byzantine-grind", "--nodes 4 --byzantine 1 --byzantine-mode grind --policy lowest-hash --seed 22", "all"},
    {"byzantine-late-polka", "--nodes 4 --byzantine 1 --byzantine-mode late-polka --seed 23", "all"},
    {"byzantine-lock-split", "--nodes 7 --byzantine 2 --byzantine-mode lock-split --seed 24", "all"},
};

// "all" or node indices; the Byzantine nodes are the simulator's whatever is listed.
std::set<std::size_t> foreign_of(const std::string& spec, const sim::SimConfig& c) {
  std::set<std::size_t> out;
  const std::size_t honest = c.nodes - c.byzantine;
  if (spec == "all") {
    for (std::size_t i = 0; i < honest; ++i) out.insert(i);
    return out;
  }
  std::istringstream in(spec);
  for (std::string n; std::getline(in, n, ',');) {
    const std::size_t i = require_size("--foreign", n);
    if (i >= honest) throw UsageError{"--foreign: node " + n + " is not an honest node of the scenario"};
    out.insert(i);
  }
  return out;
}

std::string foreign_text(const std::set<std::size_t>& foreign) {
  std::string out;
  for (const std::size_t i : foreign) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out;
}

std::string describe(const sim::NodeInput& in) {
  switch (in.kind) {
    case sim::NodeInputKind::start: return "start";
    case sim::NodeInputKind::message: {
      const auto t = peek_message_type(in.message);
      return std::string("message (") + (t ? message_type_name(t.value()) : "undecodable") + ")";
    }
    case sim::NodeInputKind::timer:
      return std::string("timer (") +
             (in.timer.kind == HostTimerKind::round ? timer_name(in.timer.round_timer.kind)
              : in.timer.kind == HostTimerKind::height_start ? "height_start"
                                                             : "ask_again") +
             ")";
    case sim::NodeInputKind::restart: return "restart";
  }
  return "?";
}

// What one run found.
struct Outcome {
  bool diverged = false;
  bool not_covered = false;
  std::string op;
  std::string what;    // the difference itself
  std::string detail;  // where (node, time, input) and what
  std::string request;
  std::uint64_t steps = 0;
};

// The tap: the foreign nodes' hosts behind the adapter, each with its shadow.
class ForeignNodes final : public sim::NodeTap {
 public:
  ForeignNodes(Adapter& adapter, std::set<std::size_t> foreign, std::int64_t& next_id)
      : adapter_(adapter), foreign_(std::move(foreign)), next_id_(next_id) {}

  const TxValidity* validity() const override { return &validity_; }

  void begin(const sim::SimConfig& config, const sim::World& world, std::span<const sim::TapNode> honest) override {
    context_ = std::make_unique<ScenarioContext>(ScenarioContext{world.membership, world.chain});
    round0_ms_ = round_ms(config.timing, 0);
    guarded([&] {
      for (const sim::TapNode& n : honest) {
        if (!foreign_.contains(n.node)) continue;
        const HostConfig& hc = *n.config;
        Json req = Json::object();
        ids_[n.node] = next_id_++;
        req.set("node", ids_[n.node]);
        req.set("config", config_json(config, world, hc));
        req.set("seed", to_hex(sim::node_seed(config.key_seed, n.node)));
        req.set("vrf_seed", to_hex(sim::node_vrf_seed(config.key_seed, n.node)));
        req.set("mempool", mempool_json(hc));
        const Answer a = call("node_create", req);
        if (a.kind == Answer::Kind::error) diverge("node_create", "", "rejected with '" + a.text + "'");
        if (stopped_) return;
      }
    });
  }

  const HostOutput& on_step(std::size_t node, const sim::NodeInput& input, const HostOutput& reference,
                            const NodeHost& shadow) override {
    if (stopped_ || !foreign_.contains(node)) return reference;
    const HostOutput* chosen = &reference;
    guarded([&] {
      const Answer got = send_event(node, input);
      if (stopped_) return;
      Answer want;
      if (reference.error) {
        want.kind = Answer::Kind::error;
        const char* name = host_error_name(reference.error);
        want.text = name != nullptr ? name : "";
      } else {
        want.kind = Answer::Kind::ok;
        want.ok = host_output_json(reference);
      }
      std::optional<MessageType> type;
      if (input.kind == sim::NodeInputKind::message)
        if (const auto t = peek_message_type(input.message)) type = t.value();
      const std::string diff = compare_node_answer(want, got, *context_, type);
      if (!diff.empty()) return diverge("node_event", where(node, input), diff);
      if (got.kind == Answer::Kind::ok) {
        try {
          foreign_out_ = host_output_from(got.ok);
        } catch (const JsonError& e) {
          return diverge("node_event", where(node, input), "an answer the simulator cannot carry out: " + e.message);
        }
        chosen = &foreign_out_;
        compare_deadlines(node, input, reference, foreign_out_);
        if (stopped_) return;
        check_asks(node, input, foreign_out_);
        if (stopped_) return;
      }
      compare_state(node, input, shadow);
    });
    return *chosen;
  }

  void on_restart(std::size_t node, const sim::NodeInput& input, const result<JournalReplay>& replay) override {
    if (stopped_ || !foreign_.contains(node)) return;
    // A new process: the timers of the one before died with it, on both sides, and so did
    // the time of its last commit request (rule "ask" is kept in memory, protocol.md 7.5).
    shadow_timers_.erase(node);
    foreign_timers_.erase(node);
    std::erase_if(last_ask_, [&](const auto& entry) { return entry.first.first == node; });
    guarded([&] {
      const Answer got = send_event(node, input);
      if (stopped_) return;
      Answer want;
      if (replay) {
        want.kind = Answer::Kind::ok;
        want.ok = Json::object();
        want.ok.set("replayed_records", Json::unsigned_number(replay.value().records));
      } else {
        want.kind = Answer::Kind::error;  // a journal that does not replay: any error's name
      }
      const std::string diff = compare_node_answer(want, got, *context_);
      if (!diff.empty()) diverge("node_event", where(node, input), diff);
    });
  }

  bool stopped() const override { return stopped_; }

  // After the run: the first divergence, or the exception an adapter call threw.
  Outcome finish() {
    if (thrown_) std::rethrow_exception(thrown_);
    return outcome_;
  }

 private:
  template <class F>
  void guarded(F&& f) {
    // The simulator is library code: nothing thrown here may unwind through it. An
    // exception stops the run and is rethrown by finish().
    try {
      f();
    } catch (...) {
      thrown_ = std::current_exception();
      stopped_ = true;
    }
  }

  // node_event: `input` to the adapter's node, counted as a step compared. A run that goes
  // on past kMaxSteps is stopped as a divergence: the built-in scenarios take a few
  // thousand, and an adapter must not be able to keep the oracle busy forever.
  static constexpr std::uint64_t kMaxSteps = 100'000;
  Answer send_event(std::size_t node, const sim::NodeInput& input) {
    if (outcome_.steps >= kMaxSteps) {
      diverge("node_event", where(node, input),
              "more than " + std::to_string(kMaxSteps) + " events at the foreign nodes: the run does not settle");
      return Answer{};
    }
    Json req = Json::object();
    req.set("node", ids_.at(node));
    req.set("now_ms", Json::unsigned_number(input.now_ms));
    req.set("input", input_json(input));
    Answer a = call("node_event", req);
    if (!stopped_) ++outcome_.steps;
    return a;
  }

  Answer call(const std::string& op, const Json& req) {
    Answer a = adapter_.call(op, req);
    if (a.kind == Answer::Kind::unsupported) {
      outcome_.not_covered = true;
      outcome_.detail = op + " unsupported: " + a.text;
      stopped_ = true;
    }
    return a;
  }

  void diverge(const std::string& op, const std::string& at, const std::string& what) {
    outcome_.diverged = true;
    outcome_.op = op;
    outcome_.what = what;
    outcome_.detail = at + what;
    outcome_.request = adapter_.last_request();
    stopped_ = true;
  }

  static std::string where(std::size_t node, const sim::NodeInput& input) {
    return "node " + std::to_string(node) + " at " + std::to_string(input.now_ms) + " ms, " + describe(input) + ": ";
  }

  // The deadlines protocol.md §5.1 determines: a round timer's or a height's start. Which
  // event sets a timer is the implementation's own organisation, so each side's pending
  // timers are kept apart; a timer both sides hold must fall at the same time, and a timer
  // that fires at the foreign node must be one the shadow holds, due then.
  using TimerId = std::tuple<int, std::uint64_t, std::uint32_t>;  // kind, height, round
  static std::optional<TimerId> deadline_id(const HostTimer& t) {
    if (t.kind == HostTimerKind::round)
      return TimerId{static_cast<int>(t.round_timer.kind), t.round_timer.height, t.round_timer.round};
    if (t.kind == HostTimerKind::height_start) return TimerId{-1, t.height, 0};
    return std::nullopt;  // ask_again: rule "ask" is a SHOULD
  }
  static std::string timer_text(const HostTimer& t) {
    return t.kind == HostTimerKind::round ? std::string(timer_name(t.round_timer.kind)) + " of height " +
                                                std::to_string(t.round_timer.height) + " round " +
                                                std::to_string(t.round_timer.round)
                                          : "height_start of height " + std::to_string(t.height);
  }
  void compare_deadlines(std::size_t node, const sim::NodeInput& input, const HostOutput& reference,
                         const HostOutput& foreign) {
    auto& theirs = foreign_timers_[node];
    auto& ours = shadow_timers_[node];
    if (input.kind == sim::NodeInputKind::timer) {
      if (const auto id = deadline_id(input.timer)) {
        const auto it = ours.find(*id);
        if (it == ours.end())
          return diverge("set_timer", where(node, input),
                         "the foreign node's " + timer_text(input.timer) + " fired, a timer its shadow never set");
        if (it->second != input.now_ms)
          return diverge("set_timer", where(node, input),
                         "the foreign node's " + timer_text(input.timer) + " fired at " + std::to_string(input.now_ms) +
                             " ms; protocol.md §5.1 puts it at " + std::to_string(it->second) + " ms");
        ours.erase(*id);
        theirs.erase(*id);
      }
    }
    for (const HostAction& a : reference.actions)
      if (a.kind == HostActionKind::set_timer)
        if (const auto id = deadline_id(a.timer)) ours[*id] = std::max(a.at_ms, input.now_ms);
    for (const HostAction& a : foreign.actions) {
      if (a.kind != HostActionKind::set_timer) continue;
      const auto id = deadline_id(a.timer);
      if (!id) continue;
      const std::uint64_t at = std::max(a.at_ms, input.now_ms);
      theirs[*id] = at;
      if (const auto it = ours.find(*id); it != ours.end() && it->second != at)
        return diverge("set_timer", where(node, input),
                       "set " + timer_text(a.timer) + " for " + std::to_string(at) + " ms; protocol.md §5.1 puts it at " +
                           std::to_string(it->second) + " ms");
    }
    for (const auto& [id, at] : ours)
      if (const auto it = theirs.find(id); it != theirs.end() && it->second != at)
        return diverge("set_timer", where(node, input),
                       "a timer set for " + std::to_string(it->second) + " ms; protocol.md §5.1 puts it at " +
                           std::to_string(at) + " ms");
  }

  // Rule "ask" (protocol.md §7.5) is a SHOULD, so when a node asks is not compared; but it
  // MUST NOT ask for one height more than once per round-0 length, and that is checked:
  // a node that floods its requests would make every member answer it.
  void check_asks(std::size_t node, const sim::NodeInput& input, const HostOutput& foreign) {
    for (const HostAction& a : foreign.actions) {
      if (a.kind == HostActionKind::set_timer || !a.bytes) continue;
      const auto type = peek_message_type(*a.bytes);
      if (!type || type.value() != MessageType::commit_request) continue;
      const auto request = decode_commit_request(*a.bytes);
      if (!request) return diverge("node_event", where(node, input), "sent a commit request that does not decode");
      const auto key = std::make_pair(node, request.value().height);
      if (const auto it = last_ask_.find(key); it != last_ask_.end() && input.now_ms < it->second + round0_ms_)
        return diverge("node_event", where(node, input),
                       "asked again for the commit of height " + std::to_string(request.value().height) + " " +
                           std::to_string(input.now_ms - it->second) + " ms after the last request; rule ask "
                           "(protocol.md §7.5) allows one per round-0 length, " + std::to_string(round0_ms_) + " ms");
      last_ask_[key] = input.now_ms;
    }
  }

  // The observable state (decided height, block, lock) after every step, as the shadow has it.
  void compare_state(std::size_t node, const sim::NodeInput& input, const NodeHost& shadow) {
    Json req = Json::object();
    req.set("node", ids_.at(node));
    const Answer got = call("node_state", req);
    if (stopped_) return;
    if (got.kind != Answer::Kind::ok) return diverge("node_state", where(node, input), "rejected with '" + got.text + "'");
    Json want = node_state_json(shadow);
    if (shadow.past_last_height()) {
      // Once the chain's last height is decided no height is being decided, and adapter.md
      // §3.8's lock (that of the height being decided) says nothing; rounds.json leaves it out too.
      Json decided = Json::object();
      decided.set("decided_height", *want.find("decided_height"));
      decided.set("block_id", *want.find("block_id"));
      want = std::move(decided);
    }
    const std::string diff = first_difference(want, got.ok, "state");
    if (!diff.empty()) diverge("node_state", where(node, input), diff);
  }

  static Json input_json(const sim::NodeInput& in) {
    switch (in.kind) {
      case sim::NodeInputKind::start: return start_input_json();
      case sim::NodeInputKind::message: return message_input_json(in.message);
      case sim::NodeInputKind::timer: return timer_input_json(in.timer);
      case sim::NodeInputKind::restart: return restart_input_json(in.block_store, in.journal);
    }
    return start_input_json();
  }

  static Json derived(const char* ascii, std::span<const std::uint8_t> value) {
    Json o = Json::object();
    o.set("sha256_of_ascii", ascii);
    o.set("hex", to_hex(value));
    return o;
  }

  static Json mempool_json(const HostConfig& hc) {
    Json pool = Json::array();
    for (const TxBytes tx : hc.mempool) pool.push(bytes_json(tx));
    return pool;
  }

  // The scenario's chain as adapter.md §3.8's `config` says it (rounds.json's form).
  static Json config_json(const sim::SimConfig& config, const sim::World& world, const HostConfig& hc) {
    Json c = Json::object();
    c.set("chain_id", derived("midnight-sim-chain", world.chain.span()));
    c.set("genesis_id", derived("midnight-sim-genesis", world.prev_id.span()));
    c.set("first_height", Json::unsigned_number(hc.schedule.first_height));
    c.set("first_midnight_ms", Json::unsigned_number(hc.schedule.first_midnight_ms));
    c.set("last_height", Json::unsigned_number(hc.schedule.last_height));
    Json t = Json::object();
    t.set("collect_ms", Json::unsigned_number(config.timing.collect_ms));
    t.set("prevote_ms", Json::unsigned_number(config.timing.prevote_ms));
    t.set("precommit_ms", Json::unsigned_number(config.timing.precommit_ms));
    t.set("increment_ms", Json::unsigned_number(config.timing.increment_ms));
    c.set("timing", std::move(t));
    c.set("policy", std::string(hc.node.policy->name()));
    c.set("reward", Json::unsigned_number(config.reward_per_height));
    Json members = Json::array();
    for (std::size_t m = 0; m < world.membership.size(); ++m) {
      const Masternode& mn = world.membership.member(m);
      Json o = Json::object();
      o.set("public_key", to_hex(mn.key));
      o.set("vrf_key", to_hex(mn.vrf_key));
      o.set("reward_to", to_hex(mn.reward_to));
      o.set("weight", Json::unsigned_number(mn.weight));
      members.push(std::move(o));
    }
    c.set("members", std::move(members));
    c.set("mempool", mempool_json(hc));
    return c;
  }

  Adapter& adapter_;
  std::set<std::size_t> foreign_;
  std::int64_t& next_id_;
  FirstByteBdIsInvalid validity_;
  std::map<std::size_t, std::int64_t> ids_;  // simulator node -> the adapter's node number
  std::map<std::pair<std::size_t, std::uint64_t>, std::uint64_t> last_ask_;  // (node, height) -> ms
  std::uint64_t round0_ms_ = 0;
  // Per node: the deadlines each side has set and not yet seen fire.
  std::map<std::size_t, std::map<TimerId, std::uint64_t>> shadow_timers_, foreign_timers_;
  std::unique_ptr<ScenarioContext> context_;
  HostOutput foreign_out_;
  Outcome outcome_;
  std::exception_ptr thrown_;
  bool stopped_ = false;
};

struct Run {
  sim::SimConfig config;
  std::set<std::size_t> foreign;
};

struct Finding {
  Outcome outcome;
  std::vector<std::string> judge;  // what the simulator's own judge found (a foreign node's bad commit...)
};

Finding run_once(Driver& d, const Run& run, std::int64_t& next_id) {
  ForeignNodes tap(d.adapter, run.foreign, next_id);
  const sim::SimResult r = sim::run_simulation(run.config, &tap);
  Finding f{tap.finish(), {}};
  if (!r.error.empty()) throw UsageError{"conform: a scenario the simulator refuses: " + r.error};
  if (!f.outcome.diverged && !f.outcome.not_covered) {
    // The run went to its end with every answer agreeing; the simulator's judge has the
    // last word on what the foreign nodes decided (certificates, bodies, agreement).
    for (const std::string& v : r.violations) f.judge.push_back(v);
    if (!f.judge.empty()) {
      f.outcome.diverged = true;
      f.outcome.op = "judge";
      f.outcome.what = "the simulator's judge found a violation";
      f.outcome.detail = "the simulator's judge: " + f.judge.front();
    }
  }
  return f;
}

// Smaller scenarios than `run`, simplest first: a fault removed, a height or a node
// fewer, fewer foreign nodes. Each is a valid configuration.
std::vector<Run> smaller(const Run& run) {
  std::vector<Run> out;
  const auto push = [&](Run r) {
    if (sim::validate(r.config).empty() && !r.foreign.empty()) out.push_back(std::move(r));
  };
  const sim::SimConfig& c = run.config;
  if (run.foreign.size() > 1) {
    for (const std::size_t i : run.foreign) {
      Run r = run;
      r.foreign = {i};
      push(std::move(r));
    }
  }
  for (std::size_t k = 0; k < c.partitions.size(); ++k) {
    Run r = run;
    r.config.partitions.erase(r.config.partitions.begin() + static_cast<std::ptrdiff_t>(k));
    push(std::move(r));
  }
  for (std::size_t k = 0; k < c.crashes.size(); ++k) {
    Run r = run;
    r.config.crashes.erase(r.config.crashes.begin() + static_cast<std::ptrdiff_t>(k));
    push(std::move(r));
  }
  // One change to a copy of the configuration.
  const auto without = [&](auto change) {
    Run r = run;
    change(r.config);
    push(std::move(r));
  };
  if (!c.slow_nodes.empty()) without([](sim::SimConfig& x) { x.slow_nodes.clear(); });
  if (c.drop_probability != 0) without([](sim::SimConfig& x) { x.drop_probability = 0; });
  if (c.duplicate_probability != 0) without([](sim::SimConfig& x) { x.duplicate_probability = 0; });
  if (c.byzantine != 0) without([](sim::SimConfig& x) {
      x.byzantine = 0;
      x.byzantine_modes.clear();
    });
  if (c.heights > 1) without([](sim::SimConfig& x) { x.heights = 1; });
  if (c.mempool_divergence != 0) without([](sim::SimConfig& x) { x.mempool_divergence = 0; });
  if (!c.weights.empty()) without([](sim::SimConfig& x) { x.weights.clear(); });
  if (c.mempool_size > 1) without([](sim::SimConfig& x) { x.mempool_size /= 2; });
  if (c.nodes > 1 && c.byzantine < c.nodes - 1) {
    // The last honest node goes; the Byzantine ones keep their places at the end.
    Run r = run;
    r.config.nodes -= 1;
    if (!r.config.weights.empty()) r.config.weights.pop_back();
    const std::size_t gone = c.nodes - c.byzantine - 1;
    r.foreign.erase(gone);
    bool mentioned = false;
    for (const sim::Partition& p : c.partitions)
      for (const std::size_t n : p.side_a) mentioned = mentioned || n >= gone;
    for (const sim::Crash& k : c.crashes) mentioned = mentioned || k.node >= gone;
    for (const std::size_t s : c.slow_nodes) mentioned = mentioned || s >= gone;
    if (!mentioned) push(std::move(r));
  }
  return out;
}

std::string replay_line(const Run& run, const SimulatedOptions& o) {
  std::string cmd;
  for (const std::string& w : o.adapter_command) cmd += " " + w;
  return "midnight conform --family simulated --scenario '" + simulate_options_of(run.config) + "' --foreign " +
         foreign_text(run.foreign) + " --" + cmd;
}

// Randomly drawn scenarios: faults combined, each a valid configuration.
Run random_run(sim::Rng& rng, std::uint64_t index) {
  sim::SimConfig c;
  c.nodes = static_cast<std::size_t>(rng.between(4, 7));
  c.seed = 1000 + index;
  c.policy = rng.chance(0.5) ? sim::Policy::vrf : sim::Policy::lowest_hash;
  if (rng.chance(0.5)) {
    c.byzantine = static_cast<std::size_t>(rng.between(1, (c.nodes - 1) / 3));
    constexpr sim::ByzantineMode kModes[] = {
        sim::ByzantineMode::withhold,      sim::ByzantineMode::garbage,   sim::ByzantineMode::equivocate,
        sim::ByzantineMode::mirror,        sim::ByzantineMode::withhold_body, sim::ByzantineMode::bad_body,
        sim::ByzantineMode::selective,     sim::ByzantineMode::late_polka, sim::ByzantineMode::lock_split};
    c.byzantine_mode = kModes[rng.below(std::size(kModes))];
  }
  if (rng.chance(0.5)) c.drop_probability = static_cast<double>(rng.below(20)) / 100;
  if (rng.chance(0.3)) c.duplicate_probability = static_cast<double>(rng.below(20)) / 100;
  const std::size_t honest = c.nodes - c.byzantine;
  if (rng.chance(0.4)) {
    sim::Partition p;
    p.side_a = {static_cast<std::size_t>(rng.below(honest))};
    p.start_ms = rng.below(3000);
    p.heal_ms = p.start_ms + rng.between(1000, 12000);
    c.partitions.push_back(p);
  }
  if (rng.chance(0.4)) {
    sim::Crash k;
    k.node = static_cast<std::size_t>(rng.below(honest));
    k.at_ms = rng.below(4000);
    k.restart_ms = k.at_ms + rng.between(500, 8000);
    k.point = static_cast<sim::CrashPoint>(rng.below(3));
    c.crashes.push_back(k);
  }
  if (rng.chance(0.3)) c.heights = 2;
  Run r{c, {}};
  for (std::size_t i = 0; i < honest; ++i)
    if (rng.chance(0.7)) r.foreign.insert(i);
  if (r.foreign.empty()) r.foreign.insert(0);
  return r;
}

}  // namespace

void drive_simulated(Driver& d, const SimulatedOptions& o) {
  if (d.adapter_version < 2) {
    FamilyTally& t = d.ledger.family(kFamily);
    t.not_driven += 1;
    t.not_driven_reason = "runs: the adapter speaks protocol 1, which has no node hosts";
    return;
  }
  std::vector<std::pair<std::string, Run>> runs;
  if (!o.scenario.empty()) {
    const sim::SimConfig c = simulate_config_of(o.scenario);
    runs.push_back({"scenario", Run{c, foreign_of(o.foreign, c)}});
  } else {
    for (const BuiltIn& b : kBuiltIns) {
      const sim::SimConfig c = simulate_config_of(b.options);
      runs.push_back({b.name, Run{c, foreign_of(b.foreign, c)}});
    }
    sim::Rng rng(o.seed);
    for (std::uint32_t k = 0; k < o.random_runs; ++k)
      runs.push_back({"random-" + std::to_string(k + 1), random_run(rng, k)});
  }
  std::int64_t next_id = 1'000'000;  // apart from the rounds family's node numbers
  for (const auto& [name, run] : runs) {
    // adapter.md §3.8's config puts heights a day apart.
    if (run.config.height_interval_ms != sim::SimConfig{}.height_interval_ms)
      throw UsageError{"conform: --scenario: the adapter protocol's heights are a day apart; drop --height-interval"};
    d.progress("simulated: " + name + " (" + simulate_options_of(run.config) + "; foreign " + foreign_text(run.foreign) + ")");
    FamilyTally& t = d.ledger.family(kFamily);
    Finding f = run_once(d, run, next_id);
    t.steps += f.outcome.steps;
    if (f.outcome.not_covered) {
      ++t.not_covered;
      if (t.first_not_covered.empty()) t.first_not_covered = name + ": " + f.outcome.detail;
      continue;
    }
    if (!f.outcome.diverged) {
      ++t.passed;
      continue;
    }
    // Shrink: keep any smaller scenario that still diverges in the same way (the same
    // operation and difference, wherever and whenever), until none does.
    Run best = run;
    std::uint32_t budget = o.shrink_runs;
    for (bool progress = true; progress && budget > 0;) {
      progress = false;
      for (const Run& candidate : smaller(best)) {
        if (budget == 0) break;
        --budget;
        Finding g = run_once(d, candidate, next_id);
        if (g.outcome.diverged && g.outcome.op == f.outcome.op && g.outcome.what == f.outcome.what) {
          best = candidate;
          f = std::move(g);
          progress = true;
          break;
        }
      }
    }
    ++t.failed;
    d.ledger.diverged(Divergence{kFamily, name, f.outcome.op, f.outcome.detail, shorten(f.outcome.request, 400),
                                 "the foreign node's answer differs from its reference shadow's",
                                 replay_line(best, o)});
  }
}

}  // namespace midnight::cli::conform
