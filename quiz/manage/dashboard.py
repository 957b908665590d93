"""A campaign's dashboard for one unit: totals, the days, the spread of best scores, the
questions answered wrongly most often and the units beside it, as tables with charts drawn
over them by static/js/dashboard.js (the page works without it)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from ..formatting import FIGURE_LABELS
from ..services import dashboard as service
from . import bp
from .common import figures_scope


@bp.route("/campaigns/<slug>/dashboard")
def dashboard(slug: str):
    scope = figures_scope(slug)
    board = service.dashboard(scope.campaign, scope.unit, scope.within, scope.today,
                              scope.period)
    return render_template("manage/dashboard/dashboard.html", board=board,
                           charts=_charts(board), wrong_most=service.WRONG_MOST,
                           **scope.context())


def _charts(board: service.Dashboard) -> dict:
    """What the charts draw (the same figures as the tables), with their words."""
    use_period = board.period is not None
    return {
        "daily": {
            "days": [day.isoformat() for day, _counts in board.days],
            "series": [
                {"name": str(FIGURE_LABELS["participants"]),
                 "data": [counts.participants for _day, counts in board.days]},
                {"name": str(FIGURE_LABELS["attempts"]),
                 "data": [counts.attempts for _day, counts in board.days]},
            ],
        },
        "bands": {
            "labels": [band.label for band in board.bands],
            "name": _("People"),
            "data": [band.people for band in board.bands],
        },
        "comparison": {
            "name": _("Participation rate in the period") if use_period
            else str(FIGURE_LABELS["participation_rate"]),
            "units": [row.unit.name for row in board.comparison.rows],
            "current": [row.unit.id == board.unit.id for row in board.comparison.rows],
            # Percent, one place, as the table shows it; null where there is no headcount.
            "data": [None if rate is None else round(rate * 100, 1)
                     for rate in ((row.period if use_period else row.total).participation_rate
                                  for row in board.comparison.rows)],
        },
    }
