# Every family's comparison can fail: a copy of the vectors with one expected value
# changed makes the oracle report a divergence in that family, against the reference's
# own adapter. The families no Rust mutant reaches (encoding, vrf, reconciliation) are
# here; the others diverge under the mutants of tests/conform/rust.sh.
source "$(dirname "$0")/../cli/lib.bash"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO"

# family, then a sed expression that changes the first occurrence of one expected value
while IFS='|' read -r family change; do
  rm -rf "$WORK/vectors"
  cp -r spec/vectors "$WORK/vectors"
  sed -i "$change" "$WORK/vectors/$family.json"
  check "$family: the copy differs" bash -c "! cmp -s spec/vectors/$family.json '$WORK/vectors/$family.json'"
  run conform --quiet --family "$family" --vectors "$WORK/vectors" -- "$MIDNIGHT" adapter
  check "$family: exit 1 (rc=$RC)" [ "$RC" -eq 1 ]
  check "$family: first divergence in $family" grep -q "^first divergence: $family: " "$WORK/out"
  echo "$family: $(grep -A3 '^first divergence' "$WORK/out" | sed -n '1p;4p' | tr '\n' ' ')"
done <<'CHANGES'
encoding|0,/"bytes": "68656c6c6f"/s//"bytes": "68656c6c6e"/
vrf|0,/"expected": "s_not_below_group_order"/s//"expected": "gamma_not_canonical"/
reconciliation|0,/"cells_per_hash": 71/s//"cells_per_hash": 72/
CHANGES
finish
