"""Question banks and their questions."""

from __future__ import annotations

import datetime as dt
import enum
import secrets
import string

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow

OPTION_KEYS = string.ascii_uppercase[:6]  # A..F
JUDGE_OPTIONS = ("正确", "错误")


class QuestionType(enum.StrEnum):
    single = "single"
    multiple = "multiple"
    judge = "judge"


class Bank(db.Model):
    __tablename__ = "bank"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Raised by the database at every write to the bank's questions (triggers of migration
    #: 0009): what a worker keeps of the bank (drawing.quiz_pool) is checked against it.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")

    questions: Mapped[list[Question]] = relationship(back_populates="bank")

    def __repr__(self) -> str:
        return f"<Bank {self.name}>"


class Question(db.Model):
    __tablename__ = "question"
    __table_args__ = (
        # The same question (normalised stem and options) is stored once per bank.
        sa.UniqueConstraint("bank_id", "fingerprint"),
        sa.CheckConstraint("type IN ('single', 'multiple', 'judge')", name="known_type"),
        sa.CheckConstraint("difficulty BETWEEN 1 AND 3", name="difficulty_range"),
        sa.Index("ix_question_draw", "bank_id", "type", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(sa.ForeignKey("bank.id"))
    type: Mapped[str] = mapped_column(sa.String(10))
    stem: Mapped[str] = mapped_column(sa.Text)
    #: Option texts in key order A, B, ... (2 to 6; judge questions: 正确, 错误).
    options: Mapped[list[str]] = mapped_column(sa.JSON)
    #: Correct option keys, sorted, e.g. "AC".
    answer: Mapped[str] = mapped_column(sa.String(6))
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(50), default="", index=True)
    #: 1 easy, 2 medium, 3 hard.
    difficulty: Mapped[int] = mapped_column(sa.SmallInteger, default=2)
    #: Digest of type, normalised stem and options: the duplicate guard.
    fingerprint: Mapped[str] = mapped_column(sa.String(40))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Goes up by one each time what a participant sees or is scored on changes (type,
    #: stem, options, answer, explanation); the earlier versions are QuestionRevision rows.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    bank: Mapped[Bank] = relationship(back_populates="questions")

    @property
    def keys(self) -> str:
        return OPTION_KEYS[: len(self.options)]

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.type}>"


#: What an attempt shows and scores; a change to any of these makes a new version.
VERSIONED_FIELDS = ("type", "stem", "options", "answer", "explanation")


class QuestionRevision(db.Model):
    """An earlier version of a question, as attempts that drew it must keep showing it."""

    __tablename__ = "question_revision"

    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(10))
    stem: Mapped[str] = mapped_column(sa.Text)
    options: Mapped[list[str]] = mapped_column(sa.JSON)
    answer: Mapped[str] = mapped_column(sa.String(6))
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    #: When this version was replaced by the next.
    replaced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PendingImport(db.Model):
    """An uploaded bank file between its preview and the organizer's confirmation.

    Kept in the database, not on one host's disk, so any app server can confirm it.
    """

    __tablename__ = "pending_import"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True,
                                    default=lambda: secrets.token_hex(16))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    bank_name: Mapped[str] = mapped_column(sa.String(100))
    filename: Mapped[str] = mapped_column(sa.String(255))
    format: Mapped[str] = mapped_column(sa.String(10), default="auto")
    update: Mapped[bool] = mapped_column(default=False)
    skip_unsupported: Mapped[bool] = mapped_column(default=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
