"""The report download: /manage/campaigns/<slug>/report.xlsx, opened again and checked
against `figure_tree`, and who may have it."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import quote

import pytest
from openpyxl import load_workbook

from quiz.models import Role
from quiz.services.periods import Period
from quiz.services.stats import figure_tree
from tests import figures
from tests.conftest import AuthActions

WEEK = Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6))


@pytest.fixture
def fig(db, make_unit, make_user, make_quiz, clock):
    data = figures.build(db, make_unit, make_user, make_quiz, clock)
    units = data["units"]
    clock.set(dt.datetime(2026, 6, 21, 10, 0))  # 18:00 in Shanghai
    data["staff"] = {
        "county": make_user(unit=units["C"], role=Role.organizer),
        "t1": make_user(unit=units["T1"], role=Role.organizer),
        "t2": make_user(unit=units["T2"], role=Role.organizer),
        "admin": make_user(unit=units["C"], role=Role.admin),
        "participant": data["people"]["p1"],
    }
    return data


def _client(app, fig, who):
    client = app.test_client()
    if who != "visitor":
        assert AuthActions(client).login(fig["staff"][who].phone).status_code == 302
    return client


def _url(fig, **args):
    query = "&".join(f"{key.rstrip('_')}={value}" for key, value in args.items())
    return f"/manage/campaigns/{fig['campaign'].slug}/report.xlsx" + (f"?{query}" if query
                                                                        else "")


def _download(client, url):
    with client.get(url) as response:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype.endswith("spreadsheetml.sheet")
        disposition = response.headers["Content-Disposition"]
        data = response.get_data()
    return load_workbook(io.BytesIO(data)), disposition


def _table(ws):
    """{code: {header: value}} of a sheet's unit rows (not the （本级） ones), in order; a
    row of what a unit took part in before it moved out is under its code and "（已调出）"."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == "单位")
    headers = rows[start]
    table = {}
    for row in rows[start + 1:]:
        if "（本级）" not in row[0]:
            key = row[1] + MOVED if row[0].endswith(MOVED) else row[1]
            table[key] = dict(zip(headers, row, strict=True))
    return table


#: How the report marks a moved-out row (and how these tests key it).
MOVED = "（已调出）"


def row_key(row) -> str:
    """A figure_tree row's key in `_table`."""
    return row.unit.code + MOVED if row.moved_out else row.unit.code


def _figures(tree, period=False):
    out = {}
    for row in tree.in_tree_order(moved=True):
        counts = row.total
        key = row_key(row)
        out[key] = {
            "应参与人数": counts.headcount, "参与人数": counts.participants,
            "参与人次": counts.attempts, "及格人数": counts.passed_people,
            "参与率": counts.participation_rate, "人均答题次数": counts.attempts_per_person,
            "平均分": counts.average_score, "正确率": counts.correct_rate}
        if period:
            out[key].update({"本期参与人数": row.period.participants,
                             "本期参与人次": row.period.attempts})
        out[key] = {name: "—" if value is None else value for name, value in out[key].items()}
    return out


def test_the_downloaded_report_holds_every_figure_of_figure_tree(app, fig):
    client = _client(app, fig, "county")
    workbook, disposition = _download(client, _url(fig, unit="C", from_="2026-06-15",
                                                   to="2026-06-21"))
    assert workbook.sheetnames == ["汇总", "每日参与人次", "每日参与人数", "未参与单位"]
    name = "平安县-安全生产月知识竞赛-统计表-2026-06-21.xlsx"
    assert f"filename*=UTF-8''{quote(name)}" in disposition
    assert f'filename="report-{fig["campaign"].slug}-C-2026-06-21.xlsx"' in disposition
    summary = workbook["汇总"]
    assert summary["A1"].value == "安全生产月知识竞赛活动进展情况统计表"
    assert summary["A3"].value == "统计期间：2026-06-15 至 2026-06-21"
    assert summary["A4"].value == "制表时间：2026-06-21 18:00"
    table = _table(summary)
    tree = figure_tree(fig["campaign"], fig["units"]["C"], WEEK)
    expected = _figures(tree, period=True)
    assert list(table) == list(expected) == ["C", "T1", "V1", "V2", "T2", "E", "R", "V3"]
    for code, values in expected.items():
        for header, value in values.items():
            assert table[code][header] == value, (code, header)
    for code, (participants, attempts, _passed) in figures.WEEK_15.items():
        assert (table[code]["本期参与人数"], table[code]["本期参与人次"]) == (participants,
                                                                           attempts)
    assert table["V2"]["参与率"] == "—" and table["R"]["参与率"] == "—"
    assert table["R"]["单位"] == "旧林场（已撤销）" and table["R"]["参与人数"] == 1
    absent = _table(workbook["未参与单位"])
    assert [(row["单位"], code, row["上级单位（逐级）"], row["应参与人数"])
            for code, row in absent.items()] == [("西街社区", "V2", "平安县 / 城关镇", 0),
                                                 ("河山化工", "E", "平安县 / 河山镇", 4)]


def test_without_a_period_the_cumulative_figures_only(app, fig):
    workbook, _ = _download(_client(app, fig, "admin"), _url(fig))
    table = _table(workbook["汇总"])
    assert "本期参与人数" not in next(iter(table.values()))
    expected = _figures(figure_tree(fig["campaign"], fig["units"]["C"]))
    assert {code: {h: row[h] for h in expected[code]} for code, row in table.items()} == expected
    for code, (headcount, participants, attempts, passed) in figures.TOTALS.items():
        row = table[code]
        assert (row["应参与人数"], row["参与人数"], row["参与人次"], row["及格人数"]) == (
            headcount, participants, attempts, passed)
    daily = _table(workbook["每日参与人次"])
    assert (daily["C"]["6月10日"], daily["C"]["6月11日"], daily["C"]["6月15日"]) == (6, 3, 2)
    assert daily["C"]["合计"] == 11


def test_the_sheets_print_landscape_on_a4_with_the_header_on_every_page(app, fig):
    workbook, _ = _download(_client(app, fig, "county"), _url(fig))
    for ws in workbook.worksheets:
        header = next(row[0].row for row in ws.iter_rows() if row[0].value == "单位")
        assert ws.print_title_rows == f"${header}:${header}", ws.title
        assert ws.freeze_panes == f"B{header + 1}", ws.title
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_a_unit_name_that_looks_like_a_formula_stays_text(app, fig, make_unit):
    make_unit("=1+1", parent=fig["units"]["C"], code="Z1", headcount=3)
    make_unit("@SUM(A1)", parent=fig["units"]["C"], code="Z2", headcount=3)
    workbook, _ = _download(_client(app, fig, "county"), _url(fig))
    ws = workbook["汇总"]
    cells = {row[1].value: row[0] for row in ws.iter_rows() if row[1].value in ("Z1", "Z2")}
    assert (cells["Z1"].value, cells["Z1"].data_type, cells["Z1"].quotePrefix) == (
        "=1+1", "s", True)
    assert (cells["Z2"].value, cells["Z2"].quotePrefix) == ("@SUM(A1)", True)


def test_an_organizer_gets_their_own_subtree_by_default(app, fig):
    workbook, disposition = _download(_client(app, fig, "t1"), _url(fig))
    assert list(_table(workbook["汇总"])) == ["T1", "V1", "V2"]
    assert quote("城关镇-安全生产月知识竞赛-统计表-2026-06-21.xlsx") in disposition


@pytest.mark.parametrize(("who", "unit", "status"), [
    ("t2", "T1", 404),          # a sibling's unit is not within reach
    ("t1", "C", 404),           # nor the unit above
    ("county", "NOPE", 404),
    ("participant", "V1", 403),
    ("visitor", "C", 302),
    ("admin", "T2", 200),
])
def test_who_may_download_which_unit(app, fig, who, unit, status):
    with _client(app, fig, who).get(_url(fig, unit=unit)) as response:
        assert response.status_code == status
        if status == 302:
            assert "/auth/login" in response.headers["Location"]


def test_an_unknown_campaign_is_not_found(app, fig):
    with _client(app, fig, "admin").get("/manage/campaigns/nope/report.xlsx") as response:
        assert response.status_code == 404


@pytest.mark.parametrize(("args", "named"), [
    ({"from_": "2026-13-01"}, ["开始日期（from）", "“2026-13-01”不是日期"]),
    ({"to": "yesterday"}, ["结束日期（to）"]),
    ({"from_": "x", "to": "y"}, ["开始日期（from）", "结束日期（to）"]),
    ({"from_": "2026-06-20", "to": "2026-06-10"}, ["结束日期（to）"]),
])
def test_a_wrong_day_is_a_page_naming_the_field(app, fig, args, named):
    with _client(app, fig, "county").get(_url(fig, **args)) as response:
        assert response.status_code == 422
        html = response.get_data(as_text=True)
    for text in named:
        assert text in html
