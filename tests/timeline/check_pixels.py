"""Checks a screenshot of a timeline picture against the expectations the scenario printed.

Usage: check_pixels.py SHOT.png EXPECTATIONS

EXPECTATIONS holds the lines of midnight_timeline_scenario:
  size W H                     the screenshot must be W x H
  expect NAME X Y RRGGBB       pixel (X, Y) must have that colour (within a small tolerance)
  expect-not NAME X Y RRGGBB   pixel (X, Y) must not
  count NAME X0 Y0 X1 Y1 RRGGBB MIN MAX
                               between MIN and MAX pixels (MAX "-": no bound) of the box
                               X0..X1, Y0..Y1 (inclusive) have that colour: a band under
                               marks that may cover some of it, or a mark whose place is
                               known only as "somewhere in these lanes"
and, always, the screenshot must not be blank: many distinct colours, none covering
nearly all of it. Prints "ok NAME" or "FAIL NAME: why" per check; exits 1 if any failed.
"""
import sys

from png_reader import PngError, read_png

TOLERANCE = 6  # per channel: a solid fill reads back exactly; this only allows for rounding
MIN_DISTINCT_COLOURS = 16
MAX_SHARE_OF_ONE_COLOUR = 0.95


def parse_colour(text):
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def close(a, b):
    return all(abs(x - y) <= TOLERANCE for x, y in zip(a, b))


def count_check(image, fields, report):
    name = fields[0]
    x0, y0, x1, y1 = (int(v) for v in fields[1:5])
    colour, low = fields[5], int(fields[6])
    high = None if fields[7] == "-" else int(fields[7])
    if not (0 <= x0 <= x1 < image.width and 0 <= y0 <= y1 < image.height):
        report(name, False, f"box ({x0}, {y0})-({x1}, {y1}) is not inside the {image.width}x{image.height} screenshot")
        return
    want = parse_colour(colour)
    n = sum(1 for y in range(y0, y1 + 1) for x in range(x0, x1 + 1) if close(image.rgb(x, y), want))
    bound = f"{low}..{'' if high is None else high}"
    report(name, n >= low and (high is None or n <= high),
           f"{n} pixels of box ({x0}, {y0})-({x1}, {y1}) are {colour}, expected {bound}")


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        image = read_png(argv[1])
    except (OSError, PngError) as e:
        print(f"FAIL decode: {e}")
        return 1
    failures = 0

    def report(name, ok, why):
        nonlocal failures
        if ok:
            print(f"ok {name}")
        else:
            failures += 1
            print(f"FAIL {name}: {why}")

    counts = image.colour_counts()
    top = max(counts.values())
    total = image.width * image.height
    report("not-blank", len(counts) >= MIN_DISTINCT_COLOURS and top <= MAX_SHARE_OF_ONE_COLOUR * total,
           f"{len(counts)} distinct colours, the commonest covers {top} of {total} pixels")

    with open(argv[2]) as f:
        for line in f:
            fields = line.split()
            if not fields:
                continue
            if fields[0] == "size":
                w, h = int(fields[1]), int(fields[2])
                report("size", (image.width, image.height) == (w, h),
                       f"screenshot is {image.width}x{image.height}, expected {w}x{h}")
                continue
            if fields[0] == "count":
                count_check(image, fields[1:], report)
                continue
            verb, name, x, y, colour = fields[0], fields[1], int(fields[2]), int(fields[3]), fields[4]
            want = parse_colour(colour)
            try:
                got = image.rgb(x, y)
            except PngError as e:
                report(name, False, str(e))
                continue
            got_hex = "%02x%02x%02x" % got
            if verb == "expect":
                report(name, close(got, want), f"pixel ({x}, {y}) is {got_hex}, expected {colour}")
            elif verb == "expect-not":
                report(name, not close(got, want), f"pixel ({x}, {y}) is {got_hex}, expected anything but {colour}")
            else:
                report(name, False, f"unknown expectation {verb!r}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
