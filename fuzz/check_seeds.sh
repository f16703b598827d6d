#!/usr/bin/env bash
# fuzz-corpus.seeds_current: regenerates every target's seeds with the encoder
# (midnight_fuzz_corpus) and fails if a committed seed differs from it, is missing, or
# is no longer generated. Files not named seed-* (what fuzzing found) are left alone.
set -uo pipefail
tool=$1 corpus=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$tool" "$work" || { echo "FAIL: $tool exited $?"; exit 1; }
bad=0 count=0
for fresh in "$work"/*/seed-*; do
  rel=${fresh#"$work"/}
  count=$((count + 1))
  if ! cmp -s "$fresh" "$corpus/$rel"; then
    echo "FAIL: fuzz/corpus/$rel is missing or differs from the encoder's (regenerate: $tool fuzz/corpus)"
    bad=$((bad + 1))
  fi
done
for committed in "$corpus"/*/seed-*; do
  rel=${committed#"$corpus"/}
  [ -e "$work/$rel" ] || { echo "FAIL: fuzz/corpus/$rel is no longer generated (remove it)"; bad=$((bad + 1)); }
done
echo "$count seeds generated, $bad problems"
[ "$bad" -eq 0 ] && [ "$count" -gt 0 ]
