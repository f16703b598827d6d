#!/usr/bin/env bash
# A negative control's libFuzzer test: passes only if the fuzzer, starting from nothing
# (no seed corpus: the finding must be its own), finds a crash within SECONDS whose output
# contains MESSAGE. Used by fuzz.round_fuzzer_quorum_ceil.
#   expect_finding.sh FUZZER SECONDS WORK_DIR DICT MESSAGE [extra libFuzzer flags...]
set -uo pipefail
if [ $# -lt 5 ]; then
  echo "usage: $0 FUZZER SECONDS WORK_DIR DICT MESSAGE [libFuzzer flags...]" >&2
  exit 2
fi
fuzzer=$1 seconds=$2 work=$3 dict=$4 message=$5
shift 5
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
start=$(date +%s)
"$fuzzer" -dict="$dict" -max_len=512 -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" >"$work/log" 2>&1
status=$?
elapsed=$(($(date +%s) - start))
if [ $status -ne 0 ] && grep -qF -- "$message" "$work/log" && ls "$work"/artifacts/crash-* >/dev/null 2>&1; then
  echo "negative control found in ${elapsed}s: $(ls "$work"/artifacts/crash-* | head -1)"
  grep -F -- "fuzz check failed" "$work/log" | head -1
  exit 0
fi
echo "negative control NOT found (libFuzzer exit $status after ${elapsed}s); expected: $message" >&2
tail -20 "$work/log" >&2
exit 1
