"""The big screen's figures: the console's own (figure_tree, sort_rows, people_board), masked
for everyone, computed once per caching.SCREEN_SECONDS however often they are asked for."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from quiz import caching, create_app
from quiz.extensions import cache
from quiz.models import Role
from quiz.services import screen, stats
from quiz.services.errors import Forbidden, NotFound
from quiz.services.leaderboard import mask_name, people_board
from tests import figures
from tests.services.test_attempts import start, submit


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    built = figures.build(db, make_unit, make_user, make_quiz, clock)
    built["campaign"].screen_enabled = True
    db.session.commit()
    return built


@contextmanager
def statements(db):
    """The SQL statements run inside the block, as a list that fills as they run."""
    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # noqa: ARG001
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_totals_and_units_are_figure_trees_numbers(world, clock):
    campaign, root = world["campaign"], world["units"]["C"]
    data = screen.screen_data(campaign, clock())
    tree = stats.figure_tree(campaign, root)
    total = tree.total.total
    assert data["totals"] == {
        "participants": total.participants, "attempts": total.attempts,
        "headcount": total.headcount, "participation_rate": total.participation_rate,
        "average_score": total.average_score, "passed_people": total.passed_people,
    }
    # As counted by hand in tests/figures.py: 47 expected, 7 took part, 11 attempts, 4 passed.
    assert (total.headcount, total.participants, total.attempts,
            total.passed_people) == figures.TOTALS["C"]
    ranked = stats.sort_rows(tree.children(), "participation_rate")
    assert [(u["code"], u["participants"], u["headcount"], u["rate"]) for u in data["units"]] == [
        (row.unit.code, row.total.participants, row.total.headcount,
         row.total.participation_rate) for row in ranked]
    # 河山镇 3/17 ahead of 城关镇 4/30.
    assert [(u["position"], u["code"], u["name"]) for u in data["units"]] == [
        (1, "T2", "河山镇"), (2, "T1", "城关镇")]
    assert data["units_total"] == 2


def test_the_top_ten_are_the_leaderboard_masked_for_everyone(world, clock):
    data = screen.screen_data(world["campaign"], clock())
    board = people_board(world["campaign"], per_page=10)
    assert [(row["rank"], row["score"], row["duration_seconds"], row["unit_name"])
            for row in data["top10"]] == [
        (row.rank, row.score, row.duration_seconds, row.unit_name) for row in board.rows]
    # Six people finished an attempt (p7 counts in two units but is one person).
    assert [row["rank"] for row in data["top10"]] == list(range(1, 7))
    names = {person.name for person in world["people"].values()}
    for row in data["top10"]:
        assert row["name"] not in names
        assert row["name"] in {mask_name(name) for name in names}
        assert set(row) == {"rank", "name", "unit_name", "score", "duration_seconds"}
    assert "phone" not in str(data)


def test_the_time_of_the_figures_is_in_the_campaigns_zone(world, clock):
    clock.set(dt.datetime(2026, 6, 15, 2, 15, 30))
    data = screen.screen_data(world["campaign"], clock())
    assert data["generated_at"] == "2026-06-15T02:15:30Z"
    assert data["generated_time"] == "10:15:30"


def test_a_unit_without_headcount_has_no_rate_and_comes_last(db, make_unit, make_quiz, clock):
    quiz = make_quiz()
    root = make_unit("总部", code="ROOT", headcount=0)
    make_unit("甲厂", parent=root, code="A", headcount=0)
    make_unit("乙厂", parent=root, code="B", headcount=5)
    make_unit("丙厂", parent=root, code="C", headcount=5)
    data = screen.screen_data(quiz.campaign, clock())
    assert [(u["position"], u["code"], u["rate"]) for u in data["units"]] == [
        (1, "B", 0.0), (1, "C", 0.0), (None, "A", None)]  # equal rates share a place
    assert data["totals"]["participation_rate"] == 0.0
    assert data["top10"] == []


def test_only_the_first_units_are_shown(db, make_unit, make_quiz, clock):
    quiz = make_quiz()
    root = make_unit("总部", code="ROOT", headcount=0)
    for n in range(screen.UNITS_SHOWN + 3):
        make_unit(f"单位{n}", parent=root, code=f"U{n:02d}", headcount=10)
    data = screen.screen_data(quiz.campaign, clock())
    assert len(data["units"]) == screen.UNITS_SHOWN
    assert data["units_total"] == screen.UNITS_SHOWN + 3


def test_several_roots_are_ranked_themselves(db, make_unit, make_user, make_quiz, clock):
    quiz = make_quiz()
    east = make_unit("东区", code="EAST", headcount=4)
    west = make_unit("西区", code="WEST", headcount=4)
    make_unit("西区一厂", parent=west, code="W1", headcount=6)
    user = make_user(unit=east)
    submit(user, start(user, quiz, clock), clock)
    data = screen.screen_data(quiz.campaign, clock())
    assert [(u["code"], u["participants"], u["headcount"]) for u in data["units"]] == [
        ("EAST", 1, 4), ("WEST", 0, 10)]
    assert (data["totals"]["participants"], data["totals"]["headcount"]) == (1, 14)


# --- switched on, switched off ----------------------------------------------------------


def test_a_screen_switched_off_is_not_found_as_a_campaign_that_is_not(world, db, clock):
    world["campaign"].screen_enabled = False
    db.session.commit()
    with pytest.raises(NotFound):
        screen.screen_campaign(world["campaign"].slug)
    with pytest.raises(NotFound):
        screen.cached_screen_data("no-such-campaign", clock())


def test_admins_and_organizers_of_the_root_may_switch_it(world, db, make_user):
    campaign, units = world["campaign"], world["units"]
    admin = make_user(role=Role.admin, unit=units["V1"])
    root_organizer = make_user(role=Role.organizer, unit=units["C"])
    screen.set_screen(campaign, False, by=admin)
    assert campaign.screen_enabled is False
    screen.set_screen(campaign, True, by=root_organizer)
    assert campaign.screen_enabled is True
    for user in (make_user(role=Role.organizer, unit=units["T1"]), make_user(), None):
        assert not screen.may_switch(user)
        with pytest.raises(Forbidden):
            screen.set_screen(campaign, False, by=user)
    assert campaign.screen_enabled is True
    admin.is_enabled = False
    assert not screen.may_switch(admin)


# --- the cache --------------------------------------------------------------------------


def test_figures_are_computed_once_per_period_however_often_asked(world, db, clock, make_user):
    slug = world["campaign"].slug
    first = screen.cached_screen_data(slug, clock())
    with statements(db) as seen:
        for _ in range(5):
            clock.advance(5)
            assert screen.cached_screen_data(slug, clock()) == first
    assert seen == []
    # New figures meanwhile are not shown until the period has passed.
    newcomer = make_user(unit=world["units"]["E"])
    submit(newcomer, start(newcomer, world["quiz"], clock), clock)
    assert screen.cached_screen_data(slug, clock())["totals"] == first["totals"]
    clock.set(dt.datetime.fromisoformat(first["generated_at"][:-1])
              + dt.timedelta(seconds=caching.SCREEN_SECONDS))
    with statements(db) as seen:
        fresh = screen.cached_screen_data(slug, clock())
    assert seen, "a stale value was served"
    assert fresh["totals"]["participants"] == first["totals"]["participants"] + 1
    assert fresh["generated_at"] != first["generated_at"]


def test_a_clock_set_back_recomputes(world, clock):
    slug = world["campaign"].slug
    first = screen.cached_screen_data(slug, clock())
    clock.advance(-1)
    assert screen.cached_screen_data(slug, clock())["generated_at"] != first["generated_at"]


def test_forgetting_the_key_recomputes_at_once(world, clock):
    slug = world["campaign"].slug
    first = screen.cached_screen_data(slug, clock())
    clock.advance(1)
    caching.forget(caching.screen_key(slug))
    assert screen.cached_screen_data(slug, clock())["generated_at"] != first["generated_at"]


def test_a_cache_that_cannot_be_reached_is_gone_around(world, clock, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    for name in ("get", "set", "delete"):
        monkeypatch.setattr(cache, name, down)
    data = screen.cached_screen_data(world["campaign"].slug, clock())
    assert data["totals"]["participants"] == figures.TOTALS["C"][1]
    caching.forget(caching.screen_key(world["campaign"].slug))  # no error either


def test_redis_is_the_cache_when_redis_url_is_set(app):
    config = {**app.config, "CACHE_TYPE": None, "REDIS_URL": "redis://127.0.0.1:1/0",
              "RATELIMIT_STORAGE_URI": "memory://"}
    other = create_app(config)  # builds without connecting
    assert other.config["CACHE_TYPE"] == "RedisCache"
    assert other.config["CACHE_REDIS_URL"] == "redis://127.0.0.1:1/0"
    plain = create_app({**app.config, "CACHE_TYPE": None, "REDIS_URL": None})
    assert plain.config["CACHE_TYPE"] == "SimpleCache"


def test_a_redis_that_never_answers_holds_a_read_for_the_timeout_only(app):
    """A Redis machine gone silent (packets dropped, not refused) must not hang requests:
    the cache read gives up after REDIS_TIMEOUT_SECONDS and the figures are computed."""
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    url = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    try:
        other = create_app({**app.config, "CACHE_TYPE": None, "REDIS_URL": url,
                            "REDIS_TIMEOUT_SECONDS": 0.3, "RATELIMIT_STORAGE_URI": None})
        assert other.config["RATELIMIT_STORAGE_OPTIONS"] == {
            "socket_connect_timeout": 0.3, "socket_timeout": 0.3}
        with other.app_context():
            began = time.monotonic()
            value = caching.fresh_or_compute("k", 30, dt.datetime(2026, 6, 10), lambda: {"n": 1})
            waited = time.monotonic() - began
        assert value == {"n": 1}
        assert waited < 5  # without the timeout this read never returns
    finally:
        silent.close()
