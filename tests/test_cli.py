"""Operator commands: init-db, seed-demo, reconcile."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

import question_bank
from quiz.db import write_transaction
from quiz.models import Attempt, Question, QuestionCounter, UnitDayCounter
from quiz.services import attempts
from tests.helpers import kept_counter
from tests.services.test_banks import ROWS, csv_file

GRACE = 5


def finished_attempts(user, quiz, count, when):
    for _ in range(count):
        with write_transaction():
            attempt = attempts.start(user, quiz, when, GRACE).attempt
            attempts.submit(user, attempt.id, None, when, GRACE)


def test_init_db_is_safe_to_run_again(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_reconcile_exits_zero_when_counters_agree(runner, make_user, make_quiz):
    finished_attempts(make_user(), make_quiz(), 2, dt.datetime(2026, 6, 10, 2))
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 0, result.output
    assert "agree" in result.output


def test_reconcile_lists_differences_and_fix_rewrites_them(db, runner, make_user, make_quiz):
    user, quiz = make_user(), make_quiz()
    finished_attempts(user, quiz, 2, dt.datetime(2026, 6, 10, 2))
    counter = kept_counter(quiz.campaign_id, user.unit_id)
    counter.attempts = 7
    day = db.session.get(UnitDayCounter,
                         (quiz.campaign_id, user.unit.path, dt.date(2026, 6, 10)))
    db.session.delete(day)
    db.session.commit()

    result = runner.invoke(args=["reconcile", "--campaign", quiz.campaign.slug])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("attempts" in line and line.split()[-2:] == ["7", "2"] for line in lines)
    assert any("2026-06-10" in line and "participants" in line for line in lines)

    fixed = runner.invoke(args=["reconcile", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    db.session.expire_all()
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 2
    assert runner.invoke(args=["reconcile"]).exit_code == 0


def test_reconcile_finishes_and_counts_attempts_whose_time_ran_out(
        db, runner, make_user, make_quiz):
    user, quiz = make_user(), make_quiz()
    with write_transaction():
        attempts.start(user, quiz, dt.datetime(2026, 6, 10, 2), GRACE)
    result = runner.invoke(args=["reconcile"])  # real clock: months after the deadline
    assert result.exit_code == 0, result.output
    assert "Finished 1 attempt" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Attempt.status)) == "timed_out"
    assert kept_counter(quiz.campaign_id, user.unit_id).attempts == 1


def test_reconcile_rejects_an_unknown_campaign(runner):
    result = runner.invoke(args=["reconcile", "--campaign", "nope"])
    assert result.exit_code == 2 and "nope" in result.output


def test_reconcile_finds_and_fixes_question_figures(db, runner, make_user, make_quiz):
    user, quiz = make_user(), make_quiz()
    finished_attempts(user, quiz, 2, dt.datetime(2026, 6, 10, 2))
    kept = db.session.scalars(sa.select(QuestionCounter)).first()
    kept.drawn += 3
    db.session.commit()
    result = runner.invoke(args=["reconcile"])
    assert result.exit_code == 1
    assert any(f"question {kept.question_id}" in line and "drawn" in line
               for line in result.output.splitlines())
    assert runner.invoke(args=["reconcile", "--fix"]).exit_code == 0
    assert runner.invoke(args=["reconcile"]).exit_code == 0


# --- import-bank / export-bank ---------------------------------------------------------------

def bank_file(tmp_path, *rows, name="题库.csv"):
    path = tmp_path / name
    path.write_bytes(csv_file(*rows))
    return path


def test_import_bank_stores_a_clean_file_and_prints_a_summary(runner, db, tmp_path):
    result = runner.invoke(args=["import-bank", str(bank_file(tmp_path, *ROWS)),
                                 "--bank", "消防题库"])
    assert result.exit_code == 0, result.output
    assert "3 道新增" in result.output and "0 处错误" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 3
    again = runner.invoke(args=["import-bank", str(bank_file(tmp_path, *ROWS)),
                                "--bank", "消防题库"])
    assert again.exit_code == 0 and "3 道已在题库中" in again.output


def test_import_bank_lists_every_error_and_stores_nothing(runner, db, tmp_path):
    path = bank_file(tmp_path, *ROWS, "单选,火警电话,110,119,,,E,,,", "多选,,甲,乙,,,AB,,,")
    result = runner.invoke(args=["import-bank", str(path), "--bank", "消防题库"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("错误")]
    assert len(errors) == 2 and "第 5 行" in errors[0] and "第 6 行" in errors[1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_import_bank_dry_run_stores_nothing(runner, db, tmp_path):
    result = runner.invoke(args=["import-bank", str(bank_file(tmp_path, *ROWS)),
                                 "--bank", "消防题库", "--dry-run"])
    assert result.exit_code == 0 and "3 道新增" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_import_bank_update_rewrites_questions_already_there(runner, db, tmp_path):
    runner.invoke(args=["import-bank", str(bank_file(tmp_path, *ROWS)), "--bank", "消防题库"])
    changed = ROWS[0].replace("火警电话119", "牢记119")
    path = bank_file(tmp_path, changed, name="新.csv")
    result = runner.invoke(args=["import-bank", str(path), "--bank", "消防题库", "--update"])
    assert result.exit_code == 0 and "1 道更新" in result.output
    assert db.session.scalar(sa.select(Question.explanation).where(
        Question.stem == "发现火灾应拨打的电话是")) == "牢记119"


def test_import_bank_refuses_a_missing_bank_name_or_file(runner, tmp_path):
    path = bank_file(tmp_path, *ROWS)
    assert runner.invoke(args=["import-bank", str(path)]).exit_code == 2
    assert runner.invoke(args=["import-bank", str(tmp_path / "nope.csv"), "--bank", "x"]
                         ).exit_code == 2
    blank = runner.invoke(args=["import-bank", str(path), "--bank", " "])
    assert blank.exit_code == 2 and "名字" in blank.output


def test_import_bank_shows_a_progress_bar_on_large_files(runner, tmp_path):
    rows = [f"单选,第{i}题,甲,乙,丙,丁,C,,," for i in range(2500)]
    result = runner.invoke(args=["import-bank", str(bank_file(tmp_path, *rows)),
                                 "--bank", "大题库"])
    assert result.exit_code == 0, result.output
    assert "读取" in result.stderr and "保存" in result.stderr
    assert "2500 道新增" in result.stdout


@pytest.mark.parametrize("suffix", [".xlsx", ".gift"])
def test_export_bank_writes_a_file_that_imports_back(runner, db, tmp_path, suffix):
    runner.invoke(args=["import-bank", str(bank_file(tmp_path, *ROWS)), "--bank", "消防题库"])
    out = tmp_path / f"导出{suffix}"
    result = runner.invoke(args=["export-bank", "消防题库", "--out", str(out)])
    assert result.exit_code == 0, result.output
    back = question_bank.parse_file(out)
    assert back.ok and len(back.drafts) == 3


def test_export_bank_refuses_an_unknown_bank_or_suffix(runner, tmp_path):
    assert runner.invoke(args=["export-bank", "没有", "--out", str(tmp_path / "a.xlsx")]
                         ).exit_code == 2
    assert runner.invoke(args=["export-bank", "没有", "--out", str(tmp_path / "a.pdf")]
                         ).exit_code == 2


def test_create_user_makes_the_first_admin(db, runner, make_unit):
    from quiz.models import User

    unit = make_unit("平安县", code="PA", kind="county")
    result = runner.invoke(args=["create-user", "--role", "admin", "--unit", "PA", "--phone",
                                 "１３９ 0000 0001", "--name", "管理员", "--password",
                                 "long-enough"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.phone == "13900000001"))
    assert (user.role, user.unit_id, user.name) == ("admin", unit.id, "管理员")
    assert user.check_password("long-enough")


def test_create_user_asks_for_the_password_twice_when_not_given(db, runner, make_unit):
    from quiz.models import User

    make_unit(code="U9")
    result = runner.invoke(args=["create-user", "--role", "organizer", "--unit", "U9",
                                 "--phone", "13900000002", "--name", "组织者"],
                           input="secret-one\nsecret-one\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.phone == "13900000002"))
    assert user.role == "organizer" and user.check_password("secret-one")


def test_create_user_names_every_mistake_and_stores_nothing(db, runner, make_user):
    from quiz.models import User

    taken = make_user()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    result = runner.invoke(args=["create-user", "--role", "participant", "--unit", "NOPE",
                                 "--phone", taken.phone, "--name", "\u202e", "--password",
                                 "123"])
    assert result.exit_code == 1
    for option in ("--name", "--phone", "--password", "--unit"):
        assert option in result.output, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before
    bad_role = runner.invoke(args=["create-user", "--role", "boss", "--unit", "NOPE",
                                   "--phone", "13900000003", "--name", "甲", "--password",
                                   "secret123"])
    assert bad_role.exit_code == 2


def test_reconcile_names_each_unit_figure_that_disagrees_up_the_tree(
        db, runner, make_unit, make_user, make_quiz):
    county = make_unit("平安县", code="PA", kind="county")
    town = make_unit("城关镇", parent=county, code="PA-CG", kind="township")
    user, quiz = make_user(unit=town), make_quiz()
    finished_attempts(user, quiz, 2, dt.datetime(2026, 6, 10, 2))
    kept_counter(quiz.campaign_id, town.id).attempts = 5
    db.session.commit()
    result = runner.invoke(args=["reconcile", "--campaign", quiz.campaign.slug])
    assert result.exit_code == 1
    figures = [line.split() for line in result.output.splitlines() if " figure " in line]
    # the town's own figure, and its county's sum over the subtree
    assert [quiz.campaign.slug, "PA-CG", "figure", "attempts", "5", "2"] in figures
    assert [quiz.campaign.slug, "PA", "figure", "attempts", "5", "2"] in figures
    assert runner.invoke(args=["reconcile", "--fix"]).exit_code == 0
    assert runner.invoke(args=["reconcile"]).exit_code == 0
