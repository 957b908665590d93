"""Attempts: one person taking one quiz once."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .campaign import Quiz
from .unit import PathString, Unit
from .user import User


class AttemptStatus(enum.StrEnum):
    open = "open"
    submitted = "submitted"
    #: The deadline passed without a submit; scored with the answers saved in time.
    timed_out = "timed_out"


def new_attempt_id() -> str:
    """128 random bits: attempt ids appear in URLs and must not be guessable."""
    return secrets.token_hex(16)


class Attempt(db.Model):
    __tablename__ = "attempt"
    __table_args__ = (
        # At most one unfinished attempt per person and quiz: starting again resumes it.
        sa.Index(
            "uq_attempt_open_per_user_quiz", "user_id", "quiz_id", unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_attempt_user_quiz_day", "user_id", "quiz_id", "local_day"),
        sa.Index("ix_attempt_campaign_unit", "campaign_id", "unit_id"),
        sa.Index("ix_attempt_status_deadline", "status", "deadline_at"),
        sa.CheckConstraint(
            "status IN ('open', 'submitted', 'timed_out')", name="known_status"
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True, default=new_attempt_id)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quiz.id"))
    #: Denormalised from the quiz: counters and recounts are per campaign.
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    #: The unit the person belonged to when starting; the attempt counts for it.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))
    #: That unit's path when starting: the attempt stays counted there, under the units
    #: above it then, even after the unit moves (its later attempts count at the new place).
    unit_path: Mapped[str] = mapped_column(PathString)
    #: The calendar day of the start in the campaign's time zone (daily limits, daily counts).
    local_day: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(10), default=AttemptStatus.open.value)
    started_at: Mapped[dt.datetime]
    deadline_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    #: What was drawn, in the order shown: [{"id": question id, "v": its version, "type": ...,
    #: "order": "CABD", "points": n}]; "order" lists the stored option keys in the order they
    #: were displayed. Attempts from before versions (no "v") read version 1.
    questions: Mapped[list[dict]] = mapped_column(sa.JSON)
    #: Answers as displayed keys, {"<question id>": "AC"}; saved as given, merged on each save.
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Points given per question after scoring, {"<question id>": n}.
    points: Mapped[dict | None] = mapped_column(sa.JSON)
    #: Ids (as strings) of the questions answered correctly, fixed when scored: question
    #: statistics are recounted from this, whatever later edits do to a question.
    correct: Mapped[list[str] | None] = mapped_column(sa.JSON)
    score: Mapped[int | None]
    max_score: Mapped[int]
    correct_count: Mapped[int | None]
    answered_count: Mapped[int | None]
    passed: Mapped[bool | None]

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()
    unit: Mapped[Unit] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.open.value

    @property
    def question_count(self) -> int:
        return len(self.questions)

    @property
    def duration_seconds(self) -> int | None:
        if self.finished_at is None:
            return None
        used = (min(self.finished_at, self.deadline_at) - self.started_at).total_seconds()
        return max(0, int(used))

    def __repr__(self) -> str:
        return f"<Attempt {self.id} {self.status}>"
