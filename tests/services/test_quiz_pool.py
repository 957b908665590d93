"""The banks' active questions a worker keeps for drawing (drawing.quiz_pool): every write to
a bank's questions, by the app or by anything else, is seen by the next start.

The database raises a bank's revision at each write to its questions (migration 0009's
triggers); these tests run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from quiz.db import write_transaction
from quiz.models import Bank, Question
from quiz.services import attempts, banks
from quiz.services.drawing import quiz_pool
from quiz.services.errors import NotEnoughQuestions

GRACE = 5


def start(user, quiz, clock):
    with write_transaction():
        return attempts.start(user, quiz, clock(), GRACE).attempt


def revision(db, bank) -> int:
    return db.session.execute(sa.text("SELECT revision FROM bank WHERE id = :id"),
                              {"id": bank.id}).scalar_one()


def drawn_ids(attempt) -> set[int]:
    return {item["id"] for item in attempt.questions}


def test_a_question_added_to_the_bank_is_drawn_by_the_next_start(db, make_user, make_bank,
                                                                 make_quiz, clock):
    bank = make_bank(single=3, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=4, multiple=0, judge=0)
    with pytest.raises(NotEnoughQuestions):  # the pool of three is now kept
        start(make_user(), quiz, clock)
    db.session.add(Question(bank_id=bank.id, type="single", stem="新增的单选题",
                            options=["甲", "乙"], answer="A", category="消防安全",
                            fingerprint="added"))
    db.session.commit()
    attempt = start(make_user(), quiz, clock)
    added = db.session.scalar(sa.select(Question.id).where(Question.stem == "新增的单选题"))
    assert added in drawn_ids(attempt) and len(drawn_ids(attempt)) == 4


def test_a_disabled_question_is_not_drawn_once_it_is_disabled(db, make_user, make_bank,
                                                              make_quiz, clock):
    bank = make_bank(single=4, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=3, multiple=0, judge=0, is_active=False)
    quiz.is_active = True  # (an inactive quiz lets its questions be disabled)
    db.session.commit()
    start(make_user(), quiz, clock)
    first = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id)).first()
    quiz.is_active = False
    db.session.commit()
    with write_transaction():
        banks.set_question_active(first, False)
    quiz.is_active = True
    db.session.commit()
    for _ in range(8):  # three of the three left, every time
        assert first.id not in drawn_ids(start(make_user(), quiz, clock))


def test_an_edited_question_is_drawn_at_its_new_version(db, make_user, make_bank, make_quiz,
                                                        clock):
    bank = make_bank(single=2, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=2, multiple=0, judge=0)
    assert {item["v"] for item in start(make_user(), quiz, clock).questions} == {1}
    question = db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id)).first()
    with write_transaction():
        banks.update_question(question, qtype="single", stem="改过的题干", options=["甲", "乙"],
                              answer="A", explanation="", category="消防安全", difficulty="")
    attempt = start(make_user(), quiz, clock)
    assert {item["id"]: item["v"] for item in attempt.questions}[question.id] == 2
    shown = {q["id"]: q["stem"] for q in attempts.public_questions(attempt)}
    assert shown[question.id] == "改过的题干"


def test_a_bank_added_to_the_quiz_is_drawn_from(db, make_user, make_bank, make_quiz, clock):
    quiz = make_quiz(bank=make_bank(single=2, multiple=0, judge=0), single=3, multiple=0,
                     judge=0)
    with pytest.raises(NotEnoughQuestions):
        start(make_user(), quiz, clock)
    quiz.banks.append(make_bank(single=1, multiple=0, judge=0))
    db.session.commit()
    assert len(drawn_ids(start(make_user(), quiz, clock))) == 3


def test_writes_outside_the_app_raise_the_revision_too(db, make_bank, make_quiz):
    bank = make_bank(single=3, multiple=0, judge=0)
    other = make_bank(single=1, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=1, multiple=0, judge=0)
    assert sorted(quiz_pool(quiz.id).versions) == sorted(
        q.id for q in db.session.scalars(sa.select(Question).where(Question.bank_id == bank.id)))
    before, other_before = revision(db, bank), revision(db, other)
    # A plain UPDATE of one row, then one moving a question to the other bank.
    db.session.execute(sa.text("UPDATE question SET is_active = :no WHERE id = "
                               "(SELECT min(id) FROM question WHERE bank_id = :bank)"),
                       {"no": False, "bank": bank.id})
    db.session.commit()
    assert revision(db, bank) > before
    assert len(quiz_pool(quiz.id).versions) == 2
    moved = max(quiz_pool(quiz.id).versions)
    db.session.execute(sa.update(Question).where(Question.id == moved)
                       .values(bank_id=other.id))
    db.session.commit()
    assert revision(db, other) > other_before
    assert moved not in quiz_pool(quiz.id).versions
    db.session.execute(sa.delete(Question).where(Question.bank_id == bank.id))
    db.session.commit()
    assert quiz_pool(quiz.id).versions == {}


def test_a_bank_made_without_questions_starts_at_revision_0(db):
    bank = Bank(name="空题库")
    db.session.add(bank)
    db.session.commit()
    assert revision(db, bank) == 0


def test_a_pool_read_by_a_transaction_that_wrote_and_rolled_back_is_not_kept(db, make_bank,
                                                                            make_quiz):
    bank = make_bank(single=3, multiple=0, judge=0)
    quiz = make_quiz(bank=bank, single=1, multiple=0, judge=0)
    ids = sorted(quiz_pool(quiz.id).versions)
    # A transaction adds a question, draws from the pool it sees, and rolls back ...
    db.session.add(Question(bank_id=bank.id, type="single", stem="未保存的题",
                            options=["甲", "乙"], answer="A", category="消防安全",
                            fingerprint="rolled-back"))
    db.session.flush()
    assert len(quiz_pool(quiz.id).versions) == 4
    db.session.rollback()
    # ... then another write takes the bank to the revision that transaction saw.
    db.session.execute(sa.text("UPDATE question SET is_active = :no WHERE id = :id"),
                       {"no": False, "id": ids[0]})
    db.session.commit()
    assert sorted(quiz_pool(quiz.id).versions) == ids[1:]
