"""Running a campaign from the console: create and edit it, duplicate last year's, open or
close it early, archive it; its quizzes: add, edit, preview a draw."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from ..clock import now
from ..db import write_transaction
from ..forms import attach_error
from ..services import banks, campaign_admin, campaigns, posters, quiz_admin
from ..services.errors import QuizError
from ..services.reach import require_staff
from ..timeutil import local_date
from . import bp
from .campaign_forms import (
    CATEGORY_ROWS,
    CampaignForm,
    DuplicateForm,
    QuizForm,
    fill_quiz_form,
    form_field,
    quiz_values,
)
from .forms import ActionForm


def _render(template: str, form=None, status: int | None = None, **context):
    if status is None:
        status = 422 if form is not None and (form.errors or form.form_errors) else 200
    return render_template(f"manage/campaigns/{template}", form=form,
                           themes=campaign_admin.NATIONAL_THEMES,
                           zones=campaign_admin.COMMON_ZONES, **context), status


def _failed(form, error: QuizError) -> int:
    for item in [*getattr(error, "errors", {}).values()] or [error]:
        item.field = form_field(item.field)
        attach_error(form, item)
    return error.status


def _host_choices(form: CampaignForm, within) -> None:
    form.host.choices = ([SelectChoice("", _("The whole installation (every unit)"))]
                         if within.is_everything else []) + [
        SelectChoice(unit.code, f"{'　' * unit.depth}{unit.name}（{unit.code}）")
        for unit in campaign_admin.host_choices(within)]


def _campaign_values(form: CampaignForm, slug: bool = True) -> campaign_admin.CampaignValues:
    return campaign_admin.CampaignValues(
        title=form.title.data, theme=form.theme.data, description=form.description.data,
        host_code=form.host.data, starts_on=form.starts_on.data, ends_on=form.ends_on.data,
        timezone=form.timezone.data, slug=form.slug.data if slug else None)


@bp.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new():
    within = require_staff(current_user)
    form, status = CampaignForm(), None
    _host_choices(form, within)
    if request.method == "GET" and not within.is_everything:
        form.host.data = current_user.unit.code
    if form.validate_on_submit():
        try:
            with write_transaction():
                campaign = campaign_admin.create_campaign(within, _campaign_values(form))
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Campaign “%(title)s” created: now add its quiz.", title=campaign.title),
                  "success")
            return redirect(url_for(".quiz_new", slug=campaign.slug))
    return _render("new.html", form, status)


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
def campaign_edit(slug: str):
    within = require_staff(current_user)
    campaign = campaign_admin.get_managed(within, slug)
    form, status = CampaignForm(obj=None if request.method == "POST" else campaign), None
    _host_choices(form, within)
    if request.method == "GET":
        form.host.data = campaign.host_unit.code if campaign.host_unit else ""
        form.starts_on.data = campaign.starts_on.isoformat()
        form.ends_on.data = campaign.ends_on.isoformat()
    if form.validate_on_submit():
        try:
            with write_transaction():
                campaign_admin.update_campaign(within, campaign, _campaign_values(form, False))
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Campaign “%(title)s” saved.", title=campaign.title), "success")
            return redirect(url_for(".campaign_edit", slug=campaign.slug))
    attempts = {quiz.id: quiz_admin.attempts_taken(quiz) for quiz in campaign.quizzes}
    base = posters.public_base(current_app.config.get("PUBLIC_URL"), request.url_root)
    return _render("edit.html", form, status, campaign=campaign, attempts=attempts,
                   action=ActionForm(), is_open=campaigns.is_open(campaign, now()), base=base)


@bp.route("/campaigns/<slug>/<any(open, close, archive, restore):action>", methods=["POST"])
def campaign_action(slug: str, action: str):
    within = require_staff(current_user)
    campaign = campaign_admin.get_managed(within, slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    moment = now()
    try:
        with write_transaction():
            if action == "open":
                campaign_admin.open_now(within, campaign, local_date(moment, campaign.timezone))
            elif action == "close":
                campaign_admin.close_now(within, campaign, moment)
            else:
                campaign_admin.set_archived(within, campaign, action == "archive", moment)
    except QuizError as error:
        flash(str(error.message), "error")
    else:
        flash({"open": _("The campaign is open."), "close": _("The campaign is closed."),
               "archive": _("The campaign is archived."),
               "restore": _("The campaign is restored (still closed: open it again when "
                            "it should run).")}[action], "success")
    return redirect(url_for(".campaign_edit", slug=campaign.slug))


@bp.route("/campaigns/<slug>/duplicate", methods=["GET", "POST"])
def campaign_duplicate(slug: str):
    within = require_staff(current_user)
    source = campaign_admin.get_managed(within, slug)
    form, status = DuplicateForm(), None
    if request.method == "GET":
        form.title.data = source.title
    if form.validate_on_submit():
        try:
            with write_transaction():
                campaign = campaign_admin.duplicate_campaign(
                    within, source, title=form.title.data, slug=form.slug.data,
                    starts_on=form.starts_on.data, ends_on=form.ends_on.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Campaign “%(title)s” made from “%(source)s”, with its quizzes.",
                    title=campaign.title, source=source.title), "success")
            return redirect(url_for(".campaign_edit", slug=campaign.slug))
    return _render("duplicate.html", form, status, source=source)


def _bank_choices(form: QuizForm) -> None:
    """Every bank, with what it holds of each type, as the quiz form's choices."""
    form.banks.choices = [
        SelectChoice(item.bank.id, _("%(name)s (single %(single)d · multiple %(multiple)d · "
                                     "true/false %(judge)d)", name=item.bank.name,
                                     **item.by_type))
        for item in sorted(banks.bank_summaries(), key=lambda item: item.bank.name)]


def _quiz_page(campaign, form, status, quiz=None):
    return _render("quiz.html", form, status, campaign=campaign, quiz=quiz,
                   rows=range(CATEGORY_ROWS),
                   attempts=quiz_admin.attempts_taken(quiz) if quiz else 0)


@bp.route("/campaigns/<slug>/quizzes/new", methods=["GET", "POST"])
def quiz_new(slug: str):
    campaign = campaign_admin.get_managed(require_staff(current_user), slug)
    form, status = QuizForm(), None
    if request.method == "GET":
        form.title.data = _("Safety knowledge quiz")
    _bank_choices(form)
    if form.validate_on_submit():
        try:
            with write_transaction():
                quiz = quiz_admin.add_quiz(campaign, quiz_values(form))
        except QuizError as error:
            status = _failed(form, error)
        else:
            flash(_("Quiz “%(title)s” added.", title=quiz.title), "success")
            return redirect(url_for(".campaign_edit", slug=campaign.slug))
    return _quiz_page(campaign, form, status)


@bp.route("/campaigns/<slug>/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
def quiz_edit(slug: str, quiz_id: int):
    campaign = campaign_admin.get_managed(require_staff(current_user), slug)
    quiz = next((q for q in campaign.quizzes if q.id == quiz_id), None)
    if quiz is None:
        abort(404)
    form, status = QuizForm(), None
    if request.method == "GET":
        fill_quiz_form(form, quiz_admin.values_of(quiz))
    _bank_choices(form)
    if form.validate_on_submit():
        try:
            with write_transaction():
                saved = quiz_admin.update_quiz(quiz, quiz_values(form),
                                               as_new=form.as_new.data)
        except QuizError as error:
            status = _failed(form, error)
        else:
            if saved.id != quiz.id:
                flash(_("Saved as a new quiz; the old one is no longer offered, and its "
                        "attempts keep their scores."), "success")
            else:
                flash(_("Quiz “%(title)s” saved.", title=saved.title), "success")
            return redirect(url_for(".campaign_edit", slug=campaign.slug))
    return _quiz_page(campaign, form, status, quiz)


@bp.route("/campaigns/<slug>/quizzes/<int:quiz_id>/preview")
def quiz_preview(slug: str, quiz_id: int):
    campaign = campaign_admin.get_managed(require_staff(current_user), slug)
    quiz = next((q for q in campaign.quizzes if q.id == quiz_id), None)
    if quiz is None:
        abort(404)
    try:
        questions, problem = quiz_admin.preview(quiz), None
    except QuizError as error:
        questions, problem = [], str(error.message)
    return _render("preview.html", campaign=campaign, quiz=quiz, questions=questions,
                   problem=problem, type_names=quiz_admin.TYPE_NAMES)
