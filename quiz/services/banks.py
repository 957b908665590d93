"""Storing parsed question banks: drafts from `question_bank` become questions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from question_bank import QuestionDraft

from ..extensions import db
from ..models import Bank, Question


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    skipped_duplicates: int = 0


def get_or_create_bank(name: str) -> Bank:
    """The bank with this name, created if new."""
    bank = db.session.scalar(sa.select(Bank).where(Bank.name == name))
    if bank is None:
        bank = Bank(name=name)
        db.session.add(bank)
        db.session.flush()
    return bank


def store_drafts(bank: Bank, drafts: Iterable[QuestionDraft], *, update: bool = False,
                 skipped_in_file: int = 0) -> ImportSummary:
    """Add drafts to the bank; a question already there is skipped, or updated if asked.

    The caller's transaction makes the import all or nothing.
    """
    summary = ImportSummary(skipped_duplicates=skipped_in_file)
    existing = dict(db.session.execute(
        sa.select(Question.fingerprint, Question.id).where(Question.bank_id == bank.id)
    ).all())
    fields = ("type", "stem", "options", "answer", "explanation", "category", "difficulty")
    for draft in drafts:
        values = {
            "type": draft.type.value if hasattr(draft.type, "value") else str(draft.type),
            "stem": draft.stem, "options": list(draft.options), "answer": draft.answer,
            "explanation": draft.explanation, "category": draft.category,
            "difficulty": draft.difficulty,
        }
        fingerprint = draft.fingerprint()
        if fingerprint in existing:
            if update and existing[fingerprint] is not None:
                question = db.session.get(Question, existing[fingerprint])
                for name in fields:
                    setattr(question, name, values[name])
                summary.updated += 1
            else:
                summary.skipped_duplicates += 1
            continue
        question = Question(bank_id=bank.id, fingerprint=fingerprint, **values)
        db.session.add(question)
        existing[fingerprint] = None  # a later duplicate in the same batch is skipped
        summary.added += 1
    db.session.flush()
    return summary
