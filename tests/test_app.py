"""The factory and the request cycle: no queries at start-up, no writes on reads."""

from __future__ import annotations

import sqlalchemy as sa

from quiz import create_app
from quiz.db import write_transaction
from quiz.services import attempts


def test_the_factory_does_not_touch_the_database():
    # An address nothing listens on: any query during create_app would fail here.
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1",
                      "TESTING": True})
    assert "participant" in app.blueprints and "api" in app.blueprints


def test_health_check_reports_an_unreachable_database():
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1",
                      "TESTING": True})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "error"


def test_reading_pages_writes_nothing(app, db, client, auth, make_user, make_quiz, clock):
    quiz, user = make_quiz(), make_user()
    with write_transaction():
        attempt = attempts.start(user, quiz, clock(), 5).attempt
    auth.login(user.phone)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split()[0].upper())

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        for url in (f"/c/{quiz.campaign.slug}", f"/attempt/{attempt.id}", "/me/attempts",
                    "/api/v1/units", "/healthz"):
            assert client.get(url).status_code == 200, url
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert statements and set(statements) <= {"SELECT"}
