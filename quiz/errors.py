"""Error handlers: one place turns domain errors and HTTP errors into pages or JSON."""

from __future__ import annotations

import math

from flask import jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from question_bank.model import MAX_FILE_BYTES

from .security import retry_after_seconds
from .services.errors import QuizError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(code: str, message: str, status: int, field: str | None = None,
               fields: dict[str, str] | None = None):
    """The API's one error shape; `fields`, when several fields are wrong, maps each to its
    message (the first of them is `field` and `message`)."""
    body = {"code": code, "message": message, "field": field}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    if status == 401 and wants_json():
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def field_messages(error: QuizError) -> dict[str, str] | None:
    """Every field's message of an error about several fields (InvalidFields)."""
    errors = getattr(error, "errors", None)
    return {name: str(item.message) for name, item in errors.items()} if errors else None


def init_errors(app) -> None:
    @app.errorhandler(QuizError)
    def _quiz_error(error: QuizError):
        if wants_json():
            return json_error(error.code, str(error.message), error.status, error.field,
                              fields=field_messages(error))
        return render_template("errors/error.html", message=str(error.message),
                               status=error.status), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = _("The form has expired or was sent from another page. Please try again.")
        return render_template("errors/error.html", message=message, status=400), 400

    @app.errorhandler(429)
    def _too_many_requests(error: HTTPException):
        # A rate limit (quiz.security): say how long to wait, in the message and in
        # Retry-After, so people and clients do not hammer the door meanwhile.
        wait = retry_after_seconds()
        if wait is None:
            message = _("Too many requests. Please wait a moment.")
        else:
            message = ngettext("Too many requests. Please try again in %(num)d minute.",
                               "Too many requests. Please try again in %(num)d minutes.",
                               math.ceil(wait / 60))
        if wants_json():
            response = json_error("too_many_requests", message, 429)
        else:
            response = make_response(
                render_template("errors/error.html", message=message, status=429), 429)
        if wait is not None:
            response.headers["Retry-After"] = str(wait)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        messages = {
            404: _("Page not found."),
            405: _("This method is not allowed here."),
            413: _("The upload is too large: files of up to %(limit)d MB are accepted.",
                   limit=MAX_FILE_BYTES // (1024 * 1024)),
        }
        message = messages.get(error.code, error.description or error.name)
        if wants_json():
            code = (error.name or "error").lower().replace(" ", "_")
            return json_error(code, message, error.code)
        return render_template("errors/error.html", message=message,
                               status=error.code), error.code

    @app.errorhandler(500)
    def _server_error(error):
        message = _("Something went wrong on our side. Please try again in a moment.")
        if wants_json():
            return json_error("server_error", message, 500)
        return render_template("errors/error.html", message=message, status=500), 500
