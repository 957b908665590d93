"""Who may act on whom in the console (quiz.services.people_admin)."""

from __future__ import annotations

import pytest

from quiz.models import Role
from quiz.services import people_admin
from quiz.services.errors import Forbidden, NotFound
from quiz.services.reach import reach_of


@pytest.fixture
def people(make_unit, make_user):
    county = make_unit("平安县", code="P", kind="county")
    town = make_unit("城关镇", parent=county, code="A")
    other = make_unit("河山镇", parent=county, code="B")
    return {"admin": make_user(unit=county, role=Role.admin),
            "org_p": make_user(unit=county, role=Role.organizer),
            "peer": make_user(unit=county, role=Role.organizer),
            "org_a": make_user(unit=town, role=Role.organizer),
            "org_b": make_user(unit=other, role=Role.organizer),
            "alice": make_user(unit=town)}


def test_an_organizer_of_a_sibling_unit_finds_nobody_of_ours(app, people):
    with pytest.raises(NotFound):
        people_admin.person_in_reach(reach_of(people["org_b"]), people["alice"].id)
    page = people_admin.list_people(reach_of(people["org_b"]))
    assert people["alice"].id not in {row.user.id for row in page.rows}


def test_an_organizer_acts_on_staff_below_only(app, people):
    org = people["org_p"]
    allowed = people_admin.allowed_actions(reach_of(org), org, people["org_a"])
    assert allowed["disable"] and allowed["reset"] and allowed["remove"]
    for key in ("peer", "admin"):
        allowed = people_admin.allowed_actions(reach_of(org), org, people[key])
        assert not any(allowed[name] for name in ("disable", "reset", "remove", "move"))
        with pytest.raises(Forbidden):
            people_admin.reset_password(reach_of(org), org, people[key])


def test_the_sole_admin_cannot_demote_themselves(app, people):
    admin = people["admin"]
    with pytest.raises(Forbidden, match="最后一位管理员"):
        people_admin.remove_organizer(reach_of(admin), admin, admin)
    assert admin.role == "admin"


def test_an_organizer_cannot_move_an_organizer_below_into_their_own_unit(app, people):
    org, below = people["org_p"], people["org_a"]
    with pytest.raises(Forbidden):
        people_admin.move_person(reach_of(org), org, below, "P")  # would be a peer
    assert below.unit.code == "A"
    people_admin.move_person(reach_of(org), org, below, "B")  # elsewhere below: fine
    assert below.unit.code == "B"
    people_admin.move_person(reach_of(org), org, people["alice"], "P")  # a participant
    assert people["alice"].unit.code == "P"
