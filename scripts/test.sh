#!/usr/bin/env bash
# Every test: set up, build the release and the sanitizer (ASan + UBSan) presets and run
# all of CTest in both (the fuzz corpora replay there too, label fuzz-corpus), then build
# the clang-fuzz preset and run its tests: every libFuzzer target fuzzes for a bounded
# time from its corpus, and the negative controls must be found (label fuzz).
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
for preset in release debug-asan; do
  echo "== preset $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
echo "== preset clang-fuzz"
cmake --preset clang-fuzz >/dev/null
cmake --build --preset clang-fuzz
ctest --preset clang-fuzz
