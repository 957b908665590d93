"""A temporary password first: someone logged in with one (an organizer's reset, a
roster's one-time code) is sent to choose their own before any other page.

Pages only: the JSON API refuses such a user in `quiz.api.auth.token_required` (403,
`password_change_required`). Logging out, static files and the change page stay open.
"""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from ..forms import current_path
from . import bp

#: Endpoints a person with a temporary password may still reach.
OPEN_ENDPOINTS = frozenset({"static", "auth.new_password", "auth.logout", "health.healthz",
                            "health.favicon"})


@bp.before_app_request
def _temporary_password_first():
    endpoint = request.endpoint
    # Before current_user: static files and unknown paths cost no session lookup.
    if endpoint is None or endpoint in OPEN_ENDPOINTS or request.blueprint == "api":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        target = current_path() if request.method == "GET" else None
        return redirect(url_for("auth.new_password", next=target))
    return None
