"""Logging out, changing the password and disabling an account end every session: the
session cookie, the remember cookie and the API tokens issued before."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import g
from itsdangerous import URLSafeTimedSerializer

from quiz.db import write_transaction
from quiz.services import accounts
from tests.conftest import csrf_from


def _copy_cookies(source, target) -> None:
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def _logged_in(client) -> bool:
    # The `app` fixture keeps one app context for the whole test, and Flask-Login caches the
    # loaded user in `g`: forget it, as every real request starts without it.
    g.pop("_login_user", None)
    return client.get("/me/attempts").status_code == 200


@pytest.fixture
def person(make_user):
    return make_user(password="secret123")


def _login(client, phone, remember=True):
    page = client.get("/auth/login").get_data(as_text=True)
    data = {"phone": phone, "password": "secret123", "csrf_token": csrf_from(page)}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302
    return response


def test_after_logout_the_old_session_cookie_no_longer_logs_in(app, client, person):
    _login(client, person.phone, remember=False)
    stolen = app.test_client()
    _copy_cookies(client, stolen)
    assert _logged_in(stolen)
    client.post("/auth/logout", data={"csrf_token": csrf_from(
        client.get("/me/attempts").get_data(as_text=True))})
    assert not _logged_in(client)
    assert not _logged_in(stolen)


def test_after_logout_the_old_remember_cookie_no_longer_logs_in(app, client, person):
    _login(client, person.phone, remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None
    old_value = remember.value
    client.post("/auth/logout", data={"csrf_token": csrf_from(
        client.get("/me/attempts").get_data(as_text=True))})
    thief = app.test_client()
    thief.set_cookie("remember_token", old_value)
    assert not _logged_in(thief)
    # and logging in again issues a different remember cookie
    _login(client, person.phone, remember=True)
    assert client.get_cookie("remember_token").value != old_value


def test_a_remember_cookie_alone_logs_in_while_the_session_lasts(app, client, person):
    _login(client, person.phone, remember=True)
    fresh = app.test_client()
    fresh.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert _logged_in(fresh)


def test_a_password_change_ends_other_sessions_and_tokens(app, client, person, db):
    _login(client, person.phone)
    token = app.test_client().post("/api/v1/auth/login", json={
        "phone": person.phone, "password": "secret123"}).json["token"]
    with write_transaction():
        accounts.change_password(person, "secret123", "another-secret")
    assert not _logged_in(client)
    api = app.test_client().get("/api/v1/campaigns",
                                headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_a_wrong_current_password_changes_nothing(person, db):
    from quiz.services.errors import BadCredentials

    before = person.session_token
    with pytest.raises(BadCredentials):
        accounts.change_password(person, "wrong", "another-secret")
    assert person.session_token == before and person.check_password("secret123")


def test_disabling_an_account_ends_its_sessions_and_enabling_does_not_revive_them(
        app, client, person, db):
    _login(client, person.phone)
    with write_transaction():
        accounts.set_enabled(person, False)
    assert not _logged_in(client)
    with write_transaction():
        accounts.set_enabled(person, True)
    assert not _logged_in(client)
    _login(client, person.phone)
    assert _logged_in(client)


def test_an_account_disabled_behind_the_apps_back_is_logged_out(app, client, person, db):
    _login(client, person.phone)
    with db.engine.begin() as conn:  # as an admin's SQL or a later console would
        conn.execute(sa.text("UPDATE user_account SET is_enabled = :f WHERE id = :id"),
                     {"f": False, "id": person.id})
    db.session.rollback()  # end the test's own read, which would not see the change
    assert not _logged_in(client)


def test_api_logout_revokes_every_token_and_the_browser_session(app, client, person):
    _login(client, person.phone)
    api = app.test_client()
    first = api.post("/api/v1/auth/login", json={"phone": person.phone,
                                                 "password": "secret123"}).json["token"]
    second = api.post("/api/v1/auth/login", json={"phone": person.phone,
                                                  "password": "secret123"}).json["token"]
    headers = {"Authorization": f"Bearer {first}"}
    assert api.get("/api/v1/campaigns", headers=headers).status_code == 200
    assert api.post("/api/v1/auth/logout", headers=headers).status_code == 204
    for token in (first, second):
        assert api.get("/api/v1/campaigns",
                       headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert not _logged_in(client)


def test_a_token_signed_without_the_session_token_is_refused(app, person):
    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="api-token-v2")
    forged = serializer.dumps({"u": person.id})
    response = app.test_client().get("/api/v1/campaigns",
                                     headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_a_session_id_without_its_token_does_not_log_in(app, person):
    from flask.sessions import SecureCookieSessionInterface

    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    for user_id in (str(person.id), f"{person.id}:", f"{person.id}:{'0' * 32}", "x:y"):
        client = app.test_client()
        client.set_cookie("session", serializer.dumps({"_user_id": user_id, "_fresh": True}))
        assert not _logged_in(client)
