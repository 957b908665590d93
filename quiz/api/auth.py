"""Bearer tokens for app and mini-program clients, which keep no cookies.

A token is signed, not stored: checking it costs no write. It names the user and their
session token (quiz.models.User.session_token), so logging out, changing the password or
being disabled ends every token issued before, as it ends every session cookie.
"""

from __future__ import annotations

import functools

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..loading import load
from ..models import User
from ..services.accounts import PasswordChangeRequired
from ..services.errors import Unauthorized

_SALT = "api-token-v2"  # v1 tokens named a piece of the password hash; they are refused


#: What a user who must replace a temporary password may still do through the API.
PASSWORD_CHANGE_OPEN = frozenset({"api.logout"})


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_token(user: User) -> str:
    """A bearer token for `user`."""
    return _serializer().dumps({"u": user.id, "s": user.session_token})


def user_from_token(token: str) -> User | None:
    """The user a valid, unexpired token names, if still enabled with the same password."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = load(User, data["u"])  # its unit read where needed (a start: load_related)
    if user is None or not user.is_enabled or not user.has_session_token(str(data.get("s"))):
        return None
    return user


def token_required(view):
    """Run the view with `g.api_user` set from the Authorization header, else 401."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        user = user_from_token(token.strip()) if scheme.lower() == "bearer" else None
        if user is None:
            raise Unauthorized()
        # A temporary password (a reset, a roster's one-time code) is replaced on the page
        # first: the API has no endpoint for it, so it serves nothing but logging out.
        if user.must_change_password and request.endpoint not in PASSWORD_CHANGE_OPEN:
            raise PasswordChangeRequired()
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper
