"""The key that signs sessions, remember cookies, CSRF and API tokens.

`SECRET_KEY` from the environment wins (several hosts must share one). Without it, a random
key is made on first start and kept in `instance/secret_key` (mode 600), so `make run` works
with no set-up and no two installations share a key. Known or short keys are refused: with a
published key anyone can sign a session cookie for any user.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Keys that have been in code or documentation somewhere; never accepted.
KNOWN_WEAK_KEYS = frozenset({
    "dev-only-change-me", "dev", "development", "secret", "secret-key", "secret_key",
    "changeme", "change-me", "change_me", "test", "testing", "default", "flask", "quiz",
    "your-secret-key", "please-change-me",
})
MIN_KEY_LENGTH = 16
KEY_FILE_NAME = "secret_key"


class WeakSecretKey(RuntimeError):
    """The configured SECRET_KEY is known or too short; the app refuses to start."""


def check_key(key: str | bytes) -> None:
    """Raise WeakSecretKey unless `key` is long and not a known one."""
    text = key.decode("utf-8", "replace") if isinstance(key, bytes) else key
    if text.strip().lower() in KNOWN_WEAK_KEYS or len(text.strip()) < MIN_KEY_LENGTH:
        raise WeakSecretKey(
            f"SECRET_KEY is a known or short value (under {MIN_KEY_LENGTH} characters): "
            "anyone could sign sessions with it. Set a long random SECRET_KEY, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`, or unset it "
            "to use the key kept in instance/secret_key."
        )


def instance_key(instance_path: str | Path) -> str:
    """The key kept under the instance folder, made (mode 600) on first use.

    Several workers may start at once: the key is written to a private temporary file and
    linked into place, so every worker reads the same complete key.
    """
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / KEY_FILE_NAME
    if not path.exists():
        temporary = folder / f".{KEY_FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker was first: use its key
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


def init_secret_key(app) -> None:
    """Set app.secret_key from the environment or the instance file, refusing weak keys."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_key(app.instance_path)
    check_key(app.config["SECRET_KEY"])
