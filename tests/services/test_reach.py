"""Reach: an organizer sees their own unit's subtree, an admin everything, a participant no
unit (quiz.services.reach)."""

from __future__ import annotations

import pytest

from quiz.models import Role
from quiz.services.errors import Forbidden, NotFound, ValidationFailed
from quiz.services.reach import reach_of, require_staff


@pytest.fixture
def tree(make_unit):
    """A county with two townships, a village under the first; and a second county."""
    county = make_unit("平安县", code="PA", kind="county")
    town_a = make_unit("城关镇", parent=county, code="PA-A", kind="township")
    village = make_unit("东街社区", parent=town_a, code="PA-A-1", kind="community")
    town_b = make_unit("河山镇", parent=county, code="PA-B", kind="township")
    # PA-A1 shares a prefix of PA-A's code: reach goes by the tree, never by the code
    lookalike = make_unit("城关镇一", parent=county, code="PA-A1", kind="township")
    other = make_unit("邻县", code="LX", kind="county")
    return {"county": county, "a": town_a, "village": village, "b": town_b,
            "lookalike": lookalike, "other": other}


def test_an_organizer_reaches_their_subtree_only(make_user, tree):
    reach = reach_of(make_user(unit=tree["a"], role=Role.organizer))
    assert [name for name, unit in tree.items() if reach.covers(unit)] == ["a", "village"]
    assert reach.unit_by_code("").code == "PA-A"  # their own unit when none is named
    assert reach.unit_by_code("PA-A-1").code == "PA-A-1"
    for code in ("PA", "PA-B", "PA-A1", "LX", "NOPE"):
        with pytest.raises(NotFound):
            reach.unit_by_code(code)


def test_the_reach_of_a_unit_id_prefix_is_not_confused(make_user, make_unit):
    """/1/ must not cover /10/ or /11/."""
    units = [make_unit(f"单位{n}", code=f"N{n}") for n in range(12)]
    reach = reach_of(make_user(unit=units[0], role=Role.organizer))
    assert [u.code for u in units if reach.covers(u)] == [units[0].code]
    assert units[0].path == "/1/" and units[10].path.startswith("/1")


def test_an_admin_reaches_everything(make_user, tree):
    reach = reach_of(make_user(unit=tree["village"], role=Role.admin))
    assert all(reach.covers(unit) for unit in tree.values())
    with pytest.raises(ValidationFailed):  # two trees: no single place to start
        reach.unit_by_code("")


def test_participants_visitors_and_disabled_accounts_reach_nothing(db, make_user, tree):
    participant = make_user(unit=tree["a"])
    assert not any(reach_of(participant).covers(unit) for unit in tree.values())
    assert reach_of(None).is_nothing
    organizer = make_user(unit=tree["a"], role=Role.organizer)
    organizer.is_enabled = False
    assert reach_of(organizer).is_nothing
    with pytest.raises(Forbidden):
        require_staff(participant)


def test_reach_follows_a_unit_that_moves(db, make_user, tree):
    organizer = make_user(unit=tree["b"], role=Role.organizer)
    village = tree["village"]
    assert not reach_of(organizer).covers(village)
    village.parent = tree["b"]
    village.path = f"{tree['b'].path}{village.id}/"
    db.session.commit()
    assert reach_of(organizer).covers(village)


def test_the_sql_clause_selects_the_same_units(db, make_user, tree):
    import sqlalchemy as sa

    from quiz.models import Unit

    for role, unit in ((Role.organizer, tree["a"]), (Role.admin, tree["a"]),
                       (Role.participant, tree["a"])):
        reach = reach_of(make_user(unit=unit, role=role))
        selected = set(db.session.scalars(sa.select(Unit.code).where(reach.units_clause())))
        assert selected == {u.code for u in tree.values() if reach.covers(u)}
