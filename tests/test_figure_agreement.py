"""One figure, one definition: the console's pages, the API, the .xlsx report, the big
screen and reconcile's recount agree on every figure of every unit, period included.

The world (tests/figures.py): four levels, people answering on three days (some several
times, one timed out, one who moved between units, one never finishing), a retired unit.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from quiz.models import Role
from quiz.services import stats
from quiz.services.periods import Period
from tests import figures
from tests.conftest import AuthActions
from tests.helpers import fresh_client
from tests.manage.test_report_download import _figures, _table, row_key

WEEK = Period(figures.DAY_15, figures.DAY_15.replace(day=21))
FIELDS = ("headcount", "participants", "participation_rate", "attempts",
          "attempts_per_person", "average_score", "correct_rate", "passed_people")


@pytest.fixture(params=["as built", "after a village moved"])
def world(request, db, make_unit, make_user, make_quiz, clock):
    world = figures.build(db, make_unit, make_user, make_quiz, clock)
    world["admin"] = make_user(unit=world["units"]["C"], role=Role.admin)
    if request.param == "after a village moved":
        # V3 moves from T2 to T1: its past stays with T2 (a moved-out row), and p4 answers
        # again at its new place.
        figures.move_and_answer(world, clock, "V3", "T1", "p4")
    return world


def _recounted(world, period=None):
    """What reconcile counts: the tree from the attempts themselves."""
    return stats.figure_tree(world["campaign"], world["units"]["C"], period, recount=True)


def _api(app, world, code, query=""):
    client = fresh_client(app)
    token = client.post("/api/v1/auth/login", json={"phone": world["admin"].phone,
                                                    "password": "secret123"}).json["token"]
    response = client.get(f"/api/v1/campaigns/{world['campaign'].slug}/stats?unit={code}"
                          f"&{query}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json


def test_the_api_gives_the_recounted_figures_of_every_unit(app, world):
    for period, query in ((None, ""), (WEEK, "from=2026-06-15&to=2026-06-21")):
        tree = _recounted(world, period)
        for row in tree.in_tree_order():
            answer = _api(app, world, row.unit.code, query)
            data = answer["unit"]
            assert {f: data[f] for f in FIELDS} == {f: getattr(row.total, f) for f in FIELDS}
            below = [(child["code"], child["moved_out"], child["attempts"])
                     for child in answer["children"]]
            assert below == [(child.unit.code, child.moved_out, child.total.attempts)
                             for child in tree.children(row.unit, moved=True)]
            if period is not None:
                assert {f: data["period"][f] for f in FIELDS} == {
                    f: getattr(row.period, f) for f in FIELDS}, row.unit.code


def test_the_report_gives_the_recounted_figures_of_every_unit(app, world):
    client = fresh_client(app)
    AuthActions(client).login(world["admin"].phone)
    url = (f"/manage/campaigns/{world['campaign'].slug}/report.xlsx?unit=C"
           "&from=2026-06-15&to=2026-06-21")
    with client.get(url) as response:
        assert response.status_code == 200
        workbook = load_workbook(io.BytesIO(response.get_data()))
    table = _table(workbook["汇总"])
    expected = _figures(_recounted(world, WEEK), period=True)
    assert set(table) == set(expected)
    for code, want in expected.items():
        assert {key: table[code][key] for key in want} == want, code
    # the daily sheet adds up to the recount of each day
    daily = _table(workbook["每日参与人次"])
    counted_days = _recounted_daily(world, WEEK)
    for code, days in counted_days.items():
        for day, attempts in days.items():
            assert daily[code][f"{day.month}月{day.day}日"] == attempts, (code, day)


def _recounted_daily(world, period):
    tree = stats.figure_tree(world["campaign"], world["units"]["C"], period, daily=True,
                             recount=True)
    return {row_key(row): {day: counts.attempts for day, counts in row.days.items()}
            for row in tree.in_tree_order(moved=True)}


def test_the_unit_leaderboard_page_shows_the_recounted_figures(app, world):
    from quiz.formatting import number, percent
    from tests.manage.test_unit_board import _cells

    client = fresh_client(app)
    AuthActions(client).login(world["admin"].phone)
    tree = _recounted(world)
    for parent in tree.in_tree_order():
        if not parent.child_ids:
            continue
        html = client.get(f"/manage/campaigns/{world['campaign'].slug}/units"
                          f"?unit={parent.unit.code}&lang=zh").get_data(as_text=True)
        for row in [parent, *tree.children(parent.unit, moved=True)]:
            c = row.total
            assert _cells(html, row.unit.name) == [
                number(c.headcount), number(c.participants), percent(c.participation_rate),
                number(c.attempts), number(c.attempts_per_person, 2),
                number(c.average_score, 1), percent(c.correct_rate),
                number(c.passed_people)], row.unit.code


def test_reconcile_finds_nothing_to_fix(runner, world):
    result = runner.invoke(args=["reconcile", "--campaign", world["campaign"].slug])
    assert result.exit_code == 0, result.output
    assert stats.compare_figures(world["campaign"], world["units"]["C"], WEEK) == []


def test_the_big_screen_gives_the_recounted_figures(app, world, db):
    world["campaign"].screen_enabled = True
    db.session.commit()
    data = fresh_client(app).get(f"/c/{world['campaign'].slug}/screen.json").json
    tree = _recounted(world)
    total = tree.total.total
    assert data["totals"] == {
        "participants": total.participants, "attempts": total.attempts,
        "headcount": total.headcount, "participation_rate": total.participation_rate,
        "average_score": total.average_score, "passed_people": total.passed_people}
    shown = {row["code"]: (row["participants"], row["headcount"], row["rate"])
             for row in data["units"]}
    assert shown == {row.unit.code: (row.total.participants, row.total.headcount,
                                     row.total.participation_rate)
                     for row in tree.children()}
