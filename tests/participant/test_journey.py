"""The participant's journey through the HTML pages, as a phone user meets it."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from quiz.models import Attempt, Question, User
from tests.conftest import csrf_from
from tests.helpers import correct_answers, kept_counter


def register(client, unit_code, phone="13912345678", password="secret123", name="王五",
             next_url=""):
    page = client.get(f"/auth/register?unit={unit_code}").get_data(as_text=True)
    return client.post("/auth/register", data={
        "name": name, "phone": phone, "password": password, "unit_code": unit_code,
        "next": next_url, "csrf_token": csrf_from(page),
    })


def test_health_check_answers_once_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_a_unit_link_preselects_the_unit_on_the_register_page(client, make_unit):
    unit = make_unit("东街社区", code="PA-DJ")
    html = client.get("/auth/register?unit=PA-DJ").get_data(as_text=True)
    assert re.search(r'<option value="PA-DJ"[^>]*selected', html)
    assert unit.name in html


def test_registering_logs_in_and_returns_to_the_campaign(client, make_unit, make_quiz, db):
    quiz = make_quiz()
    unit = make_unit()
    response = register(client, unit.code, next_url=f"/c/{quiz.campaign.slug}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{quiz.campaign.slug}")
    user = db.session.scalar(sa.select(User).where(User.phone == "13912345678"))
    assert user.unit_id == unit.id and user.password_hash != "secret123"
    page = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    assert "/quiz/" in page and "/start" in page  # the start button, for a logged-in user


def test_register_names_the_field_of_each_mistake(client, make_unit, make_user):
    unit = make_unit()
    make_user(phone="13900000000")
    cases = [
        ({"phone": "12345"}, "phone"),
        ({"phone": "13900000000"}, "phone"),
        ({"password": "123"}, "password"),
        ({"unit_code": "NOPE"}, "unit_code"),
        ({"name": "  "}, "name"),
    ]
    for change, field in cases:
        page = client.get("/auth/register").get_data(as_text=True)
        data = {"name": "王五", "phone": "13912345678", "password": "secret123",
                "unit_code": unit.code, "csrf_token": csrf_from(page), **change}
        response = client.post("/auth/register", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, change
        block = re.search(rf'<div class="field has-error"[^>]*>\s*<label for="{field}"', html)
        assert block, f"{change}: no error shown at {field}"


def test_a_form_without_its_csrf_token_is_refused(client, make_unit, db):
    unit = make_unit()
    response = client.post("/auth/register", data={
        "name": "王五", "phone": "13912345678", "password": "secret123",
        "unit_code": unit.code,
    })
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_login_with_a_wrong_password_says_so_without_logging_in(client, auth, make_user):
    user = make_user()
    response = auth.login(user.phone, "wrong-password")
    assert response.status_code == 422
    assert client.get("/me/attempts").status_code == 302  # still anonymous


def test_the_whole_quiz_journey(client, auth, make_user, make_quiz, db, clock):
    quiz = make_quiz()
    user = make_user()
    auth.login(user.phone)
    page = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    attempt_url = response.headers["Location"]
    attempt = db.session.scalar(sa.select(Attempt))
    assert attempt_url.endswith(f"/attempt/{attempt.id}")

    html = client.get(attempt_url).get_data(as_text=True)
    for item in attempt.questions:
        question = db.session.get(Question, item["id"])
        assert question.stem in html
        assert question.explanation not in html  # nothing of the key before submitting
    assert 'data-remaining="600"' in html

    answers = correct_answers(attempt)
    first_id, first_keys = next(iter(answers.items()))
    saved = client.post(f"{attempt_url}/answers", json={"answers": {first_id: list(first_keys)}},
                        headers={"X-CSRFToken": csrf_from(html)})
    assert saved.status_code == 200 and saved.json["saved"] is True

    clock.advance(30)
    resumed = client.get(attempt_url).get_data(as_text=True)
    assert 'data-remaining="570"' in resumed
    assert re.search(rf'name="q{first_id}" value="{first_keys[0]}" checked', resumed)

    form = {"csrf_token": csrf_from(resumed)}
    data = [(f"q{qid}", key) for qid, keys in answers.items() for key in keys]
    response = client.post(f"{attempt_url}/submit", data=MultiDict([*form.items(), *data]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"<strong>{quiz.max_score}</strong>" in result
    assert db.session.get(Question, attempt.questions[0]["id"]).explanation in result
    counter = kept_counter(quiz.campaign_id, user.unit_id)
    assert counter.attempts == 1

    again = client.post(f"{attempt_url}/submit", data=form)
    assert again.headers["Location"].endswith("/result")
    db.session.expire_all()
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 1
    mine = client.get("/me/attempts").get_data(as_text=True)
    assert f"{quiz.max_score}/{quiz.max_score}" in mine


def test_an_attempt_page_of_someone_else_is_not_found(client, auth, make_user, make_quiz):
    from quiz.db import write_transaction
    from quiz.services import attempts

    owner, quiz = make_user(), make_quiz()
    with write_transaction():
        attempt = attempts.start(owner, quiz, dt.datetime(2026, 6, 10, 2), 5).attempt
    auth.login(make_user().phone)
    assert client.get(f"/attempt/{attempt.id}").status_code == 404
    assert client.get(f"/attempt/{attempt.id}/result").status_code == 404


def test_opening_an_attempt_after_its_time_ran_out_shows_the_result(
        client, auth, make_user, make_quiz, db, clock):
    quiz, user = make_quiz(), make_user()
    auth.login(user.phone)
    page = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    attempt_url = client.post(f"/quiz/{quiz.id}/start",
                              data={"csrf_token": csrf_from(page)}).headers["Location"]
    clock.advance(2 * 3600)
    response = client.get(attempt_url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    db.session.expire_all()
    assert db.session.scalar(sa.select(Attempt.status)) == "timed_out"
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 1


def test_starting_after_the_campaign_ended_explains_why(client, auth, make_user, make_quiz,
                                                        clock, db):
    quiz = make_quiz(ends_on=dt.date(2026, 6, 9))
    auth.login(make_user().phone)
    page = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    response = client.post(f"/quiz/{quiz.id}/start", data={"csrf_token": csrf_from(page)},
                           follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
