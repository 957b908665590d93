"""quiz.fastsql: the hot paths' statements on the driver's cursor, with the values
converted as the ORM converts them, in the request's transaction; and the SQLite read
transaction that becomes the write transaction on its own connection (quiz.db)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from quiz import fastsql
from quiz.db import execute, write_transaction
from quiz.models import Attempt, Unit
from quiz.services import attempts

ATTEMPT = Attempt.__table__
READ = fastsql.Statement(
    "SELECT id, local_day, started_at, questions, answers FROM attempt WHERE id = :id",
    columns=fastsql.columns_of(ATTEMPT, ["id", "local_day", "started_at", "questions",
                                         "answers"]))
SAVE = fastsql.Statement(
    "UPDATE attempt SET answers = :answers, finished_at = :finished_at WHERE id = :id",
    fastsql.types_of(ATTEMPT, ["answers", "finished_at"]))


@pytest.fixture
def attempt(db, make_user, make_quiz, clock):
    with write_transaction():
        started = attempts.start(make_user(), make_quiz(), clock(), 5).attempt
    db.session.expunge_all()
    return started


def test_values_read_are_those_the_orm_reads(db, attempt):
    row = fastsql.run(READ, {"id": attempt.id}).one()
    orm = db.session.get(Attempt, attempt.id)
    assert row.local_day == orm.local_day and isinstance(row.local_day, dt.date)
    assert row.started_at == orm.started_at and isinstance(row.started_at, dt.datetime)
    assert row.questions == orm.questions and isinstance(row.questions, list)
    assert row.answers == {} and row._asdict()["id"] == attempt.id


def test_values_written_are_read_back_by_the_orm(db, attempt):
    moment = dt.datetime(2026, 6, 3, 9, 0, 1, 250_000)
    with write_transaction():
        changed = fastsql.run(SAVE, {"answers": {"7": "AC", "名": "B"}, "finished_at": moment,
                                     "id": attempt.id})
    assert changed.rowcount == 1 and changed.all() == [] and changed.first() is None
    db.session.expunge_all()
    orm = db.session.get(Attempt, attempt.id)
    assert orm.answers == {"7": "AC", "名": "B"} and orm.finished_at == moment


def test_a_list_of_parameters_runs_the_statement_for_each(db, make_user, make_quiz, clock):
    quiz = make_quiz()
    with write_transaction():
        ids = [attempts.start(make_user(), quiz, clock(), 5).attempt.id for _ in range(3)]
    with write_transaction():
        fastsql.run(SAVE, [{"answers": {"1": key}, "finished_at": None, "id": attempt_id}
                           for key, attempt_id in zip("ABC", ids, strict=True)])
    db.session.expunge_all()
    assert [db.session.get(Attempt, one).answers for one in ids] == [
        {"1": "A"}, {"1": "B"}, {"1": "C"}]


def test_statements_are_part_of_the_requests_transaction(db, attempt):
    db.session.rollback()
    fastsql.run(SAVE, {"answers": {"1": "A"}, "finished_at": None, "id": attempt.id})
    assert fastsql.run(READ, {"id": attempt.id}).one().answers == {"1": "A"}  # seen inside
    db.session.rollback()
    assert fastsql.run(READ, {"id": attempt.id}).one().answers == {}


def test_what_the_session_has_pending_is_written_first(db, attempt):
    orm = db.session.get(Attempt, attempt.id)
    orm.answers = {"2": "B"}
    assert fastsql.run(READ, {"id": attempt.id}).one().answers == {"2": "B"}


def test_driver_errors_come_out_as_sqlalchemys(db, make_unit):
    unit = make_unit(code="DUP")
    insert = fastsql.Statement(
        "INSERT INTO unit (code, name, kind, path, headcount) "
        "VALUES (:code, 'x', 'enterprise', '/x/', 0)")
    with pytest.raises(sa.exc.IntegrityError):
        fastsql.run(insert, {"code": unit.code})
    db.session.rollback()  # the session goes on after it
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 1


def test_listeners_of_the_engine_see_the_statements(db, attempt):
    seen = []
    listener = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        fastsql.run(READ, {"id": attempt.id})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert seen and seen[-1].startswith("SELECT id, local_day")


def test_scalar_and_one_say_what_they_found(db, attempt):
    count = fastsql.Statement("SELECT count(*) AS n FROM attempt WHERE id = :id",
                              columns=[("n", sa.Integer())])
    assert fastsql.run(count, {"id": attempt.id}).scalar() == 1
    with pytest.raises(sa.exc.NoResultFound):
        fastsql.run(READ, {"id": "nothing"}).one()


def test_parameters_are_written_in_each_drivers_style():
    statement = fastsql.Statement("SELECT :a::text, '5%', x FROM t WHERE y = :b_2")
    assert statement.compiled(postgresql.dialect()).sql == (
        "SELECT %(a)s::text, '5%%', x FROM t WHERE y = %(b_2)s")
    assert statement.compiled(sqlite.dialect()).sql == statement.sql


# --- the read transaction that becomes the write transaction (quiz.db) -----------------

def _checkouts(db):
    count = []
    sa.event.listen(db.engine, "checkout", lambda *args: count.append(1))
    return count


def test_a_read_then_a_write_take_one_connection(db, attempt):
    checkouts = _checkouts(db)
    fastsql.run(READ, {"id": attempt.id})
    with write_transaction():
        fastsql.run(SAVE, {"answers": {"3": "C"}, "finished_at": None, "id": attempt.id})
    assert len(checkouts) == 1
    db.session.expunge_all()
    assert db.session.get(Attempt, attempt.id).answers == {"3": "C"}  # committed


def test_the_write_sees_what_others_committed_after_the_read_began(db, attempt, make_unit):
    count = sa.text("SELECT count(*) FROM unit")
    before = execute(count).scalar()  # the read transaction's first look
    with db.engine.connect() as other:  # another worker adds a unit and commits
        other.execute(sa.text(
            "INSERT INTO unit (code, name, kind, path, headcount) "
            "VALUES ('NEW', 'x', 'enterprise', '/new/', 0)"))
        other.commit()
    with write_transaction():
        assert execute(count).scalar() == before + 1


def test_a_failed_write_undoes_only_itself(db, attempt):
    fastsql.run(READ, {"id": attempt.id})
    with pytest.raises(RuntimeError), write_transaction():
        fastsql.run(SAVE, {"answers": {"4": "D"}, "finished_at": None, "id": attempt.id})
        raise RuntimeError("refused")
    db.session.expunge_all()
    assert db.session.get(Attempt, attempt.id).answers == {}
    with write_transaction():  # and the next write goes on as usual
        fastsql.run(SAVE, {"answers": {"5": "A"}, "finished_at": None, "id": attempt.id})
    db.session.expunge_all()
    assert db.session.get(Attempt, attempt.id).answers == {"5": "A"}


def test_what_the_read_transaction_wrote_outlives_a_failed_write(db, attempt):
    """On SQLite a transaction that has written is committed before the write transaction
    (it cannot become one); PostgreSQL goes on in one transaction, undone as a whole."""
    fastsql.run(SAVE, {"answers": {"6": "B"}, "finished_at": None, "id": attempt.id})
    with pytest.raises(RuntimeError), write_transaction():
        raise RuntimeError("refused")
    db.session.rollback()
    db.session.expunge_all()
    kept = {"6": "B"} if db.engine.dialect.name == "sqlite" else {}
    assert db.session.get(Attempt, attempt.id).answers == kept


# --- counters of many rows in one statement (quiz.db.upsert_add_many) -------------------

def _question_counts(db, campaign_id):
    from quiz.models import QuestionCounter

    return {(row.question_id, row.shard): (row.drawn, row.answered, row.correct)
            for row in db.session.scalars(sa.select(QuestionCounter).where(
                QuestionCounter.campaign_id == campaign_id))}


def test_many_counter_rows_are_inserted_or_added_to(db, make_quiz):
    from quiz import db as db_module
    from quiz.models import QuestionCounter

    quiz = make_quiz()
    ids = [q.id for q in quiz.banks[0].questions][:5]
    keys = ("campaign_id", "question_id", "shard")

    def rows(correct):
        return [{"campaign_id": quiz.campaign_id, "question_id": qid, "shard": 0, "drawn": 1,
                 "answered": 1, "correct": int(qid in correct)} for qid in sorted(ids)]

    seen = []
    listener = lambda conn, cursor, statement, *rest: seen.append(statement)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with write_transaction():
            db_module.upsert_add_many(QuestionCounter.__table__, keys, rows(ids[:2]))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    inserts = [one for one in seen if one.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1  # PostgreSQL: one statement; SQLite: one executemany
    with write_transaction():  # the same rows again, and one of them on another shard
        db_module.upsert_add_many(QuestionCounter.__table__, keys, rows(ids[1:3]) + [
            {"campaign_id": quiz.campaign_id, "question_id": ids[0], "shard": 3,
             "drawn": 1, "answered": 0, "correct": 0}])
    counts = _question_counts(db, quiz.campaign_id)
    assert counts[(ids[0], 0)] == (2, 2, 1) and counts[(ids[1], 0)] == (2, 2, 2)
    assert counts[(ids[2], 0)] == (2, 2, 1) and counts[(ids[4], 0)] == (2, 2, 0)
    assert counts[(ids[0], 3)] == (1, 0, 0) and len(counts) == 6


def test_rows_of_the_same_keys_are_added_up_and_string_keys_cast(db):
    """Places are strings with a collation of their own (PathString); one INSERT cannot
    change a row twice, so two rows of one place in a call are one."""
    from quiz import db as db_module
    from quiz.models.unit import PathString

    tally = sa.Table("tally_of_places", sa.MetaData(),
                     sa.Column("place", PathString, primary_key=True),
                     sa.Column("n", sa.Integer, nullable=False))
    with write_transaction():  # a temporary table lives on one connection: one transaction
        execute(sa.text("CREATE TEMPORARY TABLE tally_of_places "
                        "(place VARCHAR(255) PRIMARY KEY, n INTEGER NOT NULL)"))
        for _ in range(2):
            db_module.upsert_add_many(tally, ("place",), [
                {"place": "/1/", "n": 1}, {"place": "/1/2/", "n": 2}, {"place": "/1/", "n": 3}])
        counts = dict(execute(sa.text("SELECT place, n FROM tally_of_places")).all())
        execute(sa.text("DROP TABLE tally_of_places"))
    assert counts == {"/1/": 8, "/1/2/": 4}


# --- savepoints, failed flushes and a locked file ---------------------------------------

def test_a_savepoint_rolled_back_undoes_what_it_wrote(db, attempt):
    fastsql.run(READ, {"id": attempt.id})
    with write_transaction():
        fastsql.run(SAVE, {"answers": {"1": "A"}, "finished_at": None, "id": attempt.id})
        with pytest.raises(RuntimeError), db.session.begin_nested():
            fastsql.run(SAVE, {"answers": {"2": "B"}, "finished_at": None, "id": attempt.id})
            raise RuntimeError("refused")
        assert fastsql.run(READ, {"id": attempt.id}).one().answers == {"1": "A"}
    db.session.expunge_all()
    assert db.session.get(Attempt, attempt.id).answers == {"1": "A"}


def test_after_a_failed_flush_nothing_runs_until_the_rollback(db, attempt, make_unit):
    make_unit(code="TWICE")
    fastsql.run(READ, {"id": attempt.id})
    twice = Unit(code="TWICE", name="x", kind="enterprise", path="/t/")
    db.session.add(twice)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    assert twice not in db.session  # nothing pending: the statement itself must refuse
    with pytest.raises(sa.exc.InvalidRequestError):  # PendingRollbackError
        fastsql.run(SAVE, {"answers": {"9": "A"}, "finished_at": None, "id": attempt.id})
    db.session.rollback()
    assert fastsql.run(READ, {"id": attempt.id}).one().answers == {}


def test_a_file_locked_by_another_program_is_sqlalchemys_error(db, attempt):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file lock; PostgreSQL locks rows")
    fastsql.run(READ, {"id": attempt.id})  # a read transaction, to become the write one
    db.session.connection().connection.driver_connection.execute("PRAGMA busy_timeout=50")
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the sqlite3 shell, say, in the middle of a write
    try:
        with pytest.raises(sa.exc.OperationalError, match="locked"), write_transaction():
            fastsql.run(SAVE, {"answers": {"1": "A"}, "finished_at": None, "id": attempt.id})
    finally:
        other.execute("ROLLBACK")
        other.close()
    db.session.rollback()
    with write_transaction():  # and the next write goes on
        fastsql.run(SAVE, {"answers": {"1": "B"}, "finished_at": None, "id": attempt.id})
    db.session.expunge_all()
    assert db.session.get(Attempt, attempt.id).answers == {"1": "B"}
