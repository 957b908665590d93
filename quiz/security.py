"""Security on every response and at the doors: headers, cookie flags, the proxy count, and
the rate limits on log-in and registration (docs/security.md says what each is for).

The limits are decorators the auth views and the API share, so a number guessed at on the
page and through the API counts against one budget.
"""

from __future__ import annotations

import hashlib
import math
import time

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter
from .services.accounts import normalize_phone

#: What our own pages load: scripts, styles and images from static/, fetch() to the same
#: origin (the quiz autosave). No inline script or style exists in templates/ or static/js,
#: and none may: that is what makes an injected <script> inert.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors says the same to current browsers; this is for older ones.
    "X-Frame-Options": "DENY",
    # Attempt ids in our URLs are the only key to an attempt: never send them elsewhere.
    # Same-origin requests keep the full referrer, which Flask-WTF checks on HTTPS.
    "Referrer-Policy": "same-origin",
}

#: Sent only with HTTPS_ONLY: a browser that saw it refuses plain HTTP for a year.
HSTS = "max-age=31536000"

#: Longest key kept for a typed mobile number: junk cannot grow the counters' storage.
_KEY_LENGTH = 32


def init_security(app: Flask) -> None:
    """Headers on every response, Secure cookies with HTTPS_ONLY, ProxyFix, the limiter."""
    if app.config.get("HTTPS_ONLY"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True

    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # Only as many X-Forwarded-* hops as there are proxies of ours: a client can put
        # anything in these headers, and the rate limits key on the address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("HTTPS_ONLY"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    # Redis when REDIS_URL is set (one count for every worker and host), else in memory.
    # Neither connects here: the first limited request does.
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_timeouts(app))
    limiter.init_app(app)


# Only the views that `limit_login` and `limit_registration` mark are limited (there are no
# default limits): the limiter's work on every other request (about a twentieth of an
# autosave's CPU) is skipped. Registered once: the limiter is one object for every app.
@limiter.request_filter
def _not_rate_limited() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return not getattr(view, "rate_limited", False)


def _marked(view):
    view.rate_limited = True
    return view


def redis_timeouts(app) -> dict:
    """Socket timeouts for a Redis client (REDIS_TIMEOUT_SECONDS)."""
    seconds = app.config.get("REDIS_TIMEOUT_SECONDS", 1)
    return {"socket_connect_timeout": seconds, "socket_timeout": seconds}


# --- rate limits -------------------------------------------------------------------------


def _setting(name: str):
    """The limit as configured when the request comes (tests lower them on the app)."""
    return lambda: current_app.config[name]


def _account_key() -> str:
    """The mobile number a log-in names, normalised exactly as the log-in looks it up
    (padding or another spelling of the number is the same account); a value too long to
    be a number is kept as its digest, so junk cannot grow the counters' storage."""
    data = request.get_json(silent=True) if request.is_json else request.form
    raw = data.get("phone") if isinstance(data, dict) else None
    if not isinstance(raw, str):
        return ""
    phone = normalize_phone(raw)
    if len(phone) > _KEY_LENGTH:
        return "sha256:" + hashlib.sha256(phone.encode("utf-8", "replace")).hexdigest()
    return phone


def _no_account() -> bool:
    return not _account_key()


def _login_failed(response) -> bool:
    """Wrong number or password: the page answers 422 with the form, the API 401."""
    return response.status_code in (401, 422)


def limit_login(view):
    """Log-in limits: failed attempts per account, every attempt per client address."""
    view = limiter.shared_limit(
        _setting("RATELIMIT_LOGIN_PER_ADDRESS"), scope="login-address", methods=["POST"],
    )(view)
    # Tested before the password is: once limited, even the right one is refused. Only
    # failures count, and a success does not clear them (see docs/security.md).
    return _marked(limiter.shared_limit(
        _setting("RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT"), scope="login-account",
        key_func=_account_key, exempt_when=_no_account, deduct_when=_login_failed,
        methods=["POST"],
    )(view))


def limit_registration(view):
    """Registration limit: every attempt per client address, set high for NATed campuses."""
    return _marked(limiter.shared_limit(
        _setting("RATELIMIT_REGISTER_PER_ADDRESS"), scope="register-address",
        methods=["POST"],
    )(view))


def retry_after_seconds() -> int | None:
    """Seconds until the limit this request ran into lets one through; None if none did."""
    breached = next((lim for lim in limiter.current_limits if lim.breached), None)
    if breached is None:
        return None
    reset_at, _remaining = breached.window  # (not RequestLimit.reset_at: that adds 1 s)
    return max(1, math.ceil(reset_at - time.time()))
