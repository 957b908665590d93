"""Helpers shared by the HTML blueprints' forms and views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm

from .services.errors import QuizError


def attach_error(form: FlaskForm, error: QuizError) -> None:
    """Show a domain error beside the form field it names (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after logging in; anything pointing elsewhere becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
