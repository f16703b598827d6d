#!/usr/bin/env bash
# The trace spec's own negative controls: a trace the simulator wrote is accepted, and
# the same trace edited by hand in one line, so that it says something the model forbids,
# is rejected at that line. A validator that accepted everything would fail here.
#   check_trace_edits.sh JAR MIDNIGHT
set -euo pipefail
jar=$1 midnight=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A 2|2 partition healed at 5000 ms: both sides retry, lock and decide in a later round.
"$midnight" simulate --nodes 4 --partition '2|2@0-5000' --seed 1 --model-trace "$work/run" > /dev/null
trace=$work/run/height-1.ndjson
failures=0
expect() {  # expect DESCRIPTION OUTCOME FILE
  if bash "$here/run_trace.sh" "$jar" "$midnight" "$2" --trace "$3"; then
    echo "ok: $1"
  else
    echo "FAIL: $1" >&2
    failures=$((failures + 1))
  fi
}
# edit NAME AWK-PROGRAM: the trace with one line changed (the awk program edits $0).
edit() { awk "$2" "$trace" > "$work/$1.ndjson"; cmp -s "$trace" "$work/$1.ndjson" && { echo "FAIL: edit $1 changed nothing" >&2; failures=$((failures + 1)); }; return 0; }

expect "the simulator's trace is accepted" accepted "$trace"

# A round skipped with nobody ahead: the first round start, two rounds too far.
edit skip '!d && /"action": "start"/ { gsub(/"round": 1/, "\"round\": 3"); d = 1 } { print }'
expect "a skip nobody reached is rejected" rejected:start "$work/skip.ndjson"

# A decision for a block with no precommit quorum: another block's id.
other=$(grep '"kind": "block"' "$trace" | tail -1 | grep -Eo '"id": "[0-9a-f]+"' | cut -d'"' -f4)
edit decide "!d && /\"action\": \"decide\"/ { sub(/\"block\": \"[0-9a-f]+\"/, \"\\\"block\\\": \\\"$other\\\"\"); gsub(/\"decision\": \"[0-9a-f]+\"/, \"\\\"decision\\\": \\\"$other\\\"\"); d = 1 } { print }"
expect "a decision without a quorum is rejected" rejected:decide "$work/decide.ndjson"

# A prevote for a block nobody proposed.
edit ghost '!d && /"action": "prevote"/ && /"block": "[0-9a-f]+"/ { sub(/"block": "[0-9a-f]+"/, "\"block\": \"00000000000000ff\""); d = 1 } { print }'
expect "a prevote for a block nobody proposed is rejected" rejected:prevote "$work/ghost.ndjson"

# A precommit that logs no lock: the model locks on what it precommits.
edit lock '!d && /"action": "precommit"/ && /"locked_round": [0-9]/ { sub(/"locked_round": [0-9]+/, "\"locked_round\": -1"); d = 1 } { print }'
expect "a precommit without its lock is rejected" rejected:precommit "$work/lock.ndjson"

# A second, different prevote by one node in one round.
edit double '/"action": "prevote"/ && !d { print; line = $0; sub(/"block": "[0-9a-f]+"/, "\"block\": \"nil\"", line); sub(/, "state": .*}$/, "}", line); print line; d = 1; next } { print }'
expect "a second prevote in one round is rejected" rejected:prevote "$work/double.ndjson"

if [ $failures -ne 0 ]; then
  echo "FAIL: $failures of the trace edits" >&2
  exit 1
fi
echo "PASS: the trace is accepted and each edit is rejected where it was made"
