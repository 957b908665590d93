"""The attempt that counts and the rank (成绩取最高分, then time, then the earlier finish,
then id): kept in the submit transaction, recounted by reconcile."""

from __future__ import annotations

import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import PersonBest
from quiz.services import attempts, counters
from tests.helpers import correct_answers, wrong_answers
from tests.services.test_attempts import start, submit


def _finish(user, quiz, clock, seconds, right=True):
    attempt = start(user, quiz, clock)
    clock.advance(seconds)
    submit(user, attempt, clock, correct_answers(attempt) if right else wrong_answers(attempt))
    return attempt


def test_a_worse_attempt_never_replaces_the_best(db, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz(attempts_per_day=5)
    good = _finish(user, quiz, clock, 100)
    _finish(user, quiz, clock, 10, right=False)
    _finish(user, quiz, clock, 200)  # the same score, slower
    row = db.session.get(PersonBest, (quiz.campaign_id, user.id))
    assert row.attempt_id == good.id and row.duration_seconds == 100
    faster = _finish(user, quiz, clock, 50)
    db.session.expire_all()
    assert db.session.get(PersonBest, (quiz.campaign_id, user.id)).attempt_id == faster.id


def test_ties_go_to_the_shorter_time_then_the_earlier_finish(db, make_user, make_quiz,
                                                             make_unit, clock):
    unit = make_unit()
    quiz = make_quiz()
    first, second, third = (make_user(unit=unit) for _ in range(3))
    _finish(first, quiz, clock, 120)
    _finish(second, quiz, clock, 60)
    _finish(third, quiz, clock, 120)  # same score and time as first, finished later
    got = {user.id: attempts.standing(user, quiz.campaign_id).rank
           for user in (first, second, third)}
    assert got == {second.id: 1, first.id: 2, third.id: 3}
    assert attempts.standing(first, quiz.campaign_id).ranked == 3


def test_the_unit_rank_counts_the_units_subtree_only(db, make_user, make_quiz, make_unit,
                                                     clock):
    county = make_unit("县", code="C")
    town = make_unit("镇", parent=county, code="C-T")
    other = make_unit("别的镇", parent=county, code="C-O")
    quiz = make_quiz()
    best_elsewhere = make_user(unit=other)
    _finish(best_elsewhere, quiz, clock, 10)
    mine = make_user(unit=town)
    _finish(mine, quiz, clock, 300)
    standing = attempts.standing(mine, quiz.campaign_id)
    assert (standing.rank, standing.ranked) == (2, 2)
    assert (standing.unit_rank, standing.unit_ranked) == (1, 1)


def test_reconcile_finds_and_fixes_a_wrong_best_row(db, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    good = _finish(user, quiz, clock, 100)
    worse = _finish(user, quiz, clock, 100, right=False)
    assert counters.compare(quiz.campaign_id) == []
    db.session.execute(sa.update(PersonBest).values(attempt_id=worse.id, score=0))
    db.session.commit()
    differences = counters.compare(quiz.campaign_id)
    assert [(d.field, d.kept, d.counted, d.user_id) for d in differences] == [
        ("best attempt", worse.id, good.id, user.id)]
    with write_transaction():
        counters.rebuild(quiz.campaign_id)
    assert counters.compare(quiz.campaign_id) == []
    assert db.session.get(PersonBest, (quiz.campaign_id, user.id)).attempt_id == good.id


def test_a_double_submit_keeps_one_best_row(db, make_user, make_quiz, clock):
    user, quiz = make_user(), make_quiz()
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock, correct_answers(attempt))
    submit(user, attempt, clock, correct_answers(attempt))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonBest)) == 1


def test_migration_0004_fills_the_best_rows_from_the_attempts(app, db, make_user, make_quiz,
                                                              clock):
    from flask_migrate import downgrade, upgrade

    quiz = make_quiz()
    for seconds in (100, 50):
        user = make_user()
        _finish(user, quiz, clock, seconds)
        _finish(user, quiz, clock, seconds // 2, right=False)
    db.session.commit()
    kept = set(db.session.execute(sa.select(PersonBest.user_id, PersonBest.attempt_id)))
    db.session.remove()
    downgrade(revision="0003")
    upgrade(revision="0004")
    assert set(db.session.execute(sa.select(PersonBest.user_id, PersonBest.attempt_id))) == kept
    db.session.remove()  # its read transaction would keep seeing the old schema
    upgrade()
    assert counters.compare() == []


def test_migration_0005_marks_who_passed_from_the_attempts(app, db, make_user, make_quiz,
                                                          clock):
    from flask_migrate import downgrade, upgrade

    from quiz.models import Participation, ParticipationDay

    quiz = make_quiz()
    passer, failer = make_user(), make_user()
    _finish(passer, quiz, clock, 100, right=False)
    _finish(passer, quiz, clock, 100)
    _finish(failer, quiz, clock, 100, right=False)
    db.session.commit()
    expected = {passer.id: True, failer.id: False}
    for model in (Participation, ParticipationDay):  # as the submits kept them
        assert dict(db.session.execute(sa.select(model.user_id, model.passed)).all()) == expected
    db.session.remove()
    downgrade(revision="0004")
    upgrade()
    for model in (Participation, ParticipationDay):
        assert dict(db.session.execute(sa.select(model.user_id, model.passed)).all()) == expected
    assert counters.compare() == []
