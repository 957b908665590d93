"""The scale run's people and finished attempts, generated and written in bulk, with the
kept tables the app would have kept for them (unit_counter, unit_day_counter,
unit_week_counter, participation, participation_day, participation_week, question_counter,
person_best), added up in Python as the attempts are made.

Each attempt is shaped as the app stores one (quiz/services/drawing.py, attempts.py,
scoring.py): the questions drawn in type order with their displayed option order, the
answers as displayed keys, points per question, the ids answered correctly. The JSON text
is what json.dumps makes of those values (SQLAlchemy's JSON type stores exactly that), put
together from fragments made once per question and option order. Attempts are written a
day at a time, in the order they started.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from quiz.extensions import db
from quiz.models import OPTION_KEYS, QUESTION_COUNTER_SHARDS, Question, Unit
from quiz.services.periods import monday_of
from quiz.services.scoring import to_displayed_keys

from . import scale_county as county
from .scale_plan import attempt_counts, days_of, split

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁郑谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海燕红玉兰志文斌鹏飞"
#: Local start hours and their weights: the 9:00 rush, lunch, the evening.
HOURS = (8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21)
HOUR_WEIGHTS = (4, 10, 7, 5, 6, 4, 4, 4, 3, 3, 4, 6, 8, 5)
#: Asia/Shanghai is UTC+8 all year.
UTC_OFFSET = 8 * 3600
TIMED_OUT = 0.03

ATTEMPT_COLUMNS = ("id", "user_id", "quiz_id", "campaign_id", "unit_id", "unit_path",
                   "local_day", "status", "started_at", "deadline_at", "finished_at",
                   "questions", "answers", "points", "correct", "score", "max_score",
                   "correct_count", "answered_count", "passed")
USER_COLUMNS = ("id", "name", "phone", "password_hash", "unit_id", "role", "is_enabled",
                "created_at", "session_token", "must_change_password")
COUNTS = ("participants", "attempts", "answers", "correct_answers", "score_sum",
          "passed_attempts", "passed_people")
#: The tables written here; their secondary indexes are built after the rows are in.
TABLES = ("user_account", "attempt", "unit_counter", "unit_day_counter", "unit_week_counter",
          "participation", "participation_day", "participation_week", "question_counter",
          "person_best")


@dataclass(frozen=True)
class Shape:
    people: int
    attempts: int
    days: int
    seed: int


@dataclass
class Drawable:
    """One question as attempts draw it: a JSON fragment per displayed option order, and
    the answers fragments (right, and wrong ones) for that order."""

    qid: int
    type: str
    variants: list[tuple[str, str, list[str]]]
    points_right: str
    points_wrong: str
    correct: str
    #: Where its counters start in Generator.counters (one per shard).
    slot: int = 0


def stamp(day: dt.date, seconds: int) -> str:
    """A naive-UTC moment as SQLAlchemy stores a DateTime on SQLite (PostgreSQL takes it)."""
    day = day + dt.timedelta(days=seconds // 86400)
    seconds %= 86400
    return (f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:"
            f"{seconds % 60:02d}.000000")


def _drawables(quiz_shuffles: bool = True) -> dict[str, list[Drawable]]:
    """The bank's questions by type, each with every displayed order it can be shown in."""
    by_type: dict[str, list[Drawable]] = defaultdict(list)
    for q in db.session.scalars(sa.select(Question).order_by(Question.id)):
        keys = OPTION_KEYS[:len(q.options)]
        orders = (["".join(p) for p in itertools.permutations(keys)]
                  if q.type != "judge" and quiz_shuffles else [keys])
        variants = []
        for order in orders:
            fragment = json.dumps({"id": q.id, "v": q.version, "type": q.type,
                                   "order": order, "points": county.POINTS})
            right = to_displayed_keys(q.answer, order)
            wrong = _wrong_answers(q.type, right, len(keys))
            variants.append((fragment, f'"{q.id}": "{right}"',
                             [f'"{q.id}": "{w}"' for w in wrong]))
        by_type[q.type].append(Drawable(q.id, q.type, variants, f'"{q.id}": {county.POINTS}',
                                        f'"{q.id}": 0', f'"{q.id}"'))
    return by_type


def _wrong_answers(qtype: str, right: str, n: int) -> list[str]:
    keys = OPTION_KEYS[:n]
    if qtype != "multiple":
        return [k for k in keys if k != right]
    # A key left out, or one too many: the usual ways to get a multiple choice wrong.
    wrong = {right.replace(k, "") for k in right if len(right) > 1}
    wrong |= {"".join(sorted(right + k)) for k in keys if k not in right}
    return sorted(wrong - {right, ""})


def _pick(random, pool: list, n: int) -> list:
    """`n` different items of `pool` in random order (random.sample, made faster for a few
    of a few hundred: it is called three times per attempt)."""
    size, seen, picked = len(pool), set(), []
    while len(picked) < n:
        i = int(random() * size)
        if i not in seen:
            seen.add(i)
            picked.append(pool[i])
    return picked


class Generator:
    """The people of one shape and their attempts, with the kept tables beside them."""

    def __init__(self, ids: dict, shape: Shape):
        self.shape = shape
        self.rng = random.Random(shape.seed)
        self.campaign_id, self.quiz_id = ids["campaign_id"], ids["quiz_id"]
        self.first_day = county.FIRST_DAY
        self.drawables = _drawables()
        specs = {spec.code: spec for spec in county.unit_specs()}
        self.units = [(u.id, u.path, specs[u.code].headcount * specs[u.code].turnout)
                      for u in db.session.scalars(sa.select(Unit).order_by(Unit.id))]
        self.first_user = ids["admin_id"] + 1
        self.shards = QUESTION_COUNTER_SHARDS
        # Each question's counters per shard, at its slot: a list, not a dict, for speed.
        for slot, item in enumerate(item for items in self.drawables.values() for item in items):
            item.slot = slot * self.shards
        self.slots = (slot + 1) * self.shards

    def people(self):
        """user_account rows (participants; one password hash for all: hashing is not what
        is measured, and none of them logs in), and each person's plan."""
        rng, shape = self.rng, self.shape
        per_unit = split(shape.people, [w for _, _, w in self.units])
        counts = attempt_counts(rng, shape.people, shape.attempts, shape.days * county.PER_DAY)
        hashed = generate_password_hash("not-for-logging-in-" + str(rng.random()))
        created = stamp(self.first_day - dt.timedelta(days=1), 0)
        rows, self.plan = [], []
        number = 0
        for (unit_id, path, _), n in zip(self.units, per_unit, strict=True):
            for _ in range(n):
                user_id = self.first_user + number
                name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
                rows.append((user_id, name, f"15{number:09d}", hashed, unit_id, "participant",
                             1, created, f"{rng.getrandbits(128):032x}", 0))
                self.plan.append((user_id, unit_id, path, rng.uniform(0.4, 0.9),
                                  days_of(rng, counts[number], shape.days)))
                number += 1
        return rows

    def attempts(self, write) -> dict[str, list[tuple]]:
        """Make every attempt, calling write(rows) once per day (rows in start order);
        return the kept tables' rows."""
        by_day: dict[int, list[int]] = defaultdict(list)
        for person, (*_, days) in enumerate(self.plan):
            for day, _n in days:
                by_day[day].append(person)
        n_people = len(self.plan)
        self.best: list[tuple | None] = [None] * n_people
        self.passed = [False] * n_people
        self.taken = [0] * n_people
        self.counters = [[0, 0, 0] for _ in range(self.slots)]
        self.unit_totals = defaultdict(lambda: [0] * len(COUNTS))
        self.unit_days: list[tuple] = []
        self.first_seen: list[int] = []
        self.people_days: list[tuple] = []
        # Per calendar week (its Monday): {(unit id, path, week): counts}, and
        # {(person, week): passed}, both in the order the submits would have made them.
        self.unit_weeks = defaultdict(lambda: [0] * len(COUNTS))
        self.person_weeks: dict[tuple[int, str], bool] = {}
        for day in range(self.shape.days):
            rows = []
            unit_day = defaultdict(lambda: [0] * len(COUNTS))
            for person in by_day.get(day, ()):
                rows.extend(self._person_day(person, day, unit_day))
            rows.sort(key=lambda row: row[8])  # by started_at, as they were taken
            write(rows)
            local_day = self.first_day + dt.timedelta(days=day)
            week = monday_of(local_day).isoformat()
            for (unit_id, path), values in unit_day.items():
                self.unit_days.append((self.campaign_id, path, unit_id, local_day.isoformat(),
                                       *values))
                weekly = self.unit_weeks[(unit_id, path, week)]
                for i in range(1, 6):  # attempts to passed attempts: added up over the days
                    weekly[i] += values[i]
        return self._kept()

    def _person_day(self, person: int, day: int, unit_day) -> list[tuple]:
        rng = self.rng
        user_id, unit_id, path, skill, days = self.plan[person]
        count = dict(days)[day]
        local_day = self.first_day + dt.timedelta(days=day)
        # Local seconds after midnight; the last attempt ends before 22:40.
        latest = 22 * 3600 + 30 * 60 - count * 1500
        clock = min(rng.choices(HOURS, HOUR_WEIGHTS)[0] * 3600 + rng.randrange(3600),
                    max(8 * 3600, latest))
        rows, passed_today = [], False
        totals, daily = self.unit_totals[(unit_id, path)], unit_day[(unit_id, path)]
        for _ in range(count):
            start = clock - UTC_OFFSET  # the campaign's zone is UTC+8
            row, score, used, finished = self._attempt(user_id, unit_id, path, local_day,
                                                        start, skill + 0.005 * self.taken[person])
            rows.append(row)
            self.taken[person] += 1
            passed = row[-1]
            passed_today |= bool(passed)
            key = (-score, used, finished, row[0])
            if self.best[person] is None or key < self.best[person][0]:
                self.best[person] = (key, row[0], finished)
            for values in (totals, daily):
                values[1] += 1
                values[2] += row[18]
                values[3] += row[17]
                values[4] += score
                values[5] += passed
            # The next one after a pause, still the same day (before midnight there).
            later = clock + used + rng.randrange(120, 5400)
            clock = later if later <= 23 * 3600 else clock + used + 60
        if self.taken[person] == count:
            totals[0] += 1  # the person's first day: one more participant of the unit
            self.first_seen.append(person)
        daily[0] += 1
        daily[6] += int(passed_today)  # people passed that day
        if passed_today and not self.passed[person]:
            totals[6] += 1  # the person's first pass: one more person passed in the unit
        self.passed[person] |= passed_today
        week = monday_of(local_day).isoformat()
        weekly = self.unit_weeks[(unit_id, path, week)]
        if (person, week) not in self.person_weeks:
            weekly[0] += 1  # the person's first day of the week
            self.person_weeks[(person, week)] = False
        if passed_today and not self.person_weeks[(person, week)]:
            weekly[6] += 1
            self.person_weeks[(person, week)] = True
        self.people_days.append((self.campaign_id, path, unit_id, local_day.isoformat(),
                                 user_id, int(passed_today)))
        return rows

    def _attempt(self, user_id, unit_id, path, local_day, start, skill):
        rng, counters, random = self.rng, self.counters, self.rng.random
        attempt_id = f"{rng.getrandbits(128):032x}"
        shard = int(attempt_id[:4], 16) % self.shards
        timed_out = random() < TIMED_OUT
        # Timed out: the answers saved before the time ran out (the first ones shown).
        answered_up_to = rng.randint(8, 19) if timed_out else 20
        skips = random() < 0.02
        q_parts, a_parts, p_parts, c_parts = [], [], [], []
        position = 0
        for qtype, n in county.RULES:
            for item in _pick(random, self.drawables[qtype], n):
                variants = item.variants
                fragment, right, wrongs = variants[int(random() * len(variants))]
                q_parts.append(fragment)
                counted = counters[item.slot + shard]
                counted[0] += 1
                answered = position < answered_up_to and not (skips and random() < 0.1)
                right_here = answered and random() < skill
                if answered:
                    a_parts.append(right if right_here else wrongs[int(random() * len(wrongs))])
                    counted[1] += 1
                if right_here:
                    c_parts.append(item.correct)
                    p_parts.append(item.points_right)
                    counted[2] += 1
                else:
                    p_parts.append(item.points_wrong)
                position += 1
        correct = len(c_parts)
        score = correct * county.POINTS
        used = county.TIME_LIMIT if timed_out else rng.randint(90, county.TIME_LIMIT - 10)
        seconds = (local_day - self.first_day).days * 86400 + start
        started = stamp(self.first_day, seconds)
        deadline = stamp(self.first_day, seconds + county.TIME_LIMIT)
        finished = stamp(self.first_day, seconds + used)
        passed = int(score >= county.PASS_MARK)
        row = (attempt_id, user_id, self.quiz_id, self.campaign_id, unit_id, path,
               local_day.isoformat(), "timed_out" if timed_out else "submitted", started,
               deadline, finished, "[" + ", ".join(q_parts) + "]",
               "{" + ", ".join(a_parts) + "}", "{" + ", ".join(p_parts) + "}",
               "[" + ", ".join(c_parts) + "]", score, 20 * county.POINTS, correct,
               len(a_parts), passed)
        return row, score, used, finished

    def _kept(self) -> dict[str, list[tuple]]:
        """The kept tables' rows in the order the app would have inserted them (a row is
        made by the first attempt it counts), so that they lie in the file as a live
        database's do: a unit's rows spread over the month, not side by side."""
        campaign = self.campaign_id
        unit_counter = [(campaign, path, unit_id, *values)
                        for (unit_id, path), values in self.unit_totals.items()]
        participation, best = [], []
        for i in self.first_seen:
            user_id, unit_id, path, *_ = self.plan[i]
            participation.append((campaign, path, unit_id, user_id, int(self.passed[i])))
            (minus_score, used, _f, _id), attempt_id, finished = self.best[i]
            best.append((campaign, user_id, attempt_id, unit_id, path, -minus_score, used,
                         finished))
        people_weeks = []
        for (person, week), passed in self.person_weeks.items():
            user_id, unit_id, path, *_ = self.plan[person]
            people_weeks.append((campaign, path, unit_id, week, user_id, int(passed)))
        unit_weeks = [(campaign, path, unit_id, week, *values)
                      for (unit_id, path, week), values in self.unit_weeks.items()]
        question_counter = [(campaign, item.qid, shard, *self.counters[item.slot + shard])
                            for items in self.drawables.values() for item in items
                            for shard in range(self.shards)
                            if self.counters[item.slot + shard][0]]
        return {"unit_counter": unit_counter, "unit_day_counter": self.unit_days,
                "unit_week_counter": unit_weeks, "participation": participation,
                "participation_day": self.people_days, "participation_week": people_weeks,
                "question_counter": question_counter, "person_best": best}


KEPT_COLUMNS = {
    "unit_counter": ("campaign_id", "unit_path", "unit_id", *COUNTS),
    "unit_day_counter": ("campaign_id", "unit_path", "unit_id", "day", *COUNTS),
    "unit_week_counter": ("campaign_id", "unit_path", "unit_id", "week", *COUNTS),
    "participation": ("campaign_id", "unit_path", "unit_id", "user_id", "passed"),
    "participation_day": ("campaign_id", "unit_path", "unit_id", "day", "user_id", "passed"),
    "participation_week": ("campaign_id", "unit_path", "unit_id", "week", "user_id",
                           "passed"),
    "question_counter": ("campaign_id", "question_id", "shard", "drawn", "answered",
                         "correct"),
    "person_best": ("campaign_id", "user_id", "attempt_id", "unit_id", "unit_path", "score",
                    "duration_seconds", "finished_at"),
}


def load(bulk, generator: Generator, clock) -> dict:
    """Write `generator`'s people and attempts with `bulk` (a bench.scale_write writer), the
    kept tables after, then the indexes; {"rows": per table, "seconds": per step}."""
    loaded = SimpleNamespace(rows={}, seconds={})
    began = clock()
    bulk.drop_indexes(TABLES)
    users = generator.people()
    bulk.insert("user_account", USER_COLUMNS, users)
    loaded.rows["user_account"] = len(users)
    written = 0

    def write(rows):
        nonlocal written
        bulk.insert("attempt", ATTEMPT_COLUMNS, rows)
        written += len(rows)

    kept = generator.attempts(write)
    loaded.rows["attempt"] = written
    loaded.seconds["generate_and_insert"] = clock() - began
    began = clock()
    for table, rows in kept.items():
        bulk.insert(table, KEPT_COLUMNS[table], rows)
        loaded.rows[table] = len(rows)
    loaded.seconds["kept_tables"] = clock() - began
    began = clock()
    bulk.restore_indexes()
    loaded.seconds["indexes"] = clock() - began
    began = clock()
    bulk.finish()
    loaded.seconds["finish"] = clock() - began
    return vars(loaded)
