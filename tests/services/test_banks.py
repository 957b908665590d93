"""Storing banks: all or nothing, duplicates, updates, editing, disabling, exporting."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import question_bank
from quiz.db import write_transaction
from quiz.models import Bank, Question
from quiz.services import attempts, banks
from quiz.services.errors import NotEnoughQuestions, ValidationFailed

HEADER = "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度"
ROWS = [
    "单选,发现火灾应拨打的电话是,110,119,120,122,B,火警电话119,消防,易",
    "多选,使用灭火器的正确做法有,拔掉保险销,对准火焰根部,站在下风口,压下压把,ABD,,消防,中",
    "判断,可以用水扑灭电器火灾,,,,,错,先断电,用电,",
]


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def parse(data: bytes, name: str = "bank.csv", **options) -> question_bank.ParseResult:
    return question_bank.parse_bytes(data, name, **options)


def do_import(data: bytes, bank: str = "消防题库", **options) -> banks.ImportReport:
    result = parse(data)
    with write_transaction():
        return banks.import_parsed(bank, result, **options)


def stored(db, bank: str = "消防题库") -> list[Question]:
    return list(db.session.scalars(
        sa.select(Question).join(Bank).where(Bank.name == bank).order_by(Question.id)))


def test_a_clean_file_creates_the_bank_and_stores_every_question(db):
    report = do_import(csv_file(*ROWS))
    assert report.stored and (report.added, report.updated, report.already_in_bank) == (3, 0, 0)
    questions = stored(db)
    assert [q.type for q in questions] == ["single", "multiple", "judge"]
    assert questions[1].answer == "ABD" and questions[2].options == ["正确", "错误"]
    assert questions[2].answer == "B" and questions[0].difficulty == 1


def test_one_bad_row_stores_nothing_and_every_error_is_reported(db):
    bad = ["单选,火警电话,110,119,,,E,,,", "多选,,甲,乙,,,AB,,,"]
    report = do_import(csv_file(*ROWS, *bad))
    assert not report.stored
    assert [(i.row, i.code) for i in report.result.errors] == [
        (5, "answer_not_an_option"), (6, "missing_stem")]
    assert report.added == 3  # what would have been added
    assert db.session.scalar(sa.select(Bank).where(Bank.name == "消防题库")) is None


def test_a_dry_run_reports_and_stores_nothing(db):
    report = do_import(csv_file(*ROWS), dry_run=True)
    assert not report.stored and report.added == 3
    assert stored(db) == []


def test_importing_the_same_file_again_adds_nothing(db):
    do_import(csv_file(*ROWS))
    again = do_import(csv_file(*ROWS))
    assert (again.added, again.updated, again.already_in_bank) == (0, 0, 3)
    assert len(stored(db)) == 3


def test_retyped_questions_count_as_the_same_question(db):
    do_import(csv_file(*ROWS))
    retyped = "单选, 发现火灾应拨打的电话是 ,110,119,120,122,b,火警电话119,消防,易"
    assert do_import(csv_file(retyped)).already_in_bank == 1


def test_update_changes_the_answer_details_of_questions_already_there(db):
    do_import(csv_file(*ROWS))
    changed = "单选,发现火灾应拨打的电话是,110,119,120,122,B,记住：119,消防常识,难"
    kept = do_import(csv_file(changed))
    assert (kept.updated, kept.already_in_bank) == (0, 1)
    assert stored(db)[0].explanation == "火警电话119"
    updated = do_import(csv_file(changed, ROWS[1]), update=True)
    assert (updated.added, updated.updated, updated.already_in_bank) == (0, 1, 1)
    first = stored(db)[0]
    assert (first.explanation, first.category, first.difficulty) == ("记住：119", "消防常识", 3)
    assert len(stored(db)) == 3


def test_duplicates_within_the_file_are_skipped_and_counted(db):
    report = do_import(csv_file(ROWS[0], ROWS[0], ROWS[1]))
    assert report.stored and report.added == 2 and report.skipped_in_file == 1


def test_a_bank_needs_a_name(db):
    with pytest.raises(ValidationFailed) as error:
        do_import(csv_file(*ROWS), bank="   ")
    assert error.value.field == "bank"
    with pytest.raises(ValidationFailed):
        do_import(csv_file(*ROWS), bank="题" * 101)


def test_a_large_file_reports_storing_progress(db):
    rows = [f"单选,第{i}题：下列哪项正确,甲,乙,丙,丁,C,,," for i in range(2500)]
    seen = []
    with write_transaction():
        report = banks.import_parsed("大题库", parse(csv_file(*rows)),
                                     progress=lambda done, total: seen.append((done, total)))
    assert report.added == 2500 and seen[-1] == (2500, 2500) and len(seen) == 3


def test_editing_a_question_checks_it_like_an_imported_row(db):
    do_import(csv_file(*ROWS))
    question = stored(db)[0]
    with pytest.raises(ValidationFailed) as error:
        banks.update_question(question, qtype="single", stem="发现火灾应拨打的电话是",
                              options=["110", "119"], answer="C", explanation="",
                              category="", difficulty="2")
    assert error.value.field == "answer" and "C" in str(error.value.message)
    with pytest.raises(ValidationFailed) as error:
        banks.update_question(question, qtype="single", stem="", options=["110", "119"],
                              answer="B", explanation="", category="", difficulty="2")
    assert error.value.field == "stem"
    banks.update_question(question, qtype="single", stem="火警电话是多少？",
                          options=["110", "119"], answer="b", explanation="119",
                          category="消防", difficulty="1")
    db.session.commit()
    assert (question.stem, question.options, question.answer) == ("火警电话是多少？",
                                                                  ["110", "119"], "B")


def test_an_edit_may_not_turn_a_question_into_its_twin(db):
    do_import(csv_file(*ROWS))
    first, second, _ = stored(db)
    with pytest.raises(ValidationFailed) as error:
        banks.update_question(second, qtype="single", stem=first.stem, options=first.options,
                              answer="A", explanation="", category="", difficulty="2")
    assert str(first.id) in str(error.value.message)


def test_a_disabled_question_is_never_drawn(db, make_user, make_quiz, make_bank, clock):
    bank = make_bank(single=5, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=4, multiple=0, judge=0)
    question = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id)).first()
    with write_transaction():
        banks.set_question_active(question, False)
    user = make_user()
    for _ in range(3):
        with write_transaction():
            attempt = attempts.start(user, quiz, clock(), 5).attempt
            assert question.id not in [item["id"] for item in attempt.questions]
            attempts.submit(user, attempt.id, None, clock(), 5)


def test_disabling_is_refused_while_a_quiz_needs_the_question(db, make_quiz, make_bank,
                                                             make_user, clock):
    bank = make_bank(single=4, multiple=0, judge=1)
    make_quiz(bank=bank, single=4, multiple=0, judge=0)
    single = db.session.scalars(
        sa.select(Question).where(Question.bank_id == bank.id, Question.type == "single")).first()
    with pytest.raises(ValidationFailed) as error:
        banks.set_question_active(single, False)
    assert "答题" in str(error.value.message)
    judge = db.session.scalars(
        sa.select(Question).where(Question.bank_id == bank.id, Question.type == "judge")).first()
    banks.set_question_active(judge, False)  # no quiz asks for true/false here
    assert judge.is_active is False


def test_a_quiz_short_of_questions_says_so_instead_of_drawing_fewer(db, make_quiz, make_bank,
                                                                   make_user, clock):
    bank = make_bank(single=4, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=4, multiple=0, judge=0)
    db.session.execute(sa.update(Question).where(Question.bank_id == bank.id).values(
        is_active=False))
    db.session.commit()
    with pytest.raises(NotEnoughQuestions), write_transaction():
        attempts.start(make_user(), quiz, clock(), 5)


def test_a_bank_exports_to_xlsx_and_gift_and_imports_back_unchanged(db):
    do_import(csv_file(*ROWS))
    bank = banks.find_bank("消防题库")
    drafts = banks.export_drafts(bank)
    fields = ("type", "stem", "options", "answer", "explanation", "category", "difficulty")
    for kind, name in (("xlsx", "out.xlsx"), ("gift", "out.gift")):
        back = parse(banks.export_bytes(drafts, kind), name)
        assert back.ok, (kind, back.issues)
        compare = fields if kind == "xlsx" else fields[:-1]
        assert [[getattr(d, f) for f in compare] for d in back.drafts] == \
               [[getattr(d, f) for f in compare] for d in drafts], kind
        again = do_import(banks.export_bytes(drafts, kind), bank="消防题库")
        assert again.already_in_bank == 3 and again.added == 0


def test_disabled_questions_stay_out_of_an_export_unless_asked(db):
    do_import(csv_file(*ROWS))
    question = stored(db)[0]
    question.is_active = False
    db.session.commit()
    bank = banks.find_bank("消防题库")
    assert len(banks.export_drafts(bank)) == 2
    assert len(banks.export_drafts(bank, include_disabled=True)) == 3


def test_bank_summaries_count_questions_by_type_and_status(db):
    do_import(csv_file(*ROWS))
    stored(db)[0].is_active = False
    db.session.commit()
    (summary,) = banks.bank_summaries()
    assert summary.by_type == {"single": 0, "multiple": 1, "judge": 1}
    assert (summary.active, summary.disabled) == (2, 1)


def test_searching_a_bank_filters_by_text_type_category_and_status(db):
    do_import(csv_file(*ROWS))
    bank = banks.find_bank("消防题库")
    assert banks.search_questions(bank).total == 3
    assert [q.type for q in banks.search_questions(bank, text="灭火器").questions] == ["multiple"]
    assert banks.search_questions(bank, text="先断电").total == 1  # explanations too
    assert banks.search_questions(bank, text="100%").total == 0  # % is literal
    assert banks.search_questions(bank, qtype="judge").total == 1
    assert banks.search_questions(bank, category="消防").total == 2
    assert banks.search_questions(bank, status="disabled").total == 0
    page = banks.search_questions(bank, per_page=2, page=2)
    assert (page.pages, len(page.questions)) == (2, 1)
    assert page.categories == ["消防", "用电"]


def test_an_import_that_collides_with_a_concurrent_one_stores_nothing(db, monkeypatch):
    from quiz.services.errors import ConcurrentChange

    do_import(csv_file(*ROWS))
    # As if another import had added the same questions after this one looked at the bank.
    monkeypatch.setattr(banks, "_existing", lambda bank_id: {})
    extra = "单选,新题：灭火器应放在,走廊,床下,,,A,,,"
    with pytest.raises(ConcurrentChange):
        do_import(csv_file(*ROWS, extra))
    monkeypatch.undo()
    assert len(stored(db)) == 3
