"""Registration and log-in: the rules live here, forms and the API only carry the values."""

from __future__ import annotations

import re
import secrets
import unicodedata

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from ..extensions import db
from ..models import Role, Unit, User
from .errors import (
    BadCredentials,
    Forbidden,
    InvalidFields,
    PhoneTaken,
    QuizError,
    UnknownUnit,
    ValidationFailed,
    check_fields,
)
from .text import clean_name
from .units import unit_by_code

#: A mainland mobile number once normalised: ASCII digits only (`\d` would also take
#: full-width or Arabic-Indic digits, and the same number would register several times).
PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
PASSWORD_MIN_LENGTH = 6
PASSWORD_MAX_LENGTH = 128
NAME_MAX_LENGTH = 50
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）.·]")


def normalize_phone(raw: str) -> str:
    """The number as stored and looked up: NFKC (full-width digits become ASCII), spaces,
    dashes and brackets removed, a +86 / 0086 / 86 country prefix dropped."""
    text = unicodedata.normalize("NFKC", raw or "")
    digits = _PHONE_SEPARATORS.sub("", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
            break
    else:
        if len(digits) == 13 and digits.startswith("86"):
            digits = digits[2:]
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


def validate_name(raw: str) -> str:
    """A person's name as stored, or ValidationFailed naming the name field."""
    return clean_name(raw, field="name", max_length=NAME_MAX_LENGTH,
                      empty_message=_l("Please enter your name."))


def validate_password(password: str, field: str = "password") -> str:
    """The password if it is long enough and not too long, else ValidationFailed."""
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationFailed(
            _l("The password needs at least %(n)d characters.", n=PASSWORD_MIN_LENGTH),
            field=field,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationFailed(
            _l("The password may have at most %(n)d characters.", n=PASSWORD_MAX_LENGTH),
            field=field,
        )
    return password


def find_unit(code: str) -> Unit:
    """The unit with this code that people may join (not retired), or UnknownUnit."""
    code = (code or "").strip()
    if not code:
        raise UnknownUnit(_l("Please choose your unit."), field="unit_code")
    unit = unit_by_code(code)
    if unit is None:
        raise UnknownUnit(field="unit_code")
    if unit.is_retired:  # kept for past figures; nobody joins it any more
        raise UnknownUnit(_l("This unit has been retired. Please pick your current unit "
                             "from the list."), field="unit_code")
    return unit


def register(name: str, phone: str, password: str, unit_code: str,
             role: Role = Role.participant) -> User:
    """Create a user. Every field is checked: ValidationFailed names the first bad field and
    carries all of them in `errors`; PhoneTaken when the number is registered already."""
    checks = (("name", lambda: validate_name(name)), ("phone", lambda: validate_phone(phone)),
              ("password", lambda: validate_password(password)),
              ("unit_code", lambda: find_unit(unit_code)))
    values, errors = check_fields(checks)
    if "phone" in values and db.session.scalar(
            sa.select(User.id).where(User.phone == values["phone"])) is not None:
        errors["phone"] = PhoneTaken(field="phone")
    if errors:
        raise InvalidFields(errors)
    user = User(name=values["name"], phone=values["phone"], unit=values["unit_code"],
                role=role.value)
    user.set_password(values["password"])
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


def end_sessions(user: User) -> None:
    """Log the user out everywhere: every session, remember cookie and API token ends."""
    user.end_sessions()
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one. Every session and token ends,
    this one included: the caller logs the user in again if it should stay logged in."""
    if not user.check_password(current or ""):
        raise BadCredentials(_l("The current password is wrong."), field="current_password")
    user.set_password(validate_password(new, field="new_password"))
    db.session.flush()


def set_enabled(user: User, enabled: bool) -> None:
    """Enable or disable an account; disabling ends its sessions and tokens at once."""
    user.is_enabled = enabled
    if not enabled:
        user.end_sessions()
    db.session.flush()


# Temporary passwords and one-time codes -------------------------------------------------------

class PasswordChangeRequired(QuizError):
    """The account holds a temporary password: nothing but choosing a new one until then."""

    code = "password_change_required"
    status = 403
    default_message = _l("Your password is a temporary one: choose a new password first.")


#: Letters and digits that cannot be taken for one another when read aloud or copied from
#: paper: no 0/O/o, 1/l/I/i, 2/Z/z, 5/S/s, 8/B, 9/g/q, u/v/V, nor lower-case letters shaped
#: like their capitals (c, k, p, w, x, y).
TEMPORARY_ALPHABET = "34679ACDEFGHJKLMNPQRTUWXYabdefhjmnrt"
TEMPORARY_LENGTH = 8
#: One-time codes are random (about 41 bits: 36 symbols, 8 places) and replaced at the first
#: log-in, so a lighter scrypt than people's own passwords (Werkzeug's default, N=2**15) is
#: enough, and a roster of a thousand people hashes in seconds, not minutes.
TEMPORARY_HASH_METHOD = "scrypt:4096:8:1"


def new_temporary_password() -> str:
    """A random temporary password or one-time code (`secrets`, no look-alike characters)."""
    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))


def give_temporary_password(user: User) -> str:
    """Give `user` a new temporary password and return it (the only copy: only its hash is
    kept). Every session and token of theirs ends; their next log-in asks for a new one."""
    code = new_temporary_password()
    user.password_hash = generate_password_hash(code, method=TEMPORARY_HASH_METHOD)
    user.must_change_password = True
    user.end_sessions()
    db.session.flush()
    return code


def choose_new_password(user: User, new: str) -> None:
    """Replace a temporary password (the person logged in with it just now) by their own;
    every session ends, as for any password change. Forbidden when it is not temporary."""
    if not user.must_change_password:
        raise Forbidden(_l("Your password is not a temporary one: change it on your account "
                           "page, with your current password."))
    new = validate_password(new, field="new_password")
    if user.check_password(new):
        raise ValidationFailed(_l("Choose a password of your own, not the temporary one."),
                               field="new_password")
    user.set_password(new)
    user.must_change_password = False
    db.session.flush()


def change_own_password(user: User, current: str, new: str) -> None:
    """`change_password`, which also ends a temporary password's reign."""
    change_password(user, current, new)
    user.must_change_password = False
    db.session.flush()


def update_profile(user: User, *, name: str, unit_code: str) -> User:
    """A person's own name and unit (an open unit, as registration offers them). Staff keep
    their unit: it is their reach, which whoever manages the level above changes."""
    checks = [("name", lambda: validate_name(name))]
    unit_code = (unit_code or "").strip()
    changes_unit = unit_code and unit_code != user.unit.code
    if changes_unit and user.is_staff:
        raise Forbidden(_l("Organizers and admins cannot change their own unit: it is what "
                           "they manage. Ask whoever manages the unit above."),
                        field="unit_code")
    if changes_unit:
        checks.append(("unit_code", lambda: find_unit(unit_code)))
    values, errors = check_fields(checks)
    if errors:
        raise InvalidFields(errors)
    user.name = values["name"]
    if "unit_code" in values:
        # Attempts keep the unit they were taken in (Attempt.unit_id): they stay counted there.
        user.unit = values["unit_code"]
    db.session.flush()
    return user
