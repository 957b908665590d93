"""Every migration goes up and down again, and the schema they build is the models' schema.

Runs on SQLite, and on PostgreSQL (in a schema of its own) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from quiz.extensions import db
from tests.helpers import empty_database_app

PG_URL = os.environ.get("TEST_DATABASE_URL")
SCHEMA = "quiz_migrations"


@pytest.fixture
def bare_app(tmp_path):
    """An app on an empty database (no fixture migrations)."""
    with empty_database_app(tmp_path, SCHEMA) as app:
        yield app


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(bare_app):
    upgrade()
    assert _tables() == set(db.metadata.tables)
    assert _differences() == []
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert _differences() == []


def test_each_step_goes_down_and_up_again(bare_app):
    from alembic.script import ScriptDirectory

    upgrade()
    config = bare_app.extensions["migrate"].migrate.get_config()
    revisions = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions()]
    for _revision in revisions:  # newest first
        downgrade(revision="-1")
    assert _tables() == set()
    for _revision in reversed(revisions):
        upgrade(revision="+1")
    assert _differences() == []


def test_0003_gives_each_user_a_session_token_and_stores_numbers_in_ascii(bare_app):
    upgrade(revision="0002")
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO unit (code, name, kind, headcount, path) "
                             "VALUES ('U1', '单位', 'enterprise', 0, '/1/')"))
        for phone in ("13900000001", "13900000002", "１３９０００００００３", "13９0000000１"):
            conn.execute(sa.text(
                "INSERT INTO user_account (name, phone, password_hash, unit_id, role, "
                "is_enabled, created_at) VALUES ('甲', :p, 'x', 1, 'participant', :t, "
                "CURRENT_TIMESTAMP)"), {"p": phone, "t": True})
    upgrade(revision="0003")
    with db.engine.connect() as conn:
        tokens = [row[0] for row in conn.execute(sa.text("SELECT session_token FROM "
                                                         "user_account"))]
    assert len(tokens) == 4 and len(set(tokens)) == 4 and all(len(t) == 32 for t in tokens)
    with db.engine.connect() as conn:
        phones = sorted(row[0] for row in conn.execute(sa.text("SELECT phone FROM "
                                                               "user_account")))
    # the full-width 3 is free and becomes ASCII; the full-width 1 is taken and stays
    assert phones == sorted(["13900000001", "13900000002", "13900000003", "13９0000000１"])
    downgrade(revision="0002")
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM user_account")).scalar() == 4
