"""Every cache key and timeout, in one place (as CTFd keeps its own), and the cache's setup.

The cache holds figures computed from the database for a short time, so that many readers
of the same page (every projector showing a big screen) cost one computation per period,
not one per request. It is never the only copy of anything: losing it costs a recount.

Backend: Redis when REDIS_URL is set (one copy shared by every worker and host, as the rate
limits are), else each worker's memory (SimpleCache: each worker computes once per period).
Neither connects when the app is built: the first read does.

Freshness is judged against quiz.clock.now(), not only by the backend's own timer: each
entry carries the moment it was computed, and an entry older than its period is computed
again. The backend's timeout (the same period) only frees the memory; the check here is
what tests can drive with their clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from flask import Flask

from .extensions import cache

log = logging.getLogger(__name__)

#: A big screen's figures (/c/<slug>/screen and its JSON) are at most this old; the page
#: asks for them again as often.
SCREEN_SECONDS = 30


def screen_key(slug: str) -> str:
    """The key of a campaign's big-screen figures."""
    return f"screen:{slug}"


#: "已有 N 人参与" on a campaign's page: read by every visitor at 9:00, so counted at most
#: this often.
TAKING_PART_SECONDS = 60


def taking_part_key(slug: str) -> str:
    """The key of the number of people who have taken part in a campaign."""
    return f"taking-part:{slug}"


#: The figures the API gives organizers (/campaigns/<slug>/stats, /stats/daily and the unit
#: leaderboard) are at most this old by default (STATS_CACHE_SECONDS; 0: not kept): every
#: township's dashboard polling at 9:00 costs one computation per unit and period.
FIGURES_SECONDS = 10


def figures_seconds(app: Flask) -> int:
    """STATS_CACHE_SECONDS, or FIGURES_SECONDS when it is not set."""
    seconds = app.config.get("STATS_CACHE_SECONDS")
    return FIGURES_SECONDS if seconds is None else int(seconds)


def figures_key(view: str, campaign_id: int, unit_id: int, period, options: dict) -> str:
    """The key of one figures answer: the view, its campaign, unit, period and options."""
    span = "all" if period is None else f"{period.first.isoformat()}..{period.last.isoformat()}"
    extra = "&".join(f"{name}={options[name]}" for name in sorted(options))
    return f"figures:{view}:{campaign_id}:{unit_id}:{span}:{extra}"


def init_cache(app: Flask) -> None:
    """Bind `cache`: RedisCache with REDIS_URL, SimpleCache otherwise (unless configured)."""
    if not app.config.get("CACHE_TYPE"):
        redis_url = app.config.get("REDIS_URL")
        app.config["CACHE_TYPE"] = "RedisCache" if redis_url else "SimpleCache"
        if redis_url:
            from .security import redis_timeouts

            app.config.setdefault("CACHE_REDIS_URL", redis_url)
            app.config.setdefault("CACHE_OPTIONS", redis_timeouts(app))
    app.config.setdefault("CACHE_KEY_PREFIX", "quiz:cache:")
    app.config.setdefault("CACHE_DEFAULT_TIMEOUT", SCREEN_SECONDS)
    cache.init_app(app)


def fresh_or_compute(key: str, seconds: int, now: dt.datetime,
                     compute: Callable[[], dict]) -> dict:
    """The value kept under `key` if it was computed less than `seconds` before `now`;
    otherwise `compute()`'s, kept for the next readers.

    A cache that cannot be reached (Redis down) is skipped: the figures are computed for
    this request, as they would be without a cache, rather than the page failing. With
    `seconds` 0 nothing is kept.
    """
    if seconds <= 0:
        return compute()
    try:
        kept = cache.get(key)
    except Exception:  # whatever the backend raises: go without it
        log.warning("cache unavailable, reading %s from the database", key, exc_info=True)
        return compute()
    if isinstance(kept, dict) and _is_fresh(kept.get("at"), seconds, now):
        return kept["value"]
    value = compute()
    try:
        cache.set(key, {"at": now, "value": value}, timeout=seconds)
    except Exception:  # as above
        log.warning("cache unavailable, %s not kept", key, exc_info=True)
    return value


def forget(key: str) -> None:
    """Drop what is kept under `key` (after a change the readers must see at once)."""
    try:
        cache.delete(key)
    except Exception:  # as above
        log.warning("cache unavailable, %s not dropped", key, exc_info=True)


def _is_fresh(at, seconds: int, now: dt.datetime) -> bool:
    # A moment after `now` means the clock went back (a test's, or a host's): recompute.
    return isinstance(at, dt.datetime) and dt.timedelta(0) <= now - at < dt.timedelta(
        seconds=seconds)
