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
    ParticipationWeek,
    Unit,
    UnitCounter,
    UnitDayCounter,
    UnitWeekCounter,
)
from .counters import FINISHED
from .figures import Counts
from .periods import Period, whole_weeks
from .units import in_subtree

#: Counter columns read as they are kept (people, participants and passed, come with them:
#: each is distinct people per place, added up over a subtree as stats.py defines it).
_KEPT = ("participants", "attempts", "answers", "correct_answers", "score_sum",
         "passed_people")

#: Figures of one unit at one place in the tree: {(unit id, its path then): figures}.
Placed = dict[tuple[int, str], Counts]
Daily = dict[tuple[int, str], dict[dt.date, Counts]]
#: What a period adds up over its days (or weeks); its participants and people passed are
#: distinct people over them (not a sum of the rows), counted from the day (or week) rows,
#: or, for one week, the week's row.
_ADDED_UP = ("attempts", "answers", "correct_answers", "score_sum")


def kept_totals(campaign: Campaign, top: Unit) -> Placed:
    """Each unit's own figures over the whole campaign, per place."""
    return {(row[0], row[1]): Counts(0, *(int(v) for v in row[2:]))
            for row in db.session.execute(
                sa.select(UnitCounter.unit_id, UnitCounter.unit_path,
                          *(getattr(UnitCounter, f) for f in _KEPT))
                .where(UnitCounter.campaign_id == campaign.id,
                       in_subtree(UnitCounter.unit_path, top.path)))}


def kept_period(campaign: Campaign, top: Unit, period: Period) -> Placed:
    """Each unit's own figures over the period's days (each person once per unit).

    A period of whole calendar weeks (this week, as the console offers it, or several) is
    read from the week rows: a row a unit and week, and each week's people once, where the
    day rows hold a row per person and day (264,000 for a week of a county,
    bench/scale.py). Any other period is read from the day rows.
    """
    weeks = whole_weeks(campaign, period)
    if weeks is not None and not _outside(campaign, top, period, weeks):
        return _kept_between(campaign, top, UnitWeekCounter, ParticipationWeek, "week",
                             *weeks)
    return _kept_between(campaign, top, UnitDayCounter, ParticipationDay, "day",
                         period.first, period.last)


def _outside(campaign: Campaign, top: Unit, period: Period,
             weeks: tuple[dt.date, dt.date]) -> bool:
    """Whether the subtree has figures on days of the weeks outside the period: days
    before or after the campaign's, which it may have had before its days were changed
    (then the week rows hold more than the period)."""
    first, last = weeks[0], weeks[1] + dt.timedelta(days=6)
    if (first, last) == (period.first, period.last):
        return False
    return db.session.scalar(
        sa.select(UnitDayCounter.day)
        .where(*_day_filters(campaign, top, None),
               UnitDayCounter.day >= first, UnitDayCounter.day <= last,
               sa.or_(UnitDayCounter.day < period.first, UnitDayCounter.day > period.last))
        .limit(1)) is not None


def _kept_between(campaign: Campaign, top: Unit, counter, people, span: str,
                  first: dt.date, last: dt.date) -> Placed:
    """Each unit's own figures over the rows of `counter` (UnitDayCounter or
    UnitWeekCounter) from `first` to `last` in its column `span`, with the distinct
    people of the same rows of `people`; one row of each is the counter's row alone."""
    when = getattr(counter, span)
    one = first == last
    added = _ADDED_UP + (("participants", "passed_people") if one else ())
    sums = db.session.execute(
        sa.select(counter.unit_id, counter.unit_path,
                  *(sa.func.sum(getattr(counter, f)) for f in added))
        .where(counter.campaign_id == campaign.id, when >= first, when <= last,
               in_subtree(counter.unit_path, top.path))
        .group_by(counter.unit_id, counter.unit_path)
    ).all()
    if one:  # a day's or week's people are its counter's
        return {(row[0], row[1]): Counts(0, int(row[6]), *(int(v) for v in row[2:6]),
                                         int(row[7]))
                for row in sums}
    when = getattr(people, span)
    distinct = db.session.execute(
        sa.select(people.unit_id, people.unit_path, sa.func.count(sa.distinct(people.user_id)),
                  sa.func.count(sa.distinct(sa.case((people.passed.is_(True),
                                                     people.user_id)))))
        .where(people.campaign_id == campaign.id, when >= first, when <= last,
               in_subtree(people.unit_path, top.path))
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
