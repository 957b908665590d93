"""The participant's pages: campaign, quiz, result, my attempts (HTML, phone first)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..caching import TAKING_PART_SECONDS, fresh_or_compute, taking_part_key
from ..clock import grace, now
from ..errors import json_error
from ..services import attempts as attempt_service
from ..services import campaigns
from ..services import leaderboard as leaderboard_service
from ..services.errors import QuizError
from ..timeutil import to_local
from . import bp
from .forms import ActionForm


@bp.route("/")
def index():
    campaign = campaigns.current_or_next(
        now(), current_user.unit if current_user.is_authenticated else None)
    if campaign is None:
        return render_template("participant/empty.html")
    return redirect(url_for(".campaign", slug=campaign.slug, **request.args))


@bp.route("/c/<slug>")
def campaign(slug: str):
    item = campaigns.get_campaign(slug)
    moment = now()
    left = {}
    resumable = {}
    if current_user.is_authenticated:
        for quiz in item.quizzes:
            left[quiz.id] = attempt_service.attempts_left_today(current_user, quiz, moment)
            open_one = attempt_service.open_attempt(current_user, quiz)
            if open_one is not None and not attempt_service.is_overdue(open_one, moment, grace()):
                resumable[quiz.id] = open_one
    taking_part = fresh_or_compute(
        taking_part_key(item.slug), TAKING_PART_SECONDS, moment,
        lambda: {"n": campaigns.participant_count(item)})["n"]
    return render_template(
        "participant/campaign.html", campaign=item, left=left, resumable=resumable,
        form=ActionForm(), today=to_local(moment, item.timezone).date(),
        entry=campaigns.entry(item, request.args.get("unit")), taking_part=taking_part,
        is_open=campaigns.is_open(item, moment),
        for_me=not current_user.is_authenticated or campaigns.hosts(item, current_user.unit),
    )


@bp.route("/quiz/<int:quiz_id>/start", methods=["POST"])
@login_required
def start(quiz_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    quiz = attempt_service.get_quiz(quiz_id)
    try:
        started = attempt_service.start(current_user, quiz, now(), grace())
    except QuizError as error:
        flash(str(error.message), "error")
        return redirect(url_for(".campaign", slug=quiz.campaign.slug))
    return redirect(url_for(".attempt", attempt_id=started.attempt.id))


def _settle(attempt) -> None:
    """Finish the attempt if its time ran out (in a write transaction of its own)."""
    attempt_service.finish_if_overdue(attempt, now(), grace())


@bp.route("/attempt/<attempt_id>")
@login_required
def attempt(attempt_id: str):
    item = attempt_service.get_own_attempt(current_user, attempt_id)
    _settle(item)
    if not item.is_open:
        return redirect(url_for(".result", attempt_id=item.id))
    return render_template(
        "participant/attempt.html", attempt=item, quiz=item.quiz,
        questions=attempt_service.public_questions(item),
        remaining=attempt_service.remaining_seconds(item, now()), form=ActionForm(),
    )


@bp.route("/attempt/<attempt_id>/answers", methods=["POST"])
@login_required
def save(attempt_id: str):
    """Autosave from the quiz page's script (JSON, CSRF token in a header)."""
    payload = request.get_json(silent=True)
    try:
        item = attempt_service.save_answers(
            current_user, attempt_id,
            payload.get("answers") if isinstance(payload, dict) else None, now(), grace()
        )
    except QuizError as error:
        return json_error(error.code, str(error.message), error.status, error.field)
    moment = now()
    # Milliseconds too: the page keeps its countdown on the server's deadline to the moment.
    return jsonify(saved=True, remaining_seconds=attempt_service.remaining_seconds(item, moment),
                   remaining_ms=attempt_service.remaining_ms(item, moment))


def _form_answers(item) -> dict[str, list[str]]:
    return {str(q["id"]): request.form.getlist(f"q{q['id']}") for q in item.questions}


@bp.route("/attempt/<attempt_id>/submit", methods=["POST"])
@login_required
def submit(attempt_id: str):
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired or was sent from another page. Please try again."),
              "error")
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    item = attempt_service.get_own_attempt(current_user, attempt_id)
    try:
        item = attempt_service.submit(current_user, attempt_id, _form_answers(item), now(),
                                      grace())
    except QuizError as error:
        flash(str(error.message), "error")
        return redirect(url_for(".attempt", attempt_id=attempt_id))
    return redirect(url_for(".result", attempt_id=item.id))


@bp.route("/attempt/<attempt_id>/result")
@login_required
def result(attempt_id: str):
    item = attempt_service.get_own_attempt(current_user, attempt_id)
    _settle(item)
    if item.is_open:
        return redirect(url_for(".attempt", attempt_id=item.id))
    moment = now()
    return render_template(
        "participant/result.html", attempt=item, quiz=item.quiz,
        review=attempt_service.review(item),
        marks=attempt_service.review_marks_questions(item.quiz),
        standing=attempt_service.standing(current_user, item.campaign_id),
        can_retry=attempt_service.can_start_again(current_user, item.quiz, moment),
        form=ActionForm(),
    )


@bp.route("/me/attempts")
@login_required
def my_attempts():
    # One transaction each: locks of one attempt's counters are never held while the next
    # one's are taken (two such transactions could deadlock on PostgreSQL).
    for item in attempt_service.overdue_attempts(now(), grace(), user=current_user):
        attempt_service.finish_if_overdue(item, now(), grace())
    items = attempt_service.user_attempts(current_user)
    standings = attempt_service.standings(current_user)
    return render_template("participant/my_attempts.html", attempts=items,
                           counting={s.attempt.id for s in standings.values()},
                           standings=standings)


@bp.route("/c/<slug>/leaderboard")
@login_required
def leaderboard(slug: str):
    """The top of the contest and of the participant's unit, their own row among them."""
    item = campaigns.get_campaign(slug)
    mine = leaderboard_service.own_unit(current_user, item)
    top = leaderboard_service.PARTICIPANT_TOP
    return render_template(
        "participant/leaderboard.html", campaign=item,
        boards=[leaderboard_service.board_for(current_user, item, per_page=top),
                leaderboard_service.board_for(current_user, item, mine.code, per_page=top)],
    )
