"""Aiken: single-choice questions, and each problem on the line Moodle's importer names (the
basics are in test_text_formats.py)."""

from __future__ import annotations

from question_bank import QuestionType, parse_bytes
from question_bank.aiken import read_aiken
from question_bank.model import ReadOptions


def aiken(text: str, **options):
    return read_aiken(text.encode("utf-8"), ReadOptions(**options))


def where(result):
    return [(issue.line, issue.code) for issue in result.issues]


FIRE = """发现火灾时应拨打的火警电话是：
A. 110
B. 119
C. 120
ANSWER: B
"""


def test_every_aiken_question_is_single_choice_placed_on_its_stem_line():
    result = aiken("\n" + FIRE + "\n电器着火时首先应当：\nA) 用水浇\nB) 切断电源\nANSWER: B\n")
    assert result.ok and result.format == "aiken"
    assert [(d.type, d.answer, d.row) for d in result.drafts] == [
        (QuestionType.single, "B", 2), (QuestionType.single, "B", 8)]
    assert result.drafts[1].options == ("用水浇", "切断电源")


def test_an_option_without_a_space_after_its_mark_is_an_option_as_in_moodle():
    result = aiken("安全电压一般不超过多少伏？\nA)36 伏\nB)220 伏\nANSWER: A\n")
    assert result.drafts[0].options == ("36 伏", "220 伏") and result.ok


def test_a_true_false_like_aiken_question_stays_single_choice():
    result = aiken("湿手可以触摸电器开关。\nA. 正确\nB. 错误\nANSWER: B\n")
    assert (result.drafts[0].type, result.drafts[0].answer) == (QuestionType.single, "B")


def test_a_stem_may_run_over_lines_that_follow_one_another():
    result = aiken("下列关于灭火器的说法，\n正确的是：\nA. 过期可用\nB. 定期检查\nANSWER: B\n")
    assert result.drafts[0].stem == "下列关于灭火器的说法， 正确的是："


def test_a_stem_without_options_before_a_blank_line_and_the_next_question_is_unfinished():
    result = aiken("忘了写选项的题\n\n" + FIRE)
    assert where(result) == [(3, "aiken_not_finished")]
    assert [d.stem for d in result.drafts] == ["发现火灾时应拨打的火警电话是："]


def test_blank_lines_before_the_options_and_the_answer_do_not_matter():
    result = aiken("发现火灾时应拨打：\n\nA. 110\n\nB. 119\n\nANSWER: B\n")
    assert result.ok and result.drafts[0].options == ("110", "119")


def test_a_question_with_only_one_option_is_reported_on_its_answer_line():
    result = aiken("只有一个选项\nA) 唯一\nANSWER: A\n\n" + FIRE)
    assert where(result) == [(3, "too_few_options")] and len(result.drafts) == 1


def test_an_answer_that_is_not_a_letter_is_reported_on_its_line():
    result = aiken(FIRE.replace("ANSWER: B", "ANSWER: 119"))
    assert where(result) == [(5, "aiken_answer_unreadable")] and not result.drafts
    assert result.issues[0].params == {"answer": "119"}


def test_a_question_with_an_option_out_of_order_is_reported_and_not_kept():
    result = aiken(FIRE.replace("C. 120", "D. 120"))
    assert where(result) == [(4, "aiken_option_out_of_order")] and not result.drafts


def test_a_seventh_option_is_too_many():
    options = "".join(f"{key}. 选项{key}\n" for key in "ABCDEF")
    result = aiken("选项太多\n" + options + "G. 选项G\nANSWER: A\n")
    assert where(result) == [(8, "aiken_option_out_of_order")]


def test_the_same_question_twice_is_skipped_with_a_warning():
    result = aiken(FIRE + "\n" + FIRE)
    assert result.ok and result.skipped_duplicates == 1 and len(result.drafts) == 1
    assert where(result) == [(7, "duplicate_at_line")]


def test_html_and_ampersands_stay_text():
    result = aiken("<b>火警</b> & 报警电话？\nA. <i>119</i>\nB. 110 & 120\nANSWER: A\n")
    draft = result.drafts[0]
    assert draft.stem == "<b>火警</b> & 报警电话？" and draft.options[0] == "<i>119</i>"


def test_an_aiken_file_named_txt_is_told_from_its_content_not_taken_for_csv():
    result = parse_bytes(FIRE.encode("utf-8"), "题库.txt")
    assert result.format == "aiken" and result.ok


def test_a_gbk_encoded_aiken_file_is_read():
    result = read_aiken(FIRE.encode("gb18030"))
    assert result.ok and result.drafts[0].options == ("110", "119", "120")


def test_progress_is_reported_every_500_questions():
    calls = []
    text = "\n".join(f"第 {n} 题\nA. 甲\nB. 乙\nANSWER: A\n" for n in range(1000))
    result = aiken(text, progress=lambda done, total: calls.append((done, total)))
    assert len(result.drafts) == 1000 and calls == [(500, None), (1000, None)]
