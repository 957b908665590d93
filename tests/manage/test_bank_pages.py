"""Organizers' bank pages: upload, preview, confirm, browse, edit, disable, export."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

import question_bank
from quiz.models import Bank, PendingImport, Question, Role
from tests.conftest import csrf_from
from tests.helpers import correct_answers
from tests.services.test_banks import ROWS, csv_file


@pytest.fixture
def organizer(make_user, auth):
    user = make_user(role=Role.organizer, name="组织者")
    auth.login(user.phone)
    return user


def upload(client, data: bytes, filename: str = "题库.csv", bank: str = "消防题库", **fields):
    page = client.get("/manage/banks/import").get_data(as_text=True)
    form = {"csrf_token": csrf_from(page), "bank": bank, "format": "auto",
            "file": (io.BytesIO(data), filename), **fields}
    return client.post("/manage/banks/import", data=form, content_type="multipart/form-data")


def pending_token(response) -> str:
    match = re.search(r"/manage/imports/([0-9a-f]{32})$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


def bank_questions(db, name="消防题库"):
    return list(db.session.scalars(
        sa.select(Question).join(Bank).where(Bank.name == name).order_by(Question.id)))


def test_participants_may_not_enter_and_visitors_are_sent_to_log_in(client, make_user, auth):
    assert client.get("/manage/banks").status_code == 302
    assert "/auth/login" in client.get("/manage/banks").headers["Location"]
    auth.login(make_user().phone)
    assert client.get("/manage/banks").status_code == 403
    assert client.get("/manage/banks/template.xlsx").status_code == 403


def test_only_staff_see_the_manage_link(client, make_user, auth):
    auth.login(make_user().phone)
    assert 'href="/manage/banks"' not in client.get("/me/attempts").get_data(as_text=True)
    client.post("/auth/logout", data={"csrf_token": auth.token()})
    auth.login(make_user(role=Role.organizer).phone)
    assert 'href="/manage/banks"' in client.get("/me/attempts").get_data(as_text=True)


def test_the_template_download_is_a_workbook_that_imports_cleanly(client, organizer):
    response = client.get("/manage/banks/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    disposition = response.headers["Content-Disposition"]
    assert 'filename="question-bank-template.xlsx"' in disposition
    assert "filename*=UTF-8''%E9%A2%98%E5%BA%93" in disposition  # 题库导入模板.xlsx
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(workbook.sheetnames) >= 2
    result = question_bank.parse_bytes(response.data, "template.xlsx")
    assert result.ok and not result.issues
    assert {d.type.value for d in result.drafts} == {"single", "multiple", "judge"}


def test_a_good_file_is_previewed_then_imported_on_confirmation(client, organizer, db):
    response = upload(client, csv_file(*ROWS))
    assert response.status_code == 302
    token = pending_token(response)
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    assert "发现火灾应拨打的电话是" in page and "可以用水扑灭电器火灾" in page
    assert f"/manage/imports/{token}/confirm" in page
    assert bank_questions(db) == []  # nothing stored before the confirmation

    done = client.post(f"/manage/imports/{token}/confirm", data={"csrf_token": csrf_from(page)})
    assert done.status_code == 302
    assert len(bank_questions(db)) == 3
    assert db.session.get(PendingImport, token) is None
    bank_page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "发现火灾应拨打的电话是" in bank_page
    # confirming twice (a double click) imports nothing more
    again = client.post(f"/manage/imports/{token}/confirm", data={"csrf_token": csrf_from(page)})
    assert again.status_code == 404 and len(bank_questions(db)) == 3


def test_a_bad_file_shows_every_error_with_its_row_and_cannot_be_confirmed(client, organizer,
                                                                           db):
    bad = ["单选,火警电话,110,119,,,E,,,", "多选,,甲,乙,,,AB,,,"]
    token = pending_token(upload(client, csv_file(*ROWS, *bad)))
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    assert "第 5 行" in page and "第 6 行" in page
    assert "列 答案" in page and "列 题干" in page
    assert f"/manage/imports/{token}/confirm" not in page
    client.post(f"/manage/imports/{token}/confirm", data={"csrf_token": csrf_from(page)})
    assert bank_questions(db) == []


def test_a_file_that_is_not_a_bank_is_refused_on_the_preview(client, organizer):
    token = pending_token(upload(client, b"%PDF-1.4\n\x00\x01binary", "scan.xlsx"))
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    assert "整个文件" in page or "文件" in page
    assert f"/manage/imports/{token}/confirm" not in page


def test_uploading_without_a_file_or_bank_name_says_which_field(client, organizer):
    page = client.get("/manage/banks/import").get_data(as_text=True)
    response = client.post("/manage/banks/import", data={
        "csrf_token": csrf_from(page), "bank": "消防题库", "format": "auto"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "请选择要上传的文件" in html
    response = upload(client, csv_file(*ROWS), bank="  ")
    assert response.status_code == 200 and "请给题库起个名字" in response.get_data(as_text=True)


def test_someone_elses_upload_cannot_be_seen_or_confirmed(client, organizer, make_user, auth,
                                                          db):
    token = pending_token(upload(client, csv_file(*ROWS)))
    other = make_user(role=Role.admin)
    client.post("/auth/logout", data={"csrf_token": auth.token()})
    auth.login(other.phone)
    assert client.get(f"/manage/imports/{token}").status_code == 404
    page = client.get("/manage/banks").get_data(as_text=True)
    response = client.post(f"/manage/imports/{token}/confirm",
                           data={"csrf_token": csrf_from(page)})
    assert response.status_code == 404 and bank_questions(db) == []


def test_confirming_needs_the_csrf_token(client, organizer, db):
    token = pending_token(upload(client, csv_file(*ROWS)))
    assert client.post(f"/manage/imports/{token}/confirm").status_code == 400
    assert bank_questions(db) == []


def test_discarding_an_upload_stores_nothing(client, organizer, db):
    token = pending_token(upload(client, csv_file(*ROWS)))
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    client.post(f"/manage/imports/{token}/cancel", data={"csrf_token": csrf_from(page)})
    assert db.session.get(PendingImport, token) is None and bank_questions(db) == []


def test_the_bank_page_shows_how_often_each_question_was_answered_correctly(
        client, organizer, db, make_quiz, make_user, clock):
    from quiz.db import write_transaction
    from quiz.services import attempts

    quiz = make_quiz(single=4, multiple=0, judge=0)
    bank = quiz.banks[0]
    player = make_user()
    with write_transaction():
        attempt = attempts.start(player, quiz, clock(), 5).attempt
        attempts.submit(player, attempt.id, correct_answers(attempt), clock(), 5)
    html = client.get(f"/manage/banks/{bank.id}?type=single").get_data(as_text=True)
    row = re.search(rf'id="q{attempt.questions[0]["id"]}".*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="num">(\d+%?)</td>', row)[1:] == ["1", "1", "100%"]


def test_an_edit_with_an_error_names_the_field_and_a_good_edit_is_saved(client, organizer, db):
    token = pending_token(upload(client, csv_file(*ROWS)))
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    client.post(f"/manage/imports/{token}/confirm", data={"csrf_token": csrf_from(page)})
    question = bank_questions(db)[0]
    url = f"/manage/questions/{question.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="119"' in form
    data = {"csrf_token": csrf_from(form), "type": "single", "stem": "火警电话是",
            "option_a": "110", "option_b": "119", "answer": "D", "explanation": "",
            "category": "消防", "difficulty": "2"}
    html = client.post(url, data=data).get_data(as_text=True)
    assert re.search(r'has-error">\s*<label for="answer"', html)
    assert bank_questions(db)[0].stem == "发现火灾应拨打的电话是"
    response = client.post(url, data={**data, "answer": "B"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = bank_questions(db)[0]
    assert (saved.stem, saved.options, saved.answer) == ("火警电话是", ["110", "119"], "B")


def test_disabling_and_enabling_a_question_from_the_bank_page(client, organizer, db, make_bank):
    bank = make_bank(single=3, multiple=0, judge=0)
    question = bank_questions(db, bank.name)[0]
    page = client.get(f"/manage/banks/{bank.id}").get_data(as_text=True)
    token = csrf_from(page)
    client.post(f"/manage/questions/{question.id}/active",
                data={"csrf_token": token, "active": "0", "back": "https://evil.example/"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).is_active is False
    disabled = client.get(f"/manage/banks/{bank.id}?status=disabled").get_data(as_text=True)
    assert f'id="q{question.id}"' in disabled
    client.post(f"/manage/questions/{question.id}/active", data={"csrf_token": token,
                                                                 "active": "1"})
    db.session.expire_all()
    assert db.session.get(Question, question.id).is_active is True


@pytest.mark.parametrize("kind, name", [("xlsx", "out.xlsx"), ("gift", "out.gift")])
def test_a_bank_downloads_in_a_format_that_imports_back(client, organizer, db, kind, name):
    token = pending_token(upload(client, csv_file(*ROWS)))
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    client.post(f"/manage/imports/{token}/confirm", data={"csrf_token": csrf_from(page)})
    bank = db.session.scalar(sa.select(Bank).where(Bank.name == "消防题库"))
    response = client.get(f"/manage/banks/{bank.id}/export.{kind}")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    back = question_bank.parse_bytes(response.data, name)
    assert back.ok and [d.stem for d in back.drafts] == [q.stem for q in bank_questions(db)]
    assert client.get(f"/manage/banks/{bank.id}/export.pdf").status_code == 404


def test_an_upload_over_the_limit_is_refused_with_the_limit_named(client, organizer):
    # A raw body: the test client would spool a multipart form this big to a temporary file.
    response = client.post("/manage/banks/import", data=b"x" * (22 * 1024 * 1024),
                           content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 413
    assert "20 MB" in response.get_data(as_text=True)


def test_html_in_a_stem_is_shown_as_text_never_as_markup(client, organizer, db):
    stem = '<b onmouseover="alert(1)">火警</b><script>alert(2)</script>电话是'
    token = pending_token(upload(client, csv_file(f'单选,"{stem.replace(chr(34), 2 * chr(34))}"'
                                                  ",110,119,,,B,,,")))
    page = client.get(f"/manage/imports/{token}").get_data(as_text=True)
    assert "<script>alert(2)" not in page and "&lt;script&gt;alert(2)" in page
    client.post(f"/manage/imports/{token}/confirm", data={"csrf_token": csrf_from(page)})
    (question,) = bank_questions(db)
    assert question.stem == stem  # stored as written
    html = client.get(f"/manage/banks/{question.bank_id}").get_data(as_text=True)
    assert "<b onmouseover" not in html and "&lt;b onmouseover=" in html
