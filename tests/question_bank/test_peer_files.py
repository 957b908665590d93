"""Other systems' own files, read from ../shared (never copied here), beyond the basics in
test_other_systems.py and test_peer_moodle.py: the ExamStack and Alanosy templates filled in
the ways their users do (their importers' spellings, category columns, type codes, pictures),
and Moodle's XML fixtures checked against what Moodle's own tests expect of them."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from question_bank import QuestionType, detect_format, parse_bytes, parse_file
from question_bank import normalize as norm

PEER = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "peer-formats"


def fixture(*parts: str) -> Path:
    path = PEER.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared fixtures are outside the repository)")
    return path


def located(result):
    return [(i.row, i.field, i.code) for i in result.issues]


def lines(result):
    return [(i.line, i.code) for i in result.issues]


def saved(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Filled:
    """A template with its header rows kept and its example rows deleted, filled in by
    column name as a user would, aligned under the headers."""

    def __init__(self, name: str, header_row: int) -> None:
        self.workbook = openpyxl.load_workbook(fixture("chinese-excel", name))
        self.sheet = self.workbook.active
        self.sheet.delete_rows(header_row + 1, self.sheet.max_row)
        self.columns = [cell.value for cell in self.sheet[header_row]]

    def row(self, **values: object) -> None:
        unknown = set(values) - set(self.columns)
        assert not unknown, f"not a column of the template: {unknown}"
        self.sheet.append([values.get(name) for name in self.columns])

    def parse(self, **options):
        return parse_bytes(saved(self.workbook), "filled.xlsx", **options)


# --- ExamStack (header: 题目, 类型, 答案, 解析, 选项A–F, ..., 知识类, 知识点, 试题解析) -----------

def examstack() -> Filled:
    return Filled("examstack_question.xlsx", header_row=1)


def test_examstack_type_spellings_and_its_judge_answers_are_read():
    # ExamStack's importer knows 单项选择题/多项选择题 and turns 判断题 answers 对/错 into T/F.
    filled = examstack()
    filled.row(题目="发现火灾应拨打的电话是", 类型="单项选择题", 答案="B", 选项A="110",
               选项B="119", 选项C="120")
    filled.row(题目="使用灭火器的正确做法有", 类型="多项选择题", 答案="AB", 选项A="拔掉保险销",
               选项B="对准火焰根部", 选项C="站在下风口")
    filled.row(题目="电器着火可以直接用水扑灭", 类型="判断题", 答案="错")
    filled.row(题目="发现有人触电应先切断电源", 类型="判断题", 答案="对")
    filled.row(题目="湿手可以触摸开关", 类型="判断题", 答案="F")
    filled.row(题目="配电箱应有门有锁", 类型="判断题", 答案="T")
    result = filled.parse()
    assert result.ok, result.issues
    assert [(d.type, d.answer) for d in result.drafts] == [
        (QuestionType.single, "B"), (QuestionType.multiple, "AB"), (QuestionType.judge, "B"),
        (QuestionType.judge, "A"), (QuestionType.judge, "B"), (QuestionType.judge, "A")]


def test_examstack_category_comes_from_its_knowledge_columns_and_explanation_from_jiexi():
    # ExamStack files a question under its 知识类 and stores 解析 as the analysis; the
    # template also has 所属知识点 and 试题解析, which a user may fill in instead or as well.
    filled = examstack()
    filled.row(题目="发现火灾应拨打的电话是", 类型="单选题", 答案="B", 选项A="110", 选项B="119",
               知识类="消防", 解析="火警 119", 试题解析="另一处解析")
    filled.row(题目="急救电话是", 类型="单选题", 答案="A", 选项A="120", 选项B="110",
               所属知识点="急救", 知识类="消防")
    result = filled.parse()
    assert result.ok, result.issues
    first, second = result.drafts
    assert (first.category, first.explanation) == ("消防", "火警 119")
    assert second.category == "急救"  # 所属知识点 first, 知识类 when it is blank


@pytest.mark.parametrize("kind", ["填空题", "简答题", "论述题", "分析题"])
def test_examstack_kinds_we_cannot_ask_are_unsupported_by_row(kind):
    filled = examstack()
    filled.row(题目="说明题", 类型=kind, 答案="……")
    filled.row(题目="急救电话是", 类型="单选题", 答案="A", 选项A="120", 选项B="110")
    refused = filled.parse()
    assert located(refused) == [(2, "类型", "unsupported_question")]
    assert refused.issues[0].params == {"kind": kind}
    skipped = filled.parse(skip_unsupported=True)
    assert skipped.ok and skipped.skipped_unsupported == 1 and len(skipped.drafts) == 1


def test_examstack_template_as_shipped_leaves_nothing_to_import_when_its_sample_is_skipped():
    result = parse_file(fixture("chinese-excel", "examstack_question.xlsx"),
                        skip_unsupported=True)
    assert result.ok and not result.drafts and result.skipped_unsupported == 1


# --- Alanosy (row 1 instructions, row 2 header; options and right/wrong columns per option) --

def alanosy() -> Filled:
    return Filled("alanosy_ImportQuestionTemplate.xlsx", header_row=2)


def test_alanosy_type_legend_is_read_from_its_instruction_row():
    workbook = openpyxl.load_workbook(fixture("chinese-excel",
                                              "alanosy_ImportQuestionTemplate.xlsx"))
    instructions = workbook.active["A1"].value
    assert norm.type_legend(instructions) == {"1": "single", "2": "multiple", "3": "judge",
                                              "4": "简答题"}


def test_alanosy_judge_may_leave_its_options_empty_and_flag_the_first_for_true():
    filled = alanosy()
    filled.row(试题类型=3, 题干="发现有人触电应先切断电源", 选项一是否正确=1, 选项二是否正确=0)
    filled.row(试题类型=3, 题干="湿手可以触摸开关", 选项一内容="正确", 选项二内容="错误",
               选项一是否正确=0, 选项二是否正确=1)
    result = filled.parse()
    assert result.ok, result.issues
    assert [(d.answer, d.options) for d in result.drafts] == [("A", ("正确", "错误")),
                                                              ("B", ("正确", "错误"))]


def test_alanosy_six_options_map_to_a_to_f():
    filled = alanosy()
    texts = ["一", "二", "三", "四", "五", "六"]
    names = ["选项一", "选项二", "选项三", "选项四", "选项五", "选项六"]
    filled.row(试题类型=2, 题干="选出第二和第六项",
               **{f"{name}内容": text for name, text in zip(names, texts, strict=True)},
               **{f"{name}是否正确": int(name in ("选项二", "选项六")) for name in names})
    (draft,) = filled.parse().drafts
    assert (draft.options, draft.answer) == (tuple(texts), "BF")


def test_alanosy_problems_are_located_by_row_and_column():
    filled = alanosy()
    filled.row(试题类型=5, 题干="不在说明里的类型", 选项一内容="甲", 选项二内容="乙",
               选项一是否正确=1, 选项二是否正确=0)
    filled.row(试题类型=1, 题干="看图选择", 选项一内容="甲", 选项二内容="乙", 选项一是否正确=1,
               选项二是否正确=0, 题干图片="https://example.com/1.jpg")
    filled.row(试题类型=1, 题干="没有标出正确项", 选项一内容="甲", 选项二内容="乙",
               选项一是否正确=0, 选项二是否正确=0)
    filled.row(试题类型=1, 题干="标记写错", 选项一内容="甲", 选项二内容="乙", 选项一是否正确=2,
               选项二是否正确=0)
    filled.row(试题类型=4, 题干="简答题只填了参考答案", 选项一内容="参考答案……")
    assert located(filled.parse()) == [
        (3, "试题类型", "unknown_type"),
        (4, "题干图片", "picture_not_imported"),
        (5, "选项一是否正确", "no_option_marked_right"),
        (6, "选项一是否正确", "flag_unrecognised"),
        (7, "试题类型", "unsupported_question"),
    ]


def test_alanosy_template_as_shipped_is_refused_even_when_its_short_answers_are_skipped():
    result = parse_file(fixture("chinese-excel", "alanosy_ImportQuestionTemplate.xlsx"),
                        skip_unsupported=True)
    assert not result.ok and not result.drafts and result.skipped_unsupported == 2
    assert sorted({issue.row for issue in result.errors}) == [3, 4, 5, 6, 7, 8]
    assert {issue.code for issue in result.errors} == {
        "picture_not_imported", "flag_unrecognised", "no_option_marked_right"}


# --- Moodle XML fixtures --------------------------------------------------------------------

@pytest.mark.parametrize("name", ["error_invalid_grades.xml",
                                  "nested_categories_with_questions.xml"])
def test_moodle_fixtures_are_told_by_content_whatever_their_name(name):
    data = fixture("moodle", name).read_bytes()
    assert detect_format(data, "export.txt") == "xml"
    assert detect_format(data, "export") == "xml"


def test_moodle_invalid_grades_stop_the_import_like_moodle_does():
    # xmlformat_test.php test_import_invalid_grades: importprocess() returns false with
    # "invalidgradequestion" for the grade 33 (0.33): nothing is imported.
    result = parse_file(fixture("moodle", "error_invalid_grades.xml"))
    assert lines(result) == [(38, "xml_bad_fraction")] and not result.drafts


def test_moodle_invalid_grades_file_with_the_grade_corrected_is_one_multiple_choice():
    data = fixture("moodle", "error_invalid_grades.xml").read_bytes()
    result = parse_bytes(data.replace(b'fraction="33"', b'fraction="33.33333"'), "export.xml")
    assert result.ok, result.issues
    (draft,) = result.drafts
    assert (draft.type, draft.answer, draft.row) == (QuestionType.multiple, "BCE", 4)
    assert draft.stem == "Select all prime numbers :<br>"  # HTML kept as text
    assert draft.options[1] == '<p dir="ltr" style="text-align: left;">2<br></p>'


def test_moodle_nested_categories_questions_land_in_the_categories_moodle_expects():
    # xmlformat_test.php test_import_nested_categories_with_questions: "Iota Question" in
    # Iota, "Kappa Question" in Kappa, "Lambda Question" in Lambda, "Mu Question" in Mu
    # (Mu's parent is Iota: the last part of the path decides). The essay is not a kind a
    # contest asks.
    result = parse_file(fixture("moodle", "nested_categories_with_questions.xml"),
                        skip_unsupported=True)
    assert result.ok and result.skipped_unsupported == 1
    assert [(d.row, d.category, d.stem) for d in result.drafts] == [
        (15, "Iota", "<p>Testing Iota Question</p>"),
        (83, "Kappa", "<p>Testing Kappa Question</p>"),
        (123, "Lambda", "<p>Testing Lambda Question</p>"),
        (163, "Mu", "<p>Testing Mu Question</p>"),
    ]
    assert all(d.answer == "A" and d.explanation == "" for d in result.drafts)
