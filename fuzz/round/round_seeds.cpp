#include "round/round_seeds.hpp"

#include "midnight/sim/config.hpp"
#include "round/round_script.hpp"

namespace midnight::fuzz {

namespace {

using round::ByzChoice;
using round::ByzStep;
using round::GarbageKind;
using round::ScriptWriter;

constexpr auto kAgree = static_cast<std::uint8_t>(ByzChoice::agree);
constexpr auto kBeforeStep = static_cast<std::uint8_t>(sim::CrashPoint::before_step);
constexpr auto kTornAppend = static_cast<std::uint8_t>(sim::CrashPoint::torn_append);
constexpr auto kAfterSync = static_cast<std::uint8_t>(sim::CrashPoint::after_sync);

// Rounds go on until every honest node has finalized: each node's next deadline, the
// traffic it causes, and a Byzantine member that agrees with every honest prevote of any
// round it can name (with a third of the weight, honest nodes alone are not a quorum;
// nodes need not be in the same round, and an agreement already sent is a duplicate).
void run_rounds(ScriptWriter& w, int deadlines) {
  for (int d = 0; d < deadlines; ++d) {
    w.tick().deliver_all();
    for (std::uint8_t r = 0; r < round::kByzRounds; ++r) w.byz_mirror(r);
    w.deliver_all().deliver_all();
  }
}

// Round 0 with everyone on time: all proposals (the Byzantine one with honest content)
// arrive, every node prevotes the lowest block id, the Byzantine member agrees, and the
// precommits finalize it.
ScriptWriter happy(std::size_t preset, ScriptWriter::Options options = {}) {
  ScriptWriter w(preset, options);
  if (options.late_start)
    for (std::uint8_t n = 0; n < w.all_honest(); ++n) w.start_round(n);
  w.byz_propose(w.all_honest(), 0, false).deliver_all();
  w.byz_vote(w.all_honest(), 0, ByzStep::both, kAgree);
  w.deliver_all().deliver_all().deliver_all();
  return w;
}

// Node 0 of {1,1,1,1} crashes at `point` around its round-0 prevote and restarts from its
// journal in the same round; the others (a quorum by themselves) and it then finish.
ScriptWriter crash_restart(std::uint8_t point) {
  ScriptWriter w(1, {});
  w.deliver_all();
  if (point == kBeforeStep) {
    w.tick().crash(0, point);  // after its prevote went out
  } else {
    w.crash(0, point, 100).tick();  // inside its prevote step: 100/256 of the append, or all of it
  }
  // Back in round 0 at once; its collect deadline (its first timer) makes it send its
  // journaled prevote again, or (torn away) prevote anew.
  w.restart(0, 0).fire_timer(0, 0).deliver_all().deliver_all().deliver_all();
  run_rounds(w, 6);
  return w;
}

}  // namespace

std::vector<std::pair<std::string, std::vector<std::uint8_t>>> round_fuzzer_seeds() {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seeds;
  const auto add = [&](std::string name, const ScriptWriter& w) { seeds.emplace_back(std::move(name), w.bytes()); };

  for (std::size_t p = 0; p < round::kPresetCount; ++p) {
    std::string name = "happy-";
    for (const char c : round::kPresets[p].name) name += c == ',' ? '-' : c;
    add(name, happy(p));
  }
  add("happy-late-start-first-to-quorum", happy(2, {.late_start = true, .first_to_quorum = true, .mempool_order = 5}));
  add("happy-vrf", happy(3, {.vrf = true, .mempool_order = 9}));
  {
    // Divergent mempools: every honest block differs, so the bodies of the best-ranked
    // proposals are fetched and served before anyone can prevote; the Byzantine member
    // asks for a body and sends a body that is not the header's.
    ScriptWriter w = happy(1, {.divergent = true});
    w.byz_garbage(w.all_honest(), GarbageKind::body_request).byz_garbage(0, GarbageKind::bad_body);
    w.byz_garbage(1, GarbageKind::bad_body, 1).deliver_all();
    run_rounds(w, 4);
    add("divergent-bodies", w);
  }
  add("divergent-bodies-vrf", happy(3, {.vrf = true, .divergent = true}));
  // Body reconciliation (round_script.hpp, byz_garbage kinds 9 to 11), pick = proposal
  // seen * kReconcileVariants + variant.
  const auto pick = [](std::size_t proposal, std::size_t variant) {
    return static_cast<std::uint8_t>(proposal * round::kReconcileVariants + variant);
  };
  {
    // Divergent mempools, {1,1,1,1}: the proposals arrive and each node opens fetches of
    // the bodies it ranks best; the Byzantine member, ahead of the proposers, answers
    // every node for every proposal with the true sketch and then exactly the lacked
    // transactions, which complete those fetches (the proposers' answers come late).
    ScriptWriter w(1, {.divergent = true});
    w.deliver_all();
    for (std::uint8_t p = 0; p < 3; ++p) w.byz_garbage(w.all_honest(), GarbageKind::bad_sketch, pick(p, 0)).deliver_all();
    for (std::uint8_t p = 0; p < 3; ++p)
      w.byz_garbage(w.all_honest(), GarbageKind::bad_transactions, pick(p, 0)).deliver_all();
    run_rounds(w, 4);
    add("reconcile-byzantine-true-answers", w);
  }
  {
    // The same fetches met with false answers: a sketch with a wrong count, random cells,
    // one too large; and after a true sketch, one transaction more, one wrong, one the node
    // holds already. Each fetch falls back to the whole block, and the rounds finish.
    ScriptWriter w(1, {.divergent = true});
    w.deliver_all();
    for (std::uint8_t v = 1; v < round::kReconcileVariants; ++v)
      for (std::uint8_t p = 0; p < 3; ++p) w.byz_garbage(w.all_honest(), GarbageKind::bad_sketch, pick(p, v));
    w.deliver_all().deliver_all();
    ScriptWriter again(2, {.mempool_order = 3, .divergent = true});
    again.deliver_all();
    for (std::uint8_t p = 0; p < 3; ++p) again.byz_garbage(again.all_honest(), GarbageKind::bad_sketch, pick(p, 0));
    again.deliver_all();
    for (std::uint8_t v = 1; v < round::kReconcileVariants; ++v)
      for (std::uint8_t p = 0; p < 3; ++p) again.byz_garbage(p, GarbageKind::bad_transactions, pick(p, v));
    again.deliver_all().deliver_all();
    run_rounds(w, 4);
    run_rounds(again, 4);
    add("reconcile-byzantine-false-sketches", w);
    add("reconcile-byzantine-false-transactions", again);
  }
  {
    // Divergent mempools: the Byzantine member asks every node, for each proposal, for a
    // sketch (with the pool's sample, and with none) and for transactions (pool ones, and
    // ids of nothing); holders answer within kMaxBodyAnswers.
    ScriptWriter w(3, {.divergent = true});
    w.deliver_all();
    for (std::uint8_t v = 0; v < round::kReconcileVariants; ++v)
      for (std::uint8_t p = 0; p < 3; ++p) w.byz_garbage(w.all_honest(), GarbageKind::reconcile_request, pick(p, v));
    w.deliver_all();
    run_rounds(w, 4);
    add("reconcile-byzantine-requests", w);
  }
  {
    // Shared mempools, {1,1,1}: the Byzantine member proposes a root no one holds (the
    // pool's header with another root), so nodes that rank it best ask it for a sketch;
    // it answers with the pool's true sketch and transactions, which assemble a body that
    // is not the header's: the node asks it for the whole block, and is sent a bad one.
    ScriptWriter w(0, {});
    w.byz_propose(w.all_honest(), 0, true).deliver_all();
    const std::uint8_t seen = 3;  // the proposals seen: the two honest ones, then its own
    for (std::uint8_t p = 0; p < seen; ++p) w.byz_garbage(w.all_honest(), GarbageKind::bad_sketch, pick(p, 0));
    w.deliver_all();
    for (std::uint8_t p = 0; p < seen; ++p) w.byz_garbage(w.all_honest(), GarbageKind::bad_transactions, pick(p, 0));
    w.deliver_all();
    w.byz_garbage(w.all_honest(), GarbageKind::bad_body).deliver_all();
    run_rounds(w, 4);
    add("reconcile-byzantine-forged-root", w);
  }
  {
    // Policy B, {1,1,2,2}: the Byzantine member sends node 0 its proposal with a broken VRF
    // proof (refused there) and the others the honest one, then the round runs out.
    ScriptWriter w(3, {.vrf = true});
    w.byz_propose(0, 0, false, true, true).byz_propose(1, 0, false).byz_propose(2, 0, false).deliver_all();
    run_rounds(w, 3);
    add("vrf-byzantine-bad-proof", w);
  }

  add("crash-before-step", crash_restart(kBeforeStep));
  add("crash-torn-append", crash_restart(kTornAppend));
  add("crash-after-sync", crash_restart(kAfterSync));

  {
    // {1,1,1,1} split 2|2 (nodes 0,1 against node 2 and the Byzantine node 3): neither
    // side is a quorum; round 0 runs out, then the heal and the next rounds finish.
    ScriptWriter w(1, {});
    w.partition(0b0011).deliver_all();
    for (int deadline = 0; deadline < 3; ++deadline) w.tick().deliver_all().deliver_all();
    w.heal().deliver_all();
    run_rounds(w, 6);
    add("partition-heal", w);
  }
  {
    // {1,1,1} with the Byzantine member at W/3: two proposals (honest content to node 0,
    // another root to node 1), then votes for each node's own choice and for the first
    // proposal seen, junk and replays; the honest pair must not split.
    ScriptWriter w(0, {});
    w.byz_propose(0, 0, false).byz_propose(1, 0, true).deliver_all();
    w.tick().deliver_all();
    w.byz_vote(w.all_honest(), 0, ByzStep::both, kAgree);
    w.byz_vote(0, 0, ByzStep::both, round::kByzFixedChoices + 1, true, true);
    w.byz_garbage(w.all_honest(), GarbageKind::bad_signature).byz_garbage(0, GarbageKind::cut_vote);
    w.byz_replay(1, 2).deliver_all().deliver_all();
    run_rounds(w, 9);
    add("byzantine-equivocation", w);
  }
  {
    // {1,1,1,1}: node 0 is cut off while nodes 1 and 2 run through rounds 0 to 4 on their
    // own deadlines (half the weight: no quorum). At the heal their messages reach node 0,
    // oldest first, each round's from more than a third of the weight ahead of it, so it
    // skips round after round to theirs (rule "skip"). Nodes 1 and 2 then move one
    // deadline on, which puts the three in step (their clocks are their own), and the
    // honest nodes, a quorum, finish in round 5.
    ScriptWriter w(1, {});
    w.partition(0b0001).deliver_all();
    for (int step = 0; step < 13; ++step) w.fire_timer(1, 0).fire_timer(2, 0).deliver_all();
    w.heal().deliver_all().deliver_all();
    w.fire_timer(1, 0).fire_timer(2, 0).deliver_all();
    run_rounds(w, 12);
    add("round-skip-after-partition", w);
  }
  {
    // {1,1,1}: round 0 reaches a polka (both honest nodes and the Byzantine member prevote
    // the lowest block) but every precommit is cut off, so both are locked on it in
    // round 1 and re-propose it with its polka (one re-proposal message each); the
    // Byzantine member re-proposes it too, with and without a signer, then agrees.
    ScriptWriter w(0, {});
    w.byz_propose(w.all_honest(), 0, false).deliver_all();
    w.byz_vote(w.all_honest(), 0, ByzStep::prevote, kAgree, true, true);
    w.deliver_all().partition(0b001);
    for (int deadline = 0; deadline < 4; ++deadline) w.tick().deliver_all();
    w.heal().deliver_all();
    w.byz_repropose(w.all_honest(), 0, 0, true, true, true).byz_repropose(w.all_honest(), 0, 1, true, false, true);
    w.byz_repropose(0, 1, 0, false, false, true);
    w.byz_repropose(w.all_honest(), 0, 0, true, false, true, true);
    run_rounds(w, 6);
    add("reproposal-after-lost-precommits", w);
  }
  {
    // {1,1,1}: the Byzantine member, at a third of the weight, sends prevotes of rounds far
    // ahead (beyond every window, and the last round there is) and of round 2^32 - 1: the
    // first are counted toward the skip, which its third alone never triggers; the
    // rounds then go on as usual.
    ScriptWriter w(0, {});
    w.byz_garbage(w.all_honest(), GarbageKind::far_round, 0).byz_garbage(w.all_honest(), GarbageKind::far_round, 1);
    w.byz_garbage(w.all_honest(), GarbageKind::far_round, 7).byz_garbage(w.all_honest(), GarbageKind::far_round, 13);
    w.byz_garbage(w.all_honest(), GarbageKind::round_out_of_range).deliver_all();
    w.tick().deliver_all().tick().tick().deliver_all();
    w.byz_garbage(0, GarbageKind::far_round, 2).deliver_all();
    run_rounds(w, 6);
    add("byzantine-far-rounds", w);
  }
  {
    // {1,1,1,1}: node 2 is down while the others decide round 0 (three of four are a
    // quorum); the Byzantine member then asks every decided node for the commit again and
    // again, and for a height no one has decided, and sends it a late vote: each host
    // answers it once in the window (kCommitAnswersPerWindow bounds it). Node 2 comes
    // back two rounds later, is behind, asks, and adopts the commit it is sent.
    ScriptWriter w(1, {});
    w.crash(2, kBeforeStep);
    w.byz_propose(w.all_honest(), 0, false).deliver_all();
    w.byz_vote(w.all_honest(), 0, ByzStep::both, kAgree);
    w.deliver_all().deliver_all().deliver_all();
    for (int i = 0; i < 6; ++i) w.byz_garbage(w.all_honest(), GarbageKind::commit_request, 0);
    w.byz_garbage(w.all_honest(), GarbageKind::commit_request, 1).deliver_all();
    w.byz_vote(0, 0, ByzStep::prevote, kAgree, true, true);
    w.restart(2, 2).deliver_all().deliver_all();
    add("catch-up-and-commit-requests", w);
  }
  return seeds;
}

}  // namespace midnight::fuzz
