#!/usr/bin/env bash
# Every test: set up, build the release (gcc) and the sanitizer (clang, ASan + UBSan)
# presets and run all of CTest in both (the fuzz corpora replay there too, label fuzz-corpus), then build
# the clang-fuzz preset and run its tests: every libFuzzer target fuzzes for a bounded
# time from its corpus, and the negative controls must be found (label fuzz).
# What runs in one preset only, because the other would check nothing more: the TLC model
# checks (labels tla and tla-trace: Java, and the simulator's traces) and the Rust implementation's build, tests and
# oracle runs (label interop) in release; cli.vectors' full regeneration in release (the
# same bytes; the codec at those sizes runs under ASan in the unit and allocation tests);
# the libFuzzer runs in clang-fuzz, whose build is just the libFuzzer targets (the
# fuzz-corpus replays run in release and under ASan + UBSan in debug-asan). The property
# tests run 1000 cases in release and 250 under debug-asan, negative controls the full
# count in both (properties/CMakeLists.txt). The sanitizer preset compiles with clang: with
# ASan and UBSan it builds in less than half gcc's CPU time (604 against 1,386 CPU-s), and
# gcc still builds and runs everything in release.
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
