"""A campaign with figures to check: a tree of four levels, people answering on several days
(some several times, some timed out, one who moved between units, one left unfinished), and
a retired unit. The figure tests of the service, the API, the report and `reconcile` share it.
"""

from __future__ import annotations

import datetime as dt

from quiz.db import write_transaction
from quiz.models import Unit, User
from tests.helpers import correct_answers, wrong_answers
from tests.services.test_attempts import GRACE, start, submit

#: 10:00 in Shanghai on these days (the campaign's time zone).
DAY_10, DAY_11, DAY_15 = dt.date(2026, 6, 10), dt.date(2026, 6, 11), dt.date(2026, 6, 15)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(2, 0))


def build(db, make_unit, make_user, make_quiz, clock) -> dict:
    """The world: {"quiz", "units": {code: Unit}, "people": {name: User}}."""
    quiz = make_quiz(attempts_per_day=5, pass_mark=30)  # 8 questions of 5 points
    county = make_unit("平安县", code="C", kind="county", headcount=0)
    t1 = make_unit("城关镇", parent=county, code="T1", kind="township", headcount=10)
    t2 = make_unit("河山镇", parent=county, code="T2", kind="township", headcount=5)
    units = {
        "C": county, "T1": t1, "T2": t2,
        "V1": make_unit("东街社区", parent=t1, code="V1", kind="community", headcount=20),
        "V2": make_unit("西街社区", parent=t1, code="V2", kind="community", headcount=0),
        "V3": make_unit("河口村", parent=t2, code="V3", kind="village", headcount=8),
        "E": make_unit("河山化工", parent=t2, code="E", kind="enterprise", headcount=4),
        "R": make_unit("旧林场", parent=t2, code="R", kind="enterprise", headcount=50),
    }
    people = {name: make_user(unit=units[code], name=name) for name, code in (
        ("p1", "V1"), ("p2", "V1"), ("p3", "T1"), ("p4", "V3"), ("p5", "R"), ("p6", "V2"),
        ("p7", "V3"))}

    def finish(name, day, right=True, seconds=100, late=False):
        clock.set(_at(day) + dt.timedelta(minutes=15 * finish.n))  # each its own moment
        finish.n += 1
        user = people[name]
        attempt = start(user, quiz, clock)
        clock.advance(600 + GRACE + 1 if late else seconds)
        submit(user, attempt, clock, correct_answers(attempt) if right else wrong_answers(attempt))

    finish.n = 0
    finish("p1", DAY_10)
    finish("p1", DAY_10, right=False)
    finish("p1", DAY_10)
    finish("p1", DAY_11, right=False)
    finish("p2", DAY_11, late=True)  # timed out: scored with nothing saved
    finish("p3", DAY_15, right=False)
    finish("p4", DAY_10)
    finish("p4", DAY_15)
    finish("p5", DAY_10)
    finish("p7", DAY_10, right=False)
    with write_transaction():  # p7 moves to V1: past attempts stay counted in V3
        people["p7"].unit = units["V1"]
    finish("p7", DAY_11)
    clock.set(_at(DAY_15) + dt.timedelta(hours=1))
    start(people["p6"], quiz, clock)  # never finished: not counted
    with write_transaction():
        units["R"].retired_at = _at(DAY_15)
    db.session.commit()
    return {"quiz": quiz, "campaign": quiz.campaign, "units": units, "people": people}


#: What the world adds up to, counted by hand: {code: (headcount, participants, attempts,
#: passed people)} over the whole campaign.
TOTALS = {
    "V1": (20, 3, 6, 2),   # p1 ×4 (passed), p2 ×1 (timed out), p7 ×1 (after the move, passed)
    "V2": (0, 0, 0, 0),
    "T1": (30, 4, 7, 2),   # V1 + V2 + its own p3 (failed); 10 + 20 + 0 expected
    "V3": (8, 2, 3, 1),    # p4 ×2 (passed), p7 ×1 (before the move, failed)
    "E": (4, 0, 0, 0),
    "R": (0, 1, 1, 1),     # retired: expects no one, its past attempt still counts
    "T2": (17, 3, 4, 2),   # 5 + 8 + 4 (+ 0 for the retired unit)
    "C": (47, 7, 11, 4),
}

#: The week of 15 June (Monday) only: p3 in T1 and p4 in V3.
WEEK_15 = {"T1": (1, 1, 0), "V3": (1, 1, 1), "C": (2, 2, 1), "V1": (0, 0, 0)}


def unit_of(world: dict, code: str) -> Unit:
    return world["units"][code]


def person(world: dict, name: str) -> User:
    return world["people"][name]


def move_and_answer(world: dict, clock, code: str, parent: str, name: str) -> None:
    """Move a unit below another (as an admin), then let one of its people answer again."""
    from quiz.services import unit_admin
    from quiz.services.reach import reach_of

    with write_transaction():
        unit_admin.move_unit(reach_of(world["admin"]), world["units"][code], parent)
    answer(world, clock, name)


def answer(world: dict, clock, name: str) -> None:
    """One of the world's people answers again on DAY_15: full marks in 60 s."""
    clock.set(dt.datetime.combine(DAY_15, dt.time(6, 0)))
    user = world["people"][name]
    attempt = start(user, world["quiz"], clock)
    clock.advance(60)
    submit(user, attempt, clock, correct_answers(attempt))
