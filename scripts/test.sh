#!/usr/bin/env bash
# Every test: set up, build the release and the sanitizer (ASan + UBSan) presets, both
# with clang, and run all of CTest in both (the fuzz corpora replay there too, label
# fuzz-corpus), then build the clang-fuzz preset and run its tests: every libFuzzer target
# fuzzes for a bounded time from its corpus, and the negative controls must be found
# (label fuzz).
# What runs in one preset only, because the other would check nothing more: the TLC model
# checks (labels tla and tla-trace: Java, and the simulator's traces) and the Rust
# implementation's build, tests and oracle runs (label interop) in release; cli.vectors'
# full regeneration in release (the same bytes; the codec at those sizes runs under ASan
# in the unit and allocation tests); the property tests' negative controls in release
# (whether a property can fail is a fact of the search, the same in every build); the
# libFuzzer runs in clang-fuzz, whose build is just the libFuzzer targets (the
# fuzz-corpus replays run in release and under ASan + UBSan in debug-asan). The property
# tests run 1000 cases in release and 250 under debug-asan (properties/CMakeLists.txt).
# Both presets compile with clang for CI time: it built the release preset in about 530
# CPU-seconds where gcc 12 took 836, and the sanitizer preset in 604-666 where gcc took
# 1,386. The library and the command build with gcc too (CMAKE_CXX_COMPILER=g++; the
# oracle's build from nothing in README.md uses the system compiler).
# All three presets compile in unity batches (CMAKE_UNITY_BUILD), again for CI time: on
# 2 cores, from nothing, release 322 s -> 161 s (636 -> 318 CPU-s), debug-asan 357 s ->
# 181 s, clang-fuzz 138 s -> 67 s. What a batch could hide, a header that compiles only
# after another file's includes, the release preset checks by compiling every public
# header alone (midnight_headers_alone, tests/CMakeLists.txt).
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
