"""Excel .xlsx in our template's columns; every sheet with a header row is read."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator

from openpyxl import load_workbook

from .model import ImportIssue, ParseResult, ReadOptions
from .template import HEADER_SEARCH_ROWS, REQUIRED_COLUMNS, FileContext, Outcome, Row, read_table

#: Refuse before unpacking: more than this in all, or a big member packed tighter than the ratio.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def looks_like_xlsx(data: bytes) -> bool:
    """A zip archive: the content says .xlsx (the members are checked when it is read)."""
    return data[:4] in ZIP_MAGIC


def zip_problem(data: bytes) -> ImportIssue | None:
    """Why this zip must not reach openpyxl (not a workbook, or a zip bomb), else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"})
    if "xl/workbook.xml" not in {member.filename for member in members}:
        return ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"})
    # Declared sizes are what the zip claims; openpyxl's reads stop at them (zipfile checks).
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        return ImportIssue("zip_bomb")
    for member in members:
        if (member.file_size > RATIO_CHECK_FROM
                and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            return ImportIssue("zip_bomb")
    return None


def _sheet_rows(sheet) -> Iterator[Row]:
    # The <dimension> some generators write is wrong; without it every row is read.
    sheet.reset_dimensions()
    # Missing rows are filled in by openpyxl, so the count is the row number Excel shows.
    yield from enumerate(sheet.iter_rows(values_only=True), start=1)


def read_xlsx(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse an .xlsx file's bytes (openpyxl read-only mode: memory stays bounded)."""
    result = ParseResult(format="xlsx")
    problem = zip_problem(data)
    if problem:
        result.issues.append(problem)
        return result
    context = FileContext(result, options or ReadOptions())
    outcomes: list[Outcome] = []
    # openpyxl warns about features it drops (data validation, styles); none matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a damaged workbook raises many kinds  # noqa: BLE001
            result.issues.append(ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"}))
            return result
        title = None
        try:
            context.total_rows = _declared_rows(workbook)
            for sheet in workbook.worksheets:
                title = sheet.title
                outcomes.append(read_table(_sheet_rows(sheet), context, sheet=title))
                if context.stopped:
                    break
        except Exception:  # damage inside a sheet shows only while reading  # noqa: BLE001
            result.issues.append(ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"},
                                             sheet=title))
            return result
        finally:
            workbook.close()
    _file_level_issues(result, outcomes)
    return result


def _declared_rows(workbook) -> int | None:
    """Rows the sheets' <dimension> tags declare (None if any sheet lacks one): for progress."""
    total = 0
    for sheet in workbook.worksheets:
        rows = sheet.max_row
        if not rows:
            return None
        total += rows
    return total


def _file_level_issues(result: ParseResult, outcomes: list[Outcome]) -> None:
    if Outcome.READ not in outcomes:
        if Outcome.NO_HEADER in outcomes:
            result.issues.append(ImportIssue("missing_header", {
                "search_rows": HEADER_SEARCH_ROWS, "columns": REQUIRED_COLUMNS}))
        else:
            result.issues.append(ImportIssue("empty_file"))
    elif not (result.drafts or result.issues):
        result.issues.append(ImportIssue("empty_file"))
