"""Reach: what a person may see and manage. One place, used by every view, API endpoint,
export and command.

- admin: every unit and everyone.
- organizer: the subtree of their own unit (their unit and everything below it), never a
  neighbour's, and of the levels above nothing but what their own subtree adds up to.
- participant: no unit's figures; only their own attempts (quiz.services.attempts finds an
  attempt only together with its owner).

A unit or person outside reach is "not found" (404), as one that does not exist: reach never
reveals what lies beyond it. A page that is not for the role at all answers 403 (the
blueprint's guard).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Role, Unit, User
from .errors import Forbidden, NotFound, ValidationFailed
from .units import in_subtree, single_root, unit_by_code


@dataclass(frozen=True)
class Reach:
    """The units one user may see: everything, one subtree (by its path), or none."""

    #: None: every unit. A path ("/1/4/"): that unit's subtree. "": no unit at all.
    path: str | None
    #: The unit figures start from when none is named (the organizer's own, or the root).
    home_id: int | None

    @property
    def is_everything(self) -> bool:
        return self.path is None

    @property
    def is_nothing(self) -> bool:
        return self.path == ""

    def covers(self, unit: Unit | None) -> bool:
        """Whether `unit` lies within reach."""
        if unit is None or self.is_nothing:
            return False
        return self.is_everything or unit.path.startswith(self.path)

    def covers_every_unit(self) -> bool:
        """Whether reach holds everyone who may take part: an admin, or an organizer of the
        one top unit (with several trees, no organizer's unit holds them all). Figures
        that are not per unit (a question's, a campaign's whole board) need this."""
        if self.is_everything:
            return True
        root = single_root()
        return root is not None and self.covers(root)

    def is_own_unit(self, unit_id: int | None) -> bool:
        """Whether this is an organizer's own unit (the top of their reach): its staff would
        share that reach, so organizers appoint, move and manage staff only below it."""
        return not self.is_everything and unit_id == self.home_id

    def covers_user(self, user: User) -> bool:
        """Whether a person (by the unit they belong to) lies within reach."""
        return self.covers(user.unit)

    def units_clause(self, path_column=Unit.path):
        """A SQL condition on a unit path column: the units within reach."""
        if self.is_everything:
            return sa.true()
        if self.is_nothing:
            return sa.false()
        return in_subtree(path_column, self.path)

    def require(self, unit: Unit | None, field: str | None = None) -> Unit:
        """`unit` if within reach; NotFound (404) otherwise, as for a unit that is not."""
        if not self.covers(unit):
            raise NotFound(_l("No unit with this code is within your reach."), field=field)
        return unit

    def trail(self, unit: Unit) -> list[Unit]:
        """The units from the top of reach down to `unit` (a breadcrumb), `unit` last."""
        ids = [int(part) for part in unit.path.strip("/").split("/") if part]
        found = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)))}
        return [found[i] for i in ids if i in found and self.covers(found[i])]

    def unit_by_code(self, code: str | None, field: str = "unit") -> Unit:
        """The unit named by `code`, or the home unit when no code is given.

        NotFound for a code that names no unit within reach; ValidationFailed when none is
        named and there is no single place to start (an admin of several trees).
        """
        code = (code or "").strip()
        if not code:
            home = db.session.get(Unit, self.home_id) if self.home_id is not None else None
            if home is None:
                raise ValidationFailed(_l("Please name a unit: ?unit=CODE."), field=field)
            return self.require(home, field)
        return self.require(unit_by_code(code), field)


NOTHING = Reach(path="", home_id=None)


def reach_of(user: User | None) -> Reach:
    """What `user` may see (nothing for a visitor or a disabled account)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_enabled:
        return NOTHING
    if user.role == Role.admin.value:
        root = single_root()
        return Reach(path=None, home_id=root.id if root else None)
    if user.role == Role.organizer.value:
        return Reach(path=user.unit.path, home_id=user.unit_id)
    return NOTHING


def require_staff(user: User | None) -> Reach:
    """The reach of an organizer or admin; Forbidden (403) for anyone else."""
    if user is None or not getattr(user, "is_staff", False):
        raise Forbidden()
    return reach_of(user)
