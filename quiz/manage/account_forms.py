"""The people pages' forms: values and CSRF token; the rules are in
quiz.services.people_admin and quiz.services.roster."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField


class PersonMoveForm(FlaskForm):
    unit = StringField(_l("Code of the new unit"))


class RosterFileForm(FlaskForm):
    file = FileField(_l("File"))
