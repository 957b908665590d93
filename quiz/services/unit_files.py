"""Unit files (.xlsx or CSV): reading rows of units with every problem placed by row and
column, and writing the tree's table. No database here: quiz.services.unit_import plans and
stores what is read.
"""


from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from question_bank.csvfile import decode
from question_bank.model import MAX_FILE_BYTES, MAX_STORED_ROWS
from question_bank.normalize import clean, spelling_key
from question_bank.xlsxfile import looks_like_xlsx, zip_problem

from ..models import UnitKind
from .errors import ValidationFailed
from .text import clean_name
from .units import CODE_RE, UNIT_NAME_MAX_LENGTH

#: Units in one file (rows below the header, blank rows not counted).
MAX_UNIT_ROWS = 50_000
#: Levels below the root: a path of ids ("/1/4/12/") must fit its 255 characters.
MAX_DEPTH = 30
MAX_HEADCOUNT = 100_000_000
#: The header is looked for in this many non-blank rows (a title row may come first).
HEADER_SEARCH_ROWS = 10
#: Rows per INSERT/UPDATE statement when storing.
STORE_BATCH = 1000

#: The columns, in the order an export writes them, with the header it writes first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("单位编码", "code", "编码", "单位代码"),
    "name": ("单位名称", "name", "名称"),
    "parent_code": ("上级单位编码", "parent_code", "parent", "上级编码", "上级单位代码"),
    "kind": ("类型", "kind", "单位类型"),
    "headcount": ("应参与人数", "headcount", "应参加人数", "人数"),
}
REQUIRED = ("code", "name", "parent_code")
_ROLE_BY_KEY = {spelling_key(alias): role for role, aliases in COLUMNS.items()
                for alias in aliases}

#: Kind names accepted in a file; the first Chinese name of each is what an export writes.
KIND_NAMES: dict[UnitKind, tuple[str, ...]] = {
    UnitKind.province: ("省", "省级", "自治区", "直辖市"),
    UnitKind.city: ("市", "地级市", "市级", "州", "盟"),
    UnitKind.county: ("县/区", "县", "区", "县区", "县级市", "旗"),
    UnitKind.township: ("乡镇/街道", "乡镇", "乡", "镇", "街道", "乡镇街道"),
    UnitKind.department: ("部门", "机关", "科室"),
    UnitKind.enterprise: ("企业", "公司"),
    UnitKind.school: ("学校",),
    UnitKind.community: ("社区", "居委会"),
    UnitKind.village: ("村", "行政村", "村委会"),
    UnitKind.other: ("其他", "其它"),
}
_KIND_BY_KEY = {spelling_key(name): kind.value for kind, names in KIND_NAMES.items()
                for name in (*names, kind.value)}
KIND_LABELS = {kind.value: names[0] for kind, names in KIND_NAMES.items()}

#: What a spreadsheet may run as a formula; an export puts a ' before it (and an import
#: takes that ' away again, so the file imports back unchanged).
_FORMULA_START = re.compile(r"^'*[=+\-@]")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


@dataclass(frozen=True)
class UnitIssue:
    """A problem with the file: where (row and column header, when known) and what."""

    message: object  # a lazy string: shown in the reader's language
    row: int | None = None
    column: str | None = None

    def place(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("row %(number)d", number=self.row))
        if self.column:
            parts.append(_("column %(name)s", name=self.column))
        return _(", ").join(parts) if parts else _("whole file")

    def __str__(self) -> str:
        return f"{self.place()}: {self.message}"


@dataclass
class UnitRow:
    """One unit as the file gives it; kind and headcount are None when the file has no such
    column (an existing unit then keeps its own, a new one is `other` with 0)."""

    row: int
    code: str
    name: str
    parent_code: str  # "" for a top unit
    kind: str | None = None
    headcount: int | None = None


@dataclass
class UnitFile:
    """A file read: its units, its problems, and each column's header as written."""

    rows: list[UnitRow] = field(default_factory=list)
    issues: list[UnitIssue] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues


# Reading ------------------------------------------------------------------------------------

Row = tuple[int, Sequence[object]]


class _TooMany(Exception):
    def __init__(self, row: int | None) -> None:
        self.row = row


def read_units(data: bytes, filename: str = "") -> UnitFile:
    """Read a unit file's bytes (.xlsx, or CSV in UTF-8 or GBK) into rows and issues."""
    result = UnitFile()
    if len(data) > MAX_FILE_BYTES:
        result.issues.append(UnitIssue(_l("The file is larger than %(limit)d MB.",
                                          limit=MAX_FILE_BYTES >> 20)))
        return result
    is_xlsx = filename.lower().endswith(".xlsx") or looks_like_xlsx(data)
    try:
        if is_xlsx:
            problem = zip_problem(data)
            if problem is not None:
                result.issues.append(UnitIssue(_l("The file is not a readable .xlsx "
                                                  "workbook.")))
                return result
            _read_table(_xlsx_rows(data), result)
        else:
            text = decode(data)
            if text is None:
                result.issues.append(UnitIssue(_l(
                    "The file is neither UTF-8 nor GBK text; save it as “CSV UTF-8”.")))
                return result
            _read_table(_csv_rows(text), result)
    except _TooMany as too_many:
        result.rows.clear()
        result.issues.append(UnitIssue(
            _l("The file has more than %(limit)d units; split it.", limit=MAX_UNIT_ROWS),
            row=too_many.row))
    except _Unreadable:
        result.rows.clear()
        result.issues.append(UnitIssue(_l("The file is not a readable .xlsx workbook.")))
    except csv.Error:
        result.rows.clear()
        result.issues.append(UnitIssue(_l("The file is not a readable CSV file.")))
    return result


class _Unreadable(Exception):
    pass


def _xlsx_rows(data: bytes) -> Iterator[Row]:
    """The first sheet's rows; openpyxl's read-only mode streams them."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # features openpyxl drops (validation, styles)
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a damaged workbook raises many kinds  # noqa: BLE001
            raise _Unreadable() from None
        try:
            sheet = workbook.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True),
                                            start=1):
                if number > MAX_STORED_ROWS:
                    raise _TooMany(number)
                yield number, values
        except _TooMany:
            raise
        except Exception:  # damage inside the sheet shows only while reading  # noqa: BLE001
            raise _Unreadable() from None
        finally:
            workbook.close()


def _csv_rows(text: str) -> Iterator[Row]:
    """Records with the line each starts on; the delimiter is told from the header."""
    delimiter = max((",", ";", "\t"), key=lambda d: _header_score(text, d))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, records = 1, 0
    for cells in reader:
        records += 1
        if records > MAX_STORED_ROWS:
            raise _TooMany(start)
        yield start, cells
        start = reader.line_num + 1


def _header_score(text: str, delimiter: str) -> int:
    lines = text[:64 * 1024].splitlines()[:HEADER_SEARCH_ROWS]
    try:
        return max((len(_roles(row)) for row in csv.reader(lines, delimiter=delimiter)),
                   default=0)
    except csv.Error:
        return 0


def _roles(cells: Sequence[object]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _ROLE_BY_KEY.get(spelling_key(clean(cell)))
        if role is not None and role not in roles:
            roles[role] = index
    return roles


def find_header(rows: Iterator[Row], roles_of, required) -> tuple[list | None, dict, int]:
    """Read `rows` up to the header row among the first HEADER_SEARCH_ROWS that are not
    blank: (its cells, the column of each role, the rows looked at); (None, {}, n) when
    none names every `required` role. The rows after it are left in `rows`."""
    searched = 0
    for _number, cells in rows:
        if blank(cells):
            continue
        roles = roles_of(cells)
        if all(role in roles for role in required):
            return list(cells), roles, searched
        searched += 1
        if searched >= HEADER_SEARCH_ROWS:
            break
    return None, {}, searched


def _read_table(rows: Iterable[Row], result: UnitFile) -> None:
    rows = iter(rows)
    cells, roles, searched = find_header(rows, _roles, REQUIRED)
    if cells is None:
        result.issues.append(UnitIssue(_l("The file holds no units.")) if searched == 0 else
                             UnitIssue(_l("No header row was found in the first %(rows)d rows; "
                                          "it needs the columns %(columns)s.",
                                          rows=HEADER_SEARCH_ROWS,
                                          columns="单位编码, 单位名称, 上级单位编码")))
        return
    result.headers = {role: clean(cells[index]) for role, index in roles.items()}
    _read_body(rows, roles, result)
    if not result.rows and not result.issues:
        result.issues.append(UnitIssue(_l("The file holds no units.")))


def blank(cells: Sequence[object]) -> bool:
    """Whether a row has nothing in it."""
    return all(not clean(cell) for cell in cells)


def _read_body(rows: Iterator[Row], roles: dict[str, int], result: UnitFile) -> None:
    headers = result.headers
    count = 0
    for number, cells in rows:
        if blank(cells):
            continue
        count += 1
        if count > MAX_UNIT_ROWS:
            raise _TooMany(number)

        def cell(role: str, cells=cells) -> str:
            index = roles.get(role)
            if index is None or index >= len(cells):
                return ""
            return _unneutralise(clean(cells[index]))

        def problem(role: str, message, number=number) -> None:
            result.issues.append(UnitIssue(message, row=number, column=headers[role]))

        code = _code(cell("code"))
        if not CODE_RE.match(code):
            problem("code", _l("“%(code)s” is not a unit code: 1 to 32 letters, digits, '-' "
                               "or '_'.", code=code) if code else
                    _l("The unit code is missing."))
        parent_code = _code(cell("parent_code"))
        try:
            name = clean_name(cell("name"), field="name", max_length=UNIT_NAME_MAX_LENGTH,
                              empty_message=_l("Please enter the unit's name."))
        except ValidationFailed as error:
            problem("name", error.message)
            name = ""
        kind = headcount = None
        if "kind" in roles:
            written = cell("kind")
            kind = _KIND_BY_KEY.get(spelling_key(written)) if written else UnitKind.other.value
            if kind is None:
                problem("kind", _l("Unknown unit kind “%(value)s” (use 省, 市, 县/区, 乡镇/街道, "
                                   "部门, 企业, 学校, 社区, 村 or 其他).", value=written))
        if "headcount" in roles:
            written = cell("headcount")
            headcount = parse_headcount(written)
            if headcount is None:
                problem("headcount", _l(
                    "The headcount “%(value)s” is not a whole number from 0 to %(limit)d.",
                    value=written, limit=MAX_HEADCOUNT))
        result.rows.append(UnitRow(number, code, name, parent_code, kind, headcount))


def _code(text: str) -> str:
    """A code as compared and stored: full-width letters and digits as plain ones."""
    return unicodedata.normalize("NFKC", text).strip()


def _unneutralise(text: str) -> str:
    """Undo an export's ' before a formula-like value (see `neutralise`)."""
    return text[1:] if text.startswith("'") and _FORMULA_START.match(text) else text


def neutralise(text: str) -> str:
    """A value a spreadsheet will not run as a formula: a ' before = + - @."""
    return "'" + text if _FORMULA_START.match(text) else text


def parse_headcount(text: str) -> int | None:
    """A headcount as written ("120", "１２０", "1,200"; blank = 0), or None if refused."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return 0
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= MAX_HEADCOUNT else None


def write_table(headers: list[str], rows: list[list[object]], kind: str) -> bytes:
    """The table as .xlsx ("xlsx") or UTF-8 CSV with a BOM, which Excel opens ("csv");
    text that a spreadsheet would run as a formula is neutralised."""
    cells = [[neutralise(value) if isinstance(value, str) else value for value in row]
             for row in rows]
    if kind == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(cells)
        return buffer.getvalue().encode("utf-8-sig")
    if kind == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("单位")
        sheet.append(headers)
        for row in cells:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown export kind {kind!r}")
