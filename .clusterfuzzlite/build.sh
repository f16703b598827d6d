#!/bin/bash -eu
# Builds every fuzz target for OSS-Fuzz and ClusterFuzzLite (their build.sh contract):
# the compiler and sanitizer flags come from $CC, $CXX, $CFLAGS, $CXXFLAGS, the engine
# from $LIB_FUZZING_ENGINE; the source is $SRC/midnight; binaries, options files,
# dictionaries and seed corpora go to $OUT as <target>, <target>.options,
# <target>.dict and <target>_seed_corpus.zip. The targets are the files in
# fuzz/targets/ (the deliberately unsafe negative-control builds are not shipped).
# libsodium is linked statically: the runner images do not have it.
# Run locally (see fuzz/README.md) with those variables set by hand.
src=${SRC}/midnight
build=${WORK}/midnight-build
cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE= \
  -DMIDNIGHT_FUZZ=ON -DMIDNIGHT_SANITIZE=OFF -DMIDNIGHT_WERROR=OFF \
  -DMIDNIGHT_TESTS=OFF -DMIDNIGHT_TLA_TESTS=OFF -DMIDNIGHT_SODIUM_STATIC=ON \
  "-DMIDNIGHT_FUZZ_ENGINE=${LIB_FUZZING_ENGINE}"
targets=()
for source in "$src"/fuzz/targets/*.cpp; do
  targets+=("$(basename "$source" .cpp)")
done
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"
for t in "${targets[@]}"; do
  cp "$build/bin/$t" "$OUT/"
  cp "$src/fuzz/options/$t.options" "$OUT/"
  cp "$src/fuzz/dictionaries/$t.dict" "$OUT/"
  rm -f "$OUT/${t}_seed_corpus.zip"
  zip -q -j "$OUT/${t}_seed_corpus.zip" "$src/fuzz/corpus/$t"/*
done
