"""Fixtures: `app` (its own migrated database), `client`, `runner`, `db`, a settable `clock`,
and small factories that return callables.

The suite runs on SQLite; with TEST_DATABASE_URL set it runs on that PostgreSQL instead, in
a schema of its own (`quiz_test`) that is dropped and migrated once per run and emptied
after each test.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import g

from quiz import create_app
from quiz.config import TestingConfig
from quiz.extensions import db as _db
from quiz.models import (
    JUDGE_OPTIONS,
    Bank,
    Campaign,
    Question,
    Quiz,
    QuizRule,
    Role,
    Unit,
    User,
)
from quiz.services import units as unit_service

PG_URL = os.environ.get("TEST_DATABASE_URL")
PG_SCHEMA = "quiz_test"

#: The tests' "now": 10:00 in Beijing on a day inside the campaigns the factories make.
T0 = dt.datetime(2026, 6, 10, 2, 0, 0)


class Clock:
    """A clock the tests move by hand; the app reads it through QUIZ_CLOCK."""

    def __init__(self, start: dt.datetime = T0):
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += dt.timedelta(seconds=seconds)

    def set(self, moment: dt.datetime) -> None:
        self.current = moment


def _pg_url(schema: str = PG_SCHEMA) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


def reset_pg_schema(schema: str, *, create: bool = True) -> None:
    """Drop a PostgreSQL schema of the tests' and (unless told not to) create it empty."""
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        if create:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        _db.engine.dispose()


def _config_dict() -> dict:
    return {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per run: an SQLite file to copy, or the PostgreSQL test schema."""
    if PG_URL:
        reset_pg_schema(PG_SCHEMA)
        _migrate(_pg_url())
        return None
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(database_template, tmp_path, clock):
    if PG_URL:
        url = _pg_url()
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": url, "QUIZ_CLOCK": clock})

    @app.teardown_request
    def _forget_the_requests_user(_error):
        # In production each request has an app context, and `g`, of its own; here the
        # test's app context outlives the requests, so what Flask-Login and Flask-WTF keep
        # on `g` (the user, the CSRF token) is dropped after each, or the next request of
        # another client would inherit it.
        for name in ("_login_user", "csrf_token"):
            g.pop(name, None)

    with app.app_context():
        yield app
        _db.session.remove()
        if PG_URL:
            tables = ", ".join(
                t.name for t in _db.metadata.sorted_tables
            )
            with _db.engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories -------------------------------------------------------------------------


@pytest.fixture
def make_unit(db):
    counter = iter(range(1, 10_000))

    def make(name: str = "测试单位", parent: Unit | None = None, code: str | None = None,
             kind: str = "enterprise", headcount: int = 10) -> Unit:
        unit = unit_service.create_unit(code or f"U{next(counter)}", name, kind, parent,
                                        headcount)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_user(db, make_unit):
    counter = iter(range(1, 100_000))

    def make(unit: Unit | None = None, role: Role = Role.participant, name: str = "李四",
             password: str = "secret123", phone: str | None = None) -> User:
        user = User(name=name, phone=phone or f"139{next(counter):08d}", role=role.value,
                    unit=unit or make_unit())
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_bank(db):
    counter = iter(range(1, 10_000))

    def make(single: int = 12, multiple: int = 6, judge: int = 6, name: str | None = None,
             category: str = "消防安全") -> Bank:
        bank = Bank(name=name or f"题库{next(counter)}")
        db.session.add(bank)
        db.session.flush()
        for i in range(single):
            _question(bank, "single", f"单选题{i}", ["甲", "乙", "丙", "丁"], "B", category)
        for i in range(multiple):
            _question(bank, "multiple", f"多选题{i}", ["甲", "乙", "丙", "丁"], "AC", category)
        for i in range(judge):
            _question(bank, "judge", f"判断题{i}", list(JUDGE_OPTIONS), "A", category)
        db.session.commit()
        return bank

    def _question(bank, qtype, stem, options, answer, category):
        db.session.add(Question(
            bank_id=bank.id, type=qtype, stem=stem, options=options, answer=answer,
            explanation=f"{stem}的解析", category=category, difficulty=2,
            fingerprint=f"{bank.id}-{qtype}-{stem}",
        ))

    return make


@pytest.fixture
def make_quiz(db, make_bank):
    counter = iter(range(1, 10_000))

    def make(bank: Bank | None = None, single: int = 4, multiple: int = 2, judge: int = 2,
             starts_on: dt.date = dt.date(2026, 6, 1), ends_on: dt.date = dt.date(2026, 6, 30),
             **settings) -> Quiz:
        campaign = Campaign(slug=f"campaign-{next(counter)}", title="安全生产月知识竞赛",
                            theme="人人讲安全、个个会应急", starts_on=starts_on,
                            ends_on=ends_on)
        rules = [QuizRule(type=t, count=n)
                 for t, n in (("single", single), ("multiple", multiple), ("judge", judge)) if n]
        quiz = Quiz(title="答题", banks=[bank or make_bank()], rules=rules,
                    **{"time_limit_seconds": 600, "pass_mark": 30, "attempts_per_day": 3,
                       "points_single": 5, "points_multiple": 5, "points_judge": 5,
                       **settings})
        campaign.quizzes.append(quiz)
        db.session.add(campaign)
        db.session.commit()
        return quiz

    return make


# --- HTML helpers ----------------------------------------------------------------------

_TOKEN_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                       r'name="csrf-token" content="([^"]+)"|'
                       r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = _TOKEN_RE.search(html)
    assert match, "no CSRF token on the page"
    return next(g for g in match.groups() if g)


class AuthActions:
    """Log in and out through the real forms, CSRF token included (flaskr's `auth`)."""

    def __init__(self, client):
        self.client = client

    def login(self, phone: str, password: str = "secret123"):
        page = self.client.get("/auth/login").get_data(as_text=True)
        return self.client.post("/auth/login", data={
            "phone": phone, "password": password, "csrf_token": csrf_from(page),
        })

    def token(self) -> str:
        page = self.client.get("/auth/login").get_data(as_text=True)
        return csrf_from(page)


@pytest.fixture
def auth(client):
    return AuthActions(client)
