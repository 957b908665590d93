"""The console's campaigns: the list, and each campaign's figures by unit (the unit
leaderboard: who is ahead, who has not started)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..services import campaign_admin, campaigns, reach, stats
from . import bp
from .common import figures_scope


@bp.route("/campaigns")
def campaign_list():
    within = reach.reach_of(current_user)
    archived = request.args.get("archived") in stats.YES
    found = campaigns.staff_campaigns(within, archived=archived)
    return render_template("manage/campaigns/list.html", campaigns=found, archived=archived,
                           home=within.home_id,
                           manageable={c.id for c in found
                                       if campaign_admin.may_manage(within, c)})


@bp.route("/campaigns/<slug>/units")
def unit_board(slug: str):
    scope = figures_scope(slug)
    tree = stats.figure_tree(scope.campaign, scope.unit, scope.period)
    sort = request.args.get("sort")
    if sort not in stats.SORT_KEYS:  # a page falls back to the rate; the API says 422
        sort = "participation_rate"
    ascending = request.args.get("order") == "asc"
    only_absent = request.args.get("absent") in stats.YES
    rows = stats.rank_units(tree, sort, descending=not ascending, only_absent=only_absent,
                            by_period=request.args.get("by") == "period")
    absent_count = len(rows) if only_absent else len(tree.without_participants(below=True))
    return render_template(
        "manage/campaigns/units.html", tree=tree, rows=rows, sort=sort, ascending=ascending,
        only_absent=only_absent, sort_keys=stats.SORT_KEYS, absent_count=absent_count,
        **scope.context())
