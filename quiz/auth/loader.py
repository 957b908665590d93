"""Flask-Login set-up: loading the user of a session cookie."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import login_manager
from ..loading import load_chain
from ..models import User


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session or remember cookie, if its session token is still current."""
    user_id, _, token = (session_id or "").partition(":")
    if not user_id.isascii() or not user_id.isdigit() or len(user_id) > 18 or not token:
        return None
    user = load_chain(User, int(user_id), "unit")
    if user is None or not user.is_enabled or not user.has_session_token(token):
        return None
    return user


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in first.")
    login_manager.login_message_category = "info"
