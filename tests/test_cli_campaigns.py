"""`flask create-campaign` and `flask add-quiz`: the console's services and refusals from
the command line, each refusal naming its option, exit status 1, nothing stored."""

from __future__ import annotations

import sqlalchemy as sa

from quiz.models import Campaign, Quiz


def _create(runner, *extra):
    return runner.invoke(args=["create-campaign", "--slug", "pa-2026", "--title",
                               "平安县知识竞赛", "--host", "C", "--from", "2026-06-01",
                               "--to", "2026-06-30", *extra])


def test_a_campaign_and_its_quiz_from_the_command_line(runner, db, make_unit, make_bank):
    make_unit("平安县", code="C", kind="county")
    make_bank(name="安全题库", single=12, multiple=6, judge=6)
    created = _create(runner, "--theme", "人人讲安全、个个会应急")
    assert created.exit_code == 0, created.output
    added = runner.invoke(args=["add-quiz", "--campaign", "pa-2026", "--bank", "安全题库",
                                "--single", "10", "--multiple", "5", "--judge", "5",
                                "--minutes", "15", "--pass", "60", "--per-day", "2"])
    assert added.exit_code == 0, added.output
    assert "20" in added.output and "100" in added.output
    campaign = db.session.scalar(sa.select(Campaign))
    assert campaign.host_unit.code == "C" and campaign.theme == "人人讲安全、个个会应急"
    [quiz] = campaign.quizzes
    assert (quiz.time_limit_seconds, quiz.attempts_per_day, quiz.max_score) == (900, 2, 100)


def test_refusals_name_the_option_and_store_nothing(runner, db, make_unit):
    make_unit("平安县", code="C", kind="county")
    result = runner.invoke(args=["create-campaign", "--slug", "PA 2026", "--title", "竞赛",
                                 "--host", "NOPE", "--from", "2026-06-30", "--to",
                                 "2026-06-01"])
    assert result.exit_code == 1
    assert "--slug:" in result.output and "--host:" in result.output
    assert "--to:" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_a_quiz_asking_for_more_than_the_banks_hold_says_how_many_they_hold(
        runner, db, make_unit, make_bank):
    make_unit("平安县", code="C", kind="county")
    make_bank(name="小题库", single=3, multiple=0, judge=2)
    assert _create(runner).exit_code == 0
    result = runner.invoke(args=["add-quiz", "--campaign", "pa-2026", "--bank", "小题库",
                                 "--single", "5", "--judge", "2", "--pass", "10"])
    assert result.exit_code == 1
    assert "--single:" in result.output and "3" in result.output and "5" in result.output
    unknown = runner.invoke(args=["add-quiz", "--campaign", "pa-2026", "--bank", "无此题库",
                                  "--single", "1"])
    assert unknown.exit_code == 1 and "--bank:" in unknown.output
    too_high = runner.invoke(args=["add-quiz", "--campaign", "pa-2026", "--bank", "小题库",
                                   "--single", "3", "--pass", "90"])
    assert too_high.exit_code == 1 and "--pass:" in too_high.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Quiz)) == 0
