#!/usr/bin/env bash
# A negative control's committed counterexamples: each file in DIR must make the control's
# replay binary abort with MESSAGE (its check can fail), and must pass the correct target's
# replay binary (the input is harmless to the correct code). Used by
# fuzz-corpus.<control>.
#   expect_replay.sh CONTROL_REPLAY TARGET_REPLAY DIR MESSAGE
set -uo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 CONTROL_REPLAY TARGET_REPLAY DIR MESSAGE" >&2
  exit 2
fi
control=$1 protocol=$2 dir=$3 message=$4
count=0
for input in "$dir"/*; do
  [ -f "$input" ] || continue
  count=$((count + 1))
  out=$("$control" "$input" 2>&1)
  status=$?
  if [ $status -eq 0 ] || ! grep -qF -- "$message" <<<"$out"; then
    echo "$input: the negative control did not fail with \"$message\" (exit $status):" >&2
    echo "$out" | tail -5 >&2
    exit 1
  fi
  if ! out=$("$protocol" "$input" 2>&1); then
    echo "$input: the correct target failed on the control's counterexample:" >&2
    echo "$out" | tail -5 >&2
    exit 1
  fi
  echo "$input: the control aborts with \"$message\", the correct target passes"
done
if [ $count -eq 0 ]; then
  echo "no counterexample in $dir" >&2
  exit 1
fi
