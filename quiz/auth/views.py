"""Register, log in, log out; a person's own account: name, unit, password (HTML)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..clock import grace, now
from ..db import write_transaction
from ..forms import attach_error, parse_id, safe_next
from ..security import limit_login, limit_registration
from ..services import accounts, units
from ..services import attempts as attempt_service
from ..services.errors import QuizError
from . import bp, guard  # noqa: F401  (guard: the temporary-password hook)
from .forms import (
    LoginForm,
    LogoutForm,
    NewPasswordForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
)


def _unit_choices() -> list[dict]:
    all_units = units.open_units()  # a retired unit is not offered
    labels = units.unit_labels(all_units)
    parents = {u.id: u.code for u in all_units}
    return [
        {"code": u.code, "name": u.name, "label": labels[u.id],
         "parent": parents.get(u.parent_id) if u.parent_id else None}
        for u in all_units
    ]


def _start_quiz(user, quiz_id: str | None) -> str | None:
    """Start the quiz whose button led to registering ("register and start"): the attempt's
    page, or None (with the reason flashed) when it cannot start now."""
    quiz_id = parse_id(quiz_id)
    if quiz_id is None:
        return None
    try:
        quiz = attempt_service.get_quiz(quiz_id)
        with write_transaction():
            started = attempt_service.start(user, quiz, now(), grace())
    except QuizError as error:
        flash(str(error.message), "error")
        return None
    return url_for("participant.attempt", attempt_id=started.attempt.id)


@bp.route("/register", methods=["GET", "POST"])
@limit_registration
def register():
    form = RegisterForm()
    if request.method == "GET":
        form.unit_code.data = request.args.get("unit", "")
        form.next.data = request.args.get("next", "")
        form.quiz.data = request.args.get("quiz", "")
    if form.validate_on_submit():
        try:
            with write_transaction():
                user = accounts.register(
                    form.name.data, form.phone.data, form.password.data, form.unit_code.data
                )
        except QuizError as error:
            attach_error(form, error)
        else:
            login_user(user, remember=True)
            flash(_("Welcome, %(name)s! You are registered.", name=user.name), "success")
            return redirect(_start_quiz(user, form.quiz.data)
                            or safe_next(form.next.data, url_for("participant.index")))
    return render_template("auth/register.html", form=form, units=_unit_choices()), (
        422 if form.errors or form.form_errors else 200
    )


@bp.route("/login", methods=["GET", "POST"])
@limit_login
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.phone.data, form.password.data)
        except QuizError as error:
            attach_error(form, error)
        else:
            login_user(user, remember=form.remember.data)
            target = safe_next(form.next.data, url_for("participant.index"))
            if user.must_change_password:  # a temporary password: their own one first
                return redirect(url_for("auth.new_password", next=target))
            return redirect(target)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit() and current_user.is_authenticated:
        with write_transaction():
            accounts.end_sessions(current_user)
        logout_user()
        flash(_("You have logged out."), "info")
    return redirect(url_for("participant.index"))


def _stay_logged_in(user) -> None:
    """Log the user in again after a password change ended every session, this one too;
    remembered on this device if it was before."""
    cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=cookie in request.cookies)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def new_password():
    """Choose one's own password in place of a temporary one (the guard sends people here)."""
    form = NewPasswordForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if not current_user.must_change_password:
        return redirect(url_for("auth.account"))
    if form.validate_on_submit():
        try:
            with write_transaction():
                accounts.choose_new_password(current_user, form.new_password.data)
        except QuizError as error:
            attach_error(form, error)
        else:
            _stay_logged_in(current_user)
            flash(_("Your new password is set."), "success")
            return redirect(safe_next(form.next.data, url_for("participant.index")))
    return render_template("auth/new_password.html", form=form), (
        422 if form.errors or form.form_errors else 200)


def _account_page(profile, password, status=200):
    return render_template("auth/account.html", profile=profile, password=password,
                           units=_unit_choices(), can_change_unit=not current_user.is_staff,
                           ), status


@bp.route("/account", methods=["GET"])
@login_required
def account():
    profile = ProfileForm(obj=None)
    profile.name.data, profile.unit_code.data = current_user.name, current_user.unit.code
    return _account_page(profile, PasswordChangeForm(formdata=None))


@bp.route("/account/profile", methods=["POST"])
@login_required
def account_profile():
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            with write_transaction():
                accounts.update_profile(current_user, name=form.name.data,
                                        unit_code=form.unit_code.data)
        except QuizError as error:
            attach_error(form, error)
            return _account_page(form, PasswordChangeForm(formdata=None), error.status)
        flash(_("Your name and unit are saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(form, PasswordChangeForm(formdata=None), 422)


@bp.route("/account/password", methods=["POST"])
@login_required
def account_password():
    form = PasswordChangeForm()
    profile = ProfileForm(formdata=None)
    profile.name.data, profile.unit_code.data = current_user.name, current_user.unit.code
    if form.validate_on_submit():
        try:
            with write_transaction():
                accounts.change_own_password(current_user, form.current_password.data,
                                             form.new_password.data)
        except QuizError as error:
            attach_error(form, error)
            return _account_page(profile, form, 422 if error.status == 401 else error.status)
        _stay_logged_in(current_user)
        flash(_("Your password is changed; you were logged out on your other devices."),
              "success")
        return redirect(url_for("auth.account"))
    return _account_page(profile, form, 422)
