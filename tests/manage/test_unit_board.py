"""The unit leaderboard: each child unit's subtree figures, sortable, drill-down and back,
the units without participants, a period beside the totals, within reach only."""

from __future__ import annotations

import re

import pytest

from quiz.models import Role
from tests import figures
from tests.conftest import AuthActions
from tests.helpers import fresh_client


@pytest.fixture
def board(app, db, make_unit, make_user, make_quiz, clock):
    world = figures.build(db, make_unit, make_user, make_quiz, clock)
    slug = world["campaign"].slug

    def visit(unit_code, who_unit="C", role=Role.organizer, query="", lang="zh"):
        viewer = make_user(unit=world["units"][who_unit], role=role)
        client = fresh_client(app)
        assert AuthActions(client).login(viewer.phone).status_code == 302
        url = f"/manage/campaigns/{slug}/units?lang={lang}" + (
            f"&unit={unit_code}" if unit_code else "") + query
        return client.get(url)

    return world, visit


def _rows(html: str) -> list[str]:
    """The unit names of the table's rows, in order (the total row first)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"<[^>]+>|\s+", " ", cell).split()[0]
            for cell in re.findall(r'<th scope="row">(.*?)</th>', body, re.S)]


def _cells(html: str, name: str) -> list[str]:
    """The figures of the row of unit `name`."""
    body = html.split("<tbody>", 1)[1]
    row = next(r for r in body.split("<tr")[1:] if name in r.split("</th>")[0])
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', row)


def test_a_county_organizer_sees_each_township_with_its_whole_subtree(board):
    world, visit = board
    html = visit(None).get_data(as_text=True)
    # the default order: the rate, highest first
    assert _rows(html) == ["平安县（合计）", "河山镇", "城关镇"]
    assert _cells(html, "平安县")[:4] == ["47", "7", "14.9%", "11"]
    assert _cells(html, "城关镇")[:4] == ["30", "4", "13.3%", "7"]
    assert _cells(html, "河山镇")[:4] == ["17", "3", "17.6%", "4"]


def test_a_row_drills_down_and_the_breadcrumb_goes_back_up(board):
    world, visit = board
    html = visit(None).get_data(as_text=True)
    assert "unit=T1" in html and "unit=T2" in html
    down = visit("T1").get_data(as_text=True)
    assert _rows(down) == ["城关镇（合计）", "东街社区", "西街社区"]
    crumbs = down.split('class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert "unit=C" in crumbs and 'aria-current="page">城关镇' in crumbs
    assert "unit=V1" not in down.split("<tbody>", 1)[1]  # a unit with nothing below: no link


def test_a_headcount_of_zero_shows_no_rate(board):
    world, visit = board
    html = visit("T1").get_data(as_text=True)
    assert _cells(html, "西街社区")[:3] == ["0", "0", "—"]
    retired = visit("T2").get_data(as_text=True)
    assert _cells(retired, "旧林场")[:3] == ["0", "1", "—"]


def test_units_without_participants_are_red_and_can_be_listed_alone(board):
    world, visit = board
    html = visit("T2").get_data(as_text=True)
    assert _rows(html) == ["河山镇（合计）", "河口村", "河山化工", "旧林场"]
    absent = [r for r in html.split("<tr")[1:] if 'class="absent"' in r[:20]]
    assert len(absent) == 1 and "河山化工" in absent[0]
    county = visit(None, query="&absent=1").get_data(as_text=True)
    # every level below, by rate (none without a headcount: last)
    assert _rows(county) == ["平安县（合计）", "河山化工", "西街社区"]
    assert "城关镇" in county.split("西街社区", 1)[1][:200]  # each with its parent named
    only = visit("T2", query="&absent=1").get_data(as_text=True)
    assert _rows(only) == ["河山镇（合计）", "河山化工"]  # the retired unit is nobody to call


def test_each_figure_sorts_both_ways(board):
    world, visit = board
    up = visit("T1", query="&sort=attempts&order=asc").get_data(as_text=True)
    assert _rows(up)[1:] == ["西街社区", "东街社区"]
    down = visit("T1", query="&sort=attempts&order=desc").get_data(as_text=True)
    assert _rows(down)[1:] == ["东街社区", "西街社区"]
    odd = visit("T1", query="&sort=nonsense")
    assert odd.status_code == 200  # an unknown figure falls back to the rate


def test_a_period_is_shown_beside_the_totals(board):
    world, visit = board
    html = visit(None, query="&from=2026-06-15&to=2026-06-21").get_data(as_text=True)
    assert "本期参与人数" in html or "Participants in the period" in html
    assert _cells(html, "平安县")[:2] == ["2", "2"]  # the period's first
    assert _cells(html, "城关镇")[:2] == ["1", "1"]
    assert _cells(html, "城关镇")[2:6] == ["30", "4", "13.3%", "7"]  # the totals stay


def test_a_mistyped_day_is_named_and_the_whole_campaign_shown(board):
    world, visit = board
    response = visit(None, query="&from=2026-02-30")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026-02-30" in html and 'role="alert"' in html
    assert _cells(html, "平安县")[:4] == ["47", "7", "14.9%", "11"]


@pytest.mark.parametrize(("who_unit", "asked", "status"), [
    ("T1", "T1", 200), ("T1", "V1", 200), ("T1", "T2", 404), ("T1", "C", 404),
    ("T1", "NOPE", 404), ("C", "V3", 200),
])
def test_only_units_within_reach(board, who_unit, asked, status):
    world, visit = board
    assert visit(asked, who_unit=who_unit).status_code == status


def test_an_organizer_starts_at_their_own_unit(board):
    world, visit = board
    assert _rows(visit(None, who_unit="T1").get_data(as_text=True))[0] == "城关镇（合计）"


def test_participants_and_visitors_do_not_get_the_board(board, app):
    world, visit = board
    assert visit("C", role=Role.participant).status_code == 403
    response = fresh_client(app).get(f"/manage/campaigns/{world['campaign'].slug}/units")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_board_reads_in_english(board):
    world, visit = board
    html = visit(None, lang="en").get_data(as_text=True)
    for words in ("Participation rate", "Headcount", "This week",
                  "Only units without participants"):
        assert words in html


def test_the_campaign_list_links_to_each_board(board, app, make_user):
    world, visit = board
    viewer = make_user(unit=world["units"]["C"], role=Role.admin)
    client = fresh_client(app)
    AuthActions(client).login(viewer.phone)
    html = client.get("/manage/campaigns").get_data(as_text=True)
    assert f"/manage/campaigns/{world['campaign'].slug}/units" in html
    assert client.get("/manage/").headers["Location"].endswith("/manage/campaigns")



def test_a_unit_that_moved_out_leaves_a_marked_row_that_keeps_the_sums(board, clock,
                                                                       make_user):
    world, visit = board
    world["admin"] = make_user(unit=world["units"]["C"], role=Role.admin)
    figures.move_and_answer(world, clock, "V3", "T1", "p4")  # 河口村 from 河山镇 to 城关镇
    html = visit("T2").get_data(as_text=True)
    row = next(r for r in html.split("<tbody>", 1)[1].split("<tr")[1:] if "河口村" in r)
    assert 'class="moved"' in row and "已调出" in row and "unit=V3" not in row
    # 河山镇 keeps 河口村's three attempts from before: 4 in all, as before the move
    assert _cells(html, "河山镇（合计）")[3] == "4" and _cells(html, "河口村")[:4] == [
        "0", "2", "—", "3"]
    town = visit("T1").get_data(as_text=True)
    assert _cells(town, "河口村")[:4] == ["8", "1", "12.5%", "1"]  # only the new attempt
    assert _cells(town, "城关镇（合计）")[3] == "8"
    english = visit("T2", lang="en").get_data(as_text=True)
    assert "Moved out" in english
