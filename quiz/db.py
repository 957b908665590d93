"""Database plumbing shared by services: SQLite tuning, write transactions, upserts.

SQLite allows one writer at a time. A transaction that starts as a reader and later writes
("read-then-upgrade") can fail at once with SQLITE_BUSY instead of waiting, so requests that
write open their transaction with ``BEGIN IMMEDIATE`` (take the write lock first, wait up to the
busy timeout for it), and requests that only read use a plain deferred ``BEGIN``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import sqlite3
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from .extensions import db

#: Set while a block opened by `write_transaction` runs: the next BEGIN takes the write lock.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)

SQLITE_BUSY_TIMEOUT_MS = 10_000


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):  # noqa: ARG001
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN itself, so it can choose IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    if dbapi_connection.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block in one write transaction, committed at the end, rolled back on error.

    Whatever the request read before (the logged-in user) is committed first, so the write
    transaction starts fresh and holds the write lock from its first statement.
    """
    session = db.session()  # the request's Session, not the scoped proxy
    if session.in_transaction():
        session.commit()
    token = _write_intent.set(True)
    try:
        yield
        session.commit()
    except BaseException as error:
        # Some refusals still changed something that must stay (an attempt whose time ran
        # out is finished and counted even though the late answers are refused).
        if getattr(error, "keeps_changes", False):
            session.commit()
        else:
            session.rollback()
        raise
    finally:
        _write_intent.reset(token)


def insert_ignore(table, values: dict) -> bool:
    """INSERT a row unless it collides with a unique key; True if the row was inserted."""
    stmt = _insert_ignore_stmt(_dialect_name(), table, tuple(values))
    return db.session.execute(stmt, values).first() is not None


def upsert_add(table, keys: dict, increments: dict, also: dict | None = None) -> None:
    """Insert a counter row, or add `increments` to the existing row with the same `keys`;
    `also`: more values for a new row (columns that follow from the keys)."""
    also = also or {}
    stmt = _upsert_add_stmt(_dialect_name(), table, tuple(keys), tuple(increments), tuple(also))
    db.session.execute(stmt, {**keys, **increments, **also})


def upsert_add_many(table, keys: tuple[str, ...], rows: list[dict]) -> None:
    """`upsert_add` for several rows in one round of executemany; every row has the same
    names, `keys` first. Callers sort `rows` so that concurrent writers lock rows in the same
    order (no deadlock on PostgreSQL)."""
    if not rows:
        return
    increments = tuple(name for name in rows[0] if name not in keys)
    stmt = _upsert_add_stmt(_dialect_name(), table, keys, increments)
    db.session.execute(stmt, rows)


def upsert_if(table, keys: tuple[str, ...], values: dict, replace_when) -> None:
    """Insert a row, or overwrite the one with the same `keys` when `replace_when(excluded,
    table)` holds for it, in one statement (no read-then-write race)."""
    stmt = _upsert_if_stmt(_dialect_name(), table, keys, tuple(values), replace_when)
    db.session.execute(stmt, values)


# The statements are built once per shape, with bound parameters, so SQLAlchemy's compiled
# cache serves every later call (building ON CONFLICT clauses anew costs milliseconds).
@functools.cache
def _insert_ignore_stmt(dialect: str, table, names: tuple[str, ...]):
    # RETURNING, not rowcount: drivers differ in what rowcount says for ON CONFLICT.
    key = next(iter(table.primary_key.columns))
    return (
        _INSERTS[dialect](table)
        .values({name: sa.bindparam(name) for name in names})
        .on_conflict_do_nothing()
        .returning(key)
    )


@functools.cache
def _upsert_add_stmt(dialect: str, table, keys: tuple[str, ...], increments: tuple[str, ...],
                     also: tuple[str, ...] = ()):
    insert = _INSERTS[dialect](table).values(
        {name: sa.bindparam(name) for name in (*keys, *increments, *also)}
    )
    return insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + insert.excluded[name] for name in increments},
    )


@functools.cache
def _upsert_if_stmt(dialect: str, table, keys: tuple[str, ...], names: tuple[str, ...],
                    replace_when):
    insert = _INSERTS[dialect](table).values({name: sa.bindparam(name) for name in names})
    return insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: insert.excluded[name] for name in names if name not in keys},
        where=replace_when(insert.excluded, table.c),
    )


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _dialect_name() -> str:
    name = db.session.get_bind().dialect.name
    if name not in _INSERTS:
        raise RuntimeError(f"unsupported database dialect {name!r}")
    return name
