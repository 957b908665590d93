"""Migration 0008: the indexes the figures read at a county's scale (bench/scale.py), up and
down again, and the individual board's first page read along its index, not sorted.

Runs on SQLite, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quiz.extensions import db
from quiz.models import PersonBest
from quiz.services.leaderboard import _RANK_ORDER
from tests.helpers import empty_database_app

PG_URL = os.environ.get("TEST_DATABASE_URL")
SCHEMA = "quiz_migration_0008"


@pytest.fixture
def bare_app(tmp_path):
    """An app on an empty database (no fixture migrations)."""
    with empty_database_app(tmp_path, SCHEMA) as app:
        yield app


def _definitions() -> dict[str, str]:
    """{index name: its definition as the database keeps it}, of the tables 0008 touches."""
    tables = ("person_best", "participation", "participation_day")
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.execute(sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('person_best', 'participation', 'participation_day')"))
        else:
            rows = conn.execute(sa.text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                "current_schema() AND tablename = ANY(:t)"), {"t": list(tables)})
        return {name: " ".join(sql.split()) for name, sql in rows}


def test_0008_orders_the_board_index_by_best_score_and_goes_down_again(bare_app):
    upgrade(revision="0008")
    found = _definitions()
    assert "score DESC, duration_seconds, finished_at, attempt_id" in found[
        "ix_person_best_rank"]
    assert "(campaign_id, passed, unit_path, unit_id)" in found["ix_participation_passed"]
    assert "(campaign_id, day, unit_path, unit_id, user_id, passed)" in found[
        "ix_participation_day_day"]
    downgrade(revision="0007")
    found = _definitions()
    assert "(campaign_id, score, duration_seconds, finished_at, attempt_id)" in found[
        "ix_person_best_rank"]
    assert "ix_participation_passed" not in found and "ix_participation_day_day" not in found
    upgrade(revision="0008")
    assert "score DESC" in _definitions()["ix_person_best_rank"]


def test_the_boards_first_page_is_read_along_the_index_not_sorted(bare_app):
    upgrade()
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans an empty table by its own statistics")
    page = (sa.select(PersonBest.user_id).where(PersonBest.campaign_id == 1)
            .order_by(*_RANK_ORDER).limit(50))
    compiled = page.compile(db.engine, compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]
    assert any("ix_person_best_rank" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
