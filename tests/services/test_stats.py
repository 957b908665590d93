"""The figures per unit: one definition each, over subtrees and periods, from the kept
counters and, the same way, from a recount of the attempts."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz.services import stats
from quiz.services.errors import InvalidFields, ValidationFailed
from quiz.services.periods import Period, parse_day, parse_period, this_week
from tests import figures


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


def _tree(world, code="C", period=None, **options):
    return stats.figure_tree(world["campaign"], world["units"][code], period, **options)


def test_every_unit_adds_up_its_subtree_as_counted_by_hand(world):
    tree = _tree(world)
    for code, (headcount, participants, attempts, passed) in figures.TOTALS.items():
        total = tree.rows[world["units"][code].id].total
        assert (total.headcount, total.participants, total.attempts,
                total.passed_people) == (headcount, participants, attempts, passed), code


def test_the_kept_figures_agree_with_a_recount_of_the_attempts_everywhere(world):
    week = Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6))
    for period in (None, week, Period(figures.DAY_10, figures.DAY_11)):
        kept = _tree(world, period=period, daily=True)
        counted = _tree(world, period=period, daily=True, recount=True)
        for unit_id, row in kept.rows.items():
            other = counted.rows[unit_id]
            assert (row.total, row.period) == (other.total, other.period), row.unit.code
            assert kept.daily(row.unit) == counted.daily(row.unit), row.unit.code


def test_a_period_counts_each_person_once_per_unit_and_only_its_days(world):
    tree = _tree(world, period=Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6)))
    for code, expected in figures.WEEK_15.items():
        period = tree.rows[world["units"][code].id].period
        assert (period.participants, period.attempts, period.passed_people) == expected, code
    both_days = _tree(world, period=Period(figures.DAY_10, figures.DAY_11))
    v1 = both_days.rows[world["units"]["V1"].id]
    assert v1.period.participants == 3  # p1 on both days counts once
    assert v1.period.attempts == 6


def test_the_whole_campaign_as_a_period_gives_the_totals(world):
    campaign = world["campaign"]
    tree = _tree(world, period=Period(campaign.starts_on, campaign.ends_on))
    for row in tree.rows.values():
        assert row.period == row.total, row.unit.code


def test_daily_figures_of_a_subtree(world):
    tree = _tree(world, daily=True)
    days = tree.daily()
    assert sorted(days) == [figures.DAY_10, figures.DAY_11, figures.DAY_15]
    assert (days[figures.DAY_10].participants, days[figures.DAY_10].attempts) == (4, 6)
    assert sum(c.attempts for c in days.values()) == tree.total.total.attempts
    assert tree.daily(world["units"]["E"]) == {}


def test_ratios_and_a_headcount_of_zero(world):
    tree = _tree(world)
    v2 = tree.rows[world["units"]["V2"].id].total
    assert v2.participation_rate is None and v2.average_score is None
    assert v2.attempts_per_person is None and v2.correct_rate is None
    retired = tree.rows[world["units"]["R"].id].total
    assert retired.participants == 1 and retired.participation_rate is None  # never 100 %
    v1 = tree.rows[world["units"]["V1"].id].total
    assert v1.participation_rate == round(3 / 20, 4)
    assert v1.attempts_per_person == 2.0
    assert v1.correct_rate == round(v1.correct_answers / v1.answers, 4)
    assert v1.average_score == round(v1.score_sum / 6, 1)


def test_units_without_participants_are_listed_and_retired_ones_are_not(world):
    codes = [row.unit.code for row in _tree(world).without_participants()]
    assert codes == ["V2", "E"]


def test_tree_order_puts_parents_before_children_and_siblings_by_code(world):
    tree = _tree(world)
    order = [row.unit.code for row in tree.in_tree_order()]
    assert order == ["C", "T1", "V1", "V2", "T2", "E", "R", "V3"]
    assert [row.level for row in tree.in_tree_order()] == [0, 1, 2, 2, 1, 2, 2, 2]


def test_a_subtree_of_its_own_starts_at_level_zero_and_sees_nothing_above(world):
    tree = _tree(world, "T1")
    assert [row.unit.code for row in tree.in_tree_order()] == ["T1", "V1", "V2"]
    assert tree.total.level == 0 and tree.total.parent.code == "C"


def test_sorting_puts_missing_figures_last_and_breaks_ties_by_code(world):
    rows = _tree(world).children(world["units"]["T2"])
    by_rate = stats.sort_rows(rows, "participation_rate")
    assert [row.unit.code for row in by_rate] == ["V3", "E", "R"]
    ascending = stats.sort_rows(rows, "participants", descending=False)
    assert [row.unit.code for row in ascending] == ["E", "R", "V3"]
    with pytest.raises(ValidationFailed) as caught:
        stats.sort_rows(rows, "name; drop table")
    assert caught.value.field == "sort"


@pytest.mark.parametrize("text", ["2026-06-01", "2026/6/1", "2026年6月1日", "20260601",
                                  "２０２６－０６－０１", " 2026.6.1 "])
def test_days_are_read_as_people_type_them(text):
    assert parse_day(text, "from") == dt.date(2026, 6, 1)


@pytest.mark.parametrize("text", ["2026-02-30", "yesterday", "2026-6", "06/01/2026"])
def test_a_day_that_is_not_one_is_an_error_on_its_field(text):
    with pytest.raises(ValidationFailed) as caught:
        parse_day(text, "to")
    assert caught.value.field == "to" and text.strip() in str(caught.value.message)


def test_a_period_needs_its_end_after_its_start_and_names_each_bad_field(world):
    campaign = world["campaign"]
    assert parse_period(campaign, "", None) is None
    assert parse_period(campaign, "2026-06-10", "") == Period(dt.date(2026, 6, 10),
                                                               campaign.ends_on)
    with pytest.raises(ValidationFailed) as caught:
        parse_period(campaign, "2026-06-10", "2026-06-09")
    assert caught.value.field == "to"
    with pytest.raises(InvalidFields) as caught:
        parse_period(campaign, "x", "y")
    assert set(caught.value.errors) == {"from", "to"}


def test_this_week_is_monday_to_sunday_within_the_campaign(world):
    campaign = world["campaign"]  # 1 to 30 June 2026; 1 June is a Monday
    assert this_week(campaign, dt.date(2026, 6, 17)) == Period(dt.date(2026, 6, 15),
                                                               dt.date(2026, 6, 21))
    assert this_week(campaign, dt.date(2026, 6, 30)) == Period(dt.date(2026, 6, 29),
                                                               dt.date(2026, 6, 30))
    assert this_week(campaign, dt.date(2026, 7, 20)) is None  # after the campaign
    assert this_week(campaign, dt.date(2026, 5, 31)) is None


@pytest.mark.parametrize(("first", "last", "field"), [
    ("1990-01-01", "2026-06-10", "from"), ("2026-06-10", "2049-12-31", "to"),
    ("2026-05-31", "", "from"), ("", "2026-07-01", "to"),
])
def test_a_period_is_days_of_the_campaign(world, first, last, field):
    with pytest.raises(ValidationFailed) as caught:  # InvalidFields is one
        parse_period(world["campaign"], first, last)
    assert caught.value.field == field
    assert "2026-06-01" in str(caught.value.message) and "2026-06-30" in str(
        caught.value.message)
    assert parse_period(world["campaign"], "2026-06-01", "2026-06-30") == Period(
        dt.date(2026, 6, 1), dt.date(2026, 6, 30))


def test_an_attempt_after_midnight_in_shanghai_counts_on_the_next_day(
        db, make_unit, make_user, make_quiz, clock):
    from tests.figures import start, submit  # noqa: F401  (the same helpers as the world)
    from tests.helpers import correct_answers

    quiz = make_quiz()
    unit = make_unit("夜班车间", code="N", kind="enterprise", headcount=1)
    user = make_user(unit=unit)
    clock.set(dt.datetime(2026, 6, 10, 16, 30))  # 00:30 on 11 June in Shanghai
    attempt = start(user, quiz, clock)
    clock.advance(60)
    submit(user, attempt, clock, correct_answers(attempt))
    eleventh = Period(dt.date(2026, 6, 11), dt.date(2026, 6, 11))
    tenth = Period(dt.date(2026, 6, 10), dt.date(2026, 6, 10))
    tree = stats.figure_tree(quiz.campaign, unit, eleventh, daily=True)
    assert tree.total.period.attempts == 1 and list(tree.daily()) == [dt.date(2026, 6, 11)]
    assert stats.figure_tree(quiz.campaign, unit, tenth).total.period.attempts == 0
