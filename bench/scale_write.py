"""Bulk writers for the scale run: fresh databases, and rows in by the hundred thousand.

SQLite: sqlite3's executemany in big transactions, no journal while loading (the file is
thrown away if the load fails), WAL again afterwards as the app keeps it. PostgreSQL: COPY,
foreign-key triggers off for the session (the rows are made consistent), then VACUUM
ANALYZE, which autovacuum would have done on a live database. Both build the loaded tables'
secondary indexes after the rows are in, from the definitions the migrations made.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

#: Databases of ours on PostgreSQL start with this; any other name is refused (the test
#: suite's `test` above all).
PG_PREFIX = "bench_scale"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale"


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def pg_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def with_name(url: str, name: str) -> str:
    """The same server's URL for another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def postgres_answers(url: str) -> bool:
    """Whether a PostgreSQL server answers at `url` (its maintenance database)."""
    engine = sa.create_engine(with_name(url, "postgres"), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()


def fresh_database(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or the PostgreSQL database
    (named bench_scale...) dropped and created again."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = pg_name(url)
    if not name.startswith(PG_PREFIX) or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to recreate PostgreSQL database {name!r}: the scale run "
                         f"uses databases named {PG_PREFIX}* only")
    engine = sa.create_engine(with_name(url, "postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop_database(url: str) -> None:
    """Remove what fresh_database made (the big files are many GB)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = pg_name(url)
    if not name.startswith(PG_PREFIX):
        return
    engine = sa.create_engine(with_name(url, "postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def database_size(url: str) -> int:
    """Bytes the database takes: the SQLite file (after a checkpoint), pg_database_size."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        return sum(os.path.getsize(str(path) + s) for s in ("", "-wal")
                   if os.path.exists(str(path) + s))
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    engine.dispose()
    return int(size)


def table_sizes(url: str, tables: tuple[str, ...]) -> dict[str, int]:
    """Bytes per table with its indexes, where the database says (dbstat on SQLite)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sqlite_path(url))
        try:
            indexes = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master "
                                        "WHERE type = 'index'"))
            sizes: dict[str, int] = {}
            for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat "
                                           "GROUP BY name"):
                table = indexes.get(name, name)
                if table in tables:
                    sizes[table] = sizes.get(table, 0) + size
            return sizes
        except sqlite3.OperationalError:  # built without dbstat
            return {}
        finally:
            conn.close()
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        sizes = {t: int(conn.execute(sa.text("SELECT pg_total_relation_size(:t)"),
                                     {"t": t}).scalar()) for t in tables}
    engine.dispose()
    return sizes


def bulk_writer(url: str):
    return SqliteBulk(sqlite_path(url)) if url.startswith("sqlite") else PostgresBulk(url)


class SqliteBulk:
    """Rows into an SQLite file the app has migrated (and closed)."""

    def __init__(self, path: Path):
        self.conn = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF",
                       "cache_size=-1000000", "temp_store=FILE"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.saved: list[str] = []

    def drop_indexes(self, tables) -> None:
        marks = ", ".join("?" for _ in tables)
        found = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({marks})", tuple(tables)).fetchall()
        for name, sql in found:
            self.conn.execute(f'DROP INDEX "{name}"')
            self.saved.append(sql)

    def insert(self, table: str, columns, rows) -> None:
        if not rows:
            return
        marks = ", ".join("?" for _ in columns)
        self.conn.execute("BEGIN")
        self.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                              rows)
        self.conn.execute("COMMIT")

    def restore_indexes(self) -> None:
        for sql in self.saved:
            self.conn.execute(sql)
        self.saved = []

    def finish(self) -> None:
        # No ANALYZE: the app never runs one, so a live database has no statistics either.
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.close()


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


class PostgresBulk:
    """Rows into a PostgreSQL database the app has migrated, by COPY."""

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        with self.conn.cursor() as cur:
            # The rows are consistent by construction; checking each foreign key row by row
            # would be most of the load's time. Needs a superuser (the local postgres).
            cur.execute("SET session_replication_role = replica")
            cur.execute("SET synchronous_commit = off")
            cur.execute("SET maintenance_work_mem = '512MB'")
        self.saved: list[str] = []
        self.tables: set[str] = set()

    def drop_indexes(self, tables) -> None:
        self.tables = set(tables)
        with self.conn.cursor() as cur:
            found = cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                "current_schema() AND tablename = ANY(%s) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)", (list(tables),)).fetchall()
            for name, definition in found:
                cur.execute(f'DROP INDEX "{name}"')
                self.saved.append(definition)
        self.conn.commit()

    def insert(self, table: str, columns, rows) -> None:
        if not rows:
            return
        with self.conn.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            batch = []
            for row in rows:
                batch.append("\t".join(map(_copy_field, row)))
                if len(batch) >= 5000:
                    copy.write("\n".join(batch) + "\n")
                    batch = []
            if batch:
                copy.write("\n".join(batch) + "\n")
        self.conn.commit()

    def restore_indexes(self) -> None:
        with self.conn.cursor() as cur:
            for definition in self.saved:
                cur.execute(definition)
        self.conn.commit()
        self.saved = []

    def finish(self) -> None:
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            for table in sorted(self.tables):
                cur.execute(f"VACUUM ANALYZE {table}")
        self.conn.close()
