"""Registration and log-in: the rules live here, forms and the API only carry the values."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Role, Unit, User
from .errors import BadCredentials, PhoneTaken, UnknownUnit, ValidationFailed

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
PASSWORD_MIN_LENGTH = 6
PASSWORD_MAX_LENGTH = 128
NAME_MAX_LENGTH = 50


def normalize_phone(raw: str) -> str:
    """Digits only, without a +86/0086 prefix, as people type their number in many ways."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    return digits


def validate_phone(raw: str) -> str:
    """The normalised number, or ValidationFailed naming the phone field."""
    phone = normalize_phone(raw)
    if not phone:
        raise ValidationFailed(_l("Please enter your mobile number."), field="phone")
    if not PHONE_RE.match(phone):
        raise ValidationFailed(
            _l("Please enter a valid 11-digit mainland mobile number."), field="phone"
        )
    return phone


def find_unit(code: str) -> Unit:
    """The unit with this code, or UnknownUnit."""
    code = (code or "").strip()
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code)) if code else None
    if unit is None:
        raise UnknownUnit(field="unit_code")
    return unit


def register(name: str, phone: str, password: str, unit_code: str,
             role: Role = Role.participant) -> User:
    """Create a user; raises ValidationFailed, PhoneTaken or UnknownUnit naming the field."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_l("Please enter your name."), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            _l("The name may have at most %(n)d characters.", n=NAME_MAX_LENGTH), field="name"
        )
    phone = validate_phone(phone)
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationFailed(
            _l("The password needs at least %(n)d characters.", n=PASSWORD_MIN_LENGTH),
            field="password",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationFailed(
            _l("The password may have at most %(n)d characters.", n=PASSWORD_MAX_LENGTH),
            field="password",
        )
    unit = find_unit(unit_code)
    if db.session.scalar(sa.select(User.id).where(User.phone == phone)) is not None:
        raise PhoneTaken(field="phone")
    user = User(name=name, phone=phone, unit=unit, role=role.value)
    user.set_password(password)
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # two registrations of one number at the same moment
        raise PhoneTaken(field="phone") from exc
    return user


def authenticate(phone: str, password: str) -> User:
    """The user with this number and password, or BadCredentials (never says which was wrong)."""
    user = db.session.scalar(sa.select(User).where(User.phone == normalize_phone(phone)))
    if user is None or not user.is_enabled or not user.check_password(password or ""):
        raise BadCredentials()
    return user
