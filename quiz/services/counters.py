"""Counters per unit and campaign (in all, per day, per calendar week): kept on each finished
attempt, recounted by `reconcile`."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles

from .. import fastsql
from ..db import (
    execute,
    insert_ignore,
    quoter,
    upsert_add,
    upsert_add_many,
    upsert_if,
)
from ..extensions import db
from ..models import (
    COUNTER_FIELDS,
    QUESTION_COUNTER_FIELDS,
    QUESTION_COUNTER_SHARDS,
    Attempt,
    AttemptStatus,
    Participation,
    ParticipationDay,
    ParticipationWeek,
    PersonBest,
    QuestionCounter,
    UnitCounter,
    UnitDayCounter,
    UnitWeekCounter,
)
from .periods import monday_of
from .ranking import attempt_key, better_than

FINISHED = (AttemptStatus.submitted.value, AttemptStatus.timed_out.value)


def record_finished(attempt: Attempt) -> None:
    """Add one finished attempt to its unit's counters at the place in the tree where it
    was started (Attempt.unit_path), in the caller's transaction."""
    keys = {"campaign_id": attempt.campaign_id, "unit_path": attempt.unit_path}
    unit = {"unit_id": attempt.unit_id}
    passed = bool(attempt.passed)
    person = {**keys, "user_id": attempt.user_id}
    first_time, passed_first = _take_part(Participation, person, unit, passed)
    first_today, passed_today = _take_part(
        ParticipationDay, {**person, "day": attempt.local_day}, unit, passed)
    week = monday_of(attempt.local_day)
    first_this_week, passed_this_week = _take_part(
        ParticipationWeek, {**person, "week": week}, unit, passed)
    shard = int(attempt.id[:4], 16) % QUESTION_COUNTER_SHARDS
    rows = [
        {"campaign_id": attempt.campaign_id, "question_id": qid, "shard": shard, **counts}
        for qid, counts in sorted(question_outcomes(attempt).items())
    ]
    upsert_add_many(QuestionCounter.__table__, ("campaign_id", "question_id", "shard"), rows)
    upsert_if(PersonBest.__table__, ("campaign_id", "user_id"), best_values(attempt),
              better_than)
    # The unit's three rows last: every submit of the unit updates them, and PostgreSQL holds
    # their locks until the commit, so the less comes after them the shorter the queue.
    increments = {
        "attempts": 1,
        "answers": attempt.answered_count,
        "correct_answers": attempt.correct_count,
        "score_sum": attempt.score,
        "passed_attempts": int(passed),
    }
    upsert_add(UnitCounter.__table__, keys,
               {**increments, "participants": int(first_time),
                "passed_people": int(passed_first)}, also=unit)
    upsert_add(
        UnitDayCounter.__table__, {**keys, "day": attempt.local_day},
        {**increments, "participants": int(first_today), "passed_people": int(passed_today)},
        also=unit,
    )
    upsert_add(
        UnitWeekCounter.__table__, {**keys, "week": week},
        {**increments, "participants": int(first_this_week),
         "passed_people": int(passed_this_week)},
        also=unit,
    )


def _take_part(model, keys: dict, also: dict, passed: bool) -> tuple[bool, bool]:
    """Note that a person took part (and passed, when they did): (whether this is their
    first time, whether they passed for the first time with this attempt)."""
    first = insert_ignore(model.__table__, {**keys, **also, "passed": passed})
    if first or not passed:
        return first, first and passed
    # Only a row not yet passed is changed: of two submits passing at once, PostgreSQL
    # makes the second wait for the first's row and then finds it passed (rowcount 0).
    changed = execute(_mark_passed_stmt(model.__table__, tuple(keys)),
                      {**keys, "yes": True, "no": False}).rowcount
    return False, changed == 1


@functools.cache
def _mark_passed_stmt(table, keys: tuple[str, ...]) -> fastsql.Statement:
    """UPDATE … SET passed = true for the row of these keys (built once per table)."""

    def sql(dialect: str) -> str:
        quote = quoter(dialect)
        where = " AND ".join(f"{quote(key)} = :{key}" for key in keys)
        return f"UPDATE {quote(table.name)} SET passed = :yes WHERE {where} AND passed = :no"

    return fastsql.Statement(
        sql, {"yes": sa.Boolean(), "no": sa.Boolean(), **fastsql.types_of(table, keys)})


def best_values(attempt: Attempt) -> dict:
    """The person_best row a finished attempt would make."""
    return {"campaign_id": attempt.campaign_id, "user_id": attempt.user_id,
            "attempt_id": attempt.id, "unit_id": attempt.unit_id,
            "unit_path": attempt.unit_path, "score": attempt.score,
            "duration_seconds": attempt.duration_seconds, "finished_at": attempt.finished_at}


def question_outcomes(attempt: Attempt) -> dict[int, dict[str, int]]:
    """{question id: {"drawn": 1, "answered": 0|1, "correct": 0|1}} for a finished attempt."""
    correct = set(attempt.correct or ())
    return {
        item["id"]: {
            "drawn": 1,
            "answered": int(bool(attempt.answers.get(str(item["id"])))),
            "correct": int(str(item["id"]) in correct),
        }
        for item in attempt.questions
    }


#: How the kept rows are keyed, before the day (or week) and the person.
_PLACE = (Attempt.campaign_id, Attempt.unit_path, Attempt.unit_id)


class monday(sa.sql.expression.FunctionElement):
    """SQL: the Monday of a date's calendar week, as periods.monday_of (the week rows'
    key), so that a recount groups the attempts by week in the database."""

    type = sa.Date()
    inherit_cache = True


@compiles(monday, "sqlite")
def _monday_sqlite(element, compiler, **kw):
    # strftime('%w') numbers Sunday 0: Monday is (that + 6) % 7 days back.
    day = compiler.process(element.clauses, **kw)
    return (f"date({day}, '-' || ((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7) "
            "|| ' days')")


@compiles(monday)
def _monday_default(element, compiler, **kw):
    # PostgreSQL's weeks start on Monday (ISO).
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


#: The kept rows by what they are kept for: in all (None), per day, per week.
SPANS = (None, "day", "week")
COUNTER_MODELS = {None: UnitCounter, "day": UnitDayCounter, "week": UnitWeekCounter}
PEOPLE_MODELS = {None: Participation, "day": ParticipationDay, "week": ParticipationWeek}


def _span_of_attempt(span: str | None) -> list:
    """What groups the attempts as the rows of `span` are keyed, after the place."""
    if span is None:
        return []
    return [Attempt.local_day if span == "day" else monday(Attempt.local_day)]


def _recount_query(span: str | None):
    group = [*_PLACE, *_span_of_attempt(span)]
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
            sa.func.count(sa.distinct(sa.case((Attempt.passed.is_(True), Attempt.user_id))))
            .label("passed_people"),
        )
        .where(Attempt.status.in_(FINISHED))
        .group_by(*group)
    )


def _people_query(span: str | None):
    """Who took part per unit (and day or week), and whether any of their attempts there
    passed."""
    group = [*_PLACE, Attempt.user_id, *_span_of_attempt(span)]
    passed = sa.func.max(sa.case((Attempt.passed.is_(True), 1), else_=0))
    return sa.select(*group, sa.cast(passed, sa.Boolean).label("passed")).where(
        Attempt.status.in_(FINISHED)).group_by(*group)


@dataclass(frozen=True)
class Difference:
    campaign_id: int
    unit_id: int | None  # None for a question's figures
    #: A date, or None for the campaign totals; a week's Monday for a week's row (its
    #: field then ends with " (week)").
    day: object
    field: str
    kept: int | str | None
    counted: int | str | None
    question_id: int | None = None
    #: For a person's best attempt (kept and counted are then attempt ids).
    user_id: int | None = None
    #: The place in the tree the unit's figures are kept for (Attempt.unit_path).
    unit_path: str | None = None


def _rows(query, key_len: int) -> dict[tuple, dict[str, int]]:
    return {
        tuple(row[:key_len]): {f: int(getattr(row, f)) for f in COUNTER_FIELDS}
        for row in db.session.execute(query)
    }


def _span_column(model, span: str | None) -> list:
    return [] if span is None else [getattr(model, span)]


def _field_name(field: str, span: str | None) -> str:
    return f"{field} (week)" if span == "week" else field


def _kept(model, campaign_id: int | None, span: str | None):
    cols = [model.campaign_id, model.unit_path, model.unit_id, *_span_column(model, span)]
    query = sa.select(*cols, *(getattr(model, f) for f in COUNTER_FIELDS))
    if campaign_id is not None:
        query = query.where(model.campaign_id == campaign_id)
    return query


def compare(campaign_id: int | None = None) -> list[Difference]:
    """Every kept figure that differs from a recount of the finished attempts."""
    differences = []
    for span, model in COUNTER_MODELS.items():
        key_len = 3 if span is None else 4
        recount = _recount_query(span)
        if campaign_id is not None:
            recount = recount.where(Attempt.campaign_id == campaign_id)
        counted = _rows(recount, key_len)
        kept = _rows(_kept(model, campaign_id, span), key_len)
        zero = dict.fromkeys(COUNTER_FIELDS, 0)
        for key in sorted(set(counted) | set(kept), key=str):
            have, want = kept.get(key, zero), counted.get(key, zero)
            for field in COUNTER_FIELDS:
                if have[field] != want[field]:
                    day = None if span is None else key[3]
                    differences.append(Difference(key[0], key[2], day,
                                                  _field_name(field, span), have[field],
                                                  want[field], unit_path=key[1]))
    differences.extend(_compare_people(campaign_id))
    differences.extend(_compare_best(campaign_id))
    counted_q = _recount_questions(campaign_id)
    kept_q = kept_question_counts(campaign_id)
    zero = dict.fromkeys(QUESTION_COUNTER_FIELDS, 0)
    for key in sorted(set(counted_q) | set(kept_q)):
        have, want = kept_q.get(key, zero), counted_q.get(key, zero)
        for field in QUESTION_COUNTER_FIELDS:
            if have[field] != want[field]:
                differences.append(Difference(key[0], None, None, field, have[field],
                                              want[field], question_id=key[1]))
    return differences


def _compare_people(campaign_id: int | None) -> list[Difference]:
    """Participation rows (who took part where, and when; who passed) against a recount."""
    differences = []
    for span, model in PEOPLE_MODELS.items():
        recount = _people_query(span)
        kept_query = sa.select(model.campaign_id, model.unit_path, model.unit_id,
                               model.user_id, *_span_column(model, span), model.passed)
        if campaign_id is not None:
            recount = recount.where(Attempt.campaign_id == campaign_id)
            kept_query = kept_query.where(model.campaign_id == campaign_id)
        counted = {tuple(row[:-1]): bool(row[-1]) for row in db.session.execute(recount)}
        kept = {tuple(row[:-1]): bool(row[-1]) for row in db.session.execute(kept_query)}
        for key in sorted(set(counted) | set(kept), key=str):
            have, want = kept.get(key), counted.get(key)
            if have != want:
                differences.append(Difference(
                    key[0], key[2], None if span is None else key[4],
                    _field_name("took part, passed", span),
                    None if have is None else str(have), None if want is None else str(want),
                    user_id=key[3], unit_path=key[1]))
    return differences


def _finished(campaign_id: int | None):
    query = sa.select(Attempt).where(Attempt.status.in_(FINISHED)).execution_options(
        yield_per=1000)
    return query if campaign_id is None else query.where(Attempt.campaign_id == campaign_id)


def _recount_best(campaign_id: int | None) -> dict[tuple, dict]:
    """{(campaign id, user id): best_values} recounted from the finished attempts."""
    # Plain values, not the attempts: a county's month is two million of them.
    best: dict[tuple, tuple[tuple, dict]] = {}
    for attempt in db.session.scalars(_finished(campaign_id)):
        key, rank_key = (attempt.campaign_id, attempt.user_id), attempt_key(attempt)
        if key not in best or rank_key < best[key][0]:
            best[key] = (rank_key, best_values(attempt))
    return {key: values for key, (_, values) in best.items()}


def _compare_best(campaign_id: int | None) -> list[Difference]:
    """Differences between the kept best rows and the recount (the attempt that counts)."""
    counted = _recount_best(campaign_id)
    query = sa.select(PersonBest)
    if campaign_id is not None:
        query = query.where(PersonBest.campaign_id == campaign_id)
    kept = {(row.campaign_id, row.user_id): row.attempt_id
            for row in db.session.scalars(query)}
    differences = []
    for key in sorted(set(counted) | set(kept)):
        want = counted.get(key, {}).get("attempt_id")
        if kept.get(key) != want:
            differences.append(Difference(key[0], None, None, "best attempt", kept.get(key),
                                          want, user_id=key[1]))
    return differences


def kept_question_counts(campaign_id: int | None = None,
                         question_ids: list[int] | None = None) -> dict[tuple, dict[str, int]]:
    """{(campaign id, question id): {"drawn", "answered", "correct"}}, the shards added up."""
    query = sa.select(
        QuestionCounter.campaign_id, QuestionCounter.question_id,
        *(sa.func.sum(getattr(QuestionCounter, f)).label(f) for f in QUESTION_COUNTER_FIELDS),
    ).group_by(QuestionCounter.campaign_id, QuestionCounter.question_id)
    if campaign_id is not None:
        query = query.where(QuestionCounter.campaign_id == campaign_id)
    if question_ids is not None:
        query = query.where(QuestionCounter.question_id.in_(question_ids))
    return {
        (row.campaign_id, row.question_id):
            {f: int(getattr(row, f)) for f in QUESTION_COUNTER_FIELDS}
        for row in db.session.execute(query)
    }


def _recount_questions(campaign_id: int | None) -> dict[tuple, dict[str, int]]:
    """The question figures recounted from the finished attempts (read in batches)."""
    totals: dict[tuple, dict[str, int]] = {}
    for attempt in db.session.scalars(_finished(campaign_id)):
        for qid, counts in question_outcomes(attempt).items():
            row = totals.setdefault((attempt.campaign_id, qid),
                                    dict.fromkeys(QUESTION_COUNTER_FIELDS, 0))
            for field, value in counts.items():
                row[field] += value
    return totals


def rebuild(campaign_id: int | None = None) -> None:
    """Rewrite the counters and participation rows from the finished attempts."""
    for model in (*COUNTER_MODELS.values(), *PEOPLE_MODELS.values(), QuestionCounter,
                  PersonBest):
        stmt = sa.delete(model)
        if campaign_id is not None:
            stmt = stmt.where(model.campaign_id == campaign_id)
        db.session.execute(stmt)
    finished = Attempt.status.in_(FINISHED)
    scope = [finished] + ([Attempt.campaign_id == campaign_id] if campaign_id else [])
    for span, model in PEOPLE_MODELS.items():
        names = ["campaign_id", "unit_path", "unit_id", "user_id"] + (
            [] if span is None else [span])
        db.session.execute(sa.insert(model).from_select(
            [*names, "passed"], _people_query(span).where(*scope)))
    for span, model in COUNTER_MODELS.items():
        recount = _recount_query(span)
        if campaign_id is not None:
            recount = recount.where(Attempt.campaign_id == campaign_id)
        names = ["campaign_id", "unit_path", "unit_id"] + ([] if span is None else [span]) + list(
            COUNTER_FIELDS)
        db.session.execute(sa.insert(model).from_select(names, recount))
    rows = [
        {"campaign_id": key[0], "question_id": key[1], "shard": 0, **counts}
        for key, counts in sorted(_recount_questions(campaign_id).items())
    ]
    if rows:
        db.session.execute(sa.insert(QuestionCounter), rows)
    best = [values for _, values in sorted(_recount_best(campaign_id).items())]
    for start in range(0, len(best), 1000):
        db.session.execute(sa.insert(PersonBest), best[start:start + 1000])
