"""The quiz page in a phone-sized Chromium: one question at a time, the answer card, the
confirmation before submitting with questions unanswered, resuming after a reload, and the
time-up submit at the server's deadline (not before it, and at once after a phone sleeps).

Skipped where Chromium is not installed (`apt-get install chromium`).
"""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa

from quiz.models import Attempt
from quiz.timeutil import utcnow
from tests.e2e.conftest import log_in

QUESTIONS = 8  # make_quiz's default draw: 4 single, 2 multiple, 2 judge


def start(page, make_user, make_quiz, **quiz_settings):
    """Log in and start a quiz; the quiz page is open. Returns (user, quiz)."""
    quiz = make_quiz(**quiz_settings)
    user = make_user()
    log_in(page, user)
    page.goto(f"/c/{quiz.campaign.slug}")
    page.click("form[action*='/start'] button")
    page.wait_for_selector("#quiz-form")
    return user, quiz


def stored(db, user):
    """The user's attempt as the database has it now (status, finished_at, deadline_at)."""
    db.session.rollback()  # a fresh read: the live server writes in another thread
    return db.session.execute(
        sa.select(Attempt.status, Attempt.finished_at, Attempt.deadline_at)
        .where(Attempt.user_id == user.id)
    ).one()


def stored_id(db, user):
    return db.session.scalar(sa.select(Attempt.id).where(Attempt.user_id == user.id))


def shown(page):
    """The index of the one question on screen (and that there is exactly one)."""
    visible = page.locator("fieldset.question:visible")
    assert visible.count() == 1
    ids = page.locator("fieldset.question").evaluate_all("all => all.map(f => f.id)")
    return ids.index(visible.get_attribute("id"))


def test_one_question_at_a_time_with_previous_and_next(page, make_user, make_quiz):
    errors = []  # script errors and Content-Security-Policy refusals land here
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    start(page, make_user, make_quiz)
    assert shown(page) == 0
    assert page.locator("#position").inner_text() == f"第 1 题 / 共 {QUESTIONS} 题"
    assert page.locator("#prev-question").is_disabled()
    assert not page.locator("#submit-button").is_visible()  # on the last question, or the card
    # No longer one long scroll: a question fits on the screen, above the question bar.
    assert page.evaluate("document.documentElement.scrollHeight") < 1.2 * 844
    bar = page.locator("#quiznav").bounding_box()
    assert bar["y"] + bar["height"] == 844

    page.click("#next-question")
    assert shown(page) == 1
    assert page.locator("#position").inner_text() == f"第 2 题 / 共 {QUESTIONS} 题"
    page.click("#prev-question")
    assert shown(page) == 0
    for _ in range(QUESTIONS - 1):
        page.click("#next-question")
    assert shown(page) == QUESTIONS - 1
    assert page.locator("#next-question").is_disabled()
    assert page.locator("#submit-button").is_visible()

    # The chosen option takes the theme's colour, whatever the theme sets it to.
    option = page.locator("fieldset.question:visible label.option").first
    option.click()
    assert option.evaluate("e => getComputedStyle(e).borderColor") == "rgb(200, 40, 30)"
    page.evaluate("document.documentElement.style.setProperty('--red', 'rgb(0, 90, 180)')")
    assert option.evaluate("e => getComputedStyle(e).borderColor") == "rgb(0, 90, 180)"
    assert option.evaluate("e => getComputedStyle(e).backgroundColor") != "rgb(253, 240, 239)"

    assert errors == []

    # No log-out one tap away during the quiz; the other pages keep it.
    assert page.locator("header form").count() == 0
    page.goto("/me/attempts")
    assert page.locator("header form[action*='logout'] button").is_visible()


def test_the_answer_card_marks_answered_questions_and_jumps(page, make_user, make_quiz):
    start(page, make_user, make_quiz)
    page.locator("fieldset.question:visible label.option").nth(1).click()
    page.click("#next-question")
    page.click("#next-question")
    page.locator("fieldset.question:visible label.option").first.click()
    assert page.locator("#card-count").inner_text() == f"2/{QUESTIONS}"

    page.click("#open-card")
    card = page.locator("#answer-card")
    assert card.is_visible()
    items = card.locator(".card-item")
    assert items.count() == QUESTIONS
    marked = items.evaluate_all("all => all.map(b => b.classList.contains('answered'))")
    assert marked == [True, False, True] + [False] * (QUESTIONS - 3)
    assert items.nth(2).get_attribute("aria-current") == "step"
    assert items.nth(0).get_attribute("aria-label") == "第 1 题，已作答"
    assert items.nth(1).get_attribute("aria-label") == "第 2 题，未作答"
    assert card.locator("#card-answered").inner_text() == "2"
    assert card.locator("#card-missing").inner_text() == str(QUESTIONS - 2)

    items.nth(5).click()
    assert not card.is_visible()
    assert shown(page) == 5
    assert page.locator("#position").inner_text() == f"第 6 题 / 共 {QUESTIONS} 题"
    page.click("#open-card")
    page.click("#close-card")
    assert not card.is_visible() and shown(page) == 5


def test_submitting_with_unanswered_questions_asks_first(page, db, make_user, make_quiz):
    user, _ = start(page, make_user, make_quiz)
    page.locator("fieldset.question:visible label.option").first.click()
    asked = []

    def answer(accept):
        def handle(dialog):
            asked.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()
        return handle

    page.once("dialog", answer(False))
    page.click("#open-card")
    page.click("#card-submit")
    assert asked == [f"还有 {QUESTIONS - 1} 道题未作答，确定交卷吗？"]
    assert page.locator("#quiz-form").is_visible() and "/attempt/" in page.url
    assert stored(db, user).status == "open"

    page.once("dialog", answer(True))
    page.click("#card-submit")
    page.wait_for_selector(".result")
    assert len(asked) == 2
    assert stored(db, user).status == "submitted"


def test_a_reload_keeps_the_answers_and_the_question(page, make_user, make_quiz):
    start(page, make_user, make_quiz)
    page.click("#next-question")
    page.locator("fieldset.question:visible label.option").nth(1).click()
    page.wait_for_selector("#save-state.saved")
    page.click("#next-question")
    assert page.url.endswith("#q=3")

    page.reload()
    page.wait_for_selector("#quiz-form")
    assert shown(page) == 2
    assert page.locator("#position").inner_text() == f"第 3 题 / 共 {QUESTIONS} 题"
    page.click("#prev-question")
    assert page.locator("fieldset.question:visible input").nth(1).is_checked()
    assert page.locator("#card-count").inner_text() == f"1/{QUESTIONS}"

    # Coming back without the address's question (from the campaign page, say): the first
    # question still to answer.
    page.goto(page.url.split("#")[0])
    page.wait_for_selector("#quiz-form")
    assert shown(page) == 0  # the first is not answered yet
    page.locator("fieldset.question:visible label.option").first.click()
    page.wait_for_selector("#save-state.saved")
    page.goto(page.url.split("#")[0])
    page.wait_for_selector("#quiz-form")
    assert shown(page) == 2


def test_time_up_submits_at_the_servers_deadline_not_before(
        page, app, db, make_user, make_quiz):
    app.config["QUIZ_CLOCK"] = utcnow  # the browser's clock is real: the server's too
    today = utcnow().date()
    user, _ = start(page, make_user, make_quiz, starts_on=today - dt.timedelta(days=1),
                    ends_on=today + dt.timedelta(days=1))
    # A few seconds left, not a whole number of them (the page is told whole seconds).
    deadline = utcnow() + dt.timedelta(seconds=3.4)
    db.session.execute(sa.update(Attempt).where(Attempt.user_id == user.id)
                       .values(deadline_at=deadline))
    db.session.commit()
    page.reload()
    page.wait_for_selector("#quiz-form")
    # An answer the autosave cannot send: only the page's own submit can bring it.
    page.route("**/answers", lambda route: route.abort())
    first = page.locator("fieldset.question").first  # on screen: nothing is answered yet
    first.locator("label.option").nth(2).click()
    qid = first.get_attribute("data-qid")

    while utcnow() < deadline - dt.timedelta(seconds=0.05):
        assert stored(db, user).status == "open", "submitted before the deadline"
        time.sleep(0.05)
    page.wait_for_selector(".result", timeout=10_000)
    status, finished_at, deadline_at = stored(db, user)
    # Submitted by the page at the deadline, within the grace (the server alone would have
    # finished it at deadline_at exactly, without the unsaved answer).
    assert status != "open"
    assert deadline_at < finished_at < deadline_at + dt.timedelta(seconds=2)
    assert db.session.get(Attempt, stored_id(db, user)).answers[qid] == "C"


def test_a_phone_back_from_sleep_after_the_deadline_submits_at_once(
        page, db, clock, make_user, make_quiz):
    page.clock.install()
    clock.set(utcnow())
    today = clock().date()
    user, _ = start(page, make_user, make_quiz, starts_on=today - dt.timedelta(days=1),
                    ends_on=today + dt.timedelta(days=1))
    page.locator("fieldset.question").first.locator("label.option").first.click()
    page.wait_for_selector("#save-state.saved")
    # The phone sleeps: its page's timers stop while its clock goes on past the deadline.
    now_s = page.evaluate("Date.now()") / 1000
    page.clock.pause_at(now_s + 1)
    page.clock.set_system_time(now_s + 1 + 601)
    clock.advance(602)  # past the deadline, within the grace
    time.sleep(0.5)
    assert stored(db, user).status == "open"  # no timer ran

    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # awake again
    page.wait_for_selector(".result", timeout=5_000)
    status, finished_at, deadline_at = stored(db, user)
    assert status != "open" and finished_at == clock()  # the page's submit, not the server's
