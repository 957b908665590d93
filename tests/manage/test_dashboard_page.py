"""The campaign dashboard page: figure_tree's figures, the days, the score bands, the
questions answered wrongly most often (only for a reach over the whole campaign), the units
beside it within reach, a period, and the page in both languages; tables without JavaScript
and nothing the Content-Security-Policy would refuse."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from quiz.formatting import number, percent
from quiz.models import Role
from quiz.services import stats
from quiz.services.periods import Period
from tests import figures
from tests.conftest import AuthActions
from tests.helpers import fresh_client


@pytest.fixture
def dash(app, db, make_unit, make_user, make_quiz, clock):
    world = figures.build(db, make_unit, make_user, make_quiz, clock)
    slug = world["campaign"].slug

    def visit(unit_code=None, who_unit="C", role=Role.organizer, query="", lang="zh"):
        viewer = make_user(unit=world["units"][who_unit], role=role)
        client = fresh_client(app)
        assert AuthActions(client).login(viewer.phone).status_code == 302
        url = f"/manage/campaigns/{slug}/dashboard?lang={lang}" + (
            f"&unit={unit_code}" if unit_code else "") + query
        return client.get(url)

    return world, visit


def _section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"', 1)[1].split("</section>", 1)[0]


def _table(html: str) -> list[list[str]]:
    """The body rows of the first table in `html`, each cell's text."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>|\s+", " ", cell).strip()
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def _expected_totals(counts) -> list[str]:
    return [number(counts.headcount), number(counts.participants),
            percent(counts.participation_rate), number(counts.attempts),
            number(counts.attempts_per_person, 2), number(counts.average_score, 1),
            percent(counts.correct_rate), number(counts.passed_people)]


def test_the_totals_are_figure_trees_with_the_rate_against_headcount(dash):
    world, visit = dash
    html = visit().get_data(as_text=True)
    rows = _table(_section(html, "totals-title"))
    tree = stats.figure_tree(world["campaign"], world["units"]["C"])
    assert [row[1] for row in rows] == _expected_totals(tree.total.total)
    assert [row[0] for row in rows] == ["应参与人数", "参与人数", "参与率", "参与人次",
                                        "人均答题次数", "平均分", "正确率", "及格人数"]
    assert [row[1] for row in rows][:4] == ["47", "7", "14.9%", "11"]


def test_a_period_is_shown_beside_the_totals(dash):
    world, visit = dash
    html = visit(query="&from=2026-06-15&to=2026-06-21").get_data(as_text=True)
    rows = _table(_section(html, "totals-title"))
    week = Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6))
    tree = stats.figure_tree(world["campaign"], world["units"]["C"], week)
    assert [row[2] for row in rows] == _expected_totals(tree.total.period)
    assert [row[1] for row in rows][:4] == ["47", "7", "14.9%", "11"]  # the totals stay
    days = _table(_section(html, "daily-title"))
    assert [row[0] for row in days] == [f"2026-06-{d}" for d in range(15, 22)]


def test_the_days_run_from_the_start_to_today(dash):
    world, visit = dash
    html = visit("T1", who_unit="T1").get_data(as_text=True)
    days = {row[0]: row[1:] for row in _table(_section(html, "daily-title"))}
    assert list(days)[0] == "2026-06-01" and list(days)[-1] == "2026-06-15"  # today
    daily = stats.figure_tree(world["campaign"], world["units"]["T1"], daily=True).daily()
    for day, counts in daily.items():
        assert days[day.isoformat()] == [str(counts.participants), str(counts.attempts)]
    assert days["2026-06-11"] == ["3", "3"]  # p1, p2 and p7 once each
    assert days["2026-06-12"] == ["0", "0"]


def test_the_score_bands_are_counted_by_hand(dash):
    world, visit = dash
    html = visit().get_data(as_text=True)
    bands = _table(_section(html, "bands-title"))
    assert bands[0] == ["0–9", "2"] and bands[-1] == ["90–100", "4"]
    assert [row[1] for row in bands[1:-1]] == ["0"] * 8


def test_the_questions_are_shown_for_the_whole_campaign_with_their_correct_rate(dash):
    world, visit = dash
    for who, role in (("C", Role.organizer), ("T2", Role.admin)):
        html = visit("T1", who_unit=who, role=role).get_data(as_text=True)
        block = _section(html, "questions-title")
        assert "questions-hidden" not in block and "整个活动" in block
        rows = _table(block)
        assert 0 < len(rows) <= 20
        wrong = [int(row[2]) for row in rows]  # #, question, wrong, correct rate, answered
        assert wrong == sorted(wrong, reverse=True)
        for row in rows:  # correct rate = (answered - wrong) / answered
            misses, answered = int(row[2]), int(row[4])
            assert row[3] == percent(round((answered - misses) / answered, 4))
        assert "/manage/questions/" in block and "/edit" in block


def test_an_organizer_below_the_top_gets_a_note_instead_of_the_questions(dash):
    world, visit = dash
    html = visit("V1", who_unit="T1").get_data(as_text=True)
    block = _section(html, "questions-title")
    assert 'id="questions-hidden"' in block and "<table" not in block
    assert "/manage/questions/" not in html


def test_an_organizer_compares_within_reach_only(dash):
    world, visit = dash
    own = visit(None, who_unit="T1").get_data(as_text=True)  # T1's parent C is above them
    names = [row[0] for row in _table(_section(own, "compare-title"))]
    assert names == ["东街社区", "西街社区"]
    assert "河山镇" not in own and "平安县" not in own  # nothing of T2 or of the county
    county = visit("T1", who_unit="C").get_data(as_text=True)
    block = _section(county, "compare-title")
    assert [row[0].split()[0] for row in _table(block)] == ["河山镇", "城关镇"]
    highlighted = re.findall(r'<tr class="self"[^>]*>(.*?)</tr>', block, re.S)
    assert len(highlighted) == 1 and "城关镇" in highlighted[0]
    village = visit("V1", who_unit="T1").get_data(as_text=True)  # V1's parent T1 is theirs
    assert [row[0].split()[0] for row in _table(_section(village, "compare-title"))] == [
        "东街社区", "西街社区"]


def test_a_mistyped_day_is_named_and_the_whole_campaign_shown(dash):
    world, visit = dash
    response = visit(query="&from=2026-02-30")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2026-02-30" in html and 'role="alert"' in html
    assert [row[1] for row in _table(_section(html, "totals-title"))][:2] == ["47", "7"]


@pytest.mark.parametrize(("who_unit", "asked", "status"), [
    ("T1", "T1", 200), ("T1", "V1", 200), ("T1", "T2", 404), ("T1", "C", 404),
    ("T1", "NOPE", 404), ("C", "V3", 200),
])
def test_only_units_within_reach(dash, who_unit, asked, status):
    world, visit = dash
    assert visit(asked, who_unit=who_unit).status_code == status


def test_participants_and_visitors_do_not_get_the_dashboard(dash, app):
    world, visit = dash
    assert visit("C", role=Role.participant).status_code == 403
    response = fresh_client(app).get(f"/manage/campaigns/{world['campaign'].slug}/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_charts_data_matches_the_tables_and_nothing_is_inline(dash):
    world, visit = dash
    html = visit().get_data(as_text=True)
    raw = html.split('<script type="application/json" id="dashboard-data">', 1)[1]
    data = json.loads(raw.split("</script>", 1)[0])
    assert data["bands"]["data"] == [2, 0, 0, 0, 0, 0, 0, 0, 0, 4]
    assert data["daily"]["days"][0] == "2026-06-01" and len(data["daily"]["days"]) == 15
    assert data["comparison"]["data"] == [17.6, 13.3]
    assert " style=" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/js/dashboard.js" in html
    assert html.count('<details class="chart-table" open>') == 2  # open until a chart is drawn


def test_the_dashboard_reads_in_english(dash):
    world, visit = dash
    html = visit(lang="en").get_data(as_text=True)
    for words in ("Dashboard", "Participation rate", "Participants and attempts per day",
                  "Score distribution", "The questions answered wrongly most often",
                  "Correct rate", "This week"):
        assert words in html
    hidden = visit("T1", who_unit="T1", lang="en").get_data(as_text=True)
    assert "shown only to those who may see the whole campaign" in hidden


def test_the_dashboard_reads_in_chinese(dash):
    world, visit = dash
    html = visit().get_data(as_text=True)
    for words in ("看板", "每日参与人数和人次", "成绩分布", "答错最多的题目", "参与率"):
        assert words in html
    assert "Score distribution" not in html


def test_the_campaign_list_and_the_unit_board_link_to_the_dashboard(dash, app, make_user):
    world, visit = dash
    slug = world["campaign"].slug
    viewer = make_user(unit=world["units"]["C"], role=Role.admin)
    client = fresh_client(app)
    AuthActions(client).login(viewer.phone)
    assert f"/manage/campaigns/{slug}/dashboard" in client.get(
        "/manage/campaigns").get_data(as_text=True)
    board = client.get(f"/manage/campaigns/{slug}/units?unit=T1").get_data(as_text=True)
    assert f"/manage/campaigns/{slug}/dashboard?unit=T1" in board
