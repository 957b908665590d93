"""Submit throughput against a bare Flask endpoint, side by side, on the same gunicorn config.

    make bench            (or: .venv/bin/python bench/run.py --clients 64 --attempts 1024)

Both servers run with gunicorn.conf.py on loopback. The same client (threads with keep-alive
connections) first posts to the bare endpoint, then submits pre-started attempts, each
attempt submitted twice (a retry) by different clients. Reported: requests per second of
each and their ratio, and whether the counters equal a recount (zero lost, zero doubled).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def wait_up(port: int, path: str, method: str = "GET") -> None:
    for _ in range(100):
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
            urllib.request.urlopen(request, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not come up")


def serve(module: str, port: int, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), module],
        env={**env, "PORT": str(port), "GUNICORN_ACCESSLOG": "/dev/null"},
        cwd=ROOT, stderr=subprocess.DEVNULL,
    )


def prepare(database_url: str, people: int) -> tuple[int, list[str]]:
    """Schema, a unit, a quiz over a generated bank, `people` users; returns quiz id, tokens."""
    from flask_migrate import upgrade

    from quiz import create_app
    from quiz.api.auth import issue_token
    from quiz.extensions import db
    from quiz.models import JUDGE_OPTIONS, Bank, Campaign, Question, Quiz, QuizRule, User
    from quiz.services import units
    from quiz.timeutil import local_date, utcnow

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        unit = units.create_unit("BENCH", "压测单位", "enterprise", None, people)
        bank = Bank(name="压测题库")
        db.session.add(bank)
        db.session.flush()
        for qtype, n, options, answer in (("single", 100, ["甲", "乙", "丙", "丁"], "B"),
                                          ("multiple", 50, ["甲", "乙", "丙", "丁"], "AC"),
                                          ("judge", 50, list(JUDGE_OPTIONS), "A")):
            for i in range(n):
                db.session.add(Question(bank_id=bank.id, type=qtype, stem=f"{qtype}{i}",
                                        options=options, answer=answer, explanation="",
                                        fingerprint=f"{qtype}{i}"))
        today = local_date(utcnow(), "Asia/Shanghai")
        campaign = Campaign(slug="bench", title="压测", starts_on=today, ends_on=today)
        quiz = Quiz(title="压测", banks=[bank], attempts_per_day=1000,
                    rules=[QuizRule(type="single", count=10),
                           QuizRule(type="multiple", count=5), QuizRule(type="judge", count=5)])
        campaign.quizzes.append(quiz)
        db.session.add(campaign)
        hashed = None
        users = []
        for i in range(people):
            user = User(name=f"用户{i}", phone=f"137{i:08d}", unit=unit)
            if hashed is None:
                user.set_password("bench-password")
                hashed = user.password_hash
            user.password_hash = hashed  # one hash for all: hashing is not what we measure
            users.append(user)
        db.session.add_all(users)
        db.session.commit()
        return quiz.id, [issue_token(u) for u in users]


class Client:
    """One keep-alive connection."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, token: str | None = None, body: dict | None = None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.conn.request("POST", path, body=json.dumps(body or {}), headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def hammer(port: int, jobs: list[tuple[str, str | None]], clients: int) -> tuple[float, dict]:
    """Run (path, token) jobs over `clients` threads; seconds taken and status counts."""
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    queue = list(reversed(jobs))

    def worker():
        client = Client(port)
        while True:
            with lock:
                if not queue:
                    return
                path, token = queue.pop()
            status, _ = client.post(path, token)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--attempts", type=int, default=1024)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        key = secrets.token_urlsafe(32)  # one key for this process and both servers
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": key}
        os.environ.update({"SECRET_KEY": key})
        quiz_id, tokens = prepare(url, args.attempts)
        app_server = serve("wsgi:app", 8701, env)
        bare_server = serve("bench.bare_app:app", 8702, env)
        try:
            wait_up(8701, "/healthz")
            wait_up(8702, "/bare", "POST")
            # Start every attempt first (not measured here), then measure submits.
            started, statuses = hammer(8701, [(f"/api/v1/quizzes/{quiz_id}/attempts", t)
                                              for t in tokens], args.clients)
            assert set(statuses) <= {201}, statuses
            attempt_ids = []
            client = Client(8701)
            for token in tokens:  # the open attempt comes back (200) on a second start
                status, body = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", token)
                attempt_ids.append(json.loads(body)["id"])
            jobs = [(f"/api/v1/attempts/{a}/submit", t) for a, t in zip(attempt_ids, tokens,
                                                                         strict=True)]
            jobs = jobs + jobs  # every attempt submitted twice: the retry must not count
            bare_s, bare_status = hammer(8702, [("/bare", None)] * len(jobs), args.clients)
            submit_s, submit_status = hammer(8701, jobs, args.clients)
        finally:
            app_server.terminate()
            bare_server.terminate()
            app_server.wait()
            bare_server.wait()

        reconcile = subprocess.run(
            [str(ROOT / ".venv/bin/flask"), "--app", "quiz", "reconcile"], env=env, cwd=ROOT,
            capture_output=True, text=True,
        )
        from sqlalchemy import create_engine, text
        engine = create_engine(url)
        with engine.connect() as conn:
            counted = conn.execute(text("SELECT attempts FROM unit_counter")).scalar()
            finished = conn.execute(
                text("SELECT count(*) FROM attempt WHERE status = 'submitted'")).scalar()
        engine.dispose()

    bare_rate = len(jobs) / bare_s
    submit_rate = len(jobs) / submit_s
    print(f"database: {'SQLite' if url.startswith('sqlite') else url.split('@')[-1]}, "
          f"clients: {args.clients}, requests each: {len(jobs)}")
    print(f"start (1 per attempt): {len(tokens) / started:8.1f} req/s")
    print(f"bare endpoint:         {bare_rate:8.1f} req/s  statuses {bare_status}")
    print(f"submit (+ retries):    {submit_rate:8.1f} req/s  statuses {submit_status}")
    print(f"ratio submit / bare:   {submit_rate / bare_rate:8.2f}  (goal: >= 0.50)")
    print(f"attempts submitted: {finished}, counted: {counted}, "
          f"reconcile: {'agrees' if reconcile.returncode == 0 else 'DIFFERS'}")
    ok = (finished == counted == len(tokens) and reconcile.returncode == 0
          and set(submit_status) == {200})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
