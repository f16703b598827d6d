"""A PNG decoder for the timeline test, on the standard library alone (zlib, struct).

It reads what a browser's screenshot is: 8-bit greyscale, RGB, grey with alpha or RGBA,
not interlaced; anything else is refused with a message rather than misread.
"""
import struct
import zlib
from collections import Counter

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


class PngError(Exception):
    pass


class Image:
    """Decoded pixels: rgb(x, y) gives an (r, g, b) tuple (alpha dropped)."""

    def __init__(self, width, height, channels, rows):
        self.width = width
        self.height = height
        self._channels = channels
        self._rows = rows

    def rgb(self, x, y):
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise PngError(f"pixel ({x}, {y}) is outside the {self.width}x{self.height} image")
        row = self._rows[y]
        i = x * self._channels
        if self._channels <= 2:
            return (row[i], row[i], row[i])
        return (row[i], row[i + 1], row[i + 2])

    def colour_counts(self):
        """A Counter of (r, g, b) -> how many pixels have it (slices keep the loop in C)."""
        counts = Counter()
        c = self._channels
        for row in self._rows:
            if c <= 2:
                grey = row[0::c]
                counts.update(zip(grey, grey, grey))
            else:
                counts.update(zip(row[0::c], row[1::c], row[2::c]))
        return counts


def _add_bytes(a, b):
    """Byte-wise (a + b) mod 256 of two equal-length byte strings, with the bytes packed in
    big integers so that the loop runs in C: add the low seven bits of each byte, then
    put the top bits back with XOR, so no carry crosses into the next byte."""
    n = len(a)
    low = int.from_bytes(b"\x7f" * n, "big")
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    return bytearray((((x & low) + (y & low)) ^ ((x ^ y) & ~low & ((1 << (8 * n)) - 1))).to_bytes(n, "big"))


def _unfilter(data, width, height, bpp):
    stride = width * bpp
    rows = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        if pos + 1 + stride > len(data):
            raise PngError("image data ends early")
        kind = data[pos]
        row = bytearray(data[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:
            row = _add_bytes(row, previous)
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            # Paeth, written out: this loop is most of the decoding time.
            for i in range(stride):
                up = previous[i]
                if i >= bpp:
                    left = row[i - bpp]
                    up_left = previous[i - bpp]
                else:
                    left = up_left = 0
                p = left + up - up_left
                pa = p - left if p >= left else left - p
                pb = p - up if p >= up else up - p
                pc = p - up_left if p >= up_left else up_left - p
                if pa <= pb and pa <= pc:
                    predictor = left
                elif pb <= pc:
                    predictor = up
                else:
                    predictor = up_left
                row[i] = (row[i] + predictor) & 0xFF
        elif kind != 0:
            raise PngError(f"unknown filter type {kind}")
        rows.append(row)
        previous = row
    return rows


def read_png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != _SIGNATURE:
        raise PngError(f"{path} is not a PNG file")
    pos = 8
    header = None
    compressed = bytearray()
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise PngError(f"bad CRC in chunk {kind!r}")
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    if header is None:
        raise PngError("no IHDR chunk")
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or colour_type not in _CHANNELS or interlace != 0:
        raise PngError(f"unsupported PNG: depth {depth}, colour type {colour_type}, interlace {interlace}")
    channels = _CHANNELS[colour_type]
    rows = _unfilter(zlib.decompress(bytes(compressed)), width, height, channels)
    return Image(width, height, channels, rows)
