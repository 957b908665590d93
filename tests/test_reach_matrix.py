"""Who gets what: every role against every organizer route and the statistics API.

The people: a visitor, a participant of unit A, the organizers of A, of its sibling B and of
their parent P, and an admin. A unit outside reach answers 404 (as one that does not exist);
a page that is not for the role answers 403; a visitor is sent to log in (401 in the API).
"""

from __future__ import annotations

import io
import re

import pytest

from quiz.db import write_transaction
from quiz.models import Role
from quiz.services import uploads
from tests.conftest import AuthActions

PEOPLE = ("visitor", "participant", "organizer_a", "organizer_b", "organizer_p", "admin")


@pytest.fixture
def world(app, make_unit, make_user, make_bank, make_quiz):
    parent = make_unit("平安县", code="P", kind="county")
    unit_a = make_unit("城关镇", parent=parent, code="A", kind="township")
    unit_b = make_unit("河山镇", parent=parent, code="B", kind="township")
    people = {
        "participant": make_user(unit=unit_a),
        "organizer_a": make_user(unit=unit_a, role=Role.organizer),
        "organizer_b": make_user(unit=unit_b, role=Role.organizer),
        "organizer_p": make_user(unit=parent, role=Role.organizer),
        "admin": make_user(unit=parent, role=Role.admin),
    }
    bank = make_bank(single=3, multiple=0, judge=0)
    quiz = make_quiz(bank=make_bank(), single=1, multiple=0, judge=0)
    with write_transaction():
        pending = uploads.hold_upload(people["organizer_a"], bank_name="新题库", filename="a.csv",
                                    data="题型,题干,选项A,选项B,答案\n单选,题,甲,乙,A\n".encode())
    return {"people": people, "bank": bank, "question": bank.questions[0], "quiz": quiz,
            "pending": pending.id}


def _client(app, world, who):
    client = app.test_client()
    if who != "visitor":
        response = AuthActions(client).login(world["people"][who].phone)
        assert response.status_code == 302
    return client


def _manage_pages(world):
    bank, question = world["bank"].id, world["question"].id
    return ["/manage/", "/manage/banks", "/manage/banks/template.xlsx", "/manage/banks/import",
            f"/manage/banks/{bank}", f"/manage/banks/{bank}?page=2",
            f"/manage/banks/{bank}/export.xlsx", f"/manage/banks/{bank}/export.gift",
            f"/manage/questions/{question}/edit"]


#: GET of an organizer page: (visitor, participant, organizers and admin).
PAGE_STATUS = {"visitor": 302, "participant": 403, "organizer_a": 200, "organizer_b": 200,
               "organizer_p": 200, "admin": 200}


@pytest.mark.parametrize("who", PEOPLE)
def test_organizer_pages_by_role(app, world, who):
    client = _client(app, world, who)
    for url in _manage_pages(world):
        with client.get(url) as response:
            expected = 302 if url == "/manage/" and PAGE_STATUS[who] == 200 else PAGE_STATUS[who]
            assert response.status_code == expected, (who, url)
            if who == "visitor":
                assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", PEOPLE)
def test_an_upload_awaiting_confirmation_is_its_uploaders_alone(app, world, who):
    client = _client(app, world, who)
    response = client.get(f"/manage/imports/{world['pending']}")
    expected = {"visitor": 302, "participant": 403, "organizer_a": 200}.get(who, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("who", PEOPLE)
def test_changes_to_banks_by_role(app, world, who):
    client = _client(app, world, who)
    token = AuthActions(client).token()
    upload = client.post("/manage/banks/import", data={
        "csrf_token": token, "bank": "另一题库", "format": "auto",
        "file": (io.BytesIO("题型,题干,选项A,选项B,答案\n单选,题,甲,乙,A\n".encode()), "b.csv")},
        content_type="multipart/form-data")
    disable = client.post(f"/manage/questions/{world['question'].id}/active",
                          data={"csrf_token": token, "active": "0"})
    expected = {"visitor": 302, "participant": 403}.get(who, 302)
    assert (upload.status_code, disable.status_code) == (expected, expected), who
    if who in ("visitor", "participant"):
        assert world["question"].is_active


def _bearer(client, world, who) -> dict:
    """The API's Authorization header for `who` (none for a visitor)."""
    if who == "visitor":
        return {}
    token = client.post("/api/v1/auth/login", json={
        "phone": world["people"][who].phone, "password": "secret123"}).json["token"]
    return {"Authorization": f"Bearer {token}"}


#: The statistics API for ?unit=CODE: (code: {person: status}).
STATS_STATUS = {
    "A": {"visitor": 401, "participant": 403, "organizer_a": 200, "organizer_b": 404,
          "organizer_p": 200, "admin": 200},
    "B": {"visitor": 401, "participant": 403, "organizer_a": 404, "organizer_b": 200,
          "organizer_p": 200, "admin": 200},
    "P": {"visitor": 401, "participant": 403, "organizer_a": 404, "organizer_b": 404,
          "organizer_p": 200, "admin": 200},
    "": {"visitor": 401, "participant": 403, "organizer_a": 200, "organizer_b": 200,
         "organizer_p": 200, "admin": 200},
    "NOPE": {"visitor": 401, "participant": 403, "organizer_a": 404, "organizer_b": 404,
             "organizer_p": 404, "admin": 404},
}


@pytest.mark.parametrize("who", PEOPLE)
def test_the_statistics_api_by_role_and_unit(app, world, who):
    client = app.test_client()
    headers = _bearer(client, world, who)
    slug = world["quiz"].campaign.slug
    for code, statuses in STATS_STATUS.items():
        response = client.get(f"/api/v1/campaigns/{slug}/stats?unit={code}", headers=headers)
        assert response.status_code == statuses[who], (who, code, response.json)
        if response.status_code == 200:
            expected = code or {"organizer_a": "A", "organizer_b": "B"}.get(who, "P")
            assert response.json["unit"]["code"] == expected
            # the figures of the levels above never appear: only the unit and its children
            codes = {row["code"] for row in response.json["children"]}
            assert codes <= {"A", "B"} and (codes == {"A", "B"}) == (expected == "P")


def _every_console_route(app):
    """Each /manage rule with its methods, its arguments filled in with something."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/manage"):
            continue
        values = {name: 1 if "int" in type(conv).__name__.lower()
                  else sorted(conv.items)[0] if hasattr(conv, "items") else "x"
                  for name, conv in rule._converters.items()}
        if "kind" in values:
            values["kind"] = "xlsx"
        url = rule.rule
        for name, value in values.items():
            url = re.sub(rf"<([^>]*:)?{name}>", str(value), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


@pytest.mark.parametrize("who", ["visitor", "participant"])
def test_no_console_route_serves_visitors_or_participants(app, world, who):
    """Every route of /manage, present and future: a visitor is sent to log in, a
    participant refused, whatever the method and before anything is looked up."""
    client = _client(app, world, who)
    token = AuthActions(client).token()
    routes = list(_every_console_route(app))
    assert len(routes) > 15
    for method, url in routes:
        response = client.open(url, method=method,
                               data={"csrf_token": token} if method == "POST" else None)
        if who == "visitor":
            assert response.status_code == 302, (method, url)
            assert "/auth/login" in response.headers["Location"], (method, url)
        else:
            assert response.status_code == 403, (method, url, response.status_code)


#: The figures of ?unit=CODE on the console's pages and the report: (code: {person: status}).
FIGURE_PAGE_STATUS = {
    code: {**statuses, "visitor": 302} for code, statuses in STATS_STATUS.items()}


@pytest.mark.parametrize("who", PEOPLE)
def test_every_figures_page_and_export_by_role_and_unit(app, world, who):
    """The unit leaderboard, the dashboard, the people board and the report: 404 for a unit
    outside reach, 403 for participants, visitors to log in."""
    client = _client(app, world, who)
    slug = world["quiz"].campaign.slug
    for page in ("units", "dashboard", "people", "report.xlsx"):
        for code, statuses in FIGURE_PAGE_STATUS.items():
            if page == "people" and code == "":
                continue  # the whole campaign's board: see the next test
            with client.get(f"/manage/campaigns/{slug}/{page}?unit={code}") as response:
                assert response.status_code == statuses[who], (who, page, code)


@pytest.mark.parametrize("who", PEOPLE)
def test_every_figures_api_by_role_and_unit(app, world, who):
    client = app.test_client()
    headers = _bearer(client, world, who)
    slug = world["quiz"].campaign.slug
    for path in ("leaderboard/units", "stats/daily"):
        for code, statuses in STATS_STATUS.items():
            response = client.get(f"/api/v1/campaigns/{slug}/{path}?unit={code}",
                                  headers=headers)
            assert response.status_code == statuses[who], (who, path, code)
    # the people board: anyone logged in, of a unit within reach (a participant: their own)
    people = {"A": {"visitor": 401, "participant": 200, "organizer_a": 200,
                    "organizer_b": 404, "organizer_p": 200, "admin": 200},
              "B": {"visitor": 401, "participant": 404, "organizer_a": 404,
                    "organizer_b": 200, "organizer_p": 200, "admin": 200},
              "P": {"visitor": 401, "participant": 404, "organizer_a": 404,
                    "organizer_b": 404, "organizer_p": 200, "admin": 200}}
    for code, statuses in people.items():
        response = client.get(f"/api/v1/campaigns/{slug}/leaderboard/people?unit={code}",
                              headers=headers)
        assert response.status_code == statuses[who], (who, "people", code)
