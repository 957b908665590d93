"""People: participants, organizers and admins."""

from __future__ import annotations

import datetime as dt
import enum
import hmac
import secrets

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..timeutil import utcnow
from .unit import Unit


class Role(enum.StrEnum):
    participant = "participant"
    organizer = "organizer"
    admin = "admin"


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    #: Mainland mobile number, 11 digits, the login name.
    phone: Mapped[str] = mapped_column(sa.String(11), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.participant.value)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Part of every session cookie, remember cookie and API token of this user: a new value
    #: (logout, a password change, disabling) ends all of them at once.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=new_session_token)
    #: The password is a temporary one (an organizer's reset, a roster's first-login code):
    #: the next login asks for a new one before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False,
                                                       server_default=sa.false())

    unit: Mapped[Unit] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        """Set a new password; every session and token issued before ends."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Invalidate every session cookie, remember cookie and API token of this user."""
        self.session_token = new_session_token()

    def get_id(self) -> str:
        """Flask-Login's alternative id: the id and the session token, so that a new token
        turns every earlier session and remember cookie away."""
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        return hmac.compare_digest(self.session_token or "", token or "")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot log in
        return self.is_enabled

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.organizer.value, Role.admin.value)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
