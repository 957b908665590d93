"""Roster files through the console: held between their preview (the dry run) and the
confirmation, as unit files are (quiz.services.unit_uploads), in the same table.

What is held is the file as uploaded (names, numbers, unit codes), its uploader's alone,
for a day at most; never a code: the codes are made by the confirmation and leave in its
response only (quiz.manage.accounts sends them as the .xlsx download).
"""

from __future__ import annotations

from ..extensions import db
from ..models import PendingImport, User
from . import roster
from .reach import Reach
from .uploads import ROSTER_FORMAT, held, hold

#: Rows of a file listed in its preview; the counts cover the whole file.
PREVIEW_ROWS = 200


def hold_roster(user: User, filename: str, data: bytes) -> PendingImport:
    """Keep an uploaded roster for its preview; stale uploads and the user's earlier
    roster are dropped."""
    return hold(user, ROSTER_FORMAT, filename or "roster", data)


def get_roster(user: User, token: str) -> PendingImport:
    """The user's own roster awaiting confirmation."""
    return held(user, token, ROSTER_FORMAT)


def preview_roster(reach: Reach, pending: PendingImport) -> roster.RosterReport:
    """What confirming would do; nothing is stored (the console's dry run)."""
    return roster.plan_roster(reach, pending.data, pending.filename)


def confirm_roster(reach: Reach, user: User, token: str) -> roster.RosterReport:
    """Import a held roster as previewed: all of it, or (any error) none of it; the held
    file goes once stored."""
    pending = get_roster(user, token)
    report = roster.import_roster(reach, pending.data, pending.filename)
    if report.stored:
        db.session.delete(pending)
        db.session.flush()
    return report


def discard_roster(user: User, token: str) -> None:
    db.session.delete(get_roster(user, token))
