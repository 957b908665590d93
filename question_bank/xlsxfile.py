"""Excel .xlsx in our template's columns; every sheet with a header row is read.

openpyxl reads the workbook's structure (content types, sheet list, styles for dates) and
each cell's value (`WorkSheetParser.parse_row`), but the rows are walked here, not by its
read-only worksheet: that one trusts the sheet's <dimension> (or, without one, parses the
whole sheet just to size it) and hands out an empty row for every row number the sheet
skips, so one cell in row 1,048,576 cost a million empty rows, about half a second a sheet.
Here only the rows the sheet stores are visited, and everything is counted as it is read:

- before anything is unpacked: the declared unpacked size (MAX_UNPACKED_BYTES), each big
  part's packing ratio (MAX_RATIO), the size of the parts openpyxl parses whole
  (MAX_STRUCTURE_PART_BYTES) and the number of sheets (model.MAX_SHEETS);
- while reading: rows stored, cells stored, the column of each value and XML elements
  (model.MAX_STORED_ROWS, MAX_CELLS, MAX_COLUMNS, MAX_XML_ELEMENTS; shared strings count as
  cells), and rows of questions (MAX_ROWS, in template.py).

Each refusal is one ImportIssue naming the limit, and the sheet and row where it was hit.
"""

from __future__ import annotations

import io
import re
import warnings
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import ExcelReader, _find_workbook_part
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from .model import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_SHEETS,
    MAX_STORED_ROWS,
    MAX_XML_ELEMENTS,
    ImportIssue,
    LimitExceeded,
    ParseResult,
    ReadOptions,
)
from .template import HEADER_SEARCH_ROWS, REQUIRED_COLUMNS, FileContext, Outcome, Row, read_table

#: Refuse before unpacking: more than this in all, or a big part packed tighter than the ratio.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024
#: Parts openpyxl parses whole, as a tree, before any sheet: content types, the workbook,
#: its relationships, the styles. A real one is a few KB (a workbook bloated by copied
#: formats reaches a few MB of styles); openpyxl takes some 0.4 s a MB.
MAX_STRUCTURE_PART_BYTES = 10 * 1024 * 1024
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_SHEET_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?sheet[\s/>]")
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\s+ref=\"(?:[A-Z]+\d+:)?[A-Z]+(\d+)\"")
_STRING_ELEMENT = f"{SHEET_MAIN_NS} si"  # as expat names it with namespace_separator=" "
_NOT_A_WORKBOOK = ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"})


def looks_like_xlsx(data: bytes) -> bool:
    """A zip archive: the content says .xlsx (the members are checked when it is read)."""
    return data[:4] in ZIP_MAGIC


def zip_problem(data: bytes) -> ImportIssue | None:
    """Why this zip must not reach openpyxl (not a workbook, or a zip bomb), else None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _NOT_A_WORKBOOK
    if "xl/workbook.xml" not in {member.filename for member in members}:
        return _NOT_A_WORKBOOK
    # Declared sizes are what the zip claims; reads stop at them (zipfile checks).
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        return ImportIssue("unpacked_too_large", {"limit_mb": MAX_UNPACKED_BYTES >> 20})
    for member in members:
        if (member.file_size > RATIO_CHECK_FROM
                and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            return ImportIssue("zip_bomb", {"part": member.filename, "limit": MAX_RATIO})
    return None


@dataclass
class _Budget:
    """What the workbook's sheets and shared strings have cost so far, against the limits."""

    sheet: str | None = None
    row: int | None = None
    rows: int = 0
    cells: int = 0
    elements: int = 0

    def refuse(self, code: str, **params: object) -> LimitExceeded:
        return LimitExceeded(ImportIssue(code, params, sheet=self.sheet, row=self.row))

    def element(self) -> None:
        self.elements += 1
        if self.elements > MAX_XML_ELEMENTS:
            raise self.refuse("too_many_xml_elements", limit=MAX_XML_ELEMENTS)

    def cell(self) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise self.refuse("too_many_cells", limit=MAX_CELLS)

    def stored_row(self) -> None:
        self.rows += 1
        if self.rows > MAX_STORED_ROWS:
            raise self.refuse("too_many_stored_rows", limit=MAX_STORED_ROWS)


@dataclass
class _Workbook:
    """What is needed to read the sheets: their titles and parts, and how values read."""

    archive: zipfile.ZipFile
    sheets: list[tuple[str, str]]  # (title, part)
    strings: list[str]
    epoch: object
    date_formats: set
    timedelta_formats: set


def _open(data: bytes, budget: _Budget) -> _Workbook:
    """The workbook's structure, read by openpyxl's ExcelReader steps minus the read-only
    worksheets (see the module's docstring); raises LimitExceeded, or anything for damage."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    archive = reader.archive
    sizes = {member.filename: member.file_size for member in archive.infolist()}
    _check_structure_part(ARC_CONTENT_TYPES, sizes)
    reader.read_manifest()
    workbook_part = _find_workbook_part(reader.package).PartName[1:]
    for part in (workbook_part, get_rels_path(workbook_part), ARC_STYLE):
        _check_structure_part(part, sizes)
    count = len(_SHEET_ELEMENT.findall(archive.read(workbook_part)))
    if count > MAX_SHEETS:
        raise LimitExceeded(ImportIssue("too_many_sheets", {"count": count,
                                                            "limit": MAX_SHEETS}))
    strings = _shared_strings(reader, budget)
    reader.read_workbook()
    workbook = reader.wb
    apply_stylesheet(archive, workbook)
    sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
              if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    return _Workbook(archive, sheets, strings, workbook.epoch, workbook._date_formats,
                     workbook._timedelta_formats)


def _check_structure_part(part: str, sizes: dict[str, int]) -> None:
    if sizes.get(part, 0) > MAX_STRUCTURE_PART_BYTES:
        raise LimitExceeded(ImportIssue("part_too_large", {
            "part": part, "limit_mb": MAX_STRUCTURE_PART_BYTES >> 20}))


def _shared_strings(reader: ExcelReader, budget: _Budget) -> list[str]:
    """The shared strings, as openpyxl's read_string_table gives them (the plain text of
    each <si>: its <t> and its runs' <t>, not the phonetic <rPh>), read with expat: some
    ten times faster, and each string counted as a cell as it is read."""
    found = reader.package.find(SHARED_STRINGS)
    if found is None:
        return []
    strings: list[str] = []
    pieces: list[str] = []
    path: list[str] = []  # local names of the open elements inside the current <si>
    inside = False

    def start(name, attrs):
        nonlocal inside
        budget.element()
        if name == _STRING_ELEMENT:
            budget.cell()
            inside = True
            path.clear()
            pieces.clear()
        elif inside:
            path.append(name.rpartition(" ")[2])

    def end(name):
        nonlocal inside
        if name == _STRING_ELEMENT:
            strings.append("".join(pieces).replace("x005F_", ""))
            inside = False
        elif inside and path:
            path.pop()

    def chars(text):
        # <si><t>…</t></si> or <si><r><t>…</t></r>…</si>, never <si><rPh><t>…</t></rPh>
        if inside and path and path[-1] == "t" and (len(path) == 1 or path[-2] == "r"):
            pieces.append(text)

    def refuse(*args):
        raise ValueError("a document type in the shared strings")

    # Names come as "namespace local-name", split on the separator.
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    with reader.archive.open(found.PartName[1:]) as source:
        parser.ParseFile(source)
    return strings


def _sheet_rows(workbook: _Workbook, part: str, budget: _Budget) -> Iterator[Row]:
    """The rows the sheet stores, as (row number, values up to the last one), counted
    against the limits as they are read; rows the sheet skips are not visited at all."""
    cells = WorkSheetParser(None, workbook.strings, data_only=True, epoch=workbook.epoch,
                            date_formats=workbook.date_formats,
                            timedelta_formats=workbook.timedelta_formats)
    ancestors: list = []  # the open elements
    with workbook.archive.open(part) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                budget.element()
                if element.tag == ROW_TAG:  # refusals inside the row name it
                    number = element.get("r", "")
                    budget.row = int(number) if number.isdigit() else (budget.row or 0) + 1
                ancestors.append(element)
                continue
            ancestors.pop()
            if element.tag == CELL_TAG:
                budget.cell()
            elif element.tag == ROW_TAG:
                budget.stored_row()
                number, parsed = cells.parse_row(element)
                yield number, _values(parsed, budget)
            if 1 <= len(ancestors) <= 2:
                # A row, or anything else beside the rows, is dropped once read: memory
                # holds one row. Deeper elements belong to the row being read.
                ancestors[-1].remove(element)


def _values(parsed: list[dict], budget: _Budget) -> tuple:
    """A row's values by column (1 = A), up to its last one that is not blank; a value past
    MAX_COLUMNS is refused."""
    filled = [cell for cell in parsed if _filled(cell["value"])]
    last = max((cell["column"] for cell in filled), default=0)
    if last > MAX_COLUMNS:
        raise budget.refuse("too_many_columns", limit=MAX_COLUMNS, column=last)
    values = [None] * last
    for cell in filled:
        values[cell["column"] - 1] = cell["value"]
    return tuple(values)


def _filled(value: object) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def read_xlsx(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse an .xlsx file's bytes: rows are streamed, so memory stays bounded."""
    result = ParseResult(format="xlsx")
    problem = zip_problem(data)
    if problem:
        result.issues.append(problem)
        return result
    context = FileContext(result, options or ReadOptions())
    outcomes: list[Outcome] = []
    budget = _Budget()
    # openpyxl warns about features it drops (data validation, styles); none matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = _open(data, budget)
        except LimitExceeded as exceeded:
            result.issues.append(exceeded.issue)
            return result
        except Exception:  # a damaged workbook raises many kinds  # noqa: BLE001
            result.issues.append(_NOT_A_WORKBOOK)
            return result
        try:
            context.total_rows = _declared_rows(workbook)
            for title, part in workbook.sheets:
                budget.sheet, budget.row = title, None
                outcomes.append(read_table(_sheet_rows(workbook, part, budget), context,
                                           sheet=title))
        except LimitExceeded as exceeded:
            result.issues.append(exceeded.issue)
            return result
        except Exception:  # damage inside a sheet shows only while reading  # noqa: BLE001
            result.issues.append(ImportIssue("not_a_spreadsheet", {"expected": ".xlsx"},
                                             sheet=budget.sheet))
            return result
        finally:
            workbook.archive.close()
    _file_level_issues(result, outcomes)
    return result


def _declared_rows(workbook: _Workbook) -> int | None:
    """Rows the sheets' <dimension> tags declare (None if any sheet lacks one): for progress
    only, so it is looked for at the start of each sheet and never trusted for more."""
    total = 0
    for _, part in workbook.sheets:
        with workbook.archive.open(part) as source:
            declared = _DIMENSION.search(source.read(4096))
        if declared is None:
            return None
        total += int(declared.group(1))
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
