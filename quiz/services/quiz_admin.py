"""A campaign's quizzes: which banks, how many questions of each type (and category), the
points, the time, the pass mark, what the review shows; and a preview draw.

Refusals name the field: more questions than the banks hold (with how many they hold), a
pass mark above the maximum, a time limit under a minute or over three hours. Once attempts
have been taken, what decides a score (banks, question counts, points, partial credit, pass
mark) is not changed under them: the change is refused, or saved as a new quiz that takes
the old one's place (which stays, inactive, with its attempts and figures).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Attempt, Bank, Campaign, Question, QuestionType, Quiz, QuizRule
from .drawing import draw_questions
from .errors import InvalidFields, QuizError, ValidationFailed, check_fields
from .text import clean_name

TYPES = tuple(t.value for t in QuestionType)
TYPE_NAMES = {"single": _l("single choice"), "multiple": _l("multiple choice"),
              "judge": _l("true/false")}
MIN_MINUTES, MAX_MINUTES = 1, 180
MAX_POINTS = 100
MAX_PER_DAY = 100
MAX_QUESTIONS = 200
TITLE_MAX = Quiz.__table__.c.title.type.length
#: Ids are 64-bit signed integers in the database; anything larger names nothing.
MAX_ID = 2**63 - 1
CATEGORY_MAX = QuizRule.__table__.c.category.type.length
#: What decides a score: not changed once attempts have been taken.
SCORING = ("banks", "rules", "points_single", "points_multiple", "points_judge",
           "partial_credit", "pass_mark")


@dataclass
class CategoryRule:
    type: str
    category: str
    count: int


@dataclass
class QuizValues:
    """What a quiz form or command gives."""

    title: str
    bank_ids: list[int]
    #: Questions of each type drawn from any category: {"single": 10, ...}.
    counts: dict[str, int]
    #: Questions of a type drawn from one category, on top of the counts above.
    by_category: list[CategoryRule] = field(default_factory=list)
    points: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 5))
    minutes: int = 10
    pass_mark: int = 60
    attempts_per_day: int = 3
    shuffle_questions: bool = True
    shuffle_options: bool = True
    partial_credit: bool = False
    review_shows_answers: bool = True
    review_shows_explanations: bool = True
    review_shows_correctness: bool = False
    is_active: bool = True


class QuizLocked(ValidationFailed):
    code = "quiz_has_attempts"
    status = 409


def available(bank_ids: list[int]) -> dict[tuple[str, str | None], int]:
    """{(type, None): active questions of that type, (type, category): of that category}
    in the banks."""
    if not bank_ids:
        return {}
    rows = db.session.execute(
        sa.select(Question.type, Question.category, sa.func.count())
        .where(Question.bank_id.in_(bank_ids), Question.is_active.is_(True))
        .group_by(Question.type, Question.category)).all()
    counts: dict[tuple[str, str | None], int] = {}
    for qtype, category, n in rows:
        counts[(qtype, None)] = counts.get((qtype, None), 0) + n
        counts[(qtype, category or "")] = counts.get((qtype, category or ""), 0) + n
    return counts


def _int(value, field_name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(_l("A whole number from %(low)d to %(high)d.", low=low,
                                  high=high), field=field_name)
    return value


def _banks(bank_ids: list[int]) -> list[Bank]:
    if not bank_ids:
        raise ValidationFailed(_l("Please choose at least one question bank."), field="banks")
    wanted = {i for i in bank_ids if isinstance(i, int) and 0 < i <= MAX_ID}
    banks = list(db.session.scalars(sa.select(Bank).where(Bank.id.in_(wanted or [0]))
                                    .order_by(Bank.name)))
    if len(banks) != len(set(bank_ids)):
        raise ValidationFailed(_l("One of the chosen question banks does not exist (any "
                                  "more): please choose again."), field="banks")
    return banks


def check_quiz(values: QuizValues) -> dict:
    """The quiz's checked values; InvalidFields naming every bad field at once."""
    checks = [
        ("title", lambda: clean_name(values.title, field="title", max_length=TITLE_MAX,
                                     empty_message=_l("Please enter the quiz's title."))),
        ("banks", lambda: _banks(values.bank_ids)),
        ("minutes", lambda: _int(values.minutes, "minutes", MIN_MINUTES, MAX_MINUTES)),
        ("attempts_per_day", lambda: _int(values.attempts_per_day, "attempts_per_day", 1,
                                          MAX_PER_DAY)),
        ("pass_mark", lambda: _int(values.pass_mark, "pass_mark", 0, 100_000)),
    ]
    for qtype in TYPES:
        checks.append((qtype, lambda t=qtype: _int(values.counts.get(t, 0), t, 0,
                                                   MAX_QUESTIONS)))
        checks.append((f"points_{qtype}", lambda t=qtype: _int(values.points.get(t, 0),
                                                              f"points_{t}", 1, MAX_POINTS)))
    for n, rule in enumerate(values.by_category):
        checks.append((f"by_category-{n}", lambda r=rule, n=n: _category_rule(r, n)))
    checked, errors = check_fields(checks)
    if "banks" in checked:
        errors.update(_shortages(checked, values))
    total = sum(checked.get(t, 0) for t in TYPES) + sum(
        rule.count for rule in values.by_category if isinstance(rule.count, int))
    if not errors and total == 0:
        errors["single"] = ValidationFailed(_l("A quiz draws at least one question."),
                                            field="single")
    if not errors:
        top = max_score(checked, values.by_category)
        if checked["pass_mark"] > top:
            errors["pass_mark"] = ValidationFailed(
                _l("The pass mark is above the maximum score, %(top)d points.", top=top),
                field="pass_mark")
    if errors:
        raise InvalidFields(errors)
    return checked


def _category_rule(rule: CategoryRule, n: int) -> CategoryRule:
    where = f"by_category-{n}"
    if rule.type not in TYPES:
        raise ValidationFailed(_l("Choose the type of question."), field=f"{where}-type")
    category = (rule.category or "").strip()
    if not category or len(category) > CATEGORY_MAX:
        raise ValidationFailed(_l("Please enter a category (at most %(n)d characters).",
                                  n=CATEGORY_MAX), field=f"{where}-category")
    _int(rule.count, f"{where}-count", 1, MAX_QUESTIONS)
    return CategoryRule(rule.type, category, rule.count)


def _shortages(checked: dict, values: QuizValues) -> dict[str, QuizError]:
    """The counts the chosen banks cannot give, each with how many they hold."""
    held = available([bank.id for bank in checked["banks"]])
    errors: dict[str, QuizError] = {}
    # Rows of the same type and category draw from the same questions: they add up.
    asked: dict[tuple[str, str], int] = {}
    for n in range(len(values.by_category)):
        rule = checked.get(f"by_category-{n}")
        if rule is not None:
            asked[(rule.type, rule.category)] = asked.get((rule.type, rule.category), 0) + \
                rule.count
    for n in range(len(values.by_category)):
        rule = checked.get(f"by_category-{n}")
        if rule is None:
            continue
        there = held.get((rule.type, rule.category), 0)
        if asked[(rule.type, rule.category)] > there:
            errors[f"by_category-{n}-count"] = ValidationFailed(
                _l("The chosen banks hold %(n)d %(type)s questions of “%(category)s”.",
                   n=there, type=TYPE_NAMES[rule.type], category=rule.category),
                field=f"by_category-{n}-count")
    for qtype in TYPES:
        if qtype not in checked:
            continue
        wanted = checked[qtype] + sum(r.count for r in values.by_category
                                      if r.type == qtype and isinstance(r.count, int))
        there = held.get((qtype, None), 0)
        if wanted > there:
            errors[qtype] = ValidationFailed(
                _l("The chosen banks hold %(n)d %(type)s questions; %(wanted)d were asked "
                   "for.", n=there, type=TYPE_NAMES[qtype], wanted=wanted), field=qtype)
    return errors


def max_score(checked: dict, by_category: list[CategoryRule]) -> int:
    """Full marks: every question drawn times its points."""
    per_type = {t: checked.get(t, 0) for t in TYPES}
    for rule in by_category:
        per_type[rule.type] += rule.count
    return sum(n * checked[f"points_{t}"] for t, n in per_type.items())


def _rules(checked: dict, by_category: list[CategoryRule]) -> list[QuizRule]:
    # The category rules first: the draw takes rules in order, so that the questions of
    # a category are set aside before the general ones are drawn from what remains.
    rules = [QuizRule(type=r.type, category=r.category, count=r.count) for r in by_category]
    rules += [QuizRule(type=t, count=checked[t]) for t in TYPES if checked[t]]
    return rules


def _settings(checked: dict, values: QuizValues) -> dict:
    return {
        "title": checked["title"], "time_limit_seconds": checked["minutes"] * 60,
        "pass_mark": checked["pass_mark"], "attempts_per_day": checked["attempts_per_day"],
        **{f"points_{t}": checked[f"points_{t}"] for t in TYPES},
        "partial_credit": values.partial_credit, "shuffle_options": values.shuffle_options,
        "shuffle_questions": values.shuffle_questions,
        "review_shows_answers": values.review_shows_answers,
        "review_shows_explanations": values.review_shows_explanations,
        "review_shows_correctness": values.review_shows_correctness,
        "is_active": values.is_active,
    }


def add_quiz(campaign: Campaign, values: QuizValues) -> Quiz:
    """A new quiz in the campaign."""
    checked = check_quiz(values)
    by_category = [checked[f"by_category-{n}"] for n in range(len(values.by_category))]
    quiz = Quiz(banks=checked["banks"], rules=_rules(checked, by_category),
                **_settings(checked, values))
    campaign.quizzes.append(quiz)
    db.session.flush()
    return quiz


def attempts_taken(quiz: Quiz) -> int:
    """Attempts started at the quiz, finished or not."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)
                             .where(Attempt.quiz_id == quiz.id)) or 0


def _rule_set(rules) -> list[tuple]:
    return sorted((r.type, r.category or "", r.count) for r in rules)


def scoring_changes(quiz: Quiz, checked: dict, values: QuizValues) -> list[str]:
    """The names (of SCORING) that the new values would change."""
    by_category = [checked[f"by_category-{n}"] for n in range(len(values.by_category))]
    settings = _settings(checked, values)
    changed = []
    if {b.id for b in quiz.banks} != {b.id for b in checked["banks"]}:
        changed.append("banks")
    if _rule_set(quiz.rules) != _rule_set(_rules(checked, by_category)):
        changed.append("rules")
    changed += [name for name in SCORING[2:] if getattr(quiz, name) != settings[name]]
    return changed


def update_quiz(quiz: Quiz, values: QuizValues, *, as_new: bool = False) -> Quiz:
    """Save a quiz's new settings. What decides a score is kept once attempts exist: such
    a change raises QuizLocked, or with `as_new` goes into a new quiz of the campaign that
    replaces this one (made inactive, its attempts and figures kept). Returns the quiz
    that holds the settings now."""
    checked = check_quiz(values)
    by_category = [checked[f"by_category-{n}"] for n in range(len(values.by_category))]
    changes = scoring_changes(quiz, checked, values)
    taken = attempts_taken(quiz) if changes else 0
    if changes and taken:
        if not as_new:
            raise QuizLocked(_l("%(n)d attempts have been taken at this quiz, so its "
                                "question bank, questions, points and pass mark stay as "
                                "they are: save the change as a new quiz instead.",
                                n=taken), field="as_new")
        quiz.is_active = False
        return add_quiz(quiz.campaign, values)
    quiz.banks = checked["banks"]
    if _rule_set(quiz.rules) != _rule_set(_rules(checked, by_category)):
        quiz.rules = _rules(checked, by_category)
    for name, value in _settings(checked, values).items():
        setattr(quiz, name, value)
    db.session.flush()
    return quiz


def values_of(quiz: Quiz) -> QuizValues:
    """A quiz's settings as a form shows them."""
    return QuizValues(
        title=quiz.title, bank_ids=[b.id for b in quiz.banks],
        counts={t: sum(r.count for r in quiz.rules if r.type == t and not r.category)
                for t in TYPES},
        by_category=[CategoryRule(r.type, r.category, r.count) for r in quiz.rules
                     if r.category],
        points={t: quiz.points_for(t) for t in TYPES},
        minutes=quiz.time_limit_seconds // 60, pass_mark=quiz.pass_mark,
        attempts_per_day=quiz.attempts_per_day, shuffle_questions=quiz.shuffle_questions,
        shuffle_options=quiz.shuffle_options, partial_credit=quiz.partial_credit,
        review_shows_answers=quiz.review_shows_answers,
        review_shows_explanations=quiz.review_shows_explanations,
        review_shows_correctness=quiz.review_shows_correctness, is_active=quiz.is_active)


@dataclass
class PreviewQuestion:
    number: int
    type: str
    stem: str
    #: (displayed key, text, is correct) in the order shown.
    options: list[tuple[str, str, bool]]
    points: int
    explanation: str
    category: str


def preview(quiz: Quiz, rng: random.Random | None = None) -> list[PreviewQuestion]:
    """One draw of the quiz as a participant would get it, with the answers: nothing is
    stored (NotEnoughQuestions when the banks fall short)."""
    drawn = draw_questions(quiz, rng or random.Random())
    questions = {q.id: q for q in db.session.scalars(
        sa.select(Question).where(Question.id.in_([item["id"] for item in drawn])))}
    shown = []
    for number, item in enumerate(drawn, start=1):
        question = questions[item["id"]]
        keys = "ABCDEF"
        options = [(keys[i], question.options[keys.index(stored)], stored in question.answer)
                   for i, stored in enumerate(item["order"])]
        shown.append(PreviewQuestion(number, item["type"], question.stem, options,
                                     item["points"], question.explanation, question.category))
    return shown
