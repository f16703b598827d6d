#!/usr/bin/env python3
"""Plots how each cost grows with n, from Google Benchmark JSON files, as one SVG.

    bench/plot_results.py [--families REGEX] OUT.svg bench-*.json

Every benchmark family with one numeric argument (BM_MerkleRoot/1000, ...) and at least
two sizes becomes one series: x = the argument (members, transactions, votes or
candidates), y = real time per iteration, both on log scales, so a straight line of
slope 1 is linear growth and slope 2 quadratic (the two dotted guides). With
repetitions, the median aggregate is used (or the median of the repetitions when the
file has none). A file holding a failed benchmark (error_occurred: a budget exceeded, a
round not decided) is refused with exit code 1: a plot of a failed run would look like
a result. --families keeps the families whose name matches REGEX (re.fullmatch).
Standard library only.
"""
import json
import math
import re
import statistics
import sys
from xml.sax.saxutils import escape

UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
WIDTH, HEIGHT = 880, 560
LEFT, RIGHT, TOP, BOTTOM = 80, 300, 40, 60
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22"]
SINGLE_ARG = re.compile(r"^(BM_\w+)/(\d+)$")


class PlotError(Exception):
    pass


def read_series(paths, families=None):
    """{family: {n: seconds}} from the files, medians where there are repetitions."""
    samples = {}
    medians = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for b in doc.get("benchmarks", []):
            if b.get("error_occurred"):
                raise PlotError(f"{path}: {b.get('name')} failed: {b.get('error_message', 'no message')}")
            match = SINGLE_ARG.match(b.get("run_name", b.get("name", "")))
            if not match:
                continue
            family, n = match.group(1), int(match.group(2))
            if families is not None and not families.fullmatch(family):
                continue
            seconds = b["real_time"] * UNIT_SECONDS[b.get("time_unit", "ns")]
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    medians.setdefault(family, {})[n] = seconds
            else:
                samples.setdefault(family, {}).setdefault(n, []).append(seconds)
    series = {f: {n: statistics.median(v) for n, v in by_n.items()} for f, by_n in samples.items()}
    series.update(medians)
    return {f: points for f, points in series.items() if len(points) >= 2}


def format_seconds(s):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:g} {unit}"
    return f"{s:g} s"


def render(series):
    xs = [n for points in series.values() for n in points]
    ys = [s for points in series.values() for s in points.values()]
    x_lo, x_hi = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    y_lo, y_hi = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    x_hi, y_hi = max(x_hi, x_lo + 1), max(y_hi, y_lo + 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(n):
        return LEFT + (math.log10(n) - x_lo) / (x_hi - x_lo) * plot_w

    def py(s):
        return TOP + plot_h - (math.log10(s) - y_lo) / (y_hi - y_lo) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
           f'<text x="{LEFT}" y="22" font-size="15">Cost against n (log-log): real time per operation</text>']
    for e in range(x_lo, x_hi + 1):
        x = px(10 ** e)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{10 ** e:,}</text>')
    for e in range(y_lo, y_hi + 1):
        y = py(10.0 ** e)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{format_seconds(10.0 ** e)}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>')
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 15}" text-anchor="middle">'
               'n (members, transactions, votes or candidates)</text>')
    # Guides of slope 1 and 2 through the lower left corner: parallel means that growth.
    for slope, label in ((1, "∝ n"), (2, "∝ n²")):
        x_end = min(x_hi, x_lo + (y_hi - y_lo) / slope)
        x1, y1, x2, y2 = px(10 ** x_lo), py(10.0 ** y_lo), px(10 ** x_end), py(10.0 ** (y_lo + slope * (x_end - x_lo)))
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#999" stroke-dasharray="2,4"/>')
        out.append(f'<text x="{x2 - 4:.1f}" y="{y2 + 14:.1f}" fill="#777" text-anchor="end">{label}</text>')
    for i, (family, points) in enumerate(sorted(series.items())):
        colour = COLOURS[i % len(COLOURS)]
        coords = " ".join(f"{px(n):.1f},{py(s):.1f}" for n, s in sorted(points.items()))
        dash = ' stroke-dasharray="7,4"' if i % 2 else ""  # lines that coincide stay visible
        out.append(f'<polyline class="series" data-family="{escape(family)}" points="{coords}" '
                   f'fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        for n, s in sorted(points.items()):
            out.append(f'<circle cx="{px(n):.1f}" cy="{py(s):.1f}" r="3" fill="{colour}">'
                       f'<title>{escape(family)}/{n}: {format_seconds(s)}</title></circle>')
        ly = TOP + 10 + 20 * i
        out.append(f'<line x1="{LEFT + plot_w + 16}" y1="{ly}" x2="{LEFT + plot_w + 40}" y2="{ly}" '
                   f'stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{LEFT + plot_w + 46}" y="{ly + 4}">{escape(family)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    families = None
    if len(argv) > 2 and argv[1] == "--families":
        families = re.compile(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    try:
        series = read_series(argv[2:], families)
    except (OSError, ValueError, KeyError) as e:
        print(f"plot_results: cannot read the JSON: {e}", file=sys.stderr)
        return 2
    except PlotError as e:
        print(f"plot_results: refusing to plot a failed run: {e}", file=sys.stderr)
        return 1
    if not series:
        print("plot_results: no benchmark family with one numeric argument and two sizes", file=sys.stderr)
        return 1
    with open(argv[1], "w", encoding="utf-8") as f:
        f.write(render(series))
    print(f"plot_results: {len(series)} series -> {argv[1]}: {', '.join(sorted(series))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
