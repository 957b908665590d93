"""Bad input of any kind gets a 4xx with the usual error body, never a 500: ids beyond 64
bits in every URL, bodies that are not what a route expects, JSON nested too deep."""

from __future__ import annotations

import re

import pytest

from quiz.models import Role
from tests.conftest import csrf_from
from tests.services.test_attempts import start

HUGE = "99999999999999999999999"


def _urls(app) -> list[tuple[str, str]]:
    """(method, url) for every route, each parameter filled with something out of range."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]
            values[name] = (HUGE if "Integer" in type(converter).__name__
                            else sorted(converter.items)[0] if hasattr(converter, "items")
                            else "f" * 40)
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def _assert_4xx_or_fine(response, method, url):
    assert response.status_code < 500, (method, url, response.status_code)


@pytest.mark.parametrize("who", ["anonymous", "participant", "organizer"])
def test_every_route_answers_huge_ids_without_a_server_error(app, client, auth, make_user, who):
    if who != "anonymous":
        auth.login(make_user(role=Role(who)).phone)
    token = auth.token()
    routes = _urls(app)
    assert len(routes) > 20
    for method, url in routes:
        if url.endswith("/logout"):
            continue
        with client.open(url, method=method, data={"csrf_token": token}) as response:
            _assert_4xx_or_fine(response, method, url)
            if HUGE in url and response.status_code == 404 and url.startswith("/api/"):
                assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize("url", [f"/quiz/{HUGE}/start", f"/manage/banks/{HUGE}",
                                 f"/manage/questions/{HUGE}/edit"])
def test_huge_ids_in_pages_are_not_found(client, auth, make_user, url):
    auth.login(make_user(role=Role.organizer).phone)
    method = "POST" if url.endswith("/start") else "GET"
    response = client.open(url, method=method, data={"csrf_token": auth.token()})
    assert response.status_code == 404


def test_a_huge_id_in_the_api_is_not_found(client, make_user):
    user = make_user()
    token = client.post("/api/v1/auth/login", json={"phone": user.phone,
                                                    "password": "secret123"}).json["token"]
    response = client.post(f"/api/v1/quizzes/{HUGE}/attempts",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_a_page_number_beyond_any_integer_shows_the_last_page(client, auth, make_user,
                                                              make_bank):
    auth.login(make_user(role=Role.organizer).phone)
    bank = make_bank(single=60, multiple=0, judge=0)
    response = client.get(f"/manage/banks/{bank.id}?page=99999999999999999999")
    assert response.status_code == 200
    assert "第 2 页，共 2 页" in response.get_data(as_text=True)


@pytest.fixture
def api_attempt(client, make_user, make_quiz, clock):
    user = make_user()
    attempt = start(user, make_quiz(), clock)
    token = client.post("/api/v1/auth/login", json={"phone": user.phone,
                                                    "password": "secret123"}).json["token"]
    return attempt, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("body", ["[" * 100_000, "{\"answers\": " + "[" * 100_000,
                                  "[1,2]", "\"str\"", "123", "null", "{", "\xff"])
def test_the_api_autosave_refuses_bodies_that_are_not_an_object(client, api_attempt, body):
    attempt, headers = api_attempt
    response = client.put(f"/api/v1/attempts/{attempt.id}/answers", data=body.encode(
        "utf-8", "surrogateescape"), headers={**headers, "Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert "error" in response.json


@pytest.mark.parametrize("body", ["[1,2]", "\"str\"", "123", "[" * 100_000, "{\"answers\": 5}",
                                  "{\"answers\": {\"1\": {\"x\": 1}}}"])
def test_the_page_autosave_refuses_bodies_that_are_not_answers(client, auth, make_user,
                                                               make_quiz, clock, body):
    user = make_user()
    attempt = start(user, make_quiz(), clock)
    auth.login(user.phone)
    page = client.get(f"/attempt/{attempt.id}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)
    token = token.group(1) if token else csrf_from(page)
    response = client.post(f"/attempt/{attempt.id}/answers", data=body,
                           headers={"Content-Type": "application/json", "X-CSRFToken": token})
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:200]
    assert "error" in response.json
