"""A campaign's quizzes: the refusals (too many questions, with how many the banks hold; a
pass mark above the maximum; a time limit out of range), per-category rules, a change after
attempts (refused, or saved as a new quiz), and the preview draw that stores nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Attempt, Quiz
from quiz.services import quiz_admin
from quiz.services.errors import InvalidFields
from quiz.services.quiz_admin import CategoryRule, QuizLocked, QuizValues
from tests.helpers import correct_answers
from tests.services.test_attempts import start, submit


def _values(bank, **changes) -> QuizValues:
    values = {"title": "答题", "bank_ids": [bank.id],
              "counts": {"single": 4, "multiple": 2, "judge": 2}, "pass_mark": 30}
    return QuizValues(**{**values, **changes})


def _add(campaign, values):
    with write_transaction():
        return quiz_admin.add_quiz(campaign, values)


def _errors(excinfo) -> dict[str, str]:
    return {name: str(error.message) for name, error in excinfo.value.errors.items()}


def test_a_quiz_is_added_with_its_rules_and_settings(make_quiz, make_bank):
    campaign, bank = make_quiz().campaign, make_bank()
    quiz = _add(campaign, _values(bank, minutes=15, attempts_per_day=5, partial_credit=True))
    assert (quiz.question_count, quiz.max_score, quiz.time_limit_seconds) == (8, 40, 900)
    assert quiz.partial_credit and quiz.attempts_per_day == 5 and quiz in campaign.quizzes


def test_more_questions_than_the_banks_hold_is_refused_saying_how_many_they_hold(
        make_quiz, make_bank):
    campaign, bank = make_quiz().campaign, make_bank(single=12, multiple=6, judge=6)
    with pytest.raises(InvalidFields) as excinfo:
        _add(campaign, _values(bank, counts={"single": 15, "multiple": 2, "judge": 9}))
    errors = _errors(excinfo)
    assert set(errors) == {"single", "judge"}
    assert "12" in errors["single"] and "15" in errors["single"] and "6" in errors["judge"]


def test_a_category_rule_counts_against_its_category_and_its_type(make_quiz, make_bank):
    campaign = make_quiz().campaign
    bank = make_bank(single=4, multiple=0, judge=3, category="消防安全")
    rules = [CategoryRule("judge", "消防安全", 2), CategoryRule("judge", "交通安全", 1)]
    with pytest.raises(InvalidFields) as excinfo:
        _add(campaign, _values(bank, counts={"single": 2, "multiple": 0, "judge": 2},
                               by_category=rules))
    errors = _errors(excinfo)
    assert "交通安全" in errors["by_category-1-count"] and "0" in errors["by_category-1-count"]
    assert "3" in errors["judge"] and "5" in errors["judge"]  # 2 + 2 + 1 asked, 3 held
    quiz = _add(campaign, _values(bank, counts={"single": 2, "multiple": 0, "judge": 1},
                                  by_category=rules[:1], pass_mark=20))
    assert [(r.type, r.category, r.count) for r in quiz.rules][0] == ("judge", "消防安全", 2)
    assert quiz.question_count == 5


def test_a_pass_mark_above_the_maximum_and_a_time_out_of_range_are_refused(
        make_quiz, make_bank):
    campaign, bank = make_quiz().campaign, make_bank()
    with pytest.raises(InvalidFields) as excinfo:
        _add(campaign, _values(bank, pass_mark=41))
    assert "40" in _errors(excinfo)["pass_mark"]
    for minutes in (0, 181, "十"):
        with pytest.raises(InvalidFields) as excinfo:
            _add(campaign, _values(bank, minutes=minutes))
        assert set(_errors(excinfo)) == {"minutes"}, minutes
    with pytest.raises(InvalidFields) as excinfo:
        _add(campaign, _values(bank, bank_ids=[], counts={"single": 0}))
    assert set(_errors(excinfo)) == {"banks"}
    with pytest.raises(InvalidFields) as excinfo:
        _add(campaign, _values(bank, counts={"single": 0, "multiple": 0, "judge": 0},
                               pass_mark=0))
    assert set(_errors(excinfo)) == {"single"}


def _attempt(make_user, quiz, clock):
    user = make_user()
    clock.set(dt.datetime(2026, 6, 10, 2))
    attempt = start(user, quiz, clock)
    return submit(user, attempt, clock, correct_answers(attempt))


def test_after_attempts_a_change_of_scoring_is_refused_and_the_rest_is_saved(
        make_quiz, make_user, clock, db):
    quiz = make_quiz()
    attempt = _attempt(make_user, quiz, clock)
    values = quiz_admin.values_of(quiz)
    values.points = {**values.points, "single": 10}
    with pytest.raises(QuizLocked) as excinfo, write_transaction():
        quiz_admin.update_quiz(quiz, values)
    assert "1" in str(excinfo.value.message)
    db.session.refresh(quiz)
    assert quiz.points_single == 5
    values = quiz_admin.values_of(quiz)
    values.title, values.minutes, values.attempts_per_day = "第二轮", 20, 5
    with write_transaction():
        saved = quiz_admin.update_quiz(quiz, values)
    assert saved.id == quiz.id and (quiz.title, quiz.time_limit_seconds) == ("第二轮", 1200)
    assert db.session.get(Attempt, attempt.id).score == 40  # scored as it was


def test_a_scoring_change_after_attempts_can_be_saved_as_a_new_quiz(
        make_quiz, make_user, clock, db):
    quiz = make_quiz()
    attempt = _attempt(make_user, quiz, clock)
    values = quiz_admin.values_of(quiz)
    values.pass_mark = 20
    with write_transaction():
        saved = quiz_admin.update_quiz(quiz, values, as_new=True)
    assert saved.id != quiz.id and saved.pass_mark == 20 and saved.is_active
    assert quiz.is_active is False and quiz.pass_mark == 30
    assert db.session.get(Attempt, attempt.id).quiz_id == quiz.id
    assert len(quiz.campaign.quizzes) == 2


def test_without_attempts_anything_may_change(make_quiz, make_bank):
    quiz, other = make_quiz(), make_bank(name="新题库")
    values = quiz_admin.values_of(quiz)
    values.bank_ids, values.counts = [other.id], {"single": 10, "multiple": 0, "judge": 0}
    with write_transaction():
        saved = quiz_admin.update_quiz(quiz, values)
    assert saved.id == quiz.id and quiz.banks == [other] and quiz.question_count == 10


def test_a_preview_draws_like_an_attempt_and_stores_nothing(make_quiz, db):
    quiz = make_quiz()
    questions = quiz_admin.preview(quiz)
    assert len(questions) == quiz.question_count
    assert [q.type for q in questions] == ["single"] * 4 + ["multiple"] * 2 + ["judge"] * 2
    assert all(any(right for _, _, right in q.options) for q in questions)
    single = questions[0]
    assert [text for _, text, right in single.options if right] == ["乙"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 1


def test_two_rows_of_one_category_add_up_against_what_it_holds(make_quiz, make_bank):
    campaign = make_quiz().campaign
    bank = make_bank(single=3, multiple=0, judge=0, category="消防安全")
    rows = [CategoryRule("single", "消防安全", 2), CategoryRule("single", "消防安全", 2)]
    with pytest.raises(InvalidFields) as excinfo:
        _add(campaign, _values(bank, counts={"single": 0, "multiple": 0, "judge": 0},
                               by_category=rows, pass_mark=0))
    errors = _errors(excinfo)
    assert "by_category-0-count" in errors and "3" in errors["by_category-0-count"]


def test_a_bank_that_does_not_exist_is_refused_not_a_crash(make_quiz, make_bank):
    campaign, bank = make_quiz().campaign, make_bank()
    for ids in ([bank.id, 99_999], [10**20], [-1]):
        with pytest.raises(InvalidFields) as excinfo:
            _add(campaign, _values(bank, bank_ids=ids))
        assert set(_errors(excinfo)) == {"banks"}, ids


def test_a_scoring_change_of_the_category_rules_after_attempts_is_refused(
        make_quiz, make_user, clock, db):
    quiz = make_quiz()
    _attempt(make_user, quiz, clock)
    values = quiz_admin.values_of(quiz)
    values.counts = {**values.counts, "single": 3}
    values.by_category = [CategoryRule("single", "消防安全", 1)]  # the same 8 questions
    with pytest.raises(QuizLocked), write_transaction():
        quiz_admin.update_quiz(quiz, values)
