# `midnight demo`: the main job. Five scenarios, each passing, exit 0.
source "$(dirname "$0")/lib.bash"

run demo
check "demo exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "five scenarios are printed" [ "$(grep -c '^== Scenario [1-5]/5' "$WORK/out")" -eq 5 ]
check "five PASS lines" [ "$(grep -c '^  PASS: ' "$WORK/out")" -eq 5 ]
check_not "no FAIL line" grep -q 'FAIL' "$WORK/out"
check "summary line" grep -q '^demo: 5/5 scenarios passed$' "$WORK/out"
check "tallies against the quorum are shown" grep -Eq 'prevotes for [0-9a-f]{8}: [0-9]+/[0-9]+ \(quorum [0-9]+\)' "$WORK/out"
check "the slow node adopts a commit" grep -q 'node 3: .*adopted from a commit certificate' "$WORK/out"
check "equivocation is visible" grep -q '(equivocation)' "$WORK/out"
for s in 'Single node' 'Two nodes' 'Three+ nodes' 'Network partition' 'Slow node'; do
  check "scenario '$s' present" grep -q "^== Scenario .*: $s" "$WORK/out"
done

run demo --json
check "demo --json exits 0" [ "$RC" -eq 0 ]
check "json: all passed" grep -q '^  "all_passed": true' "$WORK/out"
check "json: five scenarios passed" [ "$(grep -c '^      "passed": true' "$WORK/out")" -eq 5 ]
check_not "json: no failed check" grep -q '"ok": false' "$WORK/out"

cp "$WORK/out" "$WORK/first"
run demo --json
check "demo is deterministic" cmp -s "$WORK/first" "$WORK/out"

run demo --bogus
check "unknown demo flag exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
finish
