"""People: participants, organizers and admins."""

from __future__ import annotations

import datetime as dt
import enum

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

    unit: Mapped[Unit] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

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
