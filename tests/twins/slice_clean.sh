# A bounded slice of the default enumeration (4 members, 2 rounds): the protocol keeps
# every promise in each scenario, and the report says how much ran.
source "$(dirname "$0")/lib.bash"
SLICE=${TWINS_SLICE:-1500}

run twins --limit "$SLICE" --json
check "slice: exit 0" [ "$RC" -eq 0 ]
check "slice: $SLICE scenarios run" [ "$(report_count "$WORK/out" scenarios_run)" = "$SLICE" ]
check "slice: no violation" [ "$(report_count "$WORK/out" violating_scenarios)" = 0 ]
check "slice: the whole enumeration's size" grep -q '"scenario_count": 8503056' "$WORK/out"
check "slice: a rate on standard error" grep -q 'scenarios/s' "$WORK/err"
# A slice of another shard and of three rounds: the same promises.
run twins --shard 5/7 --limit 100 --rounds 3
check "3 rounds, shard 5/7: exit 0" [ "$RC" -eq 0 ]
check "3 rounds, shard 5/7: no violation" grep -q 'violating scenarios: 0' "$WORK/out"
finish
