"""The unit pages' forms: values and CSRF token; the rules are in quiz.services.unit_admin.

Headcounts and codes are plain text fields: the service reads "１２０" or "1,200" and says
what is wrong with anything else, one rule for the page and the import.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, SelectChoice, SelectField, StringField

from ..models import UnitKind

KIND_NAMES = {
    UnitKind.province.value: _l("Province"), UnitKind.city.value: _l("City"),
    UnitKind.county.value: _l("County or district"),
    UnitKind.township.value: _l("Township or subdistrict"),
    UnitKind.department.value: _l("Department"), UnitKind.enterprise.value: _l("Enterprise"),
    UnitKind.school.value: _l("School"), UnitKind.community.value: _l("Community"),
    UnitKind.village.value: _l("Village"), UnitKind.other.value: _l("Other"),
}


def _kind_field():
    # The service refuses an unknown kind with its own message (validate_choice=False).
    return SelectField(_l("Kind"), choices=[SelectChoice(k, v) for k, v in KIND_NAMES.items()],
                       default=UnitKind.other.value, validate_choice=False)


class UnitEditForm(FlaskForm):
    name = StringField(_l("Unit name"))
    kind = _kind_field()
    headcount = StringField(_l("Headcount (people expected to take part)"), default="0")


class UnitForm(UnitEditForm):
    code = StringField(_l("Unit code"))
    parent = StringField(_l("Code of the unit above"))


class MoveForm(FlaskForm):
    parent = StringField(_l("Code of the new unit above"))


class UnitFileForm(FlaskForm):
    file = FileField(_l("File"))


class AppointForm(FlaskForm):
    phone = StringField(_l("Mobile number"))


class NewOrganizerForm(FlaskForm):
    name = StringField(_l("Name"))
    phone = StringField(_l("Mobile number"))
    password = PasswordField(_l("Initial password"))
