"""The console's individual leaderboard (个人排行榜) of a campaign, whole or per unit."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from ..services import campaigns, leaderboard
from . import bp


@bp.route("/campaigns/<slug>/people")
def people(slug: str):
    campaign = campaigns.get_campaign(slug)
    board = leaderboard.board_for(current_user, campaign, request.args.get("unit"),
                                  request.args.get("page", 1, type=int))
    return render_template("manage/people/people.html", board=board, args=request.args,
                           home=current_user.unit)
