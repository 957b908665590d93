"""Questions out to our template as .xlsx: a bank export, and the blank template to download.

Both re-import with `parse_bytes` to the same questions. Sheets are written in openpyxl's
write-only mode, so an export of 10,000+ questions is streamed in bounded memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .model import (
    JUDGE_OPTIONS,
    MAX_FILE_BYTES,
    MAX_OPTIONS,
    MAX_ROWS,
    MIN_OPTIONS,
    OPTION_KEYS,
    OPTION_MAX_LENGTH,
    STEM_MAX_LENGTH,
    QuestionDraft,
    QuestionType,
)
from .template import TEMPLATE_HEADERS

__all__ = ["BANK_SHEET", "INSTRUCTIONS_SHEET", "TEMPLATE_EXAMPLES", "template_xlsx",
           "write_xlsx"]

BANK_SHEET = "题库"
INSTRUCTIONS_SHEET = "说明"
TYPE_LABELS = {QuestionType.single: "单选", QuestionType.multiple: "多选",
               QuestionType.judge: "判断"}
DIFFICULTY_LABELS = {1: "易", 2: "中", 3: "难"}
JUDGE_LABELS = dict(zip("AB", JUDGE_OPTIONS, strict=True))  # "A" -> 正确, "B" -> 错误

_WIDTHS = {"题型": 8, "题干": 48, "答案": 8, "解析": 48, "分类": 16, "难度": 8}
_OPTION_WIDTH = 16
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")

#: The 题库 sheet of the template: one example of each type, real questions (an organiser
#: who forgets to delete them imports three harmless questions).
TEMPLATE_EXAMPLES: tuple[QuestionDraft, ...] = (
    QuestionDraft(
        type=QuestionType.single, stem="发现火灾时，应拨打的火警电话是（ ）。",
        options=("110", "119", "120", "122"), answer="B",
        explanation="119 是火警电话；110 是报警电话，120 是急救电话，122 是交通事故报警电话。",
        category="消防安全", difficulty=1),
    QuestionDraft(
        type=QuestionType.multiple, stem="使用手提式干粉灭火器扑救初起火灾时，正确的做法有（ ）。",
        options=("站在火源的上风方向", "先拔掉保险销", "对准火焰根部喷射", "对准火焰顶部喷射"),
        answer="ABC",
        explanation="使用口诀：一提、二拔、三握、四压。\n应站在上风方向，对准火焰根部喷射。",
        category="消防安全", difficulty=2),
    QuestionDraft(
        type=QuestionType.judge, stem="电气设备着火时，应先切断电源，再进行扑救。",
        options=JUDGE_OPTIONS, answer="A",
        explanation="带电灭火可能导致触电；无法断电时，应使用干粉、二氧化碳等不导电的灭火剂。",
        category="用电安全", difficulty=1),
)


def write_xlsx(drafts: Iterable[QuestionDraft]) -> bytes:
    """The questions as our template (.xlsx bytes): one sheet 题库, a header row and one row
    per question, which `parse_bytes` reads back to the same questions.

    Types are written 单选/多选/判断, true/false answers 正确/错误, difficulty 易/中/难; a
    true/false row leaves its option cells empty. Text that Excel would take for a formula
    ("=...") or an error ("#N/A") is written as text. Characters a workbook cannot hold
    (control characters other than tab and newline) are dropped, and a cell keeps at most
    32,767 characters (Excel's limit). Raises ValueError for a choice question with more than
    six options, which the template has no column for.
    """
    workbook = Workbook(write_only=True)
    sheet = _bank_sheet(workbook, rows=len(drafts) if isinstance(drafts, Sequence) else None)
    try:
        for draft in drafts:
            sheet.append(_row(sheet, draft))
    except BaseException:
        _save(workbook)  # closes the sheet's stream and removes its temporary file
        raise
    return _save(workbook)


def template_xlsx() -> bytes:
    """The template organisers download: a sheet 说明 (how to fill it in, in Chinese) and a
    sheet 题库 with the header row, one example of each type, and drop-down lists for the
    题型 and 难度 columns. It re-imports as exactly `TEMPLATE_EXAMPLES`."""
    workbook = Workbook(write_only=True)
    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for row in instruction_rows():
        notes.append([_instruction_cell(notes, value, row) for value in row])
    sheet = _bank_sheet(workbook, rows=None)
    last = MAX_ROWS + 1
    for header, choices, prompt in (("题型", "单选,多选,判断", "单选、多选或判断"),
                                    ("难度", "易,中,难", "易、中或难，留空为中")):
        # A suggestion, not a rule: the reader accepts more spellings than the list holds.
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                    showErrorMessage=False, showInputMessage=True,
                                    promptTitle=header, prompt=prompt)
        column = get_column_letter(TEMPLATE_HEADERS.index(header) + 1)
        validation.add(f"{column}2:{column}{last}")
        sheet.data_validations.append(validation)
    for draft in TEMPLATE_EXAMPLES:
        sheet.append(_row(sheet, draft))
    return _save(workbook)


def instruction_rows() -> list[tuple[str, ...]]:
    """The rows of the 说明 sheet. No row names both 题干 and 答案, so the reader never takes
    one for a header row (it looks for one in each sheet's first rows)."""
    limit_mb = MAX_FILE_BYTES // (1024 * 1024)
    return [
        ("题库导入模板 使用说明",),
        ("请在“题库”工作表中填写题目：第一行是列名，请勿修改；从第二行起每行一道题。"
         "“题库”中的三道示例题可以直接改写或删除，保留则会一并导入。",),
        ("",),
        ("列", "是否必填", "填写说明"),
        ("题型", "必填",
         "单选、多选或判断（也可写 单选题、多项选择题、判断题、是非题、"
         "single、multiple、judge 等）。"
         "工作表名为“单选题”“多选题”或“判断题”时，该表的题型列可以留空。"),
        ("题干", "必填",
         f"题目内容，不超过 {STEM_MAX_LENGTH} 字；可含（ ）表示填空处。题干中的换行会按空格处理。"),
        ("选项A～选项F", "选择题必填",
         f"单选题、多选题有 {MIN_OPTIONS}～{MAX_OPTIONS} 个选项，从选项A起依次填写，中间不能空列；"
         f"每个选项不超过 {OPTION_MAX_LENGTH} 字。判断题的选项留空即可（或填 正确、错误）。"),
        ("答案", "必填",
         "选择题填选项字母：单选题如 A；多选题如 AC、A,C、A、C 或 A C，大小写、全角均可，"
         "多选题至少有 2 个正确答案。判断题填 正确/错误，也可写 对/错、√/×、T/F。"),
        ("解析", "选填", "答题后显示给参赛人员，可以换行。"),
        ("分类", "选填", "知识点或类别，如 消防安全、用电安全。"),
        ("难度", "选填", "易、中或难（也可写 简单/中等/困难 或 1/2/3）；留空按“中”处理。"),
        ("",),
        ("注意事项",),
        ("重复题目", "",
         "题型、题干和选项都相同的题目（不计空格、大小写和全角半角）视为重复，只导入第一道，"
         "其余跳过并给出提示。"),
        ("文件限制", "",
         f"文件不超过 {limit_mb} MB，题目不超过 {MAX_ROWS} 行；题目更多时请分成几个文件导入。"),
        ("工作表", "",
         "每个有列名行的工作表都会被导入，可以按题型分成“单选题”“多选题”“判断题”几个表；"
         "本说明页不会被导入。也可以另存为“CSV UTF-8”文件后导入。"),
    ]


def _bank_sheet(workbook: Workbook, rows: int | None):
    """The 题库 sheet with its column widths, frozen header row, and the header written."""
    sheet = workbook.create_sheet(BANK_SHEET)
    for index, header in enumerate(TEMPLATE_HEADERS, start=1):
        width = _WIDTHS.get(header, _OPTION_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if rows is not None:
        # Write-only sheets declare no size; with one the reader can report progress of a total.
        # (openpyxl's writer asks the sheet for calculate_dimension() if it has one.)
        reference = f"A1:{get_column_letter(len(TEMPLATE_HEADERS))}{rows + 1}"
        sheet.calculate_dimension = lambda: reference
    sheet.append([_header_cell(sheet, header) for header in TEMPLATE_HEADERS])
    return sheet


def _header_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _HEADER_FONT
    cell.fill = _HEADER_FILL
    return cell


def _instruction_cell(sheet, text: str, row: tuple[str, ...]) -> WriteOnlyCell | str:
    if len(row) == 1 or row[0] == "列":  # a title or the table's column names
        return _header_cell(sheet, text)
    if len(text) > 20:
        cell = WriteOnlyCell(sheet, value=text)
        cell.alignment = _WRAP
        return cell
    return text


def _row(sheet, draft: QuestionDraft) -> list:
    qtype = QuestionType(draft.type)
    if qtype is QuestionType.judge:
        options: Sequence[str] = ()
        answer = JUDGE_LABELS.get(draft.answer, draft.answer)
    else:
        options, answer = draft.options, draft.answer
        if len(options) > MAX_OPTIONS:
            raise ValueError(f"{len(options)} options; the template holds at most "
                             f"{MAX_OPTIONS} ({OPTION_KEYS})")
    return [TYPE_LABELS[qtype], _text(sheet, draft.stem),
            *(_text(sheet, option) for option in options),
            *([None] * (MAX_OPTIONS - len(options))),
            answer, _text(sheet, draft.explanation, wrap=True), _text(sheet, draft.category),
            DIFFICULTY_LABELS.get(draft.difficulty, draft.difficulty)]


def _text(sheet, value: str, wrap: bool = False) -> WriteOnlyCell | str | None:
    """A text cell that stays text: no formula, no error value, no illegal characters."""
    if not value:
        return None
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    formula_like = value.startswith("=") and len(value) > 1
    wrapped = wrap and "\n" in value
    if not (formula_like or wrapped or value in ERROR_CODES):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like or value in ERROR_CODES:
        cell.data_type = "s"    # written as a string, not as a formula or an error
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    if wrapped:
        cell.alignment = _WRAP
    return cell


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
