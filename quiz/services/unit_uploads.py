"""Unit files (.xlsx or CSV) through the console: held between their preview and the
confirmation, as bank uploads are (quiz.services.uploads), and read within the reach of the
person importing: an organizer's file may touch their own subtree only, each row beyond it
an error by row and column. Planning and storing are quiz.services.unit_import's.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import PendingImport, Unit, User
from .reach import Reach
from .unit_admin import store_file
from .unit_files import UnitFile, UnitIssue, UnitRow, read_units, write_table
from .unit_import import UnitImportReport, export_table, plan_units
from .uploads import UNIT_FILE_FORMAT, held, hold

#: Rows of a file listed in its preview; the counts cover the whole file.
PREVIEW_ROWS = 200


def export_bytes(reach: Reach, kind: str = "xlsx") -> bytes:
    """The units within reach as a unit file that imports back unchanged."""
    headers, rows = export_table()
    if not reach.is_everything:
        codes = set(db.session.scalars(sa.select(Unit.code).where(reach.units_clause())))
        rows = [row for row in rows if row[0] in codes]
    return write_table(headers, rows, kind)


def hold_unit_file(user: User, filename: str, data: bytes) -> PendingImport:
    """Keep an uploaded unit file for its preview and confirmation (in the database, so any
    app server can confirm it); stale uploads and the user's earlier unit file are dropped."""
    return hold(user, UNIT_FILE_FORMAT, filename or "units", data)


def get_unit_file(user: User, token: str) -> PendingImport:
    """The user's own unit file awaiting confirmation."""
    return held(user, token, UNIT_FILE_FORMAT)


@dataclass
class RowPlan:
    """What importing one row of the file changes: `changes` lists (what, before, after)."""

    row: UnitRow
    action: str  # "add", "change" or "keep"
    changes: list[tuple[str, object, object]]


def _read_within(reach: Reach, pending: PendingImport) -> UnitFile:
    """The held file read, with a problem by row for each unit it names beyond reach."""
    parsed = read_units(pending.data, pending.filename)
    parsed.issues.extend(_reach_issues(reach, parsed))
    return parsed


def preview_unit_file(reach: Reach, pending: PendingImport) -> tuple[UnitImportReport,
                                                                      list[RowPlan]]:
    """What confirming would do (the counts of the whole file, the first rows' changes)."""
    parsed = _read_within(reach, pending)
    report = plan_units(parsed)
    report.issues.sort(key=lambda issue: issue.row or 0)
    return report, _row_plans(parsed.rows[:PREVIEW_ROWS])


def confirm_unit_file(reach: Reach, user: User, token: str) -> UnitImportReport:
    """Import a held file as previewed: all of it, or (any error) none of it."""
    pending = get_unit_file(user, token)
    report = store_file(_read_within(reach, pending))
    if report.stored:
        db.session.delete(pending)
    return report


def discard_unit_file(user: User, token: str) -> None:
    db.session.delete(get_unit_file(user, token))


@dataclass
class _Known:
    id: int
    path: str
    parent_code: str
    is_retired: bool
    name: str = ""
    kind: str = ""
    headcount: int = 0


def _known_units() -> dict[str, _Known]:
    parent = aliased(Unit)
    rows = db.session.execute(
        sa.select(Unit.code, Unit.id, Unit.path, sa.func.coalesce(parent.code, ""),
                  Unit.retired_at.is_not(None), Unit.name, Unit.kind, Unit.headcount)
        .outerjoin(parent, parent.id == Unit.parent_id))
    return {row[0]: _Known(*row[1:]) for row in rows}


def _reach_issues(reach: Reach, parsed: UnitFile) -> list[UnitIssue]:
    """An organizer's file touches their subtree only; nothing goes below a retired unit."""
    known = _known_units()
    code_column, parent_column = parsed.headers.get("code"), parsed.headers.get("parent_code")
    issues = []
    for row in parsed.rows:
        unit, parent = known.get(row.code), known.get(row.parent_code)
        if not row.code:
            continue
        if not reach.is_everything:
            if unit is not None and not unit.path.startswith(reach.path):
                issues.append(UnitIssue(_l("The unit %(code)s is outside your reach.",
                                           code=row.code), row=row.row, column=code_column))
                continue
            if unit is not None and reach.is_own_unit(unit.id):
                if row.parent_code != unit.parent_code:
                    issues.append(UnitIssue(_l(
                        "Your own unit cannot be moved: keep its parent code “%(code)s”.",
                        code=unit.parent_code), row=row.row, column=parent_column))
                continue
            if not row.parent_code:
                issues.append(UnitIssue(_l("A unit you add or move must be below your own "
                                           "unit."), row=row.row, column=parent_column))
            elif parent is not None and not parent.path.startswith(reach.path):
                issues.append(UnitIssue(_l("The parent unit %(code)s is outside your reach.",
                                           code=row.parent_code),
                                        row=row.row, column=parent_column))
        placed = unit is None or row.parent_code != unit.parent_code
        if placed and parent is not None and parent.is_retired:
            issues.append(UnitIssue(_l("The unit %(code)s is retired; nothing can be put below "
                                       "it.", code=row.parent_code),
                                    row=row.row, column=parent_column))
    return issues


def _row_plans(rows: list[UnitRow]) -> list[RowPlan]:
    known = _known_units() if rows else {}
    plans = []
    for row in rows:
        unit = known.get(row.code)
        if unit is None:
            plans.append(RowPlan(row, "add", []))
            continue
        changes = [(what, before, after) for what, before, after in (
            ("name", unit.name, row.name), ("kind", unit.kind, row.kind),
            ("headcount", unit.headcount, row.headcount),
            ("parent", unit.parent_code, row.parent_code)) if after is not None
            and before != after]
        plans.append(RowPlan(row, "change" if changes else "keep", changes))
    return plans
