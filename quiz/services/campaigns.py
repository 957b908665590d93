"""Reading campaigns for participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..loading import load_related, load_where
from ..models import Campaign, Quiz, Unit, UnitCounter
from ..timeutil import local_date
from .errors import NotFound
from .reach import Reach
from .units import in_subtree, unit_by_code


def get_campaign(slug: str) -> Campaign:
    """The campaign with this slug, or NotFound."""
    campaign = load_where(Campaign, "slug = :slug", {"slug": slug})
    if campaign is None:
        raise NotFound()
    load_related(campaign, "host_unit", Unit, campaign.host_unit_id)
    return campaign


def active_campaigns(now: dt.datetime, unit: Unit | None = None) -> list[Campaign]:
    """Campaigns open today in their own time zone, newest first (those hosting `unit`,
    when one is given: what a participant of that unit may take)."""
    # Dates are compared in each campaign's zone; a day either side catches every zone,
    # then the exact check is made per campaign.
    utc_day = now.date()
    candidates = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.starts_on <= utc_day + dt.timedelta(days=1),
               Campaign.ends_on >= utc_day - dt.timedelta(days=1),
               Campaign.archived_at.is_(None))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
        # The home page and GET /campaigns list the quizzes with their counts and marks.
        .options(selectinload(Campaign.quizzes).selectinload(Quiz.rules))
    )
    return [c for c in candidates if is_open(c, now) and (unit is None or hosts(c, unit))]


def is_open(campaign: Campaign, now: dt.datetime) -> bool:
    """Whether attempts may start now: within its days, not closed early nor archived."""
    if campaign.closed_at is not None and campaign.closed_at <= now:
        return False
    return campaign.archived_at is None and campaign.is_open_on(
        local_date(now, campaign.timezone))


def current_or_next(now: dt.datetime, unit: Unit | None = None) -> Campaign | None:
    """The campaign a visitor of the home page most likely wants (one hosting `unit`,
    for a participant of that unit)."""
    active = active_campaigns(now, unit)
    if active:
        return active[0]
    for campaign in db.session.scalars(
            sa.select(Campaign).where(Campaign.archived_at.is_(None))
            .order_by(Campaign.ends_on.desc(), Campaign.id.desc())):
        if unit is None or hosts(campaign, unit):
            return campaign
    return None


def staff_campaigns(within: Reach, archived: bool = False) -> list[Campaign]:
    """The campaigns staff with this reach see in the console, the latest first: those
    whose host subtree and their reach meet (a county's organizer sees the province's
    campaign, for their county's figures, and their own county's, never a neighbour's)."""
    query = sa.select(Campaign).where(
        Campaign.archived_at.is_not(None) if archived else Campaign.archived_at.is_(None)
    ).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    return [c for c in db.session.scalars(query) if staff_sees(within, c)]


def staff_sees(within: Reach, campaign: Campaign) -> bool:
    """Whether the campaign's figures are (partly) within reach."""
    host = campaign.host_unit
    if host is None or within.is_everything or within.covers(host):
        return not within.is_nothing
    return within.path is not None and within.path.startswith(host.path)


def figures_unit(within: Reach, campaign: Campaign, code: str | None) -> Unit:
    """The unit a figures page or the statistics API shows for `code`: within reach and
    within the campaign's host subtree (NotFound otherwise). Without a code: the host, if
    reach holds it, else the viewer's own unit."""
    if not staff_sees(within, campaign):
        raise NotFound()
    if not (code or "").strip() and campaign.host_unit is not None and within.covers(
            campaign.host_unit):
        return campaign.host_unit
    unit = within.unit_by_code(code)
    if not hosts(campaign, unit):
        raise NotFound(_l("This unit is not among those the campaign is for."),
                       field="unit")
    return unit


def participant_count(campaign: Campaign) -> int:
    """People who have taken part so far, over the host's subtree (as the figures count
    them: once per unit)."""
    query = sa.select(sa.func.coalesce(sa.func.sum(UnitCounter.participants), 0)).where(
        UnitCounter.campaign_id == campaign.id)
    if campaign.host_unit is not None:
        query = query.where(in_subtree(UnitCounter.unit_path, campaign.host_unit.path))
    return int(db.session.scalar(query))


def hosts(campaign: Campaign, unit: Unit | None) -> bool:
    """Whether `unit` lies in the campaign's host subtree (主办单位 and everything below
    it; every unit when the campaign has no host): whose people see and take it, and which
    units its figures, boards and posters cover."""
    host = campaign.host_unit
    return host is None or (unit is not None and unit.path.startswith(host.path))


@dataclass
class Entry:
    """The unit a campaign link names (?unit=CODE, as a QR poster's does), as its page
    shows it: "河山镇 · 上湾村 的参赛入口"."""

    code: str
    unit: Unit | None
    #: The names from below the host down to the unit (the unit's own last).
    names: list[str]
    #: The unit is not among those the campaign is for.
    outside: bool

    @property
    def known(self) -> bool:
        return self.unit is not None


def entry(campaign: Campaign, code: str | None) -> Entry | None:
    """What the link's unit code names; None without one."""
    code = (code or "").strip()
    if not code:
        return None
    unit = unit_by_code(code)
    if unit is None or unit.is_retired:
        return Entry(code, None, [], False)
    ids = [int(part) for part in unit.path.strip("/").split("/")]
    host_depth = campaign.host_unit.depth if campaign.host_unit is not None else -1
    below = ids[host_depth + 1:] or ids[-1:]
    found = {u.id: u.name for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(below)))}
    return Entry(code, unit, [found[i] for i in below if i in found][-3:],
                 not hosts(campaign, unit))
