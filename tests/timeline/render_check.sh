#!/usr/bin/env bash
# The timeline picture in a browser: renders the synthetic scenario of
# timeline_scenario.cpp to SVG, screenshots it with headless Chromium and checks its
# pixels where the layout says the partition band, a decision and a violation are
# (check_pixels.py). Two negative controls hold the checks to failing: the same picture
# without the partition must fail the band check, and without the violation the
# violation check, each while the other checks still pass.
#
# Then the pictures the command draws from real runs: `midnight simulate --timeline` of
# seven nodes, 4|3 apart from 0 to 5000 ms, must show the band on a lane of the smaller
# side at 2500 ms and not after the heal, and no violation; `midnight check --timeline`
# of an equivocating run must show a violation. Their controls: the same run without the
# partition fails only the band check, and the honest run's logs checked fail only the
# violation check.
# Usage: render_check.sh PATH/TO/midnight_timeline_scenario PATH/TO/midnight
set -euo pipefail

scenario=${1:?usage: render_check.sh PATH/TO/midnight_timeline_scenario PATH/TO/midnight}
midnight=${2:?usage: render_check.sh PATH/TO/midnight_timeline_scenario PATH/TO/midnight}
here=$(cd "$(dirname "$0")" && pwd)

# A missing browser is a failure, never a skip: the picture is part of what the tests prove.
if ! command -v chromium >/dev/null 2>&1; then
  echo "timeline: chromium not found: run scripts/setup.sh (it installs Debian's chromium)" >&2
  exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "timeline: python3 not found: run scripts/setup.sh" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "timeline: FAIL: $*" >&2
  exit 1
}

# render NAME [SCENARIO OPTION]: NAME.svg, NAME.expect and the screenshot NAME.png in $work.
render() {
  local name=$1
  shift
  "$scenario" "$work/$name.svg" "$@" >"$work/$name.expect" || fail "$scenario $* exited $?"
  shoot "$name"
}

# shoot NAME: the screenshot NAME.png of NAME.svg, at the size NAME.expect gives.
shoot() {
  local name=$1
  local width height
  read -r _ width height < <(grep '^size ' "$work/$name.expect")
  mkdir "$work/$name.profile"
  # A closed network and no GPU: everything that would reach out or wait for one is off.
  if ! timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --user-data-dir="$work/$name.profile" --hide-scrollbars --force-device-scale-factor=1 \
      --force-color-profile=srgb --window-size="$width,$height" \
      --screenshot="$work/$name.png" "file://$work/$name.svg" >"$work/$name.chromium.log" 2>&1; then
    cat "$work/$name.chromium.log" >&2
    fail "chromium could not screenshot $name.svg"
  fi
  [ -s "$work/$name.png" ] || { cat "$work/$name.chromium.log" >&2; fail "chromium wrote no $name.png"; }
}

# check NAME: runs check_pixels.py on NAME's screenshot; its output goes to NAME.checks.
# (-B: no bytecode cache written into the source tree.)
check() {
  python3 -B "$here/check_pixels.py" "$work/$1.png" "$work/$1.expect" >"$work/$1.checks" 2>&1
}

# The three screenshots at once: a browser's start-up is mostly waiting, not computing.
render full &
full_pid=$!
render no_partition --without-partition &
no_partition_pid=$!
render no_violation --without-violation &
no_violation_pid=$!
wait "$full_pid" || exit 1
wait "$no_partition_pid" || exit 1
wait "$no_violation_pid" || exit 1

# The renderer is deterministic: the same scenario twice gives the same bytes.
"$scenario" "$work/again.svg" >/dev/null || fail "$scenario exited $?"
cmp -s "$work/full.svg" "$work/again.svg" || fail "two renderings of the same scenario differ"

# The three checks at once too; each status is read back below.
for name in full no_partition no_violation; do
  (check "$name" && echo 0 >"$work/$name.status" || echo 1 >"$work/$name.status") &
done
wait
passed() { [ "$(cat "$work/$1.status")" = 0 ]; }

if ! passed full; then
  cat "$work/full.checks" >&2
  fail "the scenario's screenshot does not show what its layout says"
fi
cat "$work/full.checks"

# Negative controls: exactly the check of what was left out must fail.
control() {
  local name=$1 option=$2 expected_failure=$3
  if passed "$name"; then
    cat "$work/$name.checks" >&2
    fail "control $option: every check passed, so '$expected_failure' cannot see what it checks"
  fi
  local failed
  failed=$(grep '^FAIL ' "$work/$name.checks" | cut -d' ' -f2 | tr -d ':' | tr '\n' ' ')
  if [ "$failed" != "$expected_failure " ]; then
    cat "$work/$name.checks" >&2
    fail "control $option: expected only '$expected_failure' to fail, got: $failed"
  fi
  echo "control $option: only $expected_failure failed, as it must"
}
control no_partition --without-partition partition-band
control no_violation --without-violation violation

# ---- pictures the command draws --------------------------------------------------------

# The time range a picture spans, from its title ("... [FROM .. TO ms]").
range_of() { sed -n 's|^<title>.*\[\([0-9]*\) \.\. \([0-9]*\) ms\]</title>$|\1 \2|p' "$1"; }
height_of() { sed -n 's|^<svg .* height="\([0-9]*\)" viewBox=.*|\1|p' "$1"; }
# where SVG LANE T: "X Y TOP BOTTOM" of that lane at that time, by the renderer's layout.
where() {
  local from to
  read -r from to < <(range_of "$1")
  [ -n "$to" ] || fail "$1 has no time range in its title"
  "$scenario" --where "$from" "$to" "$2" "$3"
}
size_line() { echo "size 1280 $(height_of "$1")"; }

# The band over lane 5 (of the smaller side, nodes 4..6) at 2500 ms: most of a 7 x 7 box
# around the lane's centre, which a mark or a drop's line may cross; none of it at 7000
# ms, after the heal, nor on lane 1 (the other side) during the partition.
expect_partition() {
  local svg=$1 x y
  size_line "$svg"
  read -r x y _ _ < <(where "$svg" 5 2500)
  echo "count partition-band $((x - 3)) $((y - 3)) $((x + 3)) $((y + 3)) c9a0ff 25 -"
  read -r x y _ _ < <(where "$svg" 5 7000)
  echo "count partition-band-after-heal $((x - 3)) $((y - 3)) $((x + 3)) $((y + 3)) c9a0ff 0 0"
  read -r x y _ _ < <(where "$svg" 1 2500)
  echo "count other-side-unbanded $((x - 3)) $((y - 3)) $((x + 3)) $((y + 3)) c9a0ff 0 0"
}
# expect_violations SVG LANES MIN MAX: red pixels anywhere on the plot of the lanes.
expect_violations() {
  local svg=$1 lanes=$2 from to x0 x1 top bottom
  read -r from to < <(range_of "$svg")
  read -r x0 _ top _ < <(where "$svg" 0 "$from")
  read -r x1 _ _ bottom < <(where "$svg" "$((lanes - 1))" "$to")
  echo "count ${5:-violation} $x0 $top $x1 $bottom e00000 $3 $4"
}

real() {  # real ARGS...: `midnight ARGS`, which must exit 0
  "$midnight" "$@" >"$work/command.out" 2>&1 || { cat "$work/command.out" >&2; fail "midnight $* exited $?"; }
}
real simulate --nodes 7 --drop 0.1 --partition '4|3@0-5000' --log "$work/partition.logs" \
  --timeline "$work/real_partition.svg"
real simulate --nodes 7 --drop 0.1 --timeline "$work/real_no_partition.svg"
real simulate --nodes 7 --byzantine 2 --byzantine-mode equivocate --drop 0.1 --time-limit 20000 \
  --log "$work/equivocate.logs"
set +e
"$midnight" check --timeline "$work/real_equivocate.svg" "$work"/equivocate.logs/node-*.log >/dev/null
rc=$?
set -e
[ "$rc" = 1 ] || fail "check of the equivocating run exited $rc, expected 1 (findings)"
real check --timeline "$work/real_honest.svg" "$work"/partition.logs/node-*.log

{ expect_partition "$work/real_partition.svg"; expect_violations "$work/real_partition.svg" 7 0 0 no-violation; } \
  >"$work/real_partition.expect"
{ expect_partition "$work/real_no_partition.svg"; expect_violations "$work/real_no_partition.svg" 7 0 0 no-violation; } \
  >"$work/real_no_partition.expect"
{ size_line "$work/real_equivocate.svg"; expect_violations "$work/real_equivocate.svg" 7 1 -; } >"$work/real_equivocate.expect"
{ size_line "$work/real_honest.svg"; expect_violations "$work/real_honest.svg" 7 1 -; } >"$work/real_honest.expect"

pids=()
for name in real_partition real_no_partition real_equivocate real_honest; do
  shoot "$name" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || exit 1; done
for name in real_partition real_no_partition real_equivocate real_honest; do
  (check "$name" && echo 0 >"$work/$name.status" || echo 1 >"$work/$name.status") &
done
wait
for name in real_partition real_equivocate; do
  if ! passed "$name"; then
    cat "$work/$name.checks" >&2
    fail "the screenshot of $name.svg does not show what the run says"
  fi
  cat "$work/$name.checks"
done
control real_no_partition "(the run without --partition)" partition-band
control real_honest "(check of the honest run's logs)" violation

echo "timeline: ok"
