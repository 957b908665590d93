"""Exports and the downloadable template: .xlsx that re-imports to the same questions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from question_bank import TEMPLATE_HEADERS, QuestionDraft, QuestionType, parse_bytes, parse_file
from question_bank.export import TEMPLATE_EXAMPLES, template_xlsx, write_xlsx
from question_bank.model import JUDGE_OPTIONS, MAX_FILE_BYTES, MAX_ROWS, STEM_MAX_LENGTH
from question_bank.template import header_roles, is_header

DEMO_BANK = Path(__file__).resolve().parents[2] / "question_bank" / "data" / "demo_bank.csv"
S, M, J = QuestionType.single, QuestionType.multiple, QuestionType.judge


def content(draft: QuestionDraft) -> tuple:
    """What a question is, without where it was read from."""
    return (draft.type, draft.stem, draft.options, draft.answer, draft.explanation,
            draft.category, draft.difficulty)


def reimport(data: bytes):
    result = parse_bytes(data, "export.xlsx")
    assert result.format == "xlsx"
    assert not result.issues, [(i.code, i.where, i.message) for i in result.issues]
    return result


def sheet_rows(data: bytes, title: str) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(data))
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


EDGE_CASES = [
    QuestionDraft(S, "下列哪一项是正确的？", ("一", "二", "三", "四", "五", "六"), "F",
                  "六个选项都写出，答案是最后一个。", "综合", 3),
    QuestionDraft(M, "Which of these are PPE (personal protective equipment)?",
                  ("Helmet", "Gloves", "Coffee", "Safety goggles", "Ear plugs", "Phone"),
                  "ABDE", "Helmet, gloves, goggles and ear plugs protect the worker.",
                  "PPE", 2),
    QuestionDraft(S, '他说："先断电，再救人"，这句话里的逗号,引号都要保留。',
                  ('"断电"', "它,有,逗号", "'单引号'", "无"), "A", "", "", 2),
    QuestionDraft(S, "=1+1 的结果是（ ）。", ("=2", "=A1", "#N/A", "+3"), "A",
                  "=SUM(B2:B3) 这样的文字也只是文字。", "=分类", 1),
    QuestionDraft(S, "007", ("007", "0.50", "1e3", "TRUE"), "A", "00123", "0086", 2),
    QuestionDraft(M, "长解析的多选题", ("甲", "乙", "丙"), "ABC",
                  "\n".join(f"第{i}行：解析内容，带标点、English words and 数字 {i}。"
                            for i in range(1, 301)), "长文本", 3),
    QuestionDraft(J, "电梯运行中发生故障时，应扒门自行逃生。", JUDGE_OPTIONS, "B",
                  "应按警铃求救，耐心等待救援。", "特种设备", 1),
    QuestionDraft(J, "The fire exit must be kept clear.", JUDGE_OPTIONS, "A",
                  "Line one.\nLine two.", "Fire", 2),
]


def test_the_demo_bank_round_trips_through_an_export():
    demo = parse_file(DEMO_BANK)
    assert demo.ok and len(demo.drafts) == 94
    result = reimport(write_xlsx(demo.drafts))
    assert [content(d) for d in result.drafts] == [content(d) for d in demo.drafts]
    assert {d.sheet for d in result.drafts} == {"题库"}
    assert [d.row for d in result.drafts] == list(range(2, 96))


def test_edge_cases_round_trip_exactly():
    result = reimport(write_xlsx(EDGE_CASES))
    assert [content(d) for d in result.drafts] == [content(d) for d in EDGE_CASES]


def test_text_that_looks_like_a_formula_or_an_error_is_written_as_text():
    data = write_xlsx([EDGE_CASES[3]])
    workbook = load_workbook(io.BytesIO(data))  # not data_only: formulas would show as such
    cells = list(workbook["题库"].iter_rows(min_row=2))[0]
    stem, option_a, option_c, explanation = cells[1], cells[2], cells[4], cells[9]
    for cell in (stem, option_a, option_c, explanation):
        assert cell.data_type == "s", cell.coordinate
        assert cell.quotePrefix  # Excel keeps it text when someone edits the cell
    assert stem.value == "=1+1 的结果是（ ）。" and option_c.value == "#N/A"
    assert "<f>" not in _sheet_xml(data)


def _sheet_xml(data: bytes) -> str:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_cells_are_written_the_way_an_organiser_reads_them():
    rows = sheet_rows(write_xlsx(EDGE_CASES[:2] + EDGE_CASES[6:]), "题库")
    assert rows[0] == tuple(TEMPLATE_HEADERS)
    types, answers, levels = ([row[TEMPLATE_HEADERS.index(h)] for row in rows[1:]]
                              for h in ("题型", "答案", "难度"))
    assert types == ["单选", "多选", "判断", "判断"]
    assert answers == ["F", "ABDE", "错误", "正确"]
    assert levels == ["难", "中", "易", "中"]
    judge_options = rows[3][2:8]
    assert judge_options == (None,) * 6
    four_options = sheet_rows(write_xlsx([EDGE_CASES[2]]), "题库")[1][2:8]
    assert four_options[4:] == (None, None)
    assert sheet_rows(write_xlsx([EDGE_CASES[7]]), "题库")[1][9] == "Line one.\nLine two."


def test_a_newline_in_a_stem_comes_back_as_a_space():
    # The reader collapses whitespace in stems, options and categories (not explanations).
    draft = QuestionDraft(S, "第一行\n第二行  English", ("是", "否"), "A", "解析\n保留换行")
    [back] = reimport(write_xlsx([draft])).drafts
    assert back.stem == "第一行 第二行 English"
    assert back.explanation == "解析\n保留换行"


def test_characters_a_workbook_cannot_hold_are_dropped_instead_of_failing():
    draft = QuestionDraft(S, "控制\x07字符\x1b题干", ("甲\x00", "乙"), "B", "制表\t保留")
    [back] = reimport(write_xlsx([draft])).drafts
    assert (back.stem, back.options, back.explanation) == ("控制字符题干", ("甲", "乙"),
                                                           "制表\t保留")


def test_a_generator_exports_like_a_list():
    assert write_xlsx(iter(EDGE_CASES)).startswith(b"PK")
    result = reimport(write_xlsx(d for d in EDGE_CASES))
    assert [content(d) for d in result.drafts] == [content(d) for d in EDGE_CASES]


def test_a_list_export_declares_its_size_so_progress_has_a_total():
    drafts = [QuestionDraft(S, f"第 {i} 题", ("甲", "乙"), "A") for i in range(1000)]
    calls = []
    result = parse_bytes(write_xlsx(drafts), "bank.xlsx",
                         progress=lambda done, total: calls.append((done, total)))
    assert len(result.drafts) == 1000 and not result.issues
    assert calls == [(500, 1001), (1000, 1001)]


def test_an_empty_bank_exports_a_header_only_sheet():
    data = write_xlsx([])
    assert load_workbook(io.BytesIO(data)).sheetnames == ["题库"]
    assert sheet_rows(data, "题库") == [tuple(TEMPLATE_HEADERS)]
    assert [i.code for i in parse_bytes(data, "empty.xlsx").issues] == ["empty_file"]


def test_more_options_than_the_template_has_columns_is_refused():
    draft = QuestionDraft(S, "七个选项", tuple("一二三四五六七"), "A")
    with pytest.raises(ValueError, match="at most 6"):
        write_xlsx([draft])


def test_the_template_reimports_as_exactly_its_examples():
    result = reimport(template_xlsx())
    assert [content(d) for d in result.drafts] == [content(d) for d in TEMPLATE_EXAMPLES]
    assert [d.type for d in TEMPLATE_EXAMPLES] == [S, M, J]
    assert all(d.explanation and d.category for d in TEMPLATE_EXAMPLES)


def test_the_template_has_instructions_then_the_bank_sheet():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == ["说明", "题库"]
    bank = workbook["题库"]
    assert [c.value for c in bank[1]] == TEMPLATE_HEADERS
    assert all(c.font.bold for c in bank[1])
    assert bank.freeze_panes == "A2"
    assert bank.max_row == 1 + len(TEMPLATE_EXAMPLES)
    assert bank.column_dimensions["B"].width > bank.column_dimensions["A"].width
    lists = {str(v.sqref): v.formula1 for v in bank.data_validations.dataValidation}
    assert lists == {f"A2:A{MAX_ROWS + 1}": '"单选,多选,判断"',
                     f"L2:L{MAX_ROWS + 1}": '"易,中,难"'}
    assert not any(v.showErrorMessage for v in bank.data_validations.dataValidation)


def test_no_instruction_row_can_be_taken_for_a_header():
    rows = sheet_rows(template_xlsx(), "说明")
    assert len(rows) > 10
    assert not any(is_header(header_roles(row)) for row in rows)


def test_the_instruction_sheet_alone_imports_nothing():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    workbook.remove(workbook["题库"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_bytes(buffer.getvalue(), "only-instructions.xlsx")
    assert [i.code for i in result.issues] == ["missing_header"] and not result.drafts


def test_the_instructions_state_the_limits_and_spellings_the_reader_applies():
    text = "\n".join(str(cell) for row in sheet_rows(template_xlsx(), "说明")
                     for cell in row if cell)
    for expected in (f"{STEM_MAX_LENGTH} 字", f"{MAX_FILE_BYTES // (1024 * 1024)} MB",
                     f"{MAX_ROWS} 行", "2～6 个选项", "至少有 2 个正确答案", "AC", "A,C",
                     "正确/错误", "对/错", "√/×", "重复", "单选题", "多选题", "判断题", "留空"):
        assert expected in text, expected
