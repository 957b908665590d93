"""A person's own account page: name, unit (an open unit) and password."""

from __future__ import annotations

import pytest

from quiz.extensions import db
from quiz.models import Role, User
from tests.conftest import AuthActions, csrf_from
from tests.manage.test_accounts import fresh_client


@pytest.fixture
def units(make_unit):
    county = make_unit("平安县", code="P", kind="county")
    return {"county": county, "a": make_unit("城关镇", parent=county, code="A"),
            "b": make_unit("河山镇", parent=county, code="B")}


def _logged_in(app, user):
    client = fresh_client(app)
    assert AuthActions(client).login(user.phone).status_code == 302
    return client, csrf_from(client.get("/auth/account").get_data(as_text=True))


def test_a_participant_changes_their_name_and_unit(app, units, make_user):
    user = make_user(unit=units["a"], name="张三")
    client, token = _logged_in(app, user)
    page = client.get("/auth/account").get_data(as_text=True)
    assert "河山镇" in page and "仍计入" in page  # the units offered; attempts stay counted
    response = client.post("/auth/account/profile", data={"csrf_token": token,
                                                          "name": "张三丰", "unit_code": "B"})
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    db.session.refresh(user)
    assert (user.name, user.unit.code) == ("张三丰", "B")


def test_an_unknown_unit_or_an_empty_name_is_refused(app, units, make_user):
    user = make_user(unit=units["a"], name="张三")
    client, token = _logged_in(app, user)
    response = client.post("/auth/account/profile", data={"csrf_token": token, "name": " ",
                                                          "unit_code": "NOPE"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "请输入姓名" in html or "Please enter your name" in html
    db.session.refresh(user)
    assert (user.name, user.unit.code) == ("张三", "A")


def test_an_organizer_cannot_move_themselves(app, units, make_user):
    organizer = make_user(unit=units["a"], role=Role.organizer)
    client, token = _logged_in(app, organizer)
    response = client.post("/auth/account/profile", data={"csrf_token": token, "name": "李四",
                                                          "unit_code": "P"})
    assert response.status_code == 403
    db.session.refresh(organizer)
    assert organizer.unit.code == "A"


def test_the_password_changes_with_the_current_one(app, units, make_user):
    user = make_user(unit=units["a"])
    client, token = _logged_in(app, user)
    wrong = client.post("/auth/account/password", data={
        "csrf_token": token, "current_password": "nope", "new_password": "new-pass-1",
        "repeat": "new-pass-1"})
    assert wrong.status_code == 422
    db.session.refresh(user)
    assert user.check_password("secret123")
    right = client.post("/auth/account/password", data={
        "csrf_token": token, "current_password": "secret123", "new_password": "new-pass-1",
        "repeat": "new-pass-1"})
    assert right.status_code == 302
    assert client.get("/auth/account").status_code == 200  # this browser stays logged in
    db.session.refresh(user)
    assert user.check_password("new-pass-1")
    assert AuthActions(fresh_client(app)).login(user.phone, "secret123").status_code == 422
