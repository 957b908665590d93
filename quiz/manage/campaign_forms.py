"""The campaign and quiz forms: values and CSRF token; the rules are in
quiz.services.campaign_admin and quiz.services.quiz_admin.

Numbers and dates are plain text fields: the services read "１０" and "2026年6月1日" and
say what is wrong with anything else, one rule for the page and the command line.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..services.quiz_admin import TYPE_NAMES, TYPES, CategoryRule, QuizValues

#: Rows for "so many questions of this category" on the quiz form.
CATEGORY_ROWS = 3


class CampaignForm(FlaskForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Address (the end of the link: /c/…)"))
    theme = StringField(_l("Theme"))
    description = TextAreaField(_l("Rules and notes (shown on the campaign's page)"))
    host = SelectField(_l("Host unit (主办单位)"), choices=[], validate_choice=False)
    starts_on = StringField(_l("First day"))
    ends_on = StringField(_l("Last day"))
    timezone = StringField(_l("Time zone"), default="Asia/Shanghai")


class DuplicateForm(FlaskForm):
    title = StringField(_l("Title"))
    slug = StringField(_l("Address (the end of the link: /c/…)"))
    starts_on = StringField(_l("First day"))
    ends_on = StringField(_l("Last day"))


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _count(label):
    return StringField(label, default="0")


class QuizForm(FlaskForm):
    title = StringField(_l("Title"))
    banks = _Checkboxes(_l("Question banks"), coerce=int, choices=[], validate_choice=False)
    single = _count(_l("Single-choice questions"))
    multiple = _count(_l("Multiple-choice questions"))
    judge = _count(_l("True/false questions"))
    points_single = StringField(_l("Points per single-choice question"), default="5")
    points_multiple = StringField(_l("Points per multiple-choice question"), default="5")
    points_judge = StringField(_l("Points per true/false question"), default="5")
    minutes = StringField(_l("Time limit (minutes)"), default="10")
    pass_mark = StringField(_l("Pass mark (points)"), default="60")
    attempts_per_day = StringField(_l("Attempts per person a day"), default="3")
    shuffle_questions = BooleanField(_l("Shuffle the questions"), default=True)
    shuffle_options = BooleanField(_l("Shuffle the options"), default=True)
    partial_credit = BooleanField(_l("Multiple choice: half the points for a correct subset"))
    review_shows_answers = BooleanField(_l("The review shows the correct answers"),
                                        default=True)
    review_shows_explanations = BooleanField(_l("The review shows the explanations"),
                                             default=True)
    review_shows_correctness = BooleanField(
        _l("With the answers hidden, the review still marks each question right or wrong"))
    is_active = BooleanField(_l("Active (participants can take it)"), default=True)
    as_new = BooleanField(_l("Save as a new quiz that replaces this one"))


for _n in range(CATEGORY_ROWS):
    setattr(QuizForm, f"cat{_n}_type", SelectField(
        _l("Type"), choices=[SelectChoice("", "—"),
                             *(SelectChoice(t, TYPE_NAMES[t]) for t in TYPES)],
        validate_choice=False, default=""))
    setattr(QuizForm, f"cat{_n}_category", StringField(_l("Category")))
    setattr(QuizForm, f"cat{_n}_count", StringField(_l("Questions")))


def number(text) -> int | str:
    """A whole number typed in the form (full-width digits too), or the text as typed,
    which the service refuses with its own message."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip()
    # isdecimal and ASCII: "²" or "᧚" count as digits but int() refuses them; a few digits
    # only (no count or score here has more).
    return int(value) if value.isascii() and value.isdecimal() and len(value) <= 6 else value


def quiz_values(form: QuizForm) -> QuizValues:
    """What the quiz form says, for quiz_admin."""
    rules = []
    for n in range(CATEGORY_ROWS):
        qtype = getattr(form, f"cat{n}_type").data or ""
        category = (getattr(form, f"cat{n}_category").data or "").strip()
        count = getattr(form, f"cat{n}_count").data
        if qtype or category or (count or "").strip():
            rules.append(CategoryRule(qtype, category, number(count)))
    return QuizValues(
        title=form.title.data, bank_ids=list(form.banks.data or []),
        counts={t: number(getattr(form, t).data) for t in TYPES}, by_category=rules,
        points={t: number(getattr(form, f"points_{t}").data) for t in TYPES},
        minutes=number(form.minutes.data), pass_mark=number(form.pass_mark.data),
        attempts_per_day=number(form.attempts_per_day.data),
        shuffle_questions=form.shuffle_questions.data,
        shuffle_options=form.shuffle_options.data, partial_credit=form.partial_credit.data,
        review_shows_answers=form.review_shows_answers.data,
        review_shows_explanations=form.review_shows_explanations.data,
        review_shows_correctness=form.review_shows_correctness.data,
        is_active=form.is_active.data)


def fill_quiz_form(form: QuizForm, values: QuizValues) -> None:
    """Show a quiz's settings in the form."""
    form.title.data, form.banks.data = values.title, values.bank_ids
    for t in TYPES:
        getattr(form, t).data = str(values.counts.get(t, 0))
        getattr(form, f"points_{t}").data = str(values.points.get(t, 5))
    for n, rule in enumerate(values.by_category[:CATEGORY_ROWS]):
        getattr(form, f"cat{n}_type").data = rule.type
        getattr(form, f"cat{n}_category").data = rule.category
        getattr(form, f"cat{n}_count").data = str(rule.count)
    form.minutes.data = str(values.minutes)
    form.pass_mark.data = str(values.pass_mark)
    form.attempts_per_day.data = str(values.attempts_per_day)
    for name in ("shuffle_questions", "shuffle_options", "partial_credit",
                 "review_shows_answers", "review_shows_explanations",
                 "review_shows_correctness", "is_active"):
        getattr(form, name).data = getattr(values, name)


def form_field(name: str) -> str:
    """The form field of a service's field name ("by_category-1-count" → "cat1_count")."""
    if name and name.startswith("by_category-"):
        parts = name.split("-")
        return f"cat{parts[1]}_{parts[2] if len(parts) > 2 else 'count'}"
    return name
