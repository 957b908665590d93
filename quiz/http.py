"""Guards on what a request can carry before any view sees it: ids in URLs within the
database's range, and JSON bodies that cannot exhaust the parser's stack."""

from __future__ import annotations

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from .forms import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` as werkzeug has it, but never beyond a 64-bit signed id: a larger number
    names nothing (404), where the database would refuse to compare it (500)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's name)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class GuardedJSONProvider(DefaultJSONProvider):
    """JSON nested too deep (`[` × 100,000) is a bad body, not a RecursionError: raising
    ValueError lets `request.get_json` treat it as any malformed JSON (400, or None when
    silent)."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_http(app: Flask) -> None:
    """Install the guards; before the blueprints, whose routes compile the converters."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.json = GuardedJSONProvider(app)
