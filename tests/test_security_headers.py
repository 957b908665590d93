"""Every response carries the security headers (quiz/security.py); cookies are Secure only
where the site is served over HTTPS (HTTPS_ONLY)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from quiz import create_app
from quiz.config import ROOT
from quiz.extensions import db, limiter
from quiz.models import Role
from tests.conftest import csrf_from

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy")
    assert policy, f"no Content-Security-Policy on {response.request.path}"
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.path, name)
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    script = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert not any(source in ("*", "data:", "http:", "https:") for source in script)
    # Our pages need nothing beyond their own origin: no inline style, no data: image.
    for directive in ("style-src", "img-src", "connect-src"):
        assert csp.get(directive, csp["default-src"]) == ["'self'"], directive


@pytest.fixture
def staff_client(app, make_user, auth):
    organizer = make_user(role=Role.organizer)
    assert auth.login(organizer.phone).status_code == 302
    return auth.client


def test_an_html_page_has_the_headers(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert_secure_headers(response)


def test_a_404_page_has_the_headers(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert_secure_headers(response)


def test_api_json_has_the_headers(client, make_unit):
    make_unit()
    response = client.get("/api/v1/units")
    assert response.status_code == 200 and response.is_json
    assert_secure_headers(response)


def test_an_api_error_has_the_headers(client):
    response = client.get("/api/v1/campaigns")
    assert response.status_code == 401 and response.is_json
    assert_secure_headers(response)


def test_a_download_has_the_headers(staff_client):
    response = staff_client.get("/manage/banks/template.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert_secure_headers(response)


def test_a_manage_page_cannot_be_framed(staff_client):
    response = staff_client.get("/manage/banks")
    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.parametrize("path", ["/static/css/app.css", "/static/js/quiz.js"])
def test_static_files_have_the_headers(client, path):
    with client.get(path) as response:  # a file response: closed even when a check fails
        assert response.status_code == 200
        assert_secure_headers(response)


def test_a_rate_limited_answer_has_the_headers(app, client):
    app.config["RATELIMIT_LOGIN_PER_ADDRESS"] = "1 per minute"
    client.post("/api/v1/auth/login", json={"phone": "13900000000", "password": "x"})
    response = client.post("/api/v1/auth/login", json={"phone": "13900000000", "password": "x"})
    assert response.status_code == 429
    assert_secure_headers(response)


def test_a_server_error_page_has_the_headers(app, client):
    def boom():
        raise RuntimeError("boom")

    app.add_url_rule("/boom", "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the page people see, not the traceback
    response = client.get("/boom")
    assert response.status_code == 500
    assert_secure_headers(response)


# --- cookies and HSTS ------------------------------------------------------------------


def _login_cookies(client, phone) -> dict[str, str]:
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={
        "phone": phone, "password": "secret123", "remember": "y", "csrf_token": csrf_from(page),
    })
    assert response.status_code == 302
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        cookies[name] = header
    assert {"session", "remember_token"} <= cookies.keys(), cookies
    return cookies


def _flags(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def test_cookies_are_secure_and_hsts_is_sent_only_with_https_only(app, make_user):
    user = make_user()
    plain = app.test_client()
    for header in _login_cookies(plain, user.phone).values():
        assert "secure" not in _flags(header), header  # else no cookie over plain HTTP
        assert "httponly" in _flags(header), header
    assert "Strict-Transport-Security" not in plain.get("/auth/login").headers

    https = create_app({**app.config, "RATELIMIT_STORAGE_URI": None, "HTTPS_ONLY": True})
    try:
        client = https.test_client()
        for header in _login_cookies(client, user.phone).values():
            assert "secure" in _flags(header), header
            assert "httponly" in _flags(header), header
        response = client.get("/auth/login")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert_secure_headers(response)
    finally:
        with https.app_context():  # its own connection pool (PostgreSQL warns of open ones)
            db.engine.dispose()


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False), ("", False)])
def test_https_only_and_the_proxy_count_come_from_the_environment(value, expected):
    # A fresh interpreter: the settings are read when quiz.config is first imported.
    env = {**os.environ, "HTTPS_ONLY": value, "PROXY_COUNT": "2"}
    out = subprocess.run(
        [sys.executable, "-c",
         "from quiz.config import Config; print(Config.HTTPS_ONLY, Config.PROXY_COUNT)"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == [str(expected), "2"]
