"""The big screen (大屏) of a campaign: its totals, the units ranked by participation rate
and the top ten people, for a projector in a hall; public while switched on.

Every figure is quiz.services.stats's (figure_tree of the root, sort_rows) and every person
is quiz.services.leaderboard's (people_board with no viewer, which masks everyone): this
module only picks and lays them out as a plain dict, the page's and its JSON's alike.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from .. import caching
from ..extensions import db
from ..models import Campaign, Unit, User
from ..timeutil import isoformat_utc, to_local
from .campaigns import get_campaign
from .errors import Forbidden, NotFound
from .leaderboard import people_board
from .reach import reach_of
from .stats import ZERO, Counts, UnitRow, figure_tree, sort_rows
from .units import single_root

#: People on the screen: the top of the campaign's individual leaderboard.
TOP_PEOPLE = 10
#: Units on the screen, the best rates first: what fits a projector in large type (the
#: console lists them all).
UNITS_SHOWN = 12


# --- who may switch it ----------------------------------------------------------------


def may_switch(user: User | None, campaign: Campaign | None = None) -> bool:
    """Whether `user` may switch a campaign's screen on or off: admins, organizers of the
    single root unit, and organizers whose reach holds the campaign's host (the tree the
    screen adds up). An organizer of a unit below would publish figures of units beyond
    their reach."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_enabled:
        return False
    if not user.is_staff:
        return False
    within = reach_of(user)
    host = campaign.host_unit if campaign is not None else None
    return within.covers_every_unit() or (host is not None and within.covers(host))


def set_screen(campaign: Campaign, on: bool, *, by: User | None) -> Campaign:
    """Switch the campaign's big screen on or off; Forbidden unless `by` may."""
    if not may_switch(by, campaign):
        raise Forbidden()
    campaign.screen_enabled = bool(on)
    db.session.flush()
    return campaign


# --- what it shows ----------------------------------------------------------------------


def screen_campaign(slug: str) -> Campaign:
    """The campaign whose screen is on; NotFound when it is off, as for no such campaign
    (a switched-off screen does not tell that the campaign exists)."""
    campaign = get_campaign(slug)
    if not campaign.screen_enabled:
        raise NotFound()
    return campaign


def cached_screen_data(slug: str, now: dt.datetime) -> dict:
    """`screen_data` of the campaign whose screen is on, computed at most once every
    caching.SCREEN_SECONDS however many screens ask (NotFound when it is off)."""
    return caching.fresh_or_compute(
        caching.screen_key(slug), caching.SCREEN_SECONDS, now,
        lambda: screen_data(screen_campaign(slug), now))


def screen_data(campaign: Campaign, now: dt.datetime) -> dict:
    """The screen's figures as a plain dict (JSON as it is): `totals` (of the whole tree),
    `units` (the root's children by participation rate, at most UNITS_SHOWN of
    `units_total`), `top10` (masked), and when they were computed.

    A rate is None (shown "—") where the headcount is 0; such units come last, with no
    position. Units of equal rate share a position (1, 1, 3).
    """
    total, rows = _totals_and_units(campaign)
    ranked = sort_rows(rows, "participation_rate")
    board = people_board(campaign, None, page=1, per_page=TOP_PEOPLE, viewer=None)
    return {
        "campaign": {"slug": campaign.slug, "title": campaign.title, "theme": campaign.theme},
        "generated_at": isoformat_utc(now),
        # Hours, minutes and seconds in the campaign's time zone, as the screen shows them.
        "generated_time": to_local(now, campaign.timezone).strftime("%H:%M:%S"),
        "totals": {
            "participants": total.participants, "attempts": total.attempts,
            "headcount": total.headcount, "participation_rate": total.participation_rate,
            "average_score": total.average_score, "passed_people": total.passed_people,
        },
        "units": _positions(ranked[:UNITS_SHOWN]),
        "units_total": len(ranked),
        "top10": [{"rank": row.rank, "name": row.name, "unit_name": row.unit_name,
                   "score": row.score, "duration_seconds": row.duration_seconds}
                  for row in board.rows],
    }


def _totals_and_units(campaign: Campaign) -> tuple[Counts, list[UnitRow]]:
    """The campaign's figures and the rows to rank: its host's children (or the root's,
    for a campaign of the whole installation), each over its subtree. With several roots
    (no single tree), the roots themselves are ranked."""
    root = campaign.host_unit or single_root()
    if root is not None:
        tree = figure_tree(campaign, root)
        return tree.total.total, tree.children()
    roots = db.session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))
                               .order_by(Unit.code))
    tops = [figure_tree(campaign, top).total for top in roots]
    return sum((row.total for row in tops), ZERO), tops


def _positions(rows: list[UnitRow]) -> list[dict]:
    result, position, previous = [], 0, object()
    for index, row in enumerate(rows, start=1):
        rate = row.total.participation_rate
        if rate != previous:
            position, previous = index, rate
        result.append({
            "position": position if rate is not None else None,
            "code": row.unit.code, "name": row.unit.name,
            "participants": row.total.participants, "headcount": row.total.headcount,
            "rate": rate, "retired": row.unit.is_retired,
        })
    return result
