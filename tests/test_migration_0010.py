"""Migration 0010: people passed kept in the unit counters, filled from the participation
rows on the way up, and removed on the way down.

Runs on SQLite, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quiz.extensions import db
from quiz.models import (
    Campaign,
    Participation,
    ParticipationDay,
    UnitCounter,
    UnitDayCounter,
    User,
)
from quiz.services.units import create_unit
from tests.helpers import empty_database_app

SCHEMA = "quiz_migration_0010"
DAY_1, DAY_2 = dt.date(2026, 6, 10), dt.date(2026, 6, 11)


@pytest.fixture
def bare_app(tmp_path):
    """An app on an empty database (no fixture migrations)."""
    with empty_database_app(tmp_path, SCHEMA) as app:
        yield app


def _kept_rows() -> dict[str, dict]:
    """Two units' counter and participation rows, as submits would have left them:
    {"A": path, "B": path} of the units they are kept for."""
    county = create_unit("C", "平安县", "county")
    a = create_unit("A", "城关镇", "township", county)
    b = create_unit("B", "河山镇", "township", county)
    campaign = Campaign(slug="june", title="安全生产月知识竞赛", starts_on=DAY_1,
                        ends_on=DAY_2 + dt.timedelta(days=19))
    db.session.add(campaign)
    people = []
    for n, unit in enumerate((a, a, a, b)):
        person = User(name=f"p{n}", phone=f"1390000000{n}", unit=unit)
        person.set_password("secret123")
        people.append(person)
    db.session.add_all(people)
    db.session.flush()
    u0, u1, u2, u3 = (person.id for person in people)
    place = {"campaign_id": campaign.id}
    # A: u0 passed on both days, u1 on the second only, u2 never; B: u3 never.
    took_part = {(a, u0): True, (a, u1): True, (a, u2): False, (b, u3): False}
    by_day = {(a, DAY_1, u0): True, (a, DAY_1, u1): False, (a, DAY_2, u0): True,
              (a, DAY_2, u1): True, (a, DAY_2, u2): False, (b, DAY_1, u3): False}
    for unit in (a, b):
        db.session.add(UnitCounter(**place, unit_path=unit.path, unit_id=unit.id))
    for unit, day in {(unit, day) for unit, day, _ in by_day}:
        db.session.add(UnitDayCounter(**place, unit_path=unit.path, unit_id=unit.id, day=day))
    for (unit, user_id), passed in took_part.items():
        db.session.add(Participation(**place, unit_path=unit.path, unit_id=unit.id,
                                     user_id=user_id, passed=passed))
    for (unit, day, user_id), passed in by_day.items():
        db.session.add(ParticipationDay(**place, unit_path=unit.path, unit_id=unit.id,
                                        day=day, user_id=user_id, passed=passed))
    db.session.commit()
    paths = {"A": a.path, "B": b.path}
    db.session.remove()
    return paths


def _columns(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(db.engine).get_columns(table)}


def _passed_people(paths: dict[str, str]) -> tuple[dict, dict]:
    """({unit code: passed_people}, {(unit code, day): passed_people}) as kept."""
    code = {path: c for c, path in paths.items()}
    with db.engine.connect() as conn:
        totals = {code[path]: n for path, n in conn.execute(sa.text(
            "SELECT unit_path, passed_people FROM unit_counter"))}
        days = {(code[path], dt.date.fromisoformat(str(day))): n for path, day, n in
                conn.execute(sa.text(
                    "SELECT unit_path, day, passed_people FROM unit_day_counter"))}
    return totals, days


EXPECTED = ({"A": 2, "B": 0}, {("A", DAY_1): 1, ("A", DAY_2): 2, ("B", DAY_1): 0})


def test_0010_fills_passed_people_from_the_participation_rows_and_goes_down_again(
        bare_app):
    upgrade()
    paths = _kept_rows()
    downgrade(revision="0009")
    assert "passed_people" not in _columns("unit_counter")
    assert "passed_people" not in _columns("unit_day_counter")
    upgrade(revision="0010")
    assert _passed_people(paths) == EXPECTED
    downgrade(revision="0009")
    assert "passed_people" not in _columns("unit_counter") | _columns("unit_day_counter")
    # The rows the columns were taken from are still there: up again, the same counts.
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM unit_counter")).scalar() == 2
    upgrade()
    assert _passed_people(paths) == EXPECTED


def test_a_counter_row_added_without_passed_people_gets_zero(bare_app):
    upgrade()
    paths = _kept_rows()
    with db.engine.begin() as conn:  # as a writer that does not know the column would
        conn.execute(sa.text("DELETE FROM unit_counter WHERE unit_path = :p"),
                     {"p": paths["B"]})
        conn.execute(sa.text(
            "INSERT INTO unit_counter (campaign_id, unit_path, unit_id, participants, "
            "attempts, answers, correct_answers, score_sum, passed_attempts) "
            "SELECT campaign_id, unit_path, unit_id, 1, 1, 0, 0, 0, 0 FROM participation "
            "WHERE unit_path = :p"), {"p": paths["B"]})
    assert _passed_people(paths)[0]["B"] == 0
