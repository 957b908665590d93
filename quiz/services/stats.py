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

Attempts stay counted where they were taken: under the units above their unit when they
were started (quiz.services.placed reads each unit's figures per place; `figure_tree` puts
them where they belong, moved-out rows included).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Campaign, Unit
from . import placed
from .errors import ValidationFailed
from .figures import ZERO, Counts, day_dict  # noqa: F401 (day_dict is read from here)
from .periods import Period
from .placed import Daily, Placed
from .units import in_subtree

#: How a query argument says yes (?absent=1).
YES = ("1", "true")

#: The figures a table of units can be sorted by (the API and the pages use these names).
SORT_KEYS = ("headcount", "participants", "participation_rate", "attempts",
             "attempts_per_person", "average_score", "correct_rate", "passed_people")


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
    #: {day: figures}, when figure_tree(..., daily=True).
    days: dict[dt.date, Counts] | None = None
    #: The figures a unit (and its subtree) took here before it moved out from below
    #: `parent`: they stay counted where they were taken. Not a unit of this tree.
    moved_out: bool = False
    #: Such rows for the units that moved out from directly below this one.
    moved: list[UnitRow] = field(default_factory=list)

    @property
    def has_no_participant(self) -> bool:
        return self.total.participants == 0

    def as_dict(self) -> dict:
        data = {"code": self.unit.code, "name": self.unit.name, "kind": self.unit.kind,
                "parent_code": self.parent.code if self.parent else None,
                "level": self.level, "retired": self.unit.is_retired,
                "moved_out": self.moved_out, **self.total.as_dict()}
        if self.period is not None:
            data["period"] = self.period.as_dict()
        return data


class FigureTree:
    """The figures of every unit of one subtree, each over its own subtree."""

    def __init__(self, campaign: Campaign, top: Unit, period: Period | None,
                 rows: dict[int, UnitRow], daily: bool):
        self.campaign, self.top, self.period = campaign, top, period
        self.rows = rows
        self._daily = daily

    @property
    def total(self) -> UnitRow:
        return self.rows[self.top.id]

    def children(self, unit: Unit | None = None, moved: bool = False) -> list[UnitRow]:
        """The rows of a unit's children (the top's by default), by code; with `moved`,
        then the rows of the figures units took there before moving out (which make the
        parent's figures add up)."""
        row = self.rows[(unit or self.top).id]
        return [self.rows[i] for i in row.child_ids] + (row.moved if moved else [])

    def in_tree_order(self, moved: bool = False) -> Iterator[UnitRow]:
        """Every row, each parent before its children, siblings by code (with `moved`,
        each unit's moved-out rows after its children)."""
        stack = [self.total]
        while stack:
            row = stack.pop()
            yield row
            if not row.moved_out:
                stack.extend(reversed(self.children(row.unit, moved)))

    def without_participants(self, below: bool = False) -> list[UnitRow]:
        """Units (not retired) where no one has taken part yet, in tree order: whom to call
        today. `below`: those below the top only (the top's own row left out)."""
        return [row for row in self.in_tree_order()
                if row.has_no_participant and not row.unit.is_retired
                and not (below and row.unit.id == self.top.id)]

    def daily(self, unit: Unit | None = None) -> dict[dt.date, Counts]:
        """{day: figures} of a unit's subtree (the top's by default), days with any."""
        if not self._daily:
            raise RuntimeError("figure_tree(..., daily=True) was not asked for")
        return self.rows[(unit or self.top).id].days


def figure_tree(campaign: Campaign, top: Unit, period: Period | None = None, *,
                daily: bool = False, recount: bool = False) -> FigureTree:
    """The figures of `top` and every unit below it, each over its own subtree.

    `daily`: each row's days too.

    A few grouped queries over the kept counters, however many units and attempts; the
    sums over subtrees are made here, from the units' own figures. With `recount`, the
    units' own figures are counted from the finished attempts instead (what `reconcile`
    checks the kept ones against); everything else is the same code.

    Figures stay where they were taken: those a unit took at a place it has since moved
    from go to its old parent's `moved` rows (or leave this tree, when the tree's top
    itself moved), and a unit's figures are those taken at its place of today.
    """
    units = list(db.session.scalars(sa.select(Unit).where(in_subtree(Unit.path, top.path))))
    by_id = {unit.id: unit for unit in units}
    by_path = {unit.path: unit for unit in units}
    if recount:
        own = placed.recounted(campaign, top, None)
        own_period = placed.recounted(campaign, top, period) if period is not None else None
        own_days = placed.recounted_daily(campaign, top, period) if daily else None
    else:
        own = placed.kept_totals(campaign, top)
        own_period = placed.kept_period(campaign, top, period) if period is not None else None
        own_days = placed.kept_daily(campaign, top, period) if daily else None
    rows: dict[int, UnitRow] = {}
    for unit in units:
        headcount = Counts(headcount=0 if unit.is_retired else unit.headcount)
        rows[unit.id] = UnitRow(
            unit=unit, level=unit.depth - top.depth, total=headcount,
            period=None if period is None else headcount, days={} if daily else None,
            parent=top.parent if unit.id == top.id else by_id.get(unit.parent_id),
        )
    _place_figures(rows, by_path, own, own_period, own_days)
    order = sorted(units, key=lambda u: (u.depth, u.code))
    for unit in order:
        if unit.id != top.id and unit.parent_id in rows:
            rows[unit.parent_id].child_ids.append(unit.id)
    for unit in reversed(order):  # the deepest first: each adds itself to its parent
        row = rows[unit.id]
        for moved in row.moved:
            _add(row, moved)
        if unit.id != top.id and unit.parent_id in rows:
            _add(rows[unit.parent_id], row)
    return FigureTree(campaign, top, period, rows, daily)


def subtree_daily(campaign: Campaign, top: Unit, period: Period | None = None
                  ) -> dict[dt.date, Counts]:
    """{day: figures} of `top`'s whole subtree, days with any: `figure_tree(...,
    daily=True).daily()` without every unit's days (a row a day, not units × days)."""
    return placed.kept_subtree_daily(campaign, top, period)


def _add(into: UnitRow, row: UnitRow) -> None:
    """Add a row's figures to another's (a child's to its parent's)."""
    into.total = into.total + row.total
    if into.period is not None:
        into.period = into.period + row.period
    if into.days is not None:
        for day, counts in row.days.items():
            into.days[day] = into.days.get(day, ZERO) + counts


def _place_figures(rows: dict[int, UnitRow], by_path: dict[str, Unit], own: Placed,
                   own_period: Placed | None, own_days: Daily | None) -> None:
    """Give each unit its own figures taken at its place of today, and each parent a
    moved-out row for the figures of a unit that has moved from below it since."""
    keys = sorted(set(own) | set(own_period or ()) | set(own_days or ()), key=lambda k: k[1])
    # Where each key's figures go: the unit itself, or (the deepest unit still at a place
    # on the way to the old one, the unit below it there that moved out).
    places: dict[tuple[int, str], tuple[int, int | None]] = {}
    for unit_id, path in keys:
        if path in by_path:
            places[(unit_id, path)] = (unit_id, None)
            continue
        parts = path.strip("/").split("/")
        depth = len(parts) - 1
        while "/" + "/".join(parts[:depth]) + "/" not in by_path:  # the top's path is there
            depth -= 1
        held = by_path["/" + "/".join(parts[:depth]) + "/"]
        places[(unit_id, path)] = (held.id, int(parts[depth]))
    moved_ids = sorted({m for _, m in places.values() if m is not None})
    moved_units = {unit.id: unit for unit in db.session.scalars(
        sa.select(Unit).where(Unit.id.in_(moved_ids)))} if moved_ids else {}
    moved: dict[tuple[int, int], UnitRow] = {}
    for key in keys:
        held_id, moved_id = places[key]
        row = rows[held_id]
        if moved_id is not None:
            if (held_id, moved_id) not in moved:
                moved[(held_id, moved_id)] = UnitRow(
                    unit=moved_units[moved_id], level=row.level + 1, total=ZERO,
                    period=None if own_period is None else ZERO,
                    days=None if own_days is None else {}, parent=row.unit, moved_out=True)
                row.moved.append(moved[(held_id, moved_id)])
            row = moved[(held_id, moved_id)]
        row.total = row.total + own.get(key, ZERO)
        if own_period is not None:
            row.period = row.period + own_period.get(key, ZERO)
        if own_days is not None:
            for day, counts in own_days.get(key, {}).items():
                row.days[day] = row.days.get(day, ZERO) + counts
    for row in rows.values():
        row.moved.sort(key=lambda r: r.unit.code)


def rank_units(tree: FigureTree, sort: str = "participation_rate", descending: bool = True,
               only_absent: bool = False, by_period: bool = False) -> list[UnitRow]:
    """The unit leaderboard's rows: the top's children, or with `only_absent` every unit
    below at any depth where no one has taken part (whom to call today), sorted by one
    figure (of the period with `by_period`)."""
    rows = tree.without_participants(below=True) if only_absent else tree.children(moved=True)
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
    """The unit's totals (its whole subtree) and one row per child unit (each its subtree),
    then the rows of units that moved out (what they took here before)."""
    tree = figure_tree(campaign, unit, period)
    return tree.total, tree.children(moved=True)
