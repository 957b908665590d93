"""How figures are written for people: one place for pages (as template filters) and exports.

A missing figure (a rate without a headcount, an average without attempts) is "—", never
0 % or 100 %.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The name of each figure (quiz.services.stats defines them), for tables and exports.
FIGURE_LABELS = {
    "headcount": _l("Headcount"),
    "participants": _l("Participants"),
    "participation_rate": _l("Participation rate"),
    "attempts": _l("Attempts"),
    "attempts_per_person": _l("Attempts per person"),
    "average_score": _l("Average score"),
    "correct_rate": _l("Correct rate"),
    "passed_people": _l("People passed"),
}

MISSING = "—"


def percent(value: float | None, places: int = 1) -> str:
    """0.1234 -> "12.3%"; None -> "—"."""
    return MISSING if value is None else f"{value * 100:.{places}f}%"


def number(value: float | int | None, places: int = 0) -> str:
    """12345 -> "12,345"; 2.5 with places=1 -> "2.5"; None -> "—"."""
    return MISSING if value is None else f"{value:,.{places}f}"


def register(app) -> None:
    app.add_template_filter(percent)
    app.add_template_filter(number)
    app.add_template_global(FIGURE_LABELS, "figure_labels")
