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
)

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
