"""Drawing an attempt's questions from a quiz's banks, per the quiz's rules."""

from __future__ import annotations

import random

import sqlalchemy as sa

from ..extensions import db
from ..models import OPTION_KEYS, Question, QuestionType, Quiz
from .errors import NotEnoughQuestions

#: Participants meet the types in this order, as on a paper exam.
TYPE_ORDER = (QuestionType.single.value, QuestionType.multiple.value, QuestionType.judge.value)


def draw_questions(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Pick the quiz's questions; return [{"id", "type", "order", "points"}] in display order.

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

    option_counts = dict(
        db.session.execute(
            sa.select(Question.id, Question.options).where(Question.id.in_(taken))
        ).all()
    )
    drawn = []
    for qtype in TYPE_ORDER:
        ids = picked[qtype]
        if quiz.shuffle_questions:
            rng.shuffle(ids)
        for qid in ids:
            keys = list(OPTION_KEYS[: len(option_counts[qid])])
            if quiz.shuffle_options and qtype != QuestionType.judge.value:
                rng.shuffle(keys)
            drawn.append(
                {"id": qid, "type": qtype, "order": "".join(keys), "points": quiz.points_for(qtype)}
            )
    return drawn
