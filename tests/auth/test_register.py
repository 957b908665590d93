"""Registration as phone users meet it: every mistake at once, one number once however it is
typed, names without invisible characters, and straight on to the quiz."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Attempt, User
from quiz.services import accounts, banks, units
from quiz.services.errors import QuizError, ValidationFailed
from tests.conftest import csrf_from


def post_register(client, path="/auth/register", **fields):
    page = client.get(path).get_data(as_text=True)
    data = {"name": "王五", "phone": "13912345678", "password": "secret123",
            "csrf_token": csrf_from(page), **fields}
    return client.post("/auth/register", data=data)


def errors_at(html: str) -> set[str]:
    return set(re.findall(r'<div class="field has-error"[^>]*>\s*<label for="([a-z_]+)"', html))


def test_an_empty_form_shows_every_error_at_once(client, make_unit):
    make_unit()
    response = post_register(client, name="", phone="", password="", unit_code="")
    assert response.status_code == 422
    assert errors_at(response.get_data(as_text=True)) == {"name", "phone", "password",
                                                          "unit_code"}


def test_a_bad_phone_and_a_short_password_show_both_and_keep_what_was_typed(client,
                                                                            make_unit):
    unit = make_unit()
    response = post_register(client, name="赵六", phone="1391234", password="123",
                             unit_code=unit.code)
    html = response.get_data(as_text=True)
    assert errors_at(html) == {"phone", "password"}
    assert 'value="赵六"' in html and 'value="1391234"' in html
    assert 'value="123"' not in html  # the password is never sent back
    assert re.search(rf'<option value="{unit.code}"[^>]*selected', html)


def test_the_api_gives_the_first_error_and_all_of_them(client, make_unit):
    make_unit()
    response = client.post("/api/v1/auth/register", json={
        "name": "", "phone": "12", "password": "1", "unit_code": "NOPE"})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["field"] == "name" and error["code"] == "validation_failed"
    assert set(error["fields"]) == {"name", "phone", "password", "unit_code"}


@pytest.mark.parametrize("typed", ["13900000050", "13９0000005０", "１３９００００００５０",
                                   "+86 139-0000-0050", "0086 13900000050",
                                   "86 139 0000 0050", "(139) 0000 0050"])
def test_one_number_however_typed_is_one_account(db, make_unit, typed):
    unit = make_unit()
    with write_transaction():
        accounts.register("甲", "13900000050", "secret123", unit.code)
    with pytest.raises(QuizError) as raised:
        with write_transaction():
            accounts.register("乙", typed, "secret123", unit.code)
    assert raised.value.field == "phone"
    assert accounts.authenticate(typed, "secret123").phone == "13900000050"


@pytest.mark.parametrize("typed", ["139٠٠٠٠٠٠٥٠", "139۰۰۰۰۰۰۵۰", "१३९००००००५०"])
def test_digits_of_other_scripts_are_not_a_mobile_number(db, make_unit, typed):
    unit = make_unit()
    with pytest.raises(ValidationFailed) as raised:
        accounts.register("甲", typed, "secret123", unit.code)
    assert raised.value.field == "phone"


def test_a_full_width_number_is_stored_as_ascii(db, make_unit):
    unit = make_unit()
    with write_transaction():
        user = accounts.register("甲", "１３９００００００５１", "secret123", unit.code)
    assert db.session.get(User, user.id).phone == "13900000051"


@pytest.mark.parametrize("name", ["张\x00三", "\u202e三张", "\u200b\u200b", "\u200d", "王\ufeff五",
                                  "李\u2066四", "\u3000 \t", "赵\x1b[31m", "\u3164\u3164",
                                  "\u2800", "\ufe0f", "\u034f", "·"])
def test_names_with_control_or_invisible_characters_are_refused(db, make_unit, name):
    unit = make_unit()
    with pytest.raises(ValidationFailed) as raised:
        accounts.register(name, "13900000052", "secret123", unit.code)
    assert raised.value.field == "name"


@pytest.mark.parametrize("name", ["阿依古丽·买买提", "O'Brien", "李  四"])
def test_ordinary_names_pass_with_spaces_folded(db, make_unit, name):
    unit = make_unit()
    with write_transaction():
        user = accounts.register(name, "13900000053", "secret123", unit.code)
    assert user.name == " ".join(name.split())


@pytest.mark.parametrize("name", ["\u202e库题", "\x00", "\u200b"])
def test_bank_and_unit_names_follow_the_same_rule(db, name):
    with pytest.raises(ValidationFailed):
        banks.check_bank_name(name)
    with pytest.raises(ValidationFailed):
        units.create_unit("BAD1", name, "enterprise")


def test_registering_from_a_quiz_starts_it(client, make_unit, make_quiz, db):
    quiz = make_quiz()
    unit = make_unit()
    page = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    link = re.search(r'href="(/auth/register[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"quiz={quiz.id}" in link
    register_page = client.get(link).get_data(as_text=True)
    assert "注册并开始" in register_page
    response = client.post("/auth/register", data={
        "name": "王五", "phone": "13912345678", "password": "secret123", "unit_code": unit.code,
        "next": f"/c/{quiz.campaign.slug}", "quiz": str(quiz.id),
        "csrf_token": csrf_from(register_page)})
    attempt = db.session.scalar(sa.select(Attempt))
    assert attempt is not None and attempt.quiz_id == quiz.id
    assert response.headers["Location"].endswith(f"/attempt/{attempt.id}")


def test_registering_when_the_quiz_cannot_start_goes_back_with_the_reason(
        client, make_unit, make_quiz, db):
    import datetime as dt

    quiz = make_quiz(starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 7, 31))
    unit = make_unit()
    response = post_register(client, unit_code=unit.code, quiz=str(quiz.id),
                             next=f"/c/{quiz.campaign.slug}")
    assert response.headers["Location"].endswith(f"/c/{quiz.campaign.slug}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
    assert "尚未开始" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("bad", ["99999999999999999999999", "-1", "abc", "１"])
def test_a_bad_quiz_in_the_register_form_is_ignored(client, make_unit, db, bad):
    unit = make_unit()
    response = post_register(client, unit_code=unit.code, quiz=bad)
    assert response.status_code == 302 and "/attempt/" not in response.headers["Location"]


def test_the_register_button_says_register_without_a_quiz(client, make_unit):
    make_unit()
    html = client.get("/auth/register").get_data(as_text=True)
    assert "注册并开始" not in html and ">注册</button>" in html
