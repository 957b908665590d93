"""Operator commands: init-db, seed-demo, reconcile."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Attempt, QuestionCounter, UnitCounter, UnitDayCounter
from quiz.services import attempts

GRACE = 5


def finished_attempts(user, quiz, count, when):
    for _ in range(count):
        with write_transaction():
            attempt = attempts.start(user, quiz, when, GRACE).attempt
            attempts.submit(user, attempt.id, None, when, GRACE)


def test_init_db_is_safe_to_run_again(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_reconcile_exits_zero_when_counters_agree(runner, make_user, make_quiz):
    finished_attempts(make_user(), make_quiz(), 2, dt.datetime(2026, 6, 10, 2))
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


def test_reconcile_lists_differences_and_fix_rewrites_them(db, runner, make_user, make_quiz):
    user, quiz = make_user(), make_quiz()
    finished_attempts(user, quiz, 2, dt.datetime(2026, 6, 10, 2))
    counter = db.session.get(UnitCounter, (quiz.campaign_id, user.unit_id))
    counter.attempts = 7
    day = db.session.get(UnitDayCounter, (quiz.campaign_id, user.unit_id, dt.date(2026, 6, 10)))
    db.session.delete(day)
    db.session.commit()

    result = runner.invoke(args=["reconcile", "--campaign", quiz.campaign.slug])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("attempts" in line and line.split()[-2:] == ["7", "2"] for line in lines)
    assert any("2026-06-10" in line and "participants" in line for line in lines)

    fixed = runner.invoke(args=["reconcile", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    db.session.expire_all()
    assert db.session.get(UnitCounter, (quiz.campaign_id, user.unit_id)).attempts == 2
    assert runner.invoke(args=["reconcile"]).exit_code == 0


def test_reconcile_finishes_and_counts_attempts_whose_time_ran_out(
        db, runner, make_user, make_quiz):
    user, quiz = make_user(), make_quiz()
    with write_transaction():
        attempts.start(user, quiz, dt.datetime(2026, 6, 10, 2), GRACE)
    result = runner.invoke(args=["reconcile"])  # real clock: months after the deadline
    assert result.exit_code == 0, result.output
    assert "Finished 1 attempt" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Attempt.status)) == "timed_out"
    assert db.session.get(UnitCounter, (quiz.campaign_id, user.unit_id)).attempts == 1


def test_reconcile_rejects_an_unknown_campaign(runner):
    result = runner.invoke(args=["reconcile", "--campaign", "nope"])
    assert result.exit_code == 2 and "nope" in result.output


def test_reconcile_finds_and_fixes_question_figures(db, runner, make_user, make_quiz):
    user, quiz = make_user(), make_quiz()
    finished_attempts(user, quiz, 2, dt.datetime(2026, 6, 10, 2))
    kept = db.session.scalars(sa.select(QuestionCounter)).first()
    kept.drawn += 3
    db.session.commit()
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 1
    assert any(f"question {kept.question_id}" in line and "drawn" in line
               for line in result.output.splitlines())
    assert runner.invoke(args=["reconcile", "--fix"]).exit_code == 0
    assert runner.invoke(args=["reconcile"]).exit_code == 0
