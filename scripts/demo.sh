#!/usr/bin/env bash
# The main job: set up, build the release preset, run the design's five scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target midnight
exec build/release/bin/midnight demo "$@"
