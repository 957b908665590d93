"""The figures endpoints: the unit leaderboard and the daily figures, within reach, with
periods, and agreeing with a recount of the attempts."""

from __future__ import annotations

import pytest

from quiz.models import Role
from quiz.services import stats
from quiz.services.periods import Period
from tests import figures
from tests.api.test_api import api  # noqa: F401  (the fixture)


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


@pytest.fixture
def county_api(api, world, make_user):  # noqa: F811  (the fixture, imported)
    api.login(make_user(unit=world["units"]["C"], role=Role.organizer))
    api.slug = world["campaign"].slug
    return api


def _get(client_api, path, query=""):
    return client_api.call("GET", f"/campaigns/{client_api.slug}/{path}?{query}")


def test_the_unit_leaderboard_ranks_the_children_by_a_figure(county_api, world):
    data = _get(county_api, "leaderboard/units", "sort=participants&order=desc").json
    assert data["sort"] == "participants" and data["order"] == "desc"
    assert [(r["position"], r["code"], r["participants"]) for r in data["units"]] == [
        (1, "T1", 4), (2, "T2", 3)]
    assert data["unit"]["code"] == "C" and data["unit"]["attempts"] == 11


def test_the_leaderboard_of_units_without_participants(county_api):
    data = _get(county_api, "leaderboard/units", "unit=T2&absent=1").json
    assert [row["code"] for row in data["units"]] == ["E"]
    data = _get(county_api, "leaderboard/units", "absent=1").json  # at every level below
    assert [row["code"] for row in data["units"]] == ["E", "V2"]  # sorted: by rate, then code


def test_every_figure_agrees_with_a_recount_of_the_attempts(county_api, world):
    campaign, top = world["campaign"], world["units"]["C"]
    week = Period(figures.DAY_15, figures.DAY_15.replace(day=21))
    for query, period in (("", None), ("from=2026-06-15&to=2026-06-21", week)):
        counted = stats.figure_tree(campaign, top, period, recount=True)
        for row in counted.in_tree_order():
            data = _get(county_api, "stats", f"unit={row.unit.code}&{query}").json
            expected = row.as_dict()
            del expected["level"], data["unit"]["level"]  # levels count from the unit asked
            assert data["unit"] == expected, row.unit.code
            assert data["period"] == (None if period is None else
                                      {"from": "2026-06-15", "to": "2026-06-21"})


def test_daily_figures_list_every_day_zeros_included(county_api, world):
    data = _get(county_api, "stats/daily", "from=2026-06-09&to=2026-06-12").json
    assert [day["day"] for day in data["days"]] == ["2026-06-09", "2026-06-10",
                                                    "2026-06-11", "2026-06-12"]
    by_day = {day["day"]: day for day in data["days"]}
    assert by_day["2026-06-09"]["attempts"] == 0 and by_day["2026-06-09"]["average_score"] is None
    assert (by_day["2026-06-10"]["participants"], by_day["2026-06-10"]["attempts"]) == (4, 6)
    assert "participation_rate" not in by_day["2026-06-10"]
    week = _get(county_api, "stats/daily", "unit=T1&from=2026-06-15&to=2026-06-15").json
    assert [(d["day"], d["attempts"]) for d in week["days"]] == [("2026-06-15", 1)]


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-02-30", "from"), ("to=soon", "to"),
    ("from=2026-06-20&to=2026-06-10", "to"), ("sort=name", "sort"),
])
def test_bad_input_names_its_field(county_api, query, field):
    response = _get(county_api, "leaderboard/units", query)
    assert response.status_code == 422
    assert response.json["error"]["field"] == field


def test_a_full_width_day_is_read(county_api):
    response = _get(county_api, "stats", "from=２０２６－０６－１５&to=2026-06-21")
    assert response.status_code == 200
    assert response.json["period"] == {"from": "2026-06-15", "to": "2026-06-21"}


@pytest.mark.parametrize("path", ["stats", "leaderboard/units", "stats/daily"])
def test_a_unit_outside_reach_is_not_found_and_participants_are_refused(
        api, world, make_user, path):  # noqa: F811
    slug = world["campaign"].slug
    api.login(make_user(unit=world["units"]["T1"], role=Role.organizer))
    assert api.call("GET", f"/campaigns/{slug}/{path}?unit=T2").status_code == 404
    assert api.call("GET", f"/campaigns/{slug}/{path}?unit=C").status_code == 404
    assert api.call("GET", f"/campaigns/{slug}/{path}").json["unit"]["code"] == "T1"
    api.login(make_user(unit=world["units"]["T1"]))
    assert api.call("GET", f"/campaigns/{slug}/{path}").status_code == 403
    api.token = None
    assert api.call("GET", f"/campaigns/{slug}/{path}").status_code == 401
