"""CSV in our template's columns: UTF-8 (with or without BOM) or GBK/GB18030; , ; or tab."""

from __future__ import annotations

import csv
import io

from .model import ImportIssue, ParseResult
from .template import header_roles, read_rows

DELIMITERS = (",", ";", "\t")


def decode(data: bytes) -> str | None:
    """The text, trying UTF-8 first (strictly), then GB18030 (what Chinese Excel writes)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most known column names."""
    lines = text.splitlines()[:10]

    def score(delimiter: str) -> int:
        rows = list(csv.reader(lines, delimiter=delimiter))
        return max((len(header_roles(row)) for row in rows), default=0)

    return max(DELIMITERS, key=score)


def read_csv(data: bytes) -> ParseResult:
    """Parse a CSV file's bytes."""
    result = ParseResult(format="csv")
    text = decode(data)
    if text is None:
        result.issues.append(ImportIssue("bad_encoding"))
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))

    def rows():
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1

    if not read_rows(rows(), result):
        result.issues.append(ImportIssue("missing_header", {"columns": "题型, 题干, 答案"}))
    elif not result.drafts and not result.issues:
        result.issues.append(ImportIssue("empty_file"))
    return result
