"""The scale run: a county's month at the seeds' scale against the same 100 times smaller.

    make bench-scale        (or: .venv/bin/python bench/scale.py [--attempts 200000] ...)

Loads 87,628 people in about 300 units and 1,900,207 finished attempts over 30 days (with
the counters, participation rows and best rows the app keeps) in bulk, then times the unit
leaderboard, the individual leaderboard and one person's rank, the stats, the dashboard
and the .xlsx report on it and on a database of the same units and days with 100 times
fewer people and attempts. Also the database's size per million attempts and a gunicorn
worker's resident memory. Targets: each figure at full size within 1.5 × its time at the
small size; a worker under 150 MB.

SQLite (files in a temporary directory) by default, and PostgreSQL as well when one
answers at $BENCH_POSTGRES_URL or 127.0.0.1:5432 (databases bench_scale and
bench_scale_small, dropped and made afresh; never any other). Results go to
bench/results/scale.json. The databases are deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scale_county as county  # noqa: E402
from bench import scale_load, scale_measure, scale_write  # noqa: E402
from bench.scale_load import Shape  # noqa: E402

PEOPLE, ATTEMPTS, DAYS = 87_628, 1_900_207, 30
TARGET_RATIO = 1.5
RSS_LIMIT_MB = 150
RESULTS = ROOT / "bench" / "results" / "scale.json"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--attempts", type=int, default=ATTEMPTS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--scale", type=int, default=100,
                        help="how many times smaller the small database is (100)")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of each item")
    parser.add_argument("--database-url", help="the big database (SQLite file or a "
                        "PostgreSQL database named bench_scale*); the small one beside it")
    parser.add_argument("--postgres", action="store_true",
                        help="run on PostgreSQL too, and fail if it does not answer")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--only-postgres", action="store_true", help="PostgreSQL only")
    parser.add_argument("--check-big", action="store_true",
                        help="also recount the big database (slow)")
    parser.add_argument("--no-rss", action="store_true", help="skip the gunicorn worker")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def small_url(url: str) -> str:
    if url.startswith("sqlite"):
        path = scale_write.sqlite_path(url)
        return f"sqlite:///{path.with_name(path.stem + '-small' + path.suffix)}"
    return scale_write.with_name(url, scale_write.pg_name(url) + "_small")


def targets(args) -> list[tuple[str, str]]:
    """[(backend, big database URL)] to run on."""
    if args.database_url:
        found = [("sqlite" if args.database_url.startswith("sqlite") else "postgresql",
                  args.database_url)]
        return found
    found = []
    if not args.only_postgres:
        folder = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        found.append(("sqlite", f"sqlite:///{folder / 'scale.sqlite3'}"))
    if args.no_postgres:
        return found
    pg = os.environ.get("BENCH_POSTGRES_URL") or scale_write.PG_DEFAULT
    if scale_write.pg_name(pg) in ("", "postgres"):
        pg = scale_write.with_name(pg, "bench_scale")
    if scale_write.postgres_answers(pg):
        found.append(("postgresql", pg))
    elif args.postgres or args.only_postgres:
        raise SystemExit(f"PostgreSQL does not answer at {pg}")
    else:
        print(f"(no PostgreSQL at {pg}: SQLite only)", flush=True)
    return found


def build(url: str, shape: Shape) -> dict:
    """A fresh, migrated database at `url` with the county and `shape`'s people and attempts."""
    from flask_migrate import upgrade

    from quiz import create_app
    from quiz.extensions import db

    began = time.perf_counter()
    scale_write.fresh_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        upgrade()
        ids = county.build(shape.days)
        generator = scale_load.Generator(ids, shape)
        db.session.remove()
        db.engine.dispose()  # the bulk writer works alone on the file
    schema = time.perf_counter() - began
    loaded = scale_load.load(scale_write.bulk_writer(url), generator, time.perf_counter)
    return {"seconds": {"schema_and_county": schema, **loaded["seconds"],
                        "total": time.perf_counter() - began}, "rows": loaded["rows"]}


def check(url: str) -> dict:
    from bench.scale_check import check as run_check
    from quiz import create_app

    began = time.perf_counter()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    found = run_check(app)
    found["seconds"] = time.perf_counter() - began
    ok = (found["difference_count"] == 0 and found["figure_difference_count"] == 0
          and not found["mismatches"] and found["json_same"])
    found["ok"] = ok
    print(f"   recount: {found['difference_count']} differences in the kept tables, "
          f"{found['figure_difference_count']} in the figures; {found['rescored']} attempts "
          f"scored again, {len(found['mismatches'])} differ; JSON as json.dumps writes it: "
          f"{found['json_same']} ({found['seconds']:.0f} s)", flush=True)
    return found


def week(days: int) -> tuple[str, str]:
    """A calendar week of the campaign, Monday to Sunday, for the period columns: its
    fourth, or its last whole one (or its days, in a campaign shorter than a week)."""
    last_day = county.FIRST_DAY + dt.timedelta(days=days - 1)
    monday = _monday(min(county.FIRST_DAY + dt.timedelta(days=21), last_day))
    if monday + dt.timedelta(days=6) > last_day and monday - dt.timedelta(days=7) >= _monday(
            county.FIRST_DAY):
        monday -= dt.timedelta(days=7)  # the campaign ends within that week: the one before
    first, last = max(monday, county.FIRST_DAY), min(monday + dt.timedelta(days=6), last_day)
    return first.isoformat(), last.isoformat()


def seven_days(days: int) -> tuple[str, str]:
    """Seven days that are not whole weeks (Thursday to Wednesday, across the week of
    `week`), read from the day rows, as any period a person types."""
    first = max(county.FIRST_DAY, dt.date.fromisoformat(week(days)[0]) - dt.timedelta(days=4))
    last = min(first + dt.timedelta(days=6), county.FIRST_DAY + dt.timedelta(days=days - 1))
    return first.isoformat(), last.isoformat()


def periods(days: int) -> dict[str, tuple[str, str]]:
    """The periods the items with a period beside ask for: {"week": .., "seven_days": ..}."""
    return {"week": week(days), "seven_days": seven_days(days)}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def run_size(name: str, url: str, shape: Shape, verify: bool) -> dict:
    print(f"== {name}: {shape.people:,} people, {shape.attempts:,} attempts, "
          f"{shape.days} days -> {url}", flush=True)
    built = build(url, shape)
    seconds = built["seconds"]
    print("   loaded in " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()), flush=True)
    result = {"shape": vars(shape), "load": built}
    if verify:
        result["check"] = check(url)
    size = scale_write.database_size(url)
    result["bytes"] = size
    result["bytes_per_million_attempts"] = size / (shape.attempts / 1e6)
    result["table_bytes"] = scale_write.table_sizes(url, scale_load.TABLES)
    print(f"   size {size / 2**20:,.0f} MiB, {result['bytes_per_million_attempts'] / 2**20:,.0f}"
          f" MiB per million attempts", flush=True)
    return result


def compare(small: dict, big: dict) -> list[dict]:
    rows = []
    for name, timing in big["timings"].items():
        before = small["timings"][name]["median"]
        ratio = timing["median"] / before if before else float("inf")
        rows.append({"item": name, "group": timing["group"], "small_seconds": before,
                     "big_seconds": timing["median"], "ratio": ratio,
                     "target": TARGET_RATIO, "pass": ratio <= TARGET_RATIO})
    return rows


def print_table(backend: str, rows: list[dict], small: Shape, big: Shape) -> None:
    heads = ("item", f"{small.attempts / 1000:,.0f} k", f"{big.attempts / 1e6:.2f} M",
             "ratio", "target", "")
    width = max(len(r["item"]) for r in rows) + 2
    print(f"\n{backend}: median of the timed runs, ms")
    print(f"{heads[0]:<{width}}{heads[1]:>10}{heads[2]:>10}{heads[3]:>8}{heads[4]:>8}  ")
    for r in rows:
        print(f"{r['item']:<{width}}{r['small_seconds'] * 1000:>10.1f}"
              f"{r['big_seconds'] * 1000:>10.1f}{r['ratio']:>8.2f}{'<= 1.5':>8}  "
              f"{'pass' if r['pass'] else 'FAIL'}")


def run_backend(backend: str, url: str, args) -> dict:
    big_shape = Shape(args.people, args.attempts, args.days, seed=1)
    small_shape = Shape(max(1, round(args.people / args.scale)),
                        max(1, round(args.attempts / args.scale)), args.days, seed=2)
    little = small_url(url)
    result = {"backend": backend, "url": url.split("@")[-1], "small_url": little.split("@")[-1]}
    try:
        result["small"] = run_size(f"{backend}, small", little, small_shape, verify=True)
        result["big"] = run_size(f"{backend}, big", url, big_shape, verify=args.check_big)
        print(f"   timing both, {args.repeats} runs of each item, taking turns ...", flush=True)
        began = time.perf_counter()
        timings = scale_measure.time_items({"small": little, "big": url}, args.repeats,
                                           periods(args.days))
        for size in ("small", "big"):
            result[size]["timings"] = timings[size]
        print(f"   timed in {time.perf_counter() - began:.0f} s", flush=True)
        if not args.no_rss:
            print("   gunicorn worker ...", flush=True)
            memory = scale_measure.worker_memory(url, periods(args.days))
            memory["pass"] = memory["rss_kb"] / 1024 < RSS_LIMIT_MB
            result["worker"] = memory
            print(f"   worker RSS {memory['rss_kb'] / 1024:.0f} MB after the pages "
                  f"({memory['idle_rss_kb'] / 1024:.0f} MB idle, peak "
                  f"{memory['peak_kb'] / 1024:.0f} MB)", flush=True)
    finally:
        if not args.keep:
            for target in (little, url):
                scale_write.drop_database(target)
                if target.startswith("sqlite"):  # the temporary folder, when it is ours
                    folder = scale_write.sqlite_path(target).parent
                    if folder.name.startswith("bench-scale-") and not any(folder.iterdir()):
                        folder.rmdir()
    result["table"] = compare(result["small"], result["big"])
    print_table(backend, result["table"], small_shape, big_shape)
    big = result["big"]
    print(f"load of the big database: {big['load']['seconds']['total']:.0f} s; "
          f"{big['bytes_per_million_attempts'] / 2**20:,.0f} MiB per million attempts")
    if "worker" in result:
        w = result["worker"]
        print(f"worker resident memory {w['rss_kb'] / 1024:.0f} MB (< {RSS_LIMIT_MB} MB: "
              f"{'pass' if w['pass'] else 'FAIL'})")
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    began = time.perf_counter()
    runs = [run_backend(backend, url, args) for backend, url in targets(args)]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {"made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "platform": platform.platform()},
              "targets": {"ratio": TARGET_RATIO, "worker_rss_mb": RSS_LIMIT_MB},
              "seconds": time.perf_counter() - began, "runs": runs}
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False, default=str))
    print(f"\nwritten to {args.out} ({report['seconds']:.0f} s in all)")
    missed = [r["item"] for run in runs for r in run["table"] if not r["pass"]]
    missed += [run["backend"] + " worker" for run in runs
               if not run.get("worker", {}).get("pass", True)]
    if missed:
        print(f"targets missed: {len(missed)} (exit status 1)")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
