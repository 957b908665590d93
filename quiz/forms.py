"""Helpers shared by the HTML blueprints' forms and views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm

from .services.errors import QuizError


def attach_error(form: FlaskForm, error: QuizError) -> None:
    """Show a domain error beside the form field it names (or at the top of the form); an
    error about several fields (InvalidFields) beside each of them."""
    for item in getattr(error, "errors", {}).values():
        attach_error(form, item)
    if getattr(error, "errors", None):
        return
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(error.message)]
    else:
        form.form_errors.append(str(error.message))


#: Ids are 64-bit signed integers in the database; anything larger names nothing.
MAX_ID = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """An id typed into a form or query (ASCII digits, in range), else None."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID or int(text) == 0:
        return None
    return int(text)


def current_path() -> str:
    """This request's path and query, for a `next` or `back` link: without the bare "?"
    that request.full_path ends in when there is no query."""
    from flask import request

    return request.full_path.removesuffix("?")


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after logging in; anything pointing elsewhere becomes `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    # Browsers read "\" as "/" and drop tabs and newlines: "/\evil.com" or "/\t/evil.com"
    # would leave the site.
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    return target
