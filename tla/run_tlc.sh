#!/usr/bin/env bash
# Runs TLC on one configuration and checks its expected outcome, so that a safe
# configuration must pass and a negative control must fail in the way it targets.
#   run_tlc.sh JAR CONFIG EXPECT
# EXPECT: ok | invariant:NAME | temporal
# TLC_WORKERS (default 2): TLC's worker threads; 1 makes a violating run's state counts
# repeatable (a parallel search stops at whichever violation a worker reaches first).
set -euo pipefail
jar=$1 config=$2 expect=$3
workers=${TLC_WORKERS:-2}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$jar" ]; then
  echo "TLC not found at $jar: run scripts/setup.sh" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/*.tla "$here/$config.cfg" "$work/"
cd "$work"
start=$(date +%s)
# (java.io.tmpdir: TLC unpacks its standard modules there and removes them at the end;
# two runs sharing /tmp would pull them from under each other.)
set +e
java -XX:+UseParallelGC -Djava.io.tmpdir="$work" -cp "$jar" tlc2.TLC -workers "$workers" -deadlock -cleanup \
  -metadir "$work/states" -config "$config.cfg" MC.tla > tlc.out 2>&1
status=$?
set -e
elapsed=$(( $(date +%s) - start ))
# (|| true: a run that never reached the state space must get to fail() below, not
# stop here silently under set -e and pipefail.)
states=$(grep -Eo '[0-9,]+ distinct states found' tlc.out | tail -1 | cut -d' ' -f1 || true)
generated=$(grep -Eo '[0-9,]+ states generated' tlc.out | tail -1 | cut -d' ' -f1 || true)
summary="$config: ${generated:-?} states generated, ${states:-?} distinct states, ${elapsed} s, $workers worker(s), TLC exit $status"

fail() {
  echo "FAIL $summary: $1" >&2
  tail -40 tlc.out >&2
  exit 1
}
case "$expect" in
  ok)
    grep -q '^Model checking completed. No error has been found.' tlc.out || fail "expected no error"
    ;;
  invariant:*)
    name=${expect#invariant:}
    grep -q "^Error: Invariant $name is violated.$" tlc.out || fail "expected invariant $name to be violated"
    ;;
  temporal)
    grep -q '^Error: Temporal properties were violated.$' tlc.out || fail "expected a temporal property to be violated"
    ;;
  *)
    fail "unknown expectation '$expect'"
    ;;
esac
# TLC must have got past parsing and into the state space.
grep -q 'distinct states found' tlc.out || fail "TLC explored no states"
echo "PASS $summary (expected: $expect)"
