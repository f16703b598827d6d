# The negative controls are found by the enumeration: each unsafe variant breaks a promise
# in some scenario, found within a bounded number of scenarios, and that scenario's
# replay line breaks it again alone. Shows the judge able to fail under twins.
source "$(dirname "$0")/lib.bash"

found() {  # found NAME BOUND OPTIONS...: the first violation within BOUND scenarios
  local name=$1 bound=$2; shift 2
  run twins "$@" --first --limit "$bound" --json
  check "$name: exit 1" [ "$RC" -eq 1 ]
  check "$name: one violating scenario" [ "$(report_count "$WORK/out" violating_scenarios)" = 1 ]
  local replay
  replay=$(grep -m1 '"replay": ' "$WORK/out" | sed 's/.*"replay": "midnight //; s/",*$//')
  check "$name: a replay line" [ -n "$replay" ]
  # shellcheck disable=SC2086
  "$MIDNIGHT" $replay >"$WORK/replay" 2>&1
  check "$name: the replay fails alone" [ "$?" -eq 1 ]
  check "$name: the replay names the scenario" grep -q 'violating scenarios: 1' "$WORK/replay"
  echo "$name: first violation after $(report_count "$WORK/out" scenarios_run) scenarios"
}

found no-lock 2000 --negative-control no-lock
found quorum-ceil 2000 --members 3 --negative-control quorum-ceil
finish
