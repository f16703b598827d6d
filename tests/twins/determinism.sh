# The same slice twice gives the same report, byte for byte (times go to standard error);
# a scenario run alone gives the verdict it had in its slice.
source "$(dirname "$0")/lib.bash"

run twins --limit 200 --shard 3/11 --json
cp "$WORK/out" "$WORK/first.json"
run twins --limit 200 --shard 3/11 --json
check "the same slice twice: byte-identical" cmp -s "$WORK/out" "$WORK/first.json"
run twins --limit 200 --shard 3/11 --no-reuse --json
check "without reuse (fresh world and memos per scenario): byte-identical" cmp -s "$WORK/out" "$WORK/first.json"
# The same with violations to report: the memos and the shared world change no verdict.
run twins --negative-control no-lock --limit 700 --json
cp "$WORK/out" "$WORK/control.json"
check "no-lock slice: violations found" [ "$(report_count "$WORK/out" violating_scenarios)" -gt 0 ]
run twins --negative-control no-lock --limit 700 --no-reuse --json
check "no-lock slice without reuse: byte-identical" cmp -s "$WORK/out" "$WORK/control.json"
run twins --limit 200 --shard 3/11 --seed 9 --json
check "another seed: the seed is in the report" grep -q '"seed": 9,' "$WORK/out"
run twins --scenario 1234 --json
check "--scenario: exit 0" [ "$RC" -eq 0 ]
check "--scenario: one run" [ "$(report_count "$WORK/out" scenarios_run)" = 1 ]
finish
