"""The quiz page's script in a real browser at a phone's size (Debian's Chromium).

Skipped where Chromium is not installed (`apt-get install chromium`); Playwright comes with
the dev requirements.
"""

from __future__ import annotations

import datetime as dt
import threading

from quiz.timeutil import utcnow
from tests.e2e.conftest import log_in
from tests.helpers import kept_counter


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
    page.wait_for_selector("#save-state.saved")  # no wait_for_function: the CSP forbids eval
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
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 1
