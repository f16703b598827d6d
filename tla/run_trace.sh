#!/usr/bin/env bash
# Trace validation (tla/README.md, "Trace validation"): runs the simulator on each run of
# a list with --model-trace, and has TLC check every height's trace against the model
# (TraceMidnightRound.tla). Passes only on the expected outcome.
#   run_trace.sh JAR MIDNIGHT EXPECT RUNS
#   run_trace.sh JAR MIDNIGHT EXPECT --trace FILE.ndjson   (one trace, of any origin)
# RUNS: a file of simulate option lines, one run each ('#' comments and blank lines
# skipped); a line with `--seeds A-B` stands for the runs with --seed A, ..., --seed B.
# EXPECT:
#   accepted          every trace of every run is a behaviour of the model
#   rejected:ACTIONS  every run has a trace TLC rejects, at a step line of one of these
#                     actions (comma-separated: prevote, precommit, decide, start,
#                     restart): a planted fault must be caught where it acts, not anywhere
# TLC_WORKERS (default 1): TLC's workers per trace (a trace has a handful of states per line).
set -euo pipefail
jar=$1 midnight=$2 expect=$3 runs=$4
one_trace=
if [ "$runs" = --trace ]; then one_trace=$5; fi
workers=${TLC_WORKERS:-1}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$jar" ]; then
  echo "TLC not found at $jar: run scripts/setup.sh" >&2
  exit 1
fi
case "$expect" in
  accepted) ;;
  rejected:*)
    for a in $(echo "${expect#rejected:}" | tr ',' ' '); do
      case "$a" in prevote | precommit | decide | start | restart) ;; *) echo "unknown action '$a'" >&2; exit 1 ;; esac
    done
    ;;
  *) echo "unknown expectation '$expect'" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/MidnightRound.tla" "$here/TraceMidnightRound.tla" "$here/TraceMidnightRound.cfg" "$work/"

# Checks one trace; prints one line; returns 0 if accepted, 1 if rejected (and sets
# rejected_action), 2 if TLC failed to run.
rejected_action=
check_trace() {
  local trace=$1 label=$2
  "$midnight" trace-module "$trace" < /dev/null > "$work/TraceData.tla"
  local steps
  steps=$(grep -c '"kind": "step"' "$trace" || true)
  local start out status
  start=$(date +%s%N)
  set +e
  # (A trace has a state per line: the JVM's start is most of the time, and the
  # client compiler alone halves it.)
  (cd "$work" && java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.io.tmpdir="$work" -cp "$jar" tlc2.TLC -workers "$workers" -deadlock -cleanup \
     -metadir "$work/states" -config TraceMidnightRound.cfg TraceMidnightRound.tla) < /dev/null > "$work/tlc.out" 2>&1
  status=$?
  set -e
  local ms=$(( ($(date +%s%N) - start) / 1000000 ))
  local states
  states=$(grep -Eo '[0-9,]+ distinct states found' "$work/tlc.out" | tail -1 | cut -d' ' -f1 || true)
  if grep -q '^Error: Invariant TraceIncomplete is violated.$' "$work/tlc.out"; then
    echo "  accepted  $label: $steps steps, ${states:-?} distinct states, $ms ms"
    return 0
  fi
  if grep -q '^Model checking completed. No error has been found.$' "$work/tlc.out"; then
    # The search ends at the deepest state it reached: depth d means the initial state
    # and d - 1 matched lines, so step line d is the first no behaviour matches.
    local depth line
    depth=$(grep -Eo 'depth of the complete state graph search is [0-9]+' "$work/tlc.out" | grep -Eo '[0-9]+$' || true)
    line=$(grep '"kind": "step"' "$trace" | sed -n "${depth:-0}p")
    rejected_action=$(printf '%s' "$line" | grep -Eo '"action": "[a-z]+"' | cut -d'"' -f4 || true)
    echo "  REJECTED  $label: step $depth of $steps matches no behaviour of the model: $line"
    return 1
  fi
  local inv
  inv=$(grep -Eo '^Error: Invariant [A-Za-z]+ is violated' "$work/tlc.out" | awk '{print $3}' || true)
  if [ -n "$inv" ]; then
    rejected_action="invariant:$inv"
    echo "  REJECTED  $label: the model's invariant $inv is violated along the trace"
    return 1
  fi
  echo "  ERROR     $label: TLC exit $status" >&2
  tail -30 "$work/tlc.out" >&2
  return 2
}

if [ -n "$one_trace" ]; then
  rc=0
  check_trace "$one_trace" "$(basename "$one_trace")" || rc=$?
  case "$expect:$rc" in
    accepted:0) exit 0 ;;
    rejected:*:1) [[ ",${expect#rejected:}," == *",$rejected_action,"* ]] && exit 0
                  echo "FAIL: rejected at a '$rejected_action' line, not '${expect#rejected:}'" >&2; exit 1 ;;
    *) echo "FAIL: $one_trace is not $expect" >&2; exit 1 ;;
  esac
fi

# The runs, with every --seeds A-B expanded.
lines=()
while IFS= read -r options || [ -n "$options" ]; do
  options=${options%%#*}
  [ -z "${options// }" ] && continue
  if [[ $options =~ (.*)--seeds\ ([0-9]+)-([0-9]+)(.*) ]]; then
    for ((seed = BASH_REMATCH[2]; seed <= BASH_REMATCH[3]; seed++)); do
      lines+=("${BASH_REMATCH[1]}--seed $seed${BASH_REMATCH[4]}")
    done
  else
    lines+=("$options")
  fi
done < "$runs"

failures=0
count=0
traces=0
for options in "${lines[@]}"; do
  count=$((count + 1))
  rm -rf "$work/traces"
  # shellcheck disable=SC2086  # the options are words
  "$midnight" simulate $options --model-trace "$work/traces" < /dev/null > "$work/sim.out" 2>&1 || true
  shopt -s nullglob
  files=("$work"/traces/height-*.ndjson)
  shopt -u nullglob
  if [ ${#files[@]} -eq 0 ]; then
    echo "FAIL run $count ($options): no trace written" >&2
    cat "$work/sim.out" >&2
    failures=$((failures + 1))
    continue
  fi
  echo "run $count: midnight simulate $options"
  run_rejected=
  for f in "${files[@]}"; do
    traces=$((traces + 1))
    rejected_action=
    rc=0
    check_trace "$f" "$(basename "$f" .ndjson)" || rc=$?
    if [ $rc -eq 2 ]; then failures=$((failures + 1)); continue; fi
    if [ $rc -eq 1 ]; then
      if [ "$expect" = accepted ]; then
        failures=$((failures + 1))
      elif [[ ",${expect#rejected:}," == *",$rejected_action,"* ]]; then
        run_rejected=yes
      else
        echo "  (rejected at a '$rejected_action' line, where '${expect#rejected:}' was expected)"
      fi
    fi
  done
  if [ "$expect" != accepted ] && [ -z "$run_rejected" ]; then
    echo "FAIL run $count: no trace rejected at a '${expect#rejected:}' line: the planted fault went unseen" >&2
    failures=$((failures + 1))
  fi
done

if [ $count -eq 0 ]; then
  echo "FAIL: no run in $runs" >&2
  exit 1
fi
if [ $failures -ne 0 ]; then
  echo "FAIL $runs: $failures of $count runs ($traces traces) not $expect" >&2
  exit 1
fi
echo "PASS $runs: $count runs, $traces traces, all $expect"
