#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time from its committed corpus, with the flags
# of its options file (the OSS-Fuzz format: a [libfuzzer] section of `key = value`; a
# `dict` names a file in fuzz/dictionaries/). Used by the CTest `fuzz` label; also the
# quickest way to fuzz by hand:
#   fuzz/run_fuzzer.sh build/clang-fuzz/bin/vote_fuzzer 600 /tmp/vote-work fuzz/corpus/vote_fuzzer \
#       fuzz/options/vote_fuzzer.options
# New inputs go to WORK_DIR (the committed corpus is only read); crash files to WORK_DIR/artifacts/.
# Exit code: libFuzzer's (0 when nothing was found in the time).
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 FUZZER SECONDS WORK_DIR CORPUS_DIR [OPTIONS_FILE] [extra libFuzzer flags...]" >&2
  exit 2
fi
fuzzer=$1 seconds=$2 work=$3 corpus=$4
options=${5:-}
shift $(($# < 5 ? $# : 5))
here=$(cd "$(dirname "$0")" && pwd)
flags=()
if [ -n "$options" ] && [ -f "$options" ]; then
  section=""
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    line=$(echo "$line" | tr -d '[:space:]')
    [ -z "$line" ] && continue
    if [[ $line == \[*\] ]]; then section=$line; continue; fi
    [ "$section" = "[libfuzzer]" ] || continue
    key=${line%%=*} value=${line#*=}
    [ "$key" = dict ] && value="$here/dictionaries/$value"
    flags+=("-$key=$value")
  done <"$options"
fi
mkdir -p "$work/artifacts"
exec "$fuzzer" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work" "$corpus"
