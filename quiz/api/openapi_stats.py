"""The OpenAPI description of the figures and leaderboard endpoints (quiz/api/stats.py,
quiz/api/people.py), kept apart from quiz/api/openapi.py only for length; it uses that
module's builders."""

from __future__ import annotations

from . import openapi as o

_SORT_KEYS = ["headcount", "participants", "participation_rate", "attempts",
              "attempts_per_person", "average_score", "correct_rate", "passed_people"]


def _counts(with_headcount: bool = True) -> dict:
    counts = {
        "participants": o._int("People with a finished attempt for the unit; a subtree adds "
                               "its units up (someone who moved counts in each unit)."),
        "attempts": o._int("参与人次: finished attempts (submitted or timed out)."),
        "attempts_per_person": o._nullable("number", "attempts / participants (2 places)."),
        "average_score": o._nullable("number", "Mean score of the attempts (1 place)."),
        "answers": o._int("Questions answered in those attempts."),
        "correct_answers": o._int(),
        "correct_rate": o._nullable("number", "correct_answers / answers, 0..1 (4 places)."),
        "passed_people": o._int("及格人数: people with at least one passed attempt."),
    }
    if with_headcount:
        counts = {
            "headcount": o._int("应参与人数 of the unit's whole subtree (retired units: 0)."),
            "participation_rate": o._nullable(
                "number", "participants / headcount (4 places); null when the headcount is "
                          "0. It can pass 1 when more people take part than expected."),
            **counts,
        }
    return counts


def stats_schemas() -> dict:
    unit = {
        "code": o._str(), "name": o._str(), "kind": o._str(),
        "parent_code": o._nullable("string"), "level": o._int("Levels below the unit asked "
                                                               "for (0 for that unit)."),
        "retired": {"type": "boolean"},
        "moved_out": {"type": "boolean", "description": (
            "True for the figures a unit took part in below parent_code before it moved "
            "elsewhere in the tree: attempts stay counted where they were taken. Listed "
            "after the units below, so that they add up to the unit above.")},
        **_counts(),
        "period": o._obj(_counts(), description="The same figures for the period's days "
                                                "only; present when from/to were given."),
    }
    period = o._obj({"from": o._str(format="date"), "to": o._str(format="date")},
                    description="The days asked for, both included; null: the whole campaign.")
    return {
        **_board_schemas(),
        "UnitFigures": o._obj(unit, optional=("period",),
                              description="Totals over the unit's whole subtree."),
        "Period": {"oneOf": [period, {"type": "null"}]},
        "Stats": o._obj({
            "campaign": o._str("The campaign's slug."), "period": o._ref("Period"),
            "unit": o._ref("UnitFigures"),
            "children": {"type": "array", "items": o._ref("UnitFigures"),
                         "description": "One row per direct child unit, by code."}}),
        "UnitLeaderboard": o._obj({
            "campaign": o._str(), "period": o._ref("Period"),
            "sort": o._str(enum=_SORT_KEYS), "order": o._str(enum=["asc", "desc"]),
            "unit": o._ref("UnitFigures"),
            "units": {"type": "array", "items": {"allOf": [
                o._ref("UnitFigures"), o._obj({"position": o._int("1 for the first row.")})]},
                "description": "The child units, sorted; a missing figure (a rate without "
                               "headcount) sorts last, ties by code."}}),
        "DailyStats": o._obj({
            "campaign": o._str(), "period": o._ref("Period"),
            "unit": o._obj({"code": o._str(), "name": o._str()}),
            "days": {"type": "array", "items": o._obj({"day": o._str(format="date"),
                                                       **_counts(with_headcount=False)}),
                     "description": "Every day of the period, or of the campaign up to "
                                    "today, zeros included; each day counts a person once "
                                    "per unit."}}),
    }


def _board_schemas() -> dict:
    return {
        "BoardRow": o._obj({
            "rank": o._int("1 for the best; the order is total, so no two rows share one."),
            "name": o._str("Masked (张*明, 张*, *; J* S* for a name of several Latin words) "
                           "unless the caller is an admin, an organizer whose reach holds "
                           "the person, or the person themself."),
            "phone": o._str("Masked as 138****1234 under the same rule."),
            "unit_code": o._str("The unit the attempt counts for."), "unit_name": o._str(),
            "score": o._int("The best score (成绩取最高分)."), "max_score": o._int(),
            "duration_seconds": o._int("Time used by that attempt."),
            "finished_at": o._str("When that attempt finished, UTC.", format="date-time"),
            "masked": {"type": "boolean", "description": "Name and phone are masked."},
            "is_me": {"type": "boolean", "description": "The caller's own row."},
        }, description="One person on an individual leaderboard."),
        "PeopleBoard": o._obj({
            "campaign": o._str("The campaign's slug."),
            "unit": {"oneOf": [o._obj({"code": o._str(), "name": o._str()}),
                               {"type": "null"}],
                     "description": "The unit whose subtree is ranked; null for the whole "
                                    "campaign."},
            "page": o._int(), "per_page": o._int(), "pages": o._int(),
            "total": o._int("People on the whole board."),
            "rows": {"type": "array", "items": o._ref("BoardRow"),
                     "description": "Best first: the best score, then the shorter time, "
                                    "then the earlier finish, then the attempt id."},
            "me": {"oneOf": [o._ref("BoardRow"), {"type": "null"}],
                   "description": "The caller's own row when they are ranked on this "
                                  "board, on this page or not; null otherwise."},
        }),
    }


def _people_path() -> dict:
    return {"get": o._op(
        "getPeopleLeaderboard", "stats", "The individual leaderboard (个人排行榜)",
        description="Each person once, with their best attempt (成绩取最高分), then the "
                    "shorter time, then the earlier finish. Any token: an organizer or admin "
                    "pages through the board (50 a page); a participant gets its top 10 "
                    "only (page is ignored), of the campaign or of their own unit. Names "
                    "and phones are masked except for admins, organizers whose reach holds "
                    "the person, and the caller's own row.",
        parameters=[
            o._path_param("slug", o._str(), "The campaign's slug."),
            {"name": "unit", "in": "query", "required": False, "schema": o._str(),
             "description": "A unit code: the board of that unit's subtree. An organizer: "
                            "their unit and below; an admin: any; a participant: their own "
                            "unit only. Without it: the whole campaign."},
            {"name": "page", "in": "query", "required": False,
             "schema": o._int(minimum=1, default=1),
             "description": "A page past the last answers the last page."},
        ], responses={
            "200": o._json(o._ref("PeopleBoard"), "A page of the board."),
            "401": o._unauthorized(),
            "404": o._error("No campaign with this slug, or no unit with this code that "
                            "you may ask for (then `error.field` is \"unit\"): a unit "
                            "outside your reach answers as one that does not exist.",
                            "not_found"),
        })}


def _scope_params() -> list[dict]:
    return [
        o._path_param("slug", o._str(), "The campaign's slug."),
        {"name": "unit", "in": "query", "required": False, "schema": o._str(),
         "description": "A unit code within your reach (an organizer: their unit and below; "
                        "an admin: any). Without it: an organizer's own unit; for an admin "
                        "the root unit, when there is exactly one."},
        {"name": "from", "in": "query", "required": False, "schema": o._str(),
         "description": "First day of a period (2026-06-01; 2026/6/1 and 2026年6月1日 are "
                        "read too). Without it: the campaign's first day."},
        {"name": "to", "in": "query", "required": False, "schema": o._str(),
         "description": "Last day of the period, included. Without it: the campaign's last "
                        "day."},
    ]


def _responses(schema: str, what: str) -> dict:
    return {
        "200": o._json(o._ref(schema), what),
        "401": o._unauthorized(),
        "403": o._error("The token's user is not an organizer or admin.", "forbidden"),
        "404": o._error("No campaign with this slug, or no unit with this code within your "
                        "reach (then `error.field` is \"unit\"): a unit outside your reach "
                        "answers as one that does not exist.", "not_found"),
        "422": o._error("A day that is not one, a period that ends before it begins "
                        "(`error.field` is \"from\" or \"to\"), an unknown `sort` figure, or "
                        "an admin gave no `unit` and there is not exactly one root unit.",
                        "validation_failed"),
    }


def stats_paths() -> dict:
    sort = [
        {"name": "sort", "in": "query", "required": False,
         "schema": o._str(enum=_SORT_KEYS, default="participation_rate")},
        {"name": "order", "in": "query", "required": False,
         "schema": o._str(enum=["asc", "desc"], default="desc")},
        {"name": "by", "in": "query", "required": False, "schema": o._str(enum=["period"]),
         "description": "Sort by the period's figures instead of the totals."},
        {"name": "absent", "in": "query", "required": False, "schema": o._str(enum=["1"]),
         "description": "Instead of the children: every unit below, at any depth, where "
                        "no one has taken part yet (not retired ones)."},
    ]
    return {
        "/campaigns/{slug}/leaderboard/people": _people_path(),
        "/campaigns/{slug}/stats": {"get": o._op(
            "getCampaignStats", "stats", "Participation figures for a unit and its children",
            description="Needs an organizer or admin token. Totals include the unit's whole "
                        "subtree; so does each child's row.",
            parameters=_scope_params(), responses=_responses("Stats", "The figures."))},
        "/campaigns/{slug}/leaderboard/units": {"get": o._op(
            "getUnitLeaderboard", "stats", "The child units of a unit, ranked by a figure",
            description="The unit leaderboard of the console, as JSON.",
            parameters=_scope_params() + sort,
            responses=_responses("UnitLeaderboard", "The ranked units."))},
        "/campaigns/{slug}/stats/daily": {"get": o._op(
            "getDailyStats", "stats", "A unit's figures day by day",
            parameters=_scope_params(),
            responses=_responses("DailyStats", "One row per day."))},
    }
