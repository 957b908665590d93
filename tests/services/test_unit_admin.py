"""The console's unit rules, without pages: reach, validation, moves with the subtree,
retiring and restoring, registration refusing retired units, files within reach."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Role, Unit, User
from quiz.services import accounts, unit_admin, unit_uploads, units
from quiz.services.errors import (
    InvalidFields,
    NotFound,
    QuizError,
    UnknownUnit,
    ValidationFailed,
)
from quiz.services.reach import reach_of
from tests.services.test_unit_import import csv_file

NOW = dt.datetime(2026, 6, 10, 2, 0, 0)


@pytest.fixture
def tree(make_unit, make_user):
    """P (county) with A and B (towns); A1 and A2 below A; A1a below A1."""
    p = make_unit("平安县", code="P", kind="county")
    a = make_unit("城关镇", parent=p, code="A", kind="township")
    b = make_unit("河山镇", parent=p, code="B", kind="township")
    a1 = make_unit("东街社区", parent=a, code="A1", kind="community")
    a2 = make_unit("西街社区", parent=a, code="A2", kind="community")
    a1a = make_unit("一组", parent=a1, code="A1a", kind="other")
    return {"P": p, "A": a, "B": b, "A1": a1, "A2": a2, "A1a": a1a,
            "admin": make_user(unit=p, role=Role.admin),
            "org_a": make_user(unit=a, role=Role.organizer)}


def write(call, *args, **kwargs):
    with write_transaction():
        return call(*args, **kwargs)


def fresh(db, code: str) -> Unit:
    db.session.expire_all()
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def field_errors(error: QuizError) -> dict[str, str]:
    items = getattr(error, "errors", None) or {error.field: error}
    return {field: str(item.message) for field, item in items.items()}


def test_the_tree_view_shows_the_trail_within_reach_and_the_children(tree):
    view = unit_admin.tree_view(reach_of(tree["org_a"]), "A1")
    assert [u.code for u in view.trail] == ["A", "A1"]  # P is above the organizer's reach
    assert [u.code for u in view.children.units] == ["A1a"]
    admin_view = unit_admin.tree_view(reach_of(tree["admin"]), "A")
    assert [u.code for u in admin_view.trail] == ["P", "A"]
    assert admin_view.children.child_counts == {tree["A1"].id: 1}


def test_an_organizer_sees_their_own_unit_first_and_nothing_beside_it(tree):
    reach = reach_of(tree["org_a"])
    assert unit_admin.tree_view(reach, "").unit.code == "A"
    for code in ("P", "B", "NOPE"):
        with pytest.raises(NotFound):
            unit_admin.tree_view(reach, code)


def test_a_search_finds_by_name_or_code_within_reach_with_the_path(tree):
    reach = reach_of(tree["org_a"])
    found = unit_admin.search_units(reach, "街")
    assert [u.code for u in found.units] == ["A1", "A2"]
    assert found.labels[tree["A1"].id] == "城关镇 / 东街社区"
    assert [u.code for u in unit_admin.search_units(reach, "a1").units] == ["A1", "A1a"]
    assert unit_admin.search_units(reach, "河山").total == 0  # B is outside reach
    assert unit_admin.search_units(reach_of(tree["admin"]), "镇").total == 2


def test_a_unit_is_added_below_a_unit_within_reach(db, tree):
    reach = reach_of(tree["org_a"])
    unit = write(unit_admin.add_unit, reach, code="Ａ3", name=" 南街社区 ", kind="community",
                 parent_code="A", headcount="１２０")
    unit = fresh(db, "A3")  # full-width code and digits read as plain ones
    assert (unit.name, unit.headcount, unit.parent_id) == ("南街社区", 120, tree["A"].id)
    assert unit.path == f"{tree['A'].path}{unit.id}/"
    with pytest.raises(QuizError) as outside:
        write(unit_admin.add_unit, reach, code="B9", name="x", kind="other", parent_code="B",
              headcount="0")
    assert (outside.value.field, outside.value.status) == ("parent", 404)
    with pytest.raises(QuizError) as top:
        write(unit_admin.add_unit, reach, code="T9", name="x", kind="other", parent_code="",
              headcount="0")
    assert top.value.field == "parent"  # only an admin adds a top unit
    write(unit_admin.add_unit, reach_of(tree["admin"]), code="T9", name="新县", kind="county",
          parent_code="", headcount="0")
    assert fresh(db, "T9").parent_id is None


def test_every_bad_field_of_a_new_unit_is_named_and_nothing_is_written(db, tree):
    reach = reach_of(tree["admin"])
    with pytest.raises(InvalidFields) as error:
        write(unit_admin.add_unit, reach, code="A1", name="  ", kind="planet",
              parent_code="NOPE", headcount="-5")
    assert set(field_errors(error.value)) == {"code", "name", "kind", "parent", "headcount"}
    assert "A1" in field_errors(error.value)["code"]  # the code is taken
    with pytest.raises(InvalidFields) as error:
        write(unit_admin.add_unit, reach, code="有 空格", name="ok", kind="other",
              parent_code="P", headcount="十二")
    assert set(field_errors(error.value)) == {"code", "headcount"}
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 6


def test_editing_renames_changes_the_kind_and_sets_the_headcount(db, tree):
    write(unit_admin.edit_unit, tree["A1"], name="东街", kind="village", headcount="1,200")
    unit = fresh(db, "A1")
    assert (unit.name, unit.kind, unit.headcount) == ("东街", "village", 1200)
    with pytest.raises(InvalidFields) as error:
        write(unit_admin.edit_unit, unit, name="", kind="village", headcount="abc")
    assert set(field_errors(error.value)) == {"name", "headcount"}
    assert fresh(db, "A1").name == "东街"


def test_a_move_takes_the_whole_subtree_along(db, tree):
    write(unit_admin.move_unit, reach_of(tree["admin"]), tree["A1"], "B")
    b, a1, a1a = fresh(db, "B"), fresh(db, "A1"), fresh(db, "A1a")
    assert a1.parent_id == b.id
    assert a1.path == f"{b.path}{a1.id}/" and a1a.path == f"{a1.path}{a1a.id}/"
    assert fresh(db, "A2").path == f"{fresh(db, 'A').path}{fresh(db, 'A2').id}/"


def test_a_unit_cannot_move_below_itself_or_its_subtree(db, tree):
    reach = reach_of(tree["admin"])
    for target in ("A1", "A1a"):
        with pytest.raises(QuizError) as error:
            write(unit_admin.move_unit, reach, tree["A1"], target)
        assert error.value.field == "parent" and "自身" in str(error.value.message)
    assert fresh(db, "A1").parent_id == tree["A"].id


def test_an_organizer_moves_units_below_their_own_but_never_their_own_or_out(db, tree):
    reach = reach_of(tree["org_a"])
    write(unit_admin.move_unit, reach, tree["A1a"], "A2")
    assert fresh(db, "A1a").parent_id == tree["A2"].id
    with pytest.raises(QuizError) as own:
        write(unit_admin.move_unit, reach, fresh(db, "A"), "B")
    assert own.value.field == "parent" and fresh(db, "A").parent_id == tree["P"].id
    with pytest.raises(NotFound):
        write(unit_admin.move_unit, reach, fresh(db, "A2"), "P")  # above their unit
    with pytest.raises(QuizError):
        write(unit_admin.move_unit, reach, fresh(db, "A2"), "")  # to the top


def test_retiring_takes_the_subtree_and_restoring_brings_it_back(db, tree):
    reach = reach_of(tree["admin"])
    assert write(unit_admin.retire_unit, reach, tree["A1a"], NOW - dt.timedelta(days=1)) == 1
    assert write(unit_admin.retire_unit, reach, fresh(db, "A"), NOW) == 3  # A, A1, A2
    assert all(fresh(db, c).is_retired for c in ("A", "A1", "A2", "A1a"))
    with pytest.raises(QuizError):
        write(unit_admin.restore_unit, reach, fresh(db, "A1"))  # its parent is retired
    assert write(unit_admin.restore_unit, reach, fresh(db, "A")) == 3
    assert not fresh(db, "A1").is_retired and fresh(db, "A1a").is_retired  # retired earlier
    with pytest.raises(QuizError):
        write(unit_admin.add_unit, reach, code="A1b", name="x", kind="other",
              parent_code="A1a", headcount="0")


def test_an_organizer_cannot_retire_their_own_unit(db, tree):
    with pytest.raises(QuizError):
        write(unit_admin.retire_unit, reach_of(tree["org_a"]), tree["A"], NOW)
    assert not fresh(db, "A").is_retired


def test_registration_refuses_a_retired_unit_and_no_longer_offers_it(db, tree, make_user):
    person = make_user(unit=tree["A2"])
    write(unit_admin.retire_unit, reach_of(tree["admin"]), tree["A2"], NOW)
    with pytest.raises(InvalidFields) as error:
        write(accounts.register, "王五", "13912345678", "secret123", "A2")
    assert "已撤销" in field_errors(error.value)["unit_code"]
    assert isinstance(error.value.errors["unit_code"], UnknownUnit)
    assert "A2" not in {u.code for u in units.open_units()}
    # the people of a retired unit keep their account
    assert accounts.authenticate(person.phone, "secret123").id == person.id


def test_an_organizer_appoints_people_of_their_subtree_only(db, tree, make_user):
    below, beside = make_user(unit=tree["A1"]), make_user(unit=tree["B"])
    peer = make_user(unit=tree["A"])
    within = reach_of(tree["org_a"])
    person = write(unit_admin.appoint_organizer, within, tree["A"], f"+86 {below.phone}")
    assert person.role == "organizer" and person.unit_id == tree["A1"].id
    with pytest.raises(NotFound):
        write(unit_admin.appoint_organizer, within, tree["A"], beside.phone)
    with pytest.raises(QuizError):  # no demotion
        write(unit_admin.appoint_organizer, within, tree["A"], tree["admin"].phone)
    with pytest.raises(ValidationFailed) as error:  # a peer would share their reach
        write(unit_admin.appoint_organizer, within, tree["A"], peer.phone)
    assert "above" in str(error.value.message) or "上级" in str(error.value.message)
    assert db.session.get(User, beside.id).role == "participant"
    assert db.session.get(User, peer.id).role == "participant"
    admin = reach_of(tree["admin"])  # an admin may appoint at any unit
    assert write(unit_admin.appoint_organizer, admin, tree["A"], peer.phone).role == "organizer"


def test_a_new_organizer_account_belongs_to_the_unit(db, tree):
    within = reach_of(tree["admin"])
    user = write(unit_admin.new_organizer, within, tree["A1"], name="赵六",
                 phone="13800001111", password="secret123")
    assert (user.role, user.unit_id) == ("organizer", tree["A1"].id)
    with pytest.raises(InvalidFields) as error:
        write(unit_admin.new_organizer, within, tree["A1"], name="", phone="13800001111",
              password="123")
    assert set(field_errors(error.value)) == {"name", "phone", "password"}
    with pytest.raises(ValidationFailed):  # not at the organizer's own unit
        write(unit_admin.new_organizer, reach_of(tree["org_a"]), tree["A"], name="钱七",
              phone="13800002222", password="secret123")


def hold(user, data: bytes, name: str = "units.csv"):
    return write(unit_uploads.hold_unit_file, user, name, data)


def test_an_organizers_file_may_touch_their_subtree_only(db, tree):
    pending = hold(tree["org_a"], csv_file(
        "A,城关镇,P,乡镇/街道,50",   # their own unit, parent unchanged: fine
        "A9,新社区,A,社区,10",       # new below their unit: fine
        "B,河山镇改,P,乡镇/街道,5",  # a sibling: outside
        "B1,新村,B,村,1",            # new below the sibling: outside
        "A2,西街社区,,社区,1",       # to the top: refused
        "A1,东街社区,P,社区,1"))     # moved above their unit: outside
    report, rows = unit_uploads.preview_unit_file(reach_of(tree["org_a"]), pending)
    assert [(issue.row, issue.column) for issue in report.issues] == [
        (4, "单位编码"), (5, "上级单位编码"), (6, "上级单位编码"), (7, "上级单位编码")]
    assert [plan.action for plan in rows][:2] == ["change", "add"]
    report = write(unit_uploads.confirm_unit_file, reach_of(tree["org_a"]), tree["org_a"],
                   pending.id)
    assert not report.stored and fresh(db, "A9") is None and fresh(db, "B").name == "河山镇"


def test_an_organizer_cannot_move_their_own_unit_by_file(db, tree):
    pending = hold(tree["org_a"], csv_file("A,城关镇,B,乡镇/街道,50"))
    report, _rows = unit_uploads.preview_unit_file(reach_of(tree["org_a"]), pending)
    assert [(i.row, i.column) for i in report.issues] == [(2, "上级单位编码")]


def test_a_clean_file_is_stored_on_confirmation_and_the_held_file_dropped(db, tree):
    pending = hold(tree["admin"], csv_file("A1,东街,B,社区,7", "N1,新镇,P,乡镇/街道,3"))
    report, rows = unit_uploads.preview_unit_file(reach_of(tree["admin"]), pending)
    assert report.ok and (report.added, report.renamed, report.moved) == (1, 1, 1)
    assert ("parent", "A", "B") in rows[0].changes
    report = write(unit_uploads.confirm_unit_file, reach_of(tree["admin"]), tree["admin"],
                   pending.id)
    assert report.stored
    a1, a1a = fresh(db, "A1"), fresh(db, "A1a")
    assert a1.parent_id == tree["B"].id and a1a.path.startswith(a1.path)
    with pytest.raises(NotFound):
        unit_uploads.get_unit_file(tree["admin"], pending.id)


def test_a_held_file_is_its_uploaders_alone(tree):
    pending = hold(tree["org_a"], csv_file("A9,新社区,A,社区,10"))
    with pytest.raises(NotFound):
        unit_uploads.get_unit_file(tree["admin"], pending.id)


def test_an_organizers_export_holds_their_subtree_and_imports_back_unchanged(db, tree):
    data = unit_uploads.export_bytes(reach_of(tree["org_a"]), "csv")
    text = data.decode("utf-8-sig")
    assert "城关镇" in text and "河山镇" not in text and "平安县" not in text
    pending = hold(tree["org_a"], data, "units.csv")
    report, _rows = unit_uploads.preview_unit_file(reach_of(tree["org_a"]), pending)
    assert report.ok and report.unchanged == 4 and not report.added
