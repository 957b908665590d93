"""Figures kept per calendar week (Monday to Sunday, in the campaign's time zone): the
submit keeps a counter row per unit and week and a row per person, unit and week; a period
of whole weeks of the campaign reads them, any other period the day rows, and both agree
with a recount of the attempts. `reconcile` recounts the week rows and the rebuild rewrites
them."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.extensions import db
from quiz.models import ParticipationWeek, UnitDayCounter, UnitWeekCounter
from quiz.services import counters, placed, stats, unit_admin
from quiz.services.periods import Period, monday_of, this_week, whole_weeks
from quiz.services.reach import reach_of
from tests.helpers import finish_on, person_in

#: June 2026: the 1st, 8th, 15th, 22nd and 29th are Mondays.
JUNE = {n: dt.date(2026, 6, n) for n in range(1, 31)}
WEEK_2 = Period(JUNE[8], JUNE[14])


@pytest.fixture
def read(monkeypatch):
    """The kept rows each kept_period call read: ["week"] or ["day"], call by call."""
    spans = []
    kept_between = placed._kept_between

    def spy(campaign, top, counter, people, span, first, last):
        spans.append(span)
        return kept_between(campaign, top, counter, people, span, first, last)

    monkeypatch.setattr(placed, "_kept_between", spy)
    return spans


def _agrees_with_the_recount(place, period, campaign=None):
    """The period's figures, unit by unit and subtree by subtree, are the recount's, and
    every kept row (the week rows too) is."""
    campaign = campaign or place["quiz"].campaign
    top = place["units"]["C"]
    assert placed.kept_period(campaign, top, period) == placed.recounted(campaign, top, period)
    assert stats.compare_figures(campaign, top, period) == []
    assert counters.compare() == []


def _period_figures(place, period, code="C", campaign=None):
    tree = stats.figure_tree(campaign or place["quiz"].campaign, place["units"]["C"], period)
    return tree.rows[place["units"][code].id].period


def test_the_sql_monday_is_the_python_one_on_every_day_of_the_week(db):
    for day in (JUNE[n] for n in range(1, 15)):
        found = db.session.scalar(sa.select(counters.monday(sa.literal(day, sa.Date))))
        assert found == monday_of(day) == JUNE[1 if day.day <= 7 else 8]


def test_whole_weeks_are_mondays_to_sundays_clipped_to_the_campaign(place):
    campaign = place["quiz"].campaign  # June 1 (a Monday) to June 30 (a Tuesday)
    assert whole_weeks(campaign, WEEK_2) == (JUNE[8], JUNE[8])
    assert whole_weeks(campaign, Period(JUNE[1], JUNE[21])) == (JUNE[1], JUNE[15])
    assert whole_weeks(campaign, Period(JUNE[29], JUNE[30])) == (JUNE[29], JUNE[29])
    assert whole_weeks(campaign, Period(JUNE[9], JUNE[15])) is None  # any seven days
    assert whole_weeks(campaign, Period(JUNE[8], JUNE[13])) is None
    assert whole_weeks(campaign, Period(JUNE[29], JUNE[29])) is None


def test_a_whole_week_is_read_from_the_week_rows_and_agrees_with_the_recount(place, read):
    first, second, other = person_in(place), person_in(place), person_in(place, "T2")
    finish_on(place, first, JUNE[7])  # the Sunday before
    finish_on(place, first, JUNE[8], passed=False)
    finish_on(place, second, JUNE[10])
    finish_on(place, other, JUNE[14])
    finish_on(place, other, JUNE[15])  # the Monday after
    rows = dict(db.session.execute(
        sa.select(UnitWeekCounter.week, UnitWeekCounter.attempts)
        .where(UnitWeekCounter.unit_path == place["units"]["V1"].path)).all())
    assert rows == {JUNE[1]: 1, JUNE[8]: 2}
    figures = _period_figures(place, WEEK_2)
    assert (figures.participants, figures.attempts, figures.passed_people) == (3, 3, 2)
    assert read == ["week"]
    _agrees_with_the_recount(place, WEEK_2)


def test_a_person_on_two_days_of_a_week_counts_once(place, read):
    person = person_in(place)
    finish_on(place, person, JUNE[9], passed=False)
    finish_on(place, person, JUNE[11])
    finish_on(place, person, JUNE[11])
    day_rows = db.session.scalar(sa.select(sa.func.sum(UnitDayCounter.participants))
                                 .where(UnitDayCounter.unit_path == place["units"]["V1"].path))
    assert day_rows == 2  # once on each day
    figures = _period_figures(place, WEEK_2, "V1")
    assert (figures.participants, figures.attempts, figures.passed_people) == (1, 3, 1)
    assert read == ["week"]
    _agrees_with_the_recount(place, WEEK_2)


def test_a_week_clipped_at_the_campaigns_start_is_read_from_its_week_row(place, read):
    quiz = place["make_quiz"](starts_on=JUNE[3], attempts_per_day=5, pass_mark=30)
    campaign = quiz.campaign  # from a Wednesday: its first week is five days
    person = person_in(place)
    finish_on(place, person, JUNE[3], quiz=quiz)
    finish_on(place, person, JUNE[7], passed=False, quiz=quiz)
    finish_on(place, person_in(place, "T2"), JUNE[8], quiz=quiz)
    first_week = this_week(campaign, JUNE[5])
    assert first_week == Period(JUNE[3], JUNE[7])
    figures = _period_figures(place, first_week, campaign=campaign)
    assert (figures.participants, figures.attempts, figures.passed_people) == (1, 2, 1)
    assert read == ["week"]
    _agrees_with_the_recount(place, first_week, campaign)


def test_two_weeks_count_each_person_once_over_both(place, read):
    person, other = person_in(place), person_in(place, "T2")
    finish_on(place, person, JUNE[10], passed=False)
    finish_on(place, person, JUNE[16])
    finish_on(place, other, JUNE[21])
    finish_on(place, other, JUNE[22])  # outside
    both = Period(JUNE[8], JUNE[21])
    figures = _period_figures(place, both)
    assert (figures.participants, figures.attempts, figures.passed_people) == (2, 3, 2)
    assert _period_figures(place, both, "V1").participants == 1
    assert read == ["week", "week"]
    _agrees_with_the_recount(place, both)


def test_a_period_not_of_whole_weeks_is_read_from_the_days_with_the_same_answer(place, read):
    person, other = person_in(place), person_in(place, "T2")
    finish_on(place, person, JUNE[8])
    finish_on(place, person, JUNE[9], passed=False)
    finish_on(place, other, JUNE[15])
    finish_on(place, other, JUNE[16])
    seven = Period(JUNE[9], JUNE[15])
    figures = _period_figures(place, seven)
    assert (figures.participants, figures.attempts, figures.passed_people) == (2, 2, 1)
    assert read == ["day"]
    _agrees_with_the_recount(place, seven)
    _agrees_with_the_recount(place, Period(JUNE[8], JUNE[13]))


def test_days_outside_the_campaign_since_its_days_changed_are_not_counted(place, read):
    person = person_in(place)
    finish_on(place, person, JUNE[2])
    finish_on(place, person, JUNE[4], passed=False)
    campaign = place["quiz"].campaign
    campaign.starts_on = JUNE[3]  # the 2nd is no longer a day of the campaign
    db.session.commit()
    period = Period(JUNE[3], JUNE[7])  # whole weeks clipped; the week's row has the 2nd
    figures = _period_figures(place, period)
    assert (figures.participants, figures.attempts, figures.passed_people) == (1, 1, 0)
    assert read == ["day"]
    _agrees_with_the_recount(place, period)


def test_a_moved_unit_keeps_its_week_where_it_was_taken(place):
    person = person_in(place)
    finish_on(place, person, JUNE[9])
    with write_transaction():
        unit_admin.move_unit(reach_of(place["admin"]), place["units"]["V1"], "T2")
    finish_on(place, person, JUNE[10], passed=False)
    for period in (WEEK_2, Period(JUNE[1], JUNE[14])):
        tree = stats.figure_tree(place["quiz"].campaign, place["units"]["C"], period)
        moved = [row for row in tree.children(place["units"]["T1"], moved=True)
                 if row.moved_out]
        assert [(row.unit.code, row.period.attempts, row.period.passed_people)
                for row in moved] == [("V1", 1, 1)]
        assert [(tree.rows[place["units"][code].id].period.participants,
                 tree.rows[place["units"][code].id].period.passed_people)
                for code in ("C", "T1", "T2", "V1")] == [(2, 1), (1, 1), (1, 0), (1, 0)]
        _agrees_with_the_recount(place, period)


def test_reconcile_finds_a_tampered_week_row_and_the_rebuild_fixes_it(place, runner):
    person = person_in(place)
    finish_on(place, person, JUNE[9])
    finish_on(place, person, JUNE[16], passed=False)
    path = place["units"]["V1"].path
    with write_transaction():
        db.session.execute(sa.update(UnitWeekCounter)
                           .where(UnitWeekCounter.unit_path == path,
                                  UnitWeekCounter.week == JUNE[8])
                           .values(attempts=7))
        db.session.execute(sa.delete(ParticipationWeek)
                           .where(ParticipationWeek.week == JUNE[15]))
    found = {(d.field, d.day, d.kept, d.counted, d.unit_path) for d in counters.compare()}
    assert found == {("attempts (week)", JUNE[8], 7, 1, path),
                     ("took part, passed (week)", JUNE[15], None, "False", path)}
    assert _period_figures(place, WEEK_2, "V1").attempts == 7  # what the page would show
    assert runner.invoke(args=["reconcile"]).exit_code == 1
    with write_transaction():
        counters.rebuild()
    assert _period_figures(place, WEEK_2, "V1").attempts == 1
    _agrees_with_the_recount(place, Period(JUNE[8], JUNE[21]))
