"""The big screen (大屏): a campaign's figures for a projector, public while switched on.

The page and its JSON read the same cached dict (quiz.services.screen): however many
screens are open, the figures are computed once every caching.SCREEN_SECONDS. The page's
script (static/js/screen.js) asks for the JSON as often and redraws; without it the page
shows the figures it was sent with.
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template

from .. import caching
from ..clock import now
from ..services import screen as screen_service
from . import bp


def _refresh_seconds() -> int:
    # SCREEN_REFRESH_SECONDS is for tests that cannot wait half a minute.
    return int(current_app.config.get("SCREEN_REFRESH_SECONDS") or caching.SCREEN_SECONDS)


@bp.route("/c/<slug>/screen")
def screen(slug: str):
    data = screen_service.cached_screen_data(slug, now())
    response = current_app.make_response(render_template(
        "participant/screen.html", data=data, refresh=_refresh_seconds()))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/c/<slug>/screen.json")
def screen_json(slug: str):
    """The page's figures (a helper of the page, not part of /api/v1)."""
    response = jsonify(screen_service.cached_screen_data(slug, now()))
    # Kept on the server, not in browsers or proxies: each screen asks it, it answers fresh.
    response.headers["Cache-Control"] = "no-cache"
    return response
