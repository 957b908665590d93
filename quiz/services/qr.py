"""QR codes for the posters, made with segno: inline SVG for pages, the bare module matrix
for the PDF writer (which draws each run of dark modules as a vector rectangle).

No Pillow and no image files: an SVG scales to any print size without blurring, and a PDF
drawn from rectangles prints as sharp as the printer allows.
"""

from __future__ import annotations

import segno

#: Error correction "M" (15 % of the symbol may be lost): a poster on a notice board gets
#: scuffed and photographed at an angle; segno raises it further when that costs no size.
ERROR = "m"
#: The light margin around the symbol, in modules: the standard asks for 4, and scanners
#: find a code much less reliably without it.
QUIET_ZONE = 4


def make_code(link: str) -> segno.QRCode:
    """The QR code (never a Micro QR, which phones' cameras do not read) for `link`."""
    return segno.make_qr(link, error=ERROR)


def svg(link: str) -> str:
    """`link` as an inline <svg> with its quiet zone and a white background, sized by CSS
    (a viewBox and no width or height)."""
    return make_code(link).svg_inline(scale=1, border=QUIET_ZONE, omitsize=True, dark="#000",
                                      light="#fff", svgclass="qr-code", lineclass=None)


def modules(link: str) -> tuple[tuple[bool, ...], ...]:
    """The symbol of `link` as rows of modules (True: dark), without the quiet zone."""
    return tuple(tuple(bool(value) for value in row)
                 for row in make_code(link).matrix_iter(scale=1, border=0))
