"""The JSON API v1, as an app or mini-program uses it."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz.extensions import db
from quiz.models import Attempt, Role
from tests.helpers import correct_answers


@pytest.fixture
def api(client):
    class Api:
        token = None

        def call(self, method, url, json=None, token=None):
            headers = {}
            if token or self.token:
                headers["Authorization"] = f"Bearer {token or self.token}"
            return client.open(f"/api/v1{url}", method=method, json=json, headers=headers)

        def login(self, user, password="secret123"):
            response = self.call("POST", "/auth/login", {"phone": user.phone,
                                                          "password": password})
            assert response.status_code == 200, response.json
            self.token = response.json["token"]
            return response

    return Api()


def test_register_returns_a_token_and_the_user(api, make_unit):
    unit = make_unit(code="PA-CG")
    response = api.call("POST", "/auth/register", {"name": "赵六", "phone": "139 1234 5678",
                                                    "password": "secret123",
                                                    "unit_code": "PA-CG"})
    assert response.status_code == 201
    assert response.json["user"] == {"id": 1, "name": "赵六", "phone": "13912345678",
                                     "role": "participant", "unit_code": unit.code}
    assert response.json["token"]


@pytest.mark.parametrize("change, status, code, field", [
    ({"phone": "1234"}, 422, "validation_failed", "phone"),
    ({"password": "12"}, 422, "validation_failed", "password"),
    ({"unit_code": "NOPE"}, 422, "unknown_unit", "unit_code"),
    ({"phone": "13900000000"}, 409, "phone_taken", "phone"),
])
def test_register_errors_name_the_field(api, make_unit, make_user, change, status, code,
                                        field):
    make_user(phone="13900000000")
    unit = make_unit()
    body = {"name": "赵六", "phone": "13912345678", "password": "secret123",
            "unit_code": unit.code, **change}
    response = api.call("POST", "/auth/register", body)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["field"] == field
    assert response.json["error"]["message"]


def test_a_body_that_is_not_a_json_object_is_refused(client):
    response = client.post("/api/v1/auth/login", data="phone=1", content_type="text/plain")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed"


def test_wrong_password_gets_401_without_saying_which_part_was_wrong(api, make_user):
    user = make_user()
    response = api.call("POST", "/auth/login", {"phone": user.phone, "password": "nope"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "bad_credentials"


def test_endpoints_need_a_valid_token(api):
    assert api.call("GET", "/campaigns").status_code == 401
    response = api.call("GET", "/campaigns", token="forged.token.value")
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"


def test_units_are_a_flat_list_with_parent_codes(api, make_unit):
    county = make_unit("平安县", code="PA", kind="county")
    make_unit("城关镇", parent=county, code="PA-CG", kind="township")
    assert api.call("GET", "/units").json == [
        {"code": "PA", "name": "平安县", "kind": "county", "parent_code": None},
        {"code": "PA-CG", "name": "城关镇", "kind": "township", "parent_code": "PA"},
    ]


def test_campaigns_list_quizzes_with_attempts_left_today(api, make_user, make_quiz):
    quiz = make_quiz(attempts_per_day=3)
    api.login(make_user())
    [campaign] = api.call("GET", "/campaigns").json
    assert campaign["slug"] == quiz.campaign.slug
    assert campaign["quizzes"] == [{
        "id": quiz.id, "title": quiz.title, "time_limit_seconds": 600, "question_count": 8,
        "max_score": 40, "pass_mark": 30, "attempts_left_today": 3,
    }]


def test_a_full_attempt_over_the_api(api, make_user, make_quiz, clock):
    quiz = make_quiz()
    api.login(make_user())
    started = api.call("POST", f"/quizzes/{quiz.id}/attempts")
    assert started.status_code == 201
    body = started.json
    assert body["remaining_seconds"] == 600 and body["deadline"] == "2026-06-10T02:10:00Z"
    for question in body["questions"]:
        assert set(question) == {"id", "type", "stem", "points", "options"}
        assert all(set(option) == {"key", "text"} for option in question["options"])

    resumed = api.call("POST", f"/quizzes/{quiz.id}/attempts")
    assert resumed.status_code == 200 and resumed.json["id"] == body["id"]

    attempt = db.session.get(Attempt, body["id"])
    answers = {qid: list(keys) for qid, keys in correct_answers(attempt).items()}
    first = next(iter(answers))
    saved = api.call("PUT", f"/attempts/{body['id']}/answers", {"answers": {first: answers[first]}})
    assert saved.status_code == 200 and saved.json["saved"] is True

    clock.advance(42)
    result = api.call("POST", f"/attempts/{body['id']}/submit", {"answers": answers})
    assert result.status_code == 200
    assert {k: result.json[k] for k in ("score", "max_score", "passed", "correct_count",
                                        "question_count", "duration_seconds")} == {
        "score": 40, "max_score": 40, "passed": True, "correct_count": 8,
        "question_count": 8, "duration_seconds": 42}
    assert all(row["is_correct"] and row["explanation"] for row in result.json["review"])

    clock.advance(5)
    again = api.call("POST", f"/attempts/{body['id']}/submit", {"answers": {}})
    assert again.json == result.json
    assert api.call("GET", "/campaigns").json[0]["quizzes"][0]["attempts_left_today"] == 2


def test_a_late_autosave_is_refused_with_time_up(api, make_user, make_quiz, clock):
    quiz = make_quiz()
    api.login(make_user())
    body = api.call("POST", f"/quizzes/{quiz.id}/attempts").json
    clock.advance(600 + 6)
    qid = str(body["questions"][0]["id"])
    response = api.call("PUT", f"/attempts/{body['id']}/answers", {"answers": {qid: ["A"]}})
    assert response.status_code == 409 and response.json["error"]["code"] == "time_up"
    finished = api.call("GET", f"/attempts/{body['id']}").json
    assert finished["status"] == "timed_out" and finished["score"] == 0


def test_someone_elses_attempt_is_not_found(api, make_user, make_quiz):
    quiz = make_quiz()
    api.login(make_user())
    attempt_id = api.call("POST", f"/quizzes/{quiz.id}/attempts").json["id"]
    api.login(make_user())
    for method, url in (("GET", f"/attempts/{attempt_id}"),
                        ("PUT", f"/attempts/{attempt_id}/answers"),
                        ("POST", f"/attempts/{attempt_id}/submit")):
        response = api.call(method, url, {"answers": {}})
        assert response.status_code == 404, url


def test_daily_limit_is_a_409_with_its_code(api, make_user, make_quiz):
    quiz = make_quiz(attempts_per_day=1)
    api.login(make_user())
    attempt_id = api.call("POST", f"/quizzes/{quiz.id}/attempts").json["id"]
    api.call("POST", f"/attempts/{attempt_id}/submit")
    response = api.call("POST", f"/quizzes/{quiz.id}/attempts")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "daily_limit_reached"


def test_stats_add_up_each_subtree(api, make_unit, make_user, make_quiz):
    quiz = make_quiz()
    county = make_unit("平安县", code="PA", kind="county", headcount=0)
    town = make_unit("城关镇", parent=county, code="PA-CG", kind="township", headcount=10)
    village = make_unit("东街社区", parent=town, code="PA-CG-DJ", kind="community",
                        headcount=30)
    make_unit("河山镇", parent=county, code="PA-HS", kind="township", headcount=20)
    for unit in (town, village, village):
        api.login(make_user(unit=unit))
        attempt_id = api.call("POST", f"/quizzes/{quiz.id}/attempts").json["id"]
        api.call("POST", f"/attempts/{attempt_id}/submit")
    api.login(make_user(unit=county, role=Role.organizer))
    response = api.call("GET", f"/campaigns/{quiz.campaign.slug}/stats?unit=PA")
    assert response.status_code == 200
    data = response.json
    assert data["unit"]["code"] == "PA"
    assert (data["unit"]["participants"], data["unit"]["attempts"],
            data["unit"]["headcount"]) == (3, 3, 60)
    rows = {row["code"]: row for row in data["children"]}
    assert set(rows) == {"PA-CG", "PA-HS"}
    assert rows["PA-CG"]["participants"] == 3 and rows["PA-CG"]["headcount"] == 40
    assert rows["PA-CG"]["participation_rate"] == 0.075
    assert rows["PA-CG"]["average_score"] == 0.0
    assert rows["PA-HS"] == {"code": "PA-HS", "name": "河山镇", "kind": "township",
                             "parent_code": "PA", "level": 1, "retired": False,
                             "moved_out": False, "headcount": 20, "participants": 0,
                             "participation_rate": 0.0,
                             "attempts": 0, "attempts_per_person": None,
                             "average_score": None, "answers": 0, "correct_answers": 0,
                             "correct_rate": None, "passed_people": 0}


def test_stats_are_for_organizers_and_admins_only(api, make_user, make_quiz):
    quiz = make_quiz()
    api.login(make_user())
    response = api.call("GET", f"/campaigns/{quiz.campaign.slug}/stats")
    assert response.status_code == 403


def test_unknown_api_paths_answer_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_stats_for_an_unknown_unit_code_name_the_unit_field(api, make_user, make_quiz):
    quiz = make_quiz()
    api.login(make_user(role=Role.admin))
    response = api.call("GET", f"/campaigns/{quiz.campaign.slug}/stats?unit=NOPE")
    # Unknown and out of reach answer alike (quiz.services.reach): nothing beyond is told.
    assert response.status_code == 404
    assert (response.json["error"]["code"], response.json["error"]["field"]) == (
        "not_found", "unit")


def test_fields_of_the_wrong_type_are_refused_by_name(api, make_unit):
    unit = make_unit()
    response = api.call("POST", "/auth/register", {"name": ["x"], "phone": "13912345678",
                                                    "password": "secret123",
                                                    "unit_code": unit.code})
    assert response.status_code == 422 and response.json["error"]["field"] == "name"


def test_a_401_tells_the_client_to_use_a_bearer_token(api):
    response = api.call("GET", "/campaigns")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_review_gives_answers_as_lists_of_keys(api, make_user, make_quiz):
    quiz = make_quiz()
    api.login(make_user())
    body = api.call("POST", f"/quizzes/{quiz.id}/attempts").json
    qid = str(body["questions"][0]["id"])
    result = api.call("POST", f"/attempts/{body['id']}/submit", {"answers": {qid: ["A"]}}).json
    first = result["review"][0]
    assert first["given"] == ["A"] and isinstance(first["correct"], list)
    assert result["review"][1]["given"] == []


def test_the_unit_list_leaves_retired_units_out(api, db, make_unit):
    from quiz.timeutil import utcnow

    kept, retired = make_unit("在用单位", code="KEEP"), make_unit("旧单位", code="OLD")
    retired.retired_at = utcnow()
    db.session.commit()
    codes = {row["code"] for row in api.call("GET", "/units").json}
    assert kept.code in codes and retired.code not in codes


def test_the_campaign_list_holds_only_campaigns_hosted_above_the_callers_unit(
        api, make_unit, make_user, make_quiz, clock, db):
    county = make_unit("平安县", code="HC", kind="county")
    elsewhere = make_unit("安宁县", code="HO", kind="county")
    ours, theirs, everyone = make_quiz(), make_quiz(), make_quiz()
    ours.campaign.host_unit, theirs.campaign.host_unit = county, elsewhere
    db.session.commit()
    clock.set(dt.datetime(2026, 6, 10, 2))
    api.login(make_user(unit=make_unit("河山镇", parent=county, code="HT")))
    slugs = {item["slug"] for item in api.call("GET", "/campaigns").json}
    assert slugs == {ours.campaign.slug, everyone.campaign.slug}
    refused = api.call("POST", f"/quizzes/{theirs.id}/attempts")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "not_for_your_unit")
