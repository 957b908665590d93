"""JSON API v1: the participation figures (organizers and admins, within their reach).

Every figure comes from quiz.services.stats, as on the console's pages and in the report.
"""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from .. import caching
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


def _cached(view: str, campaign, unit, period, options: dict, compute) -> dict:
    """The answer as computed at most STATS_CACHE_SECONDS ago for the same campaign, unit,
    period and options (whoever asked: the caller's reach was checked in `_scope`)."""
    key = caching.figures_key(view, campaign.id, unit.id, period, options)
    return caching.fresh_or_compute(key, caching.figures_seconds(current_app), now(), compute)


@bp.get("/campaigns/<slug>/stats")
@token_required
def campaign_stats(slug: str):
    campaign, unit, period = _scope()

    def compute():
        totals, children = stats.unit_stats(campaign, unit, period)
        return {"campaign": campaign.slug, "period": _period_json(period),
                "unit": totals.as_dict(), "children": [row.as_dict() for row in children]}

    return jsonify(_cached("stats", campaign, unit, period, {}, compute))


@bp.get("/campaigns/<slug>/leaderboard/units")
@token_required
def unit_leaderboard(slug: str):
    campaign, unit, period = _scope()
    sort = request.args.get("sort", "participation_rate")
    ascending = request.args.get("order", "desc") == "asc"
    only_absent = request.args.get("absent") in stats.YES
    by_period = request.args.get("by") == "period"

    def compute():
        tree = stats.figure_tree(campaign, unit, period)
        rows = stats.rank_units(tree, sort, descending=not ascending,
                                only_absent=only_absent, by_period=by_period)
        return {
            "campaign": campaign.slug, "period": _period_json(period), "sort": sort,
            "order": "asc" if ascending else "desc", "unit": tree.total.as_dict(),
            "units": [{"position": n, **row.as_dict()} for n, row in enumerate(rows, 1)],
        }

    options = {"sort": sort, "asc": ascending, "absent": only_absent, "by": by_period}
    return jsonify(_cached("units", campaign, unit, period, options, compute))


@bp.get("/campaigns/<slug>/stats/daily")
@token_required
def daily_stats(slug: str):
    campaign, unit, period = _scope()
    today = local_date(now(), campaign.timezone)

    def compute():
        days = stats.subtree_daily(campaign, unit, period)  # the unit's days only
        return {
            "campaign": campaign.slug, "period": _period_json(period),
            "unit": {"code": unit.code, "name": unit.name},
            "days": [{"day": day.isoformat(), **stats.day_dict(days.get(day, stats.ZERO))}
                     for day in periods.campaign_days(campaign, today, period)],
        }

    return jsonify(_cached("daily", campaign, unit, period, {"today": today}, compute))
