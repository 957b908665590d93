"""GIFT: Moodle's rules for which kind an item is, escapes, categories, and the writer's
round trip (the basics are in test_text_formats.py)."""

from __future__ import annotations

import pytest

from question_bank import QuestionDraft, QuestionType, parse_bytes
from question_bank.gift import read_gift, write_gift
from question_bank.model import ReadOptions


def gift(text: str, **options) -> object:
    return read_gift(text.encode("utf-8"), ReadOptions(**options))


def where(result):
    return [(issue.line, issue.code) for issue in result.issues]


def only(result):
    assert result.ok and not result.issues, result.issues
    (draft,) = result.drafts
    return draft


def test_an_equals_answer_makes_single_choice_and_partial_credit_options_count_as_wrong():
    # Moodle: an "=" in the block means one answer; ~%50% only gives partial credit.
    draft = only(gift("灭火器压力表指针应在 {~%50%黄区 =绿区 ~红区}"))
    assert (draft.type, draft.answer) == (QuestionType.single, "B")


def test_positive_weights_without_an_equals_answer_make_multiple_choice():
    draft = only(gift("进入受限空间前应当 {~%33.33333%通风 ~%33.33333%检测 "
                      "~%33.33333%办理作业票 ~%-100%直接进入}"))
    assert (draft.type, draft.answer) == (QuestionType.multiple, "ABC")
    assert draft.options == ("通风", "检测", "办理作业票", "直接进入")


def test_a_multiple_answer_block_with_one_positive_weight_is_single_choice():
    draft = only(gift("安全帽的作用是 {~%100%保护头部 ~%-50%装饰 ~好看}"))
    assert (draft.type, draft.answer) == (QuestionType.single, "A")


def test_a_block_with_tildes_and_arrows_is_multiple_choice_not_matching():
    draft = only(gift("正确的疏散路线是 {=楼梯 -> 室外 ~电梯 -> 室外}"))
    assert draft.options == ("楼梯 -> 室外", "电梯 -> 室外") and draft.answer == "A"


def test_a_full_credit_weight_counts_as_right_and_a_zero_weight_as_wrong():
    result = gift("题一 {~%0%甲 =%100%乙 ~丙}\n\n题二 {=%0%甲 =乙 ~丙}")
    assert [(d.answer, d.row) for d in result.drafts] == [("B", 1), ("B", 3)]


def test_a_single_choice_with_two_right_answers_is_refused_on_its_line():
    result = gift("// 注释\n\n::Q1::\n氧气瓶与乙炔瓶的间距 {=5 米 =10 米 ~1 米}")
    assert where(result) == [(3, "single_with_several_answers")]


@pytest.mark.parametrize("block, kind", [
    ("{119}", "short answer"),
    ("{=119 =幺幺九}", "short answer"),
    ("{=%100%119 =%50%一一九#接近了}", "short answer"),
    ("{=火警 -> 119 =急救 -> 120}", "matching"),
    ("{#119:0}", "numerical"),
    ("{\n}", "essay"),
    ("{####请说明理由。}", "essay"),
])
def test_kinds_the_contest_cannot_ask_are_named_by_moodles_rules(block, kind):
    refused = gift(f"火警电话是 {block}")
    assert where(refused) == [(1, "unsupported_question")] and refused.errors
    assert refused.issues[0].params == {"kind": kind}
    skipped = gift(f"火警电话是 {block}", skip_unsupported=True)
    assert skipped.ok and skipped.skipped_unsupported == 1 and skipped.warnings


@pytest.mark.parametrize("answer, expected", [("T", "A"), ("TRUE", "A"), ("F", "B"),
                                              ("FALSE", "B"), ("true", "A"), ("f", "B")])
def test_true_false_answers_are_read_in_any_case(answer, expected):
    draft = only(gift(f"使用灭火器时应对准火焰根部。{{{answer}}}"))
    assert (draft.type, draft.options, draft.answer) == (QuestionType.judge, ("正确", "错误"),
                                                         expected)


def test_true_false_feedback_is_dropped_and_the_general_feedback_is_the_explanation():
    draft = only(gift("电梯可以用于火灾逃生。{FALSE#不对，应走楼梯。#答对了。"
                      "####火灾时电梯可能断电。}"))
    assert (draft.answer, draft.explanation) == ("B", "火灾时电梯可能断电。")


def test_the_last_general_feedback_mark_starts_the_explanation():
    draft = only(gift("题干 {=甲#反馈 ~乙 ####解析 ####第二段}"))
    assert draft.explanation == "第二段" and draft.options == ("甲", "乙")


def test_a_missing_word_question_keeps_the_blank_where_the_answers_were():
    draft = only(gift("发现火灾应立即拨打 {=119 ~110 ~120} 报警。"))
    assert draft.stem == "发现火灾应立即拨打（ ）报警。"


def test_escapes_give_the_character_and_a_double_backslash_a_backslash():
    draft = only(gift(r"路径 C\:\\new 里 \{ \} \= \~ \# 都是文字\n第二行 {=甲\~乙 ~丙}"))
    assert draft.stem == "路径 C:\\new 里 { } = ~ # 都是文字 第二行"  # stems are one line
    assert draft.options == ("甲~乙", "丙")


def test_a_title_with_escaped_colons_is_dropped_whole():
    draft = only(gift(r"::第 1 题\: 消防:: 灭火器的有效期 {=5 年 ~10 年}"))
    assert draft.stem == "灭火器的有效期"


def test_format_markers_are_dropped_and_html_stays_text():
    draft = only(gift("[html]<p>安全电压<b>不高于</b>（ ）伏</p>{=[plain]36 ~[markdown]220}"))
    assert draft.stem == "<p>安全电压<b>不高于</b>（ ）伏</p>" and draft.options == ("36", "220")


@pytest.mark.parametrize("path, category", [
    ("$course$/top/安全生产月/消防安全", "消防安全"),
    ("消防安全", "消防安全"),
    ("$course$/top/用电//防雷", "用电/防雷"),
    ("$module$/", ""),
])
def test_a_category_line_sets_the_last_part_of_its_path(path, category):
    result = gift(f"$CATEGORY: {path}\n\n电器着火先断电。{{T}}")
    assert only(result).category == category


def test_a_question_may_follow_its_category_line_without_a_blank_line():
    result = gift("$CATEGORY: 用电安全\n湿手不能触摸开关。{T}\n\n$CATEGORY: 消防\n灭火 {=甲 ~乙}")
    assert [(d.category, d.row) for d in result.drafts] == [("用电安全", 2), ("消防", 5)]


def test_a_question_without_a_closing_brace_is_reported_on_its_line():
    text = "题一 {T}\n\n// 下一题没写右括号\n题二 {=甲\n~乙\n\n题三 {F}\n"
    result = gift(text)
    assert where(result) == [(4, "gift_unclosed")]
    assert [d.stem for d in result.drafts] == ["题一", "题三"]


def test_a_closing_brace_before_the_opening_one_is_reported_on_its_line():
    assert where(gift("题一 {T}\n\n题二 } 多了 {=甲 ~乙}")) == [(3, "gift_unclosed")]


def test_a_question_that_is_only_a_title_and_text_is_a_description():
    result = gift("::说明:: 以下为消防安全题。")
    assert result.issues[0].params == {"kind": "description"} and result.issues[0].line == 1


def test_the_place_of_each_question_is_its_first_line():
    text = "// 开头的注释\n\n\n::Q1::\n题一\n{T}\n\n题二 {=甲 ~乙}\n"
    assert [d.row for d in gift(text).drafts] == [4, 8]


def test_a_file_that_is_not_utf8_or_gb18030_is_refused():
    result = read_gift(b"\xff\xfe\xfa\x00{T}")
    assert [i.code for i in result.issues] == ["bad_encoding"]


def test_a_gbk_encoded_file_is_read():
    draft = only(read_gift("电器着火可以用水扑灭。{F}".encode("gb18030")))
    assert draft.stem == "电器着火可以用水扑灭。"


def test_windows_line_ends_are_read_like_unix_ones():
    result = gift("题一 {\r\n=甲\r\n~乙\r\n}\r\n\r\n题二 {T}\r\n")
    assert [(d.stem, d.row) for d in result.drafts] == [("题一", 1), ("题二", 6)]


def test_progress_is_reported_every_500_questions():
    calls = []
    text = "\n\n".join(f"第 {n} 题：湿手不能触摸开关。{{T}}" for n in range(1200))
    result = gift(text, progress=lambda done, total: calls.append(done))
    assert len(result.drafts) == 1200 and calls == [500, 1000]


# Writing ---------------------------------------------------------------------------------

DRAFTS = [
    QuestionDraft(QuestionType.single, "特殊字符 {括号} = ~ # : 与 C:\\new 都照原样",
                  ("甲=1", "乙~2", "丙#3", "丁 -> 4"), "C", "第一行\n第二行：冒号 {}", "消防/用电",
                  difficulty=3),
    QuestionDraft(QuestionType.multiple, "发现火灾后正确的做法有", ("拨打 119", "[html] 标记",
                                                           "%50% 开头", "乘电梯逃生",
                                                           "用湿毛巾捂住口鼻", "大声呼救"),
                  "ABCEF", "", "消防/用电", difficulty=1),
    QuestionDraft(QuestionType.judge, "[plain]<b>HTML</b> 照原样保留", ("正确", "错误"), "B",
                  "####不是解析开头", "用电安全"),
    QuestionDraft(QuestionType.single, "What number do you call for a fire?", ("110", "119"),
                  "B", "", ""),
]
FIELDS = ("type", "stem", "options", "answer", "explanation", "category", "difficulty")


def fields(drafts):
    return [[getattr(d, f) for f in FIELDS] for d in drafts]


def test_written_gift_reads_back_to_the_same_questions():
    back = parse_bytes(write_gift(DRAFTS).encode("utf-8"), "bank.gift")
    assert back.ok and back.format == "gift" and not back.issues, back.issues
    assert fields(back.drafts) == fields(DRAFTS)


def test_written_gift_is_recognised_by_its_content_when_named_txt():
    assert parse_bytes(write_gift(DRAFTS).encode("utf-8"), "导出.txt").format == "gift"


def test_written_gift_uses_moodles_category_paths_and_weights():
    text = write_gift(DRAFTS)
    assert "$CATEGORY: 消防//用电\n" in text and "$CATEGORY: 用电安全\n" in text
    assert "~%20%拨打 119" in text and "~%-100%乘电梯逃生" in text
    assert "// difficulty: 3\n::Q1::" in text and "// difficulty: 2" not in text


def test_each_weight_of_a_multiple_choice_is_written_so_that_they_add_up_to_100():
    draft = QuestionDraft(QuestionType.multiple, "三个正确", ("甲", "乙", "丙", "丁"), "ABD")
    text = write_gift([draft])
    assert text.count("~%33.33333%") == 3 and "~%-100%丙" in text
    assert fields(gift(text).drafts) == fields([draft])


def test_a_bank_without_categories_is_written_without_category_lines():
    drafts = [QuestionDraft(QuestionType.judge, "湿手不能触摸开关。", ("正确", "错误"), "A")]
    assert "$CATEGORY" not in write_gift(drafts)
    assert fields(gift(write_gift(drafts)).drafts) == fields(drafts)
