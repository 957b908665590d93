"""The big screen's page and JSON (public while switched on) and its switch in the console."""

from __future__ import annotations

import re

import pytest

from quiz.models import Role
from quiz.services import screen
from tests import figures
from tests.conftest import csrf_from
from tests.helpers import fresh_client
from tests.services.test_screen import statements
from tests.test_security_headers import assert_secure_headers


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


def _switch(world, db, on=True):
    world["campaign"].screen_enabled = on
    db.session.commit()


def test_a_screen_switched_off_or_unknown_is_not_found(client, world):
    slug = world["campaign"].slug
    for path in (f"/c/{slug}/screen", f"/c/{slug}/screen.json", "/c/nothing/screen",
                 "/c/nothing/screen.json"):
        assert client.get(path).status_code == 404, path


def test_the_page_shows_the_figures_to_anyone(client, world, db):
    _switch(world, db)
    response = client.get(f"/c/{world['campaign'].slug}/screen")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # The world's clock stops at 03:00 UTC: 11:00 in the campaign's zone.
    assert "数据更新于" in html and '">11:00:00</time>' in html
    for label in ("参与人数", "参与人次", "参与率", "平均分", "及格人数"):
        assert label in html
    # 7 of 47 expected took part (14.9%); 河山镇 (3/17, 17.6%) leads 城关镇 (4/30, 13.3%).
    assert ">14.9%<" in html and "17.6%" in html and "13.3%" in html
    assert html.index("河山镇") < html.index("城关镇")
    for person in world["people"].values():  # masked: p1 shows as p*
        assert f'<td class="name">{person.name}</td>' not in html
    assert '<td class="name">p*</td>' in html


def test_the_page_runs_no_inline_script_or_style(client, world, db):
    _switch(world, db)
    response = client.get(f"/c/{world['campaign'].slug}/screen")
    assert_secure_headers(response)
    html = response.get_data(as_text=True)
    assert re.findall(r"<script(?![^>]*\ssrc=)", html) == []
    assert "style=" not in html and "<style" not in html
    assert '<script src="/static/js/screen.js" defer>' in html
    assert '<noscript><meta http-equiv="refresh" content="60"></noscript>' in html
    assert 'data-src="/c/' in html and 'data-refresh="30"' in html


def test_the_json_is_the_screens_data(client, world, db, clock):
    _switch(world, db)
    response = client.get(f"/c/{world['campaign'].slug}/screen.json")
    assert response.status_code == 200 and response.is_json
    assert response.headers["Cache-Control"] == "no-cache"
    assert_secure_headers(response)
    assert response.json == screen.screen_data(world["campaign"], clock())
    assert response.json["generated_at"] == "2026-06-15T03:00:00Z"


def test_many_screens_cost_one_computation(client, world, db, clock, app):
    _switch(world, db)
    slug = world["campaign"].slug
    assert client.get(f"/c/{slug}/screen").status_code == 200
    with statements(db) as seen:
        for _ in range(4):
            clock.advance(5)
            other = fresh_client(app)
            assert other.get(f"/c/{slug}/screen.json").status_code == 200
            assert other.get(f"/c/{slug}/screen").status_code == 200
    assert seen == []
    clock.advance(10)  # 30 s after the first
    with statements(db) as seen:
        assert client.get(f"/c/{slug}/screen.json").status_code == 200
    assert seen


def test_the_page_reads_in_english_too(client, world, db):
    _switch(world, db)
    html = client.get(f"/c/{world['campaign'].slug}/screen?lang=en").get_data(as_text=True)
    assert "Figures as of" in html and "Units by participation rate" in html
    assert '<html lang="en">' in html


# --- the switch in the console ------------------------------------------------------------


def _login(app, user):
    client = fresh_client(app)
    page = client.get("/auth/login").get_data(as_text=True)
    assert client.post("/auth/login", data={"phone": user.phone, "password": "secret123",
                                            "csrf_token": csrf_from(page)}).status_code == 302
    return client


def test_an_admin_switches_the_screen_on_and_off(app, world, make_user):
    slug = world["campaign"].slug
    client = _login(app, make_user(role=Role.admin, unit=world["units"]["C"]))
    page = client.get("/manage/campaigns").get_data(as_text=True)
    assert "大屏" in page and "未开启" in page
    assert f'action="/manage/campaigns/{slug}/screen"' in page
    response = client.post(f"/manage/campaigns/{slug}/screen",
                           data={"on": "1", "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    page = client.get("/manage/campaigns").get_data(as_text=True)
    assert "的大屏已开启" in page and f"http://localhost/c/{slug}/screen" in page
    visitor = fresh_client(app)
    assert visitor.get(f"/c/{slug}/screen.json").status_code == 200
    client.post(f"/manage/campaigns/{slug}/screen",
                data={"on": "0", "csrf_token": csrf_from(page)})
    assert world["campaign"].screen_enabled is False
    # Switched off: gone at once, though its figures were just kept in the cache.
    assert fresh_client(app).get(f"/c/{slug}/screen.json").status_code == 404


def test_the_switch_needs_the_forms_token(app, world, make_user):
    slug = world["campaign"].slug
    client = _login(app, make_user(role=Role.admin, unit=world["units"]["C"]))
    client.post(f"/manage/campaigns/{slug}/screen", data={"on": "1"})
    assert world["campaign"].screen_enabled is False


def test_an_organizer_below_the_root_sees_the_state_but_cannot_switch(app, world, db,
                                                                       make_user):
    _switch(world, db)
    slug = world["campaign"].slug
    client = _login(app, make_user(role=Role.organizer, unit=world["units"]["T1"]))
    page = client.get("/manage/campaigns").get_data(as_text=True)
    assert "已开启" in page and f"/manage/campaigns/{slug}/screen" not in page
    response = client.post(f"/manage/campaigns/{slug}/screen",
                           data={"on": "0", "csrf_token": csrf_from(page)})
    assert response.status_code == 403
    db.session.expire_all()
    assert world["campaign"].screen_enabled is True


def test_an_organizer_of_the_root_may_switch(app, world, make_user):
    slug = world["campaign"].slug
    client = _login(app, make_user(role=Role.organizer, unit=world["units"]["C"]))
    page = client.get("/manage/campaigns").get_data(as_text=True)
    client.post(f"/manage/campaigns/{slug}/screen",
                data={"on": "1", "csrf_token": csrf_from(page)})
    assert world["campaign"].screen_enabled is True
