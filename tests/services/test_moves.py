"""A unit that moves: its attempts so far stay counted where they were taken (under the
units above it then), and only the attempts started after the move count at its new place."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quiz.db import write_transaction
from quiz.models import Attempt, Campaign, Role, Unit, UnitCounter
from quiz.services import attempts, counters, leaderboard, ranking, stats, unit_admin
from quiz.services.periods import Period
from quiz.services.reach import reach_of
from tests import figures


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    built = figures.build(db, make_unit, make_user, make_quiz, clock)
    built["admin"] = make_user(unit=built["units"]["C"], role=Role.admin)
    return built


def _move(world, code, parent):
    with write_transaction():
        unit_admin.move_unit(reach_of(world["admin"]), world["units"][code], parent)


def _tree(world, code="C", period=None, **options):
    return stats.figure_tree(world["campaign"], world["units"][code], period, **options)


def _row(tree, world, code):
    return tree.rows[world["units"][code].id]


def _answer_after_the_move(world, clock, name="p4"):
    """p4 (of V3) answers again, on DAY_15, full marks in 60 s."""
    figures.answer(world, clock, name)


def test_a_moved_unit_leaves_its_past_figures_with_the_units_above_it_then(world):
    before = _tree(world)
    _move(world, "V3", "T1")
    after = _tree(world)
    for code in ("C", "T1", "T2"):  # every figure stays as it was, the headcounts aside
        headcount = {"C": 0, "T1": 8, "T2": -8}[code]
        assert _row(after, world, code).total == _row(before, world, code).total + stats.Counts(
            headcount=headcount), code
    v3 = _row(after, world, "V3")
    assert v3.parent.code == "T1" and v3.total == stats.Counts(headcount=8)
    moved = [row for row in after.children(world["units"]["T2"], moved=True) if row.moved_out]
    assert [row.unit.code for row in moved] == ["V3"]
    past = _row(before, world, "V3").total
    assert moved[0].total == stats.Counts(headcount=0, participants=past.participants,
                                          attempts=past.attempts, answers=past.answers,
                                          correct_answers=past.correct_answers,
                                          score_sum=past.score_sum,
                                          passed_people=past.passed_people)
    assert [row.unit.code for row in after.children(world["units"]["T2"])] == ["E", "R"]


def test_attempts_after_the_move_count_at_the_new_place_and_parents_still_add_up(
        world, clock):
    _move(world, "V3", "T1")
    before = _tree(world)
    _answer_after_the_move(world, clock)
    after = _tree(world)
    assert _row(after, world, "V3").total.attempts == 1
    assert _row(after, world, "T1").total.attempts == _row(before, world, "T1").total.attempts + 1
    assert _row(after, world, "T2").total == _row(before, world, "T2").total
    for code in ("C", "T2"):  # no people of their own: the rows below add up to them
        row = _row(after, world, code)
        below = after.children(row.unit, moved=True)
        assert row.total.attempts == sum(child.total.attempts for child in below), code
        assert row.total.participants == sum(child.total.participants for child in below)
    assert counters.compare() == []
    assert stats.compare_figures(world["campaign"], world["units"]["C"]) == []
    week = Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6))
    assert stats.compare_figures(world["campaign"], world["units"]["C"], week) == []


def test_a_subtree_that_moves_leaves_its_whole_past_under_the_old_parent(world, clock):
    t2_before = _row(_tree(world), world, "T2").total
    _move(world, "T2", "T1")
    county = _tree(world, daily=True)
    moved = [row for row in county.children(moved=True) if row.moved_out]
    assert [row.unit.code for row in moved] == ["T2"]
    assert moved[0].total.attempts == t2_before.attempts
    assert moved[0].days == _tree(world, daily=True, recount=True).children(moved=True)[-1].days
    # T2 itself, and the units below it, start again at their new place.
    t2 = _tree(world, "T2")
    assert t2.total.total.attempts == 0 and t2.total.total.headcount == t2_before.headcount
    assert _row(county, world, "T1").total.attempts == 7  # as before the move
    _answer_after_the_move(world, clock)  # p4, of V3 (now below T1 / T2)
    county = _tree(world)
    assert _row(county, world, "T2").total.attempts == 1
    assert [row.total.attempts for row in county.children(moved=True) if row.moved_out] == [
        t2_before.attempts]


def test_a_unit_moved_back_gets_its_figures_back(world):
    before = _tree(world)
    _move(world, "V3", "T1")
    _move(world, "V3", "T2")
    after = _tree(world)
    assert _row(after, world, "V3").total == _row(before, world, "V3").total
    assert not any(row.moved_out for row in after.in_tree_order(moved=True))


def test_a_unit_s_own_page_counts_what_was_taken_at_its_place_of_today(world, clock):
    _move(world, "V3", "T1")
    assert _tree(world, "V3").total.total.attempts == 0
    _answer_after_the_move(world, clock)
    assert _tree(world, "V3").total.total.attempts == 1


def test_the_people_boards_and_ranks_follow_where_the_best_attempt_was_taken(world, clock,
                                                                               db):
    campaign, units, p4 = world["campaign"], world["units"], world["people"]["p4"]
    _move(world, "V3", "T1")
    t2_board = leaderboard.people_board(campaign, units["T2"], viewer=world["admin"])
    assert "p4" in [row.name for row in t2_board.rows]
    t1_board = leaderboard.people_board(campaign, units["T1"], viewer=world["admin"])
    assert "p4" not in [row.name for row in t1_board.rows]
    best = ranking.best_of(p4.id, campaign.id)
    assert ranking.rank(best, units["T2"].path)[1] == t2_board.total
    standing = attempts.standings(p4)[campaign.id]  # 我的答题: ranked where it was taken
    assert standing.unit_ranked == ranking.rank(best, best.unit_path)[1] == 1  # p7 best in V1
    assert leaderboard.people_board(campaign, units["T1"], per_page=1, viewer=p4).me is None
    _answer_after_the_move(world, clock)  # a better attempt (full marks, 60 s), at T1 now
    db.session.expire_all()  # the best row was rewritten by a statement, not the session
    t1_board = leaderboard.people_board(campaign, units["T1"], viewer=world["admin"])
    assert "p4" in [row.name for row in t1_board.rows]
    assert ranking.rank(ranking.best_of(p4.id, campaign.id), units["T1"].path)[0] == 1


def test_rebuilding_the_counters_keeps_each_attempt_where_it_was_taken(world, clock):
    _move(world, "V3", "T1")
    _answer_after_the_move(world, clock)
    kept = _tree(world, daily=True)
    with write_transaction():
        counters.rebuild()
    rebuilt = _tree(world, daily=True)
    for row in kept.in_tree_order(moved=True):
        twin = rebuilt.rows[row.unit.id] if not row.moved_out else next(
            r for r in rebuilt.rows[row.parent.id].moved if r.unit.id == row.unit.id)
        assert (twin.total, twin.days) == (row.total, row.days), row.unit.code


def test_migration_0006_counts_by_place_and_going_down_merges_the_places(app, db, world,
                                                                          clock):
    _move(world, "V3", "T1")
    _answer_after_the_move(world, clock)  # p4 again, now at V3's new place
    db.session.commit()
    v3 = world["units"]["V3"]
    places = dict(db.session.execute(sa.select(UnitCounter.unit_path, UnitCounter.attempts)
                                     .where(UnitCounter.unit_id == v3.id)).all())
    assert places == {f"/{world['units']['C'].id}/{world['units']['T2'].id}/{v3.id}/": 3,
                      v3.path: 1}
    db.session.remove()
    downgrade(revision="0005")
    with db.engine.connect() as conn:  # one row per unit again, each person once
        row = conn.execute(sa.text("SELECT participants, attempts FROM unit_counter "
                                   "WHERE unit_id = :u"), {"u": v3.id}).one()
        people = conn.execute(sa.text("SELECT count(*) FROM participation WHERE unit_id = :u"),
                              {"u": v3.id}).scalar()
    assert tuple(row) == (2, 4) and people == 2
    upgrade()  # the tree's history is gone: every attempt takes its unit's path of today
    v3_path, v3_id = v3.path, v3.id
    assert set(db.session.scalars(sa.select(Attempt.unit_path).where(
        Attempt.unit_id == v3_id))) == {v3_path}
    assert counters.compare() == []
    campaign, county = world["campaign"].id, world["units"]["C"].id
    db.session.remove()
    assert stats.compare_figures(db.session.get(Campaign, campaign),
                                 db.session.get(Unit, county)) == []
