#!/usr/bin/env bash
# Every test: set up, build the release and the sanitizer (ASan + UBSan) presets and run
# all of CTest in both, then build the clang-fuzz preset so it stays ready for libFuzzer.
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
echo "== preset clang-fuzz (build only)"
cmake --preset clang-fuzz >/dev/null
cmake --build --preset clang-fuzz --target midnight_reference midnight_sim midnight
