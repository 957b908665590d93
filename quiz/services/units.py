"""The unit tree: creating units and reading the tree."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..loading import load_all_where, load_where
from ..models import Unit, UnitKind
from .errors import ValidationFailed
from .text import clean_name

CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
UNIT_NAME_MAX_LENGTH = Unit.__table__.c.name.type.length


def create_unit(code: str, name: str, kind: str, parent: Unit | None = None,
                headcount: int = 0) -> Unit:
    """Add a unit under `parent` and set its path (the parent must be flushed)."""
    if not CODE_RE.match(code or ""):
        raise ValidationFailed(
            _l("A unit code has 1 to 32 letters, digits, '-' or '_'."), field="code"
        )
    if kind not in {k.value for k in UnitKind}:
        raise ValidationFailed(_l("Unknown unit kind."), field="kind")
    if headcount < 0:
        raise ValidationFailed(_l("The headcount cannot be negative."), field="headcount")
    name = clean_name(name, field="name", max_length=UNIT_NAME_MAX_LENGTH,
                      empty_message=_l("Please enter the unit's name."))
    unit = Unit(code=code, name=name, kind=kind, parent=parent, headcount=headcount)
    db.session.add(unit)
    db.session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def in_subtree(path_column, path: str):
    """SQL: the unit whose materialised path is `path_column` lies in the subtree whose
    top has `path` ("/1/4/": unit 4 and everything below it).

    A prefix test written as a range, so that an index on the column serves it: paths are
    digits and slashes compared byte by byte (models.unit.PathString), "0" follows "/", so
    the paths that start with "/1/4/" are those from "/1/4/" up to, not including, "/1/40".
    """
    return sa.and_(path_column >= path, path_column < path[:-1] + "0")


def all_units() -> list[Unit]:
    """Every unit, parents before children (ordered by path, then code)."""
    return list(db.session.scalars(sa.select(Unit).order_by(Unit.path)))


def open_units() -> list[Unit]:
    """The units people may register with: every unit not retired, parents first."""
    return list(db.session.scalars(
        sa.select(Unit).where(Unit.retired_at.is_(None)).order_by(Unit.path)))


def unit_by_code(code: str) -> Unit | None:
    """The unit with this code, if any."""
    return load_where(Unit, "code = :code", {"code": code})


def unit_labels(units: list[Unit]) -> dict[int, str]:
    """Each unit's full name from the root, e.g. "平安县 / 城关镇 / 东街社区"."""
    by_id = {u.id: u for u in units}
    labels = {}
    for unit in units:
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        labels[unit.id] = " / ".join(by_id[i].name for i in ids if i in by_id)
    return labels


def single_root() -> Unit | None:
    """The top of the tree when there is exactly one."""
    roots = load_all_where(Unit, "parent_id IS NULL ORDER BY id LIMIT 2", {})
    return roots[0] if len(roots) == 1 else None
