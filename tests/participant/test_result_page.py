"""The result page and "my attempts": which attempt counts, trying again, time running out,
and a review that keeps the key hidden when the quiz says so."""

from __future__ import annotations

import re

from tests.helpers import correct_answers, wrong_answers
from tests.services.test_attempts import start, submit


def _login(auth, user):
    auth.login(user.phone)


def test_the_result_offers_another_try_while_attempts_are_left(client, auth, make_user,
                                                               make_quiz, clock):
    user, quiz = make_user(), make_quiz(attempts_per_day=2)
    _login(auth, user)
    first = start(user, quiz, clock)
    submit(user, first, clock)
    html = client.get(f"/attempt/{first.id}/result").get_data(as_text=True)
    assert "再答一次" in html and f'action="/quiz/{quiz.id}/start"' in html
    second = start(user, quiz, clock)
    submit(user, second, clock)
    html = client.get(f"/attempt/{second.id}/result").get_data(as_text=True)
    assert "再答一次" not in html


def test_the_result_says_which_attempt_counts(client, auth, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    _login(auth, user)
    good = start(user, quiz, clock)
    submit(user, good, clock, correct_answers(good))
    worse = start(user, quiz, clock)
    submit(user, worse, clock, wrong_answers(worse))
    html = client.get(f"/attempt/{good.id}/result").get_data(as_text=True)
    assert "本次是你的最好成绩" in html
    html = client.get(f"/attempt/{worse.id}/result").get_data(as_text=True)
    assert "计入成绩的是你的最好成绩" in html and f"/attempt/{good.id}/result" in html
    mine = client.get("/me/attempts").get_data(as_text=True)
    counted = re.findall(r'href="/attempt/([0-9a-f]{32})/result".*?(?=</li>)', mine, re.S)
    rows = {m: block for m, block in zip(
        counted, re.split(r'<li class="card">', mine)[1:], strict=False)}
    assert "计入成绩" in rows[good.id] and "计入成绩" not in rows[worse.id]


def test_a_tie_counts_the_faster_attempt(client, auth, make_user, make_quiz, clock):
    from quiz.services import attempts

    user, quiz = make_user(), make_quiz()
    slow = start(user, quiz, clock)
    clock.advance(300)
    submit(user, slow, clock, correct_answers(slow))
    fast = start(user, quiz, clock)
    clock.advance(60)
    submit(user, fast, clock, correct_answers(fast))
    assert attempts.standing(user, quiz.campaign_id).attempt.id == fast.id


def test_a_submit_at_the_deadline_says_the_time_ran_out(client, auth, make_user, make_quiz,
                                                        clock):
    user, quiz = make_user(), make_quiz()
    _login(auth, user)
    attempt = start(user, quiz, clock)
    clock.advance(quiz.time_limit_seconds + 1)  # the page's own submit, a second late
    submit(user, attempt, clock, correct_answers(attempt))
    assert attempt.status == "timed_out" and attempt.score == attempt.max_score
    html = client.get(f"/attempt/{attempt.id}/result").get_data(as_text=True)
    assert "时间已到" in html or "时间到" in html
    assert "超时交卷" in client.get("/me/attempts").get_data(as_text=True)


def test_a_submit_before_the_deadline_is_not_timed_out(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    clock.advance(quiz.time_limit_seconds - 1)
    submit(user, attempt, clock)
    assert attempt.status == "submitted"


def test_hidden_answers_show_no_points_per_question_on_the_result(client, auth, make_user,
                                                                  make_quiz, clock):
    user, quiz = make_user(), make_quiz(review_shows_answers=False)
    _login(auth, user)
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock, correct_answers(attempt))
    html = client.get(f"/attempt/{attempt.id}/result").get_data(as_text=True)
    assert not re.search(r"·\s*\d+\s*(分|pts)", html)
    assert 'class="card question review right' not in html
    assert 'class="card question review wrong' not in html
    assert "答对" not in html and "Correct:" not in html  # the count says as much
    assert f"<strong>{attempt.score}</strong>" in html


def test_shown_answers_show_points_and_marks(client, auth, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    _login(auth, user)
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock, correct_answers(attempt))
    html = client.get(f"/attempt/{attempt.id}/result").get_data(as_text=True)
    assert re.search(r"·\s*5\s*分", html) and "review right" in html
