"""Sheets with one row per option (other exam systems' exports): how a question is put
together from its rows, what its rows may repeat, and every problem on its own row."""

from __future__ import annotations

import pytest

from question_bank import QuestionType, parse_bytes, template
from tests.question_bank.test_xlsx import xlsx_bytes

HEADER = ["题号", "题型", "题干", "选项", "是否正确", "解析"]


def read(rows, sheet="导出", **options):
    return parse_bytes(xlsx_bytes({sheet: [HEADER, *rows]}), "export.xlsx", **options)


def located(result):
    return [(i.row, i.field, i.code) for i in result.issues]


def test_fields_repeated_on_every_row_of_a_question_are_read_once():
    result = read([
        [1, "单选", "火警电话是", "110", "否", "119"],
        [1, "单选", "火警电话是", "119", "是", "119"],
        [1, "单选", "火警电话是", "120", "否", "119"],
    ])
    assert result.ok, result.issues
    (draft,) = result.drafts
    assert (draft.options, draft.answer, draft.explanation, draft.row) == (
        ("110", "119", "120"), "B", "119", 2)


def test_blank_numbers_continue_the_question_and_later_rows_may_fill_in_its_fields():
    result = read([
        [7, "多选", "灭火器使用要点有", "拔掉保险销", "√", None],
        [None, None, None, "对准火焰根部", "√", None],
        [None, None, None, "站在下风口", "×", "应站在上风口"],
        [8.0, "判断", "湿手可以触摸开关", "对", 0, None],
        [8.0, None, None, "错", 1, None],
    ])
    assert result.ok, result.issues
    multiple, judge = result.drafts
    assert (multiple.type, multiple.answer, multiple.explanation) == (
        QuestionType.multiple, "AB", "应站在上风口")
    assert (judge.type, judge.options, judge.answer, judge.row) == (
        QuestionType.judge, ("正确", "错误"), "B", 5)


@pytest.mark.parametrize("right, wrong", [("正确", "错误"), ("是", "否"), (1, 0), ("√", "×"),
                                          ("对", "错"), ("Y", "N"), ("是", None), (True, False)])
def test_right_and_wrong_marks_in_the_spellings_people_use(right, wrong):
    result = read([[1, "单选", "火警电话是", "110", wrong, None],
                   [1, None, None, "119", right, None]])
    assert result.ok and result.drafts[0].answer == "B"


def test_choice_rules_are_checked_on_the_questions_first_row():
    result = read([
        [1, "单选", "火警电话是", "110", "是", None],
        [1, None, None, "119", "是", None],
        [2, "多选", "灭火器使用要点有", "拔掉保险销", "是", None],
        [2, None, None, "站在下风口", "否", None],
        [3, "单选", "只有一个选项", "119", "是", None],
        *[[4, "单选" if i == 0 else None, "选项太多" if i == 0 else None, f"选项{i}",
           "是" if i == 0 else "否", None] for i in range(7)],
    ])
    assert located(result) == [
        (2, "是否正确", "single_with_several_answers"),
        (4, "是否正确", "multiple_needs_two_answers"),
        (6, "选项", "too_few_options"),
        (7, "选项", "too_many_options"),
    ]


def test_a_judge_question_needs_right_and_wrong_as_its_options():
    result = read([[1, "判断", "湿手可以触摸开关", "可以", "否", None],
                   [1, None, None, "不可以", "是", None]])
    assert located(result) == [(2, "选项", "judge_options_unrecognised")]


def test_a_question_without_a_number_on_its_first_row_is_an_orphan_option_row():
    result = read([[None, "单选", "火警电话是", "110", "否", None],
                   [1, "单选", "急救电话是", "120", "是", None],
                   [1, None, None, "110", "否", None]])
    assert located(result) == [(2, "题号", "option_row_before_question")]
    assert [d.stem for d in result.drafts] == ["急救电话是"]


def test_kinds_we_cannot_ask_are_reported_once_on_the_first_row_or_skipped():
    rows = [[1, "简答题", "谈谈用电安全", "参考答案……", None, None],
            [2, "单选", "火警电话是", "110", "否", None],
            [2, None, None, "119", "是", None]]
    assert located(read(rows)) == [(2, "题型", "unsupported_question")]
    skipped = read(rows, skip_unsupported=True)
    assert skipped.ok and skipped.skipped_unsupported == 1 and len(skipped.drafts) == 1


def test_numeric_types_follow_a_legend_above_an_option_rows_header():
    data = xlsx_bytes({"导出": [["题型：1单选 2多选 3判断"], HEADER,
                                [1, 3, "湿手可以触摸开关", "正确", 0, None],
                                [1, None, None, "错误", 1, None],
                                [2, 1, "火警电话是", "119", 1, None],
                                [2, None, None, "110", 0, None]]})
    result = parse_bytes(data, "export.xlsx")
    assert result.ok, result.issues
    assert [(d.type, d.answer, d.row) for d in result.drafts] == [
        (QuestionType.judge, "B", 3), (QuestionType.single, "A", 5)]


def test_a_filled_picture_cell_is_reported_on_its_own_row():
    header = [*HEADER, "选项图片"]
    data = xlsx_bytes({"导出": [header, [1, "单选", "看图选", "甲", 1, None, None],
                                [1, None, None, "乙", 0, None, "https://x/2.png"]]})
    assert located(parse_bytes(data, "export.xlsx")) == [(3, "选项图片", "picture_not_imported")]


def test_english_headers_are_recognised():
    header = ["Question No", "Type", "Question", "Option", "Is Correct", "Explanation"]
    data = xlsx_bytes({"Export": [header, [1, "single choice", "Fire number?", "110", "N", ""],
                                  [1, None, None, "119", "Y", None]]})
    result = parse_bytes(data, "export.xlsx")
    assert result.ok and result.drafts[0].answer == "B"


def test_each_sheet_is_read_in_its_own_layout_and_duplicates_span_them():
    data = xlsx_bytes({
        "模板": [["题型", "题干", "选项A", "选项B", "答案"],
                 ["单选", "火警电话是", "110", "119", "B"]],
        "导出": [HEADER, [1, "单选", "火警电话是", "110", "否", None],
                 [1, None, None, "119", "是", None],
                 [2, "判断", "湿手可以触摸开关", "正确", 0, None],
                 [2, None, None, "错误", 1, None]],
    })
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok and [d.sheet for d in result.drafts] == ["模板", "导出"]
    assert located(result) == [(2, None, "duplicate_in_other_sheet")]
    assert result.skipped_duplicates == 1


def test_a_csv_file_in_option_rows_is_read_the_same_way():
    text = ("题号,题型,题干,选项,是否正确\n1,单选,火警电话是,110,0\n1,,,119,1\n"
            "2,多选,灭火器使用要点有,拔掉保险销,1\n2,,,对准火焰根部,1\n2,,,站在下风口,0\n")
    result = parse_bytes(text.encode("utf-8"), "export.csv")
    assert result.ok and result.format == "csv"
    assert [(d.answer, d.row) for d in result.drafts] == [("B", 2), ("AB", 4)]


def test_the_row_limit_counts_option_rows(monkeypatch):
    monkeypatch.setattr(template, "MAX_ROWS", 3)
    result = read([[1, "单选", "火警电话是", "110", 0, None], [1, None, None, "119", 1, None],
                   [2, "单选", "急救电话是", "120", 1, None], [2, None, None, "110", 0, None]])
    assert located(result) == [(5, None, "too_many_rows")]


def test_progress_counts_rows_every_500_whatever_the_question_boundaries():
    calls = []
    rows = [row for i in range(700) for row in (
        [i, "单选", f"第{i}题", "甲", 1, None], [i, None, None, "乙", 0, None],
        [i, None, None, "丙", 0, None])]
    result = read(rows, progress=lambda done, total: calls.append(done))
    assert len(result.drafts) == 700 and calls == [500, 1000, 1500, 2000]
