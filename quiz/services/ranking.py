"""Which attempt is better, in one place: 成绩取最高分 (the best score counts), then the
shorter time, then the earlier finish, then the attempt id, so that the order is total and
stable (as CTFd breaks scoreboard ties by time, then by id).

The same order three ways: `ranking_key` for Python, `better_than` for SQL over
person_best rows, and the rank of a row as the count of the rows before it.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Attempt, PersonBest
from .units import in_subtree


def ranking_key(score: int, duration_seconds: int, finished_at, attempt_id: str) -> tuple:
    """Sorts the better attempt first."""
    return (-score, duration_seconds, finished_at, attempt_id)


def attempt_key(attempt: Attempt) -> tuple:
    return ranking_key(attempt.score or 0, attempt.duration_seconds or 0, attempt.finished_at,
                       attempt.id)


def better_than(new, old):
    """SQL: the row `new` ranks before the row `old` (both with score, duration_seconds,
    finished_at and attempt_id columns, e.g. an upsert's `excluded` and the table)."""
    return sa.or_(
        new.score > old.score,
        sa.and_(new.score == old.score,
                sa.tuple_(new.duration_seconds, new.finished_at, new.attempt_id)
                < sa.tuple_(old.duration_seconds, old.finished_at, old.attempt_id)),
    )


def best_of(user_id: int, campaign_id: int) -> PersonBest | None:
    """The person's best row in the campaign: their attempt that counts."""
    return db.session.get(PersonBest, (campaign_id, user_id))


def rank(row: PersonBest, path: str | None = None) -> tuple[int, int]:
    """(rank, people ranked) of a best row in its campaign, or among the best attempts taken
    in the subtree at `path` (a unit's path; Attempt.unit_path); two index range counts."""
    query = sa.select(sa.func.count()).select_from(PersonBest).where(
        PersonBest.campaign_id == row.campaign_id)
    if path is not None:
        query = query.where(in_subtree(PersonBest.unit_path, path))
    ahead = db.session.scalar(query.where(better_than(PersonBest, row)))
    return ahead + 1, db.session.scalar(query)
