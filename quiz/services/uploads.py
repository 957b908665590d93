"""Bank files uploaded through the console, held between their preview and the organizer's
confirmation: kept in the database (any app server can confirm them), each its uploader's
alone, dropped after a day."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import question_bank
from question_bank import ParseResult

from ..extensions import db
from ..models import PendingImport, User
from ..timeutil import utcnow
from .banks import ImportReport, check_bank_name, import_parsed, plan_import
from .errors import NotFound, ValidationFailed

#: Unit files and rosters waiting for confirmation (quiz.services.unit_uploads,
#: roster_uploads) share this table; their `format` tells them apart from bank uploads (any
#: other format): an upload of one kind neither shows nor replaces one of another.
UNIT_FILE_FORMAT = "units"
ROSTER_FORMAT = "people"
NOT_BANKS = (UNIT_FILE_FORMAT, ROSTER_FORMAT)

#: An upload not confirmed within this time is dropped.
PENDING_KEPT_FOR = dt.timedelta(days=1)


def _same_kind(fmt: str):
    """SQL: a held file of the kind a file of format `fmt` is (units, roster, or bank)."""
    if fmt in NOT_BANKS:
        return PendingImport.format == fmt
    return PendingImport.format.not_in(NOT_BANKS)


def hold(user: User, fmt: str, filename: str, data: bytes, **columns) -> PendingImport:
    """Keep an uploaded file for its preview and confirmation; stale uploads, and the
    user's earlier file of the same kind, are dropped."""
    db.session.execute(sa.delete(PendingImport).where(sa.or_(
        PendingImport.created_at < utcnow() - PENDING_KEPT_FOR,
        sa.and_(PendingImport.user_id == user.id, _same_kind(fmt)))))
    pending = PendingImport(user_id=user.id, format=fmt, filename=filename[-255:], data=data,
                            **{"bank_name": "", **columns})
    db.session.add(pending)
    db.session.flush()
    return pending


def held(user: User, token: str, fmt: str) -> PendingImport:
    """The user's own file of the kind of `fmt` awaiting confirmation; NotFound otherwise."""
    pending = db.session.get(PendingImport, token)
    if pending is None or pending.user_id != user.id or (
            (pending.format in NOT_BANKS or fmt in NOT_BANKS) and pending.format != fmt):
        raise NotFound(_l("This upload is no longer waiting; upload the file again."))
    return pending


def hold_upload(user: User, *, bank_name: str, filename: str, data: bytes, fmt: str = "auto",
                update: bool = False, skip_unsupported: bool = False) -> PendingImport:
    """Keep an uploaded file for its preview and confirmation; stale uploads are dropped."""
    bank_name = check_bank_name(bank_name)
    if fmt != "auto" and fmt not in question_bank.FORMATS:
        raise ValidationFailed(_l("Unknown file format."), field="format")
    return hold(user, fmt, filename or "upload", data, bank_name=bank_name, update=update,
                skip_unsupported=skip_unsupported)


def get_pending(user: User, token: str) -> PendingImport:
    """The user's own bank upload awaiting confirmation."""
    return held(user, token, "auto")


def parse_pending(pending: PendingImport) -> ParseResult:
    return question_bank.parse_bytes(pending.data, pending.filename, pending.format,
                                     skip_unsupported=pending.skip_unsupported)


def preview_pending(pending: PendingImport) -> ImportReport:
    return plan_import(pending.bank_name, parse_pending(pending), update=pending.update)


def confirm_pending(user: User, token: str) -> ImportReport:
    """Import an upload as previewed: all of it, or (any error) none of it."""
    pending = get_pending(user, token)
    report = import_parsed(pending.bank_name, parse_pending(pending), update=pending.update)
    if report.stored:
        db.session.delete(pending)
    return report


def discard_pending(user: User, token: str) -> None:
    db.session.delete(get_pending(user, token))
