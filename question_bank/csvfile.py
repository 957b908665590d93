"""CSV in our template's columns: UTF-8 (with or without BOM) or GBK/GB18030; , ; or tab."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from .model import ImportIssue, ParseResult, ReadOptions
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
    lines = list(itertools.islice(io.StringIO(text, newline=""), HEADER_SEARCH_ROWS * 2))

    def score(delimiter: str) -> int:
        rows = csv.reader(lines, delimiter=delimiter)
        try:
            return max((len(header_roles(row)) for row in rows), default=0)
        except csv.Error:
            return 0

    return max(DELIMITERS, key=score)  # a tie (or no header at all) keeps the comma


class Records:
    """Records with the line number each starts on (a quoted field may span lines)."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        self.start = 1  # after an error: where the record that failed starts

    def __iter__(self) -> Iterator[Row]:
        for cells in self.reader:
            yield self.start, cells
            self.start = self.reader.line_num + 1


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
