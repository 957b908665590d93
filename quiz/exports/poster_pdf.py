"""QR posters as a PDF, with ReportLab: one A4 poster per unit, or sheets of small codes
(3 × 4 per A4 page) to cut apart.

Pure Python, no Flask, no SQLAlchemy: quiz.services.posters makes the posters (texts in the
page's language and the link), this draws them. Why ReportLab and not a browser engine:
docs/posters.md. Chinese is set in STSong-Light, one of the CID fonts every PDF reader
brings (nothing is embedded, so a PDF of 500 posters stays small and its text can be
searched and copied); the links and codes in Helvetica. Each QR code is drawn as vector
rectangles, one per run of dark modules in a row, with its quiet zone kept white.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["CJK_FONT", "SHEET_COLUMNS", "SHEET_ROWS", "PdfText", "write_posters",
           "write_sheet"]

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
#: The sheet layout: codes per row and rows per page.
SHEET_COLUMNS, SHEET_ROWS = 3, 4
#: The light margin around each code, in modules (as quiz.services.qr.QUIET_ZONE).
QUIET_ZONE = 4

# A name and its metrics, nothing to load: the glyphs come from the reader's own copy.
pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))

_PAGE_W, _PAGE_H = A4
_MARGIN = 16 * mm
_RED = Color(0.70, 0.07, 0.11)
_GREY = Color(0.33, 0.33, 0.33)
_LIGHT = Color(0.75, 0.75, 0.75)


class PosterContent(Protocol):
    """What the writer draws of a poster (quiz.services.posters.Poster)."""

    title: str
    theme: str
    unit_name: str
    code_line: str
    link: str
    dates: str
    rules: tuple[str, ...]
    modules: tuple[tuple[bool, ...], ...]


@dataclass(frozen=True)
class PdfText:
    """The fixed words on the pages, in the reader's language."""

    #: Under each poster's code, e.g. "扫码参加答题".
    scan: str
    #: The PDF's title (document properties) and the sheet's heading on every page.
    heading: str
    #: Printed in red at the top of every page when the links cannot work (a loopback
    #: address); None: nothing.
    warning: str | None = None


def write_posters(posters: Sequence[PosterContent], text: PdfText, target: BinaryIO) -> None:
    """One A4 page per poster into `target` (a binary file open for writing)."""
    canvas = _canvas(target, text)
    for poster in posters:
        _warning(canvas, text.warning)
        _poster_page(canvas, poster, text)
        canvas.showPage()
    canvas.save()


def write_sheet(posters: Sequence[PosterContent], text: PdfText, target: BinaryIO) -> None:
    """Small codes, SHEET_COLUMNS × SHEET_ROWS per A4 page, each with the campaign, the
    unit's name and its code, and dashed lines to cut along."""
    canvas = _canvas(target, text)
    per_page = SHEET_COLUMNS * SHEET_ROWS
    pages = max(1, -(-len(posters) // per_page))
    for page in range(pages):
        _warning(canvas, text.warning)
        _sheet_page(canvas, posters[page * per_page:(page + 1) * per_page], text, page, pages)
        canvas.showPage()
    canvas.save()


# --- the two layouts -------------------------------------------------------------------


def _poster_page(canvas: Canvas, poster: PosterContent, text: PdfText) -> None:
    width = _PAGE_W - 2 * _MARGIN
    y = _PAGE_H - _MARGIN - 6 * mm
    canvas.setFillColor(_RED)
    canvas.rect(_MARGIN, y, width, 2.2 * mm, fill=1, stroke=0)
    y -= 8 * mm
    y = _centred(canvas, poster.title, CJK_FONT, (30, 26, 22, 18), 2, y, _RED, bold=True)
    if poster.theme:
        y = _centred(canvas, poster.theme, CJK_FONT, (17, 14, 12), 2, y - 2 * mm, _GREY)
    y = _centred(canvas, poster.unit_name, CJK_FONT, (26, 22, 18, 15), 2, y - 5 * mm, black,
                 bold=True)
    # Under the code: (text, font, sizes, lines at most, gap above, colour, bold).
    below = [(text.scan, CJK_FONT, (18,), 1, 1 * mm, black, True),
             (poster.link, LATIN_FONT, (10, 9, 8), 3, 1 * mm, _GREY, False),
             (poster.dates, CJK_FONT, (16, 14), 2, 6 * mm, black, False),
             *((rule, CJK_FONT, (15, 13), 2, 2 * mm, black, False) for rule in poster.rules)]
    needed = sum(gap + _height(words, font, sizes, lines)
                 for words, font, sizes, lines, gap, _colour, _bold in below)
    # The code with its quiet zone: 120 mm is read from two metres away; long names and
    # titles take room from it, down to 70 mm (still read from an arm's length).
    size = max(70 * mm, min(120 * mm, y - 4 * mm - needed - (_MARGIN + 10 * mm)))
    y -= 4 * mm + size
    _qr(canvas, poster.modules, (_PAGE_W - size) / 2, y, size)
    for words, font, sizes, lines, gap, colour, bold in below:
        y = _centred(canvas, words, font, sizes, lines, y - gap, colour, bold=bold)
    _centred(canvas, poster.code_line, CJK_FONT, (10,), 1, _MARGIN + 4 * mm, _GREY)


def _sheet_page(canvas: Canvas, posters: Sequence[PosterContent], text: PdfText, page: int,
                pages: int) -> None:
    margin = 10 * mm
    top = _PAGE_H - margin - 9 * mm
    _left(canvas, text.heading, 9, margin, top + 4 * mm, _PAGE_W - 2 * margin - 20 * mm, 1,
          _GREY)
    canvas.setFillColor(_GREY)
    canvas.setFont(LATIN_FONT, 9)
    canvas.drawRightString(_PAGE_W - margin, top + 4 * mm, f"{page + 1} / {pages}")
    cell_w = (_PAGE_W - 2 * margin) / SHEET_COLUMNS
    cell_h = (top - margin) / SHEET_ROWS
    _cut_lines(canvas, margin, margin, cell_w, cell_h)
    size = 44 * mm
    for index, poster in enumerate(posters):
        row, column = divmod(index, SHEET_COLUMNS)
        left = margin + column * cell_w
        cell_top = top - row * cell_h
        middle = left + cell_w / 2
        y = _centred(canvas, poster.title, CJK_FONT, (7.5,), 1, cell_top - 3 * mm, _GREY,
                     centre=middle, width=cell_w - 6 * mm)
        _qr(canvas, poster.modules, middle - size / 2, y - size, size)
        y = _centred(canvas, poster.unit_name, CJK_FONT, (10, 9), 2, y - size, black,
                     centre=middle, width=cell_w - 6 * mm, bold=True)
        _centred(canvas, poster.code_line, CJK_FONT, (8,), 1, y - 0.5 * mm, _GREY,
                 centre=middle, width=cell_w - 6 * mm)


def _cut_lines(canvas: Canvas, left: float, bottom: float, cell_w: float,
               cell_h: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor(_LIGHT)
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    right, top = left + SHEET_COLUMNS * cell_w, bottom + SHEET_ROWS * cell_h
    for column in range(SHEET_COLUMNS + 1):
        canvas.line(left + column * cell_w, bottom, left + column * cell_w, top)
    for row in range(SHEET_ROWS + 1):
        canvas.line(left, bottom + row * cell_h, right, bottom + row * cell_h)
    canvas.restoreState()


# --- drawing ---------------------------------------------------------------------------


def _canvas(target: BinaryIO, text: PdfText) -> Canvas:
    canvas = Canvas(target, pagesize=A4, pageCompression=1)
    canvas.setTitle(text.heading)
    canvas.setCreator("安全生产月 quiz")
    return canvas


def _warning(canvas: Canvas, warning: str | None) -> None:
    if not warning:
        return
    _left(canvas, warning, 9, 10 * mm, _PAGE_H - 6 * mm, _PAGE_W - 20 * mm, 3, _RED)


def _left(canvas: Canvas, text: str, size: float, x: float, y: float, width: float,
          max_lines: int, colour) -> None:
    """`text` from (x, y) down, left-aligned, in at most `max_lines` lines of `width`."""
    canvas.setFillColor(colour)
    for number, line in enumerate(_fit(text, CJK_FONT, (size,), width, max_lines)[1]):
        text_object = canvas.beginText(x, y - number * size * 1.25)
        for run_font, run in _runs(line, CJK_FONT):
            text_object.setFont(run_font, size)
            text_object.textOut(run)
        canvas.drawText(text_object)


def _qr(canvas: Canvas, modules: tuple[tuple[bool, ...], ...], x: float, y: float,
        size: float) -> None:
    """The code with its quiet zone as a `size` square whose lower left corner is (x, y)."""
    count = len(modules)
    module = size / (count + 2 * QUIET_ZONE)
    canvas.setFillColor(white)
    canvas.rect(x, y, size, size, fill=1, stroke=0)
    path = canvas.beginPath()
    for row, dark in enumerate(modules):
        top = y + size - (QUIET_ZONE + row) * module
        column = 0
        while column < count:
            if not dark[column]:
                column += 1
                continue
            start = column
            while column < count and dark[column]:
                column += 1
            path.rect(x + (QUIET_ZONE + start) * module, top - module,
                      (column - start) * module, module)
    canvas.setFillColor(black)
    canvas.drawPath(path, fill=1, stroke=0)


def _centred(canvas: Canvas, text: str, font: str, sizes: tuple[float, ...], max_lines: int,
             top: float, colour, *, centre: float = _PAGE_W / 2,
             width: float = _PAGE_W - 2 * _MARGIN, bold: bool = False) -> float:
    """`text` centred under `top` at the largest of `sizes` that fits in `max_lines` lines
    of `width` (the last one cut short with "…" if even the smallest does not); returns
    the y below the last line."""
    size, lines = _fit(text, font, sizes, width, max_lines)
    canvas.saveState()
    canvas.setFillColor(colour)
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(size / 30)
    y = top
    for line in lines:
        y -= size * 1.25
        text_object = canvas.beginText()
        text_object.setTextOrigin(centre - _width(line, font, size) / 2, y)
        for run_font, run in _runs(line, font, bold):
            # STSong-Light has no bold: its glyphs are filled and outlined instead
            text_object.setTextRenderMode(2 if bold and run_font == CJK_FONT else 0)
            text_object.setFont(run_font, size)
            text_object.textOut(run)
        canvas.drawText(text_object)
    canvas.restoreState()
    return y - size * 0.3


def _height(text: str, font: str, sizes: tuple[float, ...], max_lines: int,
            width: float = _PAGE_W - 2 * _MARGIN) -> float:
    """How far down `_centred` goes for the same text."""
    size, lines = _fit(text, font, sizes, width, max_lines)
    return len(lines) * size * 1.25 + size * 0.3


def _runs(text: str, font: str, bold: bool = False) -> list[tuple[str, str]]:
    """`text` in runs of one font each: in Chinese text, ASCII (digits, codes, Latin words)
    is set in Helvetica, whose letters STSong-Light's stand-ins space too widely."""
    if font != CJK_FONT:
        return [(font, text)]
    latin = "Helvetica-Bold" if bold else LATIN_FONT
    runs: list[tuple[str, str]] = []
    for char in text:
        run_font = latin if char.isascii() else CJK_FONT
        if runs and runs[-1][0] == run_font:
            runs[-1] = (run_font, runs[-1][1] + char)
        else:
            runs.append((run_font, char))
    return runs


def _width(text: str, font: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, run_font, size) for run_font, run in _runs(text, font))


def _fit(text: str, font: str, sizes: tuple[float, ...], width: float,
         max_lines: int) -> tuple[float, list[str]]:
    """The first size of `sizes` at which `text` takes at most `max_lines` lines of `width`,
    and those lines; the smallest size with the text cut short when none does."""
    for size in sizes:
        lines = _wrap(text, font, size, width)
        if len(lines) <= max_lines:
            return size, lines
    size = sizes[-1]
    lines = _wrap(text, font, size, width)[:max_lines]
    last = lines[-1]
    while last and _width(last + "…", font, size) > width:
        last = last[:-1]
    return size, [*lines[:-1], last + "…"]


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` broken into lines of at most `width`: between any two Chinese characters,
    between Latin words, and inside a word (a link) only where it alone is too wide."""
    lines, line = [], ""
    for token in _TOKENS.findall(" ".join(text.split())):
        if _width(line + token, font, size) <= width:
            line += token
            continue
        if line:
            lines.append(line.rstrip())
        line = ""
        if token == " ":
            continue
        for char in token:  # a word longer than a whole line: by characters
            if line and _width(line + char, font, size) > width:
                lines.append(line)
                line = ""
            line += char
    lines.append(line.rstrip())
    return lines


#: What a line may break between: a run of ASCII letters and marks (a word, a number, a
#: link), a space, or any other single character (Chinese).
_TOKENS = re.compile(r"[!-~]+| |[^ -~]")
