"""A temporary password (an organizer's reset) is replaced before anything else: every
page sends the person to choose their own, the API answers 403 password_change_required."""

from __future__ import annotations

import pytest

from quiz.db import write_transaction
from quiz.extensions import db
from quiz.models import User
from quiz.services import accounts
from tests.conftest import AuthActions, csrf_from
from tests.manage.test_accounts import fresh_client


@pytest.fixture
def temporary(app, make_user):
    """A participant whose password an organizer has just reset: (user, temporary)."""
    user = make_user(name="张三", phone="13812345678")
    with write_transaction():
        code = accounts.give_temporary_password(user)
    return user, code


def test_the_temporary_password_is_eight_characters_without_look_alikes():
    codes = {accounts.new_temporary_password() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == 8 and not set(code) & set("0Oo1lIi2Zz5Ss8B") for code in codes)


def test_logging_in_with_a_temporary_password_leads_to_the_change_page(app, temporary):
    user, code = temporary
    client = fresh_client(app)
    response = AuthActions(client).login(user.phone, code)
    assert response.status_code == 302 and "/auth/password" in response.headers["Location"]
    assert client.get("/auth/password").status_code == 200


def test_every_other_page_redirects_to_the_change_page(app, temporary):
    user, code = temporary
    client = fresh_client(app)
    AuthActions(client).login(user.phone, code)
    for url in ("/", "/me/attempts", "/auth/account"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/auth/password" in response.headers["Location"], url
    with client.get("/static/css/app.css") as static:
        assert static.status_code == 200
    token = csrf_from(client.get("/auth/password").get_data(as_text=True))
    logout = client.post("/auth/logout", data={"csrf_token": token})
    assert logout.status_code == 302 and "/auth/password" not in logout.headers["Location"]


def test_the_api_answers_403_password_change_required(app, temporary):
    user, code = temporary
    client = fresh_client(app)
    login = client.post("/api/v1/auth/login", json={"phone": user.phone, "password": code})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json['token']}"}
    response = client.get("/api/v1/campaigns", headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "password_change_required"
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204


def test_choosing_a_new_password_clears_the_flag(app, temporary):
    user, code = temporary
    client = fresh_client(app)
    AuthActions(client).login(user.phone, code)
    token = csrf_from(client.get("/auth/password").get_data(as_text=True))
    differs = client.post("/auth/password", data={"csrf_token": token,
                                                  "new_password": "mine-2026",
                                                  "repeat": "mine-2027"})
    assert differs.status_code == 422
    same = client.post("/auth/password", data={"csrf_token": token, "new_password": code,
                                               "repeat": code})
    assert same.status_code == 422
    done = client.post("/auth/password", data={"csrf_token": token,
                                               "new_password": "mine-2026",
                                               "repeat": "mine-2026"})
    assert done.status_code == 302
    assert client.get("/me/attempts").status_code == 200  # still logged in, free to go
    user = db.session.get(User, user.id)
    db.session.refresh(user)
    assert not user.must_change_password and user.check_password("mine-2026")
    assert AuthActions(fresh_client(app)).login(user.phone, code).status_code == 422
    api = fresh_client(app).post("/api/v1/auth/login",
                                 json={"phone": user.phone, "password": "mine-2026"})
    campaigns = fresh_client(app).get("/api/v1/campaigns", headers={
        "Authorization": f"Bearer {api.json['token']}"})
    assert campaigns.status_code == 200


def test_the_change_page_is_only_for_temporary_passwords(app, make_user):
    user = make_user()
    client = fresh_client(app)
    AuthActions(client).login(user.phone)
    response = client.get("/auth/password")
    assert response.status_code == 302 and "/auth/account" in response.headers["Location"]


def test_the_login_page_says_who_resets_a_forgotten_password(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "忘记密码？请联系本单位的组织者重置。" in html
