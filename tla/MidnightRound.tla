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
(* whom it likes, when it likes, or to nobody. In a synchronous round it  *)
(* keeps two powers (issue 17): it shows its round message to any subset  *)
(* of the honest nodes (selective release), and its prevotes to any       *)
(* subset, at any time (late polka release); see ByzRoundMsgs and         *)
(* HonestPolka.                                                           *)
(*                                                                         *)
(* Choice rule (ChoiceRule, issue 17). "held-polka": a node prevotes the   *)
(* highest polka it holds, else the policy's pick among the fresh         *)
(* proposals. "leading": every member sends one round message per round,  *)
(* a fresh proposal or a reproposal <<block, vr>> of a polka of round      *)
(* vr < r, and a node prevotes the block of the leading message among the *)
(* round-r messages it holds, if the lock rule allows it, else nil. The   *)
(* rules differ only in synchronous rounds; asynchronous rounds let a     *)
(* node prevote any candidate (lock rule checked) under both, so the      *)
(* safety configurations cover every choice rule.                         *)
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
(*                                                                         *)
(* Round skip (SkipTo, Skip; spec/protocol.md 5.5, rule "skip"):           *)
(* RoundMachine::skip_rounds then start_round. An undecided honest node in *)
(* round r, in any step, starts a round t > r at once when the members     *)
(* whose highest round with a message it can see is t or later hold more   *)
(* than a third of the weight. It signs nothing in r+1 .. t-1 and keeps    *)
(* its lock; the round starts as AdvanceRound's does (proposal, body,      *)
(* round message: AsyncRoundMsg in an asynchronous round).                 *)
(*                                                                         *)
(* Crash and restart (RestartAt, Restart; spec/journal.md 4.2): the C++    *)
(* host's restart (node_host: a fresh machine given back its journal, then *)
(* start_rounds in the round its clock says). MaxRestarts bounds the       *)
(* restarts of a behaviour (0: none, every configuration before restarts). *)
(* Journal = TRUE: the node keeps its lock and its votes (the journal),    *)
(* restarts in step collect of a round t at or above its highest vote, and *)
(* re-sends a restored vote instead of signing another (RestoredPrevote,   *)
(* RestoredPrecommit in the vote actions). Journal = FALSE: negative       *)
(* control, a restart without its journal (amnesia): no lock, any round,   *)
(* and it may vote again. A node that begins a height late, in a round t > 0 its      *)
(* clock says, never having voted, is RestartAt(n, t) with no own votes    *)
(* and no lock.                                                            *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Nodes,        \* the members
    Weight,       \* Weight[n]: member n's weight, a positive integer (Masternode::weight)
    Byzantine,    \* the Byzantine members
    Silent,       \* members that send no vote at this height (crashed, or withholding)
    MaxRound,     \* rounds 0 .. MaxRound
    Quorum,       \* the quorum weight; the protocol's is QuorumThreshold(TotalWeight)
    LockRule,     \* "full": as specified; "none": negative control, retries without the lock rule;
                  \* "any-polka": mutant, a locked node approves a block with a polka of any round
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
    Synchronous,  \* TRUE: synchronous in the rounds SyncRound admits (for liveness)
    ChoiceRule,   \* "leading" (issue 17) or "held-polka" (before it): the prevote choice
    SenderRank(_, _), \* SenderRank(m, r): member m's rank in round r under "vrf" with "leading"
                  \* (its VRF output over vrf_input(h, r)), whatever message it sends
    Journal,      \* TRUE: a restarted node restores its votes and lock (spec/journal.md 4.2);
                  \* FALSE: negative control, a restart without its journal (amnesia)
    MaxRestarts,  \* the most restarts (RestartAt) in a behaviour; 0: no restart
    Skips         \* TRUE: Next takes rule "skip" (SkipTo); FALSE: only where it adds no
                  \* violation (every round asynchronous: tla/README.md, "Round skip")

ASSUME Byzantine \subseteq Nodes /\ Silent \subseteq Nodes /\ SideA \subseteq Nodes
ASSUME Weight \in [Nodes -> Nat] /\ \A n \in Nodes : Weight[n] >= 1
ASSUME LockRule \in {"full", "none", "any-polka"} /\ QuorumByCount \in BOOLEAN /\ Approval \in {"validity", "header", "equality"}
ASSUME HealRounds \subseteq Nat /\ HealRounds /= {} /\ {TBase, TInc, Delay} \subseteq Nat
ASSUME Policy \in {"lowest-hash", "vrf", "first-to-quorum"}
ASSUME ChoiceRule \in {"leading", "held-polka"}
ASSUME Journal \in BOOLEAN /\ MaxRestarts \in Nat /\ Skips \in BOOLEAN

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
    healRound,      \* the round the partition heals in, one of HealRounds (never changes)
    roundMsg,       \* roundMsg[n]: n's round message of round[n], <<block, vr>> (vr = -1: fresh)
    restarts        \* the restarts so far (RestartAt), at most MaxRestarts

vars == <<healRound, round, step, lockedBlock, lockedRound, decision, decisionRound, proposals, prevotes, precommits, bodies, roundMsg, restarts>>

----------------------------------------------------------------------------
(* What a node can see, and what it can count.                             *)

Visible(n, src) == round[n] >= healRound \/ ((src \in SideA) <=> (n \in SideA))

\* Distinct members whose prevotes (precommits) for block b in round r node n can see;
\* each counts once, with its weight.
PrevotersFor(n, r, b) == {m.src : m \in {v \in prevotes : v.round = r /\ v.block = b /\ Visible(n, v.src)}}
PrecommittersFor(n, r, b) == {m.src : m \in {v \in precommits : v.round = r /\ v.block = b /\ Visible(n, v.src)}}
Polka(n, r, b) == ReachesQuorum(PrevotersFor(n, r, b))
CommitQuorum(n, r, b) == ReachesQuorum(PrecommittersFor(n, r, b))
\* A polka in round r for b among all prevotes sent, Byzantine ones included.
Polkas(r, b) == ReachesQuorum({m.src : m \in {v \in prevotes : v.round = r /\ v.block = b}})

\* Where a quorum can be. The members in Byzantine \ Silent may sign every vote
\* (ByzantineVotes), so every round and block has their votes; a vote of any other
\* member was cast by a step. If no member outside Byzantine \ Silent prevoted
\* (precommitted) b in round r, every prevoter (precommitter) of b in r, visible or not,
\* is in Byzantine \ Silent, and a set weighs (counts) no more than a set that holds it:
\* unless ByzantineQuorum, there is no polka (precommit quorum) for b in r, for any node.
\* So Polka(n, r, b) and Polkas(r, b) hold only if MayQuorum(OtherPrevotes, r, b), and
\* CommitQuorum(n, r, b) only if MayQuorum(OtherPrecommits, r, b), in the same state; a
\* search that tests it first finds what the plain search finds, in the same order, and
\* counts no votes where none can reach a quorum. (This holds for any vote sets, not
\* only those Init starts from.)
ByzantineQuorum == ReachesQuorum(Byzantine \ Silent)
OtherPrevotes == {<<v.round, v.block>> : v \in {v \in prevotes : v.src \notin Byzantine \ Silent}}
OtherPrecommits == {<<v.round, v.block>> : v \in {v \in precommits : v.src \notin Byzantine \ Silent}}
MayQuorum(P, r, b) == ByzantineQuorum \/ <<r, b>> \in P
\* Some precommit quorum n can see for a valid block, in any round. Plain form:
\* \E r \in Rounds, b \in ValidBlocks : CommitQuorum(n, r, b). Unless ByzantineQuorum,
\* only the pairs of OtherPrecommits can have one (above), so only they are tested.
SeesCommitQuorum(n) ==
    IF ByzantineQuorum
    THEN \E r \in Rounds, b \in ValidBlocks : CommitQuorum(n, r, b)
    ELSE \E c \in OtherPrecommits : c[1] \in Rounds /\ c[2] \in ValidBlocks /\ CommitQuorum(n, c[1], c[2])

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
\* (B is BodiesHeld(n, S), the same set, computed once rather than for each proposal.)
HeldWith(n, S) == LET B == BodiesHeld(n, S) IN {b \in proposals : Visible(n, b.proposer) /\ b \in B}
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
\* the choice has a polka at or after the lock round. Mutant "any-polka": the
\* comparison with the lock round dropped, any polka (vr /= -1) unlocks.
LockAllows(n, b, vr) ==
    \/ LockRule = "none"
    \/ lockedRound[n] = -1
    \/ lockedBlock[n] = b
    \/ IF LockRule = "any-polka" THEN vr /= -1 ELSE vr >= lockedRound[n]

RankOf(b) == IF Policy = "vrf" THEN VrfRank(b) ELSE Rank(b)
Lowest(S) == CHOOSE c \in S : \A d \in S : RankOf(c[1]) <= RankOf(d[1])
Max(S) == CHOOSE x \in S : \A y \in S : x >= y

\* A round in which timeouts fire only after the step's honest messages arrived:
\* at or after the heal, with steps long enough.
SyncRound(r) == r >= healRound /\ StepLongEnough(r)
InSync(n) == Synchronous /\ SyncRound(round[n])
Undecided == {h \in Honest : decision[h] = Nil}
\* Synchrony: every undecided honest node has reached round r and sent its message.
AllHonestReached(r) == \A h \in Undecided : round[h] >= r
\* A node past round r counts as done with it: it voted there, or skipped it (SkipTo),
\* signing nothing. (Without skips, a node past r has voted in r: the same test.)
AllHonestPrevoted(r) == \A h \in Undecided : round[h] > r \/ \E v \in prevotes : v.src = h /\ v.round = r
AllHonestPrecommitted(r) == \A h \in Undecided : round[h] > r \/ \E v \in precommits : v.src = h /\ v.round = r

(* Polkas in a synchronous round. Every honest prevote reaches every      *)
(* honest node in time, so a polka formed by honest prevotes alone         *)
(* (HonestPolka) is known to all. A Byzantine member shows its prevotes to *)
(* whom it likes, when it likes (late polka release), so a polka that      *)
(* needs Byzantine prevotes (Polkas, counting all of them: they exist from *)
(* Init) may be known to some honest nodes, at some times, and not to      *)
(* others. Outside synchronous rounds a node may use any subset of what it *)
(* sees anyway.                                                            *)
HonestPolka(r, b) ==
    ReachesQuorum({m.src : m \in {v \in prevotes : v.round = r /\ v.block = b /\ v.src \in Honest}})
\* The polkas of rounds before r, as <<block, vr>>. (Only pairs an honest member
\* prevoted can have one, unless the Byzantine voters alone reach the quorum weight:
\* a cheaper search than every block and round, with the same result.)
PolkaPairs(r) ==
    LET Pairs == {<<v.block, v.round>> : v \in {v \in prevotes : v.src \in Honest /\ v.round < r /\ v.block \in ValidBlocks}}
                 \cup (IF ReachesQuorum(Byzantine \ Silent) THEN ValidBlocks \X (0 .. (r - 1)) ELSE {})
    IN  {c \in Pairs : Polkas(c[2], c[1])}

\* "held-polka" (the rule before issue 17). After stabilisation every node sees
\* every honest message in time, so its choice is fixed by the policy: the
\* highest-round polka it holds, else the policy's pick among the fresh proposals.
\* First-to-quorum picks by arrival order, which still differs between nodes: any
\* fresh proposal. What a node holds is fixed too, but for the Byzantine bodies:
\* their proposers decide which reach it in time (S). The polkas it knows are any
\* set between all polkas and those it must know: of honest prevotes alone, the
\* one it locked on, and those the honest members re-proposed at the round's start
\* (their round messages, known: floor), so its highest held polka is any held
\* polka at least as high as all those (a tie between two polkas of one round,
\* which the code breaks one way, is taken both ways), and with none of them it
\* may also know none and take the fresh pick. Late polka release: a polka that
\* needs Byzantine prevotes, shown to some nodes during the collect step.
\* Over-approximation: what a node knows beyond the floor is chosen afresh at
\* each prevote, not kept from one round to the next.
\* Plain form: LET P == PolkaCandidates(n, H), floor == Max({c[2] : c \in HP} \cup
\* {lockedRound[n]} \cup known) for HP the pairs of P with an HonestPolka, IN {c \in P :
\* c[2] >= floor} \cup (IF floor = -1 THEN FreshPick(n, H) ELSE {}). Here P and floor are
\* bound by UNION {G(x) : x \in {e}}, which is G(e), so that each is computed once, also
\* where a LET name would be computed again at each use (ENABLED, for weak fairness).
FreshPick(n, H) ==
    LET F == Fresh(n, H) IN
    IF F = {} THEN {}
    ELSE IF Policy = "first-to-quorum" THEN F
    ELSE {Lowest(F)}
SyncChoice(n, H, known) ==
    UNION {UNION {{c \in P : c[2] >= floor} \cup (IF floor = -1 THEN FreshPick(n, H) ELSE {}) :
                  floor \in {Max({c[2] : c \in {d \in P : HonestPolka(d[2], d[1])}} \cup {lockedRound[n]} \cup known)}} :
           P \in {PolkaCandidates(n, H)}}

(* "leading" (issue 17). A round message is a record: its sender, its      *)
(* block and vr (-1: a fresh proposal; else a reproposal of a polka of     *)
(* round vr carried whole). Every honest node's message of a synchronous   *)
(* round reaches every honest node in time (roundMsg). A Byzantine member  *)
(* that is not Silent may send a fresh proposal of its valid block of the  *)
(* round or a reproposal of any block with a polka (Polkas: all Byzantine  *)
(* prevotes counted) in an earlier round, a different one to each node or  *)
(* none (selective release); a node stores at most one per member and     *)
(* round. A Silent Byzantine member sends no vote, so only its fresh       *)
(* proposal. A message counts only if the node holds its block's body.     *)
Msg(s, b, vr) == [sender |-> s, block |-> b, vr |-> vr]
HonestRoundMsgs(r) == {Msg(h, roundMsg[h][1], roundMsg[h][2]) : h \in {x \in Undecided : round[x] = r}}
ByzRoundMsgs(z, r) ==
    {Msg(z, b, -1) : b \in {c \in ValidBlocks : c.proposer = z /\ c.round = r}}
    \cup (IF z \in Silent THEN {} ELSE {Msg(z, c[1], c[2]) : c \in PolkaPairs(r)})
\* The Byzantine messages a node may store: at most one per Byzantine member.
ByzSelections(r) ==
    {Sel \in SUBSET UNION {ByzRoundMsgs(z, r) : z \in Byzantine} :
        \A m1, m2 \in Sel : m1.sender = m2.sender => m1 = m2}
\* The message order. "vrf": by the sender's rank in the round (one message per
\* sender, and SenderRank is injective within a round). "lowest-hash",
\* "first-to-quorum": reproposals first, higher vr first, then the block id, or
\* arrival (any of them).
Leading(M, r) ==
    IF M = {} THEN {}
    ELSE IF Policy = "vrf"
         THEN {CHOOSE m \in M : \A d \in M : SenderRank(m.sender, r) <= SenderRank(d.sender, r)}
    ELSE LET top == {m \in M : \A d \in M : m.vr >= d.vr}
         IN  IF Policy = "first-to-quorum" THEN top
             ELSE {CHOOSE m \in top : \A d \in top : RankOf(m.block) <= RankOf(d.block)}
\* The leading message among the round-r messages n holds, as <<block, vr>>;
\* <<Nil, -1>>: no message held (a nil prevote).
LeadingChoice(n, S, Sel) ==
    LET r == round[n]
        H == HeldWith(n, S)
        M == {m \in HonestRoundMsgs(r) \cup Sel : m.block \in H}
        L == Leading(M, r)
    IN  IF L = {} THEN {<<Nil, -1>>} ELSE {<<m.block, m.vr>> : m \in L}

\* Under "leading" the Byzantine bodies a node holds need not be enumerated: every
\* honest round message's body is served by its honest sender, and a Byzantine
\* message whose body did not reach the node is as if it were not stored, which
\* the selections already cover. So every Byzantine body is offered (S), and the
\* selection decides.
SyncChoices(n) ==
    IF ChoiceRule = "held-polka"
    THEN LET known == {m.vr : m \in HonestRoundMsgs(round[n])}
         IN  UNION {SyncChoice(n, HeldWith(n, S), known) : S \in SUBSET ByzantineBodies(n)}
    ELSE UNION {LeadingChoice(n, ByzantineBodies(n), Sel) : Sel \in ByzSelections(round[n])}

(* The honest round message of round r, sent at its start (AdvanceRound,   *)
(* Init for round 0). Under "held-polka" in a synchronous round it is      *)
(* today's re-proposal of the node's held polka, any polka at least as     *)
(* high as the honest-only ones and its own lock (it may know more), else  *)
(* the fresh proposal; the other honest nodes learn that polka by their    *)
(* collect deadline (SyncChoice's floor). Under "leading" in a synchronous *)
(* round it is what the lock announcement and the re-proposals guarantee   *)
(* (spec/claims.md 3.4, the liveness argument): a reproposal            *)
(* whose vr is at least every honest lock round and the round of every     *)
(* polka of honest prevotes alone, of any block with a polka there whose   *)
(* body the sender holds or fetches; fresh only if there is no such lock   *)
(* or polka. Any such message, not only the sender's highest held polka:   *)
(* the sender may know more polkas or fewer (late release), an             *)
(* over-approximation that is fine for Termination. The model states it as *)
(* given: it takes the announcements and the re-proposals of the round     *)
(* before as delivered by the round's start, as it takes every message     *)
(* sent before the heal as delivered at the heal round (the design needs   *)
(* round r-1 synchronous too). In an asynchronous round the message plays  *)
(* no part (a node may prevote any candidate, re-proposals among them), so *)
(* the model records the fresh proposal there under both rules: a function *)
(* of the round, which adds no state.                                      *)
OwnBlock(n, r) == [proposer |-> n, round |-> r, valid |-> TRUE]
LockFloor(r) ==
    Max({lockedRound[h] : h \in Honest} \cup {-1} \cup
        {c[2] : c \in {d \in PolkaPairs(r) : HonestPolka(d[2], d[1])}})
SyncRoundMsgs(n, r) ==
    LET floor == LockFloor(r) IN
    {c \in PolkaPairs(r) : c[2] >= floor /\ c[1] \in proposals}
    \cup (IF floor = -1 THEN {<<OwnBlock(n, r), -1>>} ELSE {})
HonestOnlyPolkaRounds(r) == {c[2] : c \in {d \in PolkaPairs(r) : HonestPolka(d[2], d[1])}}
\* (Plain form: LET floor == Max({lockedRound[n], -1} \cup HonestOnlyPolkaRounds(r)) IN
\* {c \in PolkaPairs(r) : c[2] >= floor /\ c[1] \in proposals} \cup (IF floor = -1 THEN
\* {<<OwnBlock(n, r), -1>>} ELSE {}). floor is bound as in SyncChoice, computed once.)
HeldPolkaRoundMsgs(n, r) ==
    UNION {{c \in PolkaPairs(r) : c[2] >= floor /\ c[1] \in proposals}
           \cup (IF floor = -1 THEN {<<OwnBlock(n, r), -1>>} ELSE {}) :
           floor \in {Max({lockedRound[n], -1} \cup HonestOnlyPolkaRounds(r))}}
AsyncRoundMsg(n, r) == <<OwnBlock(n, r), -1>>
RoundMsgs(n, r) ==
    IF Synchronous /\ SyncRound(r)
    THEN IF ChoiceRule = "leading" THEN SyncRoundMsgs(n, r) ELSE HeldPolkaRoundMsgs(n, r)
    ELSE {AsyncRoundMsg(n, r)}

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
    /\ roundMsg = [n \in Honest |-> <<[proposer |-> n, round |-> 0, valid |-> TRUE], -1>>]
    /\ restarts = 0

----------------------------------------------------------------------------
(* Honest actions. Each is a step of RoundMachine.                        *)

(* Restored votes (spec/journal.md 4.2). With the journal, a node that     *)
(* already sent a prevote (precommit) in round r, before a restart, sends  *)
(* that vote again when a rule has it vote there (the rule's guards hold), *)
(* whatever the rule would choose, and signs no other: the vote is that    *)
(* one, the set does not change, and the lock stays the restored one.      *)
(* Without restarts a node never votes twice in a step, so this is never   *)
(* the case; it is evaluated only when restarts can happen (it scans the   *)
(* votes).                                                                 *)
JournalGuard == Journal /\ MaxRestarts > 0
RestoredPrevote(n, r) == JournalGuard /\ \E o \in prevotes : o.src = n /\ o.round = r
RestoredPrecommit(n, r) == JournalGuard /\ \E o \in precommits : o.src = n /\ o.round = r

\* The prevote n sends in round r on choice c: for c's block if it has one and the
\* lock rule allows it, else nil.
PrevoteOn(n, r, c) ==
    IF c[1] /= Nil /\ LockAllows(n, c[1], c[2])
    THEN /\ prevotes' = prevotes \cup {[src |-> n, round |-> r, block |-> c[1]]}
         /\ Keep(n, c[1])
    ELSE /\ prevotes' = prevotes \cup {[src |-> n, round |-> r, block |-> Nil]}
         /\ UNCHANGED bodies

\* RoundMachine::prevote: at the collect deadline (or when all proposals are in).
Prevote(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ step[n] = "collect"
    \* (step' here rather than last: the order of a conjunction is not its meaning, and
    \* a step of another action or node fails here before the costly conjuncts.)
    /\ step' = [step EXCEPT ![n] = "prevoted"]
    /\ InSync(n) => AllHonestReached(r)
    \* A node always has a candidate: its own block of this round, or (when it
    \* re-proposes) the polka block it holds. Refused by the lock rule, or no round
    \* message held ("leading": c[1] = Nil): a nil prevote.
    \* A restored prevote of the round (after a restart) is sent again instead.
    /\ IF RestoredPrevote(n, r)
       THEN UNCHANGED <<prevotes, bodies>>
       \* (Plain form: \E c \in (IF InSync(n) THEN SyncChoices(n) ELSE Candidates(n)) :
       \* PrevoteOn(n, r, c). SyncChoices is a union over the Byzantine bodies or
       \* selections, and \E c \in UNION {F(x) : x \in X} : P(c) equals
       \* \E x \in X : \E c \in F(x) : P(c); in the nested form TLC's ENABLED, which
       \* the fairness of Prevote evaluates in every state, stops at the first x
       \* instead of building the whole union.)
       ELSE IF ~InSync(n) THEN \E c \in Candidates(n) : PrevoteOn(n, r, c)
       ELSE IF ChoiceRule = "held-polka"
            THEN LET known == {m.vr : m \in HonestRoundMsgs(r)} IN
                 \E S \in SUBSET ByzantineBodies(n) :
                    \E c \in SyncChoice(n, HeldWith(n, S), known) : PrevoteOn(n, r, c)
            ELSE \E Sel \in ByzSelections(r) :
                    \E c \in LeadingChoice(n, ByzantineBodies(n), Sel) : PrevoteOn(n, r, c)
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, decision, decisionRound, proposals, precommits, roundMsg, restarts>>

\* RoundMachine::precommit: a polka for a block it holds, in its current round: lock on it.
\* In a synchronous round every Byzantine prevote is visible, so this includes a
\* polka that needs Byzantine prevotes, which the node may or may not have been
\* shown (late polka release): it may precommit it, or nil (PrecommitNil).
Precommit(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ step[n] = "prevoted"
    \* (step' here rather than last, as in Prevote.)
    /\ step' = [step EXCEPT ![n] = "precommitted"]
    \* (MayQuorum first: where it is false Polka(n, r, b) is too, see OtherPrevotes;
    \* P is OtherPrevotes, computed once, as in Finalize.)
    /\ \E P \in {OtherPrevotes} :
       \E b \in Held(n) :
          /\ MayQuorum(P, r, b)
          /\ Polka(n, r, b)
          \* A restored precommit of the round is sent again instead (its lock restored).
          /\ IF RestoredPrecommit(n, r)
             THEN UNCHANGED <<lockedBlock, lockedRound, precommits, bodies>>
             ELSE /\ lockedBlock' = [lockedBlock EXCEPT ![n] = b]
                  /\ lockedRound' = [lockedRound EXCEPT ![n] = r]
                  /\ precommits' = precommits \cup {[src |-> n, round |-> r, block |-> b]}
                  /\ Keep(n, b)
    /\ UNCHANGED <<healRound, round, decision, decisionRound, proposals, prevotes, roundMsg, restarts>>

\* RoundMachine::precommit_nil: the prevote deadline passed without a polka.
\* In a synchronous round, only if honest prevotes alone give no polka for a block
\* it holds: every honest prevote is in by then, a Byzantine one perhaps not.
PrecommitNil(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ step[n] = "prevoted"
    \* (step' here rather than last, as in Prevote.)
    /\ step' = [step EXCEPT ![n] = "precommitted"]
    /\ InSync(n) => AllHonestPrevoted(r) /\ ~\E b \in Held(n) : HonestPolka(r, b)
    \* A restored precommit of the round is sent again instead.
    /\ precommits' = IF RestoredPrecommit(n, r) THEN precommits
                     ELSE precommits \cup {[src |-> n, round |-> r, block |-> Nil]}
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, decision, decisionRound, proposals, prevotes, bodies, roundMsg, restarts>>

\* RoundMachine::finalize: a precommit quorum, in any round, for a block it holds.
\* (MayQuorum first: where it is false CommitQuorum(n, r, b) is too, see OtherPrecommits;
\* the search order is the plain one. \E P \in {OtherPrecommits} : F(P) is F(OtherPrecommits),
\* with the set computed once, not for each r and b.)
Finalize(n) ==
    /\ decision[n] = Nil
    \* (step' here rather than last, as in Prevote.)
    /\ step' = [step EXCEPT ![n] = "decided"]
    /\ \E P \in {OtherPrecommits} :
       \E r \in Rounds, b \in Held(n) :
          /\ MayQuorum(P, r, b)
          /\ CommitQuorum(n, r, b)
          /\ decision' = [decision EXCEPT ![n] = b]
          /\ decisionRound' = [decisionRound EXCEPT ![n] = r]
          /\ Keep(n, b)
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, proposals, prevotes, precommits, roundMsg, restarts>>

\* RoundMachine::adopt_certificate (from on_commit): a commit is a precommit quorum
\* with the block and its body attached, so the node need not hold the proposal
\* itself; it checks the body (on_body) and adopts only a valid one.
\* (MayQuorum first, as in Finalize.)
AdoptCertificate(n) ==
    /\ decision[n] = Nil
    \* (step' here rather than last, as in Prevote.)
    /\ step' = [step EXCEPT ![n] = "decided"]
    /\ \E P \in {OtherPrecommits} :
       \E r \in Rounds, b \in ValidBlocks :
          /\ MayQuorum(P, r, b)
          /\ CommitQuorum(n, r, b)
          /\ decision' = [decision EXCEPT ![n] = b]
          /\ decisionRound' = [decisionRound EXCEPT ![n] = r]
          /\ bodies' = [bodies EXCEPT ![n] = @ \cup {b}]
    /\ UNCHANGED <<healRound, round, lockedBlock, lockedRound, proposals, prevotes, precommits, roundMsg, restarts>>

\* RoundMachine::advance_round then propose: the round ended without a decision.
\* Timers fire in order, so a node has prevoted and precommitted (perhaps nil) by
\* then; a slow node is one whose messages others do not see in time. The node
\* sends its round message of round r + 1 (RoundMsgs); its fresh proposal is in
\* proposals whatever it sends (more than the protocol: harmless, it is only a
\* candidate where any candidate may be chosen). Into a synchronous round, the
\* schedule is absolute: at its start every honest node has passed its precommit
\* deadline of round r, so the message is sent once every undecided honest node
\* has precommitted in round r. A reproposal keeps its body (the sender holds it
\* and serves it).
\* RoundMachine::start_round then propose, into round t: step collect, the node's
\* own proposal and body of round t, and its round message (RoundMsgs: in an
\* asynchronous round AsyncRoundMsg, its fresh proposal).
StartRound(n, t) ==
    /\ round' = [round EXCEPT ![n] = t]
    /\ step' = [step EXCEPT ![n] = "collect"]
    /\ proposals' = proposals \cup {OwnBlock(n, t)}
    /\ \E c \in RoundMsgs(n, t) :
          /\ roundMsg' = [roundMsg EXCEPT ![n] = c]
          /\ bodies' = [bodies EXCEPT ![n] = @ \cup {OwnBlock(n, t)} \cup
                          (IF Synchronous /\ SyncRound(t) /\ c[2] /= -1
                           THEN {c[1]} ELSE {})]

AdvanceRound(n) ==
    LET r == round[n] IN
    /\ decision[n] = Nil
    /\ r < MaxRound
    /\ step[n] = "precommitted"
    /\ InSync(n) => /\ AllHonestPrecommitted(r)
                    /\ ~SeesCommitQuorum(n)
    /\ Synchronous /\ SyncRound(r + 1) => AllHonestPrecommitted(r)
    /\ StartRound(n, r + 1)
    /\ UNCHANGED <<healRound, lockedBlock, lockedRound, decision, decisionRound, prevotes, precommits, restarts>>

(* Round skip (spec/protocol.md 5.5, rule "skip"): RoundMachine::skip_rounds *)
(* then start_round. AheadFrom(n, t): the members whose highest round with *)
(* a message n can see (proposal, prevote, precommit) is t or later. Only  *)
(* proposals are searched: every member with a message of round r has a   *)
(* proposal of round r or later in the set (a Byzantine member's of every  *)
(* round are there from Init; an honest node proposes at every round start *)
(* and votes only in its current round), so the result is the same, at a  *)
(* fraction of the cost. Without a partition n sees every message, and     *)
(* AheadFrom(n, t) is taken over the global sets.                          *)
AheadFrom(n, t) == {p.proposer : p \in {q \in proposals : q.round >= t /\ Visible(n, q.proposer)}}
SkipAllowed(n, t) == 3 * WeightOf(AheadFrom(n, t)) > TotalWeight

\* An undecided honest node in round r, in any step, starts round t > r at once
\* (any such t: the rule's highest one among them); it signs nothing in r+1 .. t-1
\* and keeps its lock and held polka. Into a synchronous round the schedule is
\* absolute, as for AdvanceRound: its guards apply (so there a skip is one round,
\* from step precommitted, as AdvanceRound).
SkipTo(n, t) ==
    /\ decision[n] = Nil
    /\ t \in Rounds
    /\ t > round[n]
    /\ SkipAllowed(n, t)
    /\ InSync(n) => /\ AllHonestPrecommitted(round[n])
                    /\ ~SeesCommitQuorum(n)
    /\ Synchronous /\ SyncRound(t) => AllHonestPrecommitted(t - 1)
    /\ StartRound(n, t)
    /\ UNCHANGED <<healRound, lockedBlock, lockedRound, decision, decisionRound, prevotes, precommits, restarts>>

Skip(n) == \E t \in Rounds : SkipTo(n, t)

(* Crash and restart (spec/journal.md 4.2): the host's restart, a fresh    *)
(* machine given back its journal, then start_rounds in round t, the round *)
(* its clock says. Its earlier votes stay in the sets (they were sent). It *)
(* keeps the bodies it held, so ApprovedBodyHeld still speaks of the votes *)
(* it sent (a re-sent vote is one of them). Journal = TRUE: its lock and   *)
(* votes are restored, t is at least the round of its highest vote (the   *)
(* machine never starts a round below a restored vote) and may be below   *)
(* round[n] (a node that skipped ahead without voting), and the vote       *)
(* actions re-send a restored vote (RestoredPrevote, RestoredPrecommit).   *)
(* Journal = FALSE (negative control): no lock, any round, and it may sign *)
(* another vote. A decided node is not restarted (its restart gives its    *)
(* decision back, from the block store). A node that begins the height     *)
(* late, in the round t > 0 its clock says, is RestartAt(n, t) with no own *)
(* vote and no lock.                                                       *)
OwnVoteRound(n) ==
    Max({v.round : v \in {x \in prevotes \cup precommits : x.src = n}} \cup {-1})
RestartAt(n, t) ==
    /\ restarts < MaxRestarts
    /\ decision[n] = Nil
    /\ t \in Rounds
    /\ Journal => t >= OwnVoteRound(n)
    /\ restarts' = restarts + 1
    /\ IF Journal
       THEN UNCHANGED <<lockedBlock, lockedRound>>
       ELSE /\ lockedBlock' = [lockedBlock EXCEPT ![n] = Nil]
            /\ lockedRound' = [lockedRound EXCEPT ![n] = -1]
    /\ StartRound(n, t)
    /\ UNCHANGED <<healRound, decision, decisionRound, prevotes, precommits>>

Restart(n) == \E t \in Rounds : RestartAt(n, t)

Next ==
    \E n \in Honest :
        \/ Prevote(n)
        \/ Precommit(n)
        \/ PrecommitNil(n)
        \/ Finalize(n)
        \/ AdoptCertificate(n)
        \/ AdvanceRound(n)
        \/ Skips /\ Skip(n)
        \/ Restart(n)

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
    /\ roundMsg \in [Honest -> ValidBlocks \X ({-1} \cup Rounds)]
    /\ restarts \in 0 .. MaxRestarts

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
\* Plain form: for V the prevotes and the precommits, \A n \in Honest, r \in Rounds :
\* Cardinality({v \in V : v.src = n /\ v.round = r}) <= 1. Those sets split HonestIn(V),
\* the votes of V of an honest member in a round of Rounds, by member and round, so each
\* has at most one vote iff no two votes of HonestIn(V) have the same member and round,
\* that is iff HonestIn(V) has as many elements as its set of <<src, round>> pairs: one
\* pass over V instead of one for each member and round.
HonestIn(V) == {v \in V : v.src \in Honest /\ v.round \in Rounds}
OneVoteEach(V) == LET H == HonestIn(V) IN Cardinality(H) = Cardinality({<<v.src, v.round>> : v \in H})
NoHonestDoubleVote == OneVoteEach(prevotes) /\ OneVoteEach(precommits)

\* What the lock rule needs: a lock is on a block with a polka in the lock round;
\* once a block is finalized in round r, no honest member precommits another block
\* in round r or later, and no other block has a polka in those rounds: the honest
\* weight of its prevotes stays below the quorum weight less the Byzantine weight.
LockSafety ==
    /\ \A n \in Honest : lockedRound[n] /= -1 => Polkas(lockedRound[n], lockedBlock[n])
    /\ \A n \in Honest : decision[n] /= Nil =>
          LET P == OtherPrevotes IN
          /\ \A m \in precommits :
                m.src \in Honest /\ m.round >= decisionRound[n] /\ m.block /= Nil => m.block = decision[n]
          \* (MayQuorum first: where it is false Polkas(r, b) is too, see OtherPrevotes.)
          /\ \A r \in decisionRound[n] .. MaxRound, b \in Blocks :
                MayQuorum(P, r, b) /\ Polkas(r, b) /\ b /= decision[n] =>
                    Tally({m.src : m \in {v \in prevotes : v.round = r /\ v.block = b /\ v.src \in Honest}})
                        < Threshold - Tally(Byzantine)

\* Liveness: every honest node finalizes.
Termination == <>(\A n \in Honest : decision[n] /= Nil)

=============================================================================
