"""Settings, read from the environment once, when the app is created."""

import os
from pathlib import Path

#: The project root: templates/, static/, translations/ and instance/ live here.
ROOT = Path(__file__).resolve().parent.parent


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Config:
    """Production-like defaults; every value can come from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
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
    #: Lifetime of an API bearer token.
    API_TOKEN_MAX_AGE = int(os.environ.get("API_TOKEN_MAX_AGE", str(30 * 24 * 3600)))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a quiz may stay open on a phone for a long time
    #: A bank file may be 20 MB (question_bank.model.MAX_FILE_BYTES); the rest is the form.
    MAX_CONTENT_LENGTH = 21 * 1024 * 1024


class TestingConfig(Config):
    """Settings for the test suite; the database URL is given by the fixtures."""

    TESTING = True
    SECRET_KEY = "test"
    WTF_CSRF_ENABLED = True
