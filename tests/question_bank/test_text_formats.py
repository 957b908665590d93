"""GIFT, Aiken and Moodle XML: what each kind becomes, and every problem by its line."""

from __future__ import annotations

import pytest

from question_bank import QuestionDraft, QuestionType, parse_bytes
from question_bank.gift import write_gift


def parse(text: str, name: str, **options):
    return parse_bytes(text.encode("utf-8"), name, **options)


def where(result):
    return [(issue.line, issue.code) for issue in result.issues]


GIFT = """// 消防知识
$CATEGORY: $course$/安全生产月/消防安全

::Q1:: 发现火灾时应拨打的火警电话是（ ）。 {
    ~110 # 这是报警电话
    =119
    ~120
    ####119 是火警电话。
}

::Q2::[html]使用干粉灭火器时，正确的做法有（ ）。{
    ~%50%拔掉保险销
    ~%50%对准火焰根部喷射
    ~%-100%站在下风口
}

电器着火时可以直接用水扑灭。{FALSE####应先切断电源。}

比值 1\\:2 中的 \\= 号与 \\{括号\\} 照原样保留。{T}
"""


def test_gift_multiple_choice_multiple_response_and_true_false_are_read():
    result = parse(GIFT, "bank.gift")
    assert result.ok and result.format == "gift" and not result.issues
    single, multiple, false, true = result.drafts
    assert (single.type, single.options, single.answer) == (
        QuestionType.single, ("110", "119", "120"), "B")
    assert single.explanation == "119 是火警电话。" and single.category == "消防安全"
    assert (multiple.type, multiple.answer) == (QuestionType.multiple, "AB")
    assert multiple.stem == "使用干粉灭火器时，正确的做法有（ ）。"  # [html] marker dropped
    assert (false.type, false.answer, false.explanation) == (QuestionType.judge, "B",
                                                             "应先切断电源。")
    assert true.stem == "比值 1:2 中的 = 号与 {括号} 照原样保留。" and true.answer == "A"
    assert [d.row for d in result.drafts] == [4, 11, 17, 19]


def test_gift_is_told_from_its_content_even_when_named_txt():
    assert parse(GIFT, "导出.txt").format == "gift"


@pytest.mark.parametrize("item, kind", [
    ("::E:: 谈谈你对安全生产的认识。{}", "essay"),
    ("::M:: 连线 {=火警 -> 119 =急救 -> 120 =报警 -> 110}", "matching"),
    ("::N:: 灭火器压力表指针应在哪个区域（填数字）{#3:1}", "numerical"),
    ("::S:: 火警电话是 {=119 =幺幺九}", "short answer"),
    ("只有说明文字，没有答案。", "description"),
])
def test_gift_kinds_the_contest_cannot_ask_fail_the_file_unless_skipped(item, kind):
    text = GIFT + "\n" + item + "\n"
    line = text.count("\n", 0, text.index(item)) + 1
    refused = parse(text, "bank.gift")
    assert where(refused) == [(line, "unsupported_question")] and not refused.ok
    assert kind in refused.issues[0].message
    skipped = parse(text, "bank.gift", skip_unsupported=True)
    assert skipped.ok and skipped.skipped_unsupported == 1 and len(skipped.drafts) == 4


@pytest.mark.parametrize("item, code", [
    ("没有右括号的题 {=对 ~错", "gift_unclosed"),
    ("都不对的题 {~甲 ~乙}", "gift_no_right_answer"),
    ("只有一个选项 {=甲 ~}", "too_few_options"),
    ("两个正确答案 {=甲 =乙 ~丙}", "single_with_several_answers"),
    ("选项太多 {=1 ~2 ~3 ~4 ~5 ~6 ~7}", "too_many_options"),
    ("{=甲 ~乙}", "missing_stem"),
    ("答案块后又有答案 {=甲 ~乙} 以及 {=丙 ~丁}", "gift_two_answer_blocks"),
    ("答案格式不对 {甲 =乙 ~丙}", "gift_answers_unreadable"),
])
def test_gift_errors_are_placed_on_the_question_line(item, code):
    text = GIFT + "\n// 下面这题有问题\n" + item + "\n\n下一题 {T}\n"
    line = text.count("\n", 0, text.index(item)) + 1
    result = parse(text, "bank.gift")
    assert where(result) == [(line, code)]
    assert len(result.drafts) == 5


def test_a_gift_question_twice_is_skipped_and_counted():
    result = parse(GIFT + "\n电器着火时可以直接用水扑灭。{F}\n", "bank.gift")
    assert result.ok and result.skipped_duplicates == 1 and len(result.drafts) == 4
    assert where(result) == [(21, "duplicate_at_line")]
    assert "line 17" in result.issues[0].message


def test_gift_export_reads_back_to_the_same_questions():
    drafts = [
        QuestionDraft(QuestionType.single, "特殊字符 {括号} = ~ # : 都要转义",
                      ("甲=1", "乙~2", "丙#3"), "C", "解析第一行\n第二行：冒号", "消防安全"),
        QuestionDraft(QuestionType.multiple, "三个正确答案", ("甲", "乙", "丙", "丁", "戊", "己"),
                      "ACF", "", "消防安全"),
        QuestionDraft(QuestionType.judge, "HTML <b>照原样</b> 保留", ("正确", "错误"), "B", "",
                      "用电安全"),
        QuestionDraft(QuestionType.single, "English text, too", ("yes", "no"), "A", "", ""),
    ]
    back = parse(write_gift(drafts), "out.gift")
    assert back.ok, back.issues
    fields = ("type", "stem", "options", "answer", "explanation", "category")
    assert [[getattr(d, f) for f in fields] for d in back.drafts] == \
           [[getattr(d, f) for f in fields] for d in drafts]


AIKEN = """发现火灾时应拨打的火警电话是：
A. 110
B. 119
C) 120
ANSWER: B

下列哪种灭火器适用于扑救电气火灾？
A) 清水灭火器
B) 二氧化碳灭火器
ANSWER: b
"""


def test_aiken_single_choice_questions_are_read():
    result = parse(AIKEN, "bank.txt")
    assert result.format == "aiken" and result.ok
    assert [(d.type, d.answer, d.row) for d in result.drafts] == [
        (QuestionType.single, "B", 1), (QuestionType.single, "B", 7)]
    assert result.drafts[0].options == ("110", "119", "120")


@pytest.mark.parametrize("text, expected", [
    ("A. 选项在题干前\nANSWER: A\n", [(1, "aiken_option_before_question"),
                                   (2, "aiken_answer_before_question")]),
    ("只有一个选项\nA. 甲\nANSWER: A\n", [(3, "too_few_options")]),
    ("没写答案\nA. 甲\nB. 乙\n下一题\nA. 丙\nB. 丁\nANSWER: A\n", [(4, "aiken_not_finished")]),
    ("答案不是选项\nA. 甲\nB. 乙\nANSWER: C\n", [(1, "answer_not_an_option")]),
    ("选项跳号\nA. 甲\nC. 乙\nANSWER: A\n", [(3, "aiken_option_out_of_order")]),
    ("文件结束仍未作答\nA. 甲\nB. 乙\n", [(1, "aiken_not_finished")]),
])
def test_aiken_problems_are_placed_on_their_lines(text, expected):
    result = parse_bytes(text.encode("utf-8"), "bank.txt", fmt="aiken")
    assert where(result) == expected


XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/安全/用电安全</text></category></question>
  <question type="multichoice">
    <name><text>q1</text></name>
    <questiontext><text><![CDATA[<p>安全电压一般不超过（ ）伏</p>]]></text></questiontext>
    <generalfeedback format="html"><text>安全电压 36 伏。</text></generalfeedback>
    <single>true</single>
    <answer fraction="0"><text>220</text></answer>
    <answer fraction="100"><text>36</text></answer>
  </question>
  <question type="multichoice">
    <questiontext><text>触电急救的正确做法有</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>先切断电源</text></answer>
    <answer fraction="-100"><text>直接用手拉开</text></answer>
    <answer fraction="50"><text>用干木棒挑开电线</text></answer>
  </question>
  <question type="truefalse">
    <questiontext><text>湿手可以触摸开关。</text></questiontext>
    <answer fraction="0"><text>true</text></answer>
    <answer fraction="100"><text>false</text></answer>
  </question>
  <question type="essay">
    <questiontext><text>谈谈用电安全</text></questiontext>
  </question>
</quiz>
"""


def test_moodle_xml_multichoice_and_truefalse_are_read_with_categories():
    result = parse(XML, "export.xml", skip_unsupported=True)
    assert result.format == "xml" and result.ok and result.skipped_unsupported == 1
    single, multiple, judge = result.drafts
    assert single.stem == "<p>安全电压一般不超过（ ）伏</p>"  # HTML kept as text
    assert (single.answer, single.explanation, single.category) == ("B", "安全电压 36 伏。",
                                                                    "用电安全")
    assert (multiple.type, multiple.answer) == (QuestionType.multiple, "AC")
    assert (judge.type, judge.answer, judge.row) == (QuestionType.judge, "B", 19)
    refused = parse(XML, "export.xml")
    assert where(refused) == [(24, "unsupported_question")]


@pytest.mark.parametrize("text, expected", [
    (XML.replace('fraction="50"', 'fraction="45"', 1), [(15, "xml_bad_fraction")]),
    (XML.replace("</quiz>", ""), [(28, "xml_malformed")]),
    ('<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>',
     [(2, "xml_declarations")]),
    ('<?xml version="1.0"?>\n<questions><quiz/></questions>', [(1, "xml_not_moodle")]),
])
def test_moodle_xml_problems_are_placed_on_their_lines(text, expected):
    result = parse_bytes(text.encode("utf-8"), "export.xml", fmt="xml",
                         skip_unsupported=True)
    assert [(issue.line, issue.code) for issue in result.errors] == expected


def test_a_billion_laughs_file_is_refused_quickly():
    lol = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol" + (str(i - 1) if i > 1 else "") + ";" * 1}' * 1 + '">'
        for i in range(1, 10)) + "]>\n<quiz>&lol9;</quiz>"
    result = parse_bytes(lol.encode(), "bomb.xml")
    assert [i.code for i in result.issues] == ["xml_declarations"]


@pytest.mark.parametrize("text, fmt", [("// 只有注释\n", "gift"), ("\n\n", "aiken"),
                                       ("<quiz>\n</quiz>", "xml")])
def test_text_formats_say_a_file_without_questions_is_empty(text, fmt):
    result = parse_bytes(text.encode("utf-8"), "bank", fmt=fmt)
    assert [i.code for i in result.issues] in (["empty_file"], ["empty_file"])
