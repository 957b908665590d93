"""People passed (及格人数) kept in the unit counters: one more when a person first passes at
a place (and on a day), whatever they do after; `reconcile` recounts it and the rebuild
rewrites it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.extensions import db
from quiz.models import UnitCounter, UnitDayCounter
from quiz.services import counters, stats, unit_admin
from quiz.services.periods import Period
from quiz.services.reach import reach_of
from tests.helpers import finish_on, person_in

DAY_10, DAY_11 = dt.date(2026, 6, 10), dt.date(2026, 6, 11)


def _places(place, code="V1") -> list[dict]:
    """The unit's counter rows, one per place in the tree it was counted at."""
    return [dict(row._mapping) for row in db.session.execute(
        sa.select(UnitCounter.unit_path, UnitCounter.passed_people)
        .where(UnitCounter.unit_id == place["units"][code].id))]


def _kept(place, code="V1") -> int:
    """The unit's passed_people at its place of today (0 without a row there)."""
    path = place["units"][code].path
    return sum(row["passed_people"] for row in _places(place, code) if row["unit_path"] == path)


def _kept_days(place, code="V1") -> dict[dt.date, int]:
    """{day: passed_people} of the unit at its place of today."""
    unit = place["units"][code]
    return dict(db.session.execute(
        sa.select(UnitDayCounter.day, UnitDayCounter.passed_people)
        .where(UnitDayCounter.unit_id == unit.id, UnitDayCounter.unit_path == unit.path)).all())


def _tree(place, code="C", period=None, **options):
    return stats.figure_tree(place["quiz"].campaign, place["units"][code], period, **options)


def _agrees_with_the_recount(place, period=None):
    """The kept figures are the recount's, counter by counter and figure by figure."""
    assert counters.compare() == []
    assert stats.compare_figures(place["quiz"].campaign, place["units"]["C"], period) == []


def test_a_person_who_fails_then_passes_counts_once(place):
    person = person_in(place)
    finish_on(place, person, DAY_10, passed=False)
    assert _kept(place) == 0 and _kept_days(place) == {DAY_10: 0}
    finish_on(place, person, DAY_10)
    assert _kept(place) == 1 and _kept_days(place) == {DAY_10: 1}
    assert _tree(place).total.total.passed_people == 1
    _agrees_with_the_recount(place)


def test_a_person_who_passes_twice_counts_once(place):
    person = person_in(place)
    finish_on(place, person, DAY_10)
    finish_on(place, person, DAY_10)
    finish_on(place, person, DAY_10, passed=False)
    assert _kept(place) == 1 and _kept_days(place) == {DAY_10: 1}
    _agrees_with_the_recount(place)


def test_two_people_who_pass_count_two_and_one_who_fails_none(place):
    first, second, failing = person_in(place), person_in(place), person_in(place)
    finish_on(place, first, DAY_10)
    finish_on(place, failing, DAY_10, passed=False)
    finish_on(place, second, DAY_10, passed=False)
    finish_on(place, second, DAY_10)
    assert _kept(place) == 2 and _kept_days(place) == {DAY_10: 2}
    tree = _tree(place)
    assert [tree.rows[place["units"][code].id].total.passed_people
            for code in ("C", "T1", "V1", "T2")] == [2, 2, 2, 0]
    _agrees_with_the_recount(place)


def test_a_person_passing_on_two_days_counts_on_each_day_and_once_overall(place):
    person, other = person_in(place), person_in(place, "T2")
    finish_on(place, person, DAY_10)
    finish_on(place, person, DAY_11)
    finish_on(place, other, DAY_11)
    assert _kept(place) == 1 and _kept_days(place) == {DAY_10: 1, DAY_11: 1}
    days = stats.subtree_daily(place["quiz"].campaign, place["units"]["C"])
    assert {day: counts.passed_people for day, counts in days.items()} == {
        DAY_10: 1, DAY_11: 2}
    assert {day: counts.passed_people for day, counts in _tree(place, daily=True).daily()
            .items()} == {DAY_10: 1, DAY_11: 2}
    # Both days as a period: each person once, not a sum of the days.
    both = Period(DAY_10, DAY_11)
    assert _tree(place, period=both).total.period.passed_people == 2
    assert _tree(place, "V1", both).total.period.passed_people == 1
    _agrees_with_the_recount(place, both)


def test_a_moved_unit_keeps_its_people_passed_at_its_old_place(place):
    person = person_in(place)
    finish_on(place, person, DAY_10)
    with write_transaction():
        unit_admin.move_unit(reach_of(place["admin"]), place["units"]["V1"], "T2")
    old_path = f"/{place['units']['C'].id}/{place['units']['T1'].id}/{place['units']['V1'].id}/"
    assert _places(place, "V1") == [{"unit_path": old_path, "passed_people": 1}]
    tree = _tree(place)
    moved = [row for row in tree.children(place["units"]["T1"], moved=True) if row.moved_out]
    assert [(row.unit.code, row.total.passed_people) for row in moved] == [("V1", 1)]
    assert tree.rows[place["units"]["T1"].id].total.passed_people == 1
    assert tree.rows[place["units"]["V1"].id].total.passed_people == 0
    # Passing again at the new place counts there, as taking part does (a row per place).
    finish_on(place, person, DAY_11)
    assert _kept(place) == 1 and _kept_days(place) == {DAY_11: 1}
    tree = _tree(place)
    assert [tree.rows[place["units"][code].id].total.passed_people
            for code in ("C", "T1", "T2", "V1")] == [2, 1, 1, 1]
    _agrees_with_the_recount(place)


def test_reconcile_finds_a_tampered_passed_people_and_the_rebuild_fixes_it(place):
    person = person_in(place)
    finish_on(place, person, DAY_10)
    finish_on(place, person, DAY_11)
    path = place["units"]["V1"].path
    with write_transaction():
        db.session.execute(sa.text("UPDATE unit_counter SET passed_people = 5 "
                                   "WHERE unit_path = :path"), {"path": path})
        db.session.execute(sa.update(UnitDayCounter)
                           .where(UnitDayCounter.unit_path == path, UnitDayCounter.day == DAY_11)
                           .values(passed_people=0))
    found = {(d.field, d.day, d.kept, d.counted, d.unit_path) for d in counters.compare()}
    assert found == {("passed_people", None, 5, 1, path),
                     ("passed_people", DAY_11, 0, 1, path)}
    figures = stats.compare_figures(place["quiz"].campaign, place["units"]["C"])
    assert {(d.unit_code, d.figure, d.kept, d.counted) for d in figures} == {
        (code, "passed_people", 5, 1) for code in ("C", "T1", "V1")}
    with write_transaction():
        counters.rebuild()
    assert _kept(place) == 1 and _kept_days(place) == {DAY_10: 1, DAY_11: 1}
    _agrees_with_the_recount(place)
