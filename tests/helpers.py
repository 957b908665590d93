"""Small helpers shared by tests."""

from __future__ import annotations

import contextlib
import datetime as dt

import sqlalchemy as sa

from quiz.extensions import db
from quiz.models import Attempt, Question, Unit, UnitCounter
from quiz.services.scoring import to_displayed_keys


def correct_answers(attempt: Attempt) -> dict[str, str]:
    """The right answer to every drawn question, as the participant would pick it."""
    answers = {}
    for item in attempt.questions:
        question = db.session.get(Question, item["id"])
        answers[str(item["id"])] = to_displayed_keys(question.answer, item["order"])
    return answers


def wrong_answers(attempt: Attempt) -> dict[str, str]:
    """A wrong answer to every drawn question."""
    sizes = {str(item["id"]): len(item["order"]) for item in attempt.questions}
    return {
        qid: next(key for key in "ABCDEF"[: sizes[qid]] if key not in right)
        for qid, right in correct_answers(attempt).items()
    }


def fresh_client(app):
    """A new test client, as another browser would be. The tests' app context outlives
    requests, and Flask-Login and Flask-WTF keep the last request's user and CSRF token on
    its `g`: they are dropped, or the new client would inherit them."""
    from flask import g

    for name in ("_login_user", "csrf_token"):
        g.pop(name, None)
    return app.test_client()


def kept_counter(campaign_id: int, unit_id: int) -> UnitCounter | None:
    """A unit's kept counter row at its place in the tree of today."""
    return db.session.scalar(sa.select(UnitCounter).join(Unit, Unit.id == UnitCounter.unit_id)
                             .where(UnitCounter.campaign_id == campaign_id,
                                    UnitCounter.unit_id == unit_id,
                                    UnitCounter.unit_path == Unit.path))


@contextlib.contextmanager
def empty_database_app(tmp_path, schema: str):
    """An app on an empty database (no fixture migrations): a SQLite file under `tmp_path`,
    or, when TEST_DATABASE_URL is set, a PostgreSQL schema of its own (dropped after)."""
    from quiz import create_app
    from quiz.extensions import db
    from tests.conftest import PG_URL, _config_dict, _pg_url, reset_pg_schema

    if PG_URL:
        reset_pg_schema(schema)
        url = _pg_url(schema)
    else:
        url = f"sqlite:///{tmp_path / (schema + '.sqlite3')}"
    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if PG_URL:
        reset_pg_schema(schema, create=False)


def finish_on(place, user, day, passed=True, quiz=None):
    """`user` finishes an attempt on `day` (10:00 in Shanghai and on) at the `place`
    fixture's quiz (or `quiz`), all right or all wrong."""
    from tests.services.test_attempts import start, submit

    clock = place["clock"]
    clock.set(dt.datetime.combine(day, dt.time(2, 0)) + dt.timedelta(minutes=15 * place["n"]))
    place["n"] += 1
    attempt = start(user, quiz or place["quiz"], clock)
    clock.advance(100)
    result = submit(user, attempt, clock,
                    correct_answers(attempt) if passed else wrong_answers(attempt))
    assert result.passed is passed


def person_in(place, code="V1"):
    """A new participant of the `place` fixture's unit `code`."""
    return place["make_user"](unit=place["units"][code])
