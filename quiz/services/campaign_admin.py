"""Running a campaign from the console or the command line: create, edit, duplicate, open
or close early, archive. The rules live here once; forms and commands only read input.

Who may: a campaign belongs to its host unit (主办单位); staff whose reach holds that unit
manage it. A campaign without a host (the whole installation) is for admins only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Campaign, Quiz, QuizRule, Unit
from .campaigns import staff_sees
from .errors import Forbidden, InvalidFields, NotFound, ValidationFailed, check_fields
from .periods import parse_day
from .reach import Reach
from .text import clean_name
from .units import unit_by_code

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
TITLE_MAX = Campaign.__table__.c.title.type.length
THEME_MAX = Campaign.__table__.c.theme.type.length
DESCRIPTION_MAX = 5000
#: The longest campaign, in days (a year; the national month is 30).
LONGEST_DAYS = 366

#: The national themes of 安全生产月, the newest first: offered by the campaign form.
NATIONAL_THEMES = (
    "人人讲安全、个个会应急——查找身边安全隐患",  # 2025
    "人人讲安全、个个会应急——畅通生命通道",  # 2024
    "人人讲安全、个个会应急",  # 2023
)
#: Time zones offered first (any IANA name is accepted).
COMMON_ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau")


@dataclass
class CampaignValues:
    """What a campaign form or command gives, as typed (text is checked here)."""

    title: str
    theme: str = ""
    description: str = ""
    #: The host unit's code; "" for the whole installation (admins only).
    host_code: str = ""
    starts_on: str | dt.date | None = None
    ends_on: str | dt.date | None = None
    timezone: str = "Asia/Shanghai"
    #: Only when creating: the campaign's address (/c/<slug>) never changes afterwards,
    #: since printed QR posters carry it.
    slug: str | None = None


def may_manage(within: Reach, campaign: Campaign) -> bool:
    """Whether staff with this reach may change the campaign."""
    if campaign.host_unit is None:
        return within.is_everything
    return within.covers(campaign.host_unit)


def require_manage(within: Reach, campaign: Campaign) -> Campaign:
    """The campaign if `within` may manage it; Forbidden otherwise."""
    if not may_manage(within, campaign):
        raise Forbidden(_l("Only the organizers of the host unit (or above it) may change "
                           "this campaign."))
    return campaign


def _day(value, field: str) -> dt.date:
    day = value if isinstance(value, dt.date) else parse_day(value, field)
    if day is None:
        raise ValidationFailed(_l("Please enter a date."), field=field)
    return day


def _host(within: Reach, code: str) -> Unit | None:
    code = (code or "").strip()
    if not code:
        if not within.is_everything:
            raise ValidationFailed(_l("Please choose the host unit."), field="host")
        return None
    unit = unit_by_code(code)
    if unit is None or not within.covers(unit):
        raise ValidationFailed(_l("No unit with the code “%(code)s” is within your reach.",
                                  code=code), field="host")
    if unit.is_retired:
        raise ValidationFailed(_l("%(name)s is retired and cannot host a campaign.",
                                  name=unit.name), field="host")
    return unit


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the zone files: once


def _timezone(name: str) -> str:
    name = (name or "").strip()
    if name not in _zones():
        raise ValidationFailed(_l("“%(zone)s” is not a time zone; for China it is "
                                  "Asia/Shanghai.", zone=name), field="timezone")
    return name


def _slug(slug: str | None) -> str:
    slug = (slug or "").strip()
    if not SLUG_RE.match(slug):
        raise ValidationFailed(_l("The address has 2 to 64 lower-case letters, digits or "
                                  "“-”, e.g. safety-month-2026."), field="slug")
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.slug == slug)) is not None:
        raise ValidationFailed(_l("The address “%(slug)s” is taken by another campaign.",
                                  slug=slug), field="slug")
    return slug


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationFailed(_l("At most %(n)d characters.", n=limit), field=field)
    return value


def check_campaign(within: Reach, values: CampaignValues, creating: bool) -> dict:
    """The campaign's checked values; InvalidFields naming every bad field at once."""
    checks = [
        ("title", lambda: clean_name(values.title, field="title", max_length=TITLE_MAX,
                                     empty_message=_l("Please enter the campaign's title."))),
        ("theme", lambda: _text(values.theme, "theme", THEME_MAX)),
        ("description", lambda: _text(values.description, "description", DESCRIPTION_MAX)),
        ("host", lambda: _host(within, values.host_code)),
        ("starts_on", lambda: _day(values.starts_on, "starts_on")),
        ("ends_on", lambda: _day(values.ends_on, "ends_on")),
        ("timezone", lambda: _timezone(values.timezone)),
    ]
    if creating:
        checks.insert(0, ("slug", lambda: _slug(values.slug)))
    checked, errors = check_fields(checks)
    first, last = checked.get("starts_on"), checked.get("ends_on")
    if first and last and last < first:
        errors["ends_on"] = ValidationFailed(_l("The last day comes before the first."),
                                             field="ends_on")
    elif first and last and (last - first).days + 1 > LONGEST_DAYS:
        errors["ends_on"] = ValidationFailed(
            _l("A campaign lasts at most %(n)d days.", n=LONGEST_DAYS), field="ends_on")
    if errors:
        raise InvalidFields(errors)
    return checked


def _apply(campaign: Campaign, checked: dict) -> None:
    campaign.title, campaign.theme = checked["title"], checked["theme"]
    campaign.description = checked["description"]
    campaign.host_unit = checked["host"]
    campaign.starts_on, campaign.ends_on = checked["starts_on"], checked["ends_on"]
    campaign.timezone = checked["timezone"]


def create_campaign(within: Reach, values: CampaignValues) -> Campaign:
    """A new campaign (no quiz yet), hosted by a unit within reach."""
    checked = check_campaign(within, values, creating=True)
    campaign = Campaign(slug=checked["slug"])
    _apply(campaign, checked)
    db.session.add(campaign)
    db.session.flush()
    return campaign


def update_campaign(within: Reach, campaign: Campaign, values: CampaignValues) -> Campaign:
    """Change a campaign's title, theme, rules text, host, days and time zone (its
    address stays). Attempts already taken keep their day and their unit's place."""
    require_manage(within, campaign)
    _apply(campaign, check_campaign(within, values, creating=False))
    db.session.flush()
    return campaign


def duplicate_campaign(within: Reach, source: Campaign, *, title: str, slug: str,
                       starts_on: str | dt.date | None,
                       ends_on: str | dt.date | None) -> Campaign:
    """A new campaign with the theme, rules text, host, time zone, quizzes and quiz rules
    of `source` (last year's), and the title, address and days given; nothing of its
    attempts or figures."""
    require_manage(within, source)
    campaign = create_campaign(within, CampaignValues(
        title=title, theme=source.theme, description=source.description,
        host_code=source.host_unit.code if source.host_unit else "", starts_on=starts_on,
        ends_on=ends_on, timezone=source.timezone, slug=slug))
    for quiz in source.quizzes:
        copy = Quiz(title=quiz.title, banks=list(quiz.banks),
                    rules=[QuizRule(type=r.type, category=r.category, count=r.count)
                           for r in quiz.rules],
                    **{name: getattr(quiz, name) for name in QUIZ_SETTINGS})
        campaign.quizzes.append(copy)
    db.session.flush()
    return campaign


#: The quiz columns a copy takes over as they are.
QUIZ_SETTINGS = ("time_limit_seconds", "pass_mark", "attempts_per_day", "points_single",
                 "points_multiple", "points_judge", "partial_credit", "shuffle_options",
                 "shuffle_questions", "review_shows_answers", "review_shows_explanations",
                 "review_shows_correctness", "is_active")


def open_now(within: Reach, campaign: Campaign, today: dt.date) -> Campaign:
    """Open the campaign today (earlier than planned, or again after closing early)."""
    require_manage(within, campaign)
    if campaign.archived_at is not None:
        raise ValidationFailed(_l("An archived campaign cannot be opened; restore it "
                                  "first."))
    if campaign.ends_on < today:
        raise ValidationFailed(_l("The campaign's last day has passed; change its days "
                                  "to open it again."), field="ends_on")
    campaign.starts_on = min(campaign.starts_on, today)
    campaign.closed_at = None
    db.session.flush()
    return campaign


def close_now(within: Reach, campaign: Campaign, now: dt.datetime) -> Campaign:
    """Close the campaign from this moment: no attempt starts; those under way may end."""
    require_manage(within, campaign)
    if campaign.closed_at is None:
        campaign.closed_at = now
    db.session.flush()
    return campaign


def set_archived(within: Reach, campaign: Campaign, archived: bool,
                 now: dt.datetime) -> Campaign:
    """Archive a campaign (closed, off the current lists, its figures kept) or restore it."""
    require_manage(within, campaign)
    if archived and campaign.archived_at is None:
        campaign.archived_at = now
        campaign.closed_at = campaign.closed_at or now
    elif not archived:
        campaign.archived_at = None
    db.session.flush()
    return campaign


def get_managed(within: Reach, slug: str) -> Campaign:
    """The campaign with this slug, if `within` may manage it (404 / 403 otherwise)."""
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if campaign is None or not staff_sees(within, campaign):
        raise NotFound()  # a neighbour's campaign is not revealed
    return require_manage(within, campaign)


def host_choices(within: Reach) -> list[Unit]:
    """The units a campaign may be hosted by: those within reach, not retired, by path."""
    return list(db.session.scalars(
        sa.select(Unit).where(within.units_clause(), Unit.retired_at.is_(None))
        .order_by(Unit.path)))
