"""Roster imports in the console: preview (the dry run), errors, the codes download."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from quiz.extensions import db
from quiz.models import Role, User
from tests.conftest import AuthActions, csrf_from
from tests.manage.test_accounts import fresh_client


@pytest.fixture
def world(make_unit, make_user):
    county = make_unit("平安县", code="P", kind="county")
    town_a = make_unit("城关镇", parent=county, code="A")
    make_unit("河山镇", parent=county, code="B")
    return {"organizer": make_user(unit=town_a, role=Role.organizer),
            "known": make_user(unit=town_a, name="老王", phone="13700000000")}


def _upload(app, organizer, text: str):
    client = fresh_client(app)
    AuthActions(client).login(organizer.phone)
    token = csrf_from(client.get("/manage/accounts/import").get_data(as_text=True))
    response = client.post("/manage/accounts/import", data={
        "csrf_token": token, "file": (io.BytesIO(text.encode("utf-8-sig")), "roster.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    return client, token, response.headers["Location"]


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_the_preview_lists_errors_by_row_and_column_and_stores_nothing(app, world):
    client, token, preview = _upload(app, world["organizer"],
                                     "姓名,手机号,单位编码\n张三,13812345678,B\n,123,A\n")
    before = _count()
    html = client.get(preview).get_data(as_text=True)
    assert "第 2 行，列 单位编码" in html and "第 3 行，列 姓名" in html
    assert "第 3 行，列 手机号" in html
    response = client.post(f"{preview}/confirm", data={"csrf_token": token})
    assert response.status_code == 302 and _count() == before


def test_confirming_downloads_the_codes_once_and_they_force_a_change(app, world):
    client, token, preview = _upload(app, world["organizer"],
                                     "姓名,手机号,单位编码\n张三,13812345678,A\n"
                                     "老王,13700000000,A\n")
    html = client.get(preview).get_data(as_text=True)
    assert "已注册" in html and _count() == 2  # the preview is a dry run
    response = client.post(f"{preview}/confirm", data={"csrf_token": token})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["13812345678"]  # the known number is left alone
    code = rows[1][3]
    assert re.fullmatch(r"[A-Za-z0-9]{8}", code)
    assert client.post(f"{preview}/confirm", data={"csrf_token": token}).status_code == 404
    person = fresh_client(app)
    login = AuthActions(person).login("13812345678", code)
    assert "/auth/password" in login.headers["Location"]
    assert "/auth/password" in person.get("/").headers["Location"]
