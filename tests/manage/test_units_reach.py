"""Who may do what on the units pages: every route for the six people of the reach matrix
(a visitor, a participant of A, the organizers of A, of its sibling B and of their parent P,
an admin). A unit outside reach answers 404, as one that does not exist; the page is not for
a participant (403); a visitor is sent to log in.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Role, Unit, User
from quiz.services import unit_admin, unit_uploads
from quiz.services.reach import reach_of
from tests.conftest import AuthActions
from tests.services.test_unit_import import csv_file
from tests.test_reach_matrix import PEOPLE, _client, world  # noqa: F401

NOT_STAFF = {"visitor": 302, "participant": 403}
#: A unit below A (A1): organizers of A and P and the admin reach it, B's organizer does not.
BELOW_A = {**NOT_STAFF, "organizer_a": 200, "organizer_b": 404, "organizer_p": 200,
           "admin": 200}
BY_CODE = {
    "A1": BELOW_A,
    "A": BELOW_A,
    "P": {**NOT_STAFF, "organizer_a": 404, "organizer_b": 404, "organizer_p": 200,
          "admin": 200},
}
EVERY_STAFF = {**NOT_STAFF, "organizer_a": 200, "organizer_b": 200, "organizer_p": 200,
               "admin": 200}


@pytest.fixture
def units_world(world, make_unit, db):  # noqa: F811
    a = db.session.scalar(sa.select(Unit).where(Unit.code == "A"))
    make_unit("东街社区", parent=a, code="A1", kind="community")
    retired = make_unit("西街社区", parent=a, code="A2", kind="community")
    with write_transaction():
        unit_admin.retire_unit(reach_of(world["people"]["admin"]), retired,
                               dt.datetime(2026, 6, 1))
        pending = unit_uploads.hold_unit_file(world["people"]["organizer_a"], "u.csv",
                                              csv_file("A9,新社区,A,社区,1"))
    return {**world, "unit_file": pending.id}


def _unit(db, code: str) -> Unit:
    db.session.expire_all()
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def _check(response, expected: int, who: str, url: str) -> None:
    assert response.status_code == expected, (who, url, response.status_code)
    if who == "visitor":
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("who", PEOPLE)
def test_unit_pages_by_role_and_unit(app, units_world, who):
    client = _client(app, units_world, who)
    for code, statuses in BY_CODE.items():
        for url in (f"/manage/units?unit={code}", f"/manage/units/new?parent={code}",
                    f"/manage/units/{code}/edit", f"/manage/units/{code}/move",
                    f"/manage/units/{code}/organizers"):
            _check(client.get(url), statuses[who], who, url)
    for url in ("/manage/units", "/manage/units?q=镇", "/manage/units/new",
                "/manage/unit-files/import", "/manage/unit-files/export.xlsx"):
        _check(client.get(url), EVERY_STAFF[who], who, url)


@pytest.mark.parametrize("who", PEOPLE)
def test_a_held_unit_file_is_its_uploaders_alone(app, units_world, who):
    client = _client(app, units_world, who)
    token = units_world["unit_file"]
    expected = {**NOT_STAFF, "organizer_a": 200}.get(who, 404)
    _check(client.get(f"/manage/unit-files/{token}"), expected, who, "preview")
    form = {"csrf_token": AuthActions(client).token()}
    expected = {**NOT_STAFF, "organizer_a": 302}.get(who, 404)
    _check(client.post(f"/manage/unit-files/{token}/cancel", data=form), expected, who,
           "cancel")
    _check(client.post(f"/manage/unit-files/{token}/confirm", data=form),
           {**NOT_STAFF}.get(who, 404), who, "confirm after the cancel")


def test_the_uploader_confirms_their_held_file(app, units_world, db):
    client = _client(app, units_world, "organizer_a")
    token = units_world["unit_file"]
    response = client.post(f"/manage/unit-files/{token}/confirm",
                           data={"csrf_token": AuthActions(client).token()})
    assert response.status_code == 302 and _unit(db, "A9").parent_id == _unit(db, "A").id


REACHING_A = {"organizer_a", "organizer_p", "admin"}
#: A change that succeeds redirects (302), as a visitor is sent to log in; outside reach 404.
CHANGE = {**NOT_STAFF, "organizer_a": 302, "organizer_b": 404, "organizer_p": 302,
          "admin": 302}


@pytest.mark.parametrize("who", PEOPLE)
def test_changes_to_a_unit_below_a_by_role(app, units_world, who, db):
    client = _client(app, units_world, who)
    token = AuthActions(client).token()
    participant = units_world["people"]["participant"]
    posts = {
        "/manage/units/new": {"code": "A1x", "name": "新组", "kind": "other", "parent": "A1",
                              "headcount": "3"},
        "/manage/units/A1/edit": {"name": "东街", "kind": "community", "headcount": "9"},
        "/manage/units/A1/organizers/new": {"name": "赵六", "phone": "13800001111",
                                           "password": "secret123"},
        "/manage/units/A1/retire": {},  # after the account: a retired unit takes nobody new
        "/manage/units/A2/restore": {},
        "/manage/units/A/organizers/appoint": {"phone": participant.phone, "role": "admin"},
    }
    #: A's organizer appoints below A only: a person of A would be a peer.
    appoint = {**CHANGE, "organizer_a": 422}
    for url, fields in posts.items():
        expected = (appoint if url.endswith("/appoint") else CHANGE)[who]
        _check(client.post(url, data={"csrf_token": token, **fields}), expected, who, url)
    changed = who in REACHING_A
    assert (_unit(db, "A1x") is not None) == changed
    assert (_unit(db, "A1").name == "东街") == changed
    assert _unit(db, "A1").is_retired == changed and _unit(db, "A2").is_retired != changed
    role = db.session.get(User, participant.id).role
    assert role == ("organizer" if who in {"organizer_p", "admin"} else "participant")
    new = db.session.scalar(sa.select(User).where(User.phone == "13800001111"))
    assert (new is not None and new.role == "organizer") == changed


@pytest.mark.parametrize("who", PEOPLE)
def test_moves_by_role(app, units_world, who, db):
    client = _client(app, units_world, who)
    token = AuthActions(client).token()
    # A1 below B: only P's organizer and the admin reach both (A's organizer: B is beyond).
    expected = {**CHANGE, "organizer_a": 404}[who]
    _check(client.post("/manage/units/A1/move", data={"csrf_token": token, "parent": "B"}),
           expected, who, "move A1")
    assert (_unit(db, "A1").parent_id == _unit(db, "B").id) == (who in {"organizer_p", "admin"})
    # A's organizer cannot move their own unit, even within it; P's organizer can move A.
    own = {**NOT_STAFF, "organizer_a": 422, "organizer_b": 404, "organizer_p": 302,
           "admin": 302}[who]
    _check(client.post("/manage/units/A/move", data={"csrf_token": token, "parent": "B"}),
           own, who, "move A")
    assert (_unit(db, "A").parent_id == _unit(db, "B").id) == (who in {"organizer_p", "admin"})


@pytest.mark.parametrize("who", ["organizer_a", "organizer_b"])
def test_nothing_is_added_or_appointed_above_or_beside_an_organizers_unit(app, units_world,
                                                                          who, db):
    client = _client(app, units_world, who)
    token = AuthActions(client).token()
    for parent in ("P", "" if who == "organizer_a" else "A"):
        response = client.post("/manage/units/new", data={
            "csrf_token": token, "code": "X1", "name": "外单位", "kind": "other",
            "parent": parent, "headcount": "0"})
        assert response.status_code in (404, 422) and _unit(db, "X1") is None
    for url in ("/manage/units/P/organizers/new", "/manage/units/P/organizers/appoint"):
        response = client.post(url, data={"csrf_token": token, "name": "钱七",
                                          "phone": "13800002222", "password": "secret123"})
        assert response.status_code == 404
    assert db.session.scalar(sa.select(User).where(User.phone == "13800002222")) is None


@pytest.mark.parametrize("who", PEOPLE)
def test_uploading_a_unit_file_by_role(app, units_world, who, db):
    client = _client(app, units_world, who)
    response = client.post("/manage/unit-files/import", content_type="multipart/form-data",
                           data={"csrf_token": AuthActions(client).token(),
                                 "file": (io.BytesIO(csv_file("A1,东街,A,社区,5")), "u.csv")})
    _check(response, {**NOT_STAFF}.get(who, 302), who, "upload")
    if response.status_code != 302 or who == "visitor":
        return
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    # B's organizer may not touch A1: an error by row and column, and no import button.
    assert ("不在您的管理范围内" in preview) == (who == "organizer_b")
    assert ("/confirm" in preview) == (who != "organizer_b")


def test_the_role_of_an_admin_is_not_given_from_the_console(app, units_world, db):
    client = _client(app, units_world, "admin")
    html = client.get("/manage/units/A/organizers").get_data(as_text=True)
    assert 'name="role"' not in html and "flask create-user" in html
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == Role.admin.value)) == 1
