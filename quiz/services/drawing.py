"""Drawing an attempt's questions from a quiz's banks, per the quiz's rules."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import OPTION_KEYS, Question, QuestionRevision, QuestionType, Quiz
from .errors import NotEnoughQuestions


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as an attempt drew it: the version it shows and is scored on."""

    id: int
    type: str
    stem: str
    options: list[str]
    answer: str
    explanation: str


def as_drawn(question_id: int, version: Question | QuestionRevision) -> DrawnQuestion:
    """A question or one of its revisions as the attempt shows it."""
    return DrawnQuestion(question_id, version.type, version.stem, list(version.options),
                         version.answer, version.explanation or "")


#: Participants meet the types in this order, as on a paper exam.
TYPE_ORDER = (QuestionType.single.value, QuestionType.multiple.value, QuestionType.judge.value)


def draw_questions(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Pick the quiz's questions; return [{"id", "v", "type", "order", "points"}] in display
    order. "v" is the question's version: the attempt shows and scores that version, whatever
    later edits do.

    "order" is the stored option keys in the order shown (options shuffled when the quiz
    says so; true/false always 正确 then 错误).
    """
    bank_ids = [bank.id for bank in quiz.banks]
    picked: dict[str, list[int]] = {t: [] for t in TYPE_ORDER}
    taken: set[int] = set()
    for rule in quiz.rules:
        query = sa.select(Question.id).where(
            Question.bank_id.in_(bank_ids),
            Question.type == rule.type,
            Question.is_active.is_(True),
        )
        if rule.category:
            query = query.where(Question.category == rule.category)
        candidates = [qid for qid in db.session.scalars(query) if qid not in taken]
        if len(candidates) < rule.count:
            raise NotEnoughQuestions(
                type=rule.type, category=rule.category, wanted=rule.count, found=len(candidates)
            )
        chosen = rng.sample(candidates, rule.count)
        taken.update(chosen)
        picked[rule.type].extend(chosen)

    drawn_rows = {
        row.id: row for row in db.session.execute(
            sa.select(Question.id, Question.options, Question.version)
            .where(Question.id.in_(taken))
        )
    }
    drawn = []
    for qtype in TYPE_ORDER:
        ids = picked[qtype]
        if quiz.shuffle_questions:
            rng.shuffle(ids)
        for qid in ids:
            keys = list(OPTION_KEYS[: len(drawn_rows[qid].options)])
            if quiz.shuffle_options and qtype != QuestionType.judge.value:
                rng.shuffle(keys)
            drawn.append({"id": qid, "v": drawn_rows[qid].version, "type": qtype,
                          "order": "".join(keys), "points": quiz.points_for(qtype)})
    return drawn
