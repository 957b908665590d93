"""The signing key: never a constant from the code, made on first start, weak keys refused."""

from __future__ import annotations

import os
import stat

import pytest
from flask.sessions import SecureCookieSessionInterface

from quiz import create_app
from quiz.secret import WeakSecretKey, check_key, instance_key
from tests.conftest import _config_dict


def test_a_key_is_made_once_with_mode_600_and_kept(tmp_path):
    first = instance_key(tmp_path / "instance")
    path = tmp_path / "instance" / "secret_key"
    assert len(first) >= 48
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert instance_key(tmp_path / "instance") == first
    assert instance_key(tmp_path / "other") != first


@pytest.mark.parametrize("key", ["dev-only-change-me", "test", "secret", "short-key",
                                 " CHANGEME "])
def test_known_or_short_keys_refuse_to_start(key):
    with pytest.raises(WeakSecretKey):
        check_key(key)
    with pytest.raises(WeakSecretKey):
        create_app({**_config_dict(), "SECRET_KEY": key})


def test_a_long_random_key_is_accepted():
    check_key("k" * 8 + os.urandom(16).hex())


def test_the_old_default_key_cannot_forge_an_admin_session(app, make_user):
    from quiz.models import Role

    admin = make_user(role=Role.admin)
    forger = create_app({**_config_dict(), "SECRET_KEY": "x" * 40})
    forger.secret_key = "dev-only-change-me"  # what anyone could read in the old code
    cookie = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(
        {"_user_id": admin.get_id(), "_fresh": True})
    client = app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/manage/banks").status_code == 302  # sent to log in


def test_the_default_config_has_no_key_of_its_own():
    from quiz.config import Config

    assert not os.environ.get("SECRET_KEY") or Config.SECRET_KEY == os.environ["SECRET_KEY"]
    if not os.environ.get("SECRET_KEY"):
        assert Config.SECRET_KEY is None
