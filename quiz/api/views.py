"""JSON API v1: the same services as the pages, for apps and mini-programs."""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..clock import grace, now
from ..db import write_transaction
from ..models import Attempt
from ..security import limit_login, limit_registration
from ..services import accounts, attempts, campaigns, units
from ..services.errors import ValidationFailed
from ..timeutil import isoformat_utc
from . import bp
from .auth import issue_token, token_required


def _body(optional: bool = False) -> dict:
    """The JSON object sent; an empty body counts as {} where the body is optional."""
    if optional and not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed(_l("The request body must be a JSON object."), field=None)
    return data


def _text(data: dict, name: str) -> str:
    """A string field of the body ("" when absent); any other type is refused."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationFailed(_l("This field must be a string."), field=name)
    return value


def _user_json(user) -> dict:
    return {"id": user.id, "name": user.name, "phone": user.phone, "role": user.role,
            "unit_code": user.unit.code}


def _attempt_json(attempt: Attempt) -> dict:
    moment = now()
    return {
        "id": attempt.id,
        "quiz_id": attempt.quiz_id,
        "status": attempt.status,
        "deadline": isoformat_utc(attempt.deadline_at),
        "remaining_seconds": attempts.remaining_seconds(attempt, moment),
        "questions": attempts.public_questions(attempt),
        "answers": {qid: list(keys) for qid, keys in attempt.answers.items()},
    }


def _review_json(attempt: Attempt) -> list[dict]:
    """The review with answers as lists of keys, the same shape clients send them in."""
    rows = attempts.review(attempt)
    for row in rows:
        row["given"] = list(row["given"])
        if "correct" in row:
            row["correct"] = list(row["correct"])
    return rows


def _result_json(attempt: Attempt) -> dict:
    return {
        "id": attempt.id,
        "status": attempt.status,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "passed": attempt.passed,
        "correct_count": (attempt.correct_count
                          if attempts.review_marks_questions(attempt.quiz) else None),
        "question_count": attempt.question_count,
        "duration_seconds": attempt.duration_seconds,
        "review": _review_json(attempt),
    }


@bp.get("/openapi.json")
def openapi():
    from .openapi import openapi_document  # built on first use, not at start-up

    return jsonify(openapi_document())


@bp.post("/auth/register")
@limit_registration
def register():
    data = _body()
    with write_transaction():
        user = accounts.register(_text(data, "name"), _text(data, "phone"),
                                 _text(data, "password"), _text(data, "unit_code"))
    return jsonify({"token": issue_token(user), "user": _user_json(user)}), 201


@bp.post("/auth/login")
@limit_login
def login():
    data = _body()
    user = accounts.authenticate(_text(data, "phone"), _text(data, "password"))
    return jsonify({"token": issue_token(user), "user": _user_json(user)})


@bp.post("/auth/logout")
@token_required
def logout():
    """End every session and token of the user, this one included."""
    with write_transaction():
        accounts.end_sessions(g.api_user)
    return "", 204


@bp.get("/units")
def unit_list():
    all_units = units.open_units()  # a retired unit is not offered at registration
    codes = {u.id: u.code for u in all_units}
    return jsonify([
        {"code": u.code, "name": u.name, "kind": u.kind,
         "parent_code": codes.get(u.parent_id) if u.parent_id else None}
        for u in all_units
    ])


@bp.get("/campaigns")
@token_required
def campaign_list():
    moment = now()
    result = []
    for campaign in campaigns.active_campaigns(moment, g.api_user.unit):
        result.append({
            "slug": campaign.slug, "title": campaign.title, "theme": campaign.theme,
            "starts_on": campaign.starts_on.isoformat(), "ends_on": campaign.ends_on.isoformat(),
            "quizzes": [
                {"id": quiz.id, "title": quiz.title,
                 "time_limit_seconds": quiz.time_limit_seconds,
                 "question_count": quiz.question_count, "max_score": quiz.max_score,
                 "pass_mark": quiz.pass_mark,
                 "attempts_left_today": attempts.attempts_left_today(g.api_user, quiz, moment)}
                for quiz in campaign.quizzes if quiz.is_active
            ],
        })
    return jsonify(result)


@bp.post("/quizzes/<int:quiz_id>/attempts")
@token_required
def start_attempt(quiz_id: int):
    quiz = attempts.get_quiz(quiz_id)
    started = attempts.start(g.api_user, quiz, now(), grace())
    return jsonify(_attempt_json(started.attempt)), 201 if started.created else 200


@bp.get("/attempts/<attempt_id>")
@token_required
def get_attempt(attempt_id: str):
    attempt = attempts.get_own_attempt(g.api_user, attempt_id)
    attempts.finish_if_overdue(attempt, now(), grace())
    if attempt.is_open:
        return jsonify(_attempt_json(attempt))
    return jsonify(_result_json(attempt))


@bp.put("/attempts/<attempt_id>/answers")
@token_required
def save_answers(attempt_id: str):
    data = _body()
    attempt = attempts.save_answers(g.api_user, attempt_id, data.get("answers"), now(), grace())
    return jsonify({"saved": True, "remaining_seconds": attempts.remaining_seconds(attempt,
                                                                                    now())})


@bp.post("/attempts/<attempt_id>/submit")
@token_required
def submit_attempt(attempt_id: str):
    data = _body(optional=True)
    attempt = attempts.submit(g.api_user, attempt_id, data.get("answers"), now(), grace())
    return jsonify(_result_json(attempt))
