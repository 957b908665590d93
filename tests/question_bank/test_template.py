"""Our template, read from CSV and .xlsx: spellings accepted, mistakes located."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from question_bank import QuestionType, parse_bytes, parse_file
from question_bank.model import MAX_FILE_BYTES

HEADER = "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度"
REAL_BANK = Path(__file__).resolve().parents[3] / "shared/fixtures/real-banks/safety_questions.csv"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *rows]).encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_issue(result):
    assert len(result.issues) == 1, [(i.code, i.where) for i in result.issues]
    return result.issues[0]


def test_a_good_csv_row_becomes_a_draft():
    row = "单选,火警电话是（ ）。,110,119,120,122,B,拨打119。,消防安全,易"
    result = parse_bytes(csv_bytes(row), "bank.csv")
    assert result.ok and result.format == "csv"
    [draft] = result.drafts
    assert (draft.type, draft.stem, draft.options, draft.answer, draft.category,
            draft.difficulty, draft.row) == (QuestionType.single, "火警电话是（ ）。",
                                             ("110", "119", "120", "122"), "B", "消防安全", 1, 2)


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                           ("gb18030", b"")])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_encodings_and_delimiters_are_detected(encoding, bom, delimiter):
    row = delimiter.join(["多选", "灭火器的使用步骤包括", "提", "拔", "握", "压", "A、B、C、D", "",
                          "", ""])
    data = bom + csv_bytes(row, header=HEADER.replace(",", delimiter), encoding=encoding)
    result = parse_bytes(data, "bank.csv")
    assert result.ok, [i.message for i in result.issues]
    assert result.drafts[0].answer == "ABCD" and result.drafts[0].stem == "灭火器的使用步骤包括"


@pytest.mark.parametrize("written, expected", [
    ("a,c", "AC"), ("Ａ、Ｃ", "AC"), ("A C", "AC"), ("CA", "AC"), ("A;C", "AC"), ("AAC", "AC"),
])
def test_multiple_choice_answer_spellings(written, expected):
    result = parse_bytes(csv_bytes(f'多选,题,甲,乙,丙,丁,"{written}",,,'), "b.csv")
    assert result.drafts[0].answer == expected


@pytest.mark.parametrize("written, expected", [
    ("对", "A"), ("错", "B"), ("正确", "A"), ("错误", "B"), ("√", "A"), ("×", "B"), ("✓", "A"),
    ("✗", "B"), ("T", "A"), ("f", "B"), ("TRUE", "A"), ("false", "B"), ("是", "A"), ("否", "B"),
    ("Y", "A"), ("N", "B"), ("A", "A"), ("B", "B"),
])
def test_true_false_answer_spellings(written, expected):
    result = parse_bytes(csv_bytes(f"判断,燃气泄漏时要开灯检查,,,,,{written},,,"), "b.csv")
    [draft] = result.drafts
    assert (draft.type, draft.options, draft.answer) == (QuestionType.judge, ("正确", "错误"),
                                                         expected)


@pytest.mark.parametrize("row, code, field", [
    ("单选,,甲,乙,,,A,,,", "missing_stem", "题干"),
    ("单选,题,甲,,,,A,,,", "too_few_options", "选项A"),
    ("单选,题,甲,乙,,丁,A,,,", "option_gap", "选项C"),
    ("单选,题,甲,乙,丙,丁,E,,,", "answer_not_an_option", "答案"),
    ("单选,题,甲,乙,丙,丁,AB,,,", "single_with_several_answers", "答案"),
    ("多选,题,甲,乙,丙,丁,B,,,", "multiple_needs_two_answers", "答案"),
    ("判断,题,,,,,也许,,,", "judge_answer_unrecognised", "答案"),
    ("填空,题,,,,,A,,,", "unknown_type", "题型"),
    ("单选,题,甲,乙,,,,,,", "missing_answer", "答案"),
    ("单选,题,甲,乙,,,A,,,很难很难", "difficulty_unrecognised", "难度"),
    (f"单选,{'长' * 1001},甲,乙,,,A,,,", "stem_too_long", "题干"),
])
def test_each_mistake_is_reported_with_its_row_and_column(row, code, field):
    result = parse_bytes(csv_bytes("单选,好题,甲,乙,,,A,,,", row), "b.csv")
    issue = only_issue(result)
    assert (issue.code, issue.row, issue.field) == (code, 3, field)
    assert not result.ok and issue.message


def test_every_error_is_listed_not_only_the_first():
    result = parse_bytes(csv_bytes("单选,,甲,乙,,,A,,,", "多选,题,甲,乙,,,A,,,",
                                   "单选,好题,甲,乙,,,A,,,"), "b.csv")
    assert [(i.code, i.row) for i in result.errors] == [("missing_stem", 2),
                                                        ("multiple_needs_two_answers", 3)]
    assert len(result.drafts) == 1


def test_the_same_question_twice_is_skipped_and_counted():
    rows = ("单选,火警电话是,110,119,,,B,,,", "单选,火警电话是 ,110,119,,,B,,,",
            "单选,火警电话是,110,119,,,B,,,")
    result = parse_bytes(csv_bytes(*rows), "b.csv")
    assert result.ok and len(result.drafts) == 1 and result.skipped_duplicates == 2
    assert result.warnings[0].params == {"first_row": 2}


def test_html_in_a_stem_is_kept_as_text():
    result = parse_bytes(csv_bytes("单选,<b>粗体</b> & 题,甲,乙,,,A,,,"), "b.csv")
    assert result.drafts[0].stem == "<b>粗体</b> & 题"


def test_english_headers_in_any_order_below_an_instruction_row():
    data = xlsx_bytes({"Sheet1": [
        ["Fill in one question per row"],
        ["answer", "stem", "type", "A", "B", "C", "difficulty"],
        ["c", "Which number reports a fire?", "single", "110", "120", "119", "hard"],
        [None, None, None, None, None, None, None],
    ]})
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok and result.format == "xlsx"
    [draft] = result.drafts
    assert (draft.answer, draft.difficulty, draft.row, draft.sheet) == ("C", 3, 3, "Sheet1")


def test_sheet_names_give_the_type_and_cells_are_read_as_shown():
    data = xlsx_bytes({
        "说明": [["本模板每行一题"]],
        "单选题": [["题干", "选项A", "选项B", "答案"],
                   ["《安全生产法》修正于哪一年？", 2021, 2014.0, "A"],
                   ["哪天是咨询日？", dt.date(2026, 6, 16), dt.datetime(2026, 6, 1, 9, 30), "a"]],
        "判断题": [["题干", "答案"], ["雷雨天可在大树下避雨", "×"]],
    })
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok, [(i.code, i.where) for i in result.issues]
    single, date_row, judge = result.drafts
    assert single.options == ("2021", "2014") and single.type == QuestionType.single
    assert date_row.options == ("2026-06-16", "2026-06-01 09:30")
    assert (judge.type, judge.answer, judge.sheet) == (QuestionType.judge, "B", "判断题")


def test_a_type_column_that_contradicts_the_sheet_is_an_error():
    data = xlsx_bytes({"多选题": [["题型", "题干", "A", "B", "C", "答案"],
                                 ["单选", "题", "甲", "乙", "丙", "AB"]]})
    issue = only_issue(parse_bytes(data, "b.xlsx"))
    assert (issue.code, issue.sheet, issue.row, issue.field) == (
        "type_conflicts_with_sheet", "多选题", 2, "题型")


@pytest.mark.parametrize("data, name, code", [
    (b"", "bank.xlsx", "empty_file"),
    (b"just some text, not a workbook", "bank.xlsx", "not_a_spreadsheet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "bank.xlsx", "encrypted_file"),
    (b"PK\x03\x04broken", "bank.xlsx", "not_a_spreadsheet"),
    (b"\xff\xfe\x00\x00binary\x00", "bank.csv", "not_a_spreadsheet"),
    ("名字,年龄\n张三,30".encode(), "bank.csv", "missing_header"),
    (HEADER.encode(), "bank.csv", "empty_file"),
    (b"\x81\x30\x81", "bank.csv", "bad_encoding"),
])
def test_files_that_are_not_banks_are_refused_clearly(data, name, code):
    assert only_issue(parse_bytes(data, name)).code == code


def test_a_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    assert only_issue(parse_bytes(buffer.getvalue(), "bomb.xlsx")).code == "zip_bomb"


def test_an_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert only_issue(parse_file(path)).code == "file_too_large"


@pytest.mark.skipif(not REAL_BANK.exists(), reason="../shared/fixtures not present")
def test_real_contest_questions_read_with_their_published_counts():
    result = parse_file(REAL_BANK)
    assert result.ok, [(i.code, i.where) for i in result.errors[:5]]
    counts = {t: sum(d.type == t for d in result.drafts) for t in QuestionType}
    assert counts == {QuestionType.single: 145, QuestionType.multiple: 53,
                      QuestionType.judge: 141}
