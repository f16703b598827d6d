--------------------------- MODULE MidnightRound ---------------------------
(***************************************************************************)
(* The round protocol of spec/protocol.md at one height: every member     *)
(* proposes, a canonical block is chosen, members prevote and precommit,  *)
(* a precommit quorum finalizes, and failed rounds retry under the lock   *)
(* rule. Action names match the steps of the C++ round machine            *)
(* (reference/src/consensus/round_machine.cpp); tla/README.md maps them.  *)
(*                                                                         *)
(* Network. Sent messages live in global sets and are never removed. A    *)
(* node may act on any subset of the messages it can see, which stands    *)
(* for every pattern of loss, delay, duplication and reordering. A        *)
(* partition hides messages between the two sides from nodes in rounds    *)
(* before healRound, the round it heals in, which the model picks from    *)
(* HealRounds; from healRound on, everything sent is visible (delivered   *)
(* late). Every step of round r lasts TBase + r * TInc (wire version      *)
(* 2); a round is synchronous only from healRound on and once its steps   *)
(* last at least Delay, the delay bound; other rounds are asynchronous.   *)
(*                                                                         *)
(* Byzantine members. Every message a Byzantine member could sign is in   *)
(* the sets from the start: proposals of blocks with valid and with       *)
(* invalid bodies, prevotes and precommits for every block, for nil and   *)
(* for a block that does not exist. Honest nodes may use any subset, so   *)
(* this is the strongest adversary: it equivocates, withholds (a node may *)
(* ignore its messages) and votes for anything. It sends a valid body to  *)
(* whom it likes, when it likes, or to nobody.                            *)
(*                                                                         *)
(* Silent members send no vote at this height: an honest member crashed   *)
(* for the whole height, or a Byzantine member that withholds. A silent   *)
(* member takes no step; one that is also Byzantine still proposes (and   *)
(* may withhold its bodies), one that is not sends nothing. The liveness  *)
(* configurations state how much silent weight Termination tolerates.     *)
(*                                                                         *)
(* Bodies (approval by validity). Every member builds its block from its  *)
(* own mempool snapshot, so no two blocks share a body. A proposal        *)
(* carries the header only; a node uses a block only if it holds the      *)
(* block's body, and it holds a body only if the body is valid.           *)
(*                                                                         *)
(* Weights. Every member has a positive integer weight (Weight), and a set *)
(* of members is a quorum iff its weight reaches Quorum, the quorum weight *)
(* (membership.hpp: quorum_threshold(total) = total * 2 / 3 + 1, the least *)
(* weight w with 3 * w > 2 * total). A member's votes count once toward a  *)
(* block, with its weight (consensus/tally.cpp).                           *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Nodes,        \* the members
    Weight,       \* Weight[n]: member n's weight, a positive integer (Masternode::weight)
    Byzantine,    \* the Byzantine members
    Silent,       \* members that send no vote at this height (crashed, or withholding)
    MaxRound,     \* rounds 0 .. MaxRound
    Quorum,       \* the quorum weight; the protocol's is QuorumThreshold(TotalWeight)
    LockRule,     \* TRUE: as specified; FALSE: negative control, retries without the lock rule
    Approval,     \* "validity": as specified; "header", "equality": negative controls (BodiesHeld)
    QuorumByCount, \* FALSE: as specified; TRUE: negative control, quorums count members (below)
    Policy,       \* "lowest-hash", "vrf" or "first-to-quorum" (the reference's policy names)
    Rank(_),      \* a block's rank key under lowest hash (stands for its block id)
    VrfRank(_),   \* a block's rank key under the VRF policy (stands for its VRF output)
    SideA,        \* one side of the partition (the other is Nodes \ SideA)
    HealRounds,   \* the rounds the partition may heal in (the model picks one); {0}: no partition
    TBase,        \* step length in round 0 (collect, prevote and precommit alike)
    TInc,         \* added to every step for each round after round 0; 0: fixed steps
    Delay,        \* after the heal: message delay plus twice the clock error, in the same unit
    Synchronous   \* TRUE: synchronous in the rounds SyncRound admits (for liveness)

ASSUME Byzantine \subseteq Nodes /\ Silent \subseteq Nodes /\ SideA \subseteq Nodes
ASSUME Weight \in [Nodes -> Nat] /\ \A n \in Nodes : Weight[n] >= 1
ASSUME LockRule \in BOOLEAN /\ QuorumByCount \in BOOLEAN /\ Approval \in {"validity", "header", "equality"}
ASSUME HealRounds \subseteq Nat /\ HealRounds /= {} /\ {TBase, TInc, Delay} \subseteq Nat
ASSUME Policy \in {"lowest-hash", "vrf", "first-to-quorum"}

Honest == Nodes \ (Byzantine \cup Silent)
N == Cardinality(Nodes)
Rounds == 0 .. MaxRound

\* The weight of a set of members (VoteTally's approve_weight of their votes), and of all.
RECURSIVE WeightOf(_)
WeightOf(S) == IF S = {} THEN 0 ELSE LET m == CHOOSE x \in S : TRUE IN Weight[m] + WeightOf(S \ {m})
TotalWeight == WeightOf(Nodes)

\* membership.hpp: quorum_threshold(total), the least weight w with is_quorum(w, total).
QuorumThreshold(total) == (total * 2) \div 3 + 1
IsQuorum(w, total) == 3 * w > 2 * total

ASSUME MaxRound \in Nat /\ Quorum \in 1 .. TotalWeight

\* Membership::reaches_quorum on the weight of a set of members: its weight reaches
\* Quorum (for Quorum = QuorumThreshold(TotalWeight): IsQuorum(WeightOf(S), TotalWeight)).
\* Negative control (QuorumByCount): a tally that counts members instead of adding
\* weights, against the member-count quorum QuorumThreshold(N) (3 of 4 members).
\* Tally and Threshold are the measure and the bound of the model's quorum tests;
\* QuorumIntegrity checks weight whatever they are.
Tally(S) == IF QuorumByCount THEN Cardinality(S) ELSE WeightOf(S)
Threshold == IF QuorumByCount THEN QuorumThreshold(N) ELSE Quorum
ReachesQuorum(S) == Tally(S) >= Threshold

(* Wire version 2: the collect, prevote and precommit steps of round r    *)
(* each last StepLength(r), so round r starts at midnight +               *)
(* 3 * (StepLength(0) + ... + StepLength(r - 1)): an absolute schedule.   *)
StepLength(r) == TBase + r * TInc
\* Delay bounds delivery plus twice the clock error after the heal: a step at least
\* that long sees every honest message of the step before its deadline.
StepLongEnough(r) == StepLength(r) >= Delay

(* A block is named by its proposer and round, and each has its own body  *)
(* (divergent mempools). valid: the body passes RoundMachine::on_body's   *)
(* checks (Merkle root, coinbase, order, every transaction valid). A      *)
(* Byzantine member also proposes one block whose body is invalid; Ghost  *)
(* is a block id nobody proposed.                                         *)
ValidBlocks == [proposer : Nodes, round : Rounds, valid : {TRUE}]
InvalidBlocks == [proposer : Byzantine, round : {0}, valid : {FALSE}]
Ghost == [proposer |-> "ghost", round |-> 0, valid |-> FALSE]
Nil == [proposer |-> "nil", round |-> -1, valid |-> FALSE]
Blocks == ValidBlocks \cup InvalidBlocks
VoteTargets == Blocks \cup {Ghost, Nil}
Vote == [src : Nodes, round : Rounds, block : VoteTargets]
Steps == {"collect", "prevoted", "precommitted", "decided"}

VARIABLES
    round,          \* round[n]: the node's current round
    step,           \* step[n]
    lockedBlock,    \* lockedBlock[n], lockedRound[n]: the lock (Nil, -1: none)
    lockedRound,
    decision,       \* decision[n]: finalized block, or Nil
    decisionRound,  \* the round of the certificate it finalized with
    proposals,      \* every proposal sent
    prevotes,       \* every prevote sent
    precommits,     \* every precommit sent
    bodies,         \* bodies[n]: the blocks whose (valid) body n holds, its held bodies
    healRound       \* the round the partition heals in, one of HealRounds (never changes)

vars == <<healRound, round, step, lockedBlock, lockedRound, decision, decisionRound, proposals, prevotes, precommits, bodies>>

----------------------------------------------------------------------------
(* What a node can see, and what it can count.                             *)

Visible(n, src) == round[n] >= healRound \/ ((src \in SideA) <=> (n \in SideA))

\* Distinct members whose prevotes (precommits) for block b in round r node n can see;
\* each counts once, with its weight.
PrevotersFor(n, r, b) == {m.src : m \in {v \in prevotes : v.round = r /\ v.block = b /\ Visible(n, v.src)}}
PrecommittersFor(n, r, b) == {m.src : m \in {v \in precommits : v.round = r /\ v.block = b /\ Visible(n, v.src)}}
Polka(n, r, b) == ReachesQuorum(PrevotersFor(n, r, b))
CommitQuorum(n, r, b) == ReachesQuorum(PrecommittersFor(n, r, b))

(* Bodies. A node holds its own blocks' bodies. It fetches another        *)
(* block's body from an honest member that holds it and that it can see   *)
(* (an honest member serves every body it holds), or from the block's     *)
(* Byzantine proposer, which sends it to whom it likes; on_body keeps a   *)
(* body only if it is valid, so an invalid body is never held. A fetch is *)
(* folded into the step that first uses the body (Keep adds it to         *)
(* bodies); S is the set of Byzantine bodies that have reached the node.  *)
\* The bodies held by the honest members n can see, n among them: n has or can fetch them.
Served(n) == UNION {bodies[h] : h \in {m \in Honest : Visible(n, m)}}
\* The valid Byzantine bodies that may reach n (a later round's block is no candidate yet).
ByzantineBodies(n) == {b \in ValidBlocks : b.proposer \in Byzantine /\ b.round <= round[n]}
\* The bodies n holds (holds_body). Negative controls: "header" approves on the
\* header alone; "equality" approves only its own content (before issue 16).
BodiesHeld(n, S) ==
    CASE Approval = "validity" -> Served(n) \cup S
      [] Approval = "header"   -> Blocks
      [] Approval = "equality" -> {b \in Blocks : b.proposer = n}
\* The blocks n holds: it can see the proposal (the header) and holds the body.
HeldWith(n, S) == {b \in proposals : Visible(n, b.proposer) /\ b \in BodiesHeld(n, S)}
Held(n) == HeldWith(n, ByzantineBodies(n))
\* A step of n that uses block b keeps b's body: the fetch folded into the step
\* (the header control fetches nothing).
Keep(n, b) == bodies' = IF Approval = "header" THEN bodies ELSE [bodies EXCEPT ![n] = @ \cup {b}]

\* Candidates of node n's prevote among the blocks H it holds: this round's
\* proposals (vr = -1), and blocks with a polka it can see in an earlier round vr.
Fresh(n, H) == {<<b, -1>> : b \in {c \in H : c.round = round[n]}}
PolkaCandidates(n, H) == {<<b, vr>> \in H \X (0 .. round[n] - 1) : Polka(n, vr, b)}
Candidates(n) == LET H == Held(n) IN Fresh(n, H) \cup PolkaCandidates(n, H)

\* The lock rule: approve only if unlocked, or the choice is the locked block, or
\* the choice has a polka at or after the lock round.
LockAllows(n, b, vr) ==
    \/ ~LockRule
    \/ lockedRound[n] = -1
    \/ lockedBlock[n] = b
    \/ vr >= lockedRound[n]

RankOf(b) == IF Policy = "vrf" THEN VrfRank(b) ELSE Rank(b)
Lowest(S) == CHOOSE c \in S : \A d \in S : RankOf(c[1]) <= RankOf(d[1])

\* After stabilisation every node sees everything in time, so its choice is fixed
\* by the policy: the highest-round polka it holds, else the policy's pick among
\* the fresh proposals. First-to-quorum picks by arrival order, which still
\* differs between nodes: any fresh proposal. What a node holds is fixed too, but
\* for the Byzantine bodies: their proposers decide which reach it in time (S).
SyncChoice(n, H) ==
    LET P == PolkaCandidates(n, H)
        F == Fresh(n, H)
    IN  IF P /= {} THEN {CHOOSE c \in P : \A d \in P : c[2] >= d[2]}
        ELSE IF F = {} THEN {}
        ELSE IF Policy = "first-to-quorum" THEN F
        ELSE {Lowest(F)}
SyncChoices(n) == UNION {SyncChoice(n, HeldWith(n, S)) : S \in SUBSET ByzantineBodies(n)}

\* A round in which timeouts fire only after the step's honest messages arrived:
\* at or after the heal, with steps long enough.
SyncRound(r) == r >= healRound /\ StepLongEnough(r)
InSync(n) == Synchronous /\ SyncRound(round[n])
Undecided == {h \in Honest : decision[h] = Nil}
\* Synchrony: every undecided honest node has reached round r and sent its message.
AllHonestReached(r) == \A h \in Undecided : round[h] >= r
AllHonestPrevoted(r) == \A h \in Undecided : \E v \in prevotes : v.src = h /\ v.round = r
AllHonestPrecommitted(r) == \A h \in Undecided : \E v \in precommits : v.src = h /\ v.round = r

----------------------------------------------------------------------------
(* Initial state: midnight. Every honest member has proposed for round 0. *)

ByzantineProposals == {b \in Blocks : b.proposer \in Byzantine}
ByzantineVotes == {m \in Vote : m.src \in Byzantine \ Silent}

Init ==
    /\ healRound \in HealRounds
    /\ round = [n \in Honest |-> 0]
    /\ step = [n \in Honest |-> "collect"]
    /\ lockedBlock = [n \in Honest |-> Nil]
    /\ lockedRound = [n \in Honest |-> -1]
    /\ decision = [n \in Honest |-> Nil]
    /\ decisionRound = [n \in Honest |-> -1]
    /\ proposals = ByzantineProposals \cup {[proposer |-> n, round |-> 0, valid |-> TRUE] : n \in Honest}
    /\ prevotes = ByzantineVotes
    /\ precommits = ByzantineVotes
    /\ bodies = [n \in Honest |-> {[proposer |-> n, round |-> 0, valid |-> TRUE]}]

----------------------------------------------------------------------------
(* Honest actions. Each is a step of RoundMachine.                        *)

\* RoundMachine::prevote: at the collect deadline (or when all proposals are in).
Prevote(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ step[n] = "collect"
    /\ InSync(n) => AllHonestReached(r)
    \* A node always has a candidate: its own block of this round, or (when it
    \* re-proposes) the polka block it holds. Refused by the lock rule: a nil prevote.
    /\ \E c \in (IF InSync(n) THEN SyncChoices(n) ELSE Candidates(n)) :
          IF LockAllows(n, c[1], c[2])
          THEN /\ prevotes' = prevotes \cup {[src |-> n, round |-> r, block |-> c[1]]}
               /\ Keep(n, c[1])
          ELSE /\ prevotes' = prevotes \cup {[src |-> n, round |-> r, block |-> Nil]}
               /\ UNCHANGED bodies
    /\ step' = [step EXCEPT ![n] = "prevoted"]
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, decision, decisionRound, proposals, precommits>>

\* RoundMachine::precommit: a polka for a block it holds, in its current round: lock on it.
Precommit(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ step[n] = "prevoted"
    /\ \E b \in Held(n) :
          /\ Polka(n, r, b)
          /\ lockedBlock' = [lockedBlock EXCEPT ![n] = b]
          /\ lockedRound' = [lockedRound EXCEPT ![n] = r]
          /\ precommits' = precommits \cup {[src |-> n, round |-> r, block |-> b]}
          /\ Keep(n, b)
    /\ step' = [step EXCEPT ![n] = "precommitted"]
    /\ UNCHANGED <<healRound, round, decision, decisionRound, proposals, prevotes>>

\* RoundMachine::precommit_nil: the prevote deadline passed without a polka.
PrecommitNil(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ step[n] = "prevoted"
    /\ InSync(n) => AllHonestPrevoted(r) /\ ~\E b \in Held(n) : Polka(n, r, b)
    /\ precommits' = precommits \cup {[src |-> n, round |-> r, block |-> Nil]}
    /\ step' = [step EXCEPT ![n] = "precommitted"]
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, decision, decisionRound, proposals, prevotes, bodies>>

\* RoundMachine::finalize: a precommit quorum, in any round, for a block it holds.
Finalize(n) ==
    /\ decision[n] = Nil
    /\ \E r \in Rounds, b \in Held(n) :
          /\ CommitQuorum(n, r, b)
          /\ decision' = [decision EXCEPT ![n] = b]
          /\ decisionRound' = [decisionRound EXCEPT ![n] = r]
          /\ Keep(n, b)
    /\ step' = [step EXCEPT ![n] = "decided"]
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, proposals, prevotes, precommits>>

\* RoundMachine::adopt_certificate (from on_commit): a commit is a precommit quorum
\* with the block and its body attached, so the node need not hold the proposal
\* itself; it checks the body (on_body) and adopts only a valid one.
AdoptCertificate(n) ==
    /\ decision[n] = Nil
    /\ \E r \in Rounds, b \in ValidBlocks :
          /\ CommitQuorum(n, r, b)
          /\ decision' = [decision EXCEPT ![n] = b]
          /\ decisionRound' = [decisionRound EXCEPT ![n] = r]
          /\ bodies' = [bodies EXCEPT ![n] = @ \cup {b}]
    /\ step' = [step EXCEPT ![n] = "decided"]
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, proposals, prevotes, precommits>>

\* RoundMachine::advance_round then propose: the round ended without a decision.
\* Timers fire in order, so a node has prevoted and precommitted (perhaps nil) by
\* then; a slow node is one whose messages others do not see in time.
AdvanceRound(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ r < MaxRound
    /\ step[n] = "precommitted"
    /\ InSync(n) => /\ AllHonestPrecommitted(r)
                    /\ ~\E rr \in Rounds, b \in ValidBlocks : CommitQuorum(n, rr, b)
    /\ round' = [round EXCEPT ![n] = r + 1]
    /\ step' = [step EXCEPT ![n] = "collect"]
    /\ proposals' = proposals \cup {[proposer |-> n, round |-> r + 1, valid |-> TRUE]}
    /\ bodies' = [bodies EXCEPT ![n] = @ \cup {[proposer |-> n, round |-> r + 1, valid |-> TRUE]}]
    /\ UNCHANGED <<healRound, lockedBlock, lockedRound, decision, decisionRound, prevotes, precommits>>

Next ==
    \E n \in Honest :
        \/ Prevote(n)
        \/ Precommit(n)
        \/ PrecommitNil(n)
        \/ Finalize(n)
        \/ AdoptCertificate(n)
        \/ AdvanceRound(n)

Spec == Init /\ [][Next]_vars

Fairness ==
    \A n \in Honest :
        /\ WF_vars(Prevote(n))
        /\ WF_vars(Precommit(n))
        /\ WF_vars(PrecommitNil(n))
        /\ WF_vars(Finalize(n))
        /\ WF_vars(AdoptCertificate(n))
        /\ WF_vars(AdvanceRound(n))

FairSpec == Spec /\ Fairness

----------------------------------------------------------------------------
(* Invariants.                                                             *)

TypeOK ==
    /\ healRound \in HealRounds
    /\ round \in [Honest -> Rounds]
    /\ step \in [Honest -> Steps]
    /\ lockedBlock \in [Honest -> Blocks \cup {Nil}]
    /\ lockedRound \in [Honest -> Rounds \cup {-1}]
    /\ decision \in [Honest -> Blocks \cup {Nil}]
    /\ decisionRound \in [Honest -> Rounds \cup {-1}]
    /\ proposals \subseteq Blocks
    /\ prevotes \subseteq Vote
    /\ precommits \subseteq Vote
    /\ bodies \in [Honest -> SUBSET ValidBlocks]

\* No two honest nodes finalize different blocks (at this height).
Agreement ==
    \A a, b \in Honest :
        decision[a] /= Nil /\ decision[b] /= Nil => decision[a] = decision[b]

\* A block finalized or adopted was proposed by a member and its body is valid.
Validity ==
    \A n \in Honest : decision[n] /= Nil => decision[n] \in proposals /\ decision[n].valid

\* An honest node approves (prevotes or precommits) only a block whose body it holds.
ApprovedBodyHeld ==
    \A v \in prevotes \cup precommits :
        v.src \in Honest /\ v.block /= Nil => v.block \in bodies[v.src]

\* Finalized only with precommits of members holding strictly more than 2/3 of the
\* weight, in one round: is_quorum(weight, total), whatever Quorum and QuorumByCount are.
QuorumIntegrity ==
    \A n \in Honest :
        decision[n] /= Nil =>
            IsQuorum(WeightOf({m.src : m \in {v \in precommits :
                                 v.round = decisionRound[n] /\ v.block = decision[n]}}), TotalWeight)

\* An honest member sends at most one prevote and one precommit per round.
NoHonestDoubleVote ==
    \A n \in Honest, r \in Rounds :
        /\ Cardinality({v \in prevotes : v.src = n /\ v.round = r}) <= 1
        /\ Cardinality({v \in precommits : v.src = n /\ v.round = r}) <= 1

\* What the lock rule needs: a lock is on a block with a polka in the lock round;
\* once a block is finalized in round r, no honest member precommits another block
\* in round r or later, and no other block has a polka in those rounds: the honest
\* weight of its prevotes stays below the quorum weight less the Byzantine weight.
Polkas(r, b) == ReachesQuorum({m.src : m \in {v \in prevotes : v.round = r /\ v.block = b}})
LockSafety ==
    /\ \A n \in Honest : lockedRound[n] /= -1 => Polkas(lockedRound[n], lockedBlock[n])
    /\ \A n \in Honest : decision[n] /= Nil =>
          /\ \A m \in precommits :
                m.src \in Honest /\ m.round >= decisionRound[n] /\ m.block /= Nil => m.block = decision[n]
          /\ \A r \in decisionRound[n] .. MaxRound, b \in Blocks :
                Polkas(r, b) /\ b /= decision[n] =>
                    Tally({m.src : m \in {v \in prevotes : v.round = r /\ v.block = b /\ v.src \in Honest}})
                        < Threshold - Tally(Byzantine)

\* Liveness: every honest node finalizes.
Termination == <>(\A n \in Honest : decision[n] /= Nil)

=============================================================================
