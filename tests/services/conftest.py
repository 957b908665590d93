"""A county for the tests of kept figures (people passed, the week rows)."""

from __future__ import annotations

import pytest

from quiz.models import Role


@pytest.fixture
def place(db, make_unit, make_user, make_quiz, clock):
    """A county C with two townships, T1 (with a village V1) and T2; a quiz of June 2026 of
    8 questions of 5 points that passes at 30; for `tests.helpers.finish_on`."""
    county = make_unit("平安县", code="C", kind="county")
    t1 = make_unit("城关镇", parent=county, code="T1", kind="township")
    t2 = make_unit("河山镇", parent=county, code="T2", kind="township")
    units = {"C": county, "T1": t1, "T2": t2,
             "V1": make_unit("东街社区", parent=t1, code="V1", kind="community")}
    return {"quiz": make_quiz(attempts_per_day=5, pass_mark=30), "units": units,
            "admin": make_user(unit=county, role=Role.admin), "make_user": make_user,
            "make_quiz": make_quiz, "clock": clock, "n": 0}
