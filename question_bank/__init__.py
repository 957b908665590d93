"""Question-bank files: parse -> validate -> QuestionDraft list and located issues.

Pure Python (no Flask, no database): the app stores the drafts and shows the issues.
A format is a reader registered in `FORMATS`; `parse_bytes` detects which one a file is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .aiken import looks_like_aiken, read_aiken
from .csvfile import read_csv
from .gift import looks_like_gift, read_gift
from .model import (
    MAX_FILE_BYTES,
    MESSAGES,
    ImportIssue,
    ParseResult,
    Progress,
    QuestionDraft,
    QuestionType,
    ReadOptions,
)
from .moodlexml import looks_like_moodle_xml, read_moodle_xml
from .template import TEMPLATE_HEADERS
from .validate import check_question
from .xlsxfile import looks_like_xlsx, read_xlsx

__all__ = [
    "FORMATS", "ImportIssue", "MESSAGES", "ParseResult", "Progress", "QuestionDraft",
    "QuestionType", "ReadOptions", "TEMPLATE_HEADERS", "check_question", "detect_format",
    "parse_bytes", "parse_file",
]

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls alike


@dataclass(frozen=True)
class Format:
    """A file format: how to read it, and how to recognise it by content or by name."""

    name: str
    read: Callable[[bytes, ReadOptions], ParseResult]
    extensions: tuple[str, ...]
    sniff: Callable[[bytes], bool] | None = None  # None: told by its extension only
    expected: str = ""  # how the not_a_spreadsheet message names it: a name, not a word
    binary: bool = False  # a forced binary format must pass its sniffer; text just be text


#: Content sniffers run in this order; text formats are then chosen by extension, else CSV.
FORMATS: dict[str, Format] = {
    "xlsx": Format("xlsx", read_xlsx, (".xlsx", ".xlsm"), looks_like_xlsx, ".xlsx", True),
    "xml": Format("xml", read_moodle_xml, (".xml",), looks_like_moodle_xml, "Moodle XML"),
    "gift": Format("gift", read_gift, (".gift",), looks_like_gift, "GIFT"),
    "aiken": Format("aiken", read_aiken, (".aiken",), looks_like_aiken, "Aiken"),
    "csv": Format("csv", read_csv, (".csv", ".txt", ".tsv"), None, "CSV"),
}
DEFAULT_TEXT_FORMAT = "csv"


def _looks_binary(data: bytes) -> bool:
    # No text encoding we read puts a NUL byte in a file.
    return b"\x00" in data


def detect_format(data: bytes, filename: str) -> str | None:
    """The format by content first, by the name's extension second; None if none fits."""
    for fmt in FORMATS.values():
        if fmt.sniff is not None and fmt.sniff(data):
            return fmt.name
    if _looks_binary(data):
        return None
    suffix = Path(filename).suffix.lower()
    named = next((f for f in FORMATS.values() if suffix in f.extensions), None)
    if named is None:
        return DEFAULT_TEXT_FORMAT
    # Text in a file named like a binary format (e.g. "bank.xlsx") is not what it says.
    return named.name if named.sniff is None else None


def parse_bytes(data: bytes, filename: str, fmt: str = "auto", *,
                skip_unsupported: bool = False, progress: Progress | None = None) -> ParseResult:
    """Parse a bank file's content (`fmt` "auto" or a name in FORMATS); never raises for
    bad input. `progress(done, total)` is called now and then on long files."""
    options = ReadOptions(skip_unsupported=skip_unsupported, progress=progress)
    if len(data) > MAX_FILE_BYTES:
        return _refused("file_too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if not data.strip():
        return _refused("empty_file")
    if data.startswith(OLE2_MAGIC):
        return _refused("encrypted_file")
    if fmt == "auto":
        name = detect_format(data, filename)
        if name is None:
            return _refused("not_a_bank_file")
        return FORMATS[name].read(data, options)
    chosen = FORMATS.get(fmt)
    if chosen is None:
        return _refused("unknown_format", fmt=fmt, known=", ".join(FORMATS))
    fits = chosen.sniff(data) if chosen.binary else not _looks_binary(data)
    if not fits:
        return _refused("not_a_spreadsheet", expected=chosen.expected)
    return chosen.read(data, options)


def parse_file(path: str | Path, fmt: str = "auto", *, skip_unsupported: bool = False,
               progress: Progress | None = None) -> ParseResult:
    """Parse a bank file on disk; its size is checked before anything is read."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return _refused("file_too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
        data = path.read_bytes()
    except OSError:
        return _refused("file_unreadable")
    return parse_bytes(data, path.name, fmt, skip_unsupported=skip_unsupported,
                       progress=progress)


def _refused(code: str, **params: object) -> ParseResult:
    return ParseResult(issues=[ImportIssue(code, params)])
