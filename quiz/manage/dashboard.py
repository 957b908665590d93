"""A campaign's dashboard for one unit: totals, the days, the spread of best scores, the
questions answered wrongly most often and the units beside it, as tables with charts drawn
over them by static/js/dashboard.js (the page works without it)."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..formatting import FIGURE_LABELS
from ..services import campaigns, periods, reach
from ..services import dashboard as service
from ..timeutil import local_date
from . import bp
from .common import requested_period


@bp.route("/campaigns/<slug>/dashboard")
def dashboard(slug: str):
    campaign = campaigns.get_campaign(slug)
    within = reach.require_staff(current_user)
    unit = within.unit_by_code(request.args.get("unit"))
    today = local_date(now(), campaign.timezone)
    period, period_errors = requested_period(campaign)
    board = service.dashboard(campaign, unit, within, today, period)
    return render_template(
        "manage/dashboard/dashboard.html", campaign=campaign, unit=unit, board=board,
        trail=within.trail(unit), period=period, period_errors=period_errors,
        week=periods.this_week(campaign, today), args=request.args,
        charts=_charts(board), wrong_most=service.WRONG_MOST)


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
