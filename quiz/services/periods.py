"""Periods of a campaign: days in its time zone, as typed in a form, an address or a
command (2026-06-01, 2026/6/1, 2026年6月1日, full-width digits too)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..models import Campaign
from .errors import InvalidFields, ValidationFailed


@dataclass(frozen=True)
class Period:
    """Days from `first` to `last`, both included, in the campaign's time zone."""

    first: dt.date
    last: dt.date

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n)
                for n in range((self.last - self.first).days + 1)]


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_day(text: str | None, field_name: str) -> dt.date | None:
    """A day typed as 2026-06-01, 2026/6/1 or 2026年6月1日 (full-width digits too)."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        return None
    match = _DATE_RE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationFailed(_l("“%(value)s” is not a date; write it as 2026-06-01.",
                                  value=text), field=field_name) from None


def parse_period(campaign: Campaign, first: str | None, last: str | None) -> Period | None:
    """The period named by two typed days of the campaign (either may be left out: the
    campaign's first or last day is meant); None when neither is given (the whole campaign).
    """
    errors = {}
    days = {}
    for name, text in (("from", first), ("to", last)):
        try:
            days[name] = parse_day(text, name)
        except ValidationFailed as error:
            errors[name] = error
            continue
        day = days[name]
        if day is not None and not campaign.starts_on <= day <= campaign.ends_on:
            # A period is days of the campaign: beyond them there is nothing to count, and
            # a range of decades would be a table of thousands of days.
            errors[name] = ValidationFailed(
                _l("%(day)s is outside the campaign, which runs from %(first)s to %(last)s.",
                   day=day.isoformat(), first=campaign.starts_on.isoformat(),
                   last=campaign.ends_on.isoformat()), field=name)
    if errors:
        raise InvalidFields(errors)
    if days["from"] is None and days["to"] is None:
        return None
    period = Period(days["from"] or campaign.starts_on, days["to"] or campaign.ends_on)
    if period.last < period.first:
        raise ValidationFailed(_l("The period ends before it begins."), field="to")
    return period


def monday_of(day: dt.date) -> dt.date:
    """The Monday of the calendar (ISO) week of `day`: how the week rows are keyed."""
    return day - dt.timedelta(days=day.weekday())


def whole_weeks(campaign: Campaign, period: Period) -> tuple[dt.date, dt.date] | None:
    """(the first Monday, the last Monday) when the period is whole calendar weeks of the
    campaign, Monday to Sunday, the first and last clipped to the campaign's days (this
    week's figures in its first days); None when it is not."""
    first, last = monday_of(period.first), monday_of(period.last)
    starts = max(first, campaign.starts_on)
    ends = min(last + dt.timedelta(days=6), campaign.ends_on)
    if (period.first, period.last) != (starts, ends):
        return None
    return first, last


def this_week(campaign: Campaign, today: dt.date) -> Period | None:
    """Monday to Sunday of `today`'s week, within the campaign's days; None when today is
    not a day of the campaign (before it or after it there is no "this week" to show)."""
    if not campaign.starts_on <= today <= campaign.ends_on:
        return None
    monday = monday_of(today)
    return Period(max(monday, campaign.starts_on),
                  min(monday + dt.timedelta(days=6), campaign.ends_on))


def campaign_days(campaign: Campaign, today: dt.date, period: Period | None = None
                  ) -> list[dt.date]:
    """The days a daily table shows: the period, or the campaign's days up to today."""
    if period is not None:
        return period.days()
    last = min(campaign.ends_on, max(today, campaign.starts_on))
    return Period(campaign.starts_on, last).days()
