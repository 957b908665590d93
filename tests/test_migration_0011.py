"""Migration 0011: the week rows (unit_week_counter, participation_week), filled from the
finished attempts on the way up, and removed on the way down.

Runs on SQLite, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quiz.extensions import db
from quiz.models import Attempt, Campaign, Quiz, User
from quiz.services import counters
from quiz.services.units import create_unit
from tests.helpers import empty_database_app

SCHEMA = "quiz_migration_0011"
#: A Sunday, then the Monday and Wednesday of the next week (June 2026).
SUN_7, MON_8, WED_10 = dt.date(2026, 6, 7), dt.date(2026, 6, 8), dt.date(2026, 6, 10)
WEEK_1, WEEK_2 = dt.date(2026, 6, 1), MON_8


@pytest.fixture
def bare_app(tmp_path):
    """An app on an empty database (no fixture migrations)."""
    with empty_database_app(tmp_path, SCHEMA) as app:
        yield app


def _attempts() -> dict[str, str]:
    """Attempts of two units as they stood before 0011: {"A": path, "B": path}."""
    county = create_unit("C", "平安县", "county")
    a = create_unit("A", "城关镇", "township", county)
    b = create_unit("B", "河山镇", "township", county)
    campaign = Campaign(slug="june", title="安全生产月知识竞赛", starts_on=WEEK_1,
                        ends_on=dt.date(2026, 6, 30))
    quiz = Quiz(title="答题", rules=[], time_limit_seconds=600, pass_mark=30,
                attempts_per_day=3, points_single=5, points_multiple=5, points_judge=5)
    campaign.quizzes.append(quiz)
    db.session.add(campaign)
    people = []
    for n, unit in enumerate((a, a, b)):
        person = User(name=f"p{n}", phone=f"1390000000{n}", unit=unit)
        person.set_password("secret123")
        people.append(person)
    db.session.add_all(people)
    db.session.flush()
    u0, u1, u2 = people
    # (person, unit, day, status, score): u0 fails on the Sunday and passes twice the next
    # week; u1 fails on the Monday; u2 passes on the Sunday and leaves one attempt open.
    taken = [(u0, a, SUN_7, "submitted", 20), (u0, a, MON_8, "submitted", 35),
             (u0, a, WED_10, "timed_out", 30), (u1, a, MON_8, "submitted", 10),
             (u2, b, SUN_7, "submitted", 40), (u2, b, WED_10, "open", None)]
    for person, unit, day, status, score in taken:
        started = dt.datetime.combine(day, dt.time(2, 0))
        db.session.add(Attempt(
            user_id=person.id, quiz_id=quiz.id, campaign_id=campaign.id, unit_id=unit.id,
            unit_path=unit.path, local_day=day, status=status, started_at=started,
            deadline_at=started + dt.timedelta(minutes=10),
            finished_at=None if score is None else started + dt.timedelta(minutes=5),
            questions=[], answers={}, score=score, max_score=40,
            correct_count=None if score is None else score // 5,
            answered_count=None if score is None else 8,
            passed=None if score is None else score >= 30))
    db.session.commit()
    paths = {"A": a.path, "B": b.path}
    db.session.remove()
    return paths


def _week_rows(paths: dict[str, str]) -> tuple[dict, dict]:
    """({(unit code, week): (participants, attempts, score_sum, passed_people)},
    {(unit code, week): {user's phone: passed}}) as kept."""
    code = {path: c for c, path in paths.items()}
    with db.engine.connect() as conn:
        counted = {(code[path], dt.date.fromisoformat(str(week))): tuple(rest)
                   for path, week, *rest in conn.execute(sa.text(
                       "SELECT unit_path, week, participants, attempts, score_sum, "
                       "passed_people FROM unit_week_counter"))}
        people: dict[tuple, dict] = {}
        for path, week, phone, passed in conn.execute(sa.text(
                "SELECT p.unit_path, p.week, u.phone, p.passed FROM participation_week p "
                "JOIN user_account u ON u.id = p.user_id")):
            people.setdefault((code[path], dt.date.fromisoformat(str(week))), {})[phone] = (
                bool(passed))
    return counted, people


EXPECTED = (
    {("A", WEEK_1): (1, 1, 20, 0), ("A", WEEK_2): (2, 3, 75, 1), ("B", WEEK_1): (1, 1, 40, 1)},
    {("A", WEEK_1): {"13900000000": False},
     ("A", WEEK_2): {"13900000000": True, "13900000001": False},
     ("B", WEEK_1): {"13900000002": True}},
)


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_0011_fills_the_week_rows_from_the_attempts_and_goes_down_again(bare_app):
    upgrade(revision="0010")
    paths = _attempts()
    upgrade(revision="0011")
    assert _week_rows(paths) == EXPECTED
    # The migration's weeks are the ones the submit and the recount key rows by.
    assert [d for d in counters.compare() if d.field.endswith("(week)")] == []
    db.session.remove()  # its reads' locks would hold up the tables' drop on PostgreSQL
    downgrade(revision="0010")
    assert not {"unit_week_counter", "participation_week"} & _tables()
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM attempt")).scalar() == 6
    upgrade()
    assert _week_rows(paths) == EXPECTED
