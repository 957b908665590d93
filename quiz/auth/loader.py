"""Flask-Login set-up: loading the user of a session cookie."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in first.")
    login_manager.login_message_category = "info"
