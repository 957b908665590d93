"""The quiz platform: `create_app` builds the Flask application."""

from __future__ import annotations

from flask import Flask

from .config import ROOT, Config
from .http import init_http
from .secret import init_secret_key


def create_app(config: dict | type | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error handlers, commands.

    `config` is a Config subclass or a mapping that overrides the defaults (tests pass one).
    Nothing here touches the database: gunicorn forks its workers after this runs.
    """
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    init_secret_key(app)
    init_http(app)

    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_errors(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import db as _db  # noqa: F401  (installs the SQLite connection tuning)
    from .auth.loader import init_login
    from .caching import init_cache
    from .extensions import babel, csrf, db, migrate
    from .i18n import init_i18n
    from .security import init_security

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file does not go away between requests: no ping before every checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            name: value for name, value in app.config["SQLALCHEMY_ENGINE_OPTIONS"].items()
            if name != "pool_pre_ping"}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    init_i18n(app, babel)
    init_login(app)
    init_security(app)
    init_cache(app)


def register_blueprints(app: Flask) -> None:
    from .api import bp as api_bp
    from .auth import bp as auth_bp
    from .extensions import csrf
    from .health import bp as health_bp
    from .manage import bp as manage_bp
    from .participant import bp as participant_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(participant_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(manage_bp)
    # The API authenticates with bearer tokens, never cookies, so CSRF cannot reach it.
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)


def register_template_helpers(app: Flask) -> None:
    from . import formatting
    from .forms import current_path

    app.add_template_global(current_path)
    formatting.register(app)


def register_errors(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)


def register_cli(app: Flask) -> None:
    from .cli import init_cli

    init_cli(app)
