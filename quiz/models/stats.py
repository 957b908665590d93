"""Kept counters per unit and campaign (and per day and week), and who has taken part.

Statistics read these instead of scanning attempts, so they cost the same at two million
attempts as at twenty thousand. `reconcile` recounts them from the attempts.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .unit import PathString

COUNTER_FIELDS = (
    "participants", "attempts", "answers", "correct_answers", "score_sum", "passed_attempts",
    "passed_people",
)


class _Counts:
    #: Distinct people with at least one finished attempt.
    participants: Mapped[int] = mapped_column(default=0)
    #: Finished attempts.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Questions answered (an answer given) in finished attempts.
    answers: Mapped[int] = mapped_column(default=0)
    correct_answers: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    passed_attempts: Mapped[int] = mapped_column(default=0)
    #: Distinct people with at least one passed finished attempt (及格人数): one more when a
    #: person's participation row (or day row) first becomes passed.
    passed_people: Mapped[int] = mapped_column(default=0, server_default="0")


class _Placed:
    """Rows kept per unit and per place in the tree: the unit's path when the attempts were
    started (Attempt.unit_path). A unit that moves starts new rows at its new place; the old
    ones stay counted under the units that were above it. Keyed by the path, so that a
    subtree's rows are one index range."""

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))
    unit_path: Mapped[str] = mapped_column(PathString)
    #: The unit itself (the path's last id), for joins.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"))


class _Person(_Placed):
    """A row per person who took part at a place (and on a day, or in a week)."""

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    #: At least one of these attempts passed (及格人数 counts people, not attempts).
    passed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class UnitCounter(_Placed, _Counts, db.Model):
    __tablename__ = "unit_counter"
    __table_args__ = (sa.PrimaryKeyConstraint("campaign_id", "unit_path"),)


class UnitDayCounter(_Placed, _Counts, db.Model):
    __tablename__ = "unit_day_counter"
    __table_args__ = (sa.PrimaryKeyConstraint("campaign_id", "unit_path", "day"),)

    day: Mapped[dt.date]


class UnitWeekCounter(_Placed, _Counts, db.Model):
    """The same per calendar week (Monday to Sunday): a period of whole weeks adds up a row
    a week, and its people, for one week, are the row's (not a count of the day rows)."""

    __tablename__ = "unit_week_counter"
    __table_args__ = (sa.PrimaryKeyConstraint("campaign_id", "unit_path", "week"),)

    #: The Monday of the week, in the campaign's time zone (that of Attempt.local_day).
    week: Mapped[dt.date]


class Participation(_Person, db.Model):
    """A person has finished an attempt in a campaign for a unit (participants, once each)."""

    __tablename__ = "participation"
    __table_args__ = (
        sa.PrimaryKeyConstraint("campaign_id", "unit_path", "user_id"),
        # People passed per unit (及格人数) as a read of this index alone, passed rows only:
        # what migration 0010 filled the counters' passed_people from (no figure reads it
        # since; the counters keep the count).
        sa.Index("ix_participation_passed", "campaign_id", "passed", "unit_path", "unit_id"),
    )


class ParticipationDay(_Person, db.Model):
    """The same, per day in the campaign's time zone (daily participants)."""

    __tablename__ = "participation_day"
    __table_args__ = (
        sa.PrimaryKeyConstraint("campaign_id", "unit_path", "day", "user_id"),
        # A period's people and people passed (a range of days: distinct people, not a sum
        # of the days' counters), read from this index alone: a month of a county is a
        # million rows.
        sa.Index("ix_participation_day_day", "campaign_id", "day", "unit_path", "unit_id",
                 "user_id", "passed"),
    )

    day: Mapped[dt.date]


class ParticipationWeek(_Person, db.Model):
    """The same, per calendar week (the people of a period of several whole weeks)."""

    __tablename__ = "participation_week"
    __table_args__ = (
        sa.PrimaryKeyConstraint("campaign_id", "unit_path", "week", "user_id"),
        # As ix_participation_day_day: a range of weeks' people, from this index alone.
        sa.Index("ix_participation_week_week", "campaign_id", "week", "unit_path", "unit_id",
                 "user_id", "passed"),
    )

    #: The Monday of the week, as UnitWeekCounter.week.
    week: Mapped[dt.date]


#: Each (campaign, question) has this many counter rows; a submit adds to one of them, picked
#: by its attempt id, so concurrent submits that drew the same questions rarely wait on the
#: same row. Reads add the shards up.
QUESTION_COUNTER_SHARDS = 8
QUESTION_COUNTER_FIELDS = ("drawn", "answered", "correct")


class QuestionCounter(db.Model):
    """How often a question was drawn, answered and answered correctly in finished attempts."""

    __tablename__ = "question_counter"

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("question.id"), primary_key=True, index=True
    )
    shard: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    drawn: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)


class PersonBest(db.Model):
    """Each person's best finished attempt per campaign (成绩取最高分): the attempt that
    counts, and the individual leaderboard. Kept in the submit transaction, only replaced
    by a better attempt (quiz.services.ranking says which is better); a rank is a count of
    the rows before it on the index, never a sort of all attempts."""

    __tablename__ = "person_best"
    __table_args__ = (
        # A unit's board and ranks: the subtree is a range of paths within the campaign.
        sa.Index("ix_person_best_unit_rank", "campaign_id", "unit_path", "score",
                 "duration_seconds", "finished_at", "attempt_id"),
    )

    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    attempt_id: Mapped[str] = mapped_column(sa.ForeignKey("attempt.id"))
    #: The attempt's unit, and its path then (Attempt.unit_path): where it is counted.
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    unit_path: Mapped[str] = mapped_column(PathString)
    score: Mapped[int]
    #: Time used, as Attempt.duration_seconds: from the start to the finish or deadline.
    duration_seconds: Mapped[int]
    finished_at: Mapped[dt.datetime]


# The campaign's board in ranking.py's order (the best score first, then the shorter time,
# the earlier finish, the attempt id): a page is a walk along this index, its first rows
# read whatever the number of people, and a rank the count of the entries before the row.
# (Declared here: the descending column needs the mapped column.)
sa.Index("ix_person_best_rank", PersonBest.campaign_id, PersonBest.score.desc(),
         PersonBest.duration_seconds, PersonBest.finished_at, PersonBest.attempt_id)
