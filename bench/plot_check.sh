#!/usr/bin/env bash
# bench-smoke.plot: bench/plot_results.py draws what a real run measured, and refuses a
# run with a failed benchmark.
#   plot_check.sh PYTHON PLOT_SCRIPT CONSENSUS_BENCH CODEC_BENCH WORK_DIR
set -euo pipefail
python=$1 plot=$2 consensus=$3 codec=$4 work=$5
rm -rf "$work" && mkdir -p "$work"

"$consensus" --benchmark_min_time=0.01 --benchmark_filter='BM_(SelectCanonical|TallyAddOnly)/' \
  --benchmark_out="$work/ok.json" --benchmark_out_format=json >/dev/null
"$python" "$plot" "$work/ok.svg" "$work/ok.json"
# A well-formed SVG with one polyline per family, one vertex per size (4, 100, 1000, 10000).
"$python" - "$work/ok.svg" <<'PY'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
lines = {p.getAttribute("data-family"): p.getAttribute("points").split()
         for p in doc.getElementsByTagName("polyline") if p.getAttribute("class") == "series"}
assert set(lines) == {"BM_SelectCanonical", "BM_TallyAddOnly"}, lines
for family, points in lines.items():
    assert len(points) == 4, (family, points)
    xs = [float(p.split(",")[0]) for p in points]
    assert xs == sorted(xs) and len(set(xs)) == 4, (family, xs)
print("plot_check: SVG has", ", ".join(f"{f} ({len(p)} points)" for f, p in sorted(lines.items())))
PY

# A run whose benchmark failed (the zero-budget control always does) must not be plotted.
"$codec" --benchmark_min_time=0.01 --benchmark_filter=BM_ZeroBudgetControl \
  --benchmark_out="$work/failed.json" --benchmark_out_format=json >/dev/null
set +e
"$python" "$plot" "$work/failed.svg" "$work/failed.json" 2>"$work/failed.err"
status=$?
set -e
if [[ $status -ne 1 ]] || ! grep -q "refusing to plot a failed run" "$work/failed.err" || [[ -e "$work/failed.svg" ]]; then
  echo "plot_check: a failed run was not refused (exit $status)" >&2
  cat "$work/failed.err" >&2
  exit 1
fi
echo "plot_check: a failed run is refused"
