"""`seed-demo`: the demo county, accounts, bank and open campaign, loaded idempotently."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from quiz.demo import DEMO_ACCOUNTS, DEMO_BANK_PATH
from quiz.models import Campaign, Question, Unit, User
from quiz.timeutil import local_date, utcnow


def counts(db):
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Unit, User, Question, Campaign)
    )


def test_seed_demo_loads_everything_once(db, runner):
    result = runner.invoke(args=["seed-demo", "--no-attempts"])
    assert result.exit_code == 0, result.output
    units, users, questions, campaigns = counts(db)
    assert units >= 30 and users == len(DEMO_ACCOUNTS) and questions >= 80 and campaigns == 1
    depths = {unit.depth for unit in db.session.scalars(sa.select(Unit))}
    assert depths == {0, 1, 2}
    for account in DEMO_ACCOUNTS:
        assert account.phone in result.output and account.password in result.output

    again = runner.invoke(args=["seed-demo", "--no-attempts"])
    assert again.exit_code == 0, again.output
    assert counts(db) == (units, users, questions, campaigns)


def test_seed_demo_if_empty_leaves_a_used_database_alone(db, runner, make_unit):
    make_unit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert counts(db)[2:] == (0, 0)


def test_demo_campaign_is_a_week_into_its_thirty_days_with_the_twenty_question_quiz(db, runner):
    runner.invoke(args=["seed-demo", "--no-attempts"])
    campaign = db.session.scalar(sa.select(Campaign))
    today = local_date(utcnow(), "Asia/Shanghai")
    first = today - dt.timedelta(days=6)  # under way for a week
    assert (campaign.starts_on, campaign.ends_on) == (first, first + dt.timedelta(days=29))
    [quiz] = campaign.quizzes
    assert {rule.type: rule.count for rule in quiz.rules} == {
        "single": 10, "multiple": 5, "judge": 5}
    assert (quiz.time_limit_seconds, quiz.pass_mark, quiz.max_score) == (600, 60, 100)


def test_demo_bank_has_every_type_with_explanations(db, runner):
    runner.invoke(args=["seed-demo", "--no-attempts"])
    questions = list(db.session.scalars(sa.select(Question)))
    types = Counter(q.type for q in questions)
    assert types["single"] >= 10 and types["multiple"] >= 5 and types["judge"] >= 5
    assert all(q.explanation for q in questions)
    assert DEMO_BANK_PATH.read_bytes()[:3] != b"\xef\xbb\xbf"  # plain UTF-8, reads as diffs


def test_demo_participants_answer_on_the_days_so_far_and_leave_some_units_silent(db, runner):
    from quiz.demo_attempts import SILENT_UNITS
    from quiz.models import Attempt
    from quiz.services import stats, units

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo participants:" in result.output
    campaign = db.session.scalar(sa.select(Campaign))
    days = set(db.session.scalars(sa.select(Attempt.local_day).distinct()))
    assert len(days) >= 5 and min(days) >= campaign.starts_on
    assert max(days) <= local_date(utcnow(), "Asia/Shanghai")
    tree = stats.figure_tree(campaign, units.single_root())
    assert tree.total.total.participants > 100
    silent = {row.unit.code for row in tree.without_participants()}
    assert silent == set(SILENT_UNITS)
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    people = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    runner.invoke(args=["seed-demo"])  # a second run adds nobody
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == people
