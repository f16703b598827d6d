#!/usr/bin/env bash
# A negative control's libFuzzer test: passes only if the fuzzer finds, within SECONDS, a
# crash whose output contains MESSAGE. It starts from the SEED_DIRs given (read only) or,
# with none, from nothing; either way the seeds hold no counterexample, so the finding is
# the fuzzer's own. OPTIONS is the target's options file (its dict and max_len are used).
#   expect_finding.sh FUZZER SECONDS WORK_DIR OPTIONS MESSAGE [SEED_DIR...]
set -uo pipefail
if [ $# -lt 5 ]; then
  echo "usage: $0 FUZZER SECONDS WORK_DIR OPTIONS MESSAGE [SEED_DIR...]" >&2
  exit 2
fi
fuzzer=$1 seconds=$2 work=$3 options=$4 message=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
option() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$options" | head -1; }
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
start=$(date +%s)
"$fuzzer" -dict="$here/dictionaries/$(option dict)" -max_len="$(option max_len)" -max_total_time="$seconds" \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@" >"$work/log" 2>&1
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
