"""The request's clock: one place to ask "now", so tests can set it."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from .timeutil import utcnow


def now() -> dt.datetime:
    """Naive UTC now; the `QUIZ_CLOCK` setting (a callable) replaces it in tests."""
    clock = current_app.config.get("QUIZ_CLOCK")
    return clock() if clock else utcnow()


def grace() -> int:
    return current_app.config["QUIZ_GRACE_SECONDS"]
