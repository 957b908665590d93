"""Write static/favicon.ico: the safety-sign green with a white cross (as on first-aid signs),
32 x 32, an ICO holding one PNG. Pure Python, so the icon can be remade anywhere."""

import struct
import zlib
from pathlib import Path

SIZE = 32
GREEN, WHITE, CLEAR = (0x00, 0x88, 0x55, 255), (255, 255, 255, 255), (0, 0, 0, 0)


def pixel(x: int, y: int) -> tuple[int, int, int, int]:
    near_x, near_y = min(x, SIZE - 1 - x), min(y, SIZE - 1 - y)
    if near_x < 4 and near_y < 4 and (4 - near_x) ** 2 + (4 - near_y) ** 2 > 16:
        return CLEAR  # rounded corners
    if (12 <= x <= 19 and 5 <= y <= 26) or (12 <= y <= 19 and 5 <= x <= 26):
        return WHITE
    return GREEN


def chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def main() -> None:
    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(SIZE))
                   for y in range(SIZE))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    icon = (struct.pack("<HHH", 0, 1, 1)
            + struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(png), 6 + 16) + png)
    Path(__file__).resolve().parent.parent.joinpath("static", "favicon.ico").write_bytes(icon)


if __name__ == "__main__":
    main()
