"""The console's people: the list within reach, one person's page (reset the password,
disable and enable, move, appoint and remove organizers), and roster imports."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from question_bank.model import MAX_FILE_BYTES

from ..db import write_transaction
from ..forms import attach_error
from ..services import people_admin, roster, roster_uploads
from ..services.errors import QuizError
from ..services.reach import reach_of
from . import bp
from .account_forms import PersonMoveForm, RosterFileForm
from .common import XLSX_MIME, download, read_upload
from .forms import ActionForm
from .unit_forms import KIND_NAMES


def _no_store(response):
    """Pages that show a one-time secret: no browser or proxy keeps a copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.route("/accounts", endpoint="accounts")
def account_list():
    reach = reach_of(current_user)
    args = request.args
    found, error = None, None
    try:
        found = people_admin.list_people(reach, query=args.get("q", ""),
                                         unit_code=args.get("unit", ""),
                                         role=args.get("role", ""),
                                         page=args.get("page", 1, type=int))
    except QuizError as failure:
        if failure.status == 404:
            raise
        error = str(failure.message)
    return render_template("manage/accounts/list.html", found=found, error=error, args=args,
                           units=people_admin.units_for_filter(reach),
                           roles=people_admin.ROLES, people_pages=True), 422 if error else 200


def _person_page(person, *, status: int = 200, message: str | None = None,
                 temporary: str | None = None, move: PersonMoveForm | None = None):
    reach = reach_of(current_user)
    response = render_template(
        "manage/accounts/person.html", person=person, message=message, temporary=temporary,
        action=ActionForm(), move=move or PersonMoveForm(formdata=None),
        allowed=people_admin.allowed_actions(reach, current_user, person),
        last_attempt_at=people_admin.last_attempt_at(person),
        units=people_admin.units_for_filter(reach), people_pages=True)
    return response, status


@bp.route("/accounts/<int:user_id>")
def account(user_id: int):
    return _person_page(people_admin.person_in_reach(reach_of(current_user), user_id))


def _act(user_id: int, change, done: str | None = None):
    """Run one change on a person within reach: back to their page with `done` flashed,
    or their page with the refusal and its status (403, 422)."""
    reach = reach_of(current_user)
    person = people_admin.person_in_reach(reach, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with write_transaction():
            change(reach, person)
    except QuizError as error:
        if error.status == 404 and error.field is None:
            raise
        return _person_page(person, status=error.status, message=str(error.message))
    flash(done, "success")
    return redirect(url_for(".account", user_id=person.id))


@bp.route("/accounts/<int:user_id>/reset-password", methods=["POST"])
def account_reset(user_id: int):
    reach = reach_of(current_user)
    person = people_admin.person_in_reach(reach, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with write_transaction():
            temporary = people_admin.reset_password(reach, current_user, person)
    except QuizError as error:
        return _person_page(person, status=error.status, message=str(error.message))
    # Shown in this response only, never flashed or redirected to: no copy is kept.
    return _no_store(make_response(*_person_page(person, temporary=temporary)))


@bp.route("/accounts/<int:user_id>/disable", methods=["POST"])
def account_disable(user_id: int):
    return _act(user_id, lambda reach, person: people_admin.set_enabled(
        reach, current_user, person, False),
        _("The account is disabled; every session of theirs has ended."))


@bp.route("/accounts/<int:user_id>/enable", methods=["POST"])
def account_enable(user_id: int):
    return _act(user_id, lambda reach, person: people_admin.set_enabled(
        reach, current_user, person, True), _("The account is enabled again."))


@bp.route("/accounts/<int:user_id>/appoint", methods=["POST"])
def account_appoint(user_id: int):
    return _act(user_id, lambda reach, person: people_admin.appoint_organizer(
        reach, current_user, person), _("They are now an organizer of their unit."))


@bp.route("/accounts/<int:user_id>/remove-organizer", methods=["POST"])
def account_remove_organizer(user_id: int):
    return _act(user_id, lambda reach, person: people_admin.remove_organizer(
        reach, current_user, person), _("They are a participant now."))


@bp.route("/accounts/<int:user_id>/move", methods=["POST"])
def account_move(user_id: int):
    reach = reach_of(current_user)
    person = people_admin.person_in_reach(reach, user_id)
    form = PersonMoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with write_transaction():
            people_admin.move_person(reach, current_user, person, form.unit.data)
    except QuizError as error:
        attach_error(form, error)
        return _person_page(person, status=error.status, move=form,
                            message=None if error.field else str(error.message))
    flash(_("They now belong to %(unit)s; attempts already taken stay counted where they "
            "were taken.", unit=person.unit.name), "success")
    return redirect(url_for(".account", user_id=person.id))


# Rosters ------------------------------------------------------------------------------------

def _roster_page(template: str, status: int = 200, **context):
    return render_template(f"manage/accounts/{template}", people_pages=True,
                           kind_names=KIND_NAMES, **context), status


@bp.route("/accounts/import", methods=["GET", "POST"])
def roster_upload():
    form = RosterFileForm()
    if form.validate_on_submit():
        data = read_upload(form)
        if data is not None:
            with write_transaction():
                pending = roster_uploads.hold_roster(current_user, form.file.data.filename, data)
            return redirect(url_for(".roster_preview", token=pending.id))
    return _roster_page("upload.html", 422 if form.errors else 200, form=form,
                        limit_mb=MAX_FILE_BYTES // (1024 * 1024),
                        max_rows=roster.MAX_ROSTER_ROWS)


@bp.route("/accounts/import/<token>")
def roster_preview(token: str):
    pending = roster_uploads.get_roster(current_user, token)
    report = roster_uploads.preview_roster(reach_of(current_user), pending)
    return _roster_page("preview.html", pending=pending, report=report,
                        rows=report.rows[:roster_uploads.PREVIEW_ROWS], action=ActionForm())


@bp.route("/accounts/import/<token>/confirm", methods=["POST"])
def roster_confirm(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        report = roster_uploads.confirm_roster(reach_of(current_user), current_user, token)
    if not report.stored:
        flash(_("The file has errors; nothing was imported."), "error")
        return redirect(url_for(".roster_preview", token=token))
    if not report.codes:
        flash(_("Everybody in the file is registered already; nobody was added."), "info")
        return redirect(url_for(".accounts"))
    # The codes leave in this response and nowhere else: nothing keeps them.
    response = download(roster.codes_xlsx(report.codes), XLSX_MIME,
                        _("one-time codes") + ".xlsx", "one-time-codes.xlsx")
    return _no_store(response)


@bp.route("/accounts/import/<token>/cancel", methods=["POST"])
def roster_cancel(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        roster_uploads.discard_roster(current_user, token)
    flash(_("The upload was discarded; nothing was imported."), "success")
    return redirect(url_for(".accounts"))
