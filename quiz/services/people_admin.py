"""The console's people, within the reach of the organizer or admin who manages them:
finding and listing, resetting a password, disabling and enabling, moving to another unit,
appointing and removing organizers (rosters: quiz.services.roster).

Who may act on whom, on top of reach (a person outside it is NotFound, as in
quiz.services.reach):

- nobody acts on themselves here (their own page is /auth/account);
- an admin acts on anyone; an organizer never on an admin, nor on an organizer of their own
  unit (a peer, whose reach is theirs): only on staff below their unit, and on participants;
- organizers are appointed below the appointing organizer's own unit only
  (quiz.services.unit_admin.appoint_organizer, the units console's rule);
- the last admin is never demoted.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Attempt, Role, Unit, User
from . import accounts, unit_admin
from .errors import Forbidden, NotFound, QuizError, ValidationFailed
from .leaderboard import mask_phone
from .reach import Reach
from .units import in_subtree, unit_by_code

PER_PAGE = 50
ROLES = tuple(role.value for role in Role)


@dataclass
class PersonRow:
    user: User
    #: When their latest attempt started (UTC), None if they have taken none.
    last_attempt_at: dt.datetime | None

    @property
    def masked_phone(self) -> str:
        """138****1234: the list shows no whole number (the person's page does)."""
        return mask_phone(self.user.phone)


@dataclass
class PeoplePage:
    rows: list[PersonRow]
    total: int
    page: int
    per_page: int
    #: The unit the list is narrowed to (its subtree), if any.
    unit: Unit | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# Reading ------------------------------------------------------------------------------------

def _search_condition(text: str):
    """A name, a full number (as typed: full-width digits, spaces, +86) or its last four."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return sa.true()
    number = accounts.normalize_phone(text)
    if accounts.PHONE_RE.match(number):
        return User.phone == number
    if len(number) == 4 and number.isascii() and number.isdigit():
        return User.phone.like(f"%{number}")
    like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return User.name.ilike(like, escape="\\")


def list_people(reach: Reach, *, query: str = "", unit_code: str = "", role: str = "",
                page: int = 1) -> PeoplePage:
    """The people within reach matching a search, narrowed to a unit's subtree and a role,
    a page at a time, with when each last started an attempt."""
    unit = None
    conditions = [reach.units_clause(Unit.path), _search_condition(query)]
    if unit_admin.normalize_code(unit_code):
        unit = reach.require(unit_by_code(unit_admin.normalize_code(unit_code)), field="unit")
        conditions.append(in_subtree(Unit.path, unit.path))
    if role:
        if role not in ROLES:
            raise ValidationFailed(_l("Unknown role."), field="role")
        conditions.append(User.role == role)
    base = sa.select(User).join(Unit, Unit.id == User.unit_id).where(*conditions)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    page = min(max(1, page), max(1, -(-total // PER_PAGE)))
    users = list(db.session.scalars(base.order_by(User.name, User.id)
                                    .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
    last = dict(db.session.execute(
        sa.select(Attempt.user_id, sa.func.max(Attempt.started_at))
        .where(Attempt.user_id.in_([u.id for u in users])).group_by(Attempt.user_id)
    ).all()) if users else {}
    return PeoplePage([PersonRow(u, last.get(u.id)) for u in users], total, page, PER_PAGE,
                      unit)


def units_for_filter(reach: Reach) -> list[Unit]:
    """The units within reach, in tree order, for the list's unit filter."""
    return list(db.session.scalars(sa.select(Unit).where(reach.units_clause())
                                   .order_by(Unit.path)))


def person_in_reach(reach: Reach, user_id: int | None) -> User:
    """The person with this id if within reach; NotFound otherwise, as for nobody."""
    person = db.session.get(User, user_id) if user_id is not None else None
    if person is None or not reach.covers_user(person):
        raise NotFound(_l("Nobody with this id is within your reach."))
    return person


def last_attempt_at(person: User) -> dt.datetime | None:
    return db.session.scalar(sa.select(sa.func.max(Attempt.started_at))
                             .where(Attempt.user_id == person.id))


# Who may do what ----------------------------------------------------------------------------

def _not_self(actor: User, person: User, message) -> None:
    if person.id == actor.id:
        raise Forbidden(message)


def _may_manage(reach: Reach, person: User) -> None:
    """An admin manages anyone; an organizer participants and the staff below their unit."""
    if reach.is_everything:
        return
    if person.role == Role.admin.value:
        raise Forbidden(_l("Only an admin can change an admin's account."))
    if person.is_staff and reach.is_own_unit(person.unit_id):
        raise Forbidden(_l("The organizers of your own unit are managed by whoever manages "
                           "the unit above it."))


def _other_enabled_admins(person: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.role == Role.admin.value, User.is_enabled.is_(True), User.id != person.id))


def _check_reset(reach, actor, person):
    _not_self(actor, person, _l("Change your own password on your account page."))
    _may_manage(reach, person)


def _check_disable(reach, actor, person):
    _not_self(actor, person, _l("You cannot disable your own account."))
    _may_manage(reach, person)
    if not person.is_enabled:
        raise ValidationFailed(_l("The account is disabled already."))


def _check_enable(reach, actor, person):
    _may_manage(reach, person)
    if person.is_enabled:
        raise ValidationFailed(_l("The account is enabled already."))


def _check_move(reach, actor, person):
    _not_self(actor, person, _l("Your own unit is changed by whoever manages the unit above "
                                "it."))
    _may_manage(reach, person)


def _check_appoint(reach, actor, person):
    _not_self(actor, person, _l("Nobody changes their own role."))
    if person.role != Role.participant.value:
        raise ValidationFailed(_l("This person is an organizer or admin already."))
    if reach.is_own_unit(person.unit_id):
        # the units console's rule (unit_admin.appoint_organizer), checked before the button
        raise Forbidden(_l("Organizers appoint the organizers of the units below their own."))


def _check_remove(reach, actor, person):
    if person.role == Role.admin.value and _other_enabled_admins(person) == 0:
        raise Forbidden(_l("This is the last admin: appoint another admin first (flask "
                           "create-user)."))
    _not_self(actor, person, _l("Nobody changes their own role."))
    if not person.is_staff:
        raise ValidationFailed(_l("This person is not an organizer."))
    _may_manage(reach, person)


_CHECKS = {"reset": _check_reset, "disable": _check_disable, "enable": _check_enable,
           "move": _check_move, "appoint": _check_appoint, "remove": _check_remove}


def allowed_actions(reach: Reach, actor: User, person: User) -> dict[str, bool]:
    """Which of the person page's buttons `actor` may use (the same checks as the actions)."""
    allowed = {}
    for name, check in _CHECKS.items():
        try:
            check(reach, actor, person)
        except QuizError:
            allowed[name] = False
        else:
            allowed[name] = True
    return allowed


# Changing -----------------------------------------------------------------------------------

def reset_password(reach: Reach, actor: User, person: User) -> str:
    """A new temporary password for `person`, returned once (only its hash is kept); their
    sessions end and their next log-in asks them to choose their own."""
    _check_reset(reach, actor, person)
    return accounts.give_temporary_password(person)


def set_enabled(reach: Reach, actor: User, person: User, enabled: bool) -> User:
    """Disable (every session and token ends at once) or enable an account again."""
    (_check_enable if enabled else _check_disable)(reach, actor, person)
    accounts.set_enabled(person, enabled)
    return person


def move_person(reach: Reach, actor: User, person: User, unit_code: str) -> User:
    """Put `person` in another unit within reach (not retired). Attempts already taken stay
    counted where they were taken (Attempt.unit_id); later ones count at the new unit."""
    _check_move(reach, actor, person)
    code = unit_admin.normalize_code(unit_code)
    if not code:
        raise ValidationFailed(_l("Enter the code of the unit to move them to."), field="unit")
    unit = reach.require(unit_by_code(code), field="unit")
    if unit.is_retired:
        raise ValidationFailed(_l("The unit %(code)s is retired; nobody can join it.",
                                  code=unit.code), field="unit")
    if unit.id == person.unit_id:
        raise ValidationFailed(_l("They belong to this unit already."), field="unit")
    if person.is_staff and reach.is_own_unit(unit.id):
        # As appointing (unit_admin.appoint_organizer): a peer would share one's reach.
        raise Forbidden(_l("An organizer cannot be moved into your own unit; whoever "
                           "manages the unit above it can."), field="unit")
    person.unit = unit
    db.session.flush()
    return person


def appoint_organizer(reach: Reach, actor: User, person: User) -> User:
    """Make `person` an organizer of their own unit, by the units console's rule."""
    _check_appoint(reach, actor, person)
    return unit_admin.appoint_organizer(reach, person.unit, person.phone)


def remove_organizer(reach: Reach, actor: User, person: User) -> User:
    """Make an organizer (or, by an admin, another admin) a participant again."""
    _check_remove(reach, actor, person)
    person.role = Role.participant.value
    db.session.flush()
    return person
