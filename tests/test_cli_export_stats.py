"""`flask export-stats`: the report to .xlsx or CSV, and one clear line for each mistake."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from quiz.services.stats import figure_tree
from tests import figures


@pytest.fixture
def fig(db, make_unit, make_user, make_quiz, clock):
    data = figures.build(db, make_unit, make_user, make_quiz, clock)
    clock.set(dt.datetime(2026, 6, 21, 10, 0))
    return data


def _export(runner, fig, out, *options):
    return runner.invoke(args=["export-stats", "--campaign", fig["campaign"].slug,
                               "--out", str(out), *options])


def test_the_whole_tree_from_the_single_root_by_default(runner, fig, tmp_path):
    out = tmp_path / "report.xlsx"
    result = _export(runner, fig, out)
    assert result.exit_code == 0, result.output
    assert "平安县" in result.output and str(out) in result.output
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["汇总", "每日参与人次", "每日参与人数", "未参与单位"]
    codes = [row[1] for row in workbook["汇总"].iter_rows(min_row=8, values_only=True)]
    assert codes == ["C", "T1", "T1", "V1", "V2", "T2", "T2", "E", "R", "V3"]


def test_a_unit_and_a_period(runner, fig, tmp_path):
    out = tmp_path / "t1.xlsx"
    result = _export(runner, fig, out, "--unit", "T1", "--from", "2026年6月15日",
                     "--to", "2026-06-21")
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["汇总"]
    assert ws["A3"].value == "统计期间：2026-06-15 至 2026-06-21"
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "单位")
    top = dict(zip(rows[header], rows[header + 1], strict=True))
    assert (top["单位编码"], top["参与人数"], top["本期参与人数"], top["本期参与人次"]) == (
        "T1", 4, 1, 1)


def test_csv_is_the_summary_in_utf8_with_a_bom(runner, fig, tmp_path, make_unit):
    make_unit("=HYPERLINK(\"x\")", parent=fig["units"]["C"], code="Z1", headcount=2)
    out = tmp_path / "report.csv"
    result = _export(runner, fig, out)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("单位,单位编码,上级单位,应参与人数,参与人数,参与率,参与人次")
    tree = figure_tree(fig["campaign"], fig["units"]["C"])
    total = tree.total.total
    assert lines[1].startswith(f"平安县,C,,{total.headcount},{total.participants},"
                               f"{total.participation_rate},{total.attempts},")
    assert any(line.startswith("西街社区,V2,城关镇,0,0,—,0,—,—,—,0") for line in lines)
    assert any(line.startswith("\"'=HYPERLINK(\"\"x\"\")\",Z1,") for line in lines)


@pytest.mark.parametrize(("options", "option"), [
    (["--campaign", "nope"], "--campaign"),
    (["--unit", "NOPE"], "--unit"),
    (["--from", "2026-02-30"], "--from"),
    (["--from", "2026-06-20", "--to", "2026-06-10"], "--to"),
])
def test_a_mistake_is_one_line_on_stderr_and_exit_status_2(runner, fig, tmp_path, options,
                                                          option):
    out = tmp_path / "report.xlsx"
    args = ["export-stats", "--campaign", fig["campaign"].slug, "--out", str(out), *options]
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"错误: {option}: "), result.stderr
    assert not out.exists()


def test_a_file_name_of_another_kind_is_refused(runner, fig, tmp_path):
    result = _export(runner, fig, tmp_path / "report.pdf")
    assert result.exit_code == 2
    assert result.stderr.strip() == "错误: --out: 文件名必须以 .xlsx 或 .csv 结尾"


def test_several_top_units_need_one_named(runner, fig, tmp_path, make_unit):
    make_unit("另一县", code="OTHER", kind="county")
    result = _export(runner, fig, tmp_path / "report.xlsx")
    assert result.exit_code == 2
    assert "--unit CODE" in result.stderr
    assert _export(runner, fig, tmp_path / "report.xlsx", "--unit", "OTHER").exit_code == 0


def test_a_file_that_cannot_be_written_is_exit_status_1(runner, fig, tmp_path):
    result = _export(runner, fig, tmp_path / "missing" / "report.xlsx")
    assert result.exit_code == 1
    assert result.stderr.startswith("错误: ")
