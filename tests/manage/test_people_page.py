"""The console's individual leaderboard: /manage/campaigns/<slug>/people?unit=CODE&page=N."""

from __future__ import annotations

import re

import pytest

from quiz.models import Role
from tests.services import test_leaderboard
from tests.services.test_ranking import _finish as finish

#: Fixtures of other test modules, used here too.
tree = test_leaderboard.tree


@pytest.fixture
def board(make_user, make_quiz, clock, tree):
    """A contest with a person in A's village and one in B."""
    quiz = make_quiz()
    finish(make_user(unit=tree["village"], name="王小明", phone="13812341234"), quiz, clock, 10)
    finish(make_user(unit=tree["b"], name="李大力", phone="13987654321"), quiz, clock, 20)
    return quiz.campaign


def _url(campaign, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/manage/campaigns/{campaign.slug}/people" + (f"?{query}" if query else "")


def test_an_organizer_sees_their_people_plain_and_a_siblings_masked(client, auth, make_user,
                                                                    board, tree):
    auth.login(make_user(unit=tree["a"], role=Role.organizer).phone)
    html = client.get(_url(board)).get_data(as_text=True)
    assert "个人排行榜" in html
    assert "王小明" in html and "13812341234" in html
    assert "李*力" in html and "139****4321" in html
    assert "李大力" not in html and "13987654321" not in html
    assert "管理范围以外人员的姓名和手机号码已隐去部分内容。" in html
    assert 'href="/manage/"' in html


def test_an_organizers_unit_board_holds_their_subtree(client, auth, make_user, board,
                                                      tree):
    auth.login(make_user(unit=tree["a"], role=Role.organizer).phone)
    response = client.get(_url(board, unit="C-A"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "王小明" in html and "李" not in re.sub(r"<[^>]+>", "", html.split("<tbody>")[1])


def test_an_organizer_cannot_ask_for_a_unit_beyond_reach(client, auth, make_user, board,
                                                         tree):
    auth.login(make_user(unit=tree["b"], role=Role.organizer).phone)
    assert client.get(_url(board, unit="C-A")).status_code == 404
    assert client.get(_url(board, unit="NOPE")).status_code == 404
    assert client.get("/manage/campaigns/no-such-campaign/people").status_code == 404


def test_an_admin_sees_everyone_plain(client, auth, make_user, board, tree):
    auth.login(make_user(unit=tree["village"], role=Role.admin).phone)
    html = client.get(_url(board, unit="C")).get_data(as_text=True)
    assert "王小明" in html and "李大力" in html and "13987654321" in html
    assert "已隐去" not in html


def test_participants_and_visitors_are_turned_away(client, auth, make_user, board):
    assert client.get(_url(board)).status_code == 302  # to the login page
    assert "/auth/login" in client.get(_url(board)).headers["Location"]
    auth.login(make_user().phone)
    assert client.get(_url(board)).status_code == 403


def test_a_board_of_51_people_has_a_second_page(client, auth, make_user, make_quiz, clock):
    quiz = make_quiz()
    for i in range(51):
        finish(make_user(name=f"选手{i:02d}"), quiz, clock, 10 + i)
    auth.login(make_user(role=Role.admin).phone)
    html = client.get(_url(quiz.campaign)).get_data(as_text=True)
    assert html.count('id="p') == 50 and "选手49" in html and "选手50" not in html
    next_link = re.search(r'<a href="([^"]+)">下一页</a>', html)
    assert next_link, "no link to the next page"
    second = client.get(next_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('id="p') == 1 and 'id="p51"' in second and "选手50" in second


def test_the_page_reads_in_english_too(client, auth, make_user, board, tree):
    auth.login(make_user(unit=tree["a"], role=Role.organizer).phone)
    html = client.get(_url(board, unit="C-A", lang="en")).get_data(as_text=True)
    assert "Individual leaderboard" in html and "1 person ranked." in html
