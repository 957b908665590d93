"""The campaign page: its host, the unit a QR link names ("河山镇 · 上湾村 的参赛入口"), an
unknown code said so, "已有 N 人参与", and people of other units told the campaign is not
theirs."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quiz.models import Attempt
from tests.conftest import AuthActions, csrf_from
from tests.helpers import correct_answers, fresh_client
from tests.services.test_attempts import start, submit


@pytest.fixture
def county(make_unit, make_quiz, db):
    county = make_unit("平安县", code="C", kind="county")
    town = make_unit("河山镇", parent=county, code="T", kind="township")
    village = make_unit("上湾村", parent=town, code="V", kind="village")
    elsewhere = make_unit("安宁县", code="O", kind="county")
    quiz = make_quiz()
    quiz.campaign.host_unit = county
    db.session.commit()
    return {"quiz": quiz, "C": county, "T": town, "V": village, "O": elsewhere}


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_qr_link_names_the_unit_below_the_host(client, county, clock):
    clock.set(dt.datetime(2026, 6, 10, 2))
    html = _html(client, f"/c/{county['quiz'].campaign.slug}?unit=V")
    assert "主办单位：平安县" in html and "河山镇 · 上湾村 的参赛入口" in html
    assert "unit=V" in html  # registration keeps the unit


def test_an_unknown_or_foreign_unit_code_is_said_so(client, county, clock):
    clock.set(dt.datetime(2026, 6, 10, 2))
    slug = county["quiz"].campaign.slug
    assert "没有编码为“NOPE”的单位" in _html(client, f"/c/{slug}?unit=NOPE")
    assert "安宁县 不在本竞赛的参赛范围内" in _html(client, f"/c/{slug}?unit=O")


def test_the_page_says_how_many_have_taken_part_once_there_are_figures(
        app, county, make_user, clock):
    clock.set(dt.datetime(2026, 6, 10, 2))
    slug = county["quiz"].campaign.slug
    assert "人参与" not in _html(fresh_client(app), f"/c/{slug}")
    for _ in range(2):
        person = make_user(unit=county["V"])
        attempt = start(person, county["quiz"], clock)
        submit(person, attempt, clock, correct_answers(attempt))
    clock.advance(61)  # the count is kept for a minute
    assert "已有 2 人参与" in _html(fresh_client(app), f"/c/{slug}")


def test_someone_of_another_unit_is_told_and_offered_no_start(app, county, make_user, clock,
                                                               db):
    clock.set(dt.datetime(2026, 6, 10, 2))
    outsider = make_user(unit=county["O"])
    client = fresh_client(app)
    AuthActions(client).login(outsider.phone)
    html = _html(client, f"/c/{county['quiz'].campaign.slug}")
    assert "本竞赛面向平安县及其下属单位的人员" in html and "开始答题" not in html
    response = client.post(f"/quiz/{county['quiz'].id}/start",
                           data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    assert "本竞赛面向其他单位的人员" in _html(client, response.headers["Location"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0


def test_the_home_page_takes_a_participant_to_a_campaign_of_their_own(
        app, county, make_user, make_quiz, clock, db):
    clock.set(dt.datetime(2026, 6, 10, 2))
    theirs = make_quiz()
    theirs.campaign.host_unit = county["O"]
    db.session.commit()
    outsider = make_user(unit=county["O"])
    client = fresh_client(app)
    AuthActions(client).login(outsider.phone)
    response = client.get("/")
    assert response.headers["Location"].endswith(f"/c/{theirs.campaign.slug}")
