"""The console's campaign and quiz pages: create, edit with errors beside their fields,
the quiz form's refusals, the change-after-attempts rule, the preview, open/close/archive,
and who may reach each page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quiz.models import Campaign, Quiz, Role
from tests.conftest import AuthActions, csrf_from
from tests.helpers import correct_answers, fresh_client
from tests.services.test_attempts import start, submit


@pytest.fixture
def tree(make_unit):
    province = make_unit("吉林省", code="P", kind="province")
    county = make_unit("平安县", parent=province, code="C", kind="county")
    return {"P": province, "C": county,
            "T": make_unit("河山镇", parent=county, code="T", kind="township"),
            "O": make_unit("安宁县", parent=province, code="O", kind="county")}


def _login(app, make_user, unit, role=Role.organizer):
    client = fresh_client(app)
    user = make_user(unit=unit, role=role)
    assert AuthActions(client).login(user.phone).status_code == 302
    return client


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _post(client, url, **fields):
    return client.post(url, data={"csrf_token": csrf_from(_page(client, url)), **fields})


def _field_errors(html: str) -> dict[str, str]:
    pattern = (r'<div class="field has-error">\s*<label for="([a-z0-9_]+)">.*?</label>.*?'
               r'<p class="error" role="alert">([^<]*)</p>')
    return dict(re.findall(pattern, html, re.S))


CAMPAIGN = {"title": "平安县安全生产月知识竞赛", "slug": "pa-2026", "host": "C",
            "starts_on": "2026-06-01", "ends_on": "2026-06-30", "timezone": "Asia/Shanghai",
            "theme": "人人讲安全、个个会应急", "description": "每人每天三次。"}


def test_a_county_organizer_creates_a_campaign_and_is_sent_to_add_its_quiz(
        app, db, tree, make_user):
    client = _login(app, make_user, tree["C"])
    form = _page(client, "/manage/campaigns/new")
    assert "人人讲安全、个个会应急——查找身边安全隐患" in form  # the national themes offered
    assert 'value="O"' not in form and 'value="T"' in form  # hosts within reach only
    response = _post(client, "/manage/campaigns/new", **CAMPAIGN)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/campaigns/pa-2026/quizzes/new")
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == "pa-2026"))
    assert campaign.host_unit.code == "C"


def test_the_campaign_form_shows_each_error_beside_its_field(app, db, tree, make_user):
    client = _login(app, make_user, tree["C"])
    response = _post(client, "/manage/campaigns/new", **{
        **CAMPAIGN, "slug": "平安", "starts_on": "2026-06-30", "ends_on": "2026-06-01",
        "host": "O"})
    assert response.status_code == 422
    errors = _field_errors(response.get_data(as_text=True))
    assert set(errors) == {"slug", "ends_on", "host"}
    assert "最后一天" in errors["ends_on"] or "早于" in errors["ends_on"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_full_width_dates_are_read(app, db, tree, make_user):
    client = _login(app, make_user, tree["C"])
    response = _post(client, "/manage/campaigns/new",
                     **{**CAMPAIGN, "starts_on": "２０２６年６月１日", "ends_on": "2026/6/30"})
    assert response.status_code == 302


def _campaign(app, make_user, tree, make_quiz, db, host="C"):
    quiz = make_quiz()
    quiz.campaign.host_unit = tree[host]
    db.session.commit()
    return quiz


def test_the_quiz_form_refuses_more_questions_than_the_banks_hold(
        app, db, tree, make_user, make_quiz, make_bank):
    quiz = _campaign(app, make_user, tree, make_quiz, db)
    bank = make_bank(name="应急题库", single=3, multiple=0, judge=2)
    client = _login(app, make_user, tree["C"])
    url = f"/manage/campaigns/{quiz.campaign.slug}/quizzes/new"
    form = _page(client, url)
    assert "应急题库" in form and "单选 3" in form
    response = _post(client, url, title="第二场", banks=str(bank.id), single="５",
                     multiple="0", judge="2", points_single="5", points_multiple="5",
                     points_judge="5", minutes="200", pass_mark="60", attempts_per_day="3")
    assert response.status_code == 422
    errors = _field_errors(response.get_data(as_text=True))
    assert set(errors) == {"single", "minutes"}
    assert "3" in errors["single"] and "5" in errors["single"]
    response = _post(client, url, title="第二场", banks=str(bank.id), single="3",
                     multiple="0", judge="2", points_single="5", points_multiple="5",
                     points_judge="5", minutes="10", pass_mark="20", attempts_per_day="3",
                     is_active="y")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 2


def test_after_attempts_the_quiz_page_refuses_a_new_pass_mark_unless_saved_as_new(
        app, db, tree, make_user, make_quiz, clock):
    import datetime as dt

    quiz = _campaign(app, make_user, tree, make_quiz, db)
    person = make_user(unit=tree["T"])
    clock.set(dt.datetime(2026, 6, 10, 2))
    attempt = start(person, quiz, clock)
    submit(person, attempt, clock, correct_answers(attempt))
    client = _login(app, make_user, tree["C"])
    url = f"/manage/campaigns/{quiz.campaign.slug}/quizzes/{quiz.id}/edit"
    html = _page(client, url)
    assert "已有 1 人次作答" in html
    fields = {"title": "答题", "banks": str(quiz.banks[0].id), "single": "4",
              "multiple": "2", "judge": "2", "points_single": "5", "points_multiple": "5",
              "points_judge": "5", "minutes": "10", "pass_mark": "25",
              "attempts_per_day": "3", "is_active": "y"}
    refused = _post(client, url, **fields)
    assert refused.status_code == 409
    assert "另存为新的答题" in refused.get_data(as_text=True)
    saved = _post(client, url, as_new="y", **fields)
    assert saved.status_code == 302
    db.session.expire_all()
    quizzes = db.session.scalars(sa.select(Quiz).order_by(Quiz.id)).all()
    assert [(q.pass_mark, q.is_active) for q in quizzes] == [(30, False), (25, True)]


def test_the_preview_shows_one_draw_with_the_answers_and_stores_nothing(
        app, db, tree, make_user, make_quiz):
    quiz = _campaign(app, make_user, tree, make_quiz, db)
    client = _login(app, make_user, tree["C"])
    html = _page(client, f"/manage/campaigns/{quiz.campaign.slug}/quizzes/{quiz.id}/preview")
    assert html.count('<li class="card">') == quiz.question_count
    assert "✓" in html and "单选题" in html


def test_closing_and_archiving_from_the_settings_page(app, db, tree, make_user, make_quiz,
                                                       clock):
    import datetime as dt

    quiz = _campaign(app, make_user, tree, make_quiz, db)
    clock.set(dt.datetime(2026, 6, 10, 2))
    client = _login(app, make_user, tree["C"])
    slug = quiz.campaign.slug
    assert _post(client, f"/manage/campaigns/{slug}/edit", **{
        **CAMPAIGN, "slug": "ignored"}).status_code == 302  # the address stays
    token = csrf_from(_page(client, f"/manage/campaigns/{slug}/edit"))
    assert client.post(f"/manage/campaigns/{slug}/close",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.slug == slug and campaign.closed_at is not None
    visitor = fresh_client(app).get(f"/c/{slug}").get_data(as_text=True)
    assert "组织者已关闭本竞赛" in visitor
    client.post(f"/manage/campaigns/{slug}/archive", data={"csrf_token": token})
    listed = _page(client, "/manage/campaigns")
    assert campaign.title not in listed
    assert campaign.title in _page(client, "/manage/campaigns?archived=1")


def test_pages_of_a_campaign_are_for_the_organizers_of_its_host(
        app, db, tree, make_user, make_quiz):
    quiz = _campaign(app, make_user, tree, make_quiz, db)
    slug = quiz.campaign.slug
    town = _login(app, make_user, tree["T"])  # below the host: figures, not settings
    assert town.get(f"/manage/campaigns/{slug}/edit").status_code == 403
    assert town.get(f"/manage/campaigns/{slug}/units").status_code == 200
    neighbour = _login(app, make_user, tree["O"])
    assert neighbour.get(f"/manage/campaigns/{slug}/units").status_code == 404
    assert quiz.campaign.title not in _page(neighbour, "/manage/campaigns")
    province = _login(app, make_user, tree["P"])
    assert province.get(f"/manage/campaigns/{slug}/edit").status_code == 200
    participant = _login(app, make_user, tree["C"], role=Role.participant)
    assert participant.get(f"/manage/campaigns/{slug}/edit").status_code == 403
    assert fresh_client(app).get(f"/manage/campaigns/{slug}/edit").status_code == 302


def test_odd_numbers_in_the_quiz_form_are_refused_beside_their_field(
        app, db, tree, make_user, make_quiz):
    quiz = _campaign(app, make_user, tree, make_quiz, db)
    client = _login(app, make_user, tree["C"])
    url = f"/manage/campaigns/{quiz.campaign.slug}/quizzes/new"
    response = _post(client, url, title="第二场", banks="99999999999999999999",
                     single="9" * 5000, multiple="᧚", judge="三", points_single="5",
                     points_multiple="5", points_judge="5", minutes="10", pass_mark="20",
                     attempts_per_day="3")
    assert response.status_code == 422
    errors = _field_errors(response.get_data(as_text=True))
    assert {"single", "multiple", "judge"} <= set(errors)
    assert "banks" in response.get_data(as_text=True)


def test_the_big_screen_of_a_hosted_campaign_adds_up_the_host_only(
        app, db, tree, make_user, make_quiz):
    quiz = _campaign(app, make_user, tree, make_quiz, db)
    quiz.campaign.screen_enabled = True
    tree["T"].headcount, tree["O"].headcount = 40, 500
    db.session.commit()
    data = fresh_client(app).get(f"/c/{quiz.campaign.slug}/screen.json").json
    assert data["totals"]["headcount"] == tree["C"].headcount + 40
    assert [row["code"] for row in data["units"]] == ["T"]


def test_duplicating_for_a_new_year_keeps_host_and_quizzes_and_names_a_taken_address(
        app, db, tree, make_user, make_quiz):
    quiz = _campaign(app, make_user, tree, make_quiz, db)
    client = _login(app, make_user, tree["C"])
    url = f"/manage/campaigns/{quiz.campaign.slug}/duplicate"
    taken = _post(client, url, title="2027年竞赛", slug=quiz.campaign.slug,
                  starts_on="2027-06-01", ends_on="2027-06-30")
    assert taken.status_code == 422 and set(_field_errors(taken.get_data(as_text=True))) == {
        "slug"}
    response = _post(client, url, title="2027年竞赛", slug="pa-2027", starts_on="2027-06-01",
                     ends_on="2027-06-30")
    assert response.status_code == 302
    copy = db.session.scalar(sa.select(Campaign).where(Campaign.slug == "pa-2027"))
    assert copy.host_unit.code == "C" and len(copy.quizzes) == 1
    assert copy.quizzes[0].question_count == quiz.question_count
