"""The unit tree in and out of a file (.xlsx or CSV): read -> plan -> store, all or nothing.

A file has one row per unit in the columns code, name, parent_code, kind, headcount (or
their Chinese headers). Parents may follow their children and may be units already in the
database. A re-import updates the name, kind and headcount of the codes it names, adds new
codes, and moves a unit whose parent changed together with its subtree; units the file
does not name are left as they are. Any error stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Unit, UnitKind
from .errors import ConcurrentChange
from .unit_files import (
    COLUMNS,
    KIND_LABELS,
    MAX_DEPTH,
    STORE_BATCH,
    UnitFile,
    UnitIssue,
    UnitRow,
)


@dataclass
class UnitImportReport:
    """What an import did or (dry run, or a file with errors) would do."""

    issues: list[UnitIssue]
    added: int = 0
    renamed: int = 0
    kind_changed: int = 0
    headcount_changed: int = 0
    moved: int = 0
    unchanged: int = 0
    #: Units in the database the file does not name: left as they are.
    not_in_file: int = 0
    stored: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues


# Planning -----------------------------------------------------------------------------------

@dataclass
class _Existing:
    id: int
    code: str
    name: str
    kind: str
    headcount: int
    parent_id: int | None
    path: str


@dataclass
class _Plan:
    report: UnitImportReport
    rows: dict[str, UnitRow]  # by code, first occurrence only
    existing: dict[str, _Existing]  # by code
    parent_of: dict[str, str]  # code -> parent code ("" for a top unit), file and database


def _load_existing() -> dict[str, _Existing]:
    rows = db.session.execute(sa.select(Unit.id, Unit.code, Unit.name, Unit.kind,
                                        Unit.headcount, Unit.parent_id, Unit.path))
    return {row.code: _Existing(*row) for row in rows}


def _plan(parsed: UnitFile) -> _Plan:
    issues = list(parsed.issues)
    report = UnitImportReport(issues)
    existing = _load_existing()
    column = parsed.headers.get
    rows: dict[str, UnitRow] = {}
    for row in parsed.rows:
        first = rows.get(row.code)
        if first is not None:
            issues.append(UnitIssue(_l("The code %(code)s already appears in row %(row)d.",
                                       code=row.code, row=first.row),
                                    row=row.row, column=column("code")))
        elif row.code:
            rows[row.code] = row
    code_of_id = {unit.id: code for code, unit in existing.items()}
    parent_of = {code: code_of_id.get(unit.parent_id, "") for code, unit in existing.items()}
    for code, row in rows.items():
        if row.parent_code and row.parent_code not in rows and row.parent_code not in existing:
            issues.append(UnitIssue(_l("The parent unit %(code)s is neither in the file nor in "
                                       "the database.", code=row.parent_code),
                                    row=row.row, column=column("parent_code")))
            parent_of[code] = ""  # a top unit, for the checks below
        else:
            parent_of[code] = row.parent_code
    _check_tree(rows, parent_of, issues, column("parent_code"))
    report.not_in_file = sum(1 for code in existing if code not in rows)
    for code, row in rows.items():
        unit = existing.get(code)
        if unit is None:
            report.added += 1
            continue
        changed = False
        if row.name != unit.name:
            report.renamed, changed = report.renamed + 1, True
        if row.kind is not None and row.kind != unit.kind:
            report.kind_changed, changed = report.kind_changed + 1, True
        if row.headcount is not None and row.headcount != unit.headcount:
            report.headcount_changed, changed = report.headcount_changed + 1, True
        if row.parent_code != code_of_id.get(unit.parent_id, ""):
            report.moved, changed = report.moved + 1, True
        report.unchanged += not changed
    return _Plan(report, rows, existing, parent_of)


def _check_tree(rows: dict[str, UnitRow], parent_of: dict[str, str], issues: list[UnitIssue],
                column: str | None) -> None:
    """Refuse cycles (a unit below itself) and trees deeper than MAX_DEPTH."""
    depth: dict[str, int] = {}
    for start in rows:
        chain: list[str] = []
        on_chain: set[str] = set()
        code = start
        while code and code not in depth and code not in on_chain:
            chain.append(code)
            on_chain.add(code)
            code = parent_of.get(code, "")
        if code and code in on_chain:  # a cycle: from `code` round to itself
            cycle = chain[chain.index(code):]
            in_file = [rows[c] for c in cycle if c in rows]
            for c in cycle:
                depth[c] = 0  # reported once
            issues.append(UnitIssue(
                _l("A unit cannot be below itself: %(codes)s form a cycle (rows %(rows)s).",
                   codes=" → ".join([*cycle, cycle[0]]),
                   rows=", ".join(str(r.row) for r in sorted(in_file, key=lambda r: r.row))),
                row=min((r.row for r in in_file), default=None), column=column))
            chain = chain[:chain.index(code)]
        level = depth.get(code, -1) if code else -1
        for c in reversed(chain):
            level += 1
            depth[c] = level
            if level == MAX_DEPTH + 1 and c in rows:
                issues.append(UnitIssue(_l("The unit is more than %(limit)d levels below the "
                                           "top of the tree.", limit=MAX_DEPTH),
                                        row=rows[c].row, column=column))


def plan_units(parsed: UnitFile) -> UnitImportReport:
    """What importing the file would do; writes nothing."""
    return _plan(parsed).report


# Storing ------------------------------------------------------------------------------------

def import_units(parsed: UnitFile, *, dry_run: bool = False) -> UnitImportReport:
    """Store a read file's units, all or nothing, in the caller's transaction.

    A file with any error stores nothing, nor does a dry run; the report says what would
    happen either way.
    """
    db.session.flush()
    plan = _plan(parsed)
    if dry_run or not plan.report.ok:
        return plan.report
    try:
        _store(plan)
    except sa.exc.IntegrityError:
        # Another import added the same code meanwhile (PostgreSQL): the caller rolls back.
        raise ConcurrentChange() from None
    # The rows changed behind the session's back: units it holds read them again.
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Unit):
            db.session.expire(obj)
    plan.report.stored = True
    return plan.report


def _store(plan: _Plan) -> None:
    existing, rows, parent_of = plan.existing, plan.rows, plan.parent_of
    id_of = {code: unit.id for code, unit in existing.items()}
    # New units level by level, parents first, so each insert knows its parent's id.
    levels: dict[int, list[str]] = {}
    for code in rows:
        if code not in existing:
            levels.setdefault(_depth(code, parent_of), []).append(code)
    # RETURNING the code as well: rows may come back in any order.
    insert = sa.insert(Unit).returning(Unit.id, Unit.code)
    for level in sorted(levels):
        values = [{"code": code, "name": rows[code].name,
                   "kind": rows[code].kind or UnitKind.other.value,
                   "headcount": rows[code].headcount or 0,
                   "parent_id": id_of[parent_of[code]] if parent_of[code] else None,
                   "path": ""} for code in levels[level]]
        for start in range(0, len(values), STORE_BATCH):
            for unit_id, code in db.session.execute(insert, values[start:start + STORE_BATCH]):
                id_of[code] = unit_id
    updates = []
    for code, row in rows.items():
        unit = existing.get(code)
        if unit is None:
            continue
        values = {"name": row.name,
                  "kind": unit.kind if row.kind is None else row.kind,
                  "headcount": unit.headcount if row.headcount is None else row.headcount,
                  "parent_id": id_of[row.parent_code] if row.parent_code else None}
        if values != {"name": unit.name, "kind": unit.kind, "headcount": unit.headcount,
                      "parent_id": unit.parent_id}:
            updates.append({"id": unit.id, **values})
    # Paths from the final parents: a moved unit's whole subtree, files' or not, follows.
    paths: dict[str, str] = {}
    for code in id_of:
        _path(code, parent_of, id_of, paths)
    new_path = {id_of[code]: path for code, path in paths.items()}
    by_id = {update["id"]: update for update in updates}
    for unit in existing.values():
        if new_path[unit.id] != unit.path:
            by_id.setdefault(unit.id, {"id": unit.id})["path"] = new_path[unit.id]
    # An UPDATE by primary key needs the same columns in every row of a batch.
    shapes: dict[tuple[str, ...], list[dict]] = {}
    for values in by_id.values():
        shapes.setdefault(tuple(sorted(values)), []).append(values)
    shapes.setdefault(("id", "path"), []).extend(
        {"id": id_of[code], "path": paths[code]} for code in rows if code not in existing)
    for batch_rows in shapes.values():
        for start in range(0, len(batch_rows), STORE_BATCH):
            db.session.execute(sa.update(Unit), batch_rows[start:start + STORE_BATCH])


def _depth(code: str, parent_of: dict[str, str]) -> int:
    level = 0
    while parent_of.get(code):
        code, level = parent_of[code], level + 1
    return level


def _path(code: str, parent_of: dict[str, str], id_of: dict[str, int],
          paths: dict[str, str]) -> str:
    chain = []
    while code and code not in paths:
        chain.append(code)
        code = parent_of.get(code, "")
    path = paths[code] if code else "/"
    for c in reversed(chain):
        path = paths[c] = f"{path}{id_of[c]}/"
    return path


# Exporting ----------------------------------------------------------------------------------

def export_table() -> tuple[list[str], list[list[object]]]:
    """The tree as the header and rows of a unit file, parents before children."""
    units = list(db.session.scalars(sa.select(Unit).order_by(Unit.code)))
    code_of = {unit.id: unit.code for unit in units}
    units = _parents_first(units)
    headers = [aliases[0] for aliases in COLUMNS.values()]
    rows = [[unit.code, unit.name, code_of.get(unit.parent_id, ""),
             KIND_LABELS.get(unit.kind, unit.kind), unit.headcount] for unit in units]
    return headers, rows


def _parents_first(units: list[Unit]) -> list[Unit]:
    """Depth first from each root, children by code: each subtree in one block."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[Unit] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.id, [])))
    return ordered

