# Honest mempools that diverge (--mempool-divergence P): each honest node lacks each pool
# transaction with probability P and holds round(P * pool) of its own. The run is as
# deterministic as any other, P = 0 is the run without the flag, and each node's
# snapshot adds up: held = pool - missing + own.
source "$(dirname "$0")/lib.bash"

run simulate --nodes 6 --mempool 200 --seed 3 --json --trace
check "no divergence: exit 0" [ "$RC" -eq 0 ]
cp "$WORK/out" "$WORK/plain.json"
run simulate --nodes 6 --mempool 200 --mempool-divergence 0 --seed 3 --json --trace
check "P = 0 is the run without the flag" cmp -s "$WORK/out" "$WORK/plain.json"
check "without divergence every honest node holds the whole pool" \
  bash -c "[ \$(grep -c '\"mempool\": {\"held\": 200, \"missing\": 0, \"own\": 0}' '$WORK/out') -eq 6 ]"

run simulate --nodes 6 --byzantine 1 --mempool 200 --mempool-divergence 0.05 --seed 3 --json --trace
check "divergence: exit 0 (agreement holds)" [ "$RC" -eq 0 ]
check "divergence: agreement" grep -q '"agreement": true' "$WORK/out"
check "divergence: the configuration says so" grep -q '"mempool_divergence": 0.05' "$WORK/out"
cp "$WORK/out" "$WORK/first.json"
run simulate --nodes 6 --byzantine 1 --mempool 200 --mempool-divergence 0.05 --seed 3 --json --trace
check "divergence: the same run twice gives the same JSON" cmp -s "$WORK/out" "$WORK/first.json"
snapshots=$(grep -o '"mempool": {"held": [0-9]*, "missing": [0-9]*, "own": [0-9]*}' "$WORK/out" | tr -dc '0-9 \n' |
            awk '{print $1, $2, $3}')
check "divergence: a snapshot per honest node" [ "$(printf '%s\n' "$snapshots" | grep -c .)" -eq 5 ]
check "divergence: held = pool - missing + own, own = round(0.05 * 200)" \
  awk '{ if ($1 != 200 - $2 + $3 || $3 != 10) exit 1 }' <<<"$snapshots"
check "divergence: some node lacks some pool transaction" awk '{ if ($2 > 0) f = 1 } END { exit f ? 0 : 1 }' <<<"$snapshots"
check "divergence: the snapshots differ between nodes" [ "$(printf '%s\n' "$snapshots" | sort -u | grep -c .)" -gt 1 ]
run simulate --nodes 6 --mempool 200 --mempool-divergence 0.05 --seed 4 --json --trace
check "divergence: another seed, other snapshots" bash -c "! cmp -s '$WORK/out' '$WORK/first.json'"

# Approval by validity: every node builds its own block and fetches the bodies it lacks.
# 16 nodes, 1,000 transactions, 1 % divergence: all decide in round 0 (spec/claims.md 3.1).
for seed in 1 2 3; do
  run simulate --nodes 16 --mempool 1000 --mempool-divergence 0.01 --seed "$seed" --json --trace
  check "1 % divergence, seed $seed: exit 0" [ "$RC" -eq 0 ]
  check "1 % divergence, seed $seed: all 16 finalized" grep -q '"all_honest_finalized": true' "$WORK/out"
  check "1 % divergence, seed $seed: every decision in round 0" \
    bash -c "[ \$(grep -o '\"round\": [0-9]*, \"block_id\"' '$WORK/out' | grep -vc '\"round\": 0,') -eq 0 ]"
  check "1 % divergence, seed $seed: the decided bodies are valid" grep -q '"bodies_valid": true' "$WORK/out"
  check "1 % divergence, seed $seed: bodies were assembled by reconciliation" \
    grep -Eq '"reconcile": \{"requests_sent": [1-9][0-9]*, .*"bodies_assembled": [1-9]' "$WORK/out"
  # Blocks of 1,000 transactions differ by tens: a sketch always pays, so none travels whole.
  check_not "1 % divergence, seed $seed: no body travelled whole" \
    grep -Eq '"bodies": \{"requests_sent": [1-9]' "$WORK/out"
  check_not "1 % divergence, seed $seed: no fetch fell back" \
    grep -Eq '"fell_back_(undecodable|inconsistent)": [1-9]' "$WORK/out"
done
# A Byzantine proposer ranked first (ground id) that never sends its body, at 10 %.
run simulate --nodes 16 --byzantine 1 --byzantine-mode withhold-body --mempool 1000 --mempool-divergence 0.1 \
  --seed 1 --json --trace
check "withheld body: exit 0, all honest finalized" grep -q '"all_honest_finalized": true' "$WORK/out"
check "withheld body: in round 0" \
  bash -c "[ \$(grep -o '\"round\": [0-9]*, \"block_id\"' '$WORK/out' | grep -vc '\"round\": 0,') -eq 0 ]"
# Its negative control: bodies held after checking only the Merkle root let a bad-body
# member's invalid block be decided; the judge reports it and the run fails. Under lowest
# hash, where the bad-body member grinds its block first (under policy B it leads only the
# rounds its VRF output wins).
run simulate --nodes 4 --byzantine 1 --byzantine-mode bad-body --policy lowest-hash --seed 1 --json --negative-control hold-unchecked-body
check "unchecked bodies: exit 1" [ "$RC" -eq 1 ]
check "unchecked bodies: the judge finds the invalid body" grep -q '"bodies_valid": false' "$WORK/out"
run simulate --nodes 4 --byzantine 1 --byzantine-mode bad-body --policy lowest-hash --seed 1 --json
check "checked bodies: exit 0" [ "$RC" -eq 0 ]
check "checked bodies: valid" grep -q '"bodies_valid": true' "$WORK/out"

for bad in -0.1 1.5 x nan; do
  run simulate --nodes 4 --mempool-divergence "$bad"
  check "divergence '$bad' is refused (rc=$RC)" [ "$RC" -eq 2 ]
done
finish
