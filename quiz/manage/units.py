"""The console's unit tree: browse and search within reach, add, edit, move, retire and
restore units, import and export the tree, appoint organizers."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from question_bank.model import MAX_FILE_BYTES

from ..clock import now
from ..db import write_transaction
from ..forms import attach_error
from ..services import unit_admin, unit_uploads
from ..services.errors import QuizError
from ..services.reach import reach_of
from . import bp
from .common import XLSX_MIME, download, read_upload
from .forms import ActionForm
from .unit_forms import (
    KIND_NAMES,
    AppointForm,
    MoveForm,
    NewOrganizerForm,
    UnitEditForm,
    UnitFileForm,
    UnitForm,
)


def _render(template: str, form=None, status: int | None = None, **context):
    """A unit page; a form with errors answers with the error's status (422 by default)."""
    if status is None:
        status = 422 if form is not None and (form.errors or form.form_errors) else 200
    return render_template(f"manage/units/{template}", form=form, kind_names=KIND_NAMES,
                           unit_pages=True, **context), status


def _failed(form, error: QuizError) -> int:
    attach_error(form, error)
    return error.status


def _tree(unit) -> str:
    return url_for(".units", unit=unit.code)


@bp.route("/units", endpoint="units")
def unit_tree():
    reach = reach_of(current_user)
    page = request.args.get("page", 1, type=int)
    query = request.args.get("q", "").strip()
    if query:
        return _render("units.html", query=query, found=unit_admin.search_units(reach, query, page),
                       args=request.args, action=ActionForm())
    view = unit_admin.tree_view(reach, request.args.get("unit"), page)
    own = view.unit is not None and reach.is_own_unit(view.unit.id)
    organizers = unit_admin.organizers_of(view.unit) if view.unit else []
    return _render("units.html", query="", view=view, own=own, organizers=organizers,
                   args=request.args, action=ActionForm(), is_admin=reach.is_everything)


@bp.route("/units/new", methods=["GET", "POST"])
def unit_new():
    reach = reach_of(current_user)
    form, status = UnitForm(), None
    if request.method == "GET":
        # Below the unit the page came from; an organizer's own unit when none is named.
        parent_code = unit_admin.normalize_code(request.args.get("parent"))
        if parent_code or not reach.is_everything:
            form.parent.data = reach.unit_by_code(parent_code).code
    if form.validate_on_submit():
        try:
            with write_transaction():
                unit = unit_admin.add_unit(
                    reach, code=form.code.data, name=form.name.data, kind=form.kind.data,
                    parent_code=form.parent.data, headcount=form.headcount.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Unit “%(name)s” added.", name=unit.name), "success")
            return redirect(_tree(unit))
    return _render("new.html", form, status)


@bp.route("/units/<code>/edit", methods=["GET", "POST"])
def unit_edit(code: str):
    unit = unit_admin.managed_unit(reach_of(current_user), code)
    form, status = UnitEditForm(obj=None if request.method == "POST" else unit), None
    if request.method == "GET":
        form.headcount.data = str(unit.headcount)
    if form.validate_on_submit():
        try:
            with write_transaction():
                unit_admin.edit_unit(unit, name=form.name.data, kind=form.kind.data,
                                     headcount=form.headcount.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Unit “%(name)s” saved.", name=unit.name), "success")
            return redirect(_tree(unit))
    return _render("edit.html", form, status, unit=unit)


@bp.route("/units/<code>/move", methods=["GET", "POST"])
def unit_move(code: str):
    reach = reach_of(current_user)
    unit = unit_admin.managed_unit(reach, code)
    form, status = MoveForm(), None
    if form.validate_on_submit():
        try:
            with write_transaction():
                unit_admin.move_unit(reach, unit, form.parent.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Unit “%(name)s” moved with the units below it.", name=unit.name),
                  "success")
            return redirect(_tree(unit))
    return _render("move.html", form, status, unit=unit,
                   own=reach.is_own_unit(unit.id))


@bp.route("/units/<code>/retire", methods=["POST"])
def unit_retire(code: str):
    return _retire_or_restore(code, retire=True)


@bp.route("/units/<code>/restore", methods=["POST"])
def unit_restore(code: str):
    return _retire_or_restore(code, retire=False)


def _retire_or_restore(code: str, *, retire: bool):
    reach = reach_of(current_user)
    unit = unit_admin.managed_unit(reach, code)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        with write_transaction():
            count = (unit_admin.retire_unit(reach, unit, now()) if retire
                     else unit_admin.restore_unit(reach, unit))
    except QuizError as error:
        flash(str(error.message), "error")
    else:
        flash(_("%(n)d units retired; they stay in past figures and are no longer offered at "
                "registration.", n=count) if retire else
              _("%(n)d units in use again.", n=count), "success")
    return redirect(_tree(unit))


@bp.route("/units/<code>/organizers", methods=["GET"])
def unit_organizers(code: str):
    unit = unit_admin.managed_unit(reach_of(current_user), code)
    return _organizers_page(unit, AppointForm(), NewOrganizerForm())


def _organizers_page(unit, appoint, create, status=None):
    return _render("organizers.html", None, status, unit=unit, appoint=appoint, create=create,
                   organizers=unit_admin.organizers_of(unit),
                   own_unit=reach_of(current_user).is_own_unit(unit.id))


@bp.route("/units/<code>/organizers/appoint", methods=["POST"])
def unit_appoint(code: str):
    within = reach_of(current_user)
    unit = unit_admin.managed_unit(within, code)
    form, status = AppointForm(), 422
    if form.validate_on_submit():
        try:
            with write_transaction():
                person = unit_admin.appoint_organizer(within, unit, form.phone.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("%(name)s is now an organizer of %(unit)s.", name=person.name,
                    unit=person.unit.name), "success")
            return redirect(url_for(".unit_organizers", code=unit.code))
    return _organizers_page(unit, form, NewOrganizerForm(formdata=None), status)


@bp.route("/units/<code>/organizers/new", methods=["POST"])
def unit_new_organizer(code: str):
    within = reach_of(current_user)
    unit = unit_admin.managed_unit(within, code)
    form, status = NewOrganizerForm(), 422
    if form.validate_on_submit():
        try:
            with write_transaction():
                person = unit_admin.new_organizer(within, unit, name=form.name.data,
                                                  phone=form.phone.data,
                                                  password=form.password.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Organizer account for %(name)s (%(phone)s) created in %(unit)s.",
                    name=person.name, phone=person.phone, unit=unit.name), "success")
            return redirect(url_for(".unit_organizers", code=unit.code))
    return _organizers_page(unit, AppointForm(formdata=None), form, status)


# Files --------------------------------------------------------------------------------------

@bp.route("/unit-files/export.xlsx")
def unit_export():
    data = unit_uploads.export_bytes(reach_of(current_user), "xlsx")
    return download(data, XLSX_MIME, _("units") + ".xlsx", "units.xlsx")


@bp.route("/unit-files/import", methods=["GET", "POST"])
def unit_upload():
    form, status = UnitFileForm(), None
    if form.validate_on_submit():
        data = read_upload(form)
        if data is not None:
            with write_transaction():
                pending = unit_uploads.hold_unit_file(current_user, form.file.data.filename, data)
            return redirect(url_for(".unit_preview", token=pending.id))
    return _render("upload.html", form, status, limit_mb=MAX_FILE_BYTES // (1024 * 1024))


@bp.route("/unit-files/<token>")
def unit_preview(token: str):
    pending = unit_uploads.get_unit_file(current_user, token)
    report, rows = unit_uploads.preview_unit_file(reach_of(current_user), pending)
    return _render("preview.html", None, None, pending=pending, report=report, rows=rows,
                   action=ActionForm())


@bp.route("/unit-files/<token>/confirm", methods=["POST"])
def unit_confirm(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        report = unit_uploads.confirm_unit_file(reach_of(current_user), current_user, token)
    if not report.stored:
        flash(_("The file has errors; nothing was imported."), "error")
        return redirect(url_for(".unit_preview", token=token))
    flash(_("Units imported: %(added)d added, %(renamed)d renamed, %(kinds)d kinds and "
            "%(headcounts)d headcounts changed, %(moved)d moved.", added=report.added,
            renamed=report.renamed, kinds=report.kind_changed,
            headcounts=report.headcount_changed, moved=report.moved), "success")
    return redirect(url_for(".units"))


@bp.route("/unit-files/<token>/cancel", methods=["POST"])
def unit_cancel(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        unit_uploads.discard_unit_file(current_user, token)
    flash(_("The upload was discarded; nothing was imported."), "success")
    return redirect(url_for(".units"))
