------------------------------ MODULE MC ------------------------------
(* Model values and rank orders for the MC*.cfg configurations. *)
EXTENDS MidnightRound, TLC

CONSTANTS n1, n2, n3, n4

NodeIndex(n) == CASE n = n1 -> 1 [] n = n2 -> 2 [] n = n3 -> 3 [] n = n4 -> 4

\* Stand-ins for block ids and VRF outputs: injective within a round, and a
\* different member is lowest in each round.
MCRank(b) == (5 * NodeIndex(b.proposer) + 3 * b.round) % 7
MCVrfRank(b) == (3 * NodeIndex(b.proposer) + 5 * b.round) % 7

\* MCGrowingSteps: no node goes past the first round that is both healed and long
\* enough (spec/claims.md 3.5). Defined only where such a round is within MaxRound.
MCFirstSyncRound == CHOOSE r \in 0 .. MaxRound : SyncRound(r) /\ \A q \in 0 .. (r - 1) : ~SyncRound(q)
MCNoNodePastFirstSyncRound == \A n \in DOMAIN round : round[n] <= MCFirstSyncRound

\* The honest members n1, n2, n3 are interchangeable wherever ranks are not used
\* (the asynchronous configurations), so TLC may check one state per permutation.
HonestSymmetry == Permutations({n1, n2, n3})
=============================================================================
