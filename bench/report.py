"""The report writer's memory and speed: the same sheets for 500 and for 5,000 units.

    .venv/bin/python bench/report.py [--units 500 5000] [--days 30]

The sheets are made up (a summary of 13 columns, and units × days of attempts and of
participants, as quiz.services.report lays them out) and generated row by row while they
are written, so what is measured is the writer (quiz.exports.stats_xlsx) alone. Each
measurement runs in a fresh child process: the time of a run untraced, the tracemalloc
peak of a second run, and the child's max RSS above what it had before writing. The peak
stays flat however many units: rows go to disk as they come.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quiz.exports.stats_xlsx import write_xlsx  # noqa: E402
from quiz.exports.tables import AVERAGE, RATE, TEXT, Column, Row, Sheet  # noqa: E402

TITLE = ["某某县安全生产月知识竞赛活动进展情况统计表", "统计单位：某某县（X）",
         "统计期间：2026-06-01 至 2026-06-30", "制表时间：2026-06-30 18:00"]
FIGURES = ("应参与人数", "参与人数", "本期参与人数", "参与人次", "本期参与人次")


def sheets(units: int, days: int = 30, daily_sheets: int = 2) -> list[Sheet]:
    """A report's sheets for `units` units and `days` days (the summary and up to two daily
    sheets), each row made when it is asked for, with levels and subtotals as in a tree."""
    summary_columns = [Column("单位", TEXT, 30), Column("单位编码", TEXT, 12),
                       Column("上级单位", TEXT, 20), *(Column(h) for h in FIGURES),
                       Column("参与率", RATE), Column("人均答题次数", AVERAGE),
                       Column("平均分", AVERAGE), Column("正确率", RATE), Column("及格人数")]

    def summary():
        for i in range(units):
            expected, people = 50 + i % 300, i % 47
            yield Row([f"第{i}号单位", f"X-{i:05d}", f"第{i // 20}号乡镇", expected, people,
                       people // 3, people * 2, people // 2, people / expected or None,
                       2.0 if people else None, 70 + i % 30 if people else None,
                       0.8 if people else None, people // 2], i % 4, i % 20 == 0)

    def daily(figure: int):
        for i in range(units):
            per_day = [(i * figure + d) % 9 for d in range(days)]
            yield Row([f"第{i}号单位", f"X-{i:05d}", *per_day, sum(per_day)], i % 4,
                      i % 20 == 0)

    day_columns = [Column("单位", TEXT, 30), Column("单位编码", TEXT, 12),
                   *(Column(f"6月{d}日", width=7) for d in range(1, days + 1)),
                   Column("合计")]
    return [Sheet("汇总", summary_columns, summary(), TITLE),
            Sheet("每日参与人次", day_columns, daily(3), TITLE),
            Sheet("每日参与人数", day_columns, daily(1), TITLE)][:1 + daily_sheets]


def child(units: int, days: int, mode: str, daily_sheets: int = 2) -> dict:
    with tempfile.TemporaryFile() as file:  # the first use loads what it needs
        write_xlsx(sheets(10, days, daily_sheets), file)
    rss_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    with tempfile.TemporaryFile() as file:
        if mode == "mem":
            tracemalloc.start()
            write_xlsx(sheets(units, days, daily_sheets), file)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            return {"peak": peak}
        started = time.perf_counter()
        write_xlsx(sheets(units, days, daily_sheets), file)
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_base
        return {"seconds": seconds, "rss_growth": rss, "bytes": file.seek(0, 2)}


def measure(units: int, days: int = 30, mode: str = "time", daily_sheets: int = 2) -> dict:
    """One measurement in a fresh child process: {"seconds", "rss_growth", "bytes"} for
    "time", {"peak"} (tracemalloc's) for "mem"."""
    out = subprocess.run([sys.executable, __file__, "--child", str(units), "--days", str(days),
                          "--mode", mode, "--daily-sheets", str(daily_sheets)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--daily-sheets", type=int, default=2, choices=(0, 1, 2))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="time", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.days, args.mode, args.daily_sheets)))
        return
    mb = 1024 * 1024
    print(f"{'units':>6} {'days':>4} {'seconds':>8} {'peak MB':>8} {'RSS +MB':>8} {'file MB':>8}")
    for units in args.units:
        timed = measure(units, args.days, "time", args.daily_sheets)
        traced = measure(units, args.days, "mem", args.daily_sheets)
        print(f"{units:>6} {args.days:>4} {timed['seconds']:>8.2f} {traced['peak'] / mb:>8.2f} "
              f"{timed['rss_growth'] / mb:>8.2f} {timed['bytes'] / mb:>8.2f}")


if __name__ == "__main__":
    main()
