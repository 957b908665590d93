"""JSON API v1: the participation figures (organizers and admins, within their reach).

Every figure comes from quiz.services.stats, as on the console's pages and in the report.
"""

from __future__ import annotations

from flask import g, jsonify, request

from ..clock import now
from ..services import campaigns, periods, reach, stats
from ..timeutil import local_date
from . import bp
from .auth import token_required


def _scope():
    """The campaign, unit and period a figures request asks for, within the caller's reach."""
    within = reach.require_staff(g.api_user)
    campaign = campaigns.get_campaign(request.view_args["slug"])
    unit = campaigns.figures_unit(within, campaign, request.args.get("unit"))
    period = periods.parse_period(campaign, request.args.get("from"), request.args.get("to"))
    return campaign, unit, period


def _period_json(period) -> dict | None:
    return None if period is None else {"from": period.first.isoformat(),
                                        "to": period.last.isoformat()}


@bp.get("/campaigns/<slug>/stats")
@token_required
def campaign_stats(slug: str):
    campaign, unit, period = _scope()
    totals, children = stats.unit_stats(campaign, unit, period)
    return jsonify({"campaign": campaign.slug, "period": _period_json(period),
                    "unit": totals.as_dict(), "children": [row.as_dict() for row in children]})


@bp.get("/campaigns/<slug>/leaderboard/units")
@token_required
def unit_leaderboard(slug: str):
    campaign, unit, period = _scope()
    sort = request.args.get("sort", "participation_rate")
    ascending = request.args.get("order", "desc") == "asc"
    tree = stats.figure_tree(campaign, unit, period)
    rows = stats.rank_units(tree, sort, descending=not ascending,
                            only_absent=request.args.get("absent") in stats.YES,
                            by_period=request.args.get("by") == "period")
    return jsonify({
        "campaign": campaign.slug, "period": _period_json(period), "sort": sort,
        "order": "asc" if ascending else "desc", "unit": tree.total.as_dict(),
        "units": [{"position": n, **row.as_dict()} for n, row in enumerate(rows, 1)],
    })


@bp.get("/campaigns/<slug>/stats/daily")
@token_required
def daily_stats(slug: str):
    campaign, unit, period = _scope()
    tree = stats.figure_tree(campaign, unit, period, daily=True)
    days = tree.daily()
    today = local_date(now(), campaign.timezone)
    return jsonify({
        "campaign": campaign.slug, "period": _period_json(period),
        "unit": {"code": unit.code, "name": unit.name},
        "days": [{"day": day.isoformat(), **stats.day_dict(days.get(day, stats.ZERO))}
                 for day in periods.campaign_days(campaign, today, period)],
    })
