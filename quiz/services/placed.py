"""Each unit's own figures per place in the tree (its path when the attempts were started),
from the kept counters or, for `reconcile`, recounted from the finished attempts.

quiz.services.stats adds them up over subtrees; the definitions of the figures are there.
Each function is a few grouped queries over one subtree's index range, however many
attempts there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa

from ..extensions import db
from ..models import (
    Attempt,
    Campaign,
    ParticipationDay,
    Unit,
    UnitCounter,
    UnitDayCounter,
)
from .counters import FINISHED
from .figures import Counts
from .periods import Period
from .units import in_subtree

#: Counter columns read as they are kept (people, participants and passed, come with them:
#: each is distinct people per place, added up over a subtree as stats.py defines it).
_KEPT = ("participants", "attempts", "answers", "correct_answers", "score_sum",
         "passed_people")

#: Figures of one unit at one place in the tree: {(unit id, its path then): figures}.
Placed = dict[tuple[int, str], Counts]
Daily = dict[tuple[int, str], dict[dt.date, Counts]]
#: What a period adds up over its days; its participants and people passed are distinct
#: people over the days (not a sum of the days' rows), counted from the day rows.
_ADDED_OVER_DAYS = ("attempts", "answers", "correct_answers", "score_sum")


def kept_totals(campaign: Campaign, top: Unit) -> Placed:
    """Each unit's own figures over the whole campaign, per place."""
    return {(row[0], row[1]): Counts(0, *(int(v) for v in row[2:]))
            for row in db.session.execute(
                sa.select(UnitCounter.unit_id, UnitCounter.unit_path,
                          *(getattr(UnitCounter, f) for f in _KEPT))
                .where(UnitCounter.campaign_id == campaign.id,
                       in_subtree(UnitCounter.unit_path, top.path)))}


def kept_period(campaign: Campaign, top: Unit, period: Period) -> Placed:
    """Each unit's own figures over the period's days (each person once per unit)."""
    in_days = (UnitDayCounter.day >= period.first, UnitDayCounter.day <= period.last)
    sums = db.session.execute(
        sa.select(UnitDayCounter.unit_id, UnitDayCounter.unit_path,
                  *(sa.func.sum(getattr(UnitDayCounter, f)) for f in _ADDED_OVER_DAYS))
        .where(UnitDayCounter.campaign_id == campaign.id, *in_days,
               in_subtree(UnitDayCounter.unit_path, top.path))
        .group_by(UnitDayCounter.unit_id, UnitDayCounter.unit_path)
    ).all()
    people = ParticipationDay
    distinct = db.session.execute(
        sa.select(people.unit_id, people.unit_path, sa.func.count(sa.distinct(people.user_id)),
                  sa.func.count(sa.distinct(sa.case((people.passed.is_(True),
                                                     people.user_id)))))
        .where(people.campaign_id == campaign.id, people.day >= period.first,
               people.day <= period.last, in_subtree(people.unit_path, top.path))
        .group_by(people.unit_id, people.unit_path)
    ).all()
    counted = {(row[0], row[1]): (int(row[2]), int(row[3])) for row in distinct}
    result = {}
    for row in sums:
        participants, passed = counted.get((row[0], row[1]), (0, 0))
        result[(row[0], row[1])] = Counts(0, participants, *(int(v) for v in row[2:]), passed)
    return result


def _day_filters(campaign: Campaign, top: Unit, period: Period | None) -> list:
    """The WHERE of the unit-day counters of `top`'s subtree (of the period's days)."""
    where = [UnitDayCounter.campaign_id == campaign.id,
             in_subtree(UnitDayCounter.unit_path, top.path)]
    if period is not None:
        where += [UnitDayCounter.day >= period.first, UnitDayCounter.day <= period.last]
    return where


def kept_daily(campaign: Campaign, top: Unit, period: Period | None
               ) -> dict[tuple[int, str], dict[dt.date, Counts]]:
    """{(unit id, path): {day: its own figures that day}}."""
    result: dict[tuple[int, str], dict[dt.date, Counts]] = defaultdict(dict)
    for row in db.session.execute(
            sa.select(UnitDayCounter.unit_id, UnitDayCounter.unit_path, UnitDayCounter.day,
                      *(getattr(UnitDayCounter, f) for f in _KEPT))
            .where(*_day_filters(campaign, top, period))):
        result[(row[0], row[1])][row[2]] = Counts(0, *(int(v) for v in row[3:]))
    return dict(result)


def kept_subtree_daily(campaign: Campaign, top: Unit, period: Period | None
                       ) -> dict[dt.date, Counts]:
    """{day: the figures of `top`'s whole subtree that day}: what kept_daily's rows add up
    to at the top (every row in the subtree's range is counted somewhere below it), as one
    query grouped by day, a row a day, where a page shows only the top's days."""
    return {row[0]: Counts(0, *(int(v) for v in row[1:]))
            for row in db.session.execute(
                sa.select(UnitDayCounter.day, *(sa.func.sum(getattr(UnitDayCounter, f))
                                                for f in _KEPT))
                .where(*_day_filters(campaign, top, period)).group_by(UnitDayCounter.day))}


def _attempt_figures(*group):
    passed_user = sa.case((Attempt.passed.is_(True), Attempt.user_id))
    return sa.select(
        *group, sa.func.count(sa.distinct(Attempt.user_id)), sa.func.count(),
        sa.func.coalesce(sa.func.sum(Attempt.answered_count), 0),
        sa.func.coalesce(sa.func.sum(Attempt.correct_count), 0),
        sa.func.coalesce(sa.func.sum(Attempt.score), 0),
        sa.func.count(sa.distinct(passed_user)),
    ).where(Attempt.status.in_(FINISHED)).group_by(*group)


def recounted(campaign: Campaign, top: Unit, period: Period | None) -> Placed:
    """Each unit's own figures counted from its finished attempts (of the period's days)."""
    query = _attempt_figures(Attempt.unit_id, Attempt.unit_path).where(
        Attempt.campaign_id == campaign.id, in_subtree(Attempt.unit_path, top.path))
    if period is not None:
        query = query.where(Attempt.local_day >= period.first, Attempt.local_day <= period.last)
    return {(row[0], row[1]): Counts(0, *(int(v) for v in row[2:]))
            for row in db.session.execute(query)}


def recounted_daily(campaign: Campaign, top: Unit, period: Period | None
                     ) -> dict[tuple[int, str], dict[dt.date, Counts]]:
    query = _attempt_figures(Attempt.unit_id, Attempt.unit_path, Attempt.local_day).where(
        Attempt.campaign_id == campaign.id, in_subtree(Attempt.unit_path, top.path))
    if period is not None:
        query = query.where(Attempt.local_day >= period.first, Attempt.local_day <= period.last)
    result: dict[tuple[int, str], dict[dt.date, Counts]] = defaultdict(dict)
    for row in db.session.execute(query):
        result[(row[0], row[1])][row[2]] = Counts(0, *(int(v) for v in row[3:]))
    return dict(result)
