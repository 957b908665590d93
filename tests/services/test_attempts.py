"""The participant's rules, checked on the services with a controlled clock."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Attempt, Question
from quiz.services import attempts, counters
from quiz.services.errors import (
    AttemptFinished,
    CampaignEnded,
    CampaignNotStarted,
    DailyLimitReached,
    NotEnoughQuestions,
    NotFound,
    QuizUnavailable,
    TimeUp,
    ValidationFailed,
)
from tests.helpers import correct_answers, kept_counter, wrong_answers

GRACE = 5


def start(user, quiz, clock):
    with write_transaction():
        return attempts.start(user, quiz, clock(), GRACE).attempt


def submit(user, attempt, clock, answers=None):
    with write_transaction():
        return attempts.submit(user, attempt.id, answers, clock(), GRACE)


def save(user, attempt, clock, answers):
    with write_transaction():
        return attempts.save_answers(user, attempt.id, answers, clock(), GRACE)


def test_start_draws_the_configured_mix_in_type_order(make_user, make_quiz, clock):
    quiz = make_quiz(single=4, multiple=2, judge=2)
    attempt = start(make_user(), quiz, clock)
    types = [item["type"] for item in attempt.questions]
    assert types == ["single"] * 4 + ["multiple"] * 2 + ["judge"] * 2
    assert len({item["id"] for item in attempt.questions}) == 8
    assert attempt.deadline_at == clock() + dt.timedelta(seconds=600)
    assert attempt.max_score == 40
    assert len(attempt.id) == 32 and int(attempt.id, 16) >= 0


def test_rule_with_a_category_draws_only_that_category(db, make_user, make_bank, make_quiz,
                                                       clock):
    bank = make_bank(single=5, multiple=0, judge=0, category="消防安全")
    other = make_bank(single=5, multiple=0, judge=0, name="燃气", category="燃气安全")
    quiz = make_quiz(bank=bank, single=3, multiple=0, judge=0)
    quiz.banks.append(other)
    quiz.rules[0].category = "燃气安全"
    db.session.commit()
    attempt = start(make_user(), quiz, clock)
    categories = {db.session.get(Question, i["id"]).category for i in attempt.questions}
    assert categories == {"燃气安全"}


def test_options_are_shuffled_but_judge_stays_true_then_false(make_user, make_quiz, clock):
    quiz = make_quiz(single=10, multiple=0, judge=4, shuffle_options=True)
    attempt = start(make_user(), quiz, clock)
    orders = {item["order"] for item in attempt.questions if item["type"] == "single"}
    assert orders != {"ABCD"}  # 10 questions all unshuffled: chance 1 in 24**10
    assert {i["order"] for i in attempt.questions if i["type"] == "judge"} == {"AB"}


def test_starting_again_resumes_the_unfinished_attempt(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    first = start(user, quiz, clock)
    clock.advance(30)
    with write_transaction():
        again = attempts.start(user, quiz, clock(), GRACE)
    assert again.attempt.id == first.id and again.created is False
    assert again.attempt.deadline_at == first.deadline_at


def test_no_attempt_starts_before_or_after_the_campaign(make_user, make_quiz, clock):
    user = make_user()
    with pytest.raises(CampaignNotStarted):
        start(user, make_quiz(starts_on=dt.date(2026, 6, 11), ends_on=dt.date(2026, 6, 30)),
              clock)
    with pytest.raises(CampaignEnded):
        start(user, make_quiz(starts_on=dt.date(2026, 6, 1), ends_on=dt.date(2026, 6, 9)), clock)


def test_campaign_days_are_counted_in_its_time_zone(make_user, make_quiz, clock):
    quiz = make_quiz(starts_on=dt.date(2026, 6, 11), ends_on=dt.date(2026, 6, 30))
    clock.set(dt.datetime(2026, 6, 10, 15, 59))  # 23:59 in Beijing: still the 10th
    with pytest.raises(CampaignNotStarted):
        start(make_user(), quiz, clock)
    clock.set(dt.datetime(2026, 6, 10, 16, 1))  # 00:01 on the 11th in Beijing
    assert start(make_user(), quiz, clock).local_day == dt.date(2026, 6, 11)


def test_inactive_quiz_cannot_be_started(make_user, make_quiz, clock):
    with pytest.raises(QuizUnavailable):
        start(make_user(), make_quiz(is_active=False), clock)


def test_daily_limit_counts_days_in_the_campaign_time_zone(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz(attempts_per_day=2)
    clock.set(dt.datetime(2026, 6, 10, 15, 0))  # 23:00 Beijing
    for _ in range(2):
        submit(user, start(user, quiz, clock), clock)
    assert attempts.attempts_left_today(user, quiz, clock()) == 0
    with pytest.raises(DailyLimitReached):
        start(user, quiz, clock)
    clock.set(dt.datetime(2026, 6, 10, 16, 0, 1))  # 00:00:01 the next day in Beijing
    assert attempts.attempts_left_today(user, quiz, clock()) == 2
    assert start(user, quiz, clock).local_day == dt.date(2026, 6, 11)


def test_not_enough_questions_is_a_clear_error(make_user, make_bank, make_quiz, clock):
    quiz = make_quiz(bank=make_bank(single=2), single=3)
    with pytest.raises(NotEnoughQuestions):
        start(make_user(), quiz, clock)


def test_all_correct_scores_full_marks_and_passes(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    clock.advance(95)
    result = submit(user, attempt, clock, correct_answers(attempt))
    assert (result.score, result.max_score, result.correct_count) == (40, 40, 8)
    assert result.passed is True and result.status == "submitted"
    assert result.duration_seconds == 95


def test_multiple_choice_is_all_or_nothing_by_default(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz(single=0, multiple=2, judge=0, pass_mark=0)
    attempt = start(user, quiz, clock)
    right = correct_answers(attempt)
    subset = {qid: keys[0] for qid, keys in right.items()}
    assert submit(user, attempt, clock, subset).score == 0


def test_partial_credit_gives_half_for_a_correct_subset_only(make_user, make_quiz, clock):
    user = make_user()
    quiz = make_quiz(single=0, multiple=2, judge=0, pass_mark=0, partial_credit=True,
                     attempts_per_day=5)
    attempt = start(user, quiz, clock)
    (q1, k1), (q2, k2) = correct_answers(attempt).items()
    wrong_pick = next(k for k in "ABCD" if k not in k2)
    result = submit(user, attempt, clock, {q1: k1[0], q2: k2[0] + wrong_pick})
    assert result.points == {q1: 2, q2: 0}  # 5 points: half rounded down; a wrong pick: 0
    assert result.correct_count == 0


def test_submitting_twice_returns_the_same_result_and_counts_once(db, make_user, make_quiz,
                                                                  clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    first = submit(user, attempt, clock, correct_answers(attempt))
    clock.advance(3)
    second = submit(user, attempt, clock, wrong_answers(attempt))
    assert (second.score, second.finished_at) == (first.score, first.finished_at)
    kept = kept_counter(quiz.campaign_id, user.unit_id)
    assert (kept.attempts, kept.participants) == (1, 1)
    assert counters.compare() == []


def test_autosave_merges_answers_and_resume_keeps_them(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    right = list(correct_answers(attempt).items())
    save(user, attempt, clock, {right[0][0]: list(right[0][1])})
    save(user, attempt, clock, {right[1][0]: list(right[1][1])})
    with write_transaction():
        resumed = attempts.start(user, quiz, clock(), GRACE).attempt
    assert resumed.answers == {right[0][0]: right[0][1], right[1][0]: right[1][1]}


def test_saved_answers_are_validated_per_question(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    single_id = str(attempt.questions[0]["id"])
    with pytest.raises(ValidationFailed) as error:
        save(user, attempt, clock, {single_id: ["A", "B"]})
    assert error.value.field == f"answers.{single_id}"
    with pytest.raises(ValidationFailed):
        save(user, attempt, clock, {single_id: ["Z"]})
    with pytest.raises(ValidationFailed):
        save(user, attempt, clock, {"999999": ["A"]})
    with pytest.raises(ValidationFailed):
        save(user, attempt, clock, ["A"])


def test_a_save_within_the_grace_is_accepted(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    clock.advance(600 + GRACE)
    qid = str(attempt.questions[0]["id"])
    assert save(user, attempt, clock, {qid: ["A"]}).answers[qid] == "A"


def test_a_save_after_the_deadline_is_refused_and_the_attempt_is_finished(
        db, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    first = list(correct_answers(attempt).items())[0]
    save(user, attempt, clock, {first[0]: list(first[1])})
    clock.advance(600 + GRACE + 1)
    with pytest.raises(TimeUp):
        save(user, attempt, clock, {first[0]: ["A", "B"]})
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt.id)
    assert stored.status == "timed_out"
    assert stored.answers == {first[0]: first[1]}  # what was saved in time, nothing later
    assert stored.score == 5 and stored.finished_at == stored.deadline_at
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 1


def test_a_late_submit_scores_only_the_answers_saved_in_time(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    clock.advance(600 + GRACE + 1)
    result = submit(user, attempt, clock, correct_answers(attempt))
    assert result.status == "timed_out" and result.score == 0
    assert result.duration_seconds == 600


def test_an_overdue_attempt_is_finished_and_counted_when_touched_again(
        db, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    old = start(user, quiz, clock)
    clock.advance(3600)
    new = start(user, quiz, clock)
    assert new.id != old.id
    db.session.expire_all()
    assert db.session.get(Attempt, old.id).status == "timed_out"
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 1


def test_saving_a_finished_attempt_is_refused(make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock)
    with pytest.raises(AttemptFinished):
        save(user, attempt, clock, {str(attempt.questions[0]["id"]): ["A"]})


def test_another_users_attempt_is_not_found(make_user, make_quiz, clock):
    owner, other, quiz = make_user(), make_user(), make_quiz()
    attempt = start(owner, quiz, clock)
    with pytest.raises(NotFound):
        attempts.get_own_attempt(other, attempt.id)
    with pytest.raises(NotFound):
        submit(other, attempt, clock)


def test_questions_shown_before_submit_carry_no_answer_or_explanation(make_user, make_quiz,
                                                                      clock):
    attempt = start(make_user(), make_quiz(), clock)
    shown = attempts.public_questions(attempt)
    assert {tuple(sorted(q)) for q in shown} == {("id", "options", "points", "stem", "type")}
    with pytest.raises(AttemptFinished):
        attempts.review(attempt)


def test_review_follows_the_quiz_settings(make_user, make_quiz, clock):
    user = make_user()
    quiz = make_quiz(review_shows_answers=False, review_shows_explanations=False)
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock, correct_answers(attempt))
    row = attempts.review(attempt)[0]
    assert "correct" not in row and "explanation" not in row
    # Hidden answers: nothing per question that depends on the key (see test_review_leaks).
    assert "awarded" not in row and "is_correct" not in row


def test_attempt_counts_for_the_unit_the_user_had_when_starting(
        db, make_user, make_unit, make_quiz, clock):
    user, quiz, elsewhere = make_user(), make_quiz(), make_unit("别处")
    attempt = start(user, quiz, clock)
    first_unit = user.unit_id
    user.unit_id = elsewhere.id
    db.session.commit()
    submit(user, attempt, clock)
    assert kept_counter(quiz.campaign_id, first_unit).attempts == 1
    assert kept_counter(quiz.campaign_id, elsewhere.id) is None


def test_counters_track_people_attempts_answers_and_scores(db, make_user, make_quiz, clock):
    quiz = make_quiz(attempts_per_day=5)
    alice, bob = make_user(), make_user()
    bob.unit_id = alice.unit_id
    db.session.commit()
    for user, good in ((alice, True), (alice, False), (bob, True)):
        attempt = start(user, quiz, clock)
        submit(user, attempt, clock,
               correct_answers(attempt) if good else wrong_answers(attempt))
    kept = kept_counter(quiz.campaign_id, alice.unit_id)
    assert (kept.participants, kept.attempts, kept.answers, kept.correct_answers,
            kept.score_sum, kept.passed_attempts) == (2, 3, 24, 16, 80, 2)
    assert counters.compare() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 3


def test_a_submit_counts_each_drawn_question_as_drawn_answered_and_correct(
        db, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz(single=2, multiple=1, judge=1, attempts_per_day=5)
    attempt = start(user, quiz, clock)
    right = list(correct_answers(attempt).items())
    wrong = wrong_answers(attempt)
    # first question right, second wrong, the rest left blank
    given = {right[0][0]: right[0][1], right[1][0]: wrong[right[1][0]]}
    finished = submit(user, attempt, clock, given)
    assert finished.correct == [right[0][0]]
    kept = counters.kept_question_counts(quiz.campaign_id)
    by_question = {qid: counts for (_, qid), counts in kept.items()}
    assert by_question[int(right[0][0])] == {"drawn": 1, "answered": 1, "correct": 1}
    assert by_question[int(right[1][0])] == {"drawn": 1, "answered": 1, "correct": 0}
    assert by_question[int(right[2][0])] == {"drawn": 1, "answered": 0, "correct": 0}
    assert len(by_question) == 4
    submit(user, attempt, clock, correct_answers(attempt))  # a second tap counts nothing
    assert counters.kept_question_counts(quiz.campaign_id) == kept
    assert counters.compare() == []


def test_question_figures_recount_from_what_was_right_when_scored(db, make_user, make_quiz,
                                                                   clock):
    user, quiz = make_user(), make_quiz(single=1, multiple=0, judge=0)
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock, correct_answers(attempt))
    question = db.session.get(Question, attempt.questions[0]["id"])
    question.answer = "B" if question.answer != "B" else "A"  # edited after the attempt
    db.session.commit()
    assert counters.compare() == []
