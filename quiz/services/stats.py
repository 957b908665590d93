"""Participation figures per unit, read from the kept counters (never from attempts).

One definition per figure, here; the console pages, the API, the .xlsx report, the big screen
and `reconcile`'s recount all read them through `figure_tree`:

- 应参与人数 (headcount): the unit's own headcount plus its subtree's; a retired unit
  expects no one (its past figures still count).
- 参与人数 (participants): people with a finished attempt for the unit; a subtree adds its
  units up (someone who answered for two units, having moved, counts in each).
- 参与率: participants / headcount; none ("—") when the headcount is 0.
- 参与人次 (attempts): finished attempts, submitted or timed out.
- 人均答题次数: attempts / participants.
- 平均分: the mean score of those attempts.
- 正确率: correct answers / questions answered.
- 及格人数 (passed people): people with at least one passed attempt for the unit.

A period (`Period`, days in the campaign's time zone) gives the same figures for its days
only: a person is counted once per unit however many of its days they took part.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import (
    Attempt,
    Campaign,
    Participation,
    ParticipationDay,
    Unit,
    UnitCounter,
    UnitDayCounter,
)
from .counters import FINISHED
from .errors import ValidationFailed
from .periods import Period
from .units import in_subtree

#: Counter columns read as they are kept (participants come with them, per unit).
_KEPT = ("participants", "attempts", "answers", "correct_answers", "score_sum")


@dataclass(frozen=True)
class Counts:
    """The additive figures of one unit, a subtree, a day or a period."""

    headcount: int = 0
    participants: int = 0
    attempts: int = 0
    answers: int = 0
    correct_answers: int = 0
    score_sum: int = 0
    passed_people: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def participation_rate(self) -> float | None:
        """Share of the expected people who took part, 0..1 (None without a headcount)."""
        return _ratio(self.participants, self.headcount, 4)

    @property
    def attempts_per_person(self) -> float | None:
        return _ratio(self.attempts, self.participants, 2)

    @property
    def average_score(self) -> float | None:
        return _ratio(self.score_sum, self.attempts, 1)

    @property
    def correct_rate(self) -> float | None:
        """Share of the questions answered that were answered correctly, 0..1."""
        return _ratio(self.correct_answers, self.answers, 4)

    def as_dict(self) -> dict:
        return {
            "headcount": self.headcount, "participants": self.participants,
            "participation_rate": self.participation_rate, "attempts": self.attempts,
            "attempts_per_person": self.attempts_per_person,
            "average_score": self.average_score, "answers": self.answers,
            "correct_answers": self.correct_answers, "correct_rate": self.correct_rate,
            "passed_people": self.passed_people,
        }


ZERO = Counts()


def day_dict(counts: Counts) -> dict:
    """A day's figures (a day has no headcount, hence no rate)."""
    data = counts.as_dict()
    del data["headcount"], data["participation_rate"]
    return data

#: How a query argument says yes (?absent=1).
YES = ("1", "true")

#: The figures a table of units can be sorted by (the API and the pages use these names).
SORT_KEYS = ("headcount", "participants", "participation_rate", "attempts",
             "attempts_per_person", "average_score", "correct_rate", "passed_people")


def _ratio(part: int, whole: int, places: int) -> float | None:
    return round(part / whole, places) if whole else None


@dataclass
class UnitRow:
    """One unit with its subtree's figures (and the period's, when one is asked for)."""

    unit: Unit
    #: Levels below the tree's top (0 for the top itself).
    level: int
    total: Counts
    period: Counts | None
    parent: Unit | None
    child_ids: list[int] = field(default_factory=list)

    @property
    def has_no_participant(self) -> bool:
        return self.total.participants == 0

    def as_dict(self) -> dict:
        data = {"code": self.unit.code, "name": self.unit.name, "kind": self.unit.kind,
                "parent_code": self.parent.code if self.parent else None,
                "level": self.level, "retired": self.unit.is_retired, **self.total.as_dict()}
        if self.period is not None:
            data["period"] = self.period.as_dict()
        return data


class FigureTree:
    """The figures of every unit of one subtree, each over its own subtree."""

    def __init__(self, campaign: Campaign, top: Unit, period: Period | None,
                 rows: dict[int, UnitRow], daily: dict[int, dict[dt.date, Counts]] | None):
        self.campaign, self.top, self.period = campaign, top, period
        self.rows = rows
        self._daily = daily

    @property
    def total(self) -> UnitRow:
        return self.rows[self.top.id]

    def children(self, unit: Unit | None = None) -> list[UnitRow]:
        """The rows of a unit's children (the top's by default), by code."""
        return [self.rows[i] for i in self.rows[(unit or self.top).id].child_ids]

    def in_tree_order(self) -> Iterator[UnitRow]:
        """Every row, each parent before its children, siblings by code."""
        stack = [self.top.id]
        while stack:
            row = self.rows[stack.pop()]
            yield row
            stack.extend(reversed(row.child_ids))

    def without_participants(self, below: bool = False) -> list[UnitRow]:
        """Units (not retired) where no one has taken part yet, in tree order: whom to call
        today. `below`: those below the top only (the top's own row left out)."""
        return [row for row in self.in_tree_order()
                if row.has_no_participant and not row.unit.is_retired
                and not (below and row.unit.id == self.top.id)]

    def daily(self, unit: Unit | None = None) -> dict[dt.date, Counts]:
        """{day: figures} of a unit's subtree (the top's by default), days with any."""
        if self._daily is None:
            raise RuntimeError("figure_tree(..., daily=True) was not asked for")
        return self._daily.get((unit or self.top).id, {})


def figure_tree(campaign: Campaign, top: Unit, period: Period | None = None, *,
                daily: bool = False, recount: bool = False) -> FigureTree:
    """The figures of `top` and every unit below it, each over its own subtree.

    A few grouped queries over the kept counters, however many units and attempts; the
    sums over subtrees are made here, from the units' own figures. With `recount`, the
    units' own figures are counted from the finished attempts instead (what `reconcile`
    checks the kept ones against); everything else is the same code.
    """
    units = list(db.session.scalars(sa.select(Unit).where(in_subtree(Unit.path, top.path))))
    by_id = {unit.id: unit for unit in units}
    if recount:
        own = _recounted(campaign, top, None)
        own_period = _recounted(campaign, top, period) if period is not None else None
    else:
        own = _own_totals(campaign, top)
        own_period = _own_period(campaign, top, period) if period is not None else None
    rows: dict[int, UnitRow] = {}
    for unit in units:
        headcount = 0 if unit.is_retired else unit.headcount
        rows[unit.id] = UnitRow(
            unit=unit, level=unit.depth - top.depth,
            total=own.get(unit.id, ZERO) + Counts(headcount=headcount),
            period=None if own_period is None else
            own_period.get(unit.id, ZERO) + Counts(headcount=headcount),
            parent=by_id.get(unit.parent_id) if unit.id != top.id else top.parent,
        )
    order = sorted(units, key=lambda u: (u.depth, u.code))
    for unit in order:
        if unit.id != top.id and unit.parent_id in rows:
            rows[unit.parent_id].child_ids.append(unit.id)
    days = None
    if daily:
        days = (_recounted_daily(campaign, top, period) if recount
                else _own_daily(campaign, top, period))
    for unit in reversed(order):  # the deepest first: each adds itself to its parent
        if unit.id == top.id or unit.parent_id not in rows:
            continue
        row, parent = rows[unit.id], rows[unit.parent_id]
        parent.total = parent.total + row.total
        if parent.period is not None:
            parent.period = parent.period + row.period
        if days is not None:
            for day, counts in days.get(unit.id, {}).items():
                into = days.setdefault(unit.parent_id, {})
                into[day] = into.get(day, ZERO) + counts
    return FigureTree(campaign, top, period, rows, days)


def _units_below(top: Unit):
    return sa.select(Unit.id).where(in_subtree(Unit.path, top.path))


def _own_totals(campaign: Campaign, top: Unit) -> dict[int, Counts]:
    """Each unit's own figures over the whole campaign."""
    kept = db.session.execute(
        sa.select(UnitCounter.unit_id, *(getattr(UnitCounter, f) for f in _KEPT))
        .where(UnitCounter.campaign_id == campaign.id,
               UnitCounter.unit_id.in_(_units_below(top)))
    ).all()
    passed = dict(db.session.execute(
        sa.select(Participation.unit_id, sa.func.count())
        .where(Participation.campaign_id == campaign.id, Participation.passed.is_(True),
               Participation.unit_id.in_(_units_below(top)))
        .group_by(Participation.unit_id)
    ).all())
    return {row[0]: Counts(0, *(int(v) for v in row[1:]), int(passed.get(row[0], 0)))
            for row in kept}


def _own_period(campaign: Campaign, top: Unit, period: Period) -> dict[int, Counts]:
    """Each unit's own figures over the period's days (each person once per unit)."""
    in_days = (UnitDayCounter.day >= period.first, UnitDayCounter.day <= period.last)
    sums = db.session.execute(
        sa.select(UnitDayCounter.unit_id,
                  *(sa.func.sum(getattr(UnitDayCounter, f)) for f in _KEPT[1:]))
        .where(UnitDayCounter.campaign_id == campaign.id, *in_days,
               UnitDayCounter.unit_id.in_(_units_below(top)))
        .group_by(UnitDayCounter.unit_id)
    ).all()
    people = ParticipationDay
    distinct = db.session.execute(
        sa.select(people.unit_id, sa.func.count(sa.distinct(people.user_id)),
                  sa.func.count(sa.distinct(sa.case((people.passed.is_(True),
                                                     people.user_id)))))
        .where(people.campaign_id == campaign.id, people.day >= period.first,
               people.day <= period.last, people.unit_id.in_(_units_below(top)))
        .group_by(people.unit_id)
    ).all()
    counted = {row[0]: (int(row[1]), int(row[2])) for row in distinct}
    result = {}
    for row in sums:
        participants, passed = counted.get(row[0], (0, 0))
        result[row[0]] = Counts(0, participants, *(int(v) for v in row[1:]), passed)
    return result


def _own_daily(campaign: Campaign, top: Unit, period: Period | None
               ) -> dict[int, dict[dt.date, Counts]]:
    """{unit id: {day: its own figures that day}}."""
    where = [UnitDayCounter.campaign_id == campaign.id,
             UnitDayCounter.unit_id.in_(_units_below(top))]
    people_where = [ParticipationDay.campaign_id == campaign.id,
                    ParticipationDay.passed.is_(True),
                    ParticipationDay.unit_id.in_(_units_below(top))]
    if period is not None:
        where += [UnitDayCounter.day >= period.first, UnitDayCounter.day <= period.last]
        people_where += [ParticipationDay.day >= period.first,
                         ParticipationDay.day <= period.last]
    passed = {(row[0], row[1]): int(row[2]) for row in db.session.execute(
        sa.select(ParticipationDay.unit_id, ParticipationDay.day, sa.func.count())
        .where(*people_where).group_by(ParticipationDay.unit_id, ParticipationDay.day))}
    result: dict[int, dict[dt.date, Counts]] = defaultdict(dict)
    for row in db.session.execute(
            sa.select(UnitDayCounter.unit_id, UnitDayCounter.day,
                      *(getattr(UnitDayCounter, f) for f in _KEPT)).where(*where)):
        result[row[0]][row[1]] = Counts(0, *(int(v) for v in row[2:]),
                                        passed.get((row[0], row[1]), 0))
    return dict(result)


def _attempt_figures(*group):
    passed_user = sa.case((Attempt.passed.is_(True), Attempt.user_id))
    return sa.select(
        *group, sa.func.count(sa.distinct(Attempt.user_id)), sa.func.count(),
        sa.func.coalesce(sa.func.sum(Attempt.answered_count), 0),
        sa.func.coalesce(sa.func.sum(Attempt.correct_count), 0),
        sa.func.coalesce(sa.func.sum(Attempt.score), 0),
        sa.func.count(sa.distinct(passed_user)),
    ).where(Attempt.status.in_(FINISHED)).group_by(*group)


def _recounted(campaign: Campaign, top: Unit, period: Period | None) -> dict[int, Counts]:
    """Each unit's own figures counted from its finished attempts (of the period's days)."""
    query = _attempt_figures(Attempt.unit_id).where(
        Attempt.campaign_id == campaign.id, Attempt.unit_id.in_(_units_below(top)))
    if period is not None:
        query = query.where(Attempt.local_day >= period.first, Attempt.local_day <= period.last)
    return {row[0]: Counts(0, *(int(v) for v in row[1:])) for row in db.session.execute(query)}


def _recounted_daily(campaign: Campaign, top: Unit, period: Period | None
                     ) -> dict[int, dict[dt.date, Counts]]:
    query = _attempt_figures(Attempt.unit_id, Attempt.local_day).where(
        Attempt.campaign_id == campaign.id, Attempt.unit_id.in_(_units_below(top)))
    if period is not None:
        query = query.where(Attempt.local_day >= period.first, Attempt.local_day <= period.last)
    result: dict[int, dict[dt.date, Counts]] = defaultdict(dict)
    for row in db.session.execute(query):
        result[row[0]][row[1]] = Counts(0, *(int(v) for v in row[2:]))
    return dict(result)


def rank_units(tree: FigureTree, sort: str = "participation_rate", descending: bool = True,
               only_absent: bool = False, by_period: bool = False) -> list[UnitRow]:
    """The unit leaderboard's rows: the top's children, or with `only_absent` every unit
    below at any depth where no one has taken part (whom to call today), sorted by one
    figure (of the period with `by_period`)."""
    rows = tree.without_participants(below=True) if only_absent else tree.children()
    return sort_rows(rows, sort, descending=descending, use_period=by_period)


def sort_rows(rows: list[UnitRow], key: str, descending: bool = True,
              use_period: bool = False) -> list[UnitRow]:
    """Rows by one figure (rows without it, such as a rate without headcount, last), then
    by code; ValidationFailed for a figure that is not one."""
    if key not in SORT_KEYS:
        raise ValidationFailed(_l("Unknown figure to sort by."), field="sort")

    def value(row: UnitRow):
        counts = row.period if use_period and row.period is not None else row.total
        return getattr(counts, key)

    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    present.sort(key=lambda row: row.unit.code)
    present.sort(key=value, reverse=descending)
    return present + sorted(missing, key=lambda row: row.unit.code)


@dataclass(frozen=True)
class FigureDifference:
    unit_code: str
    figure: str
    kept: int
    counted: int


def compare_figures(campaign: Campaign, top: Unit, period: Period | None = None
                    ) -> list[FigureDifference]:
    """Every figure of every unit of `top`'s subtree whose kept value differs from the
    recount of the attempts (what `reconcile` reports, figure by figure)."""
    kept = figure_tree(campaign, top, period)
    counted = figure_tree(campaign, top, period, recount=True)
    differences = []
    for row in kept.in_tree_order():
        other = counted.rows[row.unit.id]
        pairs = [(row.total, other.total)] + ([(row.period, other.period)] if period else [])
        for have, want in pairs:
            for name in (f.name for f in fields(Counts)):
                if getattr(have, name) != getattr(want, name):
                    differences.append(FigureDifference(row.unit.code, name,
                                                        getattr(have, name),
                                                        getattr(want, name)))
    return differences


def unit_stats(campaign: Campaign, unit: Unit, period: Period | None = None
               ) -> tuple[UnitRow, list[UnitRow]]:
    """The unit's totals (its whole subtree) and one row per child unit (each its subtree)."""
    tree = figure_tree(campaign, unit, period)
    return tree.total, tree.children()
