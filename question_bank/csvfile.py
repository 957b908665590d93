"""CSV in our template's columns: UTF-8 (with or without BOM) or GBK/GB18030; , ; or tab."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from .model import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_STORED_ROWS,
    ImportIssue,
    LimitExceeded,
    ParseResult,
    ReadOptions,
)
from .template import (
    HEADER_SEARCH_ROWS,
    REQUIRED_COLUMNS,
    FileContext,
    Outcome,
    Row,
    header_roles,
    read_table,
)

DELIMITERS = (",", ";", "\t")
#: The delimiter is told from the start of the file only (a header is not longer).
SNIFF_CHARS = 256 * 1024
# UTF-8 first and strictly: GB18030 would "decode" most UTF-8 text into nonsense.
ENCODINGS = ("utf-8-sig", "gb18030")


def decode(data: bytes) -> str | None:
    """The text in the first encoding that decodes it without error, else None."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits a leading line into the most recognised header names."""
    sample = io.StringIO(text[:SNIFF_CHARS], newline="")
    lines = list(itertools.islice(sample, HEADER_SEARCH_ROWS * 2))

    def score(delimiter: str) -> int:
        rows = csv.reader(lines, delimiter=delimiter)
        try:
            return max((len(header_roles(row[:MAX_COLUMNS])) for row in rows), default=0)
        except csv.Error:
            return 0

    return max(DELIMITERS, key=score)  # a tie (or no header at all) keeps the comma


class Records:
    """Records with the line number each starts on (a quoted field may span lines).

    Records (blank ones too) and fields count against MAX_STORED_ROWS and MAX_CELLS as they
    are read, and a value past MAX_COLUMNS is refused: LimitExceeded, at that record."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        self.start = 1  # after an error: where the record that failed starts

    def __iter__(self) -> Iterator[Row]:
        records = fields = 0
        for cells in self.reader:
            records += 1
            fields += len(cells)
            if records > MAX_STORED_ROWS:
                self._refuse("too_many_stored_rows", limit=MAX_STORED_ROWS)
            if fields > MAX_CELLS:
                self._refuse("too_many_cells", limit=MAX_CELLS)
            if len(cells) > MAX_COLUMNS:
                if any(cell.strip() for cell in cells[MAX_COLUMNS:]):
                    column = max(i for i, cell in enumerate(cells) if cell.strip()) + 1
                    self._refuse("too_many_columns", limit=MAX_COLUMNS, column=column)
                cells = cells[:MAX_COLUMNS]  # blank beyond: not looked at again
            yield self.start, cells
            self.start = self.reader.line_num + 1

    def _refuse(self, code: str, **params: object) -> None:
        raise LimitExceeded(ImportIssue(code, params, row=self.start))


def read_csv(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse a CSV file's bytes into drafts and issues."""
    result = ParseResult(format="csv")
    text = decode(data)
    if text is None:
        result.issues.append(ImportIssue("bad_encoding"))
        return result
    if not text.strip():
        result.issues.append(ImportIssue("empty_file"))
        return result
    context = FileContext(result, options or ReadOptions(), total_rows=text.count("\n") + 1)
    records = Records(text, sniff_delimiter(text))
    try:
        outcome = read_table(records, context)
    except LimitExceeded as exceeded:
        result.issues.append(exceeded.issue)
        return result
    except csv.Error:
        # e.g. a field over the csv module's size limit: say where the bad record starts.
        result.issues.append(ImportIssue("bad_csv", {"line": records.start}, row=records.start))
        return result
    if outcome is Outcome.NO_HEADER:
        result.issues.append(ImportIssue("missing_header", {
            "search_rows": HEADER_SEARCH_ROWS, "columns": REQUIRED_COLUMNS}))
    elif outcome is Outcome.BLANK or not (result.drafts or result.issues):
        result.issues.append(ImportIssue("empty_file"))
    return result
