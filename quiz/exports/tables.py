"""The shape of an export: sheets of plain rows, and the one rule for risky text.

A service fills these with Python values (str, int, float, None); a writer
(`stats_xlsx`, `stats_csv`) decides how each looks. None in a figure column means "no
figure" (a rate without a headcount) and is written as `MISSING`, never as 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

#: How a figure that cannot be had (a rate of nobody) is written.
MISSING = "—"

#: Column kinds and what they hold: text, whole numbers, shares 0..1, averages.
TEXT, COUNT, RATE, AVERAGE = "text", "count", "rate", "average"

#: Text a spreadsheet may take for a formula (OWASP's list: = + - @, tab and carriage
#: return). quiz.services.unit_files.neutralise covers = + - @ only and question_bank's
#: writer only "=": both could use `neutralise` here.
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could run `text` as a formula if it were typed in."""
    return bool(_FORMULA_START.match(text))


def neutralise(text: str) -> str:
    """Text that no spreadsheet runs as a formula: a ' before = + - @ (and tab, CR).

    For CSV, where nothing but the text itself can say so; the .xlsx writer marks such cells
    as text instead (Excel's quote prefix) and keeps the value as it is.
    """
    return "'" + text if formula_like(text) else text


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = COUNT
    #: Width in characters (a Chinese character counts two); None: from the header.
    width: float | None = None


class Row(NamedTuple):
    values: Sequence[object]
    #: Levels below the table's top: the first column is indented by as many steps.
    level: int = 0
    #: A subtotal (or the total): shown bold.
    strong: bool = False


@dataclass
class Sheet:
    """One table: a title block (first line the title, then notes), a header, rows."""

    name: str
    columns: list[Column]
    rows: Iterable[Row]
    title: list[str] = field(default_factory=list)
    #: The printed pages' footer, with Excel's codes (&P the page, &N the pages).
    footer: str | None = None

    @property
    def header_row(self) -> int:
        """The header's row number (1-based): below the title block and a blank row."""
        return len(self.title) + 2 if self.title else 1


def text_width(text: str) -> int:
    """Characters as a spreadsheet column counts them: wide (Chinese) ones count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
