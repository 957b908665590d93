"""The individual leaderboard (个人排行榜): each person once with the attempt that counts, in
the ranking order, a page at a time, masked for whoever may not see the person."""

from __future__ import annotations

import pytest

from quiz.models import Role
from quiz.services import attempts, leaderboard
from quiz.services.errors import NotFound, Unauthorized
from tests.services.test_attempts import start, submit
from tests.services.test_ranking import _finish as finish


@pytest.fixture
def tree(make_unit):
    """A county with two towns, A (with a village below it) and B."""
    county = make_unit("县", code="C")
    a = make_unit("甲镇", parent=county, code="C-A")
    return {"county": county, "a": a, "village": make_unit("甲村", parent=a, code="C-A-V"),
            "b": make_unit("乙镇", parent=county, code="C-B")}


def _names(board) -> list[str]:
    return [row.name for row in board.rows]


def test_a_person_with_several_attempts_appears_once_with_the_best(make_user, make_quiz,
                                                                   clock):
    quiz = make_quiz(attempts_per_day=5)
    person = make_user(name="张三")
    finish(person, quiz, clock, 100, right=False)
    best = finish(person, quiz, clock, 200)
    finish(person, quiz, clock, 300)
    board = leaderboard.people_board(quiz.campaign)
    assert board.total == 1
    [row] = board.rows
    assert (row.rank, row.score, row.duration_seconds) == (1, best.score, 200)
    assert row.finished_at == best.finished_at and row.max_score == best.max_score


def test_the_best_score_ranks_first_then_the_shorter_time_then_the_earlier_finish(
        make_user, make_quiz, clock):
    quiz = make_quiz()
    slow = make_user(name="慢")
    fast = make_user(name="快")
    later = make_user(name="晚")
    low = make_user(name="低")
    finish(low, quiz, clock, 10, right=False)
    finish(slow, quiz, clock, 120)
    finish(fast, quiz, clock, 60)
    finish(later, quiz, clock, 120)  # the same score and time as `slow`, finished later
    viewer = make_user(role=Role.admin)
    board = leaderboard.people_board(quiz.campaign, viewer=viewer)
    assert _names(board) == ["快", "慢", "晚", "低"]
    assert [row.rank for row in board.rows] == [1, 2, 3, 4]


def test_the_same_score_time_and_finish_are_ordered_by_attempt_id(make_user, make_quiz,
                                                                  clock):
    quiz = make_quiz()
    people = [make_user(name=name) for name in ("甲", "乙", "丙")]
    started = [start(person, quiz, clock) for person in people]
    clock.advance(90)  # all three submit at the same moment, after the same time
    for person, attempt in zip(people, started, strict=True):
        submit(person, attempt, clock, {})
    board = leaderboard.people_board(quiz.campaign, viewer=make_user(role=Role.admin))
    by_id = sorted(zip(started, people, strict=True), key=lambda pair: pair[0].id)
    assert _names(board) == [person.name for _, person in by_id]
    # And in the same order as the rank each of them is told.
    assert [attempts.standing(p, quiz.campaign_id).rank for _, p in by_id] == [1, 2, 3]


def test_a_long_board_has_more_pages_that_continue_the_ranks(make_user, make_quiz, clock):
    quiz = make_quiz()
    people = [make_user(name=f"选手{i}") for i in range(7)]
    for seconds, person in enumerate(people, start=1):
        finish(person, quiz, clock, seconds * 10)
    admin = make_user(role=Role.admin)
    second = leaderboard.people_board(quiz.campaign, page=2, per_page=3, viewer=admin)
    assert (second.total, second.pages, second.page) == (7, 3, 2)
    assert [row.rank for row in second.rows] == [4, 5, 6]
    assert _names(second) == ["选手3", "选手4", "选手5"]
    past_the_end = leaderboard.people_board(quiz.campaign, page=10**30, per_page=3,
                                            viewer=admin)
    assert past_the_end.page == 3 and _names(past_the_end) == ["选手6"]
    for row in second.rows:  # the place on the board is the rank a standing counts
        assert attempts.standing(people[row.rank - 1], quiz.campaign_id).rank == row.rank


def test_a_unit_board_holds_its_subtree_and_not_a_siblings(make_user, make_quiz, clock, tree):
    quiz = make_quiz()
    finish(make_user(unit=tree["b"], name="乙镇人"), quiz, clock, 10)
    finish(make_user(unit=tree["village"], name="甲村人"), quiz, clock, 20)
    finish(make_user(unit=tree["a"], name="甲镇人"), quiz, clock, 30)
    admin = make_user(role=Role.admin, unit=tree["county"])
    board = leaderboard.people_board(quiz.campaign, tree["a"], viewer=admin)
    assert _names(board) == ["甲村人", "甲镇人"]
    assert [row.rank for row in board.rows] == [1, 2] and board.total == 2
    assert [row.unit_name for row in board.rows] == ["甲村", "甲镇"]
    whole = leaderboard.people_board(quiz.campaign, viewer=admin)
    assert _names(whole) == ["乙镇人", "甲村人", "甲镇人"]


def test_an_admin_sees_every_name_and_number(make_user, make_quiz, clock, tree):
    quiz = make_quiz()
    person = make_user(unit=tree["b"], name="王小明", phone="13812341234")
    finish(person, quiz, clock, 10)
    [row] = leaderboard.people_board(quiz.campaign,
                                     viewer=make_user(role=Role.admin, unit=tree["a"])).rows
    assert (row.name, row.phone, row.masked) == ("王小明", "13812341234", False)


def test_an_organizer_sees_their_subtree_unmasked_and_a_siblings_people_masked(
        make_user, make_quiz, clock, tree):
    quiz = make_quiz()
    finish(make_user(unit=tree["village"], name="王小明", phone="13812341234"), quiz, clock, 10)
    finish(make_user(unit=tree["b"], name="李大力", phone="13987654321"), quiz, clock, 20)
    organizer = make_user(unit=tree["a"], role=Role.organizer)
    board = leaderboard.people_board(quiz.campaign, viewer=organizer)
    assert [(r.name, r.phone, r.masked) for r in board.rows] == [
        ("王小明", "13812341234", False), ("李*力", "139****4321", True)]


def test_a_participant_sees_others_masked_and_their_own_row_plain(make_user, make_quiz,
                                                                   clock, tree):
    quiz = make_quiz()
    finish(make_user(unit=tree["a"], name="王小明", phone="13812341234"), quiz, clock, 10)
    me = make_user(unit=tree["a"], name="赵六", phone="13700001111")
    finish(me, quiz, clock, 20)
    board = leaderboard.people_board(quiz.campaign, viewer=me)
    assert [(r.name, r.phone, r.is_viewer) for r in board.rows] == [
        ("王*明", "138****1234", False), ("赵六", "13700001111", True)]
    assert board.me == board.rows[1]


def test_the_viewers_own_row_comes_with_the_page_when_it_lies_beyond(make_user, make_quiz,
                                                                     clock, tree):
    quiz = make_quiz()
    for seconds in (10, 20, 30):
        finish(make_user(unit=tree["a"]), quiz, clock, seconds)
    me = make_user(unit=tree["b"], name="赵六")
    finish(me, quiz, clock, 40)
    board = leaderboard.board_for(me, quiz.campaign, per_page=2)
    assert len(board.rows) == 2 and not any(row.is_viewer for row in board.rows)
    assert (board.me.rank, board.me.name, board.me.is_viewer) == (4, "赵六", True)
    # On a board of a unit they are not counted in, they have no row.
    organizer = make_user(unit=tree["a"], role=Role.organizer)
    assert leaderboard.people_board(quiz.campaign, tree["a"], viewer=organizer).me is None


def test_a_participant_gets_the_top_only_of_the_contest_or_their_own_unit(
        make_user, make_quiz, clock, tree):
    quiz = make_quiz()
    for seconds in range(1, 13):
        finish(make_user(unit=tree["a"]), quiz, clock, seconds)
    me = make_user(unit=tree["a"])
    board = leaderboard.board_for(me, quiz.campaign, page=2)
    assert (board.page, len(board.rows), board.total) == (1, leaderboard.PARTICIPANT_TOP, 12)
    assert leaderboard.board_for(me, quiz.campaign, "C-A").unit == tree["a"]
    for code in ("C-B", "C", "NOPE"):
        with pytest.raises(NotFound):
            leaderboard.board_for(me, quiz.campaign, code)


def test_an_organizer_may_ask_for_units_within_reach_only(make_user, make_quiz, tree):
    quiz = make_quiz()
    organizer = make_user(unit=tree["b"], role=Role.organizer)
    assert leaderboard.board_for(organizer, quiz.campaign, "C-B").unit == tree["b"]
    assert leaderboard.board_for(organizer, quiz.campaign).unit is None
    for code in ("C-A", "C-A-V", "C"):
        with pytest.raises(NotFound):
            leaderboard.board_for(organizer, quiz.campaign, code)


def test_a_visitor_gets_no_board(make_quiz):
    with pytest.raises(Unauthorized):
        leaderboard.board_for(None, make_quiz().campaign)


def test_a_campaign_nobody_finished_has_an_empty_board(make_user, make_quiz):
    board = leaderboard.people_board(make_quiz().campaign, viewer=make_user())
    assert (board.rows, board.total, board.pages, board.me) == ([], 0, 1, None)


@pytest.mark.parametrize("name, masked", [
    ("张三明", "张*明"),
    ("张三", "张*"),
    ("张", "*"),
    ("欧阳娜娜", "欧*娜"),  # one * however many are hidden
    ("阿依古丽·买买提", "阿*提"),
    (" 张 三 ", "张*"),
    ("John Smith", "J* S*"),
    ("Alice", "A*e"),
    ("Li", "L*"),
    ("", ""),
    ("   ", ""),
    (None, ""),
])
def test_names_are_masked(name, masked):
    assert leaderboard.mask_name(name) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812341234", "138****1234"),
    ("+8613812341234", "+86*******1234"),
    ("1234567", "*****67"),
    ("12345", "****5"),
    ("12", "**"),
    ("1", "*"),
    ("", ""),
    (None, ""),
])
def test_mobile_numbers_are_masked(phone, masked):
    assert leaderboard.mask_phone(phone) == masked


def test_an_organizer_below_the_top_sees_only_the_top_of_the_whole_board(
        make_user, make_quiz, clock, tree):
    quiz = make_quiz(attempts_per_day=5)
    for n in range(14):
        finish(make_user(unit=tree["a" if n % 2 else "b"], name=f"人{n:02d}"), quiz, clock,
               100 + n)
    county = make_user(unit=tree["county"], role=Role.organizer)
    town = make_user(unit=tree["b"], role=Role.organizer)
    campaign = quiz.campaign
    full = leaderboard.board_for(county, campaign, None, page=2, per_page=10)
    assert full.page == 2 and len(full.rows) == 4  # the county holds everyone: every page
    top = leaderboard.board_for(town, campaign, None, page=2, per_page=10)
    assert top.page == 1 and len(top.rows) == leaderboard.PARTICIPANT_TOP
    assert all(row.masked for row in top.rows if row.unit_code == "C-A")  # beyond reach
    own = leaderboard.board_for(town, campaign, "C-B", page=1, per_page=5)
    assert own.total == 7 and len(own.rows) == 5 and not any(row.masked for row in own.rows)
