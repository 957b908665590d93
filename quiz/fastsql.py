"""The hot paths' statements, run on the driver's cursor in the request's transaction.

SQLAlchemy's execution of a statement costs about 60-90 µs of CPU on SQLite even for a text
statement on a Connection (its execution context, compiled cache, result metadata and row
objects), the driver's cursor alone 7-12 µs for the same SELECT. A start, an autosave and a
submit run some twenty statements between them, so those statements are `Statement`s: SQL
written once with ``:name`` parameters, and the SQLAlchemy type of each parameter and
column, whose own bind and result processors convert the values (dates, times and JSON are
text on SQLite; psycopg takes JSON wrapped) exactly as the ORM would.

They run on the DB-API connection of the Session's own Connection, so they are part of the
request's transaction (SQLite's BEGIN IMMEDIATE of a write transaction included, and a
savepoint of `begin_nested`); what the Session has pending is flushed first. Driver errors
come out as SQLAlchemy's (IntegrityError, OperationalError, ...), and a connection found lost
is invalidated (SQLAlchemy would also empty the pool: pre-ping finds the others). Listeners
of ``before_cursor_execute`` on the engine see these statements, with no execution context,
and cannot rewrite them; ``after_cursor_execute`` and ``handle_error`` are not called.
A ``:name`` inside a string literal of the SQL would be taken for a parameter: there are none.
"""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from .extensions import db

_NAMED_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


class Statement:
    """SQL with ``:name`` parameters (or a function giving it for a dialect's name, for SQL
    that differs between databases), the types of the parameters that need converting, and
    the columns it returns (name and type, in order): a statement that names none gives no
    rows (a SELECT must name its columns)."""

    def __init__(self, sql: str | Callable[[str], str], params: dict[str, TypeEngine] | None = None,
                 columns: list[tuple[str, TypeEngine]] | None = None):
        self.sql = sql
        self.params = dict(params or {})
        self.columns = list(columns or [])
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def __repr__(self) -> str:
        return f"Statement({self.sql if isinstance(self.sql, str) else '…'!r})"

    def compiled(self, dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)  # processors differ between drivers
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _Compiled(self, dialect)
        return found


class _Compiled:
    """A statement made ready for one dialect: its SQL in the driver's parameter style,
    the bind processors of its parameters and the result processors of its columns."""

    def __init__(self, statement: Statement, dialect):
        sql = statement.sql if isinstance(statement.sql, str) else statement.sql(dialect.name)
        if dialect.name == "postgresql":  # psycopg: %(name)s, and a literal % doubled
            sql = _NAMED_PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))
        self.sql = sql
        self.binds = tuple(
            (name, processor) for name, type_ in statement.params.items()
            if (processor := sa.types.to_instance(type_)._cached_bind_processor(dialect))
        )
        self.results = tuple(
            sa.types.to_instance(type_)._cached_result_processor(dialect, None)
            for _, type_ in statement.columns)
        self.convert_rows = any(self.results)
        self.returns_rows = bool(statement.columns)
        self.row = _row_class(tuple(name for name, _ in statement.columns))


@functools.cache
def _row_class(names: tuple[str, ...]):
    return collections.namedtuple("Row", names, rename=True) if names else tuple


class Result:
    """What a statement gave: its rows (named tuples) and the driver's row count."""

    __slots__ = ("rows", "rowcount")

    def __init__(self, rows: list, rowcount: int):
        self.rows = rows
        self.rowcount = rowcount

    def all(self) -> list:
        return self.rows

    def first(self):
        return self.rows[0] if self.rows else None

    def one(self):
        if len(self.rows) != 1:
            raise sa.exc.NoResultFound() if not self.rows else sa.exc.MultipleResultsFound()
        return self.rows[0]

    def scalar(self):
        return self.rows[0][0] if self.rows else None

    def __iter__(self):
        return iter(self.rows)


def run(statement: Statement, params: dict | list[dict] | None = None) -> Result:
    """Run `statement` in the request's transaction; a list of parameter sets runs it once
    for each (executemany: no rows come back)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()
    connection = _connection(session)
    dialect = connection.dialect
    compiled = statement.compiled(dialect)
    many = isinstance(params, list)
    if many:
        values = [_bound(compiled, one) for one in params]
    else:
        values = _bound(compiled, params or {})
    fairy = connection.connection
    try:
        cursor = fairy.driver_connection.cursor()
        try:
            if connection.dispatch.before_cursor_execute:  # listeners (tests count statements)
                connection.dispatch.before_cursor_execute(
                    connection, cursor, compiled.sql, values, None, many)
            if many:
                cursor.executemany(compiled.sql, values)
                return Result([], cursor.rowcount)
            cursor.execute(compiled.sql, values)
            # Rows are fetched when the statement names its columns (a SELECT, or RETURNING):
            # asking the cursor instead costs psycopg a description of every column.
            rows = cursor.fetchall() if compiled.returns_rows else []
            return Result(_converted(compiled, rows), cursor.rowcount)
        finally:
            cursor.close()
    except connection.dialect.loaded_dbapi.Error as error:
        raise _sqlalchemys(connection, error, compiled.sql, values) from error


def run_driver_sql(connection, sql: str) -> None:
    """Run a statement without parameters (BEGIN, COMMIT) on the driver's connection of a
    SQLAlchemy `connection`, its errors SQLAlchemy's as for `run`."""
    try:
        connection.connection.driver_connection.execute(sql)
    except connection.dialect.loaded_dbapi.Error as error:
        raise _sqlalchemys(connection, error, sql, ()) from error


def _sqlalchemys(connection, error, sql: str, values) -> sa.exc.DBAPIError:
    """The driver's `error` as SQLAlchemy's (IntegrityError, OperationalError, ...); a
    connection found lost is invalidated (taken out of the pool)."""
    dialect = connection.dialect
    invalidated = dialect.is_disconnect(error, connection.connection.dbapi_connection, None)
    if invalidated:
        connection.invalidate(error)
    return sa.exc.DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error,
                                      connection_invalidated=invalidated, dialect=dialect)


def _connection(session):
    """The Session's Connection in its transaction, as `session.connection()` gives it, kept
    until a transaction (a savepoint, a flush's) begins or ends (finding it again costs
    about as much as a statement): a savepoint is still begun by its first statement, and a
    session whose flush failed still refuses to go on until it is rolled back."""
    kept = session.info.get(_KEPT)
    if kept is not None:
        return kept
    connection = session.info[_KEPT] = session.connection()
    return connection


_KEPT = "fastsql_connection"


@event.listens_for(Session, "after_transaction_create")
@event.listens_for(Session, "after_transaction_end")
def _forget_connection(session, transaction):  # noqa: ARG001
    session.info.pop(_KEPT, None)


def _bound(compiled: _Compiled, params: dict) -> dict:
    if not compiled.binds:
        return params
    values = dict(params)
    for name, processor in compiled.binds:
        if name in values:
            values[name] = processor(values[name])
    return values


def _converted(compiled: _Compiled, rows: list) -> list:
    make = compiled.row._make if compiled.row is not tuple else tuple
    if not compiled.convert_rows:
        return [make(row) for row in rows]
    processors = compiled.results
    return [make(value if processor is None else processor(value)
                 for processor, value in zip(processors, row, strict=True))
            for row in rows]


def locking(dialect: str) -> str:
    """What ends a SELECT whose rows stay locked until the commit: ``FOR UPDATE`` on
    PostgreSQL; nothing on SQLite, whose write transaction holds the whole file."""
    return " FOR UPDATE" if dialect == "postgresql" else ""


def columns_of(table, names=None) -> list[tuple[str, TypeEngine]]:
    """(name, type) of a table's columns (those named, in that order; else all)."""
    chosen = table.columns if names is None else [table.c[name] for name in names]
    return [(column.name, column.type) for column in chosen]


def types_of(table, names) -> dict[str, TypeEngine]:
    """{name: type} of the named columns of a table, for a statement's parameters."""
    return {name: table.c[name].type for name in names}
