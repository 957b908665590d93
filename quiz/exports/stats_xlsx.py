"""Sheets (`quiz.exports.tables`) to an .xlsx workbook that prints as it is.

openpyxl's write-only mode streams every row to a temporary file as it comes, and the
workbook goes into a spooled temporary file (in memory while small, on disk beyond
`SPOOL_BYTES`), so a report of 5,000 units takes no more memory than one of 500
(bench/report.py measures it; tests/exports/test_stats_xlsx.py checks it).

Each sheet: the title block, a blank row, the header (frozen with the first column, and
repeated at the top of every printed page), then the rows; A4 landscape, fitted to the
page's width. Figures are real numbers with a number format (#,##0, 0.0%, 0.0); a missing
one is "—". Text that could run as a formula is written as text with Excel's quote prefix.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from copy import copy
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from .tables import (
    AVERAGE,
    COUNT,
    MISSING,
    RATE,
    TEXT,
    Column,
    Row,
    Sheet,
    formula_like,
    text_width,
)

__all__ = ["FORMATS", "PAPER_A4", "SPOOL_BYTES", "write_xlsx"]

#: Number formats by column kind.
FORMATS = {COUNT: "#,##0", RATE: "0.0%", AVERAGE: "0.0"}
#: The written workbook stays in memory up to this size, then moves to disk.
SPOOL_BYTES = 8 * 1024 * 1024
#: Excel's paper size code for A4.
PAPER_A4 = 9
#: Narrowest and widest column, in characters.
_MIN_WIDTH, _MAX_WIDTH = 6, 60

_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_FONT = Font(name="宋体", size=10)  # SimSun on Windows; LibreOffice falls back to a CJK font
_BOLD = Font(name="宋体", size=10, bold=True)
_TITLE_FONT = Font(name="宋体", size=14, bold=True)


def write_xlsx(sheets, target: BinaryIO | None = None) -> BinaryIO:
    """Write `sheets` as one workbook into `target` (a binary file open for writing) or a
    new spooled temporary file; returns the file, rewound to its start."""
    out = target if target is not None else tempfile.SpooledTemporaryFile(SPOOL_BYTES)
    workbook = Workbook(write_only=True)
    try:
        for sheet in sheets:
            _SheetWriter(workbook, sheet).write()
    except BaseException:
        with contextlib.suppress(Exception):  # closes the sheets' streams, removes their files
            workbook.save(io.BytesIO())
        raise
    workbook.save(out)
    out.seek(0)
    return out


class _SheetWriter:
    def __init__(self, workbook: Workbook, sheet: Sheet) -> None:
        self.sheet = sheet
        self.ws = workbook.create_sheet(_sheet_title(sheet.name))
        #: One style per look, made once: a cell copies it (setting font, border, format and
        #: alignment on each of 100,000s of cells would cost most of the writing time).
        self._styles: dict[tuple, object] = {}

    def write(self) -> None:
        sheet, ws = self.sheet, self.ws
        columns = sheet.columns
        header = sheet.header_row
        self._set_up_page(columns, header)
        for number, line in enumerate(sheet.title):
            ws.append([self._cell(line, ("title", number == 0))])
        if sheet.title:
            ws.append([])
        ws.append([self._cell(column.header, ("header",)) for column in columns])
        for row in sheet.rows:
            ws.append(self._row(columns, row))

    def _set_up_page(self, columns: list[Column], header: int) -> None:
        ws = self.ws
        for index, column in enumerate(columns, start=1):
            width = column.width or text_width(column.header) + 2
            ws.column_dimensions[get_column_letter(index)].width = \
                min(max(width, _MIN_WIDTH), _MAX_WIDTH)
        ws.freeze_panes = f"B{header + 1}"
        ws.print_title_rows = f"{header}:{header}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6,
                                      header=0.3, footer=0.3)
        ws.print_options.horizontalCentered = True
        if self.sheet.footer:
            ws.oddFooter.center.text = self.sheet.footer

    def _row(self, columns: list[Column], row: Row) -> list[WriteOnlyCell]:
        cells = []
        for index, (column, value) in enumerate(zip(columns, row.values, strict=True)):
            level = row.level if index == 0 else 0
            kind = column.kind
            if value is None and kind != TEXT:
                value, kind = MISSING, "missing"
            cells.append(self._cell(value, ("data", kind, row.strong, row.level == 0 and
                                            row.strong, level)))
        return cells

    def _cell(self, value, look: tuple) -> WriteOnlyCell:
        quoted = False
        if isinstance(value, str):
            if ILLEGAL_CHARACTERS_RE.search(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            quoted = formula_like(value)
        cell = WriteOnlyCell(self.ws, value)
        if quoted:
            cell.data_type = "s"  # the text itself, never a formula
        key = (*look, quoted)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = _style_of(WriteOnlyCell(self.ws), look, quoted)
        cell._style = copy(style)
        return cell


def _style_of(cell: WriteOnlyCell, look: tuple, quoted: bool):
    """The style array of a cell of one look, set through openpyxl's public setters."""
    if look[0] == "title":
        cell.font = _TITLE_FONT if look[1] else _FONT
    elif look[0] == "header":
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    else:
        _data, kind, strong, total, level = look
        cell.font = _BOLD if strong else _FONT
        cell.border = _BORDER
        if total:
            cell.fill = _TOTAL_FILL
        if kind in FORMATS:
            cell.number_format = FORMATS[kind]
        if kind == "missing":
            cell.alignment = Alignment(horizontal="right")
        elif level:  # Excel and LibreOffice indent only what is aligned left
            cell.alignment = Alignment(horizontal="left", indent=level)
    if quoted:
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell._style


def _sheet_title(name: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    for char in "[]:*?/\\":
        name = name.replace(char, "_")
    return name[:31] or "Sheet"
