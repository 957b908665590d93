"""Chinese by default, English on request; every string translated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_pages_are_in_chinese_by_default(client, make_quiz):
    quiz = make_quiz()
    html = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    assert "注册参赛" in html and "竞赛规则" not in html  # no description: no rules block
    assert "Register to take part" not in html
    assert '<html lang="zh-CN">' in html


def test_lang_parameter_switches_to_english_and_is_remembered(client, make_quiz):
    quiz = make_quiz()
    html = client.get(f"/c/{quiz.campaign.slug}?lang=en").get_data(as_text=True)
    assert "Register to take part" in html
    html = client.get(f"/c/{quiz.campaign.slug}").get_data(as_text=True)
    assert "Register to take part" in html


def test_the_browser_language_is_followed(client, make_quiz):
    quiz = make_quiz()
    english = client.get(f"/c/{quiz.campaign.slug}", headers={"Accept-Language": "en-US,en"})
    assert "Register to take part" in english.get_data(as_text=True)
    chinese = client.get(f"/c/{quiz.campaign.slug}", headers={"Accept-Language": "zh-CN,zh"})
    assert "注册参赛" in chinese.get_data(as_text=True)


def test_api_errors_follow_the_accept_language(client):
    response = client.post("/api/v1/auth/login", json={"phone": "13900000000", "password": "x"},
                           headers={"Accept-Language": "zh-CN"})
    assert response.json["error"]["message"] == "手机号码或密码错误。"
    response = client.post("/api/v1/auth/login", json={"phone": "13900000000", "password": "x"},
                           headers={"Accept-Language": "en"})
    assert response.json["error"]["message"] == "Wrong mobile number or password."


def test_every_user_facing_string_has_a_chinese_translation():
    method_map = [("quiz/**.py", "python"), ("question_bank/**.py", "python"),
                  ("templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "N_": None}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(ROOT), method_map, keywords=keywords)
    }
    with (ROOT / "translations/zh/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert found - translated == set()


def test_import_messages_keep_their_placeholders_in_chinese():
    import re

    from question_bank import MESSAGES

    with (ROOT / "translations/zh/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    for code, template in MESSAGES.items():
        translated = catalog.get(template).string
        assert set(re.findall(r"{\w+}", translated)) == set(re.findall(r"{\w+}", template)), code


def test_an_import_issue_reads_in_the_users_language(app):
    from question_bank import ImportIssue
    from quiz.services.banks import issue_message, issue_place

    issue = ImportIssue("answer_not_an_option", {"letters": "E", "answer": "E", "first": "A",
                                                 "last": "D"}, sheet="单选题", row=7, field="答案")
    with app.test_request_context("/"):
        assert issue_message(issue) == "答案中的“E”不是已有的选项（选项为 A–D）。"
        assert issue_place(issue) == "工作表 单选题，第 7 行，列 答案"
    with app.test_request_context("/?lang=en"):
        app.preprocess_request()
        assert issue_message(issue) == issue.message
        assert issue_place(issue) == "sheet 单选题, row 7, column 答案"
