"""The report's sheets: every figure as `figure_tree` gives it, laid out in tree order."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz.exports.tables import RATE
from quiz.services import report as reports
from quiz.services.periods import Period
from quiz.services.stats import figure_tree
from tests import figures

WEEK = Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6))
#: 18:00 in Shanghai on the week's last day.
MADE = dt.datetime(2026, 6, 21, 10, 0)


@pytest.fixture
def fig(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


def _report(fig, code="C", period=None):
    return reports.build_report(fig["campaign"], fig["units"][code], period, MADE)


def _by_header(sheet):
    headers = [column.header for column in sheet.columns]
    return [dict(zip(headers, row.values, strict=True)) for row in sheet.rows]


def _unit_rows(sheet):
    """The rows of units (not the “（本级）” rows), by code."""
    return {row["单位编码"]: row for row in _by_header(sheet) if "（本级）" not in row["单位"]}


def test_the_sheets_and_their_titles(fig):
    made = _report(fig, period=WEEK)
    assert [sheet.name for sheet in made.sheets] == ["汇总", "每日参与人次", "每日参与人数",
                                                     "未参与单位"]
    title = made.summary.title
    assert title[0] == "安全生产月知识竞赛活动进展情况统计表"
    assert title[1] == "统计单位：平安县（C）"
    assert title[2] == "统计期间：2026-06-15 至 2026-06-21"
    assert title[3] == "制表时间：2026-06-21 18:00"
    assert made.filename("xlsx") == "平安县-安全生产月知识竞赛-统计表-2026-06-21.xlsx"
    assert made.ascii_name("xlsx") == f"report-{fig['campaign'].slug}-C-2026-06-21.xlsx"


def test_without_a_period_the_title_says_the_campaign_so_far(fig):
    made = _report(fig)
    assert made.summary.title[2] == "统计期间：活动开始至今（2026-06-01 至 2026-06-21）"
    headers = [column.header for column in made.summary.columns]
    assert "本期参与人数" not in headers and "本期参与人次" not in headers


def test_every_figure_of_the_summary_is_figure_trees(fig):
    made = _report(fig, period=WEEK)
    tree = figure_tree(fig["campaign"], fig["units"]["C"], WEEK)
    rows = _unit_rows(made.summary)
    assert list(rows) == [row.unit.code for row in tree.in_tree_order()]
    for unit_row in tree.in_tree_order():
        row, total, week = rows[unit_row.unit.code], unit_row.total, unit_row.period
        assert row["单位编码"] == unit_row.unit.code
        assert (row["应参与人数"], row["参与人数"], row["参与人次"], row["及格人数"]) == (
            total.headcount, total.participants, total.attempts, total.passed_people)
        assert (row["本期参与人数"], row["本期参与人次"]) == (week.participants, week.attempts)
        assert (row["参与率"], row["人均答题次数"], row["平均分"], row["正确率"]) == (
            total.participation_rate, total.attempts_per_person, total.average_score,
            total.correct_rate)
    for code, (headcount, participants, attempts, passed) in figures.TOTALS.items():
        row = rows[code]
        assert (row["应参与人数"], row["参与人数"], row["参与人次"], row["及格人数"]) == (
            headcount, participants, attempts, passed), code
    for code, (participants, attempts, _passed) in figures.WEEK_15.items():
        assert (rows[code]["本期参与人数"], rows[code]["本期参与人次"]) == (participants,
                                                                         attempts), code


def test_rates_without_a_headcount_are_left_empty_for_the_dash(fig):
    rows = _unit_rows(_report(fig).summary)
    assert rows["V2"]["参与率"] is None and rows["V2"]["平均分"] is None
    assert rows["R"]["参与率"] is None and rows["R"]["参与人数"] == 1  # retired: never 100 %
    rate_columns = [c for c in _report(fig).summary.columns if c.kind == RATE]
    assert [c.header for c in rate_columns] == ["参与率", "正确率"]


def test_rows_are_in_tree_order_indented_by_level_parents_bold(fig):
    sheet = _report(fig).summary
    layout = [(row.values[0], row.level, row.strong) for row in sheet.rows]
    assert layout == [
        ("平安县", 0, True),
        ("城关镇", 1, True), ("城关镇（本级）", 2, False),
        ("东街社区", 2, False), ("西街社区", 2, False),
        ("河山镇", 1, True), ("河山镇（本级）", 2, False),
        ("河山化工", 2, False), ("旧林场（已撤销）", 2, False), ("河口村", 2, False),
    ]
    parents = {row["单位编码"]: row["上级单位"] for row in _by_header(sheet)}
    assert parents["C"] == "" and parents["V1"] == "城关镇"


def test_the_rows_beneath_a_subtotal_add_up_to_it(fig):
    rows = _by_header(_report(fig, period=WEEK).summary)
    own = {row["单位编码"]: row for row in rows if "（本级）" in row["单位"]}
    assert (own["T1"]["应参与人数"], own["T1"]["参与人数"], own["T1"]["参与人次"]) == (10, 1, 1)
    assert own["T1"]["上级单位"] == "城关镇"
    units = _unit_rows(_report(fig, period=WEEK).summary)
    for parent, children in (("T1", ("V1", "V2")), ("T2", ("E", "R", "V3")), ("C", ("T1", "T2"))):
        for figure in ("应参与人数", "参与人数", "本期参与人数", "参与人次", "本期参与人次",
                       "及格人数"):
            below = sum(units[code][figure] for code in children)
            below += own[parent][figure] if parent in own else 0
            assert below == units[parent][figure], (parent, figure)
    assert "C" not in own  # the county has no people of its own


def test_the_daily_sheets_count_each_day_and_total(fig):
    made = _report(fig)
    attempts, people = made.sheets[1], made.sheets[2]
    headers = [column.header for column in attempts.columns]
    assert headers[:3] == ["单位", "单位编码", "6月1日"] and headers[-1] == "合计"
    assert len(headers) == 2 + 21 + 1  # 1 to 21 June, the campaign so far
    tree = figure_tree(fig["campaign"], fig["units"]["C"], daily=True)
    by_code = {row.values[1]: row.values for row in attempts.rows
               if "（本级）" not in row.values[0]}
    for unit_row in tree.in_tree_order():
        days = tree.daily(unit_row.unit)
        values = by_code[unit_row.unit.code]
        for index, day in enumerate(Period(dt.date(2026, 6, 1), dt.date(2026, 6, 21)).days()):
            assert values[2 + index] == (days[day].attempts if day in days else 0)
        assert values[-1] == unit_row.total.attempts
    top = next(iter(people.rows)).values
    assert (top[2 + 9], top[2 + 10], top[2 + 14]) == (4, 3, 2)  # 10, 11 and 15 June
    assert top[-1] == 7  # each person once, though p1 and p4 came on two days
    assert people.columns[-1].header == "合计（每人计一次）"


def test_a_period_limits_the_daily_sheets_to_its_days(fig):
    made = _report(fig, period=WEEK)
    headers = [column.header for column in made.sheets[1].columns]
    assert headers[2:-1] == [f"6月{day}日" for day in range(15, 22)]
    top = next(iter(made.sheets[2].rows)).values
    assert top[2:] == [2, 0, 0, 0, 0, 0, 0, 2]


def test_units_without_participants_with_their_parents(fig):
    sheet = _report(fig).sheets[3]
    assert [column.header for column in sheet.columns] == ["单位", "单位编码", "上级单位（逐级）",
                                                           "应参与人数"]
    assert [row.values for row in sheet.rows] == [
        ["西街社区", "V2", "平安县 / 城关镇", 0], ["河山化工", "E", "平安县 / 河山镇", 4]]


def test_a_subtree_report_starts_at_its_unit(fig):
    made = _report(fig, "T1")
    assert [row.values[1] for row in made.summary.rows] == ["T1", "T1", "V1", "V2"]
    assert made.summary.rows[0].values[2] == "平安县"  # its parent, named as on every page
    assert [row.values[1] for row in made.sheets[3].rows] == ["V2"]
    assert made.sheets[3].rows[0].values[2] == "平安县 / 城关镇"


def test_the_command_lines_reach_is_everything_from_the_root(fig):
    reach = reports.everything()
    assert reach.is_everything and reach.home_id == fig["units"]["C"].id
