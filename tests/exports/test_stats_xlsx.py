"""The pure writers: sheets of plain rows to .xlsx (streamed, printable) and to CSV."""

from __future__ import annotations

import io
import tempfile

from openpyxl import load_workbook

from bench import report as report_bench
from quiz.exports.stats_csv import write_csv
from quiz.exports.stats_xlsx import PAPER_A4, write_xlsx
from quiz.exports.tables import AVERAGE, COUNT, RATE, TEXT, Column, Row, Sheet, neutralise

COLUMNS = [Column("单位", TEXT, 20), Column("编码", TEXT), Column("人数", COUNT),
           Column("参与率", RATE), Column("平均分", AVERAGE)]


def _sheet(rows=None, **options):
    rows = rows if rows is not None else [
        Row(["平安县", "C", 1234, 0.15, 72.25], 0, True),
        Row(["城关镇", "T1", 0, None, None], 1),
        Row(["=1+1", "@SUM", 5, 1.0, 80.0], 2),
        Row(["+86", "-x\t", 1, 0.5, None], 2),
        Row(["bell\x07", None, 2, 0.25, 1.0], 1),
    ]
    return Sheet("汇总", COLUMNS, rows, ["某某统计表", "统计期间：2026-06-15 至 2026-06-21"],
                 footer="第 &P 页，共 &N 页", **options)


def _open(sheets):
    with write_xlsx(sheets) as file:
        return load_workbook(file)


def test_figures_are_numbers_with_formats_and_missing_ones_a_dash():
    ws = _open([_sheet()])["汇总"]
    header = _sheet().header_row
    assert header == 4
    assert [c.value for c in ws[header]] == ["单位", "编码", "人数", "参与率", "平均分"]
    first = ws[header + 1]
    assert [c.value for c in first] == ["平安县", "C", 1234, 0.15, 72.25]
    assert [c.number_format for c in first[2:]] == ["#,##0", "0.0%", "0.0"]
    assert [c.value for c in ws[header + 2]] == ["城关镇", "T1", 0, "—", "—"]
    assert ws.cell(header + 5, 2).value is None  # no text is no text, not a dash


def test_the_title_block_then_the_header():
    ws = _open([_sheet()])["汇总"]
    assert ws["A1"].value == "某某统计表" and ws["A1"].font.bold
    assert ws["A2"].value == "统计期间：2026-06-15 至 2026-06-21"
    assert ws["A3"].value is None
    assert ws["A4"].font.bold and ws["A4"].fill.fgColor.rgb.endswith("DDEBF7")


def test_names_are_indented_by_level_and_subtotals_bold():
    ws = _open([_sheet()])["汇总"]
    assert [ws.cell(row, 1).alignment.indent for row in range(5, 10)] == [0, 1, 2, 2, 1]
    assert [ws.cell(row, 1).font.bold for row in range(5, 10)] == [True, False, False, False,
                                                                   False]
    assert ws.cell(5, 3).font.bold  # the whole row


def test_text_that_looks_like_a_formula_stays_text():
    ws = _open([_sheet()])["汇总"]
    for row, column, text in ((7, 1, "=1+1"), (7, 2, "@SUM"), (8, 1, "+86"), (8, 2, "-x\t")):
        cell = ws.cell(row, column)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert ws.cell(5, 1).quotePrefix is False
    assert ws.cell(9, 1).value == "bell"  # a character no workbook can hold is dropped


def test_print_set_up_and_frozen_header():
    ws = _open([_sheet()])["汇总"]
    assert ws.freeze_panes == "B5"
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == PAPER_A4 == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (int(ws.page_setup.fitToWidth), int(ws.page_setup.fitToHeight)) == (1, 0)
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert ws.column_dimensions["A"].width == 20
    assert ws.column_dimensions["E"].width == 8  # from its header: 平均分 is 6 wide, + 2


def test_a_sheet_without_a_title_starts_with_its_header():
    sheet = Sheet("x", COLUMNS, [Row(["a", "b", 1, 0.1, 1.0])])
    ws = _open([sheet])["x"]
    assert sheet.header_row == 1 and ws["A1"].value == "单位" and ws.freeze_panes == "B2"


def test_the_workbook_goes_into_a_file_given():
    with tempfile.TemporaryFile() as file:
        assert write_xlsx([_sheet()], file) is file
        assert file.tell() == 0
        assert load_workbook(file)["汇总"]["A1"].value == "某某统计表"


def test_csv_is_utf8_with_a_bom_header_and_rows_only_neutralised():
    buffer = io.BytesIO()
    write_csv(_sheet(), buffer)
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "单位,编码,人数,参与率,平均分"
    assert lines[1] == "平安县,C,1234,0.15,72.25"
    assert lines[2] == "城关镇,T1,0,—,—"
    assert lines[3] == "'=1+1,'@SUM,5,1.0,80.0"
    assert lines[4] == "'+86,'-x\t,1,0.5,—"
    assert not buffer.closed


def test_neutralise_puts_a_quote_before_what_could_run():
    assert [neutralise(t) for t in ("=A1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "")] == [
        "'=A1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", ""]


def test_memory_stays_flat_for_ten_times_the_units():
    """5,000 units × 30 days take no more memory than 500: rows go to disk as they come.
    (Each in a fresh process, by its max RSS; bench/report.py also gives tracemalloc's peak,
    too slow under tracing for a unit test.)"""
    small = report_bench.measure(500, days=30, daily_sheets=1)
    large = report_bench.measure(5000, days=30, daily_sheets=1)
    assert large["bytes"] > 5 * small["bytes"]  # ten times the rows were written
    assert large["rss_growth"] < small["rss_growth"] + 4 * 1024 * 1024, (small, large)
