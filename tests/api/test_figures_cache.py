"""The API's figures for organizers are kept for STATS_CACHE_SECONDS: one computation per
campaign, unit, period and options however many dashboards ask, never past the caller's
reach, and fresh again once the period is over."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from quiz.api.auth import issue_token
from quiz.extensions import db as _db
from quiz.models import Role
from tests import figures
from tests.api.test_api import api  # noqa: F401  (the fixture)


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


@pytest.fixture
def county_api(app, api, world, make_user):  # noqa: F811  (the fixture, imported)
    app.config["STATS_CACHE_SECONDS"] = 10
    api.login(make_user(unit=world["units"]["C"], role=Role.organizer))
    api.slug = world["campaign"].slug
    return api


def _get(client_api, path, query=""):
    return client_api.call("GET", f"/campaigns/{client_api.slug}/{path}?{query}")


@pytest.mark.parametrize("path", ["stats", "stats/daily", "leaderboard/units"])
def test_figures_are_kept_for_the_period_then_computed_again(county_api, world, clock, path):
    figures.answer(world, clock, "p6")  # the clock is now DAY_15 06:01 UTC
    kept = _get(county_api, path).json
    figures.answer(world, clock, "p2")  # another attempt, at the same moment
    assert _get(county_api, path).json == kept  # within the period: the kept answer
    clock.advance(9)
    assert _get(county_api, path).json == kept
    clock.advance(1)
    assert _get(county_api, path).json != kept  # the period is over: the new attempt shows


def test_a_kept_answer_costs_no_figures_query(county_api, app):
    _get(county_api, "stats")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert _get(county_api, "stats").status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    assert not [sql for sql in statements if "unit_counter" in sql or "participation" in sql]


def test_a_kept_answer_is_never_given_past_the_callers_reach(county_api, world, make_user):
    assert _get(county_api, "stats", "unit=T1").status_code == 200  # kept for T1 now
    township = issue_token(make_user(unit=world["units"]["T2"], role=Role.organizer))
    path = f"/campaigns/{county_api.slug}/stats"
    assert county_api.call("GET", path + "?unit=T1", token=township).status_code == 404
    assert county_api.call("GET", path, token=township).json["unit"]["code"] == "T2"


def test_with_no_period_set_every_request_counts_afresh(county_api, app, world, clock):
    app.config["STATS_CACHE_SECONDS"] = 0
    first = _get(county_api, "stats").json
    figures.answer(world, clock, "p6")
    assert _get(county_api, "stats").json != first
