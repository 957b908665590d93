"""Demo participants and their finished attempts, so that a new installation's console has
figures to show: leaderboards, the dashboard, the report, the big screen.

Made through the real services (start, submit) at moments spread over the campaign's days
so far, with a seeded random generator: the same demo every time. A few units are left
without participants, as in a real campaign's first week.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa

from .extensions import db
from .models import Campaign, Question, Unit, User
from .services import attempts
from .services.scoring import to_displayed_keys
from .timeutil import local_date

#: Demo participants' numbers: 139 0000 0001 onwards (never a real subscriber's block
#: in the demo's fiction; the demo accounts use 138 0000 000x).
PHONE_PREFIX = "1390000"
#: Units nobody answers for in the demo (the 未参与单位 list has something to show).
SILENT_UNITS = ("PA-QS-BY", "PA-NY-KS", "PA-KF-WL", "PA-HS-JC")
#: The password of every demo participant (they are for looking at, not for logging in).
DEMO_PASSWORD = "demo-participant-2026"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国海燕"


@dataclass
class AttemptsReport:
    people: int = 0
    attempts: int = 0


def seed_attempts(campaign: Campaign, now: dt.datetime, grace_seconds: int,
                  share: float = 0.05) -> AttemptsReport:
    """Add demo participants (about `share` of each unit's headcount) and their attempts on
    the campaign's days up to `now`; nothing when they exist already. The caller commits."""
    report = AttemptsReport()
    exists = db.session.scalar(sa.select(User.id).where(User.phone.startswith(PHONE_PREFIX)))
    if exists is not None or not campaign.quizzes:
        return report
    quiz = campaign.quizzes[0]
    rng = random.Random(2026)
    today = local_date(now, campaign.timezone)
    days = [campaign.starts_on + dt.timedelta(days=n)
            for n in range((min(today, campaign.ends_on) - campaign.starts_on).days + 1)]
    # The days before today: each demo moment is then in the past, whatever the hour now.
    days = [day for day in days if day < today] or days
    if not days:
        return report
    keys = {q.id: q.answer for q in db.session.scalars(sa.select(Question))}
    units = db.session.scalars(sa.select(Unit).where(Unit.parent_id.is_not(None))
                               .order_by(Unit.code))
    # One password for every demo participant: hashing one each would take most of the time.
    template = User()
    template.set_password(DEMO_PASSWORD)
    number = 0
    for unit in units:
        if unit.code in SILENT_UNITS:
            continue
        for _ in range(max(1, round(unit.headcount * share * rng.uniform(0.4, 1.6)))):
            number += 1
            person = User(name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice(
                (1, 2)))), phone=f"{PHONE_PREFIX}{number:04d}", role="participant", unit=unit)
            person.password_hash = template.password_hash
            person.end_sessions()  # a session token of its own
            db.session.add(person)
            db.session.flush()
            report.people += 1
            skill = rng.uniform(0.45, 0.97)
            for day in sorted(rng.sample(days, min(len(days), rng.choice((1, 1, 2, 3))))):
                report.attempts += _answer(person, quiz, day, skill, keys, rng, now,
                                           grace_seconds)
    return report


def _answer(person: User, quiz, day: dt.date, skill: float, keys: dict, rng: random.Random,
            now: dt.datetime, grace_seconds: int) -> int:
    """One attempt of `person` on `day` (campaign time), each answer right with `skill`."""
    # 8:00 to 21:00 in Shanghai (UTC+8), with the 9:00 rush.
    hour = rng.choice((1, 1, 1, 2, 3, 4, 6, 8, 10, 12))
    start = dt.datetime.combine(day, dt.time(0)) + dt.timedelta(
        hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
    if start > now:
        return 0
    attempt = attempts.start(person, quiz, start, grace_seconds, rng=rng).attempt
    answers = {}
    for item in attempt.questions:
        right = to_displayed_keys(keys[item["id"]], item["order"])
        if rng.random() < skill:
            answers[str(item["id"])] = right
        else:
            wrong = [k for k in "ABCD"[:len(item["order"])] if k not in right]
            answers[str(item["id"])] = rng.choice(wrong) if wrong else right
    used = rng.randrange(90, quiz.time_limit_seconds - 10)
    attempts.submit(person, attempt.id, answers, start + dt.timedelta(seconds=used),
                    grace_seconds)
    return 1
