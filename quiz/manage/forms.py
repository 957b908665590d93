"""Organizers' forms: values and CSRF token; the rules are in quiz.services.banks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

import question_bank
from question_bank.model import OPTION_KEYS

FORMAT_CHOICES = [
    SelectChoice("auto", _l("Tell from the file")), SelectChoice("xlsx", "Excel (.xlsx)"),
    SelectChoice("csv", "CSV"), SelectChoice("gift", "GIFT (Moodle)"),
    SelectChoice("aiken", "Aiken (Moodle)"), SelectChoice("xml", "Moodle XML"),
]


class UploadForm(FlaskForm):
    bank = StringField(_l("Question bank"))
    file = FileField(_l("File"))
    format = SelectField(_l("Format"), choices=FORMAT_CHOICES, default="auto")
    update = BooleanField(_l("Update questions already in the bank (answer, explanation, "
                             "category, difficulty)"))
    skip_unsupported = BooleanField(_l("Leave out question kinds the contest cannot ask "
                                       "(essay, matching, short answer…)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        known = {"auto", *question_bank.FORMATS}
        self.format.choices = [choice for choice in FORMAT_CHOICES if choice.value in known]


class QuestionForm(FlaskForm):
    type = SelectField(_l("Type"), choices=[
        SelectChoice("single", _l("Single choice")),
        SelectChoice("multiple", _l("Multiple choice")),
        SelectChoice("judge", _l("True/false")),
    ])
    stem = TextAreaField(_l("Question"))
    answer = StringField(_l("Answer"))
    explanation = TextAreaField(_l("Explanation"))
    category = StringField(_l("Category"))
    difficulty = SelectField(_l("Difficulty"), choices=[
        SelectChoice("1", _l("Easy")), SelectChoice("2", _l("Medium")),
        SelectChoice("3", _l("Hard")),
    ], default="2")


for _key in OPTION_KEYS:
    setattr(QuestionForm, f"option_{_key.lower()}",
            StringField(_l("Option %(key)s", key=_key)))
del _key


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
