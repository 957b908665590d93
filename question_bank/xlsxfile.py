"""Excel .xlsx in our template's columns; every sheet with a header row is read."""

from __future__ import annotations

import io
import zipfile

from .model import ImportIssue, ParseResult

#: Refuse before unpacking: more than this in all, or a member packed tighter than the ratio.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100


def _zip_problem(data: bytes) -> ImportIssue | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except zipfile.BadZipFile:
        return ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"})
    if "xl/workbook.xml" not in names:
        return ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"})
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES or any(
        m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
        for m in members
    ):
        return ImportIssue("zip_bomb")
    return None


def read_xlsx(data: bytes) -> ParseResult:
    """Parse an .xlsx file's bytes (read-only mode: memory stays bounded)."""
    from openpyxl import load_workbook

    from .template import read_rows

    result = ParseResult(format="xlsx")
    problem = _zip_problem(data)
    if problem:
        result.issues.append(problem)
        return result
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        result.issues.append(ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"}))
        return result
    try:
        seen: dict[str, int] = {}
        found = False
        for sheet in workbook.worksheets:
            rows = ((number, list(cells)) for number, cells in
                    enumerate(sheet.iter_rows(values_only=True), start=1))
            found = read_rows(rows, result, sheet=sheet.title, seen=seen) or found
    finally:
        workbook.close()
    if not found:
        result.issues.append(ImportIssue("missing_header", {"columns": "题型, 题干, 答案"}))
    elif not result.drafts and not result.issues:
        result.issues.append(ImportIssue("empty_file"))
    return result
