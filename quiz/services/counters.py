"""Counters per unit and campaign: kept on each finished attempt, recounted by `reconcile`."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ..db import insert_ignore, upsert_add
from ..extensions import db
from ..models import (
    COUNTER_FIELDS,
    Attempt,
    AttemptStatus,
    Participation,
    ParticipationDay,
    UnitCounter,
    UnitDayCounter,
)

FINISHED = (AttemptStatus.submitted.value, AttemptStatus.timed_out.value)


def record_finished(attempt: Attempt) -> None:
    """Add one finished attempt to its unit's counters, in the caller's transaction."""
    keys = {"campaign_id": attempt.campaign_id, "unit_id": attempt.unit_id}
    first_time = insert_ignore(Participation.__table__, {**keys, "user_id": attempt.user_id})
    first_today = insert_ignore(
        ParticipationDay.__table__,
        {**keys, "day": attempt.local_day, "user_id": attempt.user_id},
    )
    increments = {
        "attempts": 1,
        "answers": attempt.answered_count,
        "correct_answers": attempt.correct_count,
        "score_sum": attempt.score,
        "passed_attempts": int(bool(attempt.passed)),
    }
    upsert_add(UnitCounter.__table__, keys, {**increments, "participants": int(first_time)})
    upsert_add(
        UnitDayCounter.__table__, {**keys, "day": attempt.local_day},
        {**increments, "participants": int(first_today)},
    )


def _recount_query(by_day: bool):
    group = [Attempt.campaign_id, Attempt.unit_id] + ([Attempt.local_day] if by_day else [])
    return (
        sa.select(
            *group,
            sa.func.count(sa.distinct(Attempt.user_id)).label("participants"),
            sa.func.count().label("attempts"),
            sa.func.coalesce(sa.func.sum(Attempt.answered_count), 0).label("answers"),
            sa.func.coalesce(sa.func.sum(Attempt.correct_count), 0).label("correct_answers"),
            sa.func.coalesce(sa.func.sum(Attempt.score), 0).label("score_sum"),
            sa.func.coalesce(
                sa.func.sum(sa.case((Attempt.passed.is_(True), 1), else_=0)), 0
            ).label("passed_attempts"),
        )
        .where(Attempt.status.in_(FINISHED))
        .group_by(*group)
    )


@dataclass(frozen=True)
class Difference:
    campaign_id: int
    unit_id: int
    day: object  # a date, or None for the campaign totals
    field: str
    kept: int
    counted: int


def _rows(query, key_len: int) -> dict[tuple, dict[str, int]]:
    return {
        tuple(row[:key_len]): {f: int(getattr(row, f)) for f in COUNTER_FIELDS}
        for row in db.session.execute(query)
    }


def _kept(model, campaign_id: int | None, by_day: bool):
    cols = [model.campaign_id, model.unit_id] + ([model.day] if by_day else [])
    query = sa.select(*cols, *(getattr(model, f) for f in COUNTER_FIELDS))
    if campaign_id is not None:
        query = query.where(model.campaign_id == campaign_id)
    return query


def compare(campaign_id: int | None = None) -> list[Difference]:
    """Every kept figure that differs from a recount of the finished attempts."""
    differences = []
    for model, by_day in ((UnitCounter, False), (UnitDayCounter, True)):
        key_len = 3 if by_day else 2
        recount = _recount_query(by_day)
        if campaign_id is not None:
            recount = recount.where(Attempt.campaign_id == campaign_id)
        counted = _rows(recount, key_len)
        kept = _rows(_kept(model, campaign_id, by_day), key_len)
        zero = dict.fromkeys(COUNTER_FIELDS, 0)
        for key in sorted(set(counted) | set(kept), key=str):
            have, want = kept.get(key, zero), counted.get(key, zero)
            for field in COUNTER_FIELDS:
                if have[field] != want[field]:
                    day = key[2] if by_day else None
                    differences.append(
                        Difference(key[0], key[1], day, field, have[field], want[field])
                    )
    return differences


def rebuild(campaign_id: int | None = None) -> None:
    """Rewrite the counters and participation rows from the finished attempts."""
    for model in (UnitCounter, UnitDayCounter, Participation, ParticipationDay):
        stmt = sa.delete(model)
        if campaign_id is not None:
            stmt = stmt.where(model.campaign_id == campaign_id)
        db.session.execute(stmt)
    finished = Attempt.status.in_(FINISHED)
    scope = [finished] + ([Attempt.campaign_id == campaign_id] if campaign_id else [])
    people = sa.select(Attempt.campaign_id, Attempt.unit_id, Attempt.user_id).where(*scope)
    db.session.execute(
        sa.insert(Participation).from_select(
            ["campaign_id", "unit_id", "user_id"], people.distinct()
        )
    )
    people_day = sa.select(
        Attempt.campaign_id, Attempt.unit_id, Attempt.local_day, Attempt.user_id
    ).where(*scope)
    db.session.execute(
        sa.insert(ParticipationDay).from_select(
            ["campaign_id", "unit_id", "day", "user_id"], people_day.distinct()
        )
    )
    for model, by_day in ((UnitCounter, False), (UnitDayCounter, True)):
        recount = _recount_query(by_day)
        if campaign_id is not None:
            recount = recount.where(Attempt.campaign_id == campaign_id)
        names = ["campaign_id", "unit_id"] + (["day"] if by_day else []) + list(COUNTER_FIELDS)
        db.session.execute(sa.insert(model).from_select(names, recount))
