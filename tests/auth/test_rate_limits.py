"""Rate limits on log-in and registration: a password cannot be guessed at, and a school behind
one NAT address still registers on campaign morning (quiz/security.py, docs/security.md)."""

from __future__ import annotations

import re
import socket
import time

import pytest
from flask import g
from limits import parse

from quiz import create_app
from quiz.config import Config
from quiz.extensions import db, limiter
from tests.conftest import AuthActions, csrf_from

ADDRESS = {"REMOTE_ADDR": "10.1.2.3"}
OTHER_ADDRESS = {"REMOTE_ADDR": "10.9.9.9"}


@pytest.fixture(autouse=True)
def fresh_limits(app):
    """Every test starts with no hits counted, whatever the storage."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def another_app(app):
    """Make apps on the same database with other settings (the limiter counts afresh)."""
    made = []

    def make(**settings):
        made.append(create_app({**app.config, "RATELIMIT_STORAGE_URI": None, **settings}))
        return made[-1]

    yield make
    for other in made:  # their own connection pools (PostgreSQL warns of open ones)
        with other.app_context():
            db.engine.dispose()


def logged_in(client) -> bool:
    g.pop("_login_user", None)  # Flask-Login caches the user on the test's app context
    return client.get("/me/attempts").status_code == 200


def api_login(client, phone, password="secret123", environ=ADDRESS, **headers):
    return client.post("/api/v1/auth/login", json={"phone": phone, "password": password},
                       environ_base=environ, headers=headers)


def api_register(client, i, environ=ADDRESS, unit_code="U1"):
    return client.post("/api/v1/auth/register", environ_base=environ, json={
        "name": f"学员{i}", "phone": f"137{i:08d}", "password": "secret123",
        "unit_code": unit_code})


def wait_minutes(text: str) -> int:
    match = re.search(r"请 (\d+) 分钟后再试", text)
    assert match, text
    return int(match.group(1))


# --- per account -----------------------------------------------------------------------


def test_ten_wrong_passwords_then_even_the_right_one_is_refused_with_the_wait(
        client, make_user):
    user = make_user(phone="13900000001")
    auth = AuthActions(client)
    # However the number is typed, it is one account.
    spellings = ["13900000001", "+86 139 0000 0001", "139-0000-0001", "0086 13900000001"]
    for i in range(10):
        assert auth.login(spellings[i % 4], "wrong-password").status_code == 422
    response = auth.login(user.phone, "secret123")
    assert response.status_code == 429
    assert wait_minutes(response.get_data(as_text=True)) == 15
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    assert not logged_in(client)
    # The page itself still shows (only attempts are counted and refused).
    assert client.get("/auth/login").status_code == 200


def test_the_limit_lifts_when_the_window_has_passed(app, client, make_user, monkeypatch):
    user = make_user()
    auth = AuthActions(client)
    for _ in range(10):
        auth.login(user.phone, "wrong-password")
    assert auth.login(user.phone).status_code == 429
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)  # limits' memory storage reads time.time
    assert auth.login(user.phone).status_code == 302
    assert logged_in(client)


def test_another_account_from_the_same_address_is_not_affected(app, make_user):
    victim, other = make_user(), make_user()
    client = app.test_client()
    for _ in range(10):
        api_login(client, victim.phone, "wrong-password")
    assert api_login(client, victim.phone).status_code == 429
    assert api_login(client, other.phone).status_code == 200
    # Nor does a log-in without a number count against anyone (it has no account key).
    for _ in range(15):
        assert api_login(client, "", "wrong-password").status_code == 401
    assert api_login(client, other.phone).status_code == 200
    assert AuthActions(app.test_client()).login(other.phone).status_code == 302


@pytest.mark.parametrize("spelling", [" " * 64 + "{p}", "{p}" + " " * 100, "+86 {p}",
                                      "{fw}", "(" * 40 + "{p}"])
def test_every_spelling_of_a_number_counts_against_the_same_account(app, make_user, spelling):
    """Padding or re-spelling the number must not open a fresh budget of guesses."""
    user = make_user()
    full_width = user.phone.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    client = app.test_client()
    for n in range(10):
        typed = (spelling if n % 2 else "{p}").format(p=user.phone, fw=full_width)
        assert api_login(client, typed, "wrong-password").status_code == 401
    assert api_login(client, spelling.format(p=user.phone, fw=full_width)).status_code == 429
    assert api_login(client, user.phone).status_code == 429


def test_a_successful_log_in_does_not_clear_the_failures(app, make_user):
    # Else an attacker would get ten new guesses each time the owner logs in.
    user = make_user()
    for _ in range(9):
        assert api_login(app.test_client(), user.phone, "wrong-password").status_code == 401
    assert api_login(app.test_client(), user.phone).status_code == 200
    assert api_login(app.test_client(), user.phone, "wrong-password").status_code == 401
    assert api_login(app.test_client(), user.phone).status_code == 429


def test_the_api_and_the_page_share_one_budget_per_account(app, make_user):
    user = make_user()
    auth = AuthActions(app.test_client())
    for _ in range(5):
        assert auth.login(user.phone, "wrong-password").status_code == 422
        assert api_login(app.test_client(), user.phone, "wrong-password").status_code == 401
    response = api_login(app.test_client(), user.phone, **{"Accept-Language": "zh-CN"})
    assert response.status_code == 429
    error = response.json["error"]
    assert error["code"] == "too_many_requests"
    assert wait_minutes(error["message"]) == 15
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    english = api_login(app.test_client(), user.phone, **{"Accept-Language": "en"})
    assert english.json["error"]["message"] == (
        "Too many requests. Please try again in 15 minutes.")
    assert auth.login(user.phone).status_code == 429


# --- per address -----------------------------------------------------------------------


def test_the_default_per_address_limits_let_a_campus_through():
    for setting in ("RATELIMIT_REGISTER_PER_ADDRESS", "RATELIMIT_LOGIN_PER_ADDRESS"):
        item = parse(getattr(Config, setting))
        assert item.amount / item.get_expiry() >= 500 / 600, setting
    account = parse(Config.RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT)
    assert (account.amount, account.get_expiry()) == (10, 15 * 60)


def test_300_registrations_from_one_address_pass(app, make_unit, monkeypatch):
    # Hashing 300 passwords properly takes a while; what is counted here is the requests.
    monkeypatch.setattr("quiz.models.user.generate_password_hash",
                        lambda password: f"plain${password}")
    make_unit(code="U1")
    client = app.test_client()
    for i in range(300):
        assert api_register(client, i).status_code == 201, i
    # ... and the same address may still register on the page.
    page = client.get("/auth/register", environ_base=ADDRESS).get_data(as_text=True)
    response = client.post("/auth/register", environ_base=ADDRESS, data={
        "name": "页面学员", "phone": "13600000000", "password": "secret123",
        "unit_code": "U1", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    # All 301 were counted, page and API together, and passed under the default limit.
    item = parse(app.config["RATELIMIT_REGISTER_PER_ADDRESS"])
    _, remaining = limiter.limiter.get_window_stats(
        item, app.config["RATELIMIT_KEY_PREFIX"], ADDRESS["REMOTE_ADDR"], "register-address")
    assert remaining == item.amount - 301


def test_registrations_per_address_stop_at_the_configured_limit(app, make_unit):
    app.config["RATELIMIT_REGISTER_PER_ADDRESS"] = "5 per 10 minutes"
    make_unit(code="U1")
    client = app.test_client()
    for i in range(5):
        assert api_register(client, i).status_code == 201
    refused = api_register(client, 5)
    assert refused.status_code == 429
    assert wait_minutes(refused.json["error"]["message"]) == 10
    assert "Retry-After" in refused.headers
    # The page counts against the same budget; another address does not.
    page = client.get("/auth/register", environ_base=ADDRESS)
    assert page.status_code == 200  # showing the form is not an attempt
    response = client.post("/auth/register", environ_base=ADDRESS, data={
        "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 429
    assert api_register(client, 6, environ=OTHER_ADDRESS).status_code == 201


def test_log_ins_per_address_stop_at_the_configured_limit(app, make_user):
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "4 per 10 minutes"
    users = [make_user() for _ in range(5)]
    client = app.test_client()
    for user in users[:4]:
        assert api_login(client, user.phone).status_code == 200
    assert api_login(client, users[4].phone).status_code == 429
    assert api_login(client, users[4].phone, environ=OTHER_ADDRESS).status_code == 200


def test_forwarded_for_is_ignored_unless_proxies_are_configured(app, make_unit):
    make_unit(code="U1")
    app.config["RATELIMIT_REGISTER_PER_ADDRESS"] = "2 per 10 minutes"
    client = app.test_client()
    for i in range(2):
        assert api_register(client, i).status_code == 201
    # A client cannot dodge the limit by naming another address itself...
    forged = client.post("/api/v1/auth/register", environ_base=ADDRESS,
                         headers={"X-Forwarded-For": "203.0.113.7"},
                         json={"name": "x", "phone": "13700009999", "password": "secret123",
                               "unit_code": "U1"})
    assert forged.status_code == 429


def test_behind_one_proxy_the_forwarded_address_is_the_client(app, make_unit, another_app):
    make_unit(code="U1")
    proxied = another_app(PROXY_COUNT=1,
                          RATELIMIT_REGISTER_PER_ADDRESS="2 per 10 minutes")
    client = proxied.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def register(i, client_address):
        return client.post("/api/v1/auth/register", environ_base=proxy,
                           headers={"X-Forwarded-For": client_address,
                                    "X-Forwarded-Proto": "https"},
                           json={"name": "x", "phone": f"137{i:08d}", "password": "secret123",
                                 "unit_code": "U1"})

    assert register(1, "198.51.100.1").status_code == 201
    assert register(2, "198.51.100.1").status_code == 201
    assert register(3, "198.51.100.1").status_code == 429
    # Another client behind the same proxy has its own count.
    assert register(4, "198.51.100.2").status_code == 201


# --- storage ---------------------------------------------------------------------------


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


#: A database of its own: `limiter.reset()` clears the limiter's keys in it.
REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_url_the_counts_are_kept_in_redis(app, make_user, another_app):
    from limits.storage import RedisStorage

    shared = another_app(REDIS_URL=REDIS_TEST_URL)
    assert isinstance(limiter.storage, RedisStorage)
    limiter.reset()
    try:
        user = make_user()
        client = shared.test_client()
        for _ in range(10):
            assert api_login(client, user.phone, "wrong-password").status_code == 401
        # A second app (another worker, another host) sees the same count.
        another_app(REDIS_URL=REDIS_TEST_URL)
        assert api_login(client, user.phone).status_code == 429
        keys = limiter.storage.get_connection().keys("LIMITS:*quiz*")
        assert any(user.phone.encode() in key for key in keys), keys
    finally:
        limiter.reset()


def test_without_redis_url_the_counts_are_kept_in_memory(app):
    from limits.storage import MemoryStorage

    assert isinstance(limiter.storage, MemoryStorage)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_with_redis_down_log_ins_are_still_answered_and_limited_in_memory(
        app, make_user, another_app):
    # Port 1 on loopback: connection refused at once.
    down = another_app(REDIS_URL="redis://127.0.0.1:1/0")
    try:
        user = make_user()
        client = down.test_client()
        for _ in range(10):
            assert api_login(client, user.phone, "wrong-password").status_code == 401
        assert api_login(client, user.phone).status_code == 429
    finally:
        # Give the shared limiter back its memory storage for the fixture's reset.
        limiter._storage_dead = False
        limiter.init_app(app)


def test_only_log_in_and_registration_are_limited_and_nothing_else_by_default(app):
    """The limiter skips every view not marked by quiz.security's decorators (its work on
    each request was a twentieth of an autosave): a default or application limit, which
    that would switch off, must not be configured."""
    marked = {endpoint for endpoint, view in app.view_functions.items()
              if getattr(view, "rate_limited", False)}
    assert marked == {"auth.login", "auth.register", "api.login", "api.register"}
    for name in ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"):
        assert not app.config.get(name), name
