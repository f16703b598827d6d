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

for bad in -0.1 1.5 x nan; do
  run simulate --nodes 4 --mempool-divergence "$bad"
  check "divergence '$bad' is refused (rc=$RC)" [ "$RC" -eq 2 ]
done
finish
