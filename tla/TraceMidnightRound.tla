------------------------- MODULE TraceMidnightRound -------------------------
(***************************************************************************)
(* Trace validation: TLC accepts a trace of the C++ simulator only if it    *)
(* is a behaviour of MidnightRound. The simulator writes what every honest *)
(* node's round machine did at one height, step by step (`midnight         *)
(* simulate --model-trace DIR`, reference/include/midnight/sim/            *)
(* model_trace.hpp); `midnight trace-module` turns the ndjson into the      *)
(* module TraceData, whose TraceLog is the lines as records. Each "step"    *)
(* line must be taken by the model action it names, with the votes it      *)
(* sent, and a line that ends a host event must leave the node in the      *)
(* state it logged (round, step, lock, decision). The idea is CCF's        *)
(* (tla/consensus/Traceccfraft.tla).                                        *)
(*                                                                         *)
(* The model's constants come from the trace: the members, their weights,  *)
(* the Byzantine ones and the quorum weight. Rounds run to the highest     *)
(* round an honest node reached. The network is left asynchronous and      *)
(* unpartitioned: a node may act on any subset of what was sent, which is  *)
(* what every loss, delay and partition of the simulator gives it.         *)
(* Blocks are the proposals the trace names, with a variant number for a   *)
(* Byzantine proposer's second block of a round (an equivocation), so      *)
(* every block record has four fields; the definitions that build blocks   *)
(* are replaced (TraceMidnightRound.cfg). Byzantine messages are those the *)
(* Byzantine members actually signed, present from the start as in the     *)
(* model, so a quorum must be made of votes that were sent.                *)
(*                                                                         *)
(* Accepted: TLC reports the invariant TraceIncomplete violated, i.e. it   *)
(* reached a state where every line has been matched. Rejected: TLC ends   *)
(* with no error (no behaviour of the model matches the whole trace; the   *)
(* search depth says how many lines did), or with another invariant of the *)
(* model violated along the trace. tla/run_trace.sh says which.            *)
(***************************************************************************)
EXTENDS MidnightRound, TraceData, Sequences, TLC

\* The trace's lines, TraceData's TraceLog (TraceMidnightRound.cfg: Log <- TraceLog),
\* as a constant: TLC evaluates a constant's replacement once, where it would rebuild
\* a definition of TraceData at every use.
CONSTANT Log

VARIABLE l  \* the next step line to match

\* (Each LET L == Log evaluates Log once: while TLC is still computing the constant
\* definitions, a plain Log[j] would build the whole trace again at every j.)
Line(k) == LET L == Log IN {L[i] : i \in {j \in DOMAIN L : L[j].kind = k}}
Header == CHOOSE x \in Line("trace") : TRUE
Members == Line("member")
BlockLines == Line("block")
VoteLines == Line("vote")
\* The step lines come last, in order (model_trace.hpp): StepLine(k) is the k-th.
\* (Indexing Log beats SelectSeq, which TLC would evaluate again at every use.)
NHead == LET L == Log IN Cardinality({j \in DOMAIN L : L[j].kind /= "step"})
NSteps == Len(Log) - NHead
StepLine(k) == Log[NHead + k]
ASSUME LET L == Log IN \A k \in 1 .. NSteps : L[NHead + k].kind = "step"

----------------------------------------------------------------------------
(* The model's constants, from the trace.                                  *)

TraceNodes == {m.id : m \in Members}
TraceWeight == [n \in TraceNodes |-> (CHOOSE m \in Members : m.id = n).weight]
TraceByzantine == {m.id : m \in {x \in Members : ~x.honest}}
\* The protocol's quorum weight, not the one the trace states: a run of a weaker quorum
\* (the negative control quorum-ceil) must not bring its own.
TraceQuorum == QuorumThreshold(TotalWeight)
\* The highest round an honest step names (a Byzantine member may sign any round).
TraceMaxRound == LET L == Log IN Max({L[NHead + k].round : k \in 1 .. NSteps} \cup {0})
TraceMaxRestarts == LET L == Log IN Cardinality({k \in 1 .. NSteps : L[NHead + k].action = "restart"})
\* Ranks play no part in an asynchronous round.
TraceRank(b) == 0
TraceSenderRank(m, r) == 0

----------------------------------------------------------------------------
(* Blocks: [proposer, round, valid, variant].                              *)

Rec(b) == [proposer |-> b.proposer, round |-> b.round, valid |-> b.valid, variant |-> b.variant]
TraceNil == [proposer |-> "nil", round |-> -1, valid |-> FALSE, variant |-> 0]
TraceGhost == [proposer |-> "ghost", round |-> 0, valid |-> FALSE, variant |-> 0]
TraceOwnBlock(n, r) == [proposer |-> n, round |-> r, valid |-> TRUE, variant |-> 0]
InRange == {b \in BlockLines : b.round <= TraceMaxRound}
BlockTable == LET B == BlockLines IN [id \in {b.id : b \in B} |-> Rec(CHOOSE b \in B : b.id = id)]
\* A block id of the trace as a block of the model: "nil", a proposal, or a block
\* nobody proposed (a Byzantine vote for garbage), Ghost.
BlockOf(id) ==
    IF id = "nil" THEN TraceNil
    ELSE IF id \in DOMAIN BlockTable THEN BlockTable[id] ELSE TraceGhost
\* An honest node's blocks of every round (its round message may be a re-proposal,
\* but the model's StartRound adds its own block anyway), and the proposals in range.
TraceValidBlocks ==
    {Rec(b) : b \in {x \in InRange : x.valid}} \cup {TraceOwnBlock(n, r) : n \in Honest, r \in Rounds}
TraceInvalidBlocks == {Rec(b) : b \in {x \in InRange : ~x.valid}}
TraceByzantineProposals == {Rec(b) : b \in {x \in InRange : x.proposer \in Byzantine}}
ByzantineVotesOf(s) ==
    {[src |-> v.src, round |-> v.round, block |-> BlockOf(v.block)] :
        v \in {x \in VoteLines : x.step = s /\ x.round <= TraceMaxRound}}
\* Rule "skip" counts a member's message of any round, a Byzantine one above the
\* trace's rounds included.
TraceAheadFrom(n, t) ==
    {p.proposer : p \in {q \in proposals : q.round >= t}}
    \cup {v.src : v \in {x \in prevotes \cup precommits : x.round >= t}}
    \cup {b.proposer : b \in {x \in BlockLines : x.round >= t}}
    \cup {v.src : v \in {x \in VoteLines : x.round >= t}}

----------------------------------------------------------------------------
(* The behaviour.                                                          *)

TraceInit ==
    /\ healRound = 0
    /\ round = [n \in Honest |-> 0]
    /\ step = [n \in Honest |-> "collect"]
    /\ lockedBlock = [n \in Honest |-> Nil]
    /\ lockedRound = [n \in Honest |-> -1]
    /\ decision = [n \in Honest |-> Nil]
    /\ decisionRound = [n \in Honest |-> -1]
    /\ proposals = ByzantineProposals \cup {OwnBlock(n, 0) : n \in Honest}
    /\ prevotes = ByzantineVotesOf("prevote")
    /\ precommits = ByzantineVotesOf("precommit")
    /\ bodies = [n \in Honest |-> {OwnBlock(n, 0)}]
    /\ roundMsg = [n \in Honest |-> <<OwnBlock(n, 0), -1>>]
    /\ restarts = 0
    /\ l = 1

TraceVote(e) == [src |-> e.node, round |-> e.round, block |-> BlockOf(e.block)]

\* The model action a step line names, with what the line says it sent or did.
\* "start": the round-end timer (AdvanceRound, into the next round from step
\* precommitted) or rule "skip" (SkipTo); "restart": RestartAt.
DoStep(e) ==
    LET n == e.node IN
    CASE e.action = "prevote" ->
            /\ e.round = round[n]
            /\ Prevote(n)
            /\ TraceVote(e) \in prevotes'
      [] e.action = "precommit" ->
            /\ e.round = round[n]
            /\ IF e.block = "nil" THEN PrecommitNil(n) ELSE Precommit(n)
            /\ TraceVote(e) \in precommits'
      [] e.action = "decide" ->
            /\ Finalize(n) \/ AdoptCertificate(n)
            /\ decision'[n] = BlockOf(e.block)
            /\ decisionRound'[n] = e.round
      [] e.action = "start" ->
            \/ e.round = round[n] + 1 /\ AdvanceRound(n)
            \/ SkipTo(n, e.round)
      [] e.action = "restart" ->
            RestartAt(n, e.round)

\* The state a line logged, after the host event it ends.
StateMatches(e) ==
    LET n == e.node
        s == e.state
    IN  /\ "round" \in DOMAIN s => round'[n] = s.round
        /\ step'[n] = s.step
        /\ "locked_round" \in DOMAIN s => /\ lockedRound'[n] = s.locked_round
                                         /\ lockedBlock'[n] = BlockOf(s.locked_block)
        /\ decision'[n] = BlockOf(s.decision)
        /\ decisionRound'[n] = s.decision_round

TraceNext ==
    /\ l <= NSteps
    /\ DoStep(StepLine(l))
    /\ "state" \in DOMAIN StepLine(l) => StateMatches(StepLine(l))
    /\ l' = l + 1

TraceSpec == TraceInit /\ [][TraceNext]_<<vars, l>>

\* Violated exactly when every step line has been matched: the trace is accepted.
TraceIncomplete == l <= NSteps
=============================================================================
