"""Rosters (花名册): a file of people (姓名, 手机号, 单位编码) loaded all or nothing, within
the importer's reach, every problem placed by row and column.

New numbers become participants with a one-time code (a temporary password: their first
log-in asks for a password of their own); numbers already registered are reported and left
as they are. The codes exist only in the report of the import that made them: only their
hashes are stored, and the caller hands them out once (a download, the CLI's --codes-out).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from question_bank.csvfile import decode
from question_bank.model import MAX_FILE_BYTES
from question_bank.normalize import clean, spelling_key
from question_bank.xlsxfile import looks_like_xlsx, zip_problem

from ..exports.tables import formula_like
from ..extensions import db
from ..models import Role, Unit, User
from . import accounts
from .errors import ValidationFailed
from .reach import Reach
from .text import clean_name
from .unit_files import HEADER_SEARCH_ROWS, blank, find_header
from .unit_files import UnitIssue as RosterIssue

#: People in one file read through the console: each new one costs a hash (some 10 ms), and
#: a request must end well within gunicorn's 30 s. The command takes more (MAX_CLI_ROWS).
MAX_ROSTER_ROWS = 1000
MAX_CLI_ROWS = 50_000
#: Numbers looked up per query.
LOOKUP_BATCH = 500

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name", "名字"),
    "phone": ("手机号", "phone", "手机号码", "手机", "mobile"),
    "unit_code": ("单位编码", "unit_code", "单位代码"),
}
_ROLE_BY_KEY = {spelling_key(alias): role for role, aliases in COLUMNS.items()
                for alias in aliases}
CODES_HEADERS = ("姓名", "手机号", "单位", "一次性登录码")


@dataclass
class RosterRow:
    """One person as the file gives them, and what importing does with them."""

    row: int
    name: str
    phone: str
    unit_code: str
    unit_id: int | None = None
    unit_name: str = ""
    #: The number is registered already: the row is reported and left as it is.
    existing: bool = False


@dataclass(frozen=True)
class IssuedCode:
    name: str
    phone: str
    unit_name: str
    code: str


@dataclass
class RosterReport:
    rows: list[RosterRow] = field(default_factory=list)
    issues: list[RosterIssue] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    stored: bool = False
    #: The one-time codes of the people created (only after a stored import).
    codes: list[IssuedCode] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def new_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if not row.existing]

    @property
    def existing_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.existing]


# Reading ------------------------------------------------------------------------------------

class _Unreadable(Exception):
    pass


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, Sequence[object]]]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a damaged workbook raises many kinds  # noqa: BLE001
            raise _Unreadable() from None
        try:
            yield from enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
        except _Unreadable:
            raise
        except Exception:  # damage inside the sheet shows only while reading  # noqa: BLE001
            raise _Unreadable() from None
        finally:
            workbook.close()


def _csv_rows(text: str) -> Iterator[tuple[int, Sequence[object]]]:
    lines = text[:64 * 1024].splitlines()[:HEADER_SEARCH_ROWS]

    def score(delimiter: str) -> int:
        try:
            return max((len(_roles(row)) for row in csv.reader(lines, delimiter=delimiter)),
                       default=0)
        except csv.Error:
            return 0

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max((",", ";", "\t"),
                                                                     key=score))
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _roles(cells: Sequence[object]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _ROLE_BY_KEY.get(spelling_key(clean(cell)))
        if role is not None and role not in roles:
            roles[role] = index
    return roles


def read_roster(data: bytes, filename: str = "", max_rows: int = MAX_ROSTER_ROWS
                ) -> RosterReport:
    """A roster file's bytes (.xlsx, or CSV in UTF-8 with or without BOM or GB18030) read
    into rows, with every problem of the file itself (no database) by row and column."""
    report = RosterReport()
    if len(data) > MAX_FILE_BYTES:
        report.issues.append(RosterIssue(_l("The file is larger than %(limit)d MB.",
                                            limit=MAX_FILE_BYTES >> 20)))
        return report
    if filename.lower().endswith(".xlsx") or looks_like_xlsx(data):
        if zip_problem(data) is not None:
            report.issues.append(RosterIssue(_l("The file is not a readable .xlsx workbook.")))
            return report
        rows = _xlsx_rows(data)
    else:
        text = decode(data)
        if text is None:
            report.issues.append(RosterIssue(_l(
                "The file is neither UTF-8 nor GBK text; save it as “CSV UTF-8”.")))
            return report
        rows = _csv_rows(text)
    try:
        _read_table(rows, report, max_rows)
    except _Unreadable:
        report.rows.clear()
        report.issues.append(RosterIssue(_l("The file is not a readable .xlsx workbook.")))
    except csv.Error:
        report.rows.clear()
        report.issues.append(RosterIssue(_l("The file is not a readable CSV file.")))
    return report


def _read_table(rows, report: RosterReport, max_rows: int) -> None:
    rows = iter(rows)
    cells, roles, searched = find_header(rows, _roles, COLUMNS)
    if cells is None:
        report.issues.append(RosterIssue(_l("The file holds nobody.")) if searched == 0 else
                             RosterIssue(_l("No header row was found in the first %(rows)d "
                                            "rows; it needs the columns %(columns)s.",
                                            rows=HEADER_SEARCH_ROWS,
                                            columns="姓名, 手机号, 单位编码")))
        return
    report.headers = {role: clean(cells[index]) for role, index in roles.items()}
    _read_body(rows, roles, report, max_rows)
    if not report.rows and not report.issues:
        report.issues.append(RosterIssue(_l("The file holds nobody.")))


def _read_body(rows, roles: dict[str, int], report: RosterReport, max_rows: int) -> None:
    headers = report.headers
    first_row_of: dict[str, int] = {}
    for number, cells in rows:
        if blank(cells):
            continue
        if len(report.rows) >= max_rows:
            report.rows.clear()
            report.issues.append(RosterIssue(_l(
                "The file has more than %(limit)d people; split it.", limit=max_rows),
                row=number))
            return

        def cell(role: str, cells=cells) -> str:
            index = roles[role]
            return clean(cells[index]) if index < len(cells) else ""

        def problem(role: str, message, number=number) -> None:
            report.issues.append(RosterIssue(message, row=number, column=headers[role]))

        name = phone = ""
        try:
            name = clean_name(cell("name"), field="name", max_length=accounts.NAME_MAX_LENGTH,
                              empty_message=_l("The name is missing."))
        except ValidationFailed as error:
            problem("name", error.message)
        written = cell("phone")
        digits = accounts.normalize_phone(written)
        if not digits:
            problem("phone", _l("The mobile number is missing."))
        elif not accounts.PHONE_RE.match(digits):
            problem("phone", _l("“%(value)s” is not an 11-digit mainland mobile number.",
                                value=written))
        else:
            phone = digits
            if phone in first_row_of:
                problem("phone", _l("The number %(phone)s is in row %(row)d already.",
                                    phone=phone, row=first_row_of[phone]))
            else:
                first_row_of[phone] = number
        code = unicodedata.normalize("NFKC", cell("unit_code")).strip()
        if not code:
            problem("unit_code", _l("The unit code is missing."))
        report.rows.append(RosterRow(number, name, phone, code))


# Checking against the database --------------------------------------------------------------

def check_roster(reach: Reach, report: RosterReport) -> RosterReport:
    """Each row's unit (known, in use, within reach) and whether its number is registered."""
    codes = {row.unit_code for row in report.rows if row.unit_code}
    units = {u.code: u for u in db.session.scalars(sa.select(Unit).where(
        Unit.code.in_(codes)))} if codes else {}
    column = report.headers.get("unit_code")
    for row in report.rows:
        unit = units.get(row.unit_code)
        if not row.unit_code:
            continue
        if unit is None:
            report.issues.append(RosterIssue(_l("No unit has the code %(code)s.",
                                                code=row.unit_code), row=row.row, column=column))
        elif not reach.covers(unit):  # as the units import says it (unit_uploads)
            report.issues.append(RosterIssue(_l("The unit %(code)s is outside your reach.",
                                                code=row.unit_code), row=row.row, column=column))
        elif unit.is_retired:
            report.issues.append(RosterIssue(_l("The unit %(code)s is retired; nobody can "
                                                "join it.", code=row.unit_code),
                                             row=row.row, column=column))
        else:
            row.unit_id, row.unit_name = unit.id, unit.name
    phones = [row.phone for row in report.rows if row.phone]
    registered = set()
    for start in range(0, len(phones), LOOKUP_BATCH):
        registered.update(db.session.scalars(sa.select(User.phone).where(
            User.phone.in_(phones[start:start + LOOKUP_BATCH]))))
    for row in report.rows:
        row.existing = row.phone in registered
    report.issues.sort(key=lambda issue: issue.row or 0)
    return report


def plan_roster(reach: Reach, data: bytes, filename: str = "",
                max_rows: int = MAX_ROSTER_ROWS) -> RosterReport:
    """What importing the file would do, storing nothing (the preview, a dry run)."""
    report = read_roster(data, filename, max_rows)
    # Row problems do not stop the check: every error of the file is listed at once.
    return check_roster(reach, report) if report.headers else report


def import_roster(reach: Reach, data: bytes, filename: str = "", *, dry_run: bool = False,
                  max_rows: int = MAX_ROSTER_ROWS) -> RosterReport:
    """Create the file's new people in the caller's transaction (all, or on any error none),
    each with a one-time code in `report.codes`; a dry run only plans."""
    report = plan_roster(reach, data, filename, max_rows)
    if not report.ok or dry_run:
        return report
    for row in report.new_rows:
        code = accounts.new_temporary_password()
        db.session.add(User(
            name=row.name, phone=row.phone, unit_id=row.unit_id, role=Role.participant.value,
            must_change_password=True,
            password_hash=generate_password_hash(code, method=accounts.TEMPORARY_HASH_METHOD)))
        report.codes.append(IssuedCode(row.name, row.phone, row.unit_name, code))
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a number registered between the check and now
        raise ValidationFailed(_l("One of these numbers was registered at the same moment; "
                                  "nothing was stored. Check the file again.")) from None
    report.stored = True
    return report


# The codes file -----------------------------------------------------------------------------

def codes_xlsx(codes: list[IssuedCode]) -> bytes:
    """姓名, 手机号 (in full), 单位, 一次性登录码: every cell text, none run as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("一次性登录码")
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 28
    sheet.column_dimensions["D"].width = 16

    def text(value: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"  # a number stays text (no 1.38E+10), a formula stays text
        if formula_like(value):
            cell.quotePrefix = True
        return cell

    sheet.append([text(header) for header in CODES_HEADERS])
    for item in codes:
        sheet.append([text(item.name), text(item.phone), text(item.unit_name),
                      text(item.code)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
