"""What a review may say when answers are hidden, and attempts that keep the question as
drawn while an organizer edits it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Question, QuestionRevision
from quiz.services import attempts, banks
from tests.helpers import correct_answers, wrong_answers
from tests.services.test_attempts import save, start, submit


def _only_judge_quiz(make_quiz, make_bank, **settings):
    return make_quiz(bank=make_bank(single=0, multiple=0, judge=4), single=0, multiple=0,
                     judge=2, **settings)


def test_hidden_answers_leave_no_per_question_mark_in_the_review(make_user, make_quiz,
                                                                  make_bank, clock):
    user = make_user()
    quiz = _only_judge_quiz(make_quiz, make_bank, review_shows_answers=False)
    attempt = start(user, quiz, clock)
    answers = correct_answers(attempt)
    first, second = list(answers)
    answers[second] = wrong_answers(attempt)[second]
    submit(user, attempt, clock, answers)
    rows = attempts.review(attempt)
    assert [row["given"] for row in rows] == [answers[first], answers[second]]
    for row in rows:
        assert {"awarded", "is_correct", "correct"}.isdisjoint(row)
    assert attempt.score == 5  # the total stays


def test_a_quiz_may_mark_right_and_wrong_without_showing_the_key(make_user, make_quiz,
                                                                 make_bank, clock):
    user = make_user()
    quiz = _only_judge_quiz(make_quiz, make_bank, review_shows_answers=False,
                            review_shows_correctness=True)
    attempt = start(user, quiz, clock)
    answers = correct_answers(attempt)
    second = list(answers)[1]
    answers[second] = wrong_answers(attempt)[second]
    submit(user, attempt, clock, answers)
    rows = attempts.review(attempt)
    assert [row["is_correct"] for row in rows] == [True, False]
    assert [row["awarded"] for row in rows] == [5, 0]
    assert all("correct" not in row for row in rows)


def test_marking_right_and_wrong_is_off_for_new_quizzes(make_quiz):
    assert make_quiz().review_shows_correctness is False


def _edit(question: Question, **changes) -> None:
    values = {"qtype": question.type, "stem": question.stem, "options": list(question.options),
              "answer": question.answer, "explanation": question.explanation,
              "category": question.category, "difficulty": str(question.difficulty),
              **changes}
    with write_transaction():
        banks.update_question(question, **values)


def _single_quiz(make_quiz, make_bank, **settings):
    return make_quiz(bank=make_bank(single=4, multiple=0, judge=0), single=4, multiple=0,
                     judge=0, shuffle_options=False, shuffle_questions=False, **settings)


def test_an_open_attempt_keeps_a_question_edited_to_fewer_options(db, make_user, make_quiz,
                                                                  make_bank, clock):
    user = make_user()
    quiz = _single_quiz(make_quiz, make_bank)
    attempt = start(user, quiz, clock)
    drawn = db.session.get(Question, attempt.questions[0]["id"])
    stem = drawn.stem
    answers = {str(drawn.id): "D"}  # the fourth option, which the edit removes
    save(user, attempt, clock, answers)
    _edit(drawn, options=["甲", "乙"], answer="A", stem="改过的题干")

    shown = attempts.public_questions(attempt)[0]
    assert [o["text"] for o in shown["options"]] == ["甲", "乙", "丙", "丁"]
    assert shown["stem"] == stem
    # resuming gives the same attempt, which still shows four options
    again = attempts.start(user, quiz, clock(), 5)
    assert again.created is False and again.attempt.id == attempt.id
    submit(user, attempt, clock, answers)
    assert attempt.status == "submitted"
    assert [row["given"] for row in attempts.review(attempt)][:1] == ["D"]
    assert len(attempts.review(attempt)[0]["options"]) == 4


def test_an_edit_of_the_key_does_not_change_an_open_attempts_outcome(db, make_user, make_quiz,
                                                                     make_bank, clock):
    user = make_user()
    quiz = _single_quiz(make_quiz, make_bank)
    attempt = start(user, quiz, clock)
    answers = correct_answers(attempt)  # the key as drawn: "B" for every question
    for item in attempt.questions:
        _edit(db.session.get(Question, item["id"]), answer="C")
    submit(user, attempt, clock, answers)
    assert attempt.score == attempt.max_score
    assert {row["correct"] for row in attempts.review(attempt)} == {"B"}
    # A new attempt draws the edited version
    later = start(user, quiz, clock)
    assert all(item["v"] == 2 for item in later.questions)
    submit(user, later, clock, {str(item["id"]): "C" for item in later.questions})
    assert later.score == later.max_score


def test_a_past_attempts_review_shows_the_question_as_it_was(db, make_user, make_quiz,
                                                             make_bank, clock):
    user = make_user()
    quiz = _single_quiz(make_quiz, make_bank)
    attempt = start(user, quiz, clock)
    submit(user, attempt, clock, correct_answers(attempt))
    question = db.session.get(Question, attempt.questions[0]["id"])
    stem = question.stem
    _edit(question, stem="新题干", explanation="新解析")
    _edit(question, stem="更新的题干")
    row = attempts.review(attempt)[0]
    assert row["stem"] == stem and row["explanation"] == f"{stem}的解析"
    assert question.version == 3
    kept = db.session.get(QuestionRevision, (question.id, 2))
    assert kept.stem == "新题干"


def test_an_edit_from_a_stale_page_builds_on_the_latest_version(db, make_bank):
    """Two organizers edit one question: the second save sees the first's version (it is
    reloaded, locked on PostgreSQL), so revisions never collide."""
    question = make_bank(single=1, multiple=0, judge=0).questions[0]
    with db.engine.begin() as conn:  # someone else's edit, committed meanwhile
        conn.execute(sa.text("INSERT INTO question_revision (question_id, version, type, stem, "
                             "options, answer, explanation, replaced_at) SELECT id, version, "
                             "type, stem, options, answer, explanation, CURRENT_TIMESTAMP "
                             "FROM question WHERE id = :id"), {"id": question.id})
        conn.execute(sa.text("UPDATE question SET version = 2, stem = '别人改过的题干' "
                             "WHERE id = :id"), {"id": question.id})
    _edit(question, stem="我改的题干")  # this object still says version 1
    assert question.version == 3 and question.stem == "我改的题干"
    assert db.session.get(QuestionRevision, (question.id, 2)).stem == "别人改过的题干"


def test_changing_only_the_category_or_difficulty_makes_no_new_version(db, make_bank):
    question = make_bank(single=1, multiple=0, judge=0).questions[0]
    _edit(question, category="用电安全", difficulty="3")
    assert question.version == 1
    assert db.session.query(QuestionRevision).count() == 0


@pytest.mark.parametrize("update_answer", ["C", "B"])
def test_an_import_with_update_versions_only_the_questions_it_changes(db, make_bank,
                                                                      update_answer):
    import question_bank
    from question_bank import ParseResult

    bank = make_bank(single=2, multiple=0, judge=0)
    first = bank.questions[0]
    draft, _ = question_bank.check_question(
        qtype="single", stem=first.stem, options=list(first.options), answer=update_answer,
        explanation=first.explanation, category=first.category, difficulty="2")
    first.fingerprint = draft.fingerprint()  # the factory's fingerprints are placeholders
    db.session.commit()
    with write_transaction():
        banks.import_parsed(bank.name, ParseResult(drafts=[draft]), update=True)
    db.session.refresh(first)
    expected = 2 if update_answer != "B" else 1
    assert first.version == expected
    assert db.session.query(QuestionRevision).count() == expected - 1


def test_drawn_questions_kept_in_memory_are_dropped_with_a_new_connection(app, make_quiz):
    """Kept by (id, version), which only a database restored under a running process could
    give to another question: new connections (what reaching it takes) drop what is kept."""
    import sqlalchemy as sa

    from quiz.extensions import db as _db
    from quiz.models import Question
    from quiz.services.drawing import drawn_versions

    make_quiz()
    question = _db.session.scalars(sa.select(Question)).first()
    wanted, stem = {question.id: question.version}, question.stem
    assert drawn_versions(wanted)[question.id].stem == stem
    _db.session.execute(sa.update(Question).where(Question.id == question.id)
                        .values(stem="另一道题（数据库已被替换）"))
    _db.session.commit()
    assert drawn_versions(wanted)[question.id].stem == stem  # kept
    _db.session.remove()
    _db.engine.dispose()  # as after a restore: every connection is made anew
    _db.session.execute(sa.select(1))
    assert drawn_versions(wanted)[question.id].stem == "另一道题（数据库已被替换）"
