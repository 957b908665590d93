"""Two app hosts against one PostgreSQL and one Redis give the same answers and counts as one.

Two real gunicorn instances (two "hosts", on two loopback ports, each with two workers) share
a PostgreSQL schema of this module's own and a Redis database of its own. Threads drive both
at once over the JSON API: people register on one host and log in on the other, start on one,
autosave on one and submit on the other, some submits reach both hosts at the same instant.
Then both hosts must give the same results, figures and boards, and `reconcile` must find
the counters equal to a recount.

It runs in the PostgreSQL half of `make test` (TEST_DATABASE_URL set) with Redis at
$TEST_REDIS_URL or redis://127.0.0.1:6379, and is skipped, saying which is missing,
otherwise (REQUIRE_REDIS=1 makes a missing Redis a failure). It never touches the suite's
`quiz_test` schema, and deletes only its own Redis keys.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import os
import random
import secrets
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

from quiz import create_app
from quiz.caching import screen_key
from quiz.config import Config
from quiz.extensions import db
from quiz.models import (
    JUDGE_OPTIONS,
    Attempt,
    AttemptStatus,
    Bank,
    Campaign,
    Question,
    Quiz,
    QuizRule,
    Role,
    Unit,
    UnitCounter,
    User,
)
from quiz.services import counters
from quiz.services import units as unit_service
from quiz.timeutil import local_date, utcnow
from tests.conftest import PG_URL, _config_dict, _migrate, _pg_url, reset_pg_schema

ROOT = Path(__file__).resolve().parent.parent
#: The PostgreSQL schema the two hosts share: created, migrated and dropped here.
SCHEMA = "quiz_two_hosts"
#: The Redis database used when TEST_REDIS_URL names none: not 0, where a developer's own
#: app keeps its counts.
REDIS_DB = 15
#: The app's Redis keys, the only ones this module deletes: the rate limits' (the limits
#: library's "LIMITS:", Flask-Limiter's "LIMITER/", then RATELIMIT_KEY_PREFIX) and the
#: cache's (quiz.caching's CACHE_KEY_PREFIX).
OUR_KEYS = (f"LIMITS:LIMITER/{Config.RATELIMIT_KEY_PREFIX}/*", "quiz:cache:*")
#: Failed log-ins per number the hosts allow here (the default, 10, costs 10 password hashes).
LOGIN_FAILURES = 3
PASSWORD = "two-hosts-pw"
PEOPLE = 6  # each takes part twice, from both hosts

_phones = itertools.count(1)


def _phone() -> str:
    return f"1370000{next(_phones):04d}"


# --- what the test needs: PostgreSQL, Redis ----------------------------------------------


def _redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379"
    parts = urlsplit(url)
    if parts.path.strip("/"):
        return url  # a database named in TEST_REDIS_URL is taken as given
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def _redis_or_skip(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except Exception as exc:  # whatever the client raises: no Redis here
        reason = (f"two app hosts share Redis (rate limits, cache), and none answers at "
                  f"{url} ({exc.__class__.__name__}: {exc}); start redis-server or set "
                  f"TEST_REDIS_URL")
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1: {reason}", pytrace=False)
        pytest.skip(reason)
    return client


def _forget_our_keys(client) -> None:
    for pattern in OUR_KEYS:
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            client.delete(*keys)


# --- the world both hosts see: units, a bank, an admin ------------------------------------


@dataclass
class World:
    """The shared schema's URL, an app on it for seeding and checks, and Redis."""

    app: object
    database_url: str
    redis_url: str
    redis: object
    secret_key: str
    admin_phone: str
    unit_codes: tuple[str, ...]
    bank_id: int

    def env(self, **settings: str) -> dict[str, str]:
        """The environment of a process of the deployment: the shared database and key,
        `settings`, and nothing else of ours (no CACHE_TYPE, PUBLIC_URL, ... of a developer)."""
        env = {name: os.environ[name] for name in ("PATH", "LANG", "LC_ALL", "TZ", "TMPDIR")
               if name in os.environ}
        return {**env, "DATABASE_URL": self.database_url, "SECRET_KEY": self.secret_key,
                **settings}

    def campaign(self, slug: str, *, screen: bool = False) -> int:
        """A campaign open today (in Beijing) with one quiz over the bank; the quiz's id."""
        with self.app.app_context():
            today = local_date(utcnow(), "Asia/Shanghai")
            campaign = Campaign(
                slug=slug, title="双机测试", theme="人人讲安全、个个会应急",
                starts_on=today - dt.timedelta(days=1), ends_on=today + dt.timedelta(days=1),
                host_unit=db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None))),
                screen_enabled=screen)
            quiz = Quiz(title="答题", banks=[db.session.get(Bank, self.bank_id)],
                        rules=[QuizRule(type="single", count=4),
                               QuizRule(type="multiple", count=2),
                               QuizRule(type="judge", count=2)],
                        time_limit_seconds=600, pass_mark=20, attempts_per_day=5,
                        points_single=5, points_multiple=5, points_judge=5)
            campaign.quizzes.append(quiz)
            db.session.add(campaign)
            db.session.commit()
            return quiz.id


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    if not PG_URL:
        pytest.skip("runs in the PostgreSQL half of `make test` only: two app hosts need a "
                    "database server they share, and TEST_DATABASE_URL is unset (this is the "
                    "SQLite half)")
    redis_url = _redis_url()
    redis = _redis_or_skip(redis_url)
    _forget_our_keys(redis)
    reset_pg_schema(SCHEMA)
    url = _pg_url(SCHEMA)
    app = None
    try:
        _migrate(url)
        app = create_app({**_config_dict(), "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            root = unit_service.create_unit("TH", "双机县", "county", None, 0)
            codes = ("TH-A", "TH-B")
            for code, name in zip(codes, ("甲镇", "乙镇"), strict=True):
                unit_service.create_unit(code, name, "township", root, PEOPLE)
            bank = Bank(name="双机题库")
            db.session.add(bank)
            db.session.flush()
            for qtype, n, options, answer in (("single", 8, ["甲", "乙", "丙", "丁"], "B"),
                                              ("multiple", 4, ["甲", "乙", "丙", "丁"], "AC"),
                                              ("judge", 4, list(JUDGE_OPTIONS), "A")):
                for i in range(n):
                    db.session.add(Question(
                        bank_id=bank.id, type=qtype, stem=f"{qtype}{i}", options=options,
                        answer=answer, explanation=f"{qtype}{i}的解析",
                        fingerprint=f"{qtype}{i}"))
            admin = User(name="管理员", phone=_phone(), role=Role.admin.value, unit=root)
            admin.set_password(PASSWORD)
            db.session.add(admin)
            db.session.commit()
            yield World(app=app, database_url=url, redis_url=redis_url, redis=redis,
                        secret_key=secrets.token_urlsafe(32), admin_phone=admin.phone,
                        unit_codes=codes, bank_id=bank.id)
    finally:
        if app is not None:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        reset_pg_schema(SCHEMA, create=False)
        _forget_our_keys(redis)
        redis.close()


# --- the two hosts -------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    body: object
    headers: dict


class Host:
    """One app host, reached over HTTP on loopback."""

    def __init__(self, name: str, port: int):
        self.name, self.port = name, port

    def call(self, method: str, path: str, token: str | None = None, body=None,
             ready: threading.Barrier | None = None) -> Reply:
        """One request on a connection of its own; with `ready`, the connection is opened
        first and the request sent once every party of the barrier is ready."""
        headers = {"Accept-Language": "en"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            if ready is not None:
                conn.connect()
                ready.wait(timeout=10)
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return Reply(response.status, json.loads(raw) if is_json and raw else raw,
                     dict(response.getheaders()))

    def ok(self, method: str, path: str, token: str | None = None, body=None,
           status: int = 200, ready: threading.Barrier | None = None):
        """The JSON answer of a request that must succeed with `status`."""
        reply = self.call(method, path, token, body, ready)
        assert reply.status == status, f"{method} {path} on host {self.name}: {reply.body}"
        return reply.body

    def __repr__(self) -> str:
        return f"host {self.name} (port {self.port})"


def _code(reply: Reply) -> str | None:
    """The error code of an API error reply; None for any other."""
    error = reply.body.get("error") if isinstance(reply.body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn() -> str:
    beside = Path(sys.executable).with_name("gunicorn")  # the venv running the tests
    return str(beside if beside.exists() else ROOT / ".venv" / "bin" / "gunicorn")


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _wait_healthy(host: Host, process: subprocess.Popen, log: Path, seconds: float = 30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if process.poll() is not None:
            pytest.fail(f"{host} exited ({process.returncode}) before answering /healthz; "
                        f"its log:\n{_tail(log)}", pytrace=False)
        try:
            if host.call("GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{host} did not answer /healthz with 200 within {seconds:.0f} s; its log:\n"
                f"{_tail(log)}", pytrace=False)


@pytest.fixture(scope="module")
def hosts(world, tmp_path_factory):
    """Hosts A and B: `gunicorn -c gunicorn.conf.py wsgi:app` twice, with the settings of a
    deployment (one DATABASE_URL, REDIS_URL and SECRET_KEY) and nothing else from ours."""
    logs = tmp_path_factory.mktemp("hosts")
    env = world.env(REDIS_URL=world.redis_url, WEB_CONCURRENCY="2", GUNICORN_THREADS="4",
                    GUNICORN_ACCESSLOG="/dev/null",
                    RATELIMIT_LOGIN_FAILURES_PER_ACCOUNT=f"{LOGIN_FAILURES} per 15 minutes")
    started: list[tuple[Host, subprocess.Popen, Path]] = []
    try:
        for name in "AB":
            host = Host(name, _free_port())
            log = logs / f"host-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [_gunicorn(), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                    env={**env, "PORT": str(host.port)}, stdout=out, stderr=subprocess.STDOUT)
            started.append((host, process, log))
        for host, process, log in started:
            _wait_healthy(host, process, log)
        yield tuple(host for host, _, _ in started)
    finally:
        for _, process, _ in started:
            process.terminate()
        for _, process, _ in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def admin_token(world, hosts):
    host_a, _ = hosts
    return host_a.ok("POST", "/api/v1/auth/login",
                     body={"phone": world.admin_phone, "password": PASSWORD})["token"]


# --- a person taking part ------------------------------------------------------------------


def _register(host: Host, unit_code: str) -> tuple[str, str]:
    """A new participant registered through `host`: their number and token."""
    phone = _phone()
    reply = host.ok("POST", "/api/v1/auth/register", status=201, body={
        "name": "双机用户", "phone": phone, "password": PASSWORD, "unit_code": unit_code})
    return phone, reply["token"]


def _pick(question: dict, rng: random.Random) -> list[str]:
    keys = [option["key"] for option in question["options"]]
    if question["type"] == "multiple":
        return sorted(rng.sample(keys, 2))
    return [rng.choice(keys)]


def _attempt(quiz_id: int, token: str, start_on: Host, save_on: Host,
             submit_to: tuple[Host, ...], rng: random.Random) -> dict:
    """Start on one host, read and autosave on another, submit to `submit_to` (all of them
    at the same instant); the result, after checking that every host gives the same."""
    started = start_on.ok("POST", f"/api/v1/quizzes/{quiz_id}/attempts", token, status=201)
    path = f"/api/v1/attempts/{started['id']}"
    assert save_on.ok("GET", path, token)["questions"] == started["questions"]
    answers = {str(q["id"]): _pick(q, rng) for q in started["questions"]}
    save_on.ok("PUT", f"{path}/answers", token, {"answers": answers})

    ready = threading.Barrier(len(submit_to))
    with ThreadPoolExecutor(len(submit_to)) as pool:
        results = list(pool.map(
            lambda host: host.ok("POST", f"{path}/submit", token, ready=ready), submit_to))
    assert all(result == results[0] for result in results), "a double submit answered twice"
    result = results[0]
    assert result["status"] == AttemptStatus.submitted.value
    # What one host saved is what the other scored.
    assert {str(row["id"]): row["given"] for row in result["review"]} == answers
    for host in {start_on, save_on, *submit_to}:
        assert host.ok("GET", path, token) == result
    return result


def _take_part(n: int, quiz_id: int, unit_code: str, hosts: tuple[Host, Host]) -> list[dict]:
    """Person n: registers on one host, logs in on the other, takes the quiz twice across
    both (the second submit sent to both hosts at once); their two results."""
    here, there = hosts if n % 2 == 0 else hosts[::-1]
    rng = random.Random(n)
    phone, token_here = _register(here, unit_code)
    token_there = there.ok("POST", "/api/v1/auth/login",
                           body={"phone": phone, "password": PASSWORD})["token"]
    return [
        _attempt(quiz_id, token_here, start_on=there, save_on=here, submit_to=(there,),
                 rng=rng),
        _attempt(quiz_id, token_there, start_on=here, save_on=there, submit_to=(here, there),
                 rng=rng),
    ]


# --- the tests -----------------------------------------------------------------------------


def test_a_logout_on_one_host_ends_the_tokens_on_the_other(world, hosts):
    host_a, host_b = hosts
    world.campaign("two-hosts-logout")
    phone, token_a = _register(host_a, world.unit_codes[0])
    token_b = host_b.ok("POST", "/api/v1/auth/login",
                        body={"phone": phone, "password": PASSWORD})["token"]
    for host in hosts:
        for token in (token_a, token_b):  # one key on both hosts: each takes the other's
            assert "two-hosts-logout" in [
                c["slug"] for c in host.ok("GET", "/api/v1/campaigns", token)]

    assert host_a.call("POST", "/api/v1/auth/logout", token_b).status == 204

    for host in hosts:
        for token in (token_a, token_b):
            reply = host.call("GET", "/api/v1/campaigns", token)
            assert (reply.status, _code(reply)) == (401, "unauthorized"), host


def test_failed_log_ins_counted_on_one_host_count_on_the_other(world, hosts):
    host_a, host_b = hosts
    phone, _ = _register(host_a, world.unit_codes[1])
    wrong = {"phone": phone, "password": "not-the-password"}
    for host in itertools.islice(itertools.cycle(hosts), LOGIN_FAILURES):  # A, B, A
        assert host.call("POST", "/api/v1/auth/login", body=wrong).status == 401

    # The budget is spent wherever it was spent: both hosts refuse even the right password.
    for host in hosts:
        reply = host.call("POST", "/api/v1/auth/login",
                          body={"phone": phone, "password": PASSWORD})
        assert (reply.status, _code(reply)) == (429, "too_many_requests"), host
        assert int(reply.headers["Retry-After"]) > 0
    # Another number's budget is its own.
    other, _ = _register(host_b, world.unit_codes[1])
    host_a.ok("POST", "/api/v1/auth/login", body={"phone": other, "password": PASSWORD})


def test_the_big_screen_computed_on_one_host_is_what_the_other_serves(world, hosts,
                                                                       admin_token):
    host_a, host_b = hosts
    slug = "two-hosts-screen"
    quiz_id = world.campaign(slug, screen=True)
    _, token = _register(host_a, world.unit_codes[0])
    screen = f"/c/{slug}/screen.json"

    before = host_a.ok("GET", screen)
    assert before["totals"]["attempts"] == 0
    _attempt(quiz_id, token, start_on=host_a, save_on=host_b, submit_to=(host_b,),
             rng=random.Random(0))
    # The statistics read the counters: both hosts count the attempt at once.
    for host in hosts:
        stats = host.ok("GET", f"/api/v1/campaigns/{slug}/stats", admin_token)
        assert stats["unit"]["attempts"] == 1
    # The screen's figures are kept for 30 s in Redis: host B serves what host A computed
    # (the same moment, the new attempt not yet in it), not figures of its own.
    assert host_b.ok("GET", screen) == before

    # Dropped (as switching the screen does), they are computed by whichever host asks next,
    # and the other serves that.
    world.redis.delete(f"quiz:cache:{screen_key(slug)}")
    after = host_b.ok("GET", screen)
    assert after["totals"]["attempts"] == 1
    assert host_a.ok("GET", screen) == after


def test_both_hosts_driven_at_once_give_the_answers_and_counts_of_one(world, hosts,
                                                                       admin_token):
    host_a, host_b = hosts
    slug = "two-hosts"
    quiz_id = world.campaign(slug)
    units = [world.unit_codes[n % 2] for n in range(PEOPLE)]

    with ThreadPoolExecutor(PEOPLE) as pool:
        taken = list(pool.map(lambda n: _take_part(n, quiz_id, units[n], hosts), range(PEOPLE)))

    submitted = [result for results in taken for result in results]
    assert len({result["id"] for result in submitted}) == 2 * PEOPLE
    per_unit = {code: 2 * units.count(code) for code in world.unit_codes}

    # Every figure and board is the same from either host.
    base = f"/api/v1/campaigns/{slug}"
    paths = [f"{base}/stats", f"{base}/stats/daily", f"{base}/leaderboard/units",
             f"{base}/leaderboard/units?sort=attempts", f"{base}/leaderboard/people"]
    seen = {path: host_a.ok("GET", path, admin_token) for path in paths}
    for path in paths:
        assert host_b.ok("GET", path, admin_token) == seen[path], path

    # ... and counts each attempt once, double submits across hosts included.
    totals = seen[f"{base}/stats"]["unit"]
    assert (totals["attempts"], totals["participants"]) == (2 * PEOPLE, PEOPLE)
    assert {row["code"]: row["attempts"] for row in seen[f"{base}/stats"]["children"]} == (
        per_unit)
    assert sum(day["attempts"] for day in seen[f"{base}/stats/daily"]["days"]) == 2 * PEOPLE
    assert seen[f"{base}/leaderboard/people"]["total"] == PEOPLE
    # Each person once, with the better of their two attempts, best first.
    board = seen[f"{base}/leaderboard/people"]["rows"]
    assert [row["score"] for row in board] == sorted(
        (max(r["score"] for r in results) for results in taken), reverse=True)

    # The kept counters equal a recount from the stored attempts, and the attempts are
    # exactly those submitted.
    with world.app.app_context():
        campaign_id = db.session.scalar(sa.select(Campaign.id).where(Campaign.slug == slug))
        stored = db.session.execute(
            sa.select(Attempt.id, Attempt.status, Attempt.score)
            .where(Attempt.campaign_id == campaign_id)).all()
        counted = db.session.scalar(
            sa.select(sa.func.sum(UnitCounter.attempts))
            .where(UnitCounter.campaign_id == campaign_id))
        differences = counters.compare()
        db.session.remove()
    assert {(a.id, a.status, a.score) for a in stored} == {
        (r["id"], r["status"], r["score"]) for r in submitted}
    assert counted == 2 * PEOPLE
    assert differences == []
    reconcile = subprocess.run(
        [str(Path(_gunicorn()).with_name("flask")), "--app", "quiz", "reconcile"], cwd=ROOT,
        env=world.env(), capture_output=True, text=True, timeout=60)
    assert reconcile.returncode == 0, reconcile.stdout + reconcile.stderr
