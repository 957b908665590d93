"""Where a start, an autosave and a submit spend their CPU, one request at a time.

    .venv/bin/python bench/hot_paths.py [--requests 300] [--postgres] [--top 25]

The bench's world (bench/seed.py) in a temporary SQLite file (or the database given: on
PostgreSQL the CPU its server processes on this machine used is given too), the
app under the Flask test client, and cProfile around each kind of request in turn: the
share of time per package (SQLAlchemy, Flask, the app, ...), then the functions with the
most time of their own. No concurrency: this is the cost of the code, not of waiting.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402
from bench.run import answer_for, postgres_url  # noqa: E402

PACKAGES = ("sqlalchemy", "flask_sqlalchemy", "flask_login", "flask_babel", "flask_limiter",
            "flask_caching", "flask", "werkzeug", "jinja2", "itsdangerous", "psycopg",
            "sqlite3", "json", "quiz", "babel")


def package_of(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    for name in PACKAGES:
        if name in parts or f"{name}.py" in parts:
            return name
    return "python" if "python3" in filename else "other"


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (0 where none)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            if not fields[0].endswith("(postgres"):
                continue
            values = fields[1].split()
            total += int(values[11]) + int(values[12])  # utime, stime (clock ticks)
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def by_package(stats: pstats.Stats) -> dict[str, float]:
    shares: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():
        shares[package_of(filename)] += own
    return shares


TIMERS = {"wall": (), "cpu": (time.process_time,)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", help="an empty database (default: SQLite)")
    parser.add_argument("--postgres", action="store_true",
                        help="the bench's PostgreSQL schema (bench/run.py), made anew")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime",
                        help="order of the function list: own time, or time with callees")
    parser.add_argument("--only", metavar="REGEX", default="",
                        help="list only functions whose file:line(name) matches (e.g. quiz/)")
    parser.add_argument("--timer", choices=tuple(TIMERS), default="wall",
                        help="what the profiler times: the wall clock (the default: its "
                             "shares are the truer, a call costs little to time) or this "
                             "process's CPU (tells a call that waits, a commit writing to the "
                             "disk, from one that works; each timing is a system call, which "
                             "weighs on the many small calls)")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/profile.sqlite3"
        if args.postgres:
            url = postgres_url()
            if url is None:
                return 1
        world = seed.prepare(url, args.requests * 2)
        from quiz import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        client = app.test_client()

        def auth(token):
            return {"Authorization": f"Bearer {token}"}

        rounds = {"timed": (world.tokens[:args.requests], []),
                  "profiled": (world.tokens[args.requests:], [])}

        def start(tokens, attempts):
            for token in tokens:
                body = client.post(f"/api/v1/quizzes/{world.quiz_id}/attempts", json={},
                                   headers=auth(token)).get_json()
                attempts.append((body["id"], token, body["questions"]))

        def autosave(tokens, attempts):
            for aid, token, questions in attempts:
                client.put(f"/api/v1/attempts/{aid}/answers", headers=auth(token), json={
                    "answers": {str(q["id"]): answer_for(q) for q in questions[:5]}})

        def submit(tokens, attempts):
            for aid, token, questions in attempts:
                response = client.post(f"/api/v1/attempts/{aid}/submit", headers=auth(token),
                                       json={"answers": {str(q["id"]): answer_for(q)
                                                         for q in questions}})
                assert response.status_code == 200, response.get_data(as_text=True)

        from bench.bare_app import app as bare_app

        bare = bare_app.test_client()
        began = time.process_time()
        for _ in range(args.requests):
            bare.post("/bare", json={})
        print(f"\n== bare endpoint under the same test client: "
              f"{(time.process_time() - began) / args.requests * 1000:.2f} ms of CPU a request "
              "(the client's own cost and Flask's least; included in every figure below)")
        for name, run in (("start", start), ("autosave", autosave), ("submit", submit)):
            # Timed by the CPU this process used (steadier than the wall clock on a busy
            # machine), then the same on other people's attempts under the profiler.
            began, database_began = time.process_time(), postgres_cpu_seconds()
            run(*rounds["timed"])
            cpu_ms = (time.process_time() - began) / args.requests * 1000
            database_ms = (postgres_cpu_seconds() - database_began) / args.requests * 1000
            profiler = cProfile.Profile(*TIMERS[args.timer])
            profiler.runcall(run, *rounds["profiled"])
            stats = pstats.Stats(profiler)
            total = sum(by_package(stats).values())
            on_server = (f", PostgreSQL's processes {database_ms:.2f} ms"
                         if url.startswith("postgresql") else "")
            print(f"\n== {name}: {cpu_ms:.2f} ms of the app's CPU a request{on_server}; "
                  f"under the profiler, by package:")
            for package, own in sorted(by_package(stats).items(), key=lambda kv: -kv[1]):
                if own / total >= 0.01:
                    print(f"   {package:18} {own / total:6.1%}")
            stats.sort_stats(args.sort).print_stats(*([args.only] if args.only else []),
                                                    args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
