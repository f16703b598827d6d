// rounds.json: scripted runs of the round protocol, one node host per member (the Script
// class), with every event and everything it stored and returned.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../error_names.hpp"
#include "../message_json.hpp"
#include "../vector_rules.hpp"
#include "common.hpp"
#include "families.hpp"
#include "step_log.hpp"
#include "midnight/block/builder.hpp"
#include "midnight/consensus/round_machine.hpp"
#include "midnight/consensus/selection.hpp"
#include "midnight/journal/journal_record.hpp"
#include "midnight/node/node_disk.hpp"
#include "midnight/node/node_host.hpp"
#include "midnight/wire/codec.hpp"
#include "midnight/wire/encode_vector.hpp"
#include "midnight/wire/signing.hpp"

namespace midnight::cli::vectors {

namespace {

bool is_prevote(std::span<const std::uint8_t> bytes) {
  const auto v = decode_vote(bytes);
  return v.has_value() && v.value().step == VoteStep::prevote;
}
bool is_precommit(std::span<const std::uint8_t> bytes) {
  const auto v = decode_vote(bytes);
  return v.has_value() && v.value().step == VoteStep::precommit;
}

// One node host per member (node/node_host.hpp, the host every other caller runs too),
// driven by an explicit script on one clock, with every call (the event) and everything
// it returned (the output) recorded, so another implementation can replay the events in
// order and compare each output: what it stores (commits, journal bytes) and what it
// sends and schedules. Messages travel as bytes, so every delivery goes through decoding.
class Script {
 public:
  Script(std::span<const std::uint64_t> weights, std::vector<Buf> mempool, std::string_view policy = "lowest-hash")
      : policy_(make_policy(policy)), chain_(test_chain()), members_(make_members(weights)),
        mempool_(std::move(mempool)) {
    require(policy_ != nullptr, "a script's policy");
    views_.assign(mempool_.begin(), mempool_.end());
    for (std::size_t i = 0; i < weights.size(); ++i) {
      HostConfig c;
      c.node.chain_id = chain_;
      c.node.membership = &members_.membership;
      c.node.policy = policy_.get();
      c.node.keys = members_.keys[i];
      c.node.vrf_keys = vrf_keys_of(members_.seeds[i]);
      c.node.reward_per_height = kReward;
      c.node.validity = &validity_;
      c.schedule.genesis_id = genesis();
      c.schedule.first_height = kHeight;
      c.schedule.first_midnight_ms = kMidnightMs;
      c.schedule.last_height = kHeight;  // one height: the script ends when it is decided
      c.mempool = views_;
      Node& n = nodes_.emplace_back();
      n.config = c;
      n.host = std::make_unique<NodeHost>(c);
    }
  }

  // Which copies of a message reach which node: false drops it (no event).
  using Keep = std::function<bool(std::size_t from, std::size_t to, std::span<const std::uint8_t> bytes)>;
  static bool keep_all(std::size_t, std::size_t, std::span<const std::uint8_t>) { return true; }

  // The script's clock: every later event happens at this time on its node.
  void advance_to(std::uint64_t now_ms) {
    require(now_ms >= now_, "the script's clock never goes back");
    now_ = now_ms;
  }
  void start(std::size_t node) {
    Event e = event(node, "start");
    finish(e, nodes_[node].host->handle_start(now_));
  }
  void start_all() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) start(i);
  }
  // Each node's pending round timer of this kind and round fires at its deadline (the
  // clock moves there); a node without one is skipped.
  void fire_all(TimerKind kind, std::uint32_t round) {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      auto& timers = nodes_[i].timers;
      const auto it = std::find_if(timers.begin(), timers.end(), [&](const PendingTimer& t) {
        return t.timer.kind == HostTimerKind::round && t.timer.round_timer.kind == kind &&
               t.timer.round_timer.round == round;
      });
      if (it == timers.end()) continue;
      const PendingTimer t = *it;
      timers.erase(it);
      now_ = std::max(now_, t.at_ms);
      Event e = event(i, "timer");
      e.timer = t.timer;
      finish(e, nodes_[i].host->handle_timer(now_, t.timer));
    }
  }
  // Delivers what is queued, first in first out: a broadcast to every other node in node
  // order, a send to its member's node. Deliveries can queue more; all are delivered.
  void deliver(const Keep& keep) {
    while (!queue_.empty()) {
      const Queued q = queue_.front();
      queue_.pop_front();
      deliver_one(q, keep);
    }
  }
  void deliver_all() { deliver(keep_all); }
  // Every node starts at midnight and every round-0 precommit is lost: all lock on the
  // round-0 block, undecided.
  void start_all_and_lose_precommits() {
    start_all();
    deliver([](std::size_t, std::size_t, std::span<const std::uint8_t> b) { return !is_precommit(b); });
  }
  // Round 0 ends at every node and round 1's collect deadline passes, all delivered: the
  // block locked in round 0, re-proposed, finalizes in round 1.
  void end_round_0_and_collect_round_1() {
    fire_all(TimerKind::round_end, 0);
    deliver_all();
    fire_all(TimerKind::collect_deadline, 1);
    deliver_all();
  }
  // One hop: delivers what is queued now; what those deliveries send stays queued.
  void deliver_queued() {
    for (std::size_t n = queue_.size(); n > 0; --n) {
      const Queued q = queue_.front();
      queue_.pop_front();
      deliver_one(q, keep_all);
    }
  }
  // The node stops: no event (a crash is not an input), its timers die with it, and
  // nothing reaches it until it restarts. Its block store and journal stay.
  void crash(std::size_t node) {
    nodes_[node].up = false;
    nodes_[node].timers.clear();
  }
  // Only `node` runs: every other node is down from the start, and the script signs with
  // the others' keys what it delivers to it.
  void run_alone(std::size_t node) {
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      if (i != node) crash(i);
  }
  // A message from outside the script's nodes (a Byzantine member's), delivered to one
  // node now.
  void deliver_external(std::size_t node, const Buf& bytes) {
    const std::size_t id = log_.intern(bytes);
    Event e = event(node, "message");
    e.message = id;
    finish(e, nodes_[node].host->handle_message(now_, bytes));
  }
  // A commit of height 1, round 0, for a block built with `reward` (the chain's is
  // kReward: another makes a coinbase no member builds) from the script's mempool and
  // `extra` (taken whatever the validity predicate says), proposed by canonical member 0
  // and certified by the precommits of members 0 .. signers - 1: what members colluding
  // beyond the fault bound could sign.
  Buf forged_commit(std::uint64_t reward, std::span<const Buf> extra, std::size_t signers,
                    std::uint32_t header_round = 0) const {
    std::vector<TxBytes> pool = views_;
    pool.insert(pool.end(), extra.begin(), extra.end());
    const BlockContent content = build_block_content(chain_, kHeight, members_.membership, reward, pool);
    const Keypair& proposer = members_.keys_of_member(0);
    // A header of a round after the certificate's breaks §7.4 step 4.
    const BlockHeader header =
        make_header(chain_, kHeight, header_round, genesis(), content.merkle_root,
                    round_start_ms(kMidnightMs, RoundTiming{}, header_round), proposer.public_key);
    const Proposal proposal = sign_proposal(header, proposer.secret_key, vrf_keys_of(members_.seed_of_member(0)).secret_key);
    Certificate c;
    c.chain_id = chain_;
    c.height = kHeight;
    c.round = 0;
    c.block_id = compute_block_id(header);
    sign_entries(c, signers, VoteStep::precommit);
    return unwrap(encode_commit_to_vector(c, header, proposal.signature, content.views));
  }

  // What a forged proposal breaks: its header's parent or timestamp, its content, or its
  // signature (one bit of it flipped).
  struct Forgery {
    bool wrong_parent = false;
    bool wrong_timestamp = false;
    bool other_content = false;
    bool bad_signature = false;
    bool bad_vrf_proof = false;
  };
  // A round-`round` proposal of canonical member `member`, signed with its keys, of the
  // script's content unless the forgery says otherwise.
  Buf forged_proposal(std::size_t member, std::uint32_t round, const Forgery& f) const {
    return unwrap(encode_to_vector(forged_block(member, round, f).proposal));
  }
  // The same proposal's block message (its body: header, signature, transactions).
  Buf forged_body(std::size_t member, std::uint32_t round, const Forgery& f) const {
    const ForgedBlock b = forged_block(member, round, f);
    return unwrap(encode_block_to_vector(b.proposal.header, b.proposal.signature, b.content.views));
  }
  BlockId forged_block_id(std::size_t member, std::uint32_t round, const Forgery& f) const {
    return compute_block_id(forged_block(member, round, f).proposal.header);
  }
  // Canonical member `member`'s round-0 proposal of the script's content with a polka of
  // round 0 for it: the prevotes of members 0, 1 and 2 (a quorum of four), the last with
  // one bit of its signature flipped when `bad_entry`.
  CarriedPolka forged_carried_polka(std::size_t member, bool bad_entry) const {
    CarriedPolka cp;
    cp.proposal = unwrap_proposal(forged_proposal(member, 0, {}));
    Certificate& c = cp.polka;
    c.chain_id = chain_;
    c.height = kHeight;
    c.round = 0;
    c.block_id = compute_block_id(cp.proposal.header);
    sign_entries(c, 3, VoteStep::prevote);
    if (bad_entry) c.signatures[2].signature.v[0] ^= 0x01;
    return cp;
  }
  Buf forged_polka(std::size_t member, bool bad_entry) const {
    return unwrap(encode_to_vector(forged_carried_polka(member, bad_entry)));
  }
  // A re-proposal by canonical member `member` in `round` of its valid round-0 polka.
  Buf forged_reproposal(std::size_t member, std::uint32_t round) const {
    Reproposal r;
    r.round = round;
    r.reproposer = members_.keys_of_member(member).public_key;
    r.carried = forged_carried_polka(member, false);
    sign_reproposal(r, members_.keys_of_member(member).secret_key, vrf_keys_of(members_.seed_of_member(member)).secret_key);
    return unwrap(encode_to_vector(r));
  }
  static Proposal unwrap_proposal(const Buf& bytes) {
    auto p = decode_proposal(bytes);
    require(p.has_value(), "a forged proposal decodes");
    return p.value();
  }

  // A prevote of canonical member `member` approving `block` at `height`, in `round`.
  Buf signed_prevote(std::size_t member, std::uint64_t height, const BlockId& block, std::uint32_t round = 0) const {
    return signed_vote(member, height, block, round, VoteStep::prevote);
  }
  Buf signed_vote(std::size_t member, std::uint64_t height, const BlockId& block, std::uint32_t round,
                  VoteStep step) const {
    Vote v;
    v.chain_id = chain_;
    v.height = height;
    v.round = round;
    v.step = step;
    v.block_id = block;
    v.approve = true;
    v.voter = members_.keys_of_member(member).public_key;
    return unwrap(encode_to_vector(sign_vote(v, members_.keys_of_member(member).secret_key)));
  }
  // Canonical member `member`'s request for the body of `block` (rule "fetch", §5.7).
  Buf body_request(std::size_t member, const BlockId& block) const {
    BodyRequest r;
    r.chain_id = chain_;
    r.height = kHeight;
    r.block_id = block;
    r.requester = members_.keys_of_member(member).public_key;
    return unwrap(encode_to_vector(sign_body_request(r, members_.keys_of_member(member).secret_key)));
  }

  // Fills `c` with the `step` votes of canonical members 0 .. count - 1 approving its
  // block in its round: a commit's certificate (precommits) or a polka (prevotes).
  void sign_entries(Certificate& c, std::size_t count, VoteStep step) const {
    c.signatures.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      Vote v = c.vote(i, step);
      v.voter = members_.membership.member(i).key;
      v = sign_vote(v, members_.keys_of_member(i).secret_key);
      c.signatures[i] = {v.voter, v.signature};
    }
  }

  // Node `node`'s VRF output for `round` of the script's height: its rank under policy B
  // (the lowest output leads the round, protocol.md §4.4).
  VrfOutput vrf_rank(std::size_t node, std::uint32_t round) const {
    const VrfInput alpha = vrf_input(chain_, kHeight, round, genesis());
    auto pi = ecvrf_prove(nodes_[node].config.node.vrf_keys.secret_key, alpha);
    require(pi.has_value(), "a script node's VRF proof");
    return ecvrf_proof_to_hash(pi.value()).value();
  }

  // A new process: a fresh host given the block store and the journal (the event lists
  // both, as message ids and as bytes); then start(node) begins its work.
  void restart(std::size_t node) { require(restart_from_disk(node), "a script's journal restores"); }
  // The same after the crash damaged the journal: its bytes are replaced by `journal`. A
  // replay that fails is recorded with its error (adapter.md §3.8).
  bool restart_with_journal(std::size_t node, Buf journal) {
    nodes_[node].disk.journal = std::move(journal);
    return restart_from_disk(node);
  }
  const Buf& journal(std::size_t node) const { return nodes_[node].disk.journal; }

  void write(JsonWriter& w, std::string_view name, std::string_view description) const {
    w.begin_object();
    w.field("name", name);
    w.field("description", description);
    w.key("config").begin_object();
    derived_field(w, "chain_id", kChainAscii);
    derived_field(w, "genesis_id", kGenesisAscii);
    w.field("first_height", kHeight);
    w.field("first_midnight_ms", kMidnightMs);
    w.field("last_height", kHeight);
    write_timing(w, RoundTiming{});
    w.field("policy", policy_->name());
    w.field("reward", kReward);
    write_members(w, members_);
    write_mempool(w, mempool_);
    w.end_object();

    w.key("nodes").begin_array();
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      w.begin_object(true);
      w.field("node", i);
      w.field("seed", to_hex(seed_of(members_.seeds[i])));
      w.field("vrf_seed", to_hex(vrf_seed_of(members_.seeds[i])));
      w.field("member_index", nodes_[i].host->member_index());
      w.end_object();
    }
    w.end_array();

    log_.write_messages(w);
    log_.write_events(w);
    std::vector<StepLog::NodeEnd> ends;
    for (const Node& n : nodes_) ends.push_back(StepLog::end_of(*n.host));
    log_.write_expected(w, ends);
    w.end_object();
  }

  const NodeHost& host(std::size_t i) const { return *nodes_[i].host; }
  // Node i's canonical member index: whose keys it holds.
  std::size_t member(std::size_t i) const { return nodes_[i].host->member_index(); }
  std::size_t size() const { return nodes_.size(); }
  std::uint64_t now() const { return now_; }
  // The block a node decided, from its block store's commit.
  std::optional<BlockId> decided_block(std::size_t i) const {
    if (nodes_[i].host->decided_height() < kHeight) return std::nullopt;
    return nodes_[i].host->tip_id();
  }

 private:
  static constexpr std::uint64_t kReward = 1000;

 public:
  static constexpr std::uint64_t reward() { return kReward; }

 private:
  struct ForgedBlock {
    BlockContent content;
    Proposal proposal;
  };
  ForgedBlock forged_block(std::size_t member, std::uint32_t round, const Forgery& f) const {
    std::vector<TxBytes> pool = views_;
    if (f.other_content) pool.emplace_back(extra_transaction_);
    ForgedBlock b{build_block_content(chain_, kHeight, members_.membership, kReward, pool), {}};
    const Keypair& proposer = members_.keys_of_member(member);
    const std::uint64_t timestamp = round_start_ms(kMidnightMs, RoundTiming{}, round) + (f.wrong_timestamp ? 1 : 0);
    const BlockHeader header = make_header(chain_, kHeight, round, f.wrong_parent ? test_chain() : genesis(),
                                           b.content.merkle_root, timestamp, proposer.public_key);
    b.proposal = sign_proposal(header, proposer.secret_key, vrf_keys_of(members_.seed_of_member(member)).secret_key);
    if (f.bad_signature) b.proposal.signature.v[0] ^= 0x01;
    if (f.bad_vrf_proof) b.proposal.vrf_proof.v[79] ^= 0x01;  // its scalar s, still below q
    return b;
  }
  // The transaction a forgery's other content adds (its views point into it).
  const Buf extra_transaction_ = bytes_of("another transaction");

  // The vectors' validity predicate (first byte 0xbd: invalid), for every node.
  const FirstByteBdIsInvalid validity_{};
  struct PendingTimer {
    HostTimer timer;
    std::uint64_t at_ms = 0;
  };
  struct Node {
    HostConfig config;
    std::unique_ptr<NodeHost> host;
    NodeDisk disk;
    std::vector<PendingTimer> timers;
    bool up = true;
  };
  using Event = StepLog::Event;
  struct Queued {
    std::size_t from;
    std::optional<std::size_t> to;  // a send: only this node
    std::size_t message;
  };

  Event event(std::size_t node, const char* kind) const {
    Event e;
    e.node = node;
    e.kind = kind;
    e.now_ms = now_;
    return e;
  }

  bool restart_from_disk(std::size_t node) {
    Node& n = nodes_[node];
    n.host = std::make_unique<NodeHost>(n.config);
    Event e = event(node, "restart");
    for (const MessageBytes& c : n.disk.block_store) e.block_store.push_back(log_.intern(*c));
    e.journal = n.disk.journal;
    const auto replay = n.disk.restore_into(*n.host);
    if (replay) {
      e.replayed_records = replay.value().records;
    } else {
      const char* name = host_error_name(replay.error());
      require(name != nullptr, "a replay error has a name");
      e.error = name;
    }
    n.up = true;
    log_.record_restart(std::move(e));
    return replay.has_value();
  }

  void deliver_one(const Queued& q, const Keep& keep) {
    for (std::size_t to = 0; to < nodes_.size(); ++to) {
      if (to == q.from || (q.to && *q.to != to) || !nodes_[to].up) continue;
      if (!keep(q.from, to, log_.message(q.message))) continue;
      Event e = event(to, "message");
      e.message = q.message;
      finish(e, nodes_[to].host->handle_message(now_, log_.message(q.message)));
    }
  }

  // The host contract, as every host carries it out (node/node_disk.hpp): store, then act.
  void finish(Event e, const HostOutput& out) {
    Node& n = nodes_[e.node];
    if (!out.error) (void)n.disk.store(out);
    const Event& r = log_.record(std::move(e), out);
    for (const StepLog::Output& o : r.outputs) {
      switch (o.kind) {
        case HostActionKind::broadcast: queue_.push_back({r.node, std::nullopt, o.message}); break;
        case HostActionKind::send:
          for (std::size_t to = 0; to < nodes_.size(); ++to)
            if (nodes_[to].host->member_index() == o.member) queue_.push_back({r.node, to, o.message});
          break;
        case HostActionKind::set_timer: n.timers.push_back({o.timer, o.at_ms}); break;
      }
    }
  }

  std::unique_ptr<SelectionPolicy> policy_;
  ChainId chain_;
  Members members_;
  std::vector<Buf> mempool_;
  std::vector<TxBytes> views_;
  std::vector<Node> nodes_;
  std::uint64_t now_ = kMidnightMs;
  std::deque<Queued> queue_;
  StepLog log_;
};




}  // namespace

void write_rounds(JsonWriter& w) {
  begin_family(
      w, "rounds",
      "Runs of the round protocol (spec/protocol.md §5-§7), one node host per member: an ordered list of events on "
      "one clock, everything each one stored and returned, and the decisions. The first are scripted; those named "
      "simulated_* are recorded from the network simulator (their `simulate` field gives its options) with its "
      "faults: loss, duplicates, partitions, crashes, Byzantine members, several heights.",
      {"One host per node: a round machine set up with the config (membership, policy, timing, reward) and the "
       "chain schedule (genesis_id is prev_id of first_height, whose midnight is first_midnight_ms; last_height is the "
       "last height begun), with the mempool. Node i has seed i + 1.",
       "Replay the events in seq order, each on its node at now_ms: start (begin the height after the last decided "
       "one, in the round the clock is in, or wait for its midnight), the delivery of messages[id] (its hex, decoded "
       "by its type byte), a timer (a round timer: timer kind, height, round; height_start or ask_again: height), or "
       "restart (a fresh host given the block store's commits, as message ids, and the journal's bytes, "
       "spec/journal.md; replayed_records is how many journal records it restored).",
       "Each event's output, in the order a host must carry it out (spec/protocol.md §7.5): stored, the commits to "
       "store durably (message ids); journal_reset, the journal emptied; journal_append, the bytes to append to it and "
       "make durable; then output, the actions: broadcast (to every other node), send (to a canonical member index), "
       "set_timer. error is an event that MUST be rejected (its round_errc, codec_errc or body_errc name): it "
       "stores and does nothing.",
       "Commit requests follow rule ask's SHOULDs as the reference implements them (§7.5): an implementation that "
       "asks at other times differs only in its commit_request broadcasts and their ask_again timers.",
       "The script delivers each broadcast to every other node that is up, first in first out, in node order, and "
       "each send to its member's node; a node that crashed receives nothing until it restarts. Messages not "
       "delivered are dropped (they have no event).",
       "expected: each node's last decided height, its block id and commit (message id), and, for a node still "
       "deciding, its lock.",
       "In a recorded scenario the nodes are the run's honest members; the Byzantine members' messages (members "
       "without a node) are inputs like any other, undecodable ones included; deliveries, losses and timers are "
       "the simulator's, so a replay delivers exactly the recorded events.",
       "Every node uses the validity predicate of block_building.json: a transaction is invalid exactly when its "
       "first byte is 0xbd."});
  const std::uint64_t weights[] = {1, 1, 1, 1};
  const std::vector<Buf> mempool = {bytes_of("hello"), bytes_of("midnight")};
  const auto all_decide = [](const Script& s, std::uint32_t round, const std::string& what) {
    const auto first = s.decided_block(0);
    require(first.has_value(), what + ": node 0 decided");
    for (std::size_t i = 0; i < s.size(); ++i) {
      require(s.decided_block(i) == first, what + ": every node decided one block");
      const MessageBytes* c = s.host(i).commit_of(kHeight);
      auto view = std::make_unique<CommitView>();
      require(c != nullptr && decode_commit(**c, *view).has_value() && view->certificate.round == round,
              what + ": decided in round " + std::to_string(round));
    }
  };
  w.key("scenarios").begin_array();
  {
    Script s(weights, mempool);
    s.start_all();
    s.deliver_all();
    all_decide(s, 0, "all delivered");
    s.write(w, "all_delivered",
            "4 members of weight 1, all starting at midnight; every message is delivered: all finalize the lowest "
            "block id of round 0, store its commit and empty their journals; no commit is sent (every node "
            "finalized by its own quorum, spec/protocol.md §7.3).");
  }
  // Every round-0 precommit is lost, so all lock on the round-0 block B; with `deadline`
  // the prevote deadline fires first (rule "announce": each sends the polka it locked
  // on); then round 0 ends and B, re-proposed, finalizes in round 1.
  // tests/unit/round_machine_test.cpp, LockedBlockIsCarriedIntoTheNextRound.
  const auto locked_in_round_0 = [&](bool deadline, std::string_view name, std::string_view description) {
    Script s(weights, mempool);
    s.start_all_and_lose_precommits();
    for (std::size_t i = 0; i < s.size(); ++i) {
      require(s.host(i).machine().lock().held, std::string(name) + ": every node is locked on the round-0 block");
    }
    if (deadline) {
      s.fire_all(TimerKind::prevote_deadline, 0);
      s.deliver_all();
    }
    s.end_round_0_and_collect_round_1();
    all_decide(s, 1, std::string(name));
    s.write(w, name, description);
  };
  locked_in_round_0(false, "lock_carried_into_next_round",
                    "4 members of weight 1; every round-0 precommit is lost, so all are locked on the round-0 block B "
                    "(journaled with their precommits); round 0 ends (each asks for the commit: rule ask), and after "
                    "round 1's collect deadline B, proposed in round 0, finalizes in round 1.");
  {
    // Rule "skip". Nodes 1-3 start late, when the schedule is in round 5 (a node begins in
    // the round the clock is in); node 0 started at midnight and is in round 0. Their
    // round-5 messages, from weight 3 of 4 (more than a third), bring node 0 to round 5.
    Script s(weights, mempool);
    s.start(0);
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 5));
    for (std::size_t i = 1; i < s.size(); ++i) s.start(i);
    s.deliver_all();
    require(s.host(0).machine().round() == 5, "skip scenario: node 0 skipped to round 5");
    all_decide(s, 5, "skip scenario");
    s.write(w, "round_skip",
            "4 members of weight 1; node 0 starts at midnight (round 0), nodes 1-3 at S(5), so in round 5, and ask "
            "for the commit (they began the height late); delivering their round-5 messages makes node 0 skip to "
            "round 5 (rule skip: more than a third of the weight is there), and all four finalize in round 5.");
  }
  {
    // Rounds are unbounded: a height that reaches round 100000 still decides there, and
    // every header's timestamp is S(100000) of the growing schedule (spec/protocol.md 5.1).
    Script s(weights, mempool);
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 100000));
    s.start_all();
    s.deliver_all();
    all_decide(s, 100000, "far-round scenario");
    s.write(w, "far_round",
            "4 members of weight 1; all start at S(100000) = midnight + 100000 * 3000 + 1500 * 100000 * 99999 / 2 ms, "
            "so in round 100000, and every message is delivered: all finalize in round 100000, with that header "
            "timestamp.");
  }
  {
    // Exactly two thirds of the weight is not a quorum (§2): 3 members of weight 1, one
    // down. The other two prevote the same block and precommit nil at the prevote
    // deadline; a ceil(2W/3) quorum would have finalized.
    const std::uint64_t three[] = {1, 1, 1};
    Script s(three, mempool);
    s.crash(2);
    s.start(0);
    s.start(1);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 0);
    s.deliver_all();
    s.fire_all(TimerKind::prevote_deadline, 0);
    s.deliver_all();
    for (std::size_t i = 0; i < 2; ++i) {
      require(!s.decided_block(i) && !s.host(i).machine().lock().held,
              "two-thirds scenario: no decision and no lock at two thirds of the weight");
    }
    s.write(w, "two_thirds_is_no_quorum",
            "3 members of weight 1, node 2 down: nodes 0 and 1 prevote the same block at their collect deadline, "
            "which is exactly two thirds of the weight and so no polka (3w > 2W fails); at the prevote deadline they "
            "precommit nil (rule no polka). Nothing is decided and no one locks.");
  }
  locked_in_round_0(true, "lock_announced",
                    "4 members of weight 1; every round-0 precommit is lost, so all lock on the round-0 block B and "
                    "are undecided at the prevote deadline, where each broadcasts the polka it locked on (rule "
                    "announce); round 0 ends and B finalizes in round 1.");
  // Commits are adopted only after the body checks (§3.4, §7.4): node 3 alone is up and
  // receives a commit certified by the other three members' precommits (colluding beyond
  // the fault bound) for a block of `reward` and `extra` transactions; it adopts nothing.
  const auto refused_commit = [&](std::uint64_t reward, std::span<const Buf> extra, std::string_view name,
                                  std::string_view description) {
    Script s(weights, mempool);
    s.crash(0);
    s.crash(1);
    s.crash(2);
    s.start(3);
    s.deliver_external(3, s.forged_commit(reward, extra, 3));
    require(!s.decided_block(3), std::string(name) + ": node 3 adopts nothing");
    s.write(w, name, description);
  };
  refused_commit(999, {}, "commit_with_another_coinbase_refused",
                 "4 members of weight 1; node 3 alone is up, at midnight. It receives a commit of height 1 whose "
                 "certificate is valid (the precommits of the other three) but whose block's coinbase splits a reward "
                 "of 999, not the chain's 1000: the body check refuses it (" +
                     std::string(round_errc_name(round_errc::bad_coinbase)) + ") and node 3 stores nothing.");
  {
    // The lock rule (§6) under policy B: node X alone locks on the round-0 block B (only it
    // receives the prevotes; its precommit and its polka announcement are lost). In round 1
    // the leader L, of best VRF rank, proposes its own block B'; X's leading message is L's
    // proposal, B' has no polka of a round at or after X's lock, so X MUST prevote nil. The
    // other three prevote B' and decide it in round 1, which X then adopts.
    Script s(weights, mempool, "vrf");
    std::size_t leader = 0;
    std::size_t locked = 0;
    for (std::size_t i = 1; i < s.size(); ++i) {
      if (s.vrf_rank(i, 1) < s.vrf_rank(leader, 1)) leader = i;
      if (s.vrf_rank(i, 1) > s.vrf_rank(locked, 1)) locked = i;
    }
    require(leader != locked, "lock-rule scenario: the locked node does not lead round 1");
    // Round 0: only X receives prevotes; precommits and polka announcements are lost.
    const auto round0 = [&](std::size_t, std::size_t to, std::span<const std::uint8_t> b) {
      const bool polka = b.size() >= 2 && b[1] == static_cast<std::uint8_t>(MessageType::polka);
      return !(is_prevote(b) && to != locked) && !is_precommit(b) && !polka;
    };
    s.start_all();
    s.deliver(round0);
    s.fire_all(TimerKind::collect_deadline, 0);
    s.deliver(round0);
    require(s.host(locked).machine().lock().held, "lock-rule scenario: X is locked");
    s.fire_all(TimerKind::prevote_deadline, 0);
    s.deliver(round0);
    s.end_round_0_and_collect_round_1();
    all_decide(s, 1, "lock-rule scenario");
    require(s.host(locked).decided_height() == kHeight, "lock-rule scenario: X adopts the decision");
    s.write(w, "lock_refuses_another_block",
            "4 members of weight 1, policy vrf. In round 0 only node " + std::to_string(locked) +
                " receives the prevotes, so it alone locks on the round-0 block; its precommit and its polka "
                "announcement are lost. In round 1 node " + std::to_string(leader) +
                ", of best VRF rank, leads with a proposal of its own block; the locked node's leading message "
                "names that block, which has no polka at or after its lock, so it prevotes nil (the lock rule). The "
                "other three prevote and decide the new block in round 1.");
  }
  {
    // The same with the chain's coinbase and a transaction the validity predicate refuses
    // (first byte 0xbd): the body's transaction checks refuse it (invalid_transaction).
    const Buf invalid[] = {Buf{0xbd, 0x01}};
    refused_commit(1000, invalid, "commit_with_invalid_transaction_refused",
                   "4 members of weight 1; node 3 alone is up, at midnight. It receives a commit of height 1 whose "
                   "certificate is valid (the precommits of the other three) and whose coinbase is right, but whose "
                   "block holds the transaction bd01, which the validity predicate refuses: the body check refuses "
                   "the commit (" +
                       std::string(body_errc_name(body_errc::invalid_transaction)) + ") and node 3 stores nothing.");
  }
  {
    // Rule "ask" and rule "answer": node 3 is down while the others decide (3 of 4 is a
    // quorum); it starts in round 1, asks, and each decided node sends it the commit.
    Script s(weights, mempool);
    s.crash(3);
    for (std::size_t i = 0; i < 3; ++i) s.start(i);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 0);  // node 3's proposal never comes
    s.deliver_all();
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 1));
    s.restart(3);
    s.start(3);
    s.deliver_all();
    all_decide(s, 0, "catch-up scenario");
    s.write(w, "catch_up_by_commit_request",
            "4 members of weight 1; node 3 is down at midnight and nodes 0-2 (a quorum) prevote at their collect "
            "deadline and finalize in round 0. Node 3 starts at S(1), late, and broadcasts a commit request; each "
            "decided node answers it with its commit (within its answer budget), and node 3 adopts the first and "
            "ignores the others.");
  }
  {
    // The journal contract: node 0 crashes after its round-0 prevote went out and comes
    // back in round 0 from its journal; its prevote is restored, not signed anew.
    Script s(weights, mempool);
    s.start_all();
    s.deliver_queued();  // the proposals: with all four in, each node prevotes at once
    s.crash(0);          // its prevote is out (queued), journaled before it went
    s.restart(0);
    s.start(0);
    s.deliver_all();
    all_decide(s, 0, "restart scenario");
    s.write(w, "restart_from_journal",
            "4 members of weight 1; when the four proposals are delivered every node prevotes (journaled first); "
            "node 0 then crashes and restarts from its journal: its prevote record is restored, so in round 0 it "
            "proposes again but signs no second prevote. The others reach a quorum with its first prevote and "
            "finalize; node 0, which lost the others' proposals in the crash, finalizes from their precommits too "
            "(the block is its own, whose body it holds) and stores a commit of them.");
  }
  {
    // Each check of §5.2, §5.3 and §7.4 that a member's forged message breaks, refused
    // with its error; then the honest run decides as in all_delivered.
    Script s(weights, mempool, "vrf");
    const std::size_t forger = s.member(3);  // node 3's key forges, node 0 receives
    s.start_all();
    s.deliver_external(0, s.forged_proposal(forger, 0, {.bad_signature = true}));    // before its real one
    s.deliver_external(0, s.forged_proposal(forger, 0, {.bad_vrf_proof = true}));
    s.deliver_external(0, s.forged_polka(forger, true));      // one entry's signature broken
    s.deliver_external(0, s.forged_reproposal(forger, 0));    // its polka is not of an earlier round
    s.deliver_queued();  // the proposals: every node prevotes
    s.deliver_external(0, s.forged_proposal(forger, 0, {.wrong_parent = true}));
    s.deliver_external(0, s.forged_proposal(forger, 0, {.wrong_timestamp = true}));
    s.deliver_external(0, s.forged_proposal(forger, 0, {.other_content = true}));  // a second one of round 0
    s.deliver_external(0, s.signed_prevote(forger, kHeight + 1, sha256(bytes_of("a block of height 2"))));  // noted
    s.deliver_external(0, s.forged_commit(Script::reward(), {}, 2));                        // two of four: no quorum
    s.deliver_external(0, s.forged_commit(Script::reward(), {}, 3, 1));  // a round-1 header, a round-0 certificate
    s.deliver_all();
    all_decide(s, 0, "forged messages");
    s.deliver_external(0, s.forged_commit(Script::reward(), std::vector<Buf>{bytes_of("another")}, 3));  // another block
    s.write(w, "forged_messages_refused",
            "4 members of weight 1, policy vrf; node 3's key signs messages that node 0 must refuse, each with its "
            "error: a round-0 proposal with one bit of its signature flipped (bad_signature, §5.2 step 5), one with "
            "one bit of its VRF proof flipped (bad_vrf_proof, step 6), a polka one of whose prevotes has a "
            "flipped bit (bad_polka, §5.4 \"Receiving a polka\" step 6), a re-proposal in round 0 of a round-0 "
            "polka (bad_polka, \"Receiving a re-proposal\" step 3), then, after the "
            "real proposals, round-0 proposals with another parent (wrong_parent) or timestamp (wrong_timestamp, "
            "§5.2 step 2) or other content (conflicting_proposal, step 4); a prevote of the next height (noted: "
            "rule ask, §7.5); a commit certified by two of four, and one whose header is of round 1 and its "
            "certificate of round 0 (block_mismatch, §7.4 step 4); and once every node decided, a commit "
            "of another block certified by three of four (conflicting_commit, §7.5).");
  }
  {
    // A node brought ahead of the clock by a skip (§5.5), and restarted before the clock
    // catches up: it MUST start the round of its restored prevote, not the clock's
    // (§5.1); and once in round 5 a vote of round 3, below its window, is refused.
    Script s(weights, mempool);
    s.run_alone(0);  // the others' keys sign
    s.start(0);
    for (std::size_t i = 1; i < s.size(); ++i) s.deliver_external(0, s.forged_proposal(s.member(i), 5, {}));
    require(s.host(0).machine().round() == 5, "ahead of the clock: node 0 skipped to round 5");
    // The first of them came while round 5 was above its window, and was not stored (§5.2).
    s.deliver_external(0, s.forged_proposal(s.member(1), 5, {}));
    s.deliver_external(0, s.signed_prevote(s.member(1), kHeight, sha256(bytes_of("a round-3 block")), 3));
    s.crash(0);
    s.restart(0);
    s.start(0);
    require(s.host(0).machine().round() == 5, "ahead of the clock: the restarted node starts round 5");
    s.write(w, "restart_ahead_of_the_clock",
            "4 members of weight 1; only node 0 runs, at midnight (round 0). The other three members' round-5 "
            "proposals make it skip to round 5 (rule skip, §5.5); the first, which came while round 5 was above its "
            "window, comes again, and holding a message of every member it prevotes at once; a prevote of round 3, below its window, is refused (round_behind_window, §5.3). It "
            "crashes and restarts with the clock still in round 0: it starts round 5, the round of its restored "
            "prevote (§5.1, journal.md §4.2 step 4), and proposes in it again.");
  }
  {
    // §5.3: a member's first two different votes of a step both count (equivocation is
    // counted, so it cannot hide a quorum); a third and later ones change nothing. Nodes 2
    // and 3 are down; node 3's key equivocates. Nodes 0 and 1 prevote block B (weight 2).
    Script s(weights, mempool);
    s.crash(2);
    s.crash(3);
    const std::size_t equivocator = s.member(3);
    s.start(0);
    s.start(1);
    s.deliver_all();
    s.fire_all(TimerKind::collect_deadline, 0);
    s.deliver_all();
    const Vote* prevote = s.host(0).machine().prevote_of(0);
    require(prevote != nullptr && prevote->approve, "equivocation scenario: node 0 prevoted a block");
    const BlockId b = prevote->block_id;
    const BlockId x = sha256(bytes_of("block x"));
    const BlockId y = sha256(bytes_of("block y"));
    for (const BlockId& id : {x, y, b}) s.deliver_external(0, s.signed_prevote(equivocator, kHeight, id));
    require(!s.host(0).machine().lock().held, "equivocation scenario: a third vote is not counted");
    for (const BlockId& id : {x, b}) s.deliver_external(1, s.signed_prevote(equivocator, kHeight, id));
    require(s.host(1).machine().lock().held, "equivocation scenario: a second vote is counted");
    s.deliver_all();
    s.fire_all(TimerKind::prevote_deadline, 0);
    s.deliver_all();
    s.write(w, "equivocation_counted_twice_at_most",
            "4 members of weight 1, nodes 2 and 3 down; nodes 0 and 1 prevote block B at their collect deadline "
            "(weight 2 of 4). Node 3's key then equivocates (spec/protocol.md §5.3: a member's first two different "
            "votes of a step both count, a third and later ones change nothing): node 0 receives its prevotes for "
            "X, Y and then B, and the third is not counted, so B has no polka there; node 1 receives its prevotes "
            "for X and then B, and the second counts, so B has a polka of weight 3 and node 1 locks on it and "
            "precommits it. At the prevote deadline node 0 precommits nil.");
  }
  {
    // §7.5: a proposal or vote of a later height is only authenticated and noted (rule
    // ask); it counts toward no quorum and no skip of the height being decided.
    Script s(weights, mempool);
    s.run_alone(0);
    s.start(0);
    const BlockId x = sha256(bytes_of("a block of height 2"));
    for (std::size_t i = 1; i < s.size(); ++i)
      s.deliver_external(0, s.signed_vote(s.member(i), kHeight + 1, x, 0, VoteStep::prevote));
    for (std::size_t i = 1; i < s.size(); ++i)
      s.deliver_external(0, s.signed_vote(s.member(i), kHeight + 1, x, 0, VoteStep::precommit));
    for (std::size_t i = 1; i < 3; ++i)
      s.deliver_external(0, s.signed_vote(s.member(i), kHeight + 1, x, 1, VoteStep::prevote));
    require(s.host(0).machine().round() == 0 && !s.decided_block(0) && !s.host(0).machine().lock().held,
            "later-height votes: nothing counted");
    s.write(w, "later_height_votes_noted",
            "4 members of weight 1; only node 0 runs, at midnight. The other three members' keys sign a quorum of "
            "prevotes and one of precommits of height 2, round 0, and two prevotes of height 2, round 1: each is "
            "authenticated and noted (rule ask, spec/protocol.md §7.5), and none counts at height 1: no polka, no "
            "lock, no decision, and no skip to round 1 (§5.5 counts messages of the height being decided).");
  }
  {
    // Rule "replace" (§5.2 step 4) and rule "hold" (§5.7): a proposal with the node's own
    // Merkle root replaces a stored one of the same round and proposer with another root,
    // and a body no stored proposal names is refused.
    Script s(weights, mempool);
    const std::size_t sender = s.member(1);
    s.start_all();
    s.deliver_external(0, s.forged_proposal(sender, 0, {.other_content = true}));
    s.deliver_external(0, s.forged_body(s.member(2), 0, {.other_content = true}));
    s.deliver_all();
    all_decide(s, 0, "replace scenario");
    s.write(w, "own_root_replaces_a_proposal",
            "4 members of weight 1, all at midnight. Before the proposals travel, node 0 receives a round-0 proposal "
            "signed by node 1's key whose block holds a transaction node 0 lacks: it stores it, and asks node 1 for "
            "the body (rule fetch; node 1 holds no such body: body_not_held). It then receives the body of a "
            "round-0 block of node 2's key with that transaction, which no proposal it stored names "
            "(unsolicited_body, rule hold, spec/protocol.md §5.7). When node 1's own proposal arrives, whose root is "
            "node 0's own, it replaces the stored one (rule replace, §5.2 step 4), and all four finalize as in "
            "all_delivered.");
  }
  {
    // Rule "serve" (§5.7): a body request from a member is answered with the block message,
    // at most kMaxBodyAnswers times per member and height; another member's budget is its own.
    Script s(weights, mempool);
    s.run_alone(0);
    s.start(0);
    const BlockId own = s.forged_block_id(s.member(0), 0, {});
    const Buf request = s.body_request(s.member(1), own);
    for (std::size_t k = 0; k <= kMaxBodyAnswers; ++k) s.deliver_external(0, request);
    s.deliver_external(0, s.body_request(s.member(2), own));
    s.deliver_external(0, s.body_request(s.member(2), sha256(bytes_of("a block not held"))));
    s.write(w, "bodies_served_within_a_budget",
            "4 members of weight 1; only node 0 runs, at midnight, and proposes. Node 1's key asks it " +
                std::to_string(kMaxBodyAnswers + 1) +
                " times for the body of its block: the first " + std::to_string(kMaxBodyAnswers) +
                " are answered with the block message (rule serve, spec/protocol.md §5.7), the last is refused "
                "(body_answers_spent). Node 2's key then asks once, answered from its own budget, and asks for a "
                "block node 0 does not hold (body_not_held).");
  }
  {
    // §5.3 and journal.md: a node sends one vote per (round, step). A node that prevoted
    // its own block, the only one it held, restarts; now holding all four proposals, it
    // re-sends its restored prevote rather than sign one for the best block.
    Script s(weights, mempool);
    std::size_t k = 0;
    for (std::size_t i = 1; i < s.size(); ++i)
      if (s.forged_block_id(s.member(i), 0, {}) > s.forged_block_id(s.member(k), 0, {})) k = i;
    s.run_alone(k);
    s.start(k);
    s.fire_all(TimerKind::collect_deadline, 0);
    const Vote* before = s.host(k).machine().prevote_of(0);
    require(before != nullptr && before->block_id == s.forged_block_id(s.member(k), 0, {}),
            "restored-vote scenario: the node prevoted its own block");
    s.crash(k);
    s.restart(k);
    s.start(k);
    for (std::size_t i = 0; i < s.size(); ++i)
      if (i != k) s.deliver_external(k, s.forged_proposal(s.member(i), 0, {}));
    const Vote* after = s.host(k).machine().prevote_of(0);
    require(after != nullptr && after->block_id == s.forged_block_id(s.member(k), 0, {}),
            "restored-vote scenario: the restored prevote stands");
    s.write(w, "restored_prevote_sent_again",
            "4 members of weight 1; only node " + std::to_string(k) +
                " runs, whose round-0 block has the highest id of the four. At its collect deadline it holds only "
                "its own proposal and prevotes it (journaled first). It crashes and restarts in round 0 from its "
                "journal; then the other three members' round-0 proposals arrive, and with all four held the "
                "lowest id would lead, but a node signs one vote per round and step (spec/protocol.md §5.3, "
                "journal.md §4.2): it sends its restored prevote again, not a new one.");
  }
  {
    // §4.6 under policies A and C: a re-proposal leads its round before every new
    // proposal (the higher polka round first), whatever the block ids.
    Script s(weights, mempool);
    std::optional<std::pair<std::size_t, std::size_t>> pick;  // (the running node, the reproposer)
    for (std::size_t k = 0; k < s.size() && !pick; ++k) {
      for (std::size_t a = 0; a < s.size() && !pick; ++a) {
        if (a == k) continue;
        const BlockId carried = s.forged_block_id(s.member(a), 0, {});
        for (std::size_t b = 0; b < s.size(); ++b)
          if (b != a && s.forged_block_id(s.member(b), 1, {}) < carried) pick = std::pair{k, a};
      }
    }
    require(pick.has_value(), "re-proposal scenario: a new proposal with a lower id than the re-proposed block");
    const auto [k, a] = *pick;
    s.run_alone(k);
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 1));
    s.start(k);
    s.deliver_external(k, s.forged_reproposal(s.member(a), 1));
    for (std::size_t i = 0; i < s.size(); ++i)
      if (i != k && i != a) s.deliver_external(k, s.forged_proposal(s.member(i), 1, {}));
    const Vote* prevote = s.host(k).machine().prevote_of(1);
    require(prevote != nullptr && prevote->approve && prevote->block_id == s.forged_block_id(s.member(a), 0, {}),
            "re-proposal scenario: the re-proposed block is prevoted");
    s.write(w, "reproposal_leads_its_round",
            "4 members of weight 1, policy lowest-hash; only node " + std::to_string(k) +
                " runs, from S(1), so in round 1, where it proposes. Node " + std::to_string(a) +
                "'s key re-proposes its round-0 block with a polka of round 0, and the other two members propose "
                "new round-1 blocks; at least one of the three new blocks has a lower id than the re-proposed one. With a round message of "
                "every member it prevotes at once, for the re-proposed block: under policies A and C re-proposals "
                "lead their round before every new proposal (spec/protocol.md §4.6).");
  }
  {
    // §7.3 and rule "answer" (§7.5): the decision takes the round of its quorum, here
    // below the node's round, and only a late message of a later round is answered.
    Script s(weights, mempool);
    s.run_alone(0);
    s.advance_to(round_start_ms(kMidnightMs, RoundTiming{}, 1));
    s.start(0);
    for (std::size_t i = 1; i < 3; ++i) s.deliver_external(0, s.forged_proposal(s.member(i), 2, {}));
    require(s.host(0).machine().round() == 2, "decision-round scenario: node 0 skipped to round 2");
    s.deliver_external(0, s.forged_proposal(s.member(3), 1, {}));
    const BlockId decided = s.forged_block_id(s.member(3), 1, {});
    for (std::size_t i = 1; i < s.size(); ++i)
      s.deliver_external(0, s.signed_vote(s.member(i), kHeight, decided, 1, VoteStep::precommit));
    require(s.decided_block(0) == decided, "decision-round scenario: node 0 decided the round-1 block");
    s.deliver_external(0, s.signed_vote(s.member(1), kHeight, decided, 1, VoteStep::prevote));
    s.deliver_external(0, s.signed_vote(s.member(2), kHeight, s.forged_block_id(s.member(2), 2, {}), 2, VoteStep::prevote));
    s.write(w, "late_message_after_an_earlier_round_decision",
            "4 members of weight 1; only node 0 runs, from S(1), so in round 1. Two members' round-2 proposals make "
            "it skip to round 2 (rule skip, spec/protocol.md §5.5). A round-1 proposal and a quorum of round-1 "
            "precommits for its block then arrive: node 0 finalizes it in round 1, the round of the quorum, not its "
            "own (§7.3). A late prevote of round 1 gets no answer (not after the decision's round); a late prevote "
            "of round 2 is answered with the commit (rule answer, §7.5).");
  }
  {
    // journal.md §4.2 and adapter.md §3.8: a journal whose replay fails (a damaged frame
    // with an intact one after it) is refused, and the node signs nothing at the height.
    Script s(weights, mempool);
    s.start_all_and_lose_precommits();
    require(s.host(0).machine().lock().held, "damaged journal: node 0 is locked");
    s.crash(0);
    Buf damaged = s.journal(0);
    require(damaged.size() >= 2 * kJournalFrameSize, "damaged journal: several frames");
    damaged[kJournalFrameSize / 2] ^= 0x01;  // inside the first frame
    require(!s.restart_with_journal(0, damaged), "damaged journal: the replay fails");
    s.start(0);
    s.fire_all(TimerKind::prevote_deadline, 0);
    s.deliver_all();
    s.end_round_0_and_collect_round_1();
    s.write(w, "restart_with_damaged_journal",
            "4 members of weight 1; every round-0 precommit is lost, so all lock on the round-0 block (polka, "
            "precommit and lock journaled). Node 0 crashes and its journal's first frame is damaged (one bit "
            "flipped) with intact frames after it: the restart is refused (corrupt_frame, journal.md §3, §4.2; "
            "adapter.md §3.8), and node 0, not knowing what it signed, starts no round and signs nothing at the "
            "height. The other three carry on as in lock_carried_into_next_round.");
  }
  {
    // journal.md §4.2: the records read before the one that fails stay restored. The lock
    // record (the last frame) is damaged and an intact frame follows it: corrupt_frame,
    // yet the approving precommit read before it restores the lock.
    Script s(weights, mempool);
    s.start_all_and_lose_precommits();
    s.crash(0);
    Buf damaged = s.journal(0);
    require(damaged.size() >= 2 * kJournalFrameSize, "partly read journal: several frames");
    damaged[damaged.size() - kJournalFrameSize / 2] ^= 0x01;  // inside the last frame, the lock record
    damaged.insert(damaged.end(), s.journal(0).begin(), s.journal(0).begin() + kJournalFrameSize);  // intact
    require(!s.restart_with_journal(0, damaged), "partly read journal: the replay fails");
    require(s.host(0).machine().lock().held, "partly read journal: the lock is restored");
    s.start(0);
    s.write(w, "restart_keeps_what_it_read",
            "4 members of weight 1; every round-0 precommit is lost, so all lock on the round-0 block. Node 0 "
            "crashes; its journal's last frame (the lock record) is damaged and an intact frame (its first, again) "
            "follows: the restart is refused (corrupt_frame), but the records read before the damaged frame stay "
            "restored (journal.md §4.2): the approving precommit restores the lock, which node 0's state shows at "
            "the end. The start after it sends nothing.");
  }
  write_recorded_scenarios(w);
  w.end_array();
  w.end_object();
}

}  // namespace midnight::cli::vectors
