"""Database plumbing shared by services: SQLite tuning, write transactions, upserts.

SQLite allows one writer at a time. A transaction that starts as a reader and later writes
("read-then-upgrade") can fail at once with SQLITE_BUSY instead of waiting, so requests that
write open their transaction with ``BEGIN IMMEDIATE`` (take the write lock first), and
requests that only read use a plain deferred ``BEGIN``.

SQLite's own wait for its lock is a poll: the busy handler sleeps 1 to 100 ms between tries,
with no order among the waiters, so under a burst of writers most of a request's time went
to sleeping and an unlucky one could wait past the busy timeout and fail ("database is
locked": the rare 500 of a submit under load). Writers of this app (its pages and its
``flask`` commands) therefore take turns on a lock of their own first: one thread per process
(a threading lock, which wakes the next waiter at once) and one process per database file
(``flock`` on a file beside it, tried every millisecond by that one thread), and BEGIN
IMMEDIATE then finds SQLite's lock free. A writer still waiting after the busy timeout gets
DatabaseBusy (503, nothing written). Other programs writing the file (the sqlite3 shell) meet
SQLite's own busy timeout.
"""

from __future__ import annotations

import contextlib
import contextvars
import fcntl
import functools
import os
import sqlite3
import threading
import time
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from . import fastsql
from .extensions import db
from .services.errors import DatabaseBusy

#: Set while a block opened by `write_transaction` runs: the next BEGIN takes the write lock.
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)

SQLITE_BUSY_TIMEOUT_MS = 10_000

#: Set while this context holds the SQLite writers' lock (write transactions may nest).
_holds_writer_lock: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "holds_writer_lock", default=False)


#: Connections this process has made to any database. What is kept in memory from the
#: database (drawing.drawn_versions) is dropped when it changes: a database restored or
#: replaced under a running process is reached through new connections.
connections_made = 0


@event.listens_for(Engine, "connect")
def _count_connection(dbapi_connection, connection_record):  # noqa: ARG001
    global connections_made
    connections_made += 1


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
        # 8 KB pages for a new file (no effect on one that has tables): an attempt's row is
        # about 2 KB of JSON and a 4 KB page held one, leaving half of each page empty; the
        # file is about 30 % smaller for a county's month (bench/scale.py).
        cursor.execute("PRAGMA page_size=8192")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    _sqlite_begin(conn, "BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def _sqlite_begin(conn, statement: str) -> None:
    # On the driver: SQLAlchemy's execution of a statement costs ten times more.
    fastsql.run_driver_sql(conn, statement)
    # What `transaction_has_written` compares with: rows changed on this connection so far.
    conn.info["changes_at_begin"] = conn.connection.driver_connection.total_changes


def transaction_has_written() -> bool:
    """Whether the request's transaction has changed any row yet (it may still roll back:
    what it reads is then not what others will read)."""
    session = db.session()
    session.flush()
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        changes = conn.connection.driver_connection.total_changes
        return changes != conn.info.get("changes_at_begin", changes)
    return execute(sa.text("SELECT txid_current_if_assigned() IS NOT NULL")).scalar()


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """Run the block in one write transaction, committed at the end, rolled back on error.

    Whatever the request read before (the logged-in user) is committed first, so the write
    transaction starts fresh and holds the write lock from its first statement. So that the
    lock is held briefly, services read and compute what they can before they open one.

    Inside another write transaction it is part of that one (the outer block commits).
    """
    if _write_intent.get():
        yield
        return
    session = db.session()  # the request's Session, not the scoped proxy
    bind = session.get_bind()
    sqlite_file = _sqlite_file(bind.url) if bind.dialect.name == "sqlite" else None
    # PostgreSQL goes on in the same transaction (no read-then-upgrade problem there): one
    # connection and one BEGIN for the request, not two.
    upgrade = None
    if session.in_transaction() and bind.dialect.name == "sqlite":
        upgrade = _read_only_connection(session)
        if upgrade is None:
            session.commit()
    token = _write_intent.set(True)
    try:
        with _writers_take_turns(sqlite_file):
            try:
                if upgrade is not None:
                    # The read ends and the write begins on the same connection, the Session's
                    # transaction going on (a commit and a new checkout cost about a third of
                    # a start's statements).
                    fastsql.run_driver_sql(upgrade, "COMMIT")
                    _sqlite_begin(upgrade, "BEGIN IMMEDIATE")
                yield
                session.commit()
            except BaseException as error:
                # Some refusals still changed something that must stay (an attempt whose
                # time ran out is finished and counted even though the late answers are
                # refused).
                if getattr(error, "keeps_changes", False):
                    session.commit()
                else:
                    session.rollback()
                raise
    finally:
        _write_intent.reset(token)


def _read_only_connection(session):
    """The SQLite connection of the Session's transaction when it has only read (nothing
    pending, written or nested in it): that transaction can become the write transaction by
    COMMIT and BEGIN IMMEDIATE on the same connection. Else None."""
    if session.new or session.dirty or session.deleted or session.in_nested_transaction():
        return None
    connection = session.connection()
    driver = connection.connection.driver_connection
    if not driver.in_transaction or driver.total_changes != connection.info.get(
            "changes_at_begin"):
        return None
    return connection


def _sqlite_file(url) -> str | None:
    database = url.database
    return None if not database or database == ":memory:" else os.path.abspath(database)


_thread_turns = threading.Lock()


@contextlib.contextmanager
def _writers_take_turns(sqlite_file: str | None) -> Iterator[None]:
    """Hold the writers' lock of a SQLite file (no-op for other databases, or if held)."""
    if sqlite_file is None or _holds_writer_lock.get():
        yield
        return
    # A queue longer than the busy timeout is refused, as SQLite itself would refuse it.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    if not _thread_turns.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
        raise DatabaseBusy()
    try:
        # Opened each time (two system calls): a descriptor kept across a fork would be
        # shared with the child, and flock could not tell the two processes apart.
        descriptor = os.open(sqlite_file + ".writers", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock_until(descriptor, deadline)  # one waiter per process
            held = _holds_writer_lock.set(True)
            try:
                yield
            finally:
                _holds_writer_lock.reset(held)
        finally:
            os.close(descriptor)  # closing it lets the next process in
    finally:
        _thread_turns.release()


def _flock_until(descriptor: int, deadline: float) -> None:
    """Take the file's lock, trying every millisecond (only one thread per process waits
    here), or raise DatabaseBusy at `deadline` (a long command holding the turn)."""
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise DatabaseBusy() from None
            time.sleep(0.001)


# --- the hot paths' statements ---------------------------------------------------------
# A text statement executed through the Session costs about 100 µs of CPU on SQLite, through
# its Connection about 60, and `Session.get` about 340 (the ORM's query, its cache key and
# the loading of the instance), against about 200 µs for a whole bare Flask request: the
# start, autosave and submit of every participant run their statements through `execute`
# and read their rows into instances with quiz.loading.


def execute(stmt, params=None):
    """Run a Core or text statement, or a `fastsql.Statement`, on the request's connection,
    in its transaction (what the Session has pending is flushed first, as the Session's own
    execute would for an ORM statement; here always, `no_autoflush` or not, and for text
    statements too)."""
    if isinstance(stmt, fastsql.Statement):
        return fastsql.run(stmt, params)
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(stmt, params)


def insert_ignore(table, values: dict) -> bool:
    """INSERT a row unless it collides with a unique key; True if the row was inserted."""
    return execute(_insert_ignore_stmt(table, tuple(values)), values).first() is not None


def upsert_add(table, keys: dict, increments: dict, also: dict | None = None) -> None:
    """Insert a counter row, or add `increments` to the existing row with the same `keys`;
    `also`: more values for a new row (columns that follow from the keys)."""
    also = also or {}
    stmt = _upsert_add_stmt(table, tuple(keys), tuple(increments), tuple(also))
    execute(stmt, {**keys, **increments, **also})


def upsert_add_many(table, keys: tuple[str, ...], rows: list[dict]) -> None:
    """`upsert_add` for several rows; every row has the same names, `keys` first (rows of
    the same keys are added up). Callers sort `rows` so that concurrent writers lock rows in
    the same order (no deadlock on PostgreSQL).

    On PostgreSQL one statement takes the rows as arrays (each statement costs the server
    about as much as the rows it writes); SQLite runs the one-row statement for each row in
    one call of the driver (executemany), which costs it no more."""
    if not rows:
        return
    increments = tuple(name for name in rows[0] if name not in keys)
    rows = _added_up(rows, keys, increments)
    if db.session.get_bind().dialect.name == "postgresql":
        columns = {name: [row[name] for row in rows] for name in (*keys, *increments)}
        execute(_upsert_add_arrays_stmt(table, keys, increments), columns)
    else:
        execute(_upsert_add_stmt(table, keys, increments), rows)


def upsert_if(table, keys: tuple[str, ...], values: dict, replace_when) -> None:
    """Insert a row, or overwrite the one with the same `keys` when `replace_when(excluded,
    table)` holds for it, in one statement (no read-then-write race)."""
    execute(_upsert_if_stmt(table, keys, tuple(values), replace_when), values)


# The statements are built once per shape and kept as fastsql statements (SQL with typed
# parameters, run on the driver's cursor, compiled for a dialect when first run on it):
# SQLAlchemy cannot make a cache key for an ON CONFLICT construct ("[no key]" in its log)
# and would compile it again on every call, and they run at every submit; the column types
# still convert the values (dates, times, JSON) as the ORM does.
def _statement(table, names: tuple[str, ...], construct, returning=()) -> fastsql.Statement:
    """A statement of `construct(dialect name)`, a Core statement over `table` with the
    bound parameters `names`."""
    return fastsql.Statement(
        lambda dialect: str(construct(dialect).compile(dialect=_NAMED[dialect]())),
        fastsql.types_of(table, names), [(column.name, column.type) for column in returning])


@functools.cache
def _insert_ignore_stmt(table, names: tuple[str, ...]) -> fastsql.Statement:
    # RETURNING, not rowcount: drivers differ in what rowcount says for ON CONFLICT.
    key = next(iter(table.primary_key.columns))
    return _statement(table, names, lambda dialect: (
        _INSERTS[dialect](table)
        .values({name: sa.bindparam(name) for name in names})
        .on_conflict_do_nothing()
        .returning(key)
    ), returning=(key,))


@functools.cache
def _upsert_add_stmt(table, keys: tuple[str, ...], increments: tuple[str, ...],
                     also: tuple[str, ...] = ()) -> fastsql.Statement:
    names = (*keys, *increments, *also)

    def construct(dialect):
        insert = _INSERTS[dialect](table).values({name: sa.bindparam(name) for name in names})
        return _adding(table, insert, keys, increments)

    return _statement(table, names, construct)


def _adding(table, insert, keys: tuple[str, ...], increments: tuple[str, ...]):
    """`insert`, adding `increments` to the row with the same `keys` where there is one."""
    return insert.on_conflict_do_update(
        index_elements=list(keys),
        set_={name: table.c[name] + insert.excluded[name] for name in increments})


def _added_up(rows: list[dict], keys: tuple[str, ...], increments: tuple[str, ...]
              ) -> list[dict]:
    """`rows` with those of the same keys made one (their increments added), in the order of
    each key's first row: one INSERT cannot change a row twice."""
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[name] for name in keys)
        if key in merged:
            into = merged[key]
            for name in increments:
                into[name] += row[name]
        else:
            merged[key] = dict(row)
    return list(merged.values()) if len(merged) < len(rows) else rows


def _array_of(type_, dialect) -> str:
    """The PostgreSQL array type a column's values are cast to (text for strings: a
    column's collation has no place in a cast)."""
    if isinstance(type_, sa.TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, sa.String):
        return "text[]"
    return f"{type_.compile(dialect=dialect)}[]"


@functools.cache
def _upsert_add_arrays_stmt(table, keys: tuple[str, ...],
                            increments: tuple[str, ...]) -> fastsql.Statement:
    """PostgreSQL: `_upsert_add_stmt` for many rows, each parameter an array of the column's
    values (``unnest`` makes them rows again, in their order)."""
    names = (*keys, *increments)
    dialect = _NAMED["postgresql"]()
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(f":{name}::{_array_of(table.c[name].type, dialect)}" for name in names)
    added = ", ".join(f"{quote(name)} = {quote(table.name)}.{quote(name)} + excluded.{quote(name)}"
                      for name in increments)
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
           f"SELECT * FROM unnest({arrays}) "
           f"ON CONFLICT ({', '.join(quote(name) for name in keys)}) DO UPDATE SET {added}")
    return fastsql.Statement(sql, {name: sa.ARRAY(table.c[name].type) for name in names})


@functools.cache
def _upsert_if_stmt(table, keys: tuple[str, ...], names: tuple[str, ...],
                    replace_when) -> fastsql.Statement:
    def construct(dialect):
        insert = _INSERTS[dialect](table).values({name: sa.bindparam(name) for name in names})
        return insert.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: insert.excluded[name] for name in names if name not in keys},
            where=replace_when(insert.excluded, table.c),
        )

    return _statement(table, names, construct)


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
#: The dialects as they render ":name" parameters (what `sa.text` reads).
_NAMED = {"postgresql": lambda: postgresql.dialect(paramstyle="named"),
          "sqlite": lambda: sqlite.dialect(paramstyle="named")}


@functools.cache
def quoter(dialect: str):
    """The function that quotes a table or column name where the dialect needs it."""
    return _NAMED[dialect]().identifier_preparer.quote
