"""Forms carry the values and the CSRF token; the rules are in quiz.services.accounts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import EqualTo


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"))
    phone = TelField(_l("Mobile number"))
    password = PasswordField(_l("Password"))
    unit_code = StringField(_l("Unit"))
    next = HiddenField()
    #: The quiz whose "register" button was tapped: it starts right after registering.
    quiz = HiddenField()


class LoginForm(FlaskForm):
    phone = TelField(_l("Mobile number"))
    password = PasswordField(_l("Password"))
    remember = BooleanField(_l("Keep me logged in on this device"), default=True)
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Logging out is a POST with a CSRF token, so no link on another site can do it."""


class NewPasswordForm(FlaskForm):
    """Choosing one's own password in place of a temporary one."""

    new_password = PasswordField(_l("New password"))
    repeat = PasswordField(_l("New password again"),
                           validators=[EqualTo("new_password",
                                               message=_l("The two passwords differ."))])
    next = HiddenField()


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"))
    unit_code = StringField(_l("Unit"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"))
    new_password = PasswordField(_l("New password"))
    repeat = PasswordField(_l("New password again"),
                           validators=[EqualTo("new_password",
                                               message=_l("The two passwords differ."))])
