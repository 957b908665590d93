"""The participant's leaderboard page: the top 10 of the contest and of their unit, masked,
their own row plain and marked, linked from the result page and 我的答题."""

from __future__ import annotations

import re

from tests.services import test_leaderboard
from tests.services.test_ranking import _finish as finish

#: Fixtures of other test modules, used here too.
tree = test_leaderboard.tree


def _tables(html: str) -> list[str]:
    """The text of each board's table body."""
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
            for body in re.findall(r"<tbody>(.*?)</tbody>", html, re.S)]


def test_the_page_shows_the_top_of_the_contest_and_of_my_unit(client, auth, make_user,
                                                              make_quiz, clock,
                                                              tree):
    quiz = make_quiz()
    finish(make_user(unit=tree["b"], name="李大力", phone="13987654321"), quiz, clock, 10)
    finish(make_user(unit=tree["a"], name="王小明", phone="13812341234"), quiz, clock, 20)
    me = make_user(unit=tree["a"], name="赵六", phone="13700001111")
    finish(me, quiz, clock, 30)
    auth.login(me.phone)
    response = client.get(f"/c/{quiz.campaign.slug}/leaderboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "全部参赛者前 10 名" in html and "甲镇前 10 名" in html
    contest, unit = _tables(html)
    assert contest.index("李*力") < contest.index("王*明") < contest.index("赵六")
    assert "139****4321" in contest and "李大力" not in html and "王小明" not in html
    assert "李*力" not in unit and "王*明" in unit and "赵六" in unit
    assert html.count('aria-current="true"') == 2  # my row, on both boards
    assert "你的排名：3 人中第 3 名。" in html and "你的排名：2 人中第 2 名。" in html


def test_my_row_follows_the_top_10_when_i_am_further_down(client, auth, make_user, make_quiz,
                                                          clock, tree):
    quiz = make_quiz()
    for seconds in range(1, 12):
        finish(make_user(unit=tree["b"]), quiz, clock, seconds)
    me = make_user(unit=tree["a"], name="赵六")
    finish(me, quiz, clock, 100)
    auth.login(me.phone)
    contest, _unit = _tables(client.get(f"/c/{quiz.campaign.slug}/leaderboard")
                             .get_data(as_text=True))
    assert "… 12 赵六" in contest


def test_the_result_page_and_my_attempts_link_to_it(client, auth, make_user, make_quiz,
                                                    clock):
    quiz = make_quiz()
    me = make_user()
    attempt = finish(me, quiz, clock, 30)
    auth.login(me.phone)
    link = f'href="/c/{quiz.campaign.slug}/leaderboard"'
    assert link in client.get(f"/attempt/{attempt.id}/result").get_data(as_text=True)
    assert link in client.get("/me/attempts").get_data(as_text=True)


def test_before_my_first_attempt_the_boards_show_without_me(client, auth, make_user,
                                                            make_quiz, clock,
                                                            tree):
    quiz = make_quiz()
    finish(make_user(unit=tree["a"], name="王小明"), quiz, clock, 20)
    auth.login(make_user(unit=tree["b"]).phone)
    html = client.get(f"/c/{quiz.campaign.slug}/leaderboard?lang=en").get_data(as_text=True)
    assert "Top 10 of the contest" in html and "Top 10 of 乙镇" in html
    assert "Nobody has finished an attempt here yet." in html and "Your rank" not in html


def test_a_visitor_is_sent_to_log_in(client, make_quiz):
    response = client.get(f"/c/{make_quiz().campaign.slug}/leaderboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
