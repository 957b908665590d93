"""Our template read from .xlsx: sheets, cells as shown, row places, refusals before openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from question_bank import QuestionType, parse_bytes, parse_file

TEMPLATE = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "分类", "难度"]


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    """A workbook written by openpyxl: one sheet per entry, rows appended from A1."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def handmade_xlsx(sheet_xml: str, title: str = "单选题") -> bytes:
    """A minimal workbook written by hand, for what openpyxl will not write (cached formulas)."""
    parts = {
        "[Content_Types].xml":
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="{_REL}/'
                       'officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook {_NS} xmlns:r="{_REL}"><sheets><sheet name="{title}" '
                           'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                                      f'Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
                                      "</Relationships>",
        "xl/worksheets/sheet1.xml": f"<worksheet {_NS}>{sheet_xml}</worksheet>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def only_issue(result):
    assert len(result.issues) == 1, [(i.code, i.where) for i in result.issues]
    return result.issues[0]


def test_english_headers_below_an_instruction_row_with_trailing_blank_rows_and_columns():
    data = xlsx_bytes({"Sheet1": [
        ["Fill in one question per row"],
        ["answer", "stem", "type", "A", "B", "C", "difficulty", None, None],
        ["c", "Which number reports a fire?", "single", "110", "120", "119", "hard", None, None],
        [None] * 9, [None] * 9,
    ]})
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok and result.format == "xlsx"
    [draft] = result.drafts
    assert (draft.answer, draft.difficulty, draft.row, draft.sheet) == ("C", 3, 3, "Sheet1")


def test_sheet_names_give_the_type_and_an_instruction_sheet_is_skipped():
    data = xlsx_bytes({
        "说明": [["本模板每行一题"], ["答案填字母"]],
        "单选题": [["题干", "选项A", "选项B", "答案"], ["火警电话", "110", "119", "B"]],
        "多选": [["题干", "选项A", "选项B", "选项C", "答案"],
               ["灭火方法", "隔离", "窒息", "冷却", "ABC"]],
        "判断题": [["题干", "答案"], ["雷雨天可在大树下避雨", "×"]],
        "Single": [["stem", "A", "B", "answer"], ["Fire number?", "110", "119", "B"]],
    })
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok, [(i.code, i.where) for i in result.issues]
    assert [(d.type, d.sheet, d.row) for d in result.drafts] == [
        (QuestionType.single, "单选题", 2), (QuestionType.multiple, "多选", 2),
        (QuestionType.judge, "判断题", 2), (QuestionType.single, "Single", 2)]
    assert result.drafts[2].options == ("正确", "错误") and result.drafts[2].answer == "B"


def test_a_type_column_on_a_typed_sheet_may_be_blank_or_agree_but_not_contradict():
    data = xlsx_bytes({"多选题": [
        ["题型", "题干", "A", "B", "C", "答案"],
        [None, "题一", "甲", "乙", "丙", "AB"],
        ["多项选择题", "题二", "甲", "乙", "丙", "AC"],
        ["单选", "题三", "甲", "乙", "丙", "AB"],
    ]})
    result = parse_bytes(data, "b.xlsx")
    assert [d.row for d in result.drafts] == [2, 3]
    issue = only_issue(result)
    assert (issue.code, issue.sheet, issue.row, issue.field) == (
        "type_conflicts_with_sheet", "多选题", 4, "题型")
    assert issue.params["value"] == "单选" and "多选题" in issue.message


def test_numbers_dates_and_booleans_are_read_as_shown():
    data = xlsx_bytes({"题库": [
        TEMPLATE,
        ["单选", "《安全生产法》修正于哪一年？", 2021, 2014.0, 3.14, 0.5, "A", None, None, 1],
        ["单选", "哪天是咨询日？", dt.date(2026, 6, 16), dt.datetime(2026, 6, 1, 9, 30), None,
         None, "a", None, None, 3.0],
        ["判断", "可以用湿手触碰开关", None, None, None, None, False, None, None, None],
        ["判断", "发现火情应立即报警", None, None, None, None, 1, None, None, None],
    ]})
    result = parse_bytes(data, "bank.xlsx")
    assert result.ok, [(i.code, i.where) for i in result.issues]
    year, date, wet, fire = result.drafts
    assert year.options == ("2021", "2014", "3.14", "0.5") and year.difficulty == 1
    assert date.options == ("2026-06-16", "2026-06-01 09:30") and date.difficulty == 3
    assert (wet.answer, fire.answer) == ("B", "A")


def test_blank_rows_in_the_middle_are_skipped_and_rows_keep_their_excel_numbers():
    data = xlsx_bytes({"单选题": [["题干", "A", "B", "答案"], ["题一", "甲", "乙", "A"],
                                 [None, None], [], ["题二", "甲", "乙", "E"]]})
    result = parse_bytes(data, "b.xlsx")
    assert [d.row for d in result.drafts] == [2]
    assert (only_issue(result).code, only_issue(result).row) == ("answer_not_an_option", 5)


@pytest.mark.parametrize("row, code, field", [
    (["单选", None, "甲", "乙", None, None, "A"], "missing_stem", "题干"),
    (["单选", "题", "甲", "乙", None, "丁", "A"], "option_gap", "选项C"),
    (["多选", "题", "甲", "乙", "丙", None, "C"], "multiple_needs_two_answers", "答案"),
    (["看图", "题", None, None, None, None, "对"], "unknown_type", "题型"),
    (["判断", "题", None, None, None, None, "不一定"], "judge_answer_unrecognised", "答案"),
])
def test_mistakes_name_the_sheet_row_and_column(row, code, field):
    good = ["单选", "好题", "甲", "乙", None, None, "B"]
    data = xlsx_bytes({"第二批": [["说明行"], TEMPLATE, good, row]})
    issue = only_issue(parse_bytes(data, "b.xlsx"))
    assert (issue.code, issue.sheet, issue.row, issue.field) == (code, "第二批", 4, field)


def test_the_same_question_on_two_sheets_is_a_warning_naming_the_first_place():
    data = xlsx_bytes({"单选题": [["题干", "A", "B", "答案"], ["火警电话", "110", "119", "B"]],
                       "补充": [["题型", "题干", "A", "B", "答案"],
                              ["单选", "火警 电话", "110", "119", "b"]]})
    result = parse_bytes(data, "b.xlsx")
    assert result.ok and len(result.drafts) == 1 and result.skipped_duplicates == 1
    [warning] = result.warnings
    assert (warning.code, warning.sheet, warning.row) == ("duplicate_in_other_sheet", "补充", 2)
    assert warning.params == {"first_row": 2, "first_sheet": "单选题"}
    assert "单选题" in warning.message and "row 2" in warning.message


def test_formula_cells_are_read_from_their_cached_values_and_a_wrong_dimension_is_ignored():
    header = zip("ABCD", ["题干", "选项A", "选项B", "答案"], strict=True)
    sheet = ('<dimension ref="A1:B1"/><sheetData><row r="1">'
             + "".join(text_cell(f"{column}1", text) for column, text in header)
             + '</row><row r="4">' + text_cell("A4", "一加一等于几")
             + '<c r="B4"><f>1+1</f><v>2</v></c><c r="C4" t="str"><f>"3"&amp;""</f><v>3</v></c>'
             + text_cell("D4", "A") + "</row></sheetData>")
    result = parse_bytes(handmade_xlsx(sheet), "b.xlsx")
    assert result.ok, [(i.code, i.where) for i in result.issues]
    [draft] = result.drafts
    assert (draft.options, draft.row, draft.type) == (("2", "3"), 4, QuestionType.single)


def test_a_workbook_without_any_header_is_missing_header():
    data = xlsx_bytes({"说明": [["请下载模板"]], "Sheet2": [["名字", "年龄"], ["张三", 30]]})
    issue = only_issue(parse_bytes(data, "b.xlsx"))
    assert issue.code == "missing_header" and issue.sheet is None


@pytest.mark.parametrize("sheets", [{"Sheet1": []}, {"单选题": [["题干", "A", "B", "答案"]]}])
def test_a_workbook_without_questions_is_empty(sheets):
    assert only_issue(parse_bytes(xlsx_bytes(sheets), "b.xlsx")).code == "empty_file"


def test_a_damaged_sheet_is_refused_without_a_traceback():
    data = handmade_xlsx("<sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>题干")
    result = parse_bytes(data, "b.xlsx")
    assert only_issue(result).code == "not_a_spreadsheet"


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_highly_compressed_member_is_refused_as_a_zip_bomb():
    data = zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (5 << 20)})
    issue = only_issue(parse_bytes(data, "bomb.xlsx"))
    assert issue.code == "zip_bomb" and issue.params["part"] == "xl/worksheets/sheet1.xml"
    assert "100 times" in issue.message


def test_an_absurd_declared_size_is_refused_before_unpacking():
    data = bytearray(zip_of({"xl/workbook.xml": b"<workbook/>", "xl/big.xml": b"x" * 100}))
    # Patch the central directory's uncompressed size of the last member to 300 MB.
    entry = data.rfind(b"PK\x01\x02")
    data[entry + 24:entry + 28] = (300 << 20).to_bytes(4, "little")
    issue = only_issue(parse_bytes(bytes(data), "bomb.xlsx"))
    assert issue.code == "unpacked_too_large" and "200 MB" in issue.message


@pytest.mark.parametrize("data", [
    b"PK\x03\x04broken", zip_of({"word/document.xml": b"<w/>"}),
    b"PK\x05\x06" + b"\0" * 18,
])
def test_a_zip_that_is_not_a_workbook_is_not_a_spreadsheet(data):
    issue = only_issue(parse_bytes(data, "b.xlsx"))
    assert issue.code == "not_a_spreadsheet" and ".xlsx" in issue.message


def test_an_encrypted_workbook_or_old_xls_is_named_as_such():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    issue = only_issue(parse_bytes(data, "bank.xlsx"))
    assert issue.code == "encrypted_file"
    assert ".xls" in issue.message and "password" in issue.message


def test_a_workbook_on_disk_is_read_by_path(tmp_path):
    path = tmp_path / "题库.xlsx"
    path.write_bytes(xlsx_bytes({"判断": [["题干", "答案"], ["电梯可用于火灾逃生", "错"]]}))
    result = parse_file(path)
    assert result.ok and result.drafts[0].answer == "B" and result.format == "xlsx"
