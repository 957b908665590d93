"""Participation statistics per unit, read from the kept counters (never from attempts)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import COUNTER_FIELDS, Campaign, Unit, UnitCounter


@dataclass(frozen=True)
class UnitFigures:
    code: str
    name: str
    headcount: int
    participants: int
    attempts: int
    answers: int
    correct_answers: int
    score_sum: int
    passed_attempts: int

    @property
    def participation_rate(self) -> float | None:
        """Share of the expected people who took part, 0..1 (None without a headcount)."""
        return round(self.participants / self.headcount, 4) if self.headcount else None

    @property
    def average_score(self) -> float | None:
        return round(self.score_sum / self.attempts, 1) if self.attempts else None

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "headcount": self.headcount,
            "participants": self.participants, "attempts": self.attempts,
            "answers": self.answers, "correct_answers": self.correct_answers,
            "participation_rate": self.participation_rate, "average_score": self.average_score,
        }


def _subtree_figures(campaign: Campaign, heads: list[Unit]) -> list[UnitFigures]:
    """Totals over each head unit's whole subtree, in two grouped queries over units."""
    if not heads:
        return []
    head = aliased(Unit)
    member = aliased(Unit)
    # A prefix test on the materialised path; substr rather than LIKE, whose wildcards
    # would need escaping.
    in_subtree = sa.func.substr(member.path, 1, sa.func.length(head.path)) == head.path
    head_ids = [u.id for u in heads]
    sums = db.session.execute(
        sa.select(head.id, *(sa.func.coalesce(sa.func.sum(getattr(UnitCounter, f)), 0)
                             for f in COUNTER_FIELDS))
        .join(member, in_subtree)
        .join(UnitCounter, sa.and_(UnitCounter.unit_id == member.id,
                                   UnitCounter.campaign_id == campaign.id))
        .where(head.id.in_(head_ids))
        .group_by(head.id)
    ).all()
    headcounts = dict(db.session.execute(
        sa.select(head.id, sa.func.coalesce(sa.func.sum(member.headcount), 0))
        .join(member, in_subtree)
        .where(head.id.in_(head_ids))
        .group_by(head.id)
    ).all())
    by_head = {row[0]: row[1:] for row in sums}
    zero = (0,) * len(COUNTER_FIELDS)
    return [
        UnitFigures(u.code, u.name, int(headcounts.get(u.id, 0)),
                    *(int(v) for v in by_head.get(u.id, zero)))
        for u in heads
    ]


def unit_stats(campaign: Campaign, unit: Unit) -> tuple[UnitFigures, list[UnitFigures]]:
    """The unit's totals (its whole subtree) and one row per child unit (each its subtree)."""
    children = list(db.session.scalars(
        sa.select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.code)
    ))
    figures = _subtree_figures(campaign, [unit, *children])
    return figures[0], figures[1:]
