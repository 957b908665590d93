"""JSON API v1: the individual leaderboard (个人排行榜), as the console and the pages show it."""

from __future__ import annotations

from flask import g, jsonify, request

from ..services import campaigns, leaderboard
from . import bp
from .auth import token_required


@bp.get("/campaigns/<slug>/leaderboard/people")
@token_required
def people_leaderboard(slug: str):
    campaign = campaigns.get_campaign(slug)
    board = leaderboard.board_for(g.api_user, campaign, request.args.get("unit"),
                                  request.args.get("page", 1, type=int))
    return jsonify({
        "campaign": campaign.slug,
        "unit": {"code": board.unit.code, "name": board.unit.name} if board.unit else None,
        "page": board.page, "per_page": board.per_page, "pages": board.pages,
        "total": board.total,
        "rows": [row.as_dict() for row in board.rows],
        "me": board.me.as_dict() if board.me else None,
    })
