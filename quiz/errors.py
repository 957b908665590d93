"""Error handlers: one place turns domain errors and HTTP errors into pages or JSON."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from question_bank.model import MAX_FILE_BYTES

from .services.errors import QuizError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(code: str, message: str, status: int, field: str | None = None):
    """The API's one error shape."""
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    if status == 401 and wants_json():
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def init_errors(app) -> None:
    @app.errorhandler(QuizError)
    def _quiz_error(error: QuizError):
        if wants_json():
            return json_error(error.code, str(error.message), error.status, error.field)
        return render_template("errors/error.html", message=str(error.message),
                               status=error.status), error.status

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        message = _("The form has expired or was sent from another page. Please try again.")
        return render_template("errors/error.html", message=message, status=400), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        messages = {
            404: _("Page not found."),
            405: _("This method is not allowed here."),
            413: _("The upload is too large: files of up to %(limit)d MB are accepted.",
                   limit=MAX_FILE_BYTES // (1024 * 1024)),
            429: _("Too many requests. Please wait a moment."),
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
