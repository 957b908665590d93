"""Bank import speed and memory: our .xlsx reader against a bare openpyxl pass, side by side.

    .venv/bin/python bench/import_bank.py [--questions 10000] [--repeat 3]

A bank of N distinct questions (mixed types, 4-6 options, Chinese text, explanations,
categories) is exported with write_xlsx to a temporary file, and so is its first N/5. Each
measurement runs in a fresh child process, so its peak RSS is its own:

  ours  parse_file with a progress callback: the full read, checks and duplicate detection;
  bare  openpyxl read-only over the same bytes, only touching each cell value (the floor).

Time is the best of --repeat runs in a child without tracing; memory is the tracemalloc peak
in a second child (and of it, what the returned result still holds), and the child's max RSS
above what it had after importing. Exits non-zero if the parse reports any issue, or reads a
wrong count or different questions.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from question_bank import QuestionDraft, QuestionType, parse_file  # noqa: E402
from question_bank.export import write_xlsx  # noqa: E402
from question_bank.model import JUDGE_OPTIONS  # noqa: E402

MB = 1024 * 1024
SUBJECTS = ["动火作业", "受限空间作业", "高处作业", "临时用电", "起重吊装", "危险化学品储存",
            "叉车驾驶", "脚手架搭设", "电焊作业", "油漆喷涂", "锅炉运行", "压力容器检验",
            "燃气管道维修", "粉尘车间清扫", "夜间施工", "冷库作业"]
ASPECTS = ["作业前", "作业过程中", "交接班时", "发现异常时", "作业结束后", "培训考核时"]
ASKS = ["首先应当做的是（ ）。", "下列做法正确的是（ ）。", "应当由谁负责审批（ ）？",
        "最容易引发事故的行为是（ ）。", "必须配备的防护用品是（ ）。"]
CHOICES = ["办理作业许可证", "进行气体检测", "设置警戒区域", "佩戴安全帽", "系好安全带",
           "切断设备电源", "通知班组长", "清理周边可燃物", "配备灭火器材", "安排专人监护",
           "检查工具是否完好", "阅读安全技术说明书", "开启通风设施", "悬挂警示标志",
           "穿戴防静电工作服", "核对操作规程", "确认应急通道畅通", "上报安全管理部门"]
CATEGORIES = ["安全生产法律法规", "消防安全", "用电安全", "危险化学品", "特种作业",
              "职业健康", "应急救援", "交通安全"]
REASONS = ["依据《安全生产法》及企业安全管理制度，", "根据相关国家标准的要求，",
           "结合典型事故案例分析，", "按照作业安全规程，"]


def generate(count: int, seed: int = 20240616) -> list[QuestionDraft]:
    """`count` distinct questions: about half single, 30% multiple, 20% true/false."""
    rng = random.Random(seed)
    drafts = []
    for i in range(count):
        subject, aspect = rng.choice(SUBJECTS), rng.choice(ASPECTS)
        roll = rng.random()
        explanation = (f"{rng.choice(REASONS)}{subject}{aspect}必须严格遵守操作规程。"
                       + ("\n要点：先检测、后作业，专人监护。" if rng.random() < 0.3 else ""))
        common = {"explanation": explanation, "category": rng.choice(CATEGORIES),
                  "difficulty": rng.randint(1, 3)}
        if roll < 0.2:
            stem = f"第{i + 1}题：{subject}{aspect}，可以不经审批直接开始作业。"
            drafts.append(QuestionDraft(QuestionType.judge, stem, JUDGE_OPTIONS,
                                        rng.choice("AB"), **common))
            continue
        options = tuple(rng.sample(CHOICES, rng.randint(4, 6)))
        stem = f"第{i + 1}题：{subject}{aspect}，{rng.choice(ASKS)}"
        if roll < 0.7:
            drafts.append(QuestionDraft(QuestionType.single, stem, options,
                                        rng.choice("ABCDEF"[:len(options)]), **common))
        else:
            letters = rng.sample("ABCDEF"[:len(options)], rng.randint(2, len(options)))
            drafts.append(QuestionDraft(QuestionType.multiple, stem, options,
                                        "".join(sorted(letters)), **common))
    return drafts


def digest(drafts) -> str:
    """One hash of what the questions are (not where they were read from)."""
    h = hashlib.sha1()
    for d in drafts:
        parts = (str(d.type), d.stem, *d.options, d.answer, d.explanation, d.category,
                 str(d.difficulty))
        h.update("\x1f".join(parts).encode("utf-8") + b"\x1e")
    return h.hexdigest()


# ---------------------------------------------------------------- child side


def run_ours(path: Path) -> tuple[object, dict]:
    calls = []
    result = parse_file(path, progress=lambda done, total: calls.append((done, total)))
    facts = {"count": len(result.drafts), "issues": [f"{i.code} {i.where}" for i in
                                                      result.issues][:5],
             "progress_calls": len(calls), "progress_last": calls[-1] if calls else None}
    return result, facts


def run_bare(path: Path) -> tuple[object, dict]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    rows = values = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            rows += 1
            for value in row:
                if value is not None:
                    values += 1
    workbook.close()
    return None, {"count": rows - 1, "values": values}


def child(kind: str, path: Path, mode: str, repeat: int) -> dict:
    import openpyxl  # noqa: F401  (imported before the baseline, like question_bank)

    run = run_ours if kind == "ours" else run_bare
    rss_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if mode == "mem":
        run(path)  # once untraced: modules and caches loaded on first use are not counted
        tracemalloc.start()
        kept, facts = run(path)
        retained, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del kept
        return {**facts, "peak": peak, "retained": retained}
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        kept, facts = run(path)
        best = min(best, time.perf_counter() - started)
        if kept is not None:
            facts["digest"] = digest(kept.drafts)
        del kept
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {**facts, "seconds": best, "rss": rss, "rss_growth": rss - rss_base}


# ---------------------------------------------------------------- parent side


def measure(kind: str, path: Path, mode: str, repeat: int) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), mode, "--repeat", str(repeat)],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    return json.loads(output)


def cli_import(path: Path, tmp: str, expected: int) -> dict:
    """The whole organizer's path: `flask import-bank` into a fresh SQLite database, timed,
    with the child's max RSS; then the stored questions counted."""
    import os
    import sqlite3

    database = Path(tmp) / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    flask = [sys.executable, "-m", "flask", "--app", "quiz"]
    subprocess.run([*flask, "init-db"], env=env, cwd=ROOT, check=True, capture_output=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([*flask, "import-bank", str(path), "--bank", "bench"], env=env,
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    with sqlite3.connect(database) as conn:
        stored = conn.execute("SELECT count(*) FROM question").fetchone()[0]
    return {"seconds": seconds, "rss": rss if rss > before * 1024 else None,
            "stored": stored, "ok": done.returncode == 0 and stored == expected,
            "output": done.stdout + done.stderr}


def mb(size: float) -> str:
    return f"{size / MB:.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs; the best counts")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "PATH", "MODE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, mode = args.child
        print(json.dumps(child(kind, Path(path), mode, args.repeat)))
        return 0

    big = max(args.questions, 5)
    sizes = (big, big // 5)
    failures = []
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        drafts = generate(big)
        files = {}
        sizes_on_disk = {}
        for n in sizes:
            started = time.perf_counter()
            data = write_xlsx(drafts[:n])
            written = time.perf_counter() - started
            files[n] = Path(tmp) / f"bank-{n}.xlsx"
            files[n].write_bytes(data)
            sizes_on_disk[n] = len(data)
            print(f"exported {n} questions with write_xlsx in {written:.2f} s: "
                  f"{len(data) / MB:.2f} MB")
        for n in sizes:
            expected = digest(drafts[:n])
            for kind in ("ours", "bare"):
                timed = measure(kind, files[n], "time", args.repeat)
                traced = measure(kind, files[n], "mem", 1)
                rows.append((n, kind, timed, traced))
                if timed["count"] != n:
                    failures.append(f"{kind} at {n}: read {timed['count']} questions")
                if kind == "ours":
                    if timed["issues"] or traced["issues"]:
                        failures.append(f"ours at {n}: issues {timed['issues']}")
                    if timed["digest"] != expected:
                        failures.append(f"ours at {n}: the questions read differ")
        stored = cli_import(files[big], tmp, big)
        if not stored["ok"]:
            failures.append(f"import-bank stored {stored['stored']} of {big}:\n"
                            + stored["output"][-2000:])

    print()
    print(f"{'questions':>9}  {'reader':<6} {'time s':>7} {'q/s':>8} {'tracemalloc peak':>16} "
          f"{'of it kept':>10} {'max RSS':>8} {'RSS growth':>10}  progress")
    for n, kind, timed, traced in rows:
        progress = (f"{timed['progress_calls']} calls, last {timed['progress_last']}"
                    if kind == "ours" else "")
        print(f"{n:>9}  {kind:<6} {timed['seconds']:>7.3f} {n / timed['seconds']:>8.0f} "
              f"{traced['peak'] / MB:>13.1f} MB {traced['retained'] / MB:>7.1f} MB "
              f"{timed['rss'] / MB:>5.0f} MB {timed['rss_growth'] / MB:>7.1f} MB  {progress}")
    by = {(n, kind): (timed, traced) for n, kind, timed, traced in rows}
    print()
    for n in sizes:
        ours, bare = by[(n, "ours")][0], by[(n, "bare")][0]
        print(f"time ours/bare at {n}: {ours['seconds'] / bare['seconds']:.2f}x")
    for kind in ("ours", "bare"):
        (big_t, big_m), (small_t, small_m) = by[(sizes[0], kind)], by[(sizes[1], kind)]
        work_big, work_small = (m["peak"] - m["retained"] for m in (big_m, small_m))
        print(f"memory {kind} at {sizes[0]} vs {sizes[1]} (5x the questions): "
              f"tracemalloc peak {mb(big_m['peak'])} vs {mb(small_m['peak'])} "
              f"({big_m['peak'] / small_m['peak']:.2f}x); result kept "
              f"{mb(big_m['retained'])} vs {mb(small_m['retained'])}; working (peak minus "
              f"kept) {mb(work_big)} vs {mb(work_small)} ({work_big / work_small:.2f}x); "
              f"max RSS {mb(big_t['rss'])} vs {mb(small_t['rss'])} "
              f"({big_t['rss'] / small_t['rss']:.2f}x)")
    rss = f", max RSS {mb(stored['rss'])}" if stored["rss"] else ""
    print(f"flask import-bank of {big} questions into a new SQLite database (read, check, "
          f"store in one transaction): {stored['seconds']:.2f} s{rss}, "
          f"{stored['stored']} stored")
    kept = by[(sizes[0], "ours")][1]["retained"] / sizes[0]
    print(f"the parse result holds {kept / 1024:.2f} KB per question; the file is "
          f"{sizes_on_disk[sizes[0]] / sizes[0]:.0f} bytes per question")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        return 1
    print(f"\nOK: every parse read exactly its questions ({sizes[0]} and {sizes[1]}), "
          "no issues.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
