"""The console's unit tree, within the reach of the organizer or admin who manages it:
browsing and searching, adding, editing, moving and retiring units, and appointing
organizers (files of units: quiz.services.unit_uploads).

An organizer manages their own unit's subtree: they add, edit, move and retire the units
below their unit, and may rename their own unit and set its headcount, but never move or
retire it (that belongs to the level above). Units outside reach are NotFound, as in
quiz.services.reach. Views pass the reach and the values; nothing here reads a request.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Role, Unit, UnitKind, User
from . import accounts
from .errors import (
    ConcurrentChange,
    InvalidFields,
    NotFound,
    ValidationFailed,
    check_fields,
)
from .reach import Reach
from .text import clean_name
from .unit_files import MAX_DEPTH, MAX_HEADCOUNT, UnitFile, UnitRow, parse_headcount
from .unit_import import UnitImportReport, import_units
from .units import CODE_RE, UNIT_NAME_MAX_LENGTH, create_unit, unit_by_code

PER_PAGE = 50


@dataclass
class UnitPage:
    """A page of units: a unit's children, or the units matching a search."""

    units: list[Unit]
    total: int
    page: int
    per_page: int
    #: Units directly below each listed unit.
    child_counts: dict[int, int]
    #: Each listed unit's names from the top of reach, e.g. "平安县 / 城关镇 / 东村".
    labels: dict[int, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@dataclass
class TreeView:
    """A unit (None: the tops of the tree, for an admin), the trail down to it, its children."""

    unit: Unit | None
    trail: list[Unit]
    children: UnitPage


# Reading ------------------------------------------------------------------------------------

def normalize_code(text: str | None) -> str:
    """A code as typed: full-width letters and digits as plain ones, no spaces around."""
    return unicodedata.normalize("NFKC", text or "").strip()


def managed_unit(reach: Reach, code: str | None) -> Unit:
    """The unit named by `code` within reach, else NotFound."""
    return reach.require(unit_by_code(normalize_code(code)))


def tree_view(reach: Reach, code: str | None, page: int = 1) -> TreeView:
    """The unit `code` names (the home unit when none; the roots for an admin) and below."""
    code = normalize_code(code)
    if not code and reach.is_everything:
        return TreeView(None, [], _page(reach, Unit.parent_id.is_(None), page, by_path=False))
    unit = reach.unit_by_code(code)
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    above = db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids), reach.units_clause()))
    trail = sorted(above, key=lambda u: len(u.path))
    return TreeView(unit, trail, _page(reach, Unit.parent_id == unit.id, page, by_path=False))


def search_units(reach: Reach, text: str, page: int = 1) -> UnitPage:
    """Units within reach whose name or code holds `text`, with their full labels."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return _page(reach, sa.or_(Unit.name.ilike(like, escape="\\"),
                               Unit.code.ilike(like, escape="\\")), page, by_path=True)


def _page(reach: Reach, condition, page: int, *, by_path: bool) -> UnitPage:
    query = sa.select(Unit).where(condition, reach.units_clause())
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = min(max(1, page), max(1, -(-total // PER_PAGE)))
    # Units in use first, then by code (a search: by code too, the label says where).
    units = list(db.session.scalars(
        query.order_by(Unit.retired_at.is_not(None), Unit.code)
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    counts = dict(db.session.execute(
        sa.select(Unit.parent_id, sa.func.count()).where(Unit.parent_id.in_([u.id for u in units]))
        .group_by(Unit.parent_id)).all()) if units else {}
    return UnitPage(units, total, page, PER_PAGE, counts,
                    _labels(reach, units) if by_path else {})


def _labels(reach: Reach, units: list[Unit]) -> dict[int, str]:
    ids = {int(part) for u in units for part in u.path.strip("/").split("/")}
    names = dict(db.session.execute(
        sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids), reach.units_clause())).all())
    return {u.id: " / ".join(names[int(part)] for part in u.path.strip("/").split("/")
                             if int(part) in names) for u in units}


def organizers_of(unit: Unit) -> list[User]:
    """The people who manage this unit's subtree (organizers and admins of the unit)."""
    return list(db.session.scalars(sa.select(User).where(
        User.unit_id == unit.id, User.role.in_([Role.organizer.value, Role.admin.value]))
        .order_by(User.name, User.id)))


# Changing -----------------------------------------------------------------------------------

def parse_headcount_field(text: str | None, field: str = "headcount") -> int:
    """A headcount typed into a form ("120", "１２０", "1,200"), else ValidationFailed."""
    value = parse_headcount(str(text or ""))
    if value is None:
        raise ValidationFailed(_l("The headcount must be a whole number from 0 to %(limit)d.",
                                  limit=MAX_HEADCOUNT), field=field)
    return value


def _checked(checks) -> dict:
    """Run each (field, check): the values, or InvalidFields naming every bad field."""
    values, errors = check_fields(checks)
    if errors:
        raise InvalidFields(errors)
    return values


def _name(text: str | None) -> str:
    return clean_name(text, field="name", max_length=UNIT_NAME_MAX_LENGTH,
                      empty_message=_l("Please enter the unit's name."))


def _new_code(text: str | None) -> str:
    code = normalize_code(text)
    if not CODE_RE.match(code):
        raise ValidationFailed(_l("A unit code has 1 to 32 letters, digits, '-' or '_'."),
                               field="code")
    if unit_by_code(code) is not None:
        raise ValidationFailed(_l("The code %(code)s is already used by another unit.",
                                  code=code), field="code")
    return code


def _kind(value: str | None) -> str:
    if value not in {kind.value for kind in UnitKind}:
        raise ValidationFailed(_l("Unknown unit kind."), field="kind")
    return value


def _parent(reach: Reach, text: str | None) -> Unit | None:
    """The unit a unit goes below: within reach, in use, not at the deepest level."""
    code = normalize_code(text)
    if not code:
        if reach.is_everything:
            return None  # a top unit
        raise ValidationFailed(_l("Enter the code of the unit above it (your own unit or a "
                                  "unit below it)."), field="parent")
    parent = reach.require(unit_by_code(code), field="parent")
    if parent.is_retired:
        raise ValidationFailed(_l("The unit %(code)s is retired; nothing can be put below it.",
                                  code=parent.code), field="parent")
    if parent.depth >= MAX_DEPTH:
        raise ValidationFailed(_l("The unit is more than %(limit)d levels below the top of the "
                                  "tree.", limit=MAX_DEPTH), field="parent")
    return parent


def add_unit(reach: Reach, *, code: str, name: str, kind: str, parent_code: str,
             headcount: str) -> Unit:
    """A new unit below a unit within reach (an admin may add a top unit)."""
    values = _checked((("code", lambda: _new_code(code)), ("name", lambda: _name(name)),
                       ("kind", lambda: _kind(kind)),
                       ("parent", lambda: _parent(reach, parent_code)),
                       ("headcount", lambda: parse_headcount_field(headcount))))
    try:
        with db.session.begin_nested():
            return create_unit(values["code"], values["name"], values["kind"],
                               values["parent"], values["headcount"])
    except IntegrityError:  # the same code added at the same moment
        raise ValidationFailed(_l("The code %(code)s is already used by another unit.",
                                  code=values["code"]), field="code") from None


def edit_unit(unit: Unit, *, name: str, kind: str, headcount: str) -> Unit:
    """Rename a unit, change its kind and set its headcount (应参与人数)."""
    values = _checked((("name", lambda: _name(name)), ("kind", lambda: _kind(kind)),
                       ("headcount", lambda: parse_headcount_field(headcount))))
    unit.name, unit.kind, unit.headcount = values["name"], values["kind"], values["headcount"]
    db.session.flush()
    return unit


def move_unit(reach: Reach, unit: Unit, parent_code: str) -> Unit:
    """Put `unit` with its whole subtree below another unit within reach.

    The import's planner and store do it (one rule for cycles, depth and paths): the unit
    is a one-row file naming its new parent.
    """
    if reach.is_own_unit(unit.id):
        raise ValidationFailed(_l("Your own unit cannot be moved here; whoever manages the "
                                  "unit above it can move it."), field="parent")
    parent = _parent(reach, parent_code)
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationFailed(_l("A unit cannot be moved below itself or below a unit of its "
                                  "own subtree."), field="parent")
    if (parent.id if parent else None) == unit.parent_id:
        raise ValidationFailed(_l("The unit is already directly below this unit."),
                               field="parent")
    row = UnitRow(1, unit.code, unit.name, parent.code if parent else "")
    report = store_file(UnitFile(rows=[row]))
    if not report.ok:
        raise ValidationFailed(report.issues[0].message, field="parent")
    return unit


def store_file(parsed: UnitFile) -> UnitImportReport:
    """Import a read file in the caller's transaction (quiz.services.unit_import)."""
    try:
        return import_units(parsed)
    except ConcurrentChange:
        raise ConcurrentChange(_l("Someone else changed the units at the same moment; nothing "
                                  "was stored. Please try again.")) from None


def retire_unit(reach: Reach, unit: Unit, now: dt.datetime) -> int:
    """Retire a unit and the units below it still in use; how many were retired.

    They stay for past figures; registration no longer offers them.
    """
    if reach.is_own_unit(unit.id):
        raise ValidationFailed(_l("Your own unit cannot be retired here; whoever manages the "
                                  "unit above it can retire it."))
    if unit.is_retired:
        raise ValidationFailed(_l("The unit is retired already."))
    count = db.session.execute(
        sa.update(Unit).where(Reach(unit.path, unit.id).units_clause(),
                              Unit.retired_at.is_(None)).values(retired_at=now)
        .execution_options(synchronize_session=False)).rowcount
    _expire_units()
    return count


def restore_unit(reach: Reach, unit: Unit) -> int:
    """Bring a retired unit back, with the units below it retired at the same moment."""
    if reach.is_own_unit(unit.id):
        raise ValidationFailed(_l("Your own unit cannot be restored here; whoever manages the "
                                  "unit above it can restore it."))
    if not unit.is_retired:
        raise ValidationFailed(_l("The unit is in use; there is nothing to restore."))
    if unit.parent is not None and unit.parent.is_retired:
        raise ValidationFailed(_l("The unit above it, %(name)s, is retired: restore that one "
                                  "first.", name=unit.parent.name))
    count = db.session.execute(
        sa.update(Unit).where(Reach(unit.path, unit.id).units_clause(),
                              Unit.retired_at == unit.retired_at).values(retired_at=None)
        .execution_options(synchronize_session=False)).rowcount
    _expire_units()
    return count


def _expire_units() -> None:
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Unit):
            db.session.expire(obj)


# Organizers ---------------------------------------------------------------------------------

_NOT_OWN_UNIT = _l("Organizers appoint the organizers of the units below their own; the "
                   "organizers of your own unit are appointed by whoever manages the unit "
                   "above it.")


def appoint_organizer(reach: Reach, unit: Unit, phone: str) -> User:
    """Make a person of `unit` or a unit below it an organizer of their own unit; an
    organizer appoints only below their own unit (a peer would share their reach).

    Admins are made with `flask create-user`, never from the console.
    """
    number = accounts.validate_phone(phone)
    person = db.session.scalar(sa.select(User).where(User.phone == number))
    if person is None or not person.unit.path.startswith(unit.path):
        raise NotFound(_l("Nobody with this number belongs to this unit or a unit below it."),
                       field="phone")
    if reach.is_own_unit(person.unit_id):
        raise ValidationFailed(_NOT_OWN_UNIT, field="phone")
    if person.role == Role.admin.value:
        raise ValidationFailed(_l("This person is an admin already."), field="phone")
    if person.role == Role.organizer.value:
        raise ValidationFailed(_l("This person is an organizer already."), field="phone")
    person.role = Role.organizer.value
    db.session.flush()
    return person


def new_organizer(reach: Reach, unit: Unit, *, name: str, phone: str, password: str) -> User:
    """A new organizer account of `unit`, below the organizer's own unit (the account
    service checks every field)."""
    if reach.is_own_unit(unit.id):
        raise ValidationFailed(_NOT_OWN_UNIT, field="phone")
    return accounts.register(name, phone, password, unit.code, role=Role.organizer)
