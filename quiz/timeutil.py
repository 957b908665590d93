"""Time helpers: stored times are naive UTC (`*_at` columns); days are in a campaign's zone."""

import datetime as dt
from zoneinfo import ZoneInfo


def utcnow() -> dt.datetime:
    """The current time as naive UTC, the form every `*_at` column stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def local_date(moment: dt.datetime, tz_name: str) -> dt.date:
    """The calendar date of a naive-UTC moment in the time zone `tz_name`."""
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz_name)).date()


def to_local(moment: dt.datetime, tz_name: str) -> dt.datetime:
    """A naive-UTC moment as an aware datetime in `tz_name`, for display."""
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(tz_name))


def isoformat_utc(moment: dt.datetime) -> str:
    """ISO 8601 with an explicit Z, for JSON."""
    return moment.replace(microsecond=0).isoformat() + "Z"
