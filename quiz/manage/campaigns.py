"""The console's campaigns: the list, and each campaign's figures by unit (the unit
leaderboard: who is ahead, who has not started)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..clock import now
from ..services import campaigns, periods, reach, stats
from ..timeutil import local_date
from . import bp
from .common import requested_period


@bp.route("/campaigns")
def campaign_list():
    return render_template("manage/campaigns/list.html", campaigns=campaigns.all_campaigns(),
                           home=reach.reach_of(current_user).home_id)


@bp.route("/campaigns/<slug>/units")
def unit_board(slug: str):
    campaign = campaigns.get_campaign(slug)
    within = reach.require_staff(current_user)
    unit = within.unit_by_code(request.args.get("unit"))
    today = local_date(now(), campaign.timezone)
    period, period_errors = requested_period(campaign)
    tree = stats.figure_tree(campaign, unit, period)
    sort = request.args.get("sort", "participation_rate")
    if sort not in stats.SORT_KEYS:
        sort = "participation_rate"
    ascending = request.args.get("order") == "asc"
    rows = tree.children()
    only_absent = request.args.get("absent") == "1"
    if only_absent:
        rows = [row for row in rows if row.has_no_participant and not row.unit.is_retired]
    rows = stats.sort_rows(rows, sort, descending=not ascending,
                           use_period=request.args.get("by") == "period")
    return render_template(
        "manage/campaigns/units.html", campaign=campaign, unit=unit, tree=tree, rows=rows,
        trail=within.trail(unit), sort=sort, ascending=ascending, only_absent=only_absent,
        period=period, period_errors=period_errors, week=periods.this_week(campaign, today),
        args=request.args, sort_keys=stats.SORT_KEYS,
        absent_count=sum(1 for row in tree.children()
                         if row.has_no_participant and not row.unit.is_retired))
