# `midnight demo`: the main job. The five scenarios under each of the three selection
# policies, as stated and with mempools 1 % apart (30 runs), each passing, exit 0;
# `--policy P` runs the ten under P only.
source "$(dirname "$0")/lib.bash"

run demo
check "demo exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "thirty scenarios are printed" [ "$(grep -c '^== Scenario [0-9]*/30 ' "$WORK/out")" -eq 30 ]
for p in lowest-hash vrf first-to-quorum; do
  check "ten scenarios under $p" [ "$(grep -c "^== Scenario [0-9]*/30 \[$p\]: " "$WORK/out")" -eq 10 ]
  check "five of them with divergent mempools under $p" \
    [ "$(grep -c "^== Scenario [0-9]*/30 \[$p\]: \[mempools 1 % apart\] " "$WORK/out")" -eq 5 ]
done
check "thirty PASS lines" [ "$(grep -c '^  PASS: ' "$WORK/out")" -eq 30 ]
check_not "no FAIL line" grep -q 'FAIL' "$WORK/out"
check "summary line" grep -q '^demo: 30/30 scenarios passed$' "$WORK/out"
check "policy B selects by VRF output" grep -q 'the finalized block has the lowest VRF output' "$WORK/out"
check "policy C's two-node stall is shown" grep -q 'policy C is safe but not live' "$WORK/out"
check "tallies against the quorum are shown" grep -Eq 'prevotes for [0-9a-f]{8}: [0-9]+/[0-9]+ \(quorum [0-9]+\)' "$WORK/out"
check "the slow node adopts a commit" grep -q 'node 3: .*adopted from a commit certificate' "$WORK/out"
check "equivocation is visible" grep -q '(equivocation)' "$WORK/out"
for s in 'Single node' 'Two nodes' 'Three+ nodes' 'Network partition' 'Slow node'; do
  check "scenario '$s' present" grep -q "^== Scenario .*: $s" "$WORK/out"
done

run demo --json
check "demo --json exits 0" [ "$RC" -eq 0 ]
check "json: all passed" grep -q '^  "all_passed": true' "$WORK/out"
check "json: thirty scenarios passed" [ "$(grep -c '^      "passed": true' "$WORK/out")" -eq 30 ]
check "json: each scenario names its policy" [ "$(grep -c '^      "policy": "' "$WORK/out")" -eq 30 ]
check "json: the divergent runs fetched bodies by reconciliation" grep -Eq '"reconcile": \{"requests_sent": [1-9]' "$WORK/out"
check_not "json: no failed check" grep -q '"ok": false' "$WORK/out"

cp "$WORK/out" "$WORK/first"
run demo --json
check "demo is deterministic" cmp -s "$WORK/first" "$WORK/out"

run demo --policy vrf
check "demo --policy vrf exits 0 (rc=$RC)" [ "$RC" -eq 0 ]
check "demo --policy vrf runs ten scenarios" grep -q '^demo: 10/10 scenarios passed$' "$WORK/out"
check_not "demo --policy vrf runs no other policy" grep -q '\[lowest-hash\]\|\[first-to-quorum\]' "$WORK/out"

run demo --policy leader
check "unknown demo policy exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
run demo --bogus
check "unknown demo flag exits 2 (rc=$RC)" [ "$RC" -eq 2 ]
finish
