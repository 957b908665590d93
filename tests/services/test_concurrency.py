"""Concurrent submits for one unit: nothing lost, nothing counted twice."""

from __future__ import annotations

import contextlib
import threading

import pytest

from quiz.api.auth import issue_token
from quiz.extensions import db
from quiz.services import counters
from tests.helpers import kept_counter

USERS = 12
TAPS = 3  # each person submits three times at once (double tap, retries)


def test_concurrent_submits_for_one_unit_match_a_recount(app, make_unit, make_user, make_quiz):
    quiz = make_quiz()
    unit = make_unit("华瑞电子科技有限公司")
    tokens = [issue_token(make_user(unit=unit)) for _ in range(USERS)]
    attempt_ids = []
    for token in tokens:
        response = app.test_client().post(f"/api/v1/quizzes/{quiz.id}/attempts",
                                          headers={"Authorization": f"Bearer {token}"})
        attempt_ids.append(response.json["id"])

    barrier = threading.Barrier(USERS * TAPS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def tap(token: str, attempt_id: str) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/attempts/{attempt_id}/submit",
                               headers={"Authorization": f"Bearer {token}"})
        with lock:
            results.append((response.status_code, response.json))

    threads = [threading.Thread(target=tap, args=(token, attempt_id))
               for token, attempt_id in zip(tokens, attempt_ids, strict=True)
               for _ in range(TAPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [status for status, _ in results] == [200] * (USERS * TAPS)
    by_attempt: dict[str, list[dict]] = {}
    for _, body in results:
        by_attempt.setdefault(body["id"], []).append(body)
    assert all(len({str(b) for b in bodies}) == 1 for bodies in by_attempt.values())

    db.session.rollback()  # end the test's own read snapshot, see the threads' writes
    kept = kept_counter(quiz.campaign_id, unit.id)
    assert (kept.attempts, kept.participants) == (USERS, USERS)
    assert counters.compare() == []


def test_two_starts_at_the_same_instant_give_one_attempt(app, make_user, make_quiz,
                                                         monkeypatch):
    """Both requests pass the checks before either has written (they are read outside the
    write lock); the second INSERT meets the one-open-attempt index and resumes the first."""
    from quiz.services import attempts

    quiz = make_quiz()
    token = issue_token(make_user())
    both_drawn = threading.Barrier(2)
    draw = attempts.draw_questions

    def draw_then_wait(*args, **kwargs):
        drawn = draw(*args, **kwargs)
        both_drawn.wait(timeout=10)  # neither writes before both have checked and drawn
        return drawn

    monkeypatch.setattr(attempts, "draw_questions", draw_then_wait)
    results: list[tuple[int, str]] = []

    def start() -> None:
        response = app.test_client().post(f"/api/v1/quizzes/{quiz.id}/attempts",
                                          headers={"Authorization": f"Bearer {token}"})
        results.append((response.status_code, response.json.get("id")))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(status for status, _ in results) == [200, 201]
    assert len({attempt_id for _, attempt_id in results}) == 1


def test_a_writer_queued_past_the_busy_timeout_is_told_nothing_was_saved(
        app, make_user, make_quiz, monkeypatch):
    """Writers take turns on the SQLite file; one that waits longer than the busy timeout
    gets 503 busy (and nothing is written) instead of waiting for ever."""
    from quiz import db as db_module
    from quiz.models import Attempt

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no writers' lock: it locks rows one by one")
    quiz = make_quiz()
    token = issue_token(make_user())
    monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with db_module._thread_turns:  # another writer of this process holds the turn
        response = app.test_client().post(f"/api/v1/quizzes/{quiz.id}/attempts",
                                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.json["error"]["code"] == "busy"
    db.session.rollback()
    assert db.session.query(Attempt).count() == 0
    again = app.test_client().post(f"/api/v1/quizzes/{quiz.id}/attempts",
                                   headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 201  # the turn is free again


@contextlib.contextmanager
def _another_process_holding_the_turn(database: str):
    """A forked child holds the SQLite writers' turn of `database` until the block ends."""
    import multiprocessing

    from quiz import db as db_module

    holding, release = multiprocessing.Event(), multiprocessing.Event()

    def child():
        with db_module._writers_take_turns(database):
            holding.set()
            release.wait(10)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    try:
        assert holding.wait(10)
        yield release
    finally:
        release.set()
        process.join(10)


def test_sqlite_writers_of_two_processes_take_turns(tmp_path):
    """The writers' lock holds across processes (gunicorn's workers): while a forked child
    holds the turn, the parent cannot take it, and takes it once the child is done."""
    import fcntl
    import os

    database = str(tmp_path / "quiz.sqlite3")
    with _another_process_holding_the_turn(database) as release:
        descriptor = os.open(database + ".writers", os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        release.set()
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free now
    os.close(descriptor)


def test_a_writer_of_another_process_holding_the_turn_too_long_gives_busy(tmp_path,
                                                                         monkeypatch):
    """A long command (reconcile --fix) holding the file's turn: a web writer gives up
    after the busy timeout with DatabaseBusy instead of waiting for ever."""
    from quiz import db as db_module
    from quiz.services.errors import DatabaseBusy

    database = str(tmp_path / "quiz.sqlite3")
    with _another_process_holding_the_turn(database):
        monkeypatch.setattr(db_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
        with pytest.raises(DatabaseBusy), db_module._writers_take_turns(database):
            pass
        assert not db_module._thread_turns.locked()  # the thread's turn was given back
