"""The console's question banks: import, preview, browse, edit, export."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from question_bank.export import template_xlsx
from question_bank.model import MAX_FILE_BYTES, OPTION_KEYS

from ..db import write_transaction
from ..forms import attach_error, safe_next
from ..services import banks, uploads
from ..services.errors import QuizError
from . import bp
from .common import XLSX_MIME, download, read_upload
from .forms import ActionForm, QuestionForm, UploadForm

#: Flask adds "; charset=utf-8" to text types itself.
EXPORT_KINDS = {"xlsx": (XLSX_MIME, "xlsx"), "gift": ("text/plain", "gift")}
#: Questions listed in a preview; the counts above it cover the whole file.
PREVIEW_ROWS = 200


@bp.route("/banks", endpoint="banks")
def bank_list():
    return render_template("manage/banks/banks.html", summaries=banks.bank_summaries())


@bp.route("/banks/template.xlsx")
def template():
    return download(template_xlsx(), XLSX_MIME, _("question-bank-template") + ".xlsx",
                     "question-bank-template.xlsx")


@bp.route("/banks/import", methods=["GET", "POST"])
def upload():
    form = UploadForm(bank=request.args.get("bank", ""))
    if form.validate_on_submit():
        data = read_upload(form)
        if data is not None:
            try:
                with write_transaction():
                    pending = uploads.hold_upload(
                        current_user, bank_name=form.bank.data, filename=form.file.data.filename,
                        data=data, fmt=form.format.data, update=form.update.data,
                        skip_unsupported=form.skip_unsupported.data,
                    )
            except QuizError as error:
                attach_error(form, error)
            else:
                return redirect(url_for(".preview", token=pending.id))
    names = [summary.bank.name for summary in banks.bank_summaries()]
    return render_template("manage/banks/upload.html", form=form, bank_names=names,
                           limit_mb=MAX_FILE_BYTES // (1024 * 1024))


@bp.route("/imports/<token>")
def preview(token: str):
    pending = uploads.get_pending(current_user, token)
    report = uploads.preview_pending(pending)
    return render_template("manage/banks/preview.html", pending=pending, report=report,
                           rows=report.plan[:PREVIEW_ROWS], form=ActionForm(),
                           place=banks.issue_place, message=banks.issue_message)


@bp.route("/imports/<token>/confirm", methods=["POST"])
def confirm(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        report = uploads.confirm_pending(current_user, token)
    if not report.stored:
        flash(_("The file has errors; nothing was imported."), "error")
        return redirect(url_for(".preview", token=token))
    flash(_("Imported into “%(bank)s”: %(added)d added, %(updated)d updated, %(kept)d "
            "already in the bank.", bank=report.bank_name, added=report.added,
            updated=report.updated, kept=report.already_in_bank), "success")
    return redirect(url_for(".bank", bank_id=report.bank_id))


@bp.route("/imports/<token>/cancel", methods=["POST"])
def cancel(token: str):
    if not ActionForm().validate_on_submit():
        abort(400)
    with write_transaction():
        uploads.discard_pending(current_user, token)
    flash(_("The upload was discarded; nothing was imported."), "success")
    return redirect(url_for(".banks"))


@bp.route("/banks/<int:bank_id>")
def bank(bank_id: int):
    item = banks.get_bank(bank_id)
    page = banks.search_questions(
        item, text=request.args.get("q", ""), qtype=request.args.get("type", ""),
        category=request.args.get("category", ""), status=request.args.get("status", ""),
        page=request.args.get("page", 1, type=int),
    )
    return render_template("manage/banks/bank.html", bank=item, page=page, form=ActionForm(),
                           args=request.args)


@bp.route("/banks/<int:bank_id>/export.<kind>")
def export(bank_id: int, kind: str):
    if kind not in EXPORT_KINDS:
        abort(404)
    item = banks.get_bank(bank_id)
    mimetype, suffix = EXPORT_KINDS[kind]
    data = banks.export_bytes(banks.export_drafts(item), kind)
    return download(data, mimetype, f"{item.name}.{suffix}", f"bank-{item.id}.{suffix}")


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int):
    question = banks.get_question(question_id)
    form = QuestionForm(obj=None if request.method == "POST" else _form_values(question))
    if form.validate_on_submit():
        options = [getattr(form, f"option_{key.lower()}").data or "" for key in OPTION_KEYS]
        while options and not options[-1].strip():
            options.pop()
        try:
            with write_transaction():
                banks.update_question(
                    question, qtype=form.type.data, stem=form.stem.data, options=options,
                    answer=form.answer.data, explanation=form.explanation.data,
                    category=form.category.data, difficulty=form.difficulty.data,
                )
        except QuizError as error:
            if error.field in OPTION_KEYS:
                error.field = f"option_{error.field.lower()}"
            attach_error(form, error)
        else:
            flash(_("Question %(id)d saved.", id=question.id), "success")
            return redirect(url_for(".bank", bank_id=question.bank_id))
    stats = banks.question_stats([question.id]).get(question.id)
    return render_template("manage/banks/question.html", form=form, question=question,
                           stats=stats, keys=OPTION_KEYS)


class _Values:
    """A stored question as the form's initial values."""

    def __init__(self, **values):
        self.__dict__.update(values)


def _form_values(question) -> _Values:
    options = {f"option_{key.lower()}": "" for key in OPTION_KEYS}
    if question.type != "judge":
        for key, text in zip(OPTION_KEYS, question.options, strict=False):
            options[f"option_{key.lower()}"] = text
    return _Values(type=question.type, stem=question.stem, answer=question.answer,
                   explanation=question.explanation, category=question.category,
                   difficulty=str(question.difficulty), **options)


@bp.route("/questions/<int:question_id>/active", methods=["POST"])
def set_active(question_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    question = banks.get_question(question_id)
    active = request.form.get("active") == "1"
    try:
        with write_transaction():
            banks.set_question_active(question, active)
    except QuizError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Question %(id)d enabled.", id=question.id) if active
              else _("Question %(id)d disabled; it will not be drawn.", id=question.id),
              "success")
    return redirect(safe_next(request.form.get("back"),
                              url_for(".bank", bank_id=question.bank_id)))
