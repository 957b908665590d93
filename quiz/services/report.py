"""The report that goes upward (活动进展情况统计表): one unit's subtree as sheets of plain rows.

Every figure is read through `stats.figure_tree`; this module only lays them out, and the
writers in quiz.exports make the .xlsx or CSV of it. Sheets: 汇总 (summary), 每日参与人次
and 每日参与人数 (unit × day), 未参与单位 (units where no one has taken part yet).

Rows and subtotals. Each unit's row holds its whole subtree's figures, as everywhere else,
in tree order; the top unit's row comes first and is the total. A unit with units below it
is a subtotal and is bold. Where such a unit has people of its own (a headcount, or
participants who answered for the unit itself), a "（本级）" row just below it shows them,
so that the rows directly beneath a bold row add up to it in every count (a person who
answered for two units counts in each, as in the figures themselves; rates are never
added: each row's rate is of its own counts). A separate 合计 row would only repeat the
top row, so there is none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from ..exports.tables import AVERAGE, RATE, TEXT, Column, Row, Sheet, text_width
from ..models import Campaign, Unit
from ..timeutil import to_local
from .periods import Period, campaign_days
from .reach import Reach
from .stats import ZERO, Counts, FigureTree, UnitRow, figure_tree
from .units import single_root

#: The widest a text column is made, in characters.
_TEXT_WIDTH_CAP = 48


@dataclass
class Report:
    """The sheets of one unit's report, and what they are of."""

    campaign: Campaign
    unit: Unit
    period: Period | None
    #: When it was made, in the campaign's time zone.
    made_at: dt.datetime
    summary: Sheet
    sheets: list[Sheet]

    @property
    def day(self) -> dt.date:
        """The day the report is of: the period's last, or the day it was made."""
        return self.period.last if self.period is not None else self.made_at.date()

    def filename(self, suffix: str) -> str:
        """平安县-安全生产月知识竞赛-统计表-2026-06-21.xlsx"""
        name = _("%(unit)s-%(campaign)s-report-%(day)s", unit=self.unit.name,
                 campaign=self.campaign.title, day=self.day.isoformat())
        return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name) + "." + suffix

    def ascii_name(self, suffix: str) -> str:
        """The file name for clients that cannot take the Chinese one."""
        name = f"report-{self.campaign.slug}-{self.unit.code}-{self.day.isoformat()}"
        return re.sub(r"[^A-Za-z0-9._-]", "_", name) + "." + suffix


def everything() -> Reach:
    """The command line's reach: every unit, starting from the single root (an admin's)."""
    root = single_root()
    return Reach(path=None, home_id=root.id if root else None)


def build_report(campaign: Campaign, unit: Unit, period: Period | None,
                 now: dt.datetime) -> Report:
    """The report of `unit`'s subtree: the whole campaign so far, and `period` beside it
    when one is given. `now` (naive UTC) is the moment it is made."""
    # The daily sheets show attempts and participants: the days' passed people are not read.
    tree = figure_tree(campaign, unit, period, daily=True)
    made_at = to_local(now, campaign.timezone)
    days = campaign_days(campaign, made_at.date(), period)
    lines = _lines(tree)
    heading = _heading(tree, days, made_at)
    summary = _summary(tree, lines, heading)
    return Report(campaign, unit, period, made_at, summary, [
        summary,
        _daily(lines, days, heading, _("Attempts per day"), "attempts"),
        _daily(lines, days, heading, _("Participants per day"), "participants"),
        _without_participants(tree, heading),
    ])


@dataclass
class _Line:
    """One row of the unit tables: a unit (its subtree), or a unit's own part (本级)."""

    name: str
    code: str
    parent: str
    level: int
    strong: bool
    total: Counts
    period: Counts | None
    daily: dict[dt.date, Counts]


def _lines(tree: FigureTree) -> list[_Line]:
    lines = []
    for row in tree.in_tree_order(moved=True):
        unit = row.unit
        if row.moved_out:
            name = _("%(name)s (moved out)", name=unit.name)
        elif unit.is_retired:
            name = _("%(name)s (retired)", name=unit.name)
        else:
            name = unit.name
        children = [] if row.moved_out else tree.children(unit, moved=True)
        lines.append(_Line(name, unit.code, row.parent.name if row.parent else "", row.level,
                           bool(children), row.total, row.period, row.days))
        own = _own_part(row, children)
        if own is not None:
            lines.append(own)
    return lines


def _own_part(row: UnitRow, children: list[UnitRow]) -> _Line | None:
    """A parent unit's own figures (its subtree's less its children's), if it has any."""
    if not children:
        return None
    total = _minus(row.total, *(child.total for child in children))
    period = (None if row.period is None
              else _minus(row.period, *(child.period for child in children)))
    if total == ZERO and period in (None, ZERO):
        return None
    daily = dict(row.days)
    for child in children:
        for day, counts in child.days.items():
            daily[day] = _minus(daily[day], counts)
    return _Line(_("%(name)s (own)", name=row.unit.name), row.unit.code, row.unit.name,
                 row.level + 1, False, total, period, daily)


def _minus(counts: Counts, *others: Counts) -> Counts:
    for other in others:
        counts = counts - other
    return counts


def _heading(tree: FigureTree, days: list[dt.date], made_at: dt.datetime) -> list[str]:
    """The title block's lines below the title: unit, period, when made."""
    campaign, period = tree.campaign, tree.period
    first, last = days[0].isoformat(), days[-1].isoformat()
    if period is not None:
        span = _("Period: %(first)s to %(last)s", first=first, last=last)
    else:
        span = _("Period: the campaign so far, %(first)s to %(last)s", first=first, last=last)
    return [_("%(campaign)s progress report", campaign=campaign.title),
            _("Unit: %(unit)s (%(code)s)", unit=tree.top.name, code=tree.top.code), span,
            _("Made at: %(moment)s", moment=made_at.strftime("%Y-%m-%d %H:%M"))]


def _name_columns(lines: list[_Line], parent: bool = True) -> list[Column]:
    name_width = max((text_width(line.name) + 2 * line.level for line in lines), default=8)
    columns = [Column(_("Units"), TEXT, min(name_width + 2, _TEXT_WIDTH_CAP)),
               Column(_("Unit code"), TEXT,
                      min(max((len(line.code) for line in lines), default=8) + 2, 24))]
    if parent:
        parent_width = max((text_width(line.parent) for line in lines), default=8)
        columns.append(Column(_("Parent unit"), TEXT, min(parent_width + 2, _TEXT_WIDTH_CAP)))
    return columns


def _summary(tree: FigureTree, lines: list[_Line], heading: list[str]) -> Sheet:
    in_period = tree.period is not None
    columns = [*_name_columns(lines), Column(_("Headcount")), Column(_("Participants"))]
    if in_period:
        columns.append(Column(_("Participants in the period")))
    columns += [Column(_("Participation rate"), RATE), Column(_("Attempts"))]
    if in_period:
        columns.append(Column(_("Attempts in the period")))
    columns += [Column(_("Attempts per person"), AVERAGE), Column(_("Average score"), AVERAGE),
                Column(_("Correct rate"), RATE), Column(_("People passed"))]
    rows = []
    for line in lines:
        total, period = line.total, line.period
        values = [line.name, line.code, line.parent, total.headcount, total.participants]
        if in_period:
            values.append(period.participants)
        values += [total.participation_rate, total.attempts]
        if in_period:
            values.append(period.attempts)
        values += [total.attempts_per_person, total.average_score, total.correct_rate,
                   total.passed_people]
        rows.append(Row(values, line.level, line.strong))
    notes = [_("Each unit's figures include the units below it: bold rows are subtotals, and "
               "a row marked “(own)” shows a unit's own people apart from the units below. "
               "“—”: there is nothing to divide by (no headcount, participant or attempt).")]
    if any(row.moved_out for row in tree.in_tree_order(moved=True)):
        notes.append(_("A row marked “(moved out)” holds what a unit took part in here "
                       "before it moved elsewhere in the tree: attempts stay counted where "
                       "they were taken."))
    if in_period:
        notes.insert(0, _("The columns “in the period” count the period's days only; the "
                          "others count the whole campaign up to the moment the report was "
                          "made."))
    return Sheet(_("Summary"), columns, rows, [*heading, *notes], footer=_footer())


def _daily(lines: list[_Line], days: list[dt.date], heading: list[str], name: str,
           figure: str) -> Sheet:
    """Units × days of one figure (attempts or participants), with a total column."""
    columns = [*_name_columns(lines, parent=False),
               *(Column(_("%(month)d/%(day)d", month=day.month, day=day.day), width=8.5)
                 for day in days)]
    if figure == "attempts":
        columns.append(Column(_("Total")))
        note = _("Finished attempts on each day.")
    else:
        columns.append(Column(_("Total, each person once"), width=12))
        note = _("People who took part on each day; the total counts each person once, "
                 "however many days they took part.")
    rows = []
    for line in lines:
        per_day = [getattr(line.daily.get(day, ZERO), figure) for day in days]
        if figure == "attempts":
            total = sum(per_day)
        else:  # the days shown are the period, or the whole campaign so far
            total = (line.period if line.period is not None else line.total).participants
        rows.append(Row([line.name, line.code, *per_day, total], line.level, line.strong))
    title = _("%(title)s: %(sheet)s", title=heading[0], sheet=name)
    return Sheet(name, columns, rows, [title, *heading[1:], note], footer=_footer())


def _without_participants(tree: FigureTree, heading: list[str]) -> Sheet:
    """Units (not retired) where no one has taken part: whom to call."""
    ancestors: dict[int, list[str]] = {}
    rows = []
    for row in tree.in_tree_order():
        if row.unit.id == tree.top.id:
            ancestors[row.unit.id] = [row.parent.name] if row.parent else []
        else:
            ancestors[row.unit.id] = [*ancestors[row.parent.id], row.parent.name]
    for row in tree.without_participants():
        rows.append(Row([row.unit.name, row.unit.code, " / ".join(ancestors[row.unit.id]),
                         row.total.headcount]))
    name = _("Units without participants")
    path_width = max((text_width(row.values[2]) for row in rows), default=8)
    name_width = max((text_width(row.values[0]) for row in rows), default=8)
    columns = [Column(_("Units"), TEXT, min(name_width + 2, _TEXT_WIDTH_CAP)),
               Column(_("Unit code"), TEXT, 14),
               Column(_("Parent units"), TEXT, min(path_width + 2, 80)),
               Column(_("Headcount"))]
    title = _("%(title)s: %(sheet)s", title=heading[0], sheet=name)
    note = _("Units where no one has taken part in the campaign yet (retired units are left "
             "out); the figures of a unit include the units below it.")
    return Sheet(name, columns, rows, [title, *heading[1:], note], footer=_footer())


def _footer() -> str:
    # &P and &N are Excel's codes for the page and the number of pages.
    return _("Page &P of &N")
