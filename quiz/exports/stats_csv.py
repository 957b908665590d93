"""One sheet (`quiz.exports.tables.Sheet`) as CSV: UTF-8 with a byte order mark, which is
how Excel knows to read Chinese text as UTF-8 (without it, it guesses the local code page).

The header and the rows only, for further use: no title block, no indentation (the 上级单位
column keeps the tree). Figures are plain numbers (a rate as a share, 0.15 for 15 %), a
missing one "—"; text that a spreadsheet would run as a formula gets a ' before it.
"""

from __future__ import annotations

import csv
import io
from typing import BinaryIO

from .tables import MISSING, TEXT, Sheet, neutralise

__all__ = ["write_csv"]


def write_csv(sheet: Sheet, target: BinaryIO) -> None:
    """Write `sheet` into `target`, a binary file open for writing, row by row."""
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([neutralise(column.header) for column in sheet.columns])
        for row in sheet.rows:
            writer.writerow([_value(column.kind, value)
                             for column, value in zip(sheet.columns, row.values, strict=True)])
    finally:
        text.flush()
        text.detach()  # leave `target` open: it is the caller's


def _value(kind: str, value: object) -> object:
    if value is None:
        return "" if kind == TEXT else MISSING
    return neutralise(value) if isinstance(value, str) else value
