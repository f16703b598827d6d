#!/usr/bin/env bash
# `midnight decode` never crashes on any file of any fuzz corpus: every file exits 0
# (decoded) or 2 (a decode error), never a signal or a sanitizer's abort. The files are
# also given as hex (--hex), which takes the other input path. Random bytes are
# tests/cli/decode_fuzz.sh's part.
set -uo pipefail
midnight=$1 corpus=$2
bad=0 files=0 decoded=0
for file in "$corpus"/*/*; do
  [ -f "$file" ] || continue
  files=$((files + 1))
  "$midnight" decode "$file" >/dev/null 2>&1
  rc=$?
  [ "$rc" -eq 0 ] && decoded=$((decoded + 1))
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    echo "FAIL: decode exited $rc on $file"
    bad=$((bad + 1))
  fi
  od -An -v -tx1 "$file" | tr -d ' \n' | "$midnight" decode --hex - >/dev/null 2>&1
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
    echo "FAIL: decode --hex exited $rc on $file"
    bad=$((bad + 1))
  fi
done
echo "$files corpus files, $decoded decoded as a message, $bad crashes"
[ "$bad" -eq 0 ] && [ "$files" -gt 0 ]
