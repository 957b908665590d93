"""The quiz page's script in a real browser at a phone's size (Debian's Chromium).

Skipped where Chromium is not installed (`apt-get install chromium`); Playwright comes with
the dev requirements.
"""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from werkzeug.serving import make_server

from quiz.models import UnitCounter
from quiz.timeutil import utcnow

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright not installed")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(live_server):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True, locale="zh-CN", base_url=live_server)
        yield context.new_page()
        browser.close()


def log_in(page, user):
    page.goto("/auth/login")
    page.fill("#phone", user.phone)
    page.fill("#password", "secret123")
    page.click("button.primary")
    page.wait_for_load_state()


def test_answers_survive_a_reload_and_time_up_submits_by_itself(
        page, db, make_user, make_quiz, clock):
    # The browser's clock is real: give the server's clock the real time too.
    clock.set(utcnow())
    today = clock().date()
    quiz = make_quiz(time_limit_seconds=4, starts_on=today - dt.timedelta(days=1),
                     ends_on=today + dt.timedelta(days=1))
    user = make_user()
    log_in(page, user)
    page.goto(f"/c/{quiz.campaign.slug}")
    page.click("form[action*='/start'] button")
    page.wait_for_selector("#quiz-form")
    page.locator("fieldset.question").first.locator("label.option").nth(1).click()
    page.wait_for_function("document.getElementById('save-state').className.includes('saved')")
    page.reload()
    assert page.locator("fieldset.question").first.locator("input").nth(1).is_checked()

    clock.set(utcnow())  # the server's clock follows real time while the page counts down
    stop = threading.Event()

    def follow_real_time():
        while not stop.wait(0.2):
            clock.set(utcnow())

    follower = threading.Thread(target=follow_real_time, daemon=True)
    follower.start()
    try:
        page.wait_for_selector(".result", timeout=15_000)
    finally:
        stop.set()
    assert page.title().startswith("答题结果")
    db.session.rollback()
    assert db.session.get(UnitCounter, (quiz.campaign_id, user.unit_id)).attempts == 1
