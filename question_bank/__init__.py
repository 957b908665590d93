"""Question-bank files: parse -> validate -> QuestionDraft list and issues.

Pure Python (no Flask, no database): the app stores the drafts, the CLI and the upload page
show the issues. Formats register in `READERS`; `parse_bytes` detects which one a file is.
"""

from __future__ import annotations

from pathlib import Path

from .csvfile import read_csv
from .model import (
    MAX_FILE_BYTES,
    MESSAGES,
    ImportIssue,
    ParseResult,
    QuestionDraft,
    QuestionType,
)
from .template import TEMPLATE_HEADERS
from .xlsxfile import read_xlsx

__all__ = [
    "ImportIssue", "MESSAGES", "ParseResult", "QuestionDraft", "QuestionType", "READERS",
    "TEMPLATE_HEADERS", "parse_bytes", "parse_file",
]

READERS = {"xlsx": read_xlsx, "csv": read_csv}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def detect(data: bytes, filename: str) -> str:
    """The format by content first (a zip is .xlsx), by the name's extension second."""
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    suffix = Path(filename).suffix.lower().lstrip(".")
    return suffix if suffix in READERS else "csv"


def parse_bytes(data: bytes, filename: str, fmt: str = "auto") -> ParseResult:
    """Parse a bank file's content; never raises for bad input."""
    if len(data) > MAX_FILE_BYTES:
        return _refused("file_too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if not data.strip():
        return _refused("empty_file")
    if data[:8] == _OLE2:
        return _refused("encrypted_file")
    fmt = detect(data, filename) if fmt == "auto" else fmt
    if fmt == "xlsx" and data[:4] != b"PK\x03\x04":
        return _refused("not_a_spreadsheet", expected=".xlsx")
    if fmt == "csv" and b"\x00" in data[:4096]:
        return _refused("not_a_spreadsheet", expected="CSV")
    return READERS[fmt](data)


def parse_file(path: str | Path, fmt: str = "auto") -> ParseResult:
    """Parse a bank file on disk; the size is checked before anything is read."""
    path = Path(path)
    if path.stat().st_size > MAX_FILE_BYTES:
        return _refused("file_too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    return parse_bytes(path.read_bytes(), path.name, fmt)


def _refused(code: str, **params) -> ParseResult:
    return ParseResult(issues=[ImportIssue(code, params)])
