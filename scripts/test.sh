#!/usr/bin/env bash
# Every test: set up, build the release and the sanitizer (ASan + UBSan) presets,
# and run all of CTest in both. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
for preset in release debug-asan; do
  echo "== preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
