"""The console's units page as an organizer uses it: the tree level by level, search with
pages, adding, editing, moving, retiring, importing, exporting, appointing organizers."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from flask import g

from quiz.models import Role, Unit, User
from tests.conftest import csrf_from
from tests.services.test_unit_import import csv_file


@pytest.fixture
def tree(make_unit):
    p = make_unit("平安县", code="P", kind="county", headcount=0)
    a = make_unit("城关镇", parent=p, code="A", kind="township", headcount=50)
    b = make_unit("河山镇", parent=p, code="B", kind="township")
    a1 = make_unit("东街社区", parent=a, code="A1", kind="community")
    make_unit("一组", parent=a1, code="A1a", kind="other")
    return {"P": p, "A": a, "B": b, "A1": a1}


@pytest.fixture
def organizer(tree, make_user, auth):
    user = make_user(unit=tree["A"], role=Role.organizer, name="组织者")
    auth.login(user.phone)
    return user


@pytest.fixture
def admin(tree, make_user, auth):
    user = make_user(unit=tree["P"], role=Role.admin, name="管理员")
    auth.login(user.phone)
    return user


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def post(client, url: str, form_url: str | None = None, **fields):
    token = csrf_from(page(client, form_url or "/manage/units"))
    return client.post(url, data={"csrf_token": token, **fields})


def unit(db, code: str) -> Unit | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def field_errors(html: str) -> dict[str, str]:
    pattern = (r'<div class="field has-error">\s*<label for="([a-z_]+)">.*?</label>.*?'
               r'<p class="error" role="alert">([^<]*)</p>')
    return dict(re.findall(pattern, html, re.S))


def test_the_page_opens_on_the_organizers_unit_with_its_children_to_expand(client, organizer):
    html = page(client, "/manage/units")
    assert "城关镇" in html and 'href="/manage/units?unit=A1"' in html
    assert "展开" in html and "河山镇" not in html and "平安县" not in html
    assert 'class="current">单位</a>' in html
    expanded = page(client, "/manage/units?unit=A1")
    assert 'href="/manage/units?unit=A"' in expanded  # the breadcrumb up to their unit
    assert "一组" in expanded


def test_an_admin_starts_at_the_tops_of_the_tree(client, admin):
    html = page(client, "/manage/units")
    assert 'href="/manage/units?unit=P"' in html and "添加顶级单位" in html


def test_a_unit_outside_reach_is_not_found(client, organizer):
    for url in ("/manage/units?unit=B", "/manage/units?unit=P", "/manage/units/B/edit",
                "/manage/units/new?parent=B", "/manage/units/P/organizers"):
        assert client.get(url).status_code == 404, url


def test_a_long_search_is_paged_with_full_path_labels(client, organizer, make_unit, tree):
    for i in range(55):
        make_unit(f"社区{i:02d}", parent=tree["A1"], code=f"S{i:02d}")
    first = page(client, "/manage/units?q=社区")
    assert "找到 56 个单位" in first  # 55 and 东街社区; nothing outside reach
    assert "城关镇 / 东街社区 / 社区00" in first
    assert "第 1 页，共 2 页" in first and "/manage/units?q=" in first and "page=2" in first
    second = page(client, "/manage/units?q=%E7%A4%BE%E5%8C%BA&page=2")
    assert "第 2 页，共 2 页" in second and "社区54" in second and "社区00" not in second


def test_a_unit_is_added_below_the_unit_the_page_came_from(client, organizer, db):
    form = page(client, "/manage/units/new?parent=A1")
    assert 'value="A1"' in form
    response = post(client, "/manage/units/new", "/manage/units/new", code="A1b",
                    name="二组", kind="other", parent="A1", headcount="１２")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/units?unit=A1b")
    added = unit(db, "A1b")
    assert (added.name, added.headcount, added.parent_id) == ("二组", 12, unit(db, "A1").id)


def test_every_bad_field_is_shown_beside_it_and_nothing_is_added(client, organizer, db):
    response = post(client, "/manage/units/new", "/manage/units/new", code="A1",
                    name="", kind="other", parent="B", headcount="-3")
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True))
    assert set(errors) == {"code", "name", "parent", "headcount"}
    assert "已被其他单位使用" in errors["code"] and "0 到" in errors["headcount"]
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == 5


def test_a_unit_is_renamed_and_its_headcount_set(client, organizer, db):
    form = page(client, "/manage/units/A1/edit")
    assert 'value="东街社区"' in form
    response = post(client, "/manage/units/A1/edit", "/manage/units/A1/edit", name="东街",
                    kind="village", headcount="３００")
    assert response.status_code == 302
    assert (unit(db, "A1").name, unit(db, "A1").headcount) == ("东街", 300)
    bad = post(client, "/manage/units/A1/edit", "/manage/units/A1/edit", name="东街",
               kind="village", headcount="三百")
    assert bad.status_code == 422 and "headcount" in field_errors(bad.get_data(as_text=True))


def test_a_move_takes_the_subtree_and_the_page_says_what_happens_to_figures(client, admin, db):
    form = page(client, "/manage/units/A1/move")
    assert "原上级单位保留这些数据" in form and "已调出" in form
    response = post(client, "/manage/units/A1/move", "/manage/units/A1/move", parent="B")
    assert response.status_code == 302
    a1, a1a = unit(db, "A1"), unit(db, "A1a")
    assert a1.parent_id == unit(db, "B").id and a1a.path.startswith(a1.path)


def test_moving_below_its_own_subtree_is_a_clear_error(client, admin, db):
    response = post(client, "/manage/units/A/move", "/manage/units/A/move", parent="A1a")
    assert response.status_code == 422
    assert "不能移到自身" in field_errors(response.get_data(as_text=True))["parent"]
    assert unit(db, "A").parent_id == unit(db, "P").id


def test_an_organizer_is_not_offered_to_move_or_retire_their_own_unit(client, organizer, db):
    html = page(client, "/manage/units?unit=A")
    assert "/manage/units/A/move" not in html and "/manage/units/A/retire" not in html
    response = post(client, "/manage/units/A/move", "/manage/units/A/move", parent="A1")
    assert response.status_code == 422 and unit(db, "A").parent_id == unit(db, "P").id


def test_a_retired_unit_is_marked_and_can_be_restored(client, organizer, db):
    response = post(client, "/manage/units/A1/retire")
    assert response.status_code == 302
    assert unit(db, "A1").is_retired and unit(db, "A1a").is_retired
    html = page(client, "/manage/units?unit=A")
    assert "已撤销" in html
    post(client, "/manage/units/A1/restore")
    assert not unit(db, "A1").is_retired and not unit(db, "A1a").is_retired


def test_registration_neither_offers_nor_accepts_a_retired_unit(client, organizer, db, app):
    post(client, "/manage/units/A1/retire")
    # The tests' app context outlives requests: drop the organizer's token kept in `g`.
    g.pop("csrf_token", None)
    visitor = app.test_client()
    form = visitor.get("/auth/register").get_data(as_text=True)
    assert 'value="A1"' not in form and 'value="A"' in form
    response = visitor.post("/auth/register", data={
        "name": "王五", "phone": "13912345678", "password": "secret123", "unit_code": "A1",
        "csrf_token": csrf_from(form)})
    assert response.status_code == 422
    assert "该单位已撤销" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.phone == "13912345678")) is None


def upload(client, data: bytes, filename: str = "units.csv"):
    token = csrf_from(page(client, "/manage/unit-files/import"))
    return client.post("/manage/unit-files/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(data), filename)})


def test_a_file_is_previewed_then_imported_on_confirmation(client, organizer, db):
    response = upload(client, csv_file("A1,东街,A,社区,70", "A2,南街社区,A,社区,30"))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    html = page(client, preview_url)
    assert "新增 1 个单位" in html and "改名 1 个" in html and "东街社区 → 东街" in html
    assert unit(db, "A2") is None  # nothing before the confirmation
    confirmed = post(client, preview_url + "/confirm", preview_url)
    assert confirmed.status_code == 302
    assert unit(db, "A2").parent_id == unit(db, "A").id and unit(db, "A1").name == "东街"


def test_a_file_with_errors_lists_them_by_row_and_column_and_imports_nothing(client, organizer,
                                                                                db):
    response = upload(client, csv_file("A2,南街社区,A,社区,30", "B1,新村,B,村,abc"))
    preview_url = response.headers["Location"]
    html = page(client, preview_url)
    assert "第 3 行，列 上级单位编码" in html and "第 3 行，列 应参与人数" in html
    assert preview_url + "/confirm" not in html
    refused = post(client, preview_url + "/confirm", preview_url)
    assert refused.status_code == 302 and refused.headers["Location"].endswith(preview_url)
    assert unit(db, "A2") is None


def test_an_upload_can_be_discarded(client, organizer, db):
    preview_url = upload(client, csv_file("A2,南街社区,A,社区,30")).headers["Location"]
    assert post(client, preview_url + "/cancel", preview_url).status_code == 302
    assert client.get(preview_url).status_code == 404 and unit(db, "A2") is None


def test_an_upload_without_a_file_says_so(client, organizer):
    token = csrf_from(page(client, "/manage/unit-files/import"))
    response = client.post("/manage/unit-files/import", data={"csrf_token": token})
    assert response.status_code == 422 and "请选择要上传的文件" in response.get_data(as_text=True)


def test_the_export_is_a_workbook_of_the_units_within_reach(client, organizer):
    response = client.get("/manage/unit-files/export.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == ["A", "A1", "A1a"]


def test_an_organizer_makes_a_person_below_an_organizer(client, organizer, make_user, tree, db):
    person, beside = make_user(unit=tree["A1"]), make_user(unit=tree["B"])
    url = "/manage/units/A/organizers"
    response = post(client, url + "/appoint", url, phone=person.phone)
    assert response.status_code == 302
    assert db.session.get(User, person.id).role == "organizer"
    refused = post(client, url + "/appoint", url, phone=beside.phone)
    assert refused.status_code == 404 and "phone" in field_errors(refused.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(User, beside.id).role == "participant"


def test_an_organizer_creates_an_organizer_account_for_a_unit_below(client, organizer, db):
    url = "/manage/units/A1/organizers"
    response = post(client, url + "/new", url, name="赵六", phone="138 0000 1111",
                    password="secret123")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.phone == "13800001111"))
    assert (user.role, user.unit.code) == ("organizer", "A1")
    assert "赵六" in page(client, url)
    bad = post(client, url + "/new", url, name="", phone="12", password="1")
    assert bad.status_code == 422
    assert set(field_errors(bad.get_data(as_text=True))) == {"name", "phone", "password"}


def test_the_english_page_is_complete(client, organizer):
    html = page(client, "/manage/units?unit=A&lang=en")
    assert "Units below" in html and "Township or subdistrict" in html
