"""Sheets from other exam systems: a right/wrong mark per option, numeric type codes explained
in the sheet, one row per option, pictures; and two real systems' templates from ../shared,
filled in as a user would."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from question_bank import QuestionType, parse_bytes, parse_file
from tests.question_bank.test_xlsx import xlsx_bytes

CHINESE_EXCEL = (Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "peer-formats"
                 / "chinese-excel")


def located(result):
    return [(i.row, i.field, i.code) for i in result.issues]


FLAG_HEADER = ["试题类型", "题干", "选项一内容", "选项二内容", "选项三内容", "解析",
               "选项一是否正确", "选项二是否正确", "选项三是否正确"]
LEGEND = "试题类型：1单选题 2多选题 3判断题 4简答题；是否正确填 0 或 1"


def test_numeric_types_follow_the_legend_above_the_header_and_flags_give_the_answer():
    data = xlsx_bytes({"Sheet1": [
        [LEGEND], FLAG_HEADER,
        [1, "火警电话是", "110", "119", "120", "", 0, 1, 0],
        [2, "灭火器使用要点有", "拔销", "对准根部", "站在下风", "", 1, 1, 0],
        [3, "电器着火可用水扑灭", "正确", "错误", None, "先断电", 0, 1, None],
        [4, "谈谈用电安全", "", "", "", "", None, None, None],
    ]})
    result = parse_bytes(data, "bank.xlsx", skip_unsupported=True)
    assert result.ok and result.skipped_unsupported == 1
    assert [(d.type, d.answer) for d in result.drafts] == [
        (QuestionType.single, "B"), (QuestionType.multiple, "AB"), (QuestionType.judge, "B")]
    refused = parse_bytes(data, "bank.xlsx")
    assert located(refused) == [(6, "试题类型", "unsupported_question")]
    assert refused.issues[0].params == {"kind": "简答题"}


def test_numeric_types_without_a_legend_are_unknown():
    data = xlsx_bytes({"Sheet1": [FLAG_HEADER, [1, "火警电话是", "110", "119", "", "", 0, 1, 0]]})
    assert located(parse_bytes(data, "bank.xlsx")) == [(2, "试题类型", "unknown_type")]


def test_a_legend_in_the_type_header_itself_counts():
    header = ["题型（1=单选，2=多选，3=判断）", "题干", "A", "B", "答案"]
    data = xlsx_bytes({"Sheet1": [header, [3, "可以用湿手拔插头", "", "", "错"]]})
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok and result.drafts[0].type is QuestionType.judge


@pytest.mark.parametrize("flags, expected", [
    ([0, 1, "也许"], [(2, "选项三是否正确", "flag_unrecognised")]),
    ([0, 0, 0], [(2, "选项一是否正确", "no_option_marked_right")]),
    (["否", "是", ""], []),
    (["×", "√", None], []),
])
def test_flags_are_read_or_reported_on_their_column(flags, expected):
    data = xlsx_bytes({"Sheet1": [[LEGEND], FLAG_HEADER,
                                  [1, "火警电话是", "110", "119", "120", "", *flags]]})
    rows = [(row + 1 if row else row, field, code) for row, field, code in expected]
    assert located(parse_bytes(data, "bank.xlsx")) == rows


def test_a_filled_picture_cell_is_reported_not_dropped():
    header = ["题型", "题干", "A", "B", "答案", "题干图片"]
    data = xlsx_bytes({"Sheet1": [header, ["单选", "看图", "甲", "乙", "A", "https://x/1.jpg"],
                                  ["单选", "不看图", "甲", "乙", "A", ""]]})
    result = parse_bytes(data, "bank.xlsx")
    assert located(result) == [(2, "题干图片", "picture_not_imported")]


OPTION_ROWS_HEADER = ["题号", "题型", "题干", "选项", "是否正确", "解析", "分类"]


def test_one_row_per_option_builds_each_question_from_its_rows():
    data = xlsx_bytes({"导出": [
        OPTION_ROWS_HEADER,
        [1, "单选", "火警电话是", "110", "否", "119 报火警", "消防"],
        [1, None, None, "119", "是", None, None],
        [1, None, None, "120", "否", None, None],
        [2, "多选", "灭火器使用要点有", "拔掉保险销", "√", None, "消防"],
        [2, None, None, "对准火焰根部", "√", None, None],
        [2, None, None, "站在下风口", "×", None, None],
        [3, "判断", "电器着火可以用水扑灭", "正确", 0, "先断电", "用电"],
        [3, None, None, "错误", 1, None, None],
    ]})
    result = parse_bytes(data, "export.xlsx")
    assert result.ok, result.issues
    single, multiple, judge = result.drafts
    assert (single.options, single.answer, single.row) == (("110", "119", "120"), "B", 2)
    assert single.explanation == "119 报火警" and single.category == "消防"
    assert (multiple.type, multiple.answer, multiple.row) == (QuestionType.multiple, "AB", 5)
    assert (judge.type, judge.answer) == (QuestionType.judge, "B")


def test_one_row_per_option_errors_name_the_row():
    data = xlsx_bytes({"导出": [
        OPTION_ROWS_HEADER,
        [None, None, None, "孤立的选项", "是", None, None],
        [1, "单选", "火警电话是", "110", "否", None, None],
        [1, None, None, "119", "也许", None, None],
        [2, "单选", "急救电话是", "120", "否", None, None],
        [2, None, None, "110", "否", None, None],
        [3, "多选", "", "甲", "是", None, None],
        [3, None, None, "乙", "是", None, None],
    ]})
    assert located(parse_bytes(data, "export.xlsx")) == [
        (2, "题号", "option_row_before_question"),
        (4, "是否正确", "flag_unrecognised"),
        (5, "是否正确", "no_option_marked_right"),
        (7, "题干", "missing_stem"),
    ]


def test_one_row_per_option_without_a_number_column_starts_a_question_at_each_stem():
    header = ["题型", "题干", "选项内容", "是否正确答案"]
    data = xlsx_bytes({"Sheet1": [header, ["单选", "火警电话是", "110", 0], [None, None, "119", 1],
                                  ["单选", "急救电话是", "120", 1], [None, None, "110", 0]]})
    result = parse_bytes(data, "export.xlsx")
    assert result.ok and [d.answer for d in result.drafts] == ["B", "A"]


# --- two real systems' templates, from ../shared -------------------------------------------

def template(name: str) -> openpyxl.Workbook:
    path = CHINESE_EXCEL / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared fixtures are outside the repository)")
    return openpyxl.load_workbook(path)


def saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_examstack_template_filled_in_imports_as_its_user_expects():
    workbook = template("examstack_question.xlsx")
    sheet = workbook.active
    sheet.delete_rows(2, sheet.max_row)
    columns = [cell.value for cell in sheet[1]]

    def row(**values):
        sheet.append([values.get(name) for name in columns])

    row(题目="发现火灾应拨打的电话是", 类型="单选题", 答案="B", 解析="火警电话 119",
        选项A="110", 选项B="119", 选项C="120", 难度=1, 所属知识点="消防")
    row(题目="使用灭火器的正确做法有", 类型="多选题", 答案="A,B", 选项A="拔掉保险销",
        选项B="对准火焰根部", 选项C="站在下风口", 所属知识点="消防")
    row(题目="电器着火可以直接用水扑灭", 类型="判断题", 答案="错", 解析="先断电")
    row(题目="安全生产月是每年的___月", 类型="填空题", 答案="6")
    result = parse_bytes(saved(workbook), "question.xlsx", skip_unsupported=True)
    assert result.ok and result.skipped_unsupported == 1
    single, multiple, judge = result.drafts
    assert (single.type, single.answer, single.category, single.difficulty) == (
        QuestionType.single, "B", "消防", 1)
    assert (multiple.answer, judge.answer, judge.explanation) == ("AB", "B", "先断电")


def test_examstack_template_as_shipped_holds_only_a_kind_we_cannot_ask():
    path = CHINESE_EXCEL / "examstack_question.xlsx"
    template("examstack_question.xlsx")
    result = parse_file(path)
    assert located(result) == [(2, "类型", "unsupported_question")]
    assert result.issues[0].params == {"kind": "填空题"}


def test_alanosy_template_filled_in_imports_as_its_user_expects():
    workbook = template("alanosy_ImportQuestionTemplate.xlsx")
    sheet = workbook.active
    sheet.delete_rows(3, sheet.max_row)  # the instructions (row 1) and the header stay
    columns = [cell.value for cell in sheet[2]]

    def row(**values):
        sheet.append([values.get(name) for name in columns])

    row(试题类型=1, 题干="发现火灾应拨打的电话是", 选项一内容="110", 选项二内容="119",
        选项三内容="120", 解析="火警电话 119", 选项一是否正确=0, 选项二是否正确=1, 选项三是否正确=0)
    row(试题类型=2, 题干="使用灭火器的正确做法有", 选项一内容="拔掉保险销",
        选项二内容="对准火焰根部", 选项三内容="站在下风口", 选项一是否正确=1,
        选项二是否正确=1, 选项三是否正确=0)
    row(试题类型=3, 题干="电器着火可以直接用水扑灭", 选项一内容="正确", 选项二内容="错误",
        选项一是否正确=0, 选项二是否正确=1)
    row(试题类型=4, 题干="谈谈你单位的安全生产责任制", 选项一内容="参考答案……")
    result = parse_bytes(saved(workbook), "ImportQuestionTemplate.xlsx", skip_unsupported=True)
    assert result.ok and result.skipped_unsupported == 1, result.issues
    assert [(d.type, d.answer, d.row) for d in result.drafts] == [
        (QuestionType.single, "B", 3), (QuestionType.multiple, "AB", 4),
        (QuestionType.judge, "B", 5)]


def test_alanosy_template_as_shipped_is_refused_row_by_row():
    template("alanosy_ImportQuestionTemplate.xlsx")
    result = parse_file(CHINESE_EXCEL / "alanosy_ImportQuestionTemplate.xlsx")
    assert not result.ok and not result.drafts
    rows = sorted({issue.row for issue in result.issues})
    assert rows == [3, 4, 5, 6, 7, 8, 9, 10]  # its examples do not line up with its header
    assert (3, "题干图片", "picture_not_imported") in located(result)
    assert all(issue.sheet == "Sheet1" and issue.field for issue in result.issues)
