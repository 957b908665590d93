"""The big screen in a real browser (Debian's Chromium): it fits a projector's window, runs
under the Content-Security-Policy with nothing refused, and redraws itself from its JSON.

`SCREEN_SHOTS=1 pytest tests/e2e/test_screen_e2e.py -k screenshots` also writes
docs/screenshots/screen-1920.png and screen-phone.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quiz import caching
from quiz.services import screen
from tests.e2e.test_csp import LISTEN, assert_policy_enforced, violations
from tests.helpers import correct_answers, wrong_answers
from tests.services.test_attempts import start, submit

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

#: Townships of a county (headcount), more than the screen lists.
TOWNSHIPS = [("城关镇", 12), ("河山镇", 6), ("青石镇", 8), ("白云乡", 5), ("柳溪镇", 9),
             ("龙泉乡", 4), ("松林镇", 7), ("金沙镇", 10), ("桃源乡", 3), ("双河镇", 7),
             ("石门乡", 5), ("新华街道", 15), ("东湖街道", 11), ("北山林场", 0)]
#: (name, township index, wrong answers, seconds).
PEOPLE = [("张伟", 0, 0, 185), ("王秀英", 1, 0, 203), ("李娜", 1, 1, 150), ("刘洋", 2, 0, 240),
          ("陈静", 3, 1, 199), ("杨光明", 4, 2, 320), ("赵敏", 5, 0, 260), ("黄晓东", 5, 3, 410),
          ("周杰", 6, 1, 288), ("吴芳", 7, 2, 175), ("徐建国", 8, 0, 301), ("孙丽", 9, 4, 222),
          ("马超", 10, 1, 333), ("朱红梅", 3, 5, 280), ("胡军", 1, 2, 190)]


@pytest.fixture
def county(db, make_unit, make_user, make_quiz, clock):
    """A county of 14 townships, 15 people with an attempt each; the screen switched on."""
    quiz = make_quiz(attempts_per_day=5, pass_mark=30)
    quiz.campaign.title = "2026年“安全生产月”知识竞赛"
    quiz.campaign.theme = "人人讲安全、个个会应急——畅通生命通道"
    quiz.campaign.screen_enabled = True
    root = make_unit("平安县", code="PA", kind="county", headcount=0)
    towns = [make_unit(name, parent=root, code=f"T{n:02d}", kind="township", headcount=size)
             for n, (name, size) in enumerate(TOWNSHIPS, start=1)]
    for name, town, wrong, seconds in PEOPLE:
        user = make_user(unit=towns[town], name=name)
        clock.advance(60)
        attempt = start(user, quiz, clock)
        answers = correct_answers(attempt)
        bad = wrong_answers(attempt)
        for key in list(answers)[:wrong]:
            answers[key] = bad[key]
        clock.advance(seconds)
        submit(user, attempt, clock, answers)
    db.session.commit()
    return {"quiz": quiz, "campaign": quiz.campaign, "towns": towns}


@pytest.fixture
def screen_page(page):
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.add_init_script(LISTEN)
    page.csp_console = console
    return page


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"
                         " && document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("size", [(1920, 1080), (1366, 768)])
def test_the_screen_fits_a_projector_without_scrolling(screen_page, county, size):
    screen_page.set_viewport_size({"width": size[0], "height": size[1]})
    screen_page.goto(f"/c/{county['campaign'].slug}/screen")
    screen_page.wait_for_load_state("networkidle")
    assert _fits(screen_page), size
    rows = screen_page.locator("#screen-units tr")
    assert rows.count() == screen.UNITS_SHOWN
    assert screen_page.locator("#screen-people tr").count() == 10
    assert screen_page.locator("#screen-units-hidden").text_content() == "2"
    assert violations(screen_page) == []


def test_the_screen_redraws_itself_from_its_json(screen_page, app, county, make_user, clock):
    app.config["SCREEN_REFRESH_SECONDS"] = 1
    slug = county["campaign"].slug
    newcomer = make_user(unit=county["towns"][13], name="欧阳娜娜")
    attempt = start(newcomer, county["quiz"], clock)
    clock.advance(95)
    screen_page.set_viewport_size({"width": 1920, "height": 1080})
    screen_page.goto(f"/c/{slug}/screen")
    screen_page.wait_for_load_state("networkidle")
    assert_policy_enforced(screen_page)
    participants = screen_page.locator('[data-figure="participants"]')
    assert participants.text_content() == "15"
    first_time = screen_page.locator("#screen-time").text_content()

    # Someone finishes meanwhile: the screen keeps its figures for the cache's period...
    submit(newcomer, attempt, clock, correct_answers(attempt))
    with screen_page.expect_response(lambda r: r.url.endswith("/screen.json")):
        pass
    assert participants.text_content() == "15"
    # ...and shows the new ones once it has passed (the app's clock, not the browser's).
    clock.advance(caching.SCREEN_SECONDS)
    screen_page.wait_for_selector('[data-figure="participants"]:text-is("16")', timeout=10_000)
    assert screen_page.locator("#screen-time").text_content() != first_time
    assert screen_page.locator("#screen-people tr.medal-1 td.name").text_content() == "欧*娜"
    assert violations(screen_page) == []


def test_a_screen_switched_off_leaves_the_projector(screen_page, app, county, db):
    app.config["SCREEN_REFRESH_SECONDS"] = 1
    slug = county["campaign"].slug
    screen_page.goto(f"/c/{slug}/screen")
    county["campaign"].screen_enabled = False
    db.session.commit()
    caching.forget(caching.screen_key(slug))
    # The next refresh finds nothing: the page reloads into the 404 page, figures gone.
    screen_page.wait_for_selector("#screen", state="detached", timeout=10_000)
    assert screen_page.locator(".topbar").count() == 1


@pytest.mark.skipif(not os.environ.get("SCREEN_SHOTS"), reason="set SCREEN_SHOTS=1 to write them")
def test_screenshots(screen_page, county):
    slug = county["campaign"].slug
    for name, size in (("screen-1920", (1920, 1080)), ("screen-phone", (390, 844))):
        screen_page.set_viewport_size({"width": size[0], "height": size[1]})
        screen_page.goto(f"/c/{slug}/screen")
        screen_page.wait_for_load_state("networkidle")
        path = SHOTS / f"{name}.png"
        screen_page.screenshot(path=str(path))
        assert path.stat().st_size < 400_000, name
    assert violations(screen_page) == []

