"""Locale choice: `?lang=` (remembered in the session), else the browser's, else zh_CN."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session

_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "zh_hans": "zh_CN", "en": "en"}


def _normalise(tag: str | None) -> str | None:
    if not tag:
        return None
    tag = tag.strip().lower().replace("-", "_")
    return _ALIASES.get(tag) or _ALIASES.get(tag.split("_")[0])


def select_locale() -> str:
    """The locale for this request (the default outside requests: commands, jobs)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    choice = _normalise(request.args.get("lang"))
    if choice:
        if session.get("lang") != choice and not request.path.startswith("/api/"):
            session["lang"] = choice
        return choice
    remembered = _normalise(session.get("lang")) if not request.path.startswith("/api/") else None
    if remembered:
        return remembered
    for tag, _quality in request.accept_languages:
        locale = _normalise(tag)
        if locale:
            return locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def init_i18n(app, babel) -> None:
    babel.init_app(app, locale_selector=select_locale)

    # Flask-Babel caches the locale on the app context; one that outlives a request (a
    # script or test driving several requests) must not carry the last request's choice.
    from flask_babel import refresh

    app.before_request(refresh)

    @app.context_processor
    def _locale_context():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale())}
