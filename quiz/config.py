"""Settings, read from the environment once, when the app is created."""

import os
import secrets
from pathlib import Path

#: The project root: templates/, static/, translations/ and instance/ live here.
ROOT = Path(__file__).resolve().parent.parent


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Config:
    """Production-like defaults; every value can come from the environment."""

    #: Unset: a random key kept in instance/secret_key (see quiz/secret.py). Several hosts
    #: behind one address must share a key: set it on all of them.
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", _sqlite_url(ROOT / "instance" / "quiz.sqlite3")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    #: Catalogs: translations/zh/ serves zh_CN (Babel reads zh_CN as zh_Hans_CN, and gettext
    #: falls back from that to zh, never to zh_CN).
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    #: Locales the UI is complete in; the first is the default.
    LANGUAGES = ("zh_CN", "en")
    #: Seconds after a deadline in which a save or submit is still accepted (network latency).
    QUIZ_GRACE_SECONDS = int(os.environ.get("QUIZ_GRACE_SECONDS", "5"))
    #: The address people's phones reach the site at (e.g. https://quiz.example.gov.cn),
    #: written into the QR posters' links. Unset: the address of the poster page's request,
    #: with a warning on the page (quiz.services.posters.public_base).
    PUBLIC_URL = (os.environ.get("PUBLIC_URL") or "").strip() or None
    #: Lifetime of an API bearer token.
    API_TOKEN_MAX_AGE = int(os.environ.get("API_TOKEN_MAX_AGE", str(30 * 24 * 3600)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a quiz may stay open on a phone for a long time
    #: A bank file may be 20 MB (question_bank.model.MAX_FILE_BYTES); the rest is the form.
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024

    # --- security: headers, cookies, proxies, rate limits (quiz/security.py) -------------
    #: The site is reached over HTTPS only (turn on behind TLS): the session and remember-me
    #: cookies get the Secure flag and responses carry Strict-Transport-Security.
    HTTPS_ONLY = os.environ.get("HTTPS_ONLY", "").lower() in ("1", "true", "yes", "on")
    #: Reverse proxies of ours in front that set X-Forwarded-For and X-Forwarded-Proto;
    #: 0 trusts no such header (a client could forge them to dodge the rate limits).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    #: Rate-limit counters in Redis, shared by every worker and host; unset: in each
    #: worker's memory (then every worker counts on its own).
    REDIS_URL = os.environ.get("REDIS_URL") or None
    #: Seconds to wait for Redis to connect or to answer before going on without it (the
    #: limits count in memory, the cache is skipped): a Redis that hangs must not hang every
    #: request with it.
    REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "1"))
    RATELIMIT_ENABLED = True
    #: A moving window: "10 per 15 minutes" never lets 20 through around a window's edge.
    RATELIMIT_STRATEGY = "moving-window"
    #: Redis down: count in memory until it is back, rather than refuse every log-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_KEY_PREFIX = "quiz"
    #: Failed log-ins per mobile number, wherever they come from (page and API together):
    #: ten guesses per quarter hour is nothing against a password, and a person who mistypes
    #: ten times waits at most 15 minutes.
    RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT = os.environ.get(
        "RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT", "10 per 15 minutes")
    #: Every log-in and registration attempt per client address (each may hash a password,
    #: about 0.3 s of a core). A whole school or enterprise comes from one NAT address on
    #: campaign morning, hundreds within minutes: 1,000 per 10 minutes (one every 0.6 s,
    #: for ten minutes on end) lets that through, while one address at the cap keeps at
    #: most about half a core hashing. Raise it for a larger organisation behind one address.
    RATELIMIT_LOGIN_PER_ADDRESS = os.environ.get(
        "RATELIMIT_LOGIN_PER_ADDRESS", "1000 per 10 minutes")
    RATELIMIT_REGISTER_PER_ADDRESS = os.environ.get(
        "RATELIMIT_REGISTER_PER_ADDRESS", "1000 per 10 minutes")

    # --- the cache of computed figures (quiz/caching.py holds its keys and periods) ------
    #: Unset: RedisCache at REDIS_URL when that is set (shared by every worker, as the rate
    #: limits are), else SimpleCache in each worker's memory.
    CACHE_TYPE = os.environ.get("CACHE_TYPE") or None
    #: How many seconds old the API's figures for organizers may be; unset: the default
    #: of quiz.caching.FIGURES_SECONDS; 0: computed at every request.
    STATS_CACHE_SECONDS = (int(os.environ["STATS_CACHE_SECONDS"])
                           if os.environ.get("STATS_CACHE_SECONDS") else None)


class TestingConfig(Config):
    """Settings for the test suite; the database URL is given by the fixtures."""

    TESTING = True
    SECRET_KEY = "test-only-" + secrets.token_hex(16)
    WTF_CSRF_ENABLED = True
    #: The suite never depends on a developer's Redis; each test app counts afresh in memory.
    REDIS_URL = None
    #: Each test app has a cache of its own, in memory.
    CACHE_TYPE = "SimpleCache"
    #: Figures read right after a submit must show it; the cache's own tests turn it on.
    STATS_CACHE_SECONDS = 0
    HTTPS_ONLY = False
    PROXY_COUNT = 0
    #: A developer's PUBLIC_URL never leaks into the posters' tests.
    PUBLIC_URL = None
