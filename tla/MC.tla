------------------------------ MODULE MC ------------------------------
(* Model values and rank orders for the MC*.cfg configurations. *)
EXTENDS MidnightRound, TLC

CONSTANTS n1, n2, n3, n4

NodeIndex(n) == CASE n = n1 -> 1 [] n = n2 -> 2 [] n = n3 -> 3 [] n = n4 -> 4

\* Stand-ins for block ids and VRF outputs: injective within a round, and a
\* different member is lowest in each round.
MCRank(b) == (5 * NodeIndex(b.proposer) + 3 * b.round) % 7
MCVrfRank(b) == (3 * NodeIndex(b.proposer) + 5 * b.round) % 7
\* A member's rank in a round ("vrf" with ChoiceRule "leading": the sender's VRF
\* output over vrf_input(h, r), whatever it sends): that of its fresh block under
\* MCVrfRank, so each round has the leader MCVrfRank gives it.
MCSenderRank(m, r) == MCVrfRank([proposer |-> m, round |-> r, valid |-> TRUE])

\* MCByzantineLive and MCByzantineLiveHeldPolka: the Byzantine n4 ranks lowest (leads)
\* in the rounds before MCByzLedRounds, and last from then on; the honest members
\* rotate (n3 first in round 0, n2 in round 1, n1 in round 2), so n2 leads round 1.
\* A block's VRF rank is its proposer's rank in its round, so both choice rules have
\* the same leader in every round. (MCByzLedRounds = 2 with MaxRound = 2, two
\* Byzantine-led rounds, is too big to check: tla/README.md.)
MCByzLedRounds == 1
MCSenderRankByz(m, r) ==
    IF m = n4 THEN (IF r < MCByzLedRounds THEN 0 ELSE 4)
    ELSE 1 + ((NodeIndex(m) + r) % 3)
MCVrfRankByz(b) == MCSenderRankByz(b.proposer, b.round)

\* MCGrowingSteps: no node goes past the first round that is both healed and long
\* enough (spec/claims.md 3.5). Defined only where such a round is within MaxRound.
MCFirstSyncRound == CHOOSE r \in 0 .. MaxRound : SyncRound(r) /\ \A q \in 0 .. (r - 1) : ~SyncRound(q)
MCNoNodePastFirstSyncRound == \A n \in DOMAIN round : round[n] <= MCFirstSyncRound

\* Weights. Every configuration but the weighted ones gives each member weight 1, so
\* that a set's weight is its size and Quorum its member-count quorum, as before weights.
MCWeightOne == [n \in Nodes |-> 1]
\* MCWeighted and its controls: total 7, quorum weight QuorumThreshold(7) = 5, so the
\* quorums are n3 with any other member (two members can be one), while the three
\* light members together (3 of 4, a member-count quorum) weigh 3 and are not one.
\* One light Byzantine member weighs 1, two weigh 2: both less than a third of 7.
MCWeightUnequal == n1 :> 1 @@ n2 :> 1 @@ n3 :> 4 @@ n4 :> 1

\* MCThreeRounds, MCNegLockAnyPolka and the restart configurations: 3 members, n2 of
\* weight 2 and n1, n3 of weight 1: total 4, quorum weight QuorumThreshold(4) = 3, so
\* every quorum holds the honest n2, and the Byzantine n3 (weight 1 < 4/3) completes
\* any quorum n2 starts. (n4 is not a member there.)
MCWeightHeavy == [n \in Nodes |-> IF n = n2 THEN 2 ELSE 1]
\* MCWeights1123 and its controls: weights 1, 1, 2, 3 (total 7, quorum weight
\* QuorumThreshold(7) = 5); the Byzantine n3 weighs 2 < 7/3. Every quorum holds n4
\* (the others weigh 4), and the three lighter members are a member-count quorum.
MCWeight1123 == n1 :> 1 @@ n2 :> 1 @@ n3 :> 2 @@ n4 :> 3

\* The honest members n1, n2, n3 are interchangeable wherever ranks are not used
\* (the asynchronous configurations) and their weights are equal, so TLC may check
\* one state per permutation. Only permutations that keep every member's weight are
\* included: a permutation of members of different weights is no symmetry of the
\* model (with MCWeightOne every permutation of n1, n2, n3 keeps the weights).
HonestSymmetry == {p \in Permutations({n1, n2, n3}) : \A n \in {n1, n2, n3} : Weight[p[n]] = Weight[n]}
=============================================================================
