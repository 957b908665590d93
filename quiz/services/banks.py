"""Question banks: importing parsed files (all or nothing), browsing, editing, exporting."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import question_bank
from question_bank import MESSAGES, ImportIssue, ParseResult, QuestionDraft, QuestionType

from ..extensions import db
from ..models import (
    VERSIONED_FIELDS,
    Bank,
    Question,
    QuestionCounter,
    QuestionRevision,
    Quiz,
    QuizRule,
    quiz_bank,
)
from ..timeutil import utcnow
from .errors import ConcurrentChange, NotFound, ValidationFailed
from .text import clean_name

BANK_NAME_MAX_LENGTH = 100
#: Rows per INSERT/UPDATE batch when storing a file, and per progress report.
STORE_BATCH = 1000
#: The columns a question takes from a draft.
QUESTION_FIELDS = ("type", "stem", "options", "answer", "explanation", "category",
                   "difficulty")

StoreProgress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What an import did, or (dry run, or a file with errors) would do."""

    bank_name: str
    result: ParseResult
    added: int = 0
    updated: int = 0
    #: Already in the bank (same normalised type, stem and options), left as they were.
    already_in_bank: int = 0
    stored: bool = False
    bank_id: int | None = None
    #: (draft, what happens to it): "add", "update", "keep"; for previews.
    plan: list[tuple[QuestionDraft, str]] = field(default_factory=list)

    @property
    def skipped_in_file(self) -> int:
        return self.result.skipped_duplicates

    @property
    def skipped_unsupported(self) -> int:
        return self.result.skipped_unsupported

    @property
    def ok(self) -> bool:
        return self.result.ok


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def issue_message(issue: ImportIssue) -> str:
    """The issue's message in the user's language (the catalog holds MESSAGES' templates)."""
    template = MESSAGES.get(issue.code)
    if template is None:
        return issue.message
    return _(template).format_map(_Keep(issue.params))


def issue_place(issue: ImportIssue) -> str:
    """Where the issue is, in the user's language: sheet, row, line, column."""
    parts = []
    if issue.sheet:
        parts.append(_("sheet %(name)s", name=issue.sheet))
    if issue.row is not None and issue.line is None:
        parts.append(_("row %(number)d", number=issue.row))
    if issue.line is not None:
        parts.append(_("line %(number)d", number=issue.line))
    if issue.field:
        parts.append(_("column %(name)s", name=issue.field))
    return _(", ").join(parts) if parts else _("whole file")


def check_bank_name(name: str) -> str:
    """The bank name as stored (see quiz.services.text), or ValidationFailed."""
    return clean_name(name, field="bank", max_length=BANK_NAME_MAX_LENGTH,
                      empty_message=_l("Give the bank a name."))


def find_bank(name: str) -> Bank | None:
    return db.session.scalar(sa.select(Bank).where(Bank.name == name))


def get_bank(bank_id: int) -> Bank:
    bank = db.session.get(Bank, bank_id)
    if bank is None:
        raise NotFound(_l("There is no such question bank."))
    return bank


def get_or_create_bank(name: str) -> Bank:
    """The bank with this name, created if new."""
    name = check_bank_name(name)
    bank = find_bank(name)
    if bank is None:
        bank = Bank(name=name)
        db.session.add(bank)
        db.session.flush()
    return bank


def _values(draft: QuestionDraft) -> dict:
    return {
        "type": QuestionType(draft.type).value, "stem": draft.stem,
        "options": list(draft.options), "answer": draft.answer,
        "explanation": draft.explanation, "category": draft.category,
        "difficulty": draft.difficulty,
    }


def _changes_version(question: Question, values: dict) -> bool:
    """Whether new values change what an attempt shows or scores (VERSIONED_FIELDS)."""
    return any(getattr(question, name) != values[name] for name in VERSIONED_FIELDS)


def _keep_revisions(questions: list[Question]) -> None:
    """Store each question's current version before it changes, for the attempts that drew
    it; the caller then raises `version` by one."""
    rows = [{"question_id": q.id, "version": q.version, "replaced_at": utcnow(),
             **{name: getattr(q, name) for name in VERSIONED_FIELDS}} for q in questions]
    for start in range(0, len(rows), STORE_BATCH):
        db.session.execute(sa.insert(QuestionRevision), rows[start:start + STORE_BATCH])


def _existing(bank_id: int | None) -> dict[str, Question]:
    if bank_id is None:
        return {}
    return {q.fingerprint: q for q in db.session.scalars(
        sa.select(Question).where(Question.bank_id == bank_id))}


def plan_import(bank_name: str, result: ParseResult, *, update: bool = False) -> ImportReport:
    """What storing `result` in the named bank would do; writes nothing."""
    name = check_bank_name(bank_name)
    bank = find_bank(name)
    report = ImportReport(name, result, bank_id=bank.id if bank else None)
    existing = _existing(report.bank_id)
    for draft in result.drafts:
        question = existing.get(draft.fingerprint())
        if question is None:
            action = "add"
        elif update and any(getattr(question, k) != v for k, v in _values(draft).items()):
            action = "update"
        else:
            action = "keep"
        report.plan.append((draft, action))
    report.added = sum(1 for _, action in report.plan if action == "add")
    report.updated = sum(1 for _, action in report.plan if action == "update")
    report.already_in_bank = sum(1 for _, action in report.plan if action == "keep")
    return report


def import_parsed(bank_name: str, result: ParseResult, *, update: bool = False,
                  dry_run: bool = False, progress: StoreProgress | None = None) -> ImportReport:
    """Store a parsed file in the named bank (created if new), all or nothing.

    A file with any error stores nothing, nor does a dry run; the report says what would
    happen. The caller's transaction holds the writes, so a failure half-way leaves nothing.
    """
    report = plan_import(bank_name, result, update=update)
    if dry_run or not result.ok:
        return report
    try:
        return _store(report, progress)
    except sa.exc.IntegrityError:
        # Another import created the bank or added the same question meanwhile (PostgreSQL;
        # on SQLite the write transaction serialises imports): the caller rolls back.
        raise ConcurrentChange() from None


def _store(report: ImportReport, progress: StoreProgress | None) -> ImportReport:
    bank = get_or_create_bank(report.bank_name)
    report.bank_id = bank.id
    existing = _existing(bank.id)
    inserts, updates, revised = [], [], []
    for draft, action in report.plan:
        if action == "add":
            inserts.append({"bank_id": bank.id, "fingerprint": draft.fingerprint(),
                            "is_active": True, **_values(draft)})
        elif action == "update":
            question, values = existing[draft.fingerprint()], _values(draft)
            if _changes_version(question, values):
                revised.append(question)
                values["version"] = question.version + 1
            updates.append({"id": question.id, **values})
    _keep_revisions(revised)
    total, done = len(inserts) + len(updates), 0
    for rows, statement in ((inserts, sa.insert(Question)), (updates, sa.update(Question))):
        for start in range(0, len(rows), STORE_BATCH):
            batch = rows[start:start + STORE_BATCH]
            db.session.execute(statement, batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    db.session.flush()
    report.stored = True
    return report


def store_drafts(bank: Bank, drafts: Iterable[QuestionDraft]) -> ImportReport:
    """Add valid drafts (e.g. the demo bank's) to a bank; those already there are kept."""
    return import_parsed(bank.name, ParseResult(drafts=list(drafts)))


# Browsing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BankSummary:
    bank: Bank
    active: int
    disabled: int
    by_type: dict[str, int]


def bank_summaries() -> list[BankSummary]:
    """Every bank with its question counts, newest first."""
    counts: dict[int, dict[tuple[str, bool], int]] = {}
    rows = db.session.execute(
        sa.select(Question.bank_id, Question.type, Question.is_active, sa.func.count())
        .group_by(Question.bank_id, Question.type, Question.is_active)
    )
    for bank_id, qtype, active, count in rows:
        counts.setdefault(bank_id, {})[(qtype, bool(active))] = count
    summaries = []
    for bank in db.session.scalars(sa.select(Bank).order_by(Bank.created_at.desc(), Bank.id)):
        mine = counts.get(bank.id, {})
        by_type = {t.value: mine.get((t.value, True), 0) for t in QuestionType}
        disabled = sum(n for (_, active), n in mine.items() if not active)
        summaries.append(BankSummary(bank, sum(by_type.values()), disabled, by_type))
    return summaries


@dataclass(frozen=True)
class QuestionPage:
    questions: list[Question]
    stats: dict[int, dict[str, int]]
    total: int
    page: int
    per_page: int
    categories: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def search_questions(bank: Bank, *, text: str = "", qtype: str = "", category: str = "",
                     status: str = "", page: int = 1, per_page: int = 50) -> QuestionPage:
    """A page of the bank's questions matching the filters, with their answer figures."""
    query = sa.select(Question).where(Question.bank_id == bank.id)
    text = (text or "").strip()
    if text:
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.or_(Question.stem.ilike(like, escape="\\"),
                                   Question.explanation.ilike(like, escape="\\")))
    if qtype in {t.value for t in QuestionType}:
        query = query.where(Question.type == qtype)
    if category:
        query = query.where(Question.category == category)
    if status == "active":
        query = query.where(Question.is_active.is_(True))
    elif status == "disabled":
        query = query.where(Question.is_active.is_(False))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    # A page past the last (or a number beyond any database integer) shows the last page.
    page = min(max(1, page), max(1, -(-total // per_page)))
    questions = list(db.session.scalars(
        query.order_by(Question.id).limit(per_page).offset((page - 1) * per_page)))
    categories = list(db.session.scalars(
        sa.select(Question.category).where(Question.bank_id == bank.id, Question.category != "")
        .distinct().order_by(Question.category)))
    return QuestionPage(questions, question_stats([q.id for q in questions]), total, page,
                        per_page, categories)


def question_stats(question_ids: list[int]) -> dict[int, dict[str, int]]:
    """{question id: {"drawn", "answered", "correct"}} over every campaign (kept counters)."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        sa.select(QuestionCounter.question_id,
                  sa.func.sum(QuestionCounter.drawn), sa.func.sum(QuestionCounter.answered),
                  sa.func.sum(QuestionCounter.correct))
        .where(QuestionCounter.question_id.in_(question_ids))
        .group_by(QuestionCounter.question_id)
    )
    return {qid: {"drawn": int(d), "answered": int(a), "correct": int(c)}
            for qid, d, a, c in rows}


def get_question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(_l("There is no such question."))
    return question


# Editing -------------------------------------------------------------------------------------

def update_question(question: Question, *, qtype: str, stem: str, options: list[str],
                    answer: str, explanation: str, category: str, difficulty: str) -> Question:
    """Change a question after the same checks an imported row gets.

    A change to what a participant sees or is scored on (type, stem, options, answer,
    explanation) makes a new version: attempts that drew the question, open or finished,
    keep showing, scoring and reviewing the version they drew; new draws get this one.
    """
    draft, issues = question_bank.check_question(
        qtype=qtype, stem=stem, options=options, answer=answer, explanation=explanation,
        category=category, difficulty=difficulty,
    )
    if draft is None:
        first = issues[0]
        raise ValidationFailed(issue_message(first), field=first.field)
    # Two organizers saving the same question at once: the second waits for the first and
    # then sees its version (PostgreSQL; SQLite's write transaction already takes turns).
    db.session.refresh(question, with_for_update=True)
    fingerprint = draft.fingerprint()
    twin = db.session.scalar(sa.select(Question.id).where(
        Question.bank_id == question.bank_id, Question.fingerprint == fingerprint,
        Question.id != question.id))
    if twin is not None:
        raise ValidationFailed(
            _l("The same question is already in this bank (number %(id)d).", id=twin),
            field="stem",
        )
    values = _values(draft)
    if _changes_version(question, values):
        _keep_revisions([question])
        question.version += 1
    for name, value in values.items():
        setattr(question, name, value)
    question.fingerprint = fingerprint
    db.session.flush()
    return question


def quizzes_short_without(question: Question) -> list[Quiz]:
    """Active quizzes that could no longer draw their questions if this one were disabled."""
    rules = db.session.scalars(
        sa.select(QuizRule).join(Quiz, Quiz.id == QuizRule.quiz_id)
        .join(quiz_bank, quiz_bank.c.quiz_id == Quiz.id)
        .where(quiz_bank.c.bank_id == question.bank_id, Quiz.is_active.is_(True),
               QuizRule.type == question.type,
               sa.or_(QuizRule.category.is_(None), QuizRule.category == "",
                      QuizRule.category == question.category))
        .distinct()
    ).all()
    short = []
    for rule in rules:
        bank_ids = [bank.id for bank in rule.quiz.banks]
        query = sa.select(sa.func.count()).select_from(Question).where(
            Question.bank_id.in_(bank_ids), Question.type == rule.type,
            Question.is_active.is_(True), Question.id != question.id)
        if rule.category:
            query = query.where(Question.category == rule.category)
        if db.session.scalar(query) < rule.count and rule.quiz not in short:
            short.append(rule.quiz)
    return short


def set_question_active(question: Question, active: bool) -> Question:
    """Enable or disable a question; disabled questions are never drawn.

    Disabling is refused while an active quiz needs the question to fill its rules.
    """
    if not active and question.is_active:
        short = quizzes_short_without(question)
        if short:
            raise ValidationFailed(_l(
                "The quiz “%(quiz)s” would no longer have enough questions of this kind; "
                "add questions or change the quiz first.", quiz=short[0].title))
    question.is_active = active
    db.session.flush()
    return question


# Exporting -----------------------------------------------------------------------------------

def export_drafts(bank: Bank, *, include_disabled: bool = False) -> list[QuestionDraft]:
    """The bank's questions as drafts, in the order they were added."""
    query = sa.select(Question).where(Question.bank_id == bank.id).order_by(Question.id)
    if not include_disabled:
        query = query.where(Question.is_active.is_(True))
    return [
        QuestionDraft(type=QuestionType(q.type), stem=q.stem, options=tuple(q.options),
                      answer=q.answer, explanation=q.explanation or "",
                      category=q.category or "", difficulty=q.difficulty)
        for q in db.session.scalars(query)
    ]


def export_bytes(drafts: list[QuestionDraft], kind: str) -> bytes:
    """Drafts as an .xlsx in our template ("xlsx") or as GIFT text in UTF-8 ("gift")."""
    if kind == "xlsx":
        from question_bank.export import write_xlsx

        return write_xlsx(drafts)
    if kind == "gift":
        from question_bank.gift import write_gift

        return write_gift(drafts).encode("utf-8")
    raise ValueError(f"unknown export kind {kind!r}")
