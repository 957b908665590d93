"""An organizer uploads a good and a bad bank file in a real browser (Debian's Chromium)."""

from __future__ import annotations

import os

import sqlalchemy as sa

from quiz.models import Bank, Question, Role
from tests.e2e.conftest import log_in
from tests.services.test_banks import ROWS, csv_file

SHOTS = os.environ.get("QUIZ_E2E_SCREENSHOTS")  # a folder: keep screenshots of the pages


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def stored(db) -> int:
    db.session.rollback()  # a fresh read: the server wrote in its own transactions
    return db.session.scalar(sa.select(sa.func.count()).select_from(Question).join(Bank)
                             .where(Bank.name == "消防题库"))


def choose_and_check(page, tmp_path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    page.goto("/manage/banks/import")
    page.fill("#bank", "消防题库")
    page.set_input_files("#file", str(path))
    page.click("button.primary")
    page.wait_for_load_state()


def test_a_bad_file_shows_its_errors_and_a_good_one_imports(page, db, make_user, tmp_path):
    log_in(page, make_user(role=Role.organizer))

    choose_and_check(page, tmp_path, "坏题库.csv",
                     csv_file(*ROWS, "单选,火警电话,110,119,,,E,,,", "多选,,甲,乙,,,AB,,,"))
    page.wait_for_selector("table.issues")
    issues = page.locator("table.issues tbody tr")
    assert issues.count() == 2
    assert "第 5 行" in issues.nth(0).inner_text() and "第 6 行" in issues.nth(1).inner_text()
    assert page.locator("form[action$='/confirm']").count() == 0
    shoot(page, "upload-errors")
    page.click("form[action$='/cancel'] button")
    page.wait_for_load_state()
    assert stored(db) == 0

    choose_and_check(page, tmp_path, "题库.csv", csv_file(*ROWS))
    page.wait_for_selector("table.questions")
    assert page.locator("table.questions tbody tr").count() == 3
    assert page.locator("table.issues").count() == 0
    shoot(page, "upload-preview")
    page.click("form[action$='/confirm'] button")
    page.wait_for_selector(".flash-success")
    assert "新增 3 道" in page.locator(".flash-success").inner_text()
    assert page.locator("table.questions tbody tr").count() == 3
    shoot(page, "bank")
    assert stored(db) == 3
