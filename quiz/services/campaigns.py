"""Reading campaigns for participants."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..extensions import db
from ..models import Campaign
from ..timeutil import local_date
from .errors import NotFound


def get_campaign(slug: str) -> Campaign:
    """The campaign with this slug, or NotFound."""
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise NotFound()
    return campaign


def active_campaigns(now: dt.datetime) -> list[Campaign]:
    """Campaigns open today in their own time zone, newest first."""
    # Dates are compared in each campaign's zone; a day either side catches every zone,
    # then the exact check is made per campaign.
    utc_day = now.date()
    candidates = db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.starts_on <= utc_day + dt.timedelta(days=1),
               Campaign.ends_on >= utc_day - dt.timedelta(days=1))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    )
    return [c for c in candidates if c.is_open_on(local_date(now, c.timezone))]


def current_or_next(now: dt.datetime) -> Campaign | None:
    """The campaign a visitor of the home page most likely wants."""
    active = active_campaigns(now)
    if active:
        return active[0]
    return db.session.scalar(
        sa.select(Campaign).order_by(Campaign.ends_on.desc(), Campaign.id.desc()).limit(1)
    )


def all_campaigns() -> list[Campaign]:
    """Every campaign, the latest first (the console's list)."""
    return list(db.session.scalars(
        sa.select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())))
