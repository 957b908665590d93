"""The console's people list and person page: reach, paging, search, and every action."""

from __future__ import annotations

import re

import pytest
from flask import g
from flask.testing import FlaskClient

from quiz.extensions import db
from quiz.models import Role, User
from quiz.services import people_admin
from tests.conftest import AuthActions, csrf_from


class Browser(FlaskClient):
    """A browser of its own: the tests' app context outlives requests, and Flask-Login and
    Flask-WTF keep the last request's user and CSRF token on its `g` (tests.helpers
    .fresh_client drops them once; this drops them before every request)."""

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        return super().open(*args, **kwargs)


def fresh_client(app) -> Browser:
    return Browser(app, app.response_class, use_cookies=True)


@pytest.fixture
def tree(make_unit, make_user):
    county = make_unit("平安县", code="P", kind="county")
    town_a = make_unit("城关镇", parent=county, code="A", kind="township")
    town_b = make_unit("河山镇", parent=county, code="B", kind="township")
    village = make_unit("东村", parent=town_a, code="A1", kind="village")
    return {
        "county": county, "a": town_a, "b": town_b, "village": village,
        "admin": make_user(unit=county, role=Role.admin, name="管理员", phone="13800000001"),
        "org_p": make_user(unit=county, role=Role.organizer, name="县组织者",
                           phone="13800000002"),
        "org_a": make_user(unit=town_a, role=Role.organizer, name="镇组织者",
                           phone="13800000003"),
        "org_b": make_user(unit=town_b, role=Role.organizer, name="邻镇组织者",
                           phone="13800000004"),
        "alice": make_user(unit=town_a, name="张三", phone="13812345678"),
        "villager": make_user(unit=village, name="王五", phone="13900009876"),
        "bob": make_user(unit=town_b, name="赵六", phone="13700001111"),
    }


def _login(app, user):
    client = fresh_client(app)
    assert AuthActions(client).login(user.phone).status_code == 302
    return client


def _post(client, url, **data):
    token = csrf_from(client.get("/manage/accounts").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_list_holds_people_within_reach_only(app, tree):
    html = _login(app, tree["org_a"]).get("/manage/accounts").get_data(as_text=True)
    assert "张三" in html and "王五" in html
    assert "赵六" not in html and "邻镇组织者" not in html and "县组织者" not in html
    assert "138****5678" in html and "13812345678" not in html  # masked in the list


def test_a_person_outside_reach_answers_404(app, tree):
    client = _login(app, tree["org_b"])
    assert client.get(f"/manage/accounts/{tree['alice'].id}").status_code == 404
    token = csrf_from(client.get("/manage/accounts").get_data(as_text=True))
    response = client.post(f"/manage/accounts/{tree['alice'].id}/disable",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(User, tree["alice"].id).is_enabled


def test_a_long_list_has_a_second_page(app, tree, make_user):
    for i in range(people_admin.PER_PAGE + 5):
        make_user(unit=tree["village"], name=f"村民{i:03d}")
    client = _login(app, tree["org_a"])
    first = client.get("/manage/accounts").get_data(as_text=True)
    second = client.get("/manage/accounts?page=2").get_data(as_text=True)
    assert "第 1 页，共 2 页" in first or "Page 1 of 2" in first
    names_first = set(re.findall(r"村民\d{3}", first))
    names_second = set(re.findall(r"村民\d{3}", second))
    assert names_second and not names_first & names_second
    assert len(names_first | names_second) == people_admin.PER_PAGE + 5


def test_search_by_the_full_number_in_full_width_digits(app, tree):
    client = _login(app, tree["org_p"])
    html = client.get("/manage/accounts?q=１３８１２３４５６７８").get_data(as_text=True)
    assert "张三" in html and "王五" not in html and "赵六" not in html


def test_search_by_the_last_four_digits_and_by_name(app, tree):
    client = _login(app, tree["org_p"])
    html = client.get("/manage/accounts?q=9876").get_data(as_text=True)
    assert "王五" in html and "张三" not in html
    html = client.get("/manage/accounts?q=赵").get_data(as_text=True)
    assert "赵六" in html and "张三" not in html


def test_filter_by_unit_and_role(app, tree):
    client = _login(app, tree["org_p"])
    html = client.get("/manage/accounts?unit=A1").get_data(as_text=True)
    assert "王五" in html and "张三" not in html
    html = client.get("/manage/accounts?role=organizer").get_data(as_text=True)
    assert "镇组织者" in html and "张三" not in html
    assert _login(app, tree["org_a"]).get("/manage/accounts?unit=B").status_code == 404


def test_reset_shows_the_temporary_password_once_and_stores_its_hash(app, tree):
    client = _login(app, tree["org_a"])
    person = f"/manage/accounts/{tree['alice'].id}"
    token = csrf_from(client.get(person).get_data(as_text=True))
    response = client.post(f"{person}/reset-password", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    temporary = re.search(r"<code>([^<]+)</code>", response.get_data(as_text=True)).group(1)
    assert len(temporary) == 8 and not set(temporary) & set("0O1lI")
    alice = db.session.get(User, tree["alice"].id)
    db.session.refresh(alice)
    assert alice.must_change_password and temporary not in alice.password_hash
    assert alice.check_password(temporary)
    assert temporary not in client.get(person).get_data(as_text=True)  # never again


def test_reset_ends_the_persons_sessions(app, tree):
    alice = _login(app, tree["alice"])
    assert alice.get("/auth/account").status_code == 200
    org = _login(app, tree["org_a"])
    _post(org, f"/manage/accounts/{tree['alice'].id}/reset-password")
    assert alice.get("/auth/account").status_code == 302


def test_disable_ends_the_sessions_and_refuses_login_then_enable_again(app, tree):
    alice = _login(app, tree["alice"])
    org = _login(app, tree["org_a"])
    response = _post(org, f"/manage/accounts/{tree['alice'].id}/disable")
    assert response.status_code == 302
    assert alice.get("/auth/account").status_code == 302  # logged out
    assert AuthActions(fresh_client(app)).login(tree["alice"].phone).status_code == 422
    org = _login(app, tree["org_a"])
    assert _post(org, f"/manage/accounts/{tree['alice'].id}/enable").status_code == 302
    assert AuthActions(fresh_client(app)).login(tree["alice"].phone).status_code == 302


def test_nobody_disables_themselves_nor_an_organizer_a_peer_or_an_admin(app, tree):
    org = _login(app, tree["org_p"])
    assert _post(org, f"/manage/accounts/{tree['org_p'].id}/disable").status_code == 403
    assert _post(org, f"/manage/accounts/{tree['admin'].id}/disable").status_code == 403
    refused = _post(org, f"/manage/accounts/{tree['admin'].id}/reset-password")
    assert refused.status_code == 403 and "<code>" not in refused.get_data(as_text=True)
    # staff below the organizer's unit: allowed
    assert _post(org, f"/manage/accounts/{tree['org_a'].id}/disable").status_code == 302
    for key in ("org_p", "admin"):
        assert db.session.get(User, tree[key].id).is_enabled


def test_moves_stay_within_reach(app, tree):
    org = _login(app, tree["org_a"])
    moved = _post(org, f"/manage/accounts/{tree['alice'].id}/move", unit="A1")
    assert moved.status_code == 302
    assert db.session.get(User, tree["alice"].id).unit.code == "A1"
    refused = _post(org, f"/manage/accounts/{tree['alice'].id}/move", unit="B")
    assert refused.status_code == 404
    assert db.session.get(User, tree["alice"].id).unit.code == "A1"


def test_appoint_and_remove_an_organizer_below_ones_own_unit(app, tree):
    org = _login(app, tree["org_p"])
    assert _post(org, f"/manage/accounts/{tree['alice'].id}/appoint").status_code == 302
    assert db.session.get(User, tree["alice"].id).role == "organizer"
    assert _post(org, f"/manage/accounts/{tree['alice'].id}/remove-organizer").status_code == 302
    assert db.session.get(User, tree["alice"].id).role == "participant"


def test_an_organizer_appoints_nobody_of_their_own_unit_nor_changes_their_own_role(app, tree):
    org = _login(app, tree["org_a"])
    refused = _post(org, f"/manage/accounts/{tree['alice'].id}/appoint")
    assert refused.status_code == 403
    assert db.session.get(User, tree["alice"].id).role == "participant"
    own = _post(org, f"/manage/accounts/{tree['org_a'].id}/remove-organizer")
    assert own.status_code == 403
    assert db.session.get(User, tree["org_a"].id).role == "organizer"
    # the villager is below the organizer's unit
    assert _post(org, f"/manage/accounts/{tree['villager'].id}/appoint").status_code == 302


def test_the_last_admin_is_not_demoted(app, tree, make_user):
    admin = _login(app, tree["admin"])
    refused = _post(admin, f"/manage/accounts/{tree['admin'].id}/remove-organizer")
    assert refused.status_code == 403 and "最后" in refused.get_data(as_text=True)
    other = make_user(unit=tree["county"], role=Role.admin, name="另一管理员")
    admin = _login(app, tree["admin"])
    assert _post(admin, f"/manage/accounts/{other.id}/remove-organizer").status_code == 302
    assert db.session.get(User, other.id).role == "participant"


def test_the_person_page_shows_only_allowed_buttons(app, tree):
    html = _login(app, tree["org_a"]).get(
        f"/manage/accounts/{tree['alice'].id}").get_data(as_text=True)
    assert "13812345678" in html  # in full on the person page, within reach
    assert "/disable" in html and "/reset-password" in html and "/appoint" not in html
