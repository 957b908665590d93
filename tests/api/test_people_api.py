"""GET /api/v1/campaigns/{slug}/leaderboard/people?unit=CODE&page=N."""

from __future__ import annotations

import pytest

from quiz.models import Role
from tests.api import test_api
from tests.services import test_leaderboard
from tests.services.test_ranking import _finish as finish

#: Fixtures of other test modules, used here too.
api = test_api.api
tree = test_leaderboard.tree


@pytest.fixture
def campaign(make_user, make_quiz, clock, tree):
    """A contest with a person in A's village and one in B."""
    quiz = make_quiz()
    finish(make_user(unit=tree["village"], name="王小明", phone="13812341234"), quiz, clock, 10)
    finish(make_user(unit=tree["b"], name="李大力", phone="13987654321"), quiz, clock, 20)
    return quiz.campaign


def _board(api, campaign, query=""):
    return api.call("GET", f"/campaigns/{campaign.slug}/leaderboard/people{query}")


def test_a_participant_gets_the_masked_top_with_their_own_row_plain(api, make_user, campaign,
                                                                    tree, clock):
    me = make_user(unit=tree["b"], name="赵六", phone="13700001111")
    finish(me, campaign.quizzes[0], clock, 30)
    api.login(me)
    response = _board(api, campaign, "?page=2")
    assert response.status_code == 200
    body = response.json
    assert (body["campaign"], body["unit"], body["page"], body["pages"], body["total"]) == (
        campaign.slug, None, 1, 1, 3)
    assert [(r["rank"], r["name"], r["phone"], r["masked"], r["is_me"]) for r in body["rows"]] == [
        (1, "王*明", "138****1234", True, False),
        (2, "李*力", "139****4321", True, False),
        (3, "赵六", "13700001111", False, True),
    ]
    assert body["me"] == body["rows"][2]
    assert body["rows"][0]["unit_name"] == "甲村" and body["rows"][0]["unit_code"] == "C-A-V"
    assert body["rows"][0]["finished_at"].endswith("Z")


def test_a_participant_may_ask_for_their_own_unit_only(api, make_user, campaign,
                                                       tree):
    api.login(make_user(unit=tree["b"]))
    own = _board(api, campaign, "?unit=C-B")
    assert own.status_code == 200 and own.json["unit"] == {"code": "C-B", "name": "乙镇"}
    assert [row["name"] for row in own.json["rows"]] == ["李*力"]
    assert own.json["me"] is None  # they have not finished an attempt
    for code in ("C-A", "C"):
        response = _board(api, campaign, f"?unit={code}")
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
        assert response.json["error"]["field"] == "unit"


def test_an_organizer_sees_their_subtree_plain_and_cannot_ask_beyond(api, make_user, campaign,
                                                                     tree):
    api.login(make_user(unit=tree["a"], role=Role.organizer))
    names = [(row["name"], row["masked"]) for row in _board(api, campaign).json["rows"]]
    assert names == [("王小明", False), ("李*力", True)]
    assert _board(api, campaign, "?unit=C-B").status_code == 404
    api.login(make_user(unit=tree["b"], role=Role.organizer))
    assert _board(api, campaign, "?unit=C-A").status_code == 404
    assert [r["name"] for r in _board(api, campaign, "?unit=C-B").json["rows"]] == ["李大力"]


def test_an_admin_pages_through_everyone_plain(api, make_user, make_quiz, clock):
    quiz = make_quiz()
    for i in range(52):
        finish(make_user(name=f"选手{i:02d}"), quiz, clock, 10 + i)
    api.login(make_user(role=Role.admin))
    body = _board(api, quiz.campaign, "?page=2").json
    assert (body["page"], body["pages"], body["per_page"], body["total"]) == (2, 2, 50, 52)
    assert [(r["rank"], r["name"]) for r in body["rows"]] == [(51, "选手50"), (52, "选手51")]
    assert not any(row["masked"] for row in body["rows"])


def test_a_visitor_gets_401_and_an_unknown_campaign_404(api, make_user, campaign):
    response = _board(api, campaign)
    assert response.status_code == 401 and response.json["error"]["code"] == "unauthorized"
    api.login(make_user())
    assert api.call("GET", "/campaigns/nope/leaderboard/people").status_code == 404
