"""The 9:00 spike, side by side with a bare Flask endpoint, on the same gunicorn config.

    make bench                       (or: .venv/bin/python bench/run.py [--seconds 8] ...)

For each database (SQLite in a temporary file; PostgreSQL too when it answers at
$BENCH_POSTGRES_URL or 127.0.0.1:5432, in a schema of its own, `quiz_bench`), the real app
and a bare endpoint (bench/bare_app.py) run under gunicorn.conf.py on loopback, and wrk
(bench/replay.lua, 64 connections) measures, each for the same number of seconds:

  bare       POST /bare, a small JSON body: the limit of the stack
  start      POST /api/v1/quizzes/{id}/attempts, each line another person
  autosave   PUT  /api/v1/attempts/{id}/answers, five answers
  submit     POST /api/v1/attempts/{id}/submit, all 20 answers (each attempt once)
  leaderboard, stats   the county's unit leaderboard and figures, cached and uncached

then the synchronized start: `--burst` people who have not started, released at the same
instant (bench/loadgen.burst), and at the end `flask reconcile`, which must agree. Printed as
a table; written to bench/results/latest.json (a list, one object per database).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import seed  # noqa: E402
from bench.loadgen import Line, Measured, burst, run_wrk, wrk_available  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "quiz_bench"
TARGETS = {"start": 0.5, "autosave": 0.6, "submit": {"sqlite": 0.5, "postgresql": 0.35},
           "leaderboard": 0.8, "stats": 0.8}
APP_PORT, UNCACHED_PORT, BARE_PORT = 8701, 8703, 8702


def wait_up(port: int, path: str, method: str = "GET", server=None) -> None:
    for _ in range(200):
        if server is not None and server.poll() is not None:
            raise SystemExit(f"the server for port {port} exited with {server.returncode}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
            urllib.request.urlopen(request, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not come up")


@contextlib.contextmanager
def serving(module: str, port: int, env: dict, errors: Path):
    """gunicorn with the repo's config (its access log included, sent nowhere)."""
    with errors.open("ab") as log:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), module],
            env={**env, "PORT": str(port)}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_up(port, "/healthz" if module == "wsgi:app" else "/bare",
                "GET" if module == "wsgi:app" else "POST", server)
        yield server
    finally:
        server.terminate()
        server.wait()


def postgres_url() -> str | None:
    """The PostgreSQL to measure on, in the bench's own schema, or None if none answers."""
    import sqlalchemy as sa

    base = os.environ.get("BENCH_POSTGRES_URL", PG_DEFAULT)
    try:
        engine = sa.create_engine(base, connect_args={"connect_timeout": 3})
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
            conn.exec_driver_sql(f"CREATE SCHEMA {PG_SCHEMA}")
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means: no PostgreSQL here
        print(f"PostgreSQL not measured: {error.__class__.__name__}: "
              f"{str(error).splitlines()[0]}")
        return None
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{PG_SCHEMA}"


class Database:
    """Plain SQL on the bench's database, for preparing lines and checking counts."""

    def __init__(self, url: str):
        import sqlalchemy as sa

        self.sa = sa
        self.engine = sa.create_engine(url)

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(self.sa.text(sql), params))

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(self.sa.text(sql), params).scalar()

    def close(self) -> None:
        self.engine.dispose()


def person_index(phone: str) -> int:
    return int(phone[3:])  # bench.seed numbers people 137########


def open_attempts(database: Database) -> list[tuple[str, int, list]]:
    """(attempt id, person index, drawn questions) of every open attempt."""
    rows = database.rows(
        "SELECT a.id, u.phone, a.questions FROM attempt a JOIN user_account u ON u.id = a.user_id"
        " WHERE a.status = 'open' ORDER BY a.id")
    return [(r[0], person_index(r[1]), r[2] if isinstance(r[2], list) else json.loads(r[2]))
            for r in rows]


def answer_for(item: dict) -> list[str]:
    return {"single": ["B"], "multiple": ["A", "C"], "judge": ["A"]}[item["type"]]


def start_everyone(port: int, quiz_id: int, tokens: list[str], database: Database,
                   people: int) -> None:
    """Start an attempt for each of the first `people` (not measured)."""
    seen: dict[int, int] = {}
    left = people + 1
    while True:
        begun = {index for _, index, _ in open_attempts(database)}
        waiting = [tokens[i] for i in range(people) if i not in begun]
        if not waiting:
            return
        if len(waiting) >= left:  # a round that started no one: something refuses
            break
        left = len(waiting)
        measured = run_wrk(port, [Line("POST", f"/api/v1/quizzes/{quiz_id}/attempts", t, {})
                                  for t in waiting], max(1, min(10, len(waiting) / 200)))
        for status, n in measured.statuses.items():
            seen[status] = seen.get(status, 0) + n
    raise SystemExit(f"could not start an attempt for everyone: {len(waiting)} left, "
                     f"statuses seen {seen}")


def measure(label: str, url: str, args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    errors_log = tmp / "gunicorn-errors.log"
    # One key for this process and every server it starts: quiz.config reads the variable
    # once, at import, so a new key for the second database would sign its tokens with the
    # first one (every request of the second database refused, 401).
    key = os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(32))
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": key}
    print(f"\n== {label}: preparing {args.people + args.burst} people", flush=True)
    world = seed.prepare(url, args.people + args.burst)
    tokens = world.tokens
    database = Database(url)
    seconds = args.seconds
    results: dict[str, Measured] = {}
    base = "/api/v1/campaigns/" + world.slug
    reads = {"leaderboard": Line("GET", base + "/leaderboard/units", world.admin_token),
             "stats": Line("GET", base + "/stats", world.admin_token)}
    with serving("bench.bare_app:app", BARE_PORT, env, errors_log), \
            serving("wsgi:app", APP_PORT, env, errors_log), \
            serving("wsgi:app", UNCACHED_PORT, {**env, "STATS_CACHE_SECONDS": "0"},
                    errors_log):
        print("   bare", flush=True)
        results["bare"] = run_wrk(BARE_PORT, [Line("POST", "/bare", body={})], seconds)
        print("   start", flush=True)
        start_lines = [Line("POST", f"/api/v1/quizzes/{world.quiz_id}/attempts", t, {})
                       for t in tokens[:args.people]]
        results["start"] = run_wrk(APP_PORT, start_lines, seconds)
        fresh_starts = results["start"].count(201)
        start_everyone(APP_PORT, world.quiz_id, tokens, database, args.people)
        attempts = open_attempts(database)
        print("   autosave", flush=True)
        results["autosave"] = run_wrk(APP_PORT, [
            Line("PUT", f"/api/v1/attempts/{aid}/answers", tokens[index],
                 {"answers": {str(q["id"]): answer_for(q) for q in questions[:5]}})
            for aid, index, questions in attempts], seconds)
        print("   submit", flush=True)
        submitted_before = database.scalar("SELECT count(*) FROM attempt WHERE status <> 'open'")
        results["submit"] = run_wrk(APP_PORT, [
            Line("POST", f"/api/v1/attempts/{aid}/submit", tokens[index],
                 {"answers": {str(q["id"]): answer_for(q) for q in questions}})
            for aid, index, questions in attempts], seconds)
        fresh_submits = database.scalar(
            "SELECT count(*) FROM attempt WHERE status <> 'open'") - submitted_before
        for name, line in reads.items():
            print(f"   {name}", flush=True)
            results[name] = run_wrk(APP_PORT, [line], seconds)
            results[name + "_uncached"] = run_wrk(UNCACHED_PORT, [line], seconds)
        print(f"   synchronized start of {args.burst}", flush=True)
        results["sync_start"] = burst(APP_PORT, [
            Line("POST", f"/api/v1/quizzes/{world.quiz_id}/attempts", t, {})
            for t in tokens[args.people:]])
    results["start"].extra["fresh"] = fresh_starts
    results["submit"].extra["fresh"] = fresh_submits
    reconcile = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "quiz", "reconcile"],
                               env=env, cwd=ROOT, capture_output=True, text=True)
    finished = database.scalar("SELECT count(*) FROM attempt WHERE status <> 'open'")
    counted = database.scalar("SELECT coalesce(sum(attempts), 0) FROM unit_counter")
    database.close()
    return report(label, results, seconds, reconcile, finished, counted, errors_log)


def report(label, results, seconds, reconcile, finished, counted, errors_log) -> dict:
    bare = results["bare"].rps
    # Fresh work per second: a start that made an attempt (201), a submit that finished one.
    rates = {name: m.rps for name, m in results.items()}
    rates["start"] = results["start"].extra["fresh"] / results["start"].seconds
    rates["submit"] = results["submit"].extra["fresh"] / results["submit"].seconds
    ratios = {name: rate / bare for name, rate in rates.items() if name != "sync_start"}
    tracebacks = errors_log.read_text(errors="replace").count("Traceback")
    errors = sum(m.non_2xx + m.transport_errors for m in results.values())
    print(f"\n{label}: limit (bare) {bare:.0f} req/s, {seconds:.0f} s a phase, 64 connections")
    print(f"{'phase':22} {'req/s':>8} {'ratio':>6} {'target':>6} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'non-2xx':>7} {'transport':>9}")
    for name, m in results.items():
        target = TARGETS.get(name)
        if isinstance(target, dict):
            target = target[label]
        ratio = ratios.get(name)
        mark = "" if target is None or ratio is None else (" ok" if ratio >= target else " LOW")
        print(f"{name:22} {rates[name]:8.1f} {'' if ratio is None else f'{ratio:6.3f}':>6} "
              f"{'' if target is None else f'{target:.2f}':>6} {m.p50_ms:8.1f} {m.p99_ms:8.1f} "
              f"{m.non_2xx:7d} {m.transport_errors:9d}{mark}")
    sync = results["sync_start"]
    print(f"synchronized start: {sync.count(200, 201)} of {sync.requests} served, last after "
          f"{sync.extra['last_served_s']} s (target: all, within 5 s)")
    print(f"attempts finished {finished}, counted {counted}; reconcile "
          f"{'agrees' if reconcile.returncode == 0 else 'DIFFERS'}; "
          f"server tracebacks {tracebacks}")
    if reconcile.returncode != 0:
        print(reconcile.stdout[-2000:], reconcile.stderr[-2000:])
    if tracebacks:
        kept = RESULTS / f"{label}-errors.log"
        kept.write_text(errors_log.read_text(errors="replace"))
        print(f"server errors kept in {kept}")
    return {
        "database": label, "limit_rps": round(bare, 1),
        "ratios": {name: round(ratios[name], 3)
                   for name in ("start", "submit", "autosave", "leaderboard", "stats")},
        "ratios_uncached": {name: round(ratios[name + "_uncached"], 3)
                            for name in ("leaderboard", "stats")},
        "errors": errors, "server_tracebacks": tracebacks,
        "reconcile_ok": reconcile.returncode == 0 and finished == counted,
        "sync_start": {"people": sync.requests, "served": sync.count(200, 201),
                       "last_s": sync.extra["last_served_s"],
                       "p50_s": round(sync.p50_ms / 1000, 3),
                       "p99_s": round(sync.p99_ms / 1000, 3)},
        "phases": {name: m.as_dict() for name, m in results.items()},
        "seconds_per_phase": seconds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8, help="per phase (default 8)")
    parser.add_argument("--people", type=int, default=8000,
                        help="people who start, autosave and submit (default 8000)")
    parser.add_argument("--burst", type=int, default=2000,
                        help="people released at the same instant (default 2000)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    if not wrk_available():
        print("wrk is not installed (Debian: apt-get install wrk); it is the load generator.")
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    wanted = args.databases.split(",")
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        if "sqlite" in wanted:
            runs.append(measure("sqlite", f"sqlite:///{tmp}/bench.sqlite3", args))
        if "postgresql" in wanted and (url := postgres_url()):
            runs.append(measure("postgresql", url, args))
    (RESULTS / "latest.json").write_text(json.dumps(runs, indent=2, ensure_ascii=False))
    print(f"\nwritten: {RESULTS / 'latest.json'}")
    return 0 if all(run["reconcile_ok"] and run["errors"] == 0 for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
