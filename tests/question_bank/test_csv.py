"""Our template read from CSV: encodings, delimiters, headers, every row check with its place."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from question_bank import QuestionType, parse_bytes, parse_file
from question_bank.model import MAX_ROWS, MESSAGES

HEADER = "题型,题干,选项A,选项B,选项C,选项D,答案,解析,分类,难度"
GOOD = "单选,好题,甲,乙,,,A,,,"
REAL_BANK = Path("/work/shared/fixtures/real-banks/safety_questions.csv")


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    """A CSV file: the header line, then the rows (already delimited)."""
    return "\n".join([header, *rows]).encode(encoding)


def only_issue(result):
    assert len(result.issues) == 1, [(i.code, i.where) for i in result.issues]
    return result.issues[0]


def test_a_good_row_becomes_a_draft_with_every_field():
    row = "单选,火警电话是（ ）。,110,119,120,122,b,拨打119。,消防安全,易"
    result = parse_bytes(csv_bytes(row), "bank.csv")
    assert result.ok and result.format == "csv" and not result.issues
    [draft] = result.drafts
    assert draft == type(draft)(
        type=QuestionType.single, stem="火警电话是（ ）。", options=("110", "119", "120", "122"),
        answer="B", explanation="拨打119。", category="消防安全", difficulty=1, sheet=None, row=2)


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b""), ("gbk", b""),
])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_encodings_and_delimiters_are_detected(encoding, bom, delimiter):
    row = delimiter.join(["多选", "灭火器的使用步骤包括", "提", "拔", "握", "压", "A、B、C、D",
                          "", "", ""])
    data = bom + csv_bytes(row, header=HEADER.replace(",", delimiter), encoding=encoding)
    result = parse_bytes(data, "bank.csv")
    assert result.ok, [i.message for i in result.issues]
    assert (result.drafts[0].answer, result.drafts[0].stem) == ("ABCD", "灭火器的使用步骤包括")


def test_semicolon_file_with_commas_inside_cells_is_split_on_semicolons():
    header = HEADER.replace(",", ";")
    data = csv_bytes("多选;下列说法，正确的是;甲，一;乙;丙;丁;A,B;;;", header=header)
    result = parse_bytes(data, "bank.csv")
    assert result.ok and result.drafts[0].options[0] == "甲，一"


def test_undecodable_bytes_are_a_bad_encoding():
    data = csv_bytes(GOOD).replace("好题".encode(), b"\x81\x30\xff")
    assert only_issue(parse_bytes(data, "b.csv")).code == "bad_encoding"


def test_quoted_fields_with_newlines_and_delimiters_and_row_numbers_are_start_lines():
    rows = ['单选,"第一行\n第二行, 同一题",甲,乙,,,A,"解析一\n\n解析二",,',
            "单选,下一题,甲,乙,,,B,,,"]
    result = parse_bytes(csv_bytes(*rows), "b.csv")
    first, second = result.drafts
    assert first.stem == "第一行 第二行, 同一题" and first.explanation == "解析一\n\n解析二"
    assert (first.row, second.row) == (2, 6)  # the first record spans lines 2-5


def test_issues_in_a_row_after_a_multiline_record_name_its_first_line():
    rows = ['单选,"两行\n的题",甲,乙,,,A,,,', "单选,,甲,乙,,,A,,,"]
    assert only_issue(parse_bytes(csv_bytes(*rows), "b.csv")).row == 4


def test_text_is_stripped_at_the_ends_and_stems_collapsed_html_kept():
    row = "单选,\u3000<b>粗体</b>  &amp;\xa0题 \u3000,\xa0甲 ,乙,,,A,\u3000行一\n行二 ,\u3000消防 ,"
    result = parse_bytes(csv_bytes(f'"{row}"'.replace(",", '","')), "b.csv")
    [draft] = result.drafts
    assert draft.stem == "<b>粗体</b> &amp; 题" and draft.options == ("甲", "乙")
    assert draft.explanation == "行一\n行二" and draft.category == "消防"


def test_headers_after_instruction_rows_in_any_order_and_extra_columns_ignored():
    data = "\n".join([
        "请按模板填写,,,,", ",,,,", "说明：每行一题,,,,",
        "备注,难度,答案,题干,选项B,选项A,题型,出处",
        "自拟,难,A,电气火灾先做什么,报警,断电,单选,某规程",
    ]).encode()
    result = parse_bytes(data, "b.csv")
    assert result.ok
    [draft] = result.drafts
    assert (draft.options, draft.answer, draft.difficulty, draft.row) == (
        ("断电", "报警"), "A", 3, 5)


@pytest.mark.parametrize("header", [
    "type,stem,A,B,answer,explanation,category,difficulty",
    "TYPE,Question,Option A,OptionB,Answer,Explanation,Category,Difficulty",
    "题目类型,题目,选项A,选项B,正确答案,答案解析,知识点,难度",
    "试题类型,试题内容,A选项,B选项,参考答案,试题解析,类别,难度",
])
def test_header_aliases_are_accepted(header):
    result = parse_bytes(csv_bytes("single,题,甲,乙,B,解析,消防,hard", header=header), "b.csv")
    assert result.ok, [i.message for i in result.issues]
    draft = result.drafts[0]
    assert (draft.answer, draft.explanation, draft.category, draft.difficulty) == (
        "B", "解析", "消防", 3)


def test_a_header_found_after_ten_text_rows_is_not_looked_for():
    data = "\n".join([f"说明{n}" for n in range(10)] + [HEADER, GOOD]).encode()
    issue = only_issue(parse_bytes(data, "b.csv"))
    assert issue.code == "missing_header" and "题干" in issue.message


def test_a_header_without_a_type_column_is_refused_with_its_row():
    data = csv_bytes("好题,甲,乙,A", header="题干,选项A,选项B,答案")
    issue = only_issue(parse_bytes(data, "b.csv"))
    assert (issue.code, issue.row) == ("missing_type_column", 1)


def location_of(row: str):
    result = parse_bytes(csv_bytes(GOOD, row), "b.csv")
    assert not result.ok and len(result.drafts) == 1
    return [(i.code, i.row, i.field) for i in result.issues]


@pytest.mark.parametrize("row, code, field", [
    ("单选,,甲,乙,,,A,,,", "missing_stem", "题干"),
    (f"单选,{'长' * 1001},甲,乙,,,A,,,", "stem_too_long", "题干"),
    (",题,甲,乙,,,A,,,", "missing_type", "题型"),
    ("看图,题,甲,乙,,,A,,,", "unknown_type", "题型"),
    ("单选,题,甲,,,,A,,,", "too_few_options", "选项A"),
    ("单选,题,甲,乙,,丁,A,,,", "option_gap", "选项C"),
    (f"单选,题,甲,{'长' * 501},,,A,,,", "option_too_long", "选项B"),
    ("单选,题,甲,乙,,,,,,", "missing_answer", "答案"),
    ("单选,题,甲,乙,,,甲,,,", "answer_unreadable", "答案"),
    ("单选,题,甲,乙,丙,丁,E,,,", "answer_not_an_option", "答案"),
    ("单选,题,甲,乙,丙,丁,AB,,,", "single_with_several_answers", "答案"),
    ("多选,题,甲,乙,丙,丁,B,,,", "multiple_needs_two_answers", "答案"),
    ("判断,题,,,,,也许,,,", "judge_answer_unrecognised", "答案"),
    ("判断,题,,,,,,,,", "missing_answer", "答案"),
    ("判断,题,甲,乙,,,A,,,", "judge_options_unrecognised", "选项A"),
    ("单选,题,甲,乙,,,A,,,很难很难", "difficulty_unrecognised", "难度"),
])
def test_each_mistake_is_reported_with_its_row_and_column(row, code, field):
    assert location_of(row) == [(code, 3, field)]


def test_answer_naming_a_missing_option_quotes_the_letter_and_the_range():
    issue = location_of("单选,题,甲,乙,丙,丁,e,,,")
    result = parse_bytes(csv_bytes("单选,题,甲,乙,丙,丁,e,,,"), "b.csv")
    assert issue == [("answer_not_an_option", 3, "答案")]
    assert result.errors[0].message == (
        "Answer 'E' names an option that does not exist (options A–D).")
    assert result.errors[0].params["letters"] == "E"


def test_an_unknown_type_is_quoted_in_the_message():
    result = parse_bytes(csv_bytes("看图题,题,甲,乙,,,A,,,"), "b.csv")
    assert "'看图题'" in result.errors[0].message and result.errors[0].params == {"value": "看图题"}


def test_more_than_six_options_is_an_error():
    header = "题型,题干,选项A,选项B,选项C,选项D,选项E,选项F,选项G,答案"
    result = parse_bytes(csv_bytes("单选,题,1,2,3,4,5,6,7,A", header=header), "b.csv")
    issue = only_issue(result)
    assert (issue.code, issue.row, issue.field, issue.params["count"]) == (
        "too_many_options", 2, "选项G", 7)


def test_six_options_and_an_answer_f_are_fine():
    header = "题型,题干,A,B,C,D,E,F,答案"
    result = parse_bytes(csv_bytes("多选,题,1,2,3,4,5,6,\"A,F\"", header=header), "b.csv")
    assert result.ok and result.drafts[0].options == ("1", "2", "3", "4", "5", "6")


def test_a_missing_option_column_is_a_gap_too():
    data = csv_bytes("单选,题,甲,乙,丁,A", header="题型,题干,选项A,选项B,选项D,答案")
    issue = only_issue(parse_bytes(data, "b.csv"))
    assert (issue.code, issue.params, issue.field) == ("option_gap", {"key": "C"}, None)


def test_every_mistake_is_listed_not_only_the_first():
    rows = ("单选,,甲,,,,E,,,很难", "多选,题,甲,乙,,,A,,,", GOOD)
    result = parse_bytes(csv_bytes(*rows), "b.csv")
    assert [(i.code, i.row) for i in result.errors] == [
        ("missing_stem", 2), ("too_few_options", 2), ("difficulty_unrecognised", 2),
        ("multiple_needs_two_answers", 3)]
    assert len(result.drafts) == 1 and not result.ok


@pytest.mark.parametrize("options, answer, expected", [
    (",", "对", "A"), ("正确,错误", "A", "A"), ("正确,错误", "b", "B"), ("对,错", "B", "B"),
    ("错误,正确", "A", "B"), ("错误,正确", "对", "A"), (",", "A", "A"), (",", "TRUE", "A"),
])
def test_true_false_rows_always_get_the_two_standard_options(options, answer, expected):
    header = "题型,题干,选项A,选项B,答案"
    result = parse_bytes(csv_bytes(f"判断,雷雨天可在大树下避雨,{options},{answer}", header=header),
                         "b.csv")
    [draft] = result.drafts
    assert (draft.type, draft.options, draft.answer) == (QuestionType.judge, ("正确", "错误"),
                                                         expected)


def test_the_same_question_twice_is_a_warning_naming_the_first_row_and_counted():
    rows = ("单选,火警电话是,110,119,,,B,,,", "单选,火警电话是 ,１１０,119,,,B,,,",
            "单选,火警电话是,110,119,,,B,,,")
    result = parse_bytes(csv_bytes(*rows), "b.csv")
    assert result.ok and len(result.drafts) == 1 and result.skipped_duplicates == 2
    assert [(w.code, w.severity, w.row, w.params["first_row"]) for w in result.warnings] == [
        ("duplicate_in_file", "warning", 3, 2), ("duplicate_in_file", "warning", 4, 2)]
    assert result.warnings[0].message == MESSAGES["duplicate_in_file"].format(first_row=2)


def test_a_header_only_file_is_empty():
    assert only_issue(parse_bytes(HEADER.encode(), "b.csv")).code == "empty_file"


def test_a_bom_only_file_is_empty():
    assert only_issue(parse_bytes(b"\xef\xbb\xbf\r\n", "b.csv")).code == "empty_file"


def test_a_csv_without_our_headers_is_missing_header():
    assert only_issue(parse_bytes("名字,年龄\n张三,30".encode(), "b.csv")).code == "missing_header"


def test_a_malformed_record_is_reported_with_its_line():
    huge = "长" * (csv.field_size_limit() + 1)
    result = parse_bytes(csv_bytes(GOOD, f'单选,"{huge}",甲,乙,,,A,,,'), "b.csv")
    assert [(i.code, i.row) for i in result.issues] == [("bad_csv", 3)]


def test_more_than_the_row_limit_is_refused():
    buffer = io.StringIO()
    buffer.write(HEADER + "\n")
    for number in range(MAX_ROWS + 1):
        buffer.write(f"单选,第{number}题,甲,乙,,,A,,,\n")
    result = parse_bytes(buffer.getvalue().encode(), "b.csv")
    assert [(i.code, i.row) for i in result.errors] == [("too_many_rows", MAX_ROWS + 2)]


@pytest.mark.skipif(not REAL_BANK.exists(), reason="shared real-bank fixture not present")
def test_the_real_contest_bank_reads_with_its_published_counts():
    result = parse_file(REAL_BANK)
    assert result.ok, [(i.code, i.where, i.message) for i in result.errors[:5]]
    assert not result.warnings
    counts = {t: sum(d.type == t for d in result.drafts) for t in QuestionType}
    assert counts == {QuestionType.single: 145, QuestionType.multiple: 53,
                      QuestionType.judge: 141}
    assert {d.answer for d in result.drafts if d.type == QuestionType.judge} == {"A", "B"}
