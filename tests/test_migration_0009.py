"""Migration 0009: each bank's revision and the triggers that raise it, up with questions
already in the bank, down again (no trigger left behind), and up once more.

Runs on SQLite, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from quiz.extensions import db
from tests.helpers import empty_database_app

SCHEMA = "quiz_migration_0009"


@pytest.fixture
def bare_app(tmp_path):
    with empty_database_app(tmp_path, SCHEMA) as app:
        yield app


def _triggers() -> set[str]:
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'question'")
        else:
            rows = conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "JOIN pg_namespace ON pg_namespace.oid = relnamespace "
                "WHERE relname = 'question' AND nspname = current_schema() AND NOT tgisinternal")
        return {row[0] for row in rows}


def _write(sql: str, **params) -> None:
    if "stem" in params:
        params["print"] = params["stem"]  # the fingerprint
    with db.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _revision() -> int:
    with db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT revision FROM bank WHERE id = 1")).scalar_one()


QUESTION = (
    "INSERT INTO question (bank_id, type, stem, options, answer, explanation, category,"
    " difficulty, fingerprint, is_active, version, created_at, updated_at) VALUES (1, 'judge',"
    " :stem, '[\"正确\", \"错误\"]', 'A', '', '', 2, :print, :yes, 1, '2026-06-01 00:00:00',"
    " '2026-06-01 00:00:00')")


def test_0009_raises_a_banks_revision_at_each_write_and_goes_down_cleanly(bare_app):
    upgrade(revision="0008")
    _write("INSERT INTO bank (name, created_at) VALUES ('题库', '2026-06-01 00:00:00')")
    _write(QUESTION, stem="老题", yes=True)
    upgrade(revision="0009")
    assert _revision() == 0  # what was there before counts from 0
    assert len(_triggers()) == 3
    _write(QUESTION, stem="新题", yes=True)
    after_insert = _revision()
    _write("UPDATE question SET is_active = :no WHERE stem = '老题'", no=False)
    after_update = _revision()
    _write("DELETE FROM question WHERE stem = '新题'")
    assert 0 < after_insert < after_update < _revision()
    downgrade(revision="0008")
    assert _triggers() == set()
    with db.engine.connect() as conn:
        assert "revision" not in {c["name"] for c in sa.inspect(conn).get_columns("bank")}
    _write(QUESTION, stem="降级后", yes=True)  # no trigger refers to the column gone
    upgrade(revision="0009")
    _write("DELETE FROM question WHERE stem = '降级后'")
    assert _revision() == 1
