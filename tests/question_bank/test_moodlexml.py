"""Moodle XML in detail: grades, kinds, categories, texts kept as written, the sniffer, and
the refusals (declarations, malformed XML), every issue on its line."""

from __future__ import annotations

import pytest

from question_bank import QuestionType, ReadOptions, detect_format, parse_bytes
from question_bank.model import STEM_MAX_LENGTH
from question_bank.moodlexml import looks_like_moodle_xml, read_moodle_xml


def quiz(*questions: str, head: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> str:
    """A Moodle export: each question starts on its own line, the first on line 3."""
    return head + "<quiz>\n" + "\n".join(questions) + "\n</quiz>\n"


def choice(stem: str, *answers: tuple[str, str], single: str | None = "true",
           feedback: str = "") -> str:
    single_tag = "" if single is None else f"<single>{single}</single>"
    answer_tags = "".join(f'<answer fraction="{grade}"><text>{text}</text></answer>'
                          for grade, text in answers)
    return (f'<question type="multichoice"><questiontext format="html"><text>{stem}</text>'
            f"</questiontext><generalfeedback><text>{feedback}</text></generalfeedback>"
            f"{single_tag}{answer_tags}</question>")


def truefalse(stem: str, true_grade: str, false_grade: str, words=("true", "false")) -> str:
    return (f'<question type="truefalse"><questiontext><text>{stem}</text></questiontext>'
            f'<answer fraction="{true_grade}"><text>{words[0]}</text></answer>'
            f'<answer fraction="{false_grade}"><text>{words[1]}</text></answer></question>')


def read(text: str, **options):
    return parse_bytes(text.encode("utf-8"), "export.xml", **options)


def where(result):
    return [(issue.line, issue.code) for issue in result.issues]


# --- what each kind becomes ---------------------------------------------------------------

def test_single_choice_right_option_is_the_full_mark_one_partial_credit_counts_as_wrong():
    result = read(quiz(choice("火警电话是", ("50", "112"), ("100", "119"), ("0", "110"))))
    assert result.ok and result.format == "xml"
    (draft,) = result.drafts
    assert (draft.type, draft.options, draft.answer, draft.row) == (
        QuestionType.single, ("112", "119", "110"), "B", 3)


def test_single_choice_without_a_full_mark_answer_is_refused_like_moodle_does():
    # Moodle: "One of the answers should be 100%..." (errfractionsnomax)
    result = read(quiz(choice("火警电话是", ("50", "112"), ("0", "110"))))
    assert where(result) == [(3, "gift_no_right_answer")] and not result.drafts


def test_single_choice_with_two_full_mark_answers_is_refused():
    result = read(quiz(choice("火警电话是", ("100", "119"), ("100", "112"), ("0", "110"))))
    assert where(result) == [(3, "single_with_several_answers")]


@pytest.mark.parametrize("single, expected", [
    (None, QuestionType.single), ("1", QuestionType.single), ("TRUE", QuestionType.single),
    ("false", QuestionType.multiple), ("0", QuestionType.multiple), ("", QuestionType.multiple),
])
def test_the_single_element_decides_single_or_multiple_as_in_moodle(single, expected):
    answers = (("100", "甲"), ("0", "乙")) if expected is QuestionType.single else (
        ("50", "甲"), ("50", "乙"), ("-100", "丙"))
    result = read(quiz(choice("选出正确的", *answers, single=single)))
    assert result.ok, result.issues
    assert result.drafts[0].type is expected


def test_multiple_choice_right_options_are_those_with_a_positive_grade():
    result = read(quiz(choice("正确的有", ("33.33333", "甲"), ("-50", "乙"), ("33.33333", "丙"),
                              ("0", "丁"), ("33.33333", "戊"), single="false")))
    assert result.ok and result.drafts[0].answer == "ACE"


def test_multiple_choice_with_one_right_option_is_refused():
    result = read(quiz(choice("正确的有", ("100", "甲"), ("0", "乙"), single="false")))
    assert where(result) == [(3, "multiple_needs_two_answers")]


@pytest.mark.parametrize("count, code", [(0, "too_few_options"), (1, "too_few_options"),
                                         (7, "too_many_options")])
def test_option_counts_outside_two_to_six_are_refused_on_the_question_line(count, code):
    answers = [("100", "右")] + [("0", f"错{i}") for i in range(1, count)]
    result = read(quiz(choice("选一个", *answers[:count])))
    assert where(result) == [(3, code)]


@pytest.mark.parametrize("true_grade, false_grade, answer", [
    ("100", "0", "A"), ("0", "100", "B"),
])
def test_truefalse_becomes_a_judge_question(true_grade, false_grade, answer):
    result = read(quiz(truefalse("湿手可以触摸开关", true_grade, false_grade)))
    (draft,) = result.drafts
    assert (draft.type, draft.options, draft.answer) == (QuestionType.judge, ("正确", "错误"),
                                                         answer)


def test_truefalse_answers_in_other_words_count_as_true_then_false_by_order():
    result = read(quiz(truefalse("湿手可以触摸开关", "0", "100", words=("对", "错"))))
    assert result.ok and result.drafts[0].answer == "B"


def test_truefalse_with_no_full_mark_answer_is_refused():
    assert where(read(quiz(truefalse("湿手可以触摸开关", "0", "0")))) == [
        (3, "gift_no_right_answer")]


@pytest.mark.parametrize("kind", ["essay", "matching", "shortanswer", "numerical",
                                  "description", "cloze", "ddwtos", "calculated"])
def test_kinds_the_contest_cannot_ask_are_reported_on_their_line_or_skipped(kind):
    text = quiz(truefalse("可以", "100", "0"),
                f'<question type="{kind}"><questiontext><text>x</text></questiontext>'
                "</question>")
    refused = read(text)
    assert where(refused) == [(4, "unsupported_question")]
    assert refused.issues[0].params == {"kind": kind}
    skipped = read(text, skip_unsupported=True)
    assert skipped.ok and skipped.skipped_unsupported == 1 and len(skipped.drafts) == 1


# --- texts ----------------------------------------------------------------------------------

def test_html_is_kept_as_literal_text_whether_in_cdata_or_escaped():
    text = quiz(choice("<![CDATA[<p>按 <b>Ctrl</b> & C</p>]]>", ("100", "&lt;i&gt;复制&lt;/i&gt;"),
                       ("0", "粘贴")))
    draft = read(text).drafts[0]
    assert draft.stem == "<p>按 <b>Ctrl</b> & C</p>"
    assert draft.options[0] == "<i>复制</i>"


def test_general_feedback_becomes_the_explanation_with_its_lines():
    result = read(quiz(choice("火警电话是", ("100", "119"), ("0", "110"),
                              feedback="第一行\n第二行")))
    assert result.drafts[0].explanation == "第一行\n第二行"


@pytest.mark.parametrize("path, category", [
    ("$course$/top/消防/灭火器", "灭火器"),
    ("$course$/Iota/Kappa", "Kappa"),
    ("$system$/top/电工//焊工", "电工/焊工"),  # Moodle writes a / inside a name as //
    ("$course$/top", ""),
    ("用电安全", "用电安全"),
])
def test_category_is_the_last_part_of_the_path(path, category):
    text = quiz(f'<question type="category"><category><text>{path}</text></category>'
                "</question>", truefalse("可以", "100", "0"))
    assert read(text).drafts[0].category == category


def test_a_category_applies_until_the_next_one():
    text = quiz(truefalse("一", "100", "0"),
                '<question type="category"><category><text>$course$/甲</text></category>'
                "</question>",
                truefalse("二", "100", "0"), truefalse("三", "0", "100"),
                '<question type="category"><category><text>$course$/乙</text></category>'
                "</question>",
                truefalse("四", "100", "0"))
    assert [d.category for d in read(text).drafts] == ["", "甲", "甲", "乙"]


def test_missing_and_too_long_stems_are_placed_on_the_question_line():
    text = quiz(truefalse("", "100", "0"), truefalse("长" * (STEM_MAX_LENGTH + 1), "100", "0"))
    assert where(read(text)) == [(3, "missing_stem"), (4, "stem_too_long")]


def test_a_repeated_question_is_a_warning_and_counted():
    twice = truefalse("湿手可以触摸开关", "0", "100")
    text = quiz(twice, twice)
    result = read(text)
    assert result.ok and len(result.drafts) == 1 and result.skipped_duplicates == 1
    assert where(result) == [(4, "duplicate_at_line")]
    assert result.warnings[0].params == {"first_line": 3}


# --- grades ---------------------------------------------------------------------------------

@pytest.mark.parametrize("grade", ["33", "45", "-33", "abc", "101", "150"])
def test_a_grade_moodle_does_not_offer_is_an_error_on_its_answer_line(grade):
    text = quiz('<question type="multichoice">\n<questiontext><text>选</text></questiontext>\n'
                '<answer fraction="100"><text>甲</text></answer>\n'
                f'<answer fraction="{grade}"><text>乙</text></answer>\n</question>')
    result = read(text)
    assert where(result) == [(6, "xml_bad_fraction")] and not result.drafts
    assert result.issues[0].params == {"value": grade}


@pytest.mark.parametrize("grade", ["33.33333", "-33.33333", "83.33333", "14.28571", "12.5",
                                   "-100", "5", "0", "0.0000000"])
def test_every_grade_moodle_offers_is_accepted(grade):
    result = read(quiz(choice("选", ("100", "甲"), (grade, "乙"))))
    assert result.ok, result.issues


# --- refusals and reading -----------------------------------------------------------------

@pytest.mark.parametrize("text, line", [
    ('<?xml version="1.0"?>\n<!DOCTYPE quiz SYSTEM "http://example.com/q.dtd">\n<quiz/>', 2),
    ('<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
     "<quiz>&x;</quiz>", 2),
    ('<?xml version="1.0"?>\n\n<!DOCTYPE quiz [<!ENTITY % p SYSTEM "http://example.com/e.dtd">'
     " %p;]>\n<quiz/>", 3),
])
def test_document_types_and_entities_are_refused_and_nothing_is_fetched(text, line):
    result = read(text)
    assert where(result) == [(line, "xml_declarations")]


@pytest.mark.parametrize("text, line", [
    (quiz(truefalse("一", "100", "0"), "<question type='truefalse'><questiontext>",
          "</question>"), 5),
    ('<?xml version="1.0"?>\n<quiz>\n<question type="essay">a & b</question>\n</quiz>', 3),
    ('<?xml version="1.0"?>\n<quiz>\n<question type="essay">&nbsp;</question>\n</quiz>', 3),
])
def test_malformed_xml_is_one_error_on_the_line_expat_reports(text, line):
    result = read(text)
    assert where(result) == [(line, "xml_malformed")]
    assert result.issues[0].params["reason"]


def test_a_gbk_declared_export_is_read():
    text = quiz(truefalse("湿手可以触摸开关", "0", "100"),
                head='<?xml version="1.0" encoding="GBK"?>\n')
    result = parse_bytes(text.encode("gbk"), "export.xml")
    assert result.ok and result.drafts[0].stem == "湿手可以触摸开关"


def test_an_export_declared_gbk_but_saved_as_utf8_is_read_as_utf8():
    text = quiz(truefalse("湿手可以触摸开关", "0", "100"),
                head='<?xml version="1.0" encoding="GB2312"?>\n')
    result = parse_bytes(text.encode("utf-8"), "export.xml")
    assert result.ok and result.drafts[0].stem == "湿手可以触摸开关"


def test_progress_is_reported_every_500_questions():
    calls = []
    text = quiz(*(truefalse(f"第{i}题", "100", "0") for i in range(1200)))
    options = ReadOptions(progress=lambda done, total: calls.append((done, total)))
    result = read_moodle_xml(text.encode(), options)
    assert len(result.drafts) == 1200 and calls == [(500, None), (1000, None)]


# --- telling Moodle XML from the other formats ----------------------------------------------

@pytest.mark.parametrize("text", [
    quiz(truefalse("一", "100", "0")),
    "\ufeff" + quiz(truefalse("一", "100", "0")),
    '<?xml version="1.0"?>\n<!-- exported -->\n<?php-ish pi?>\n<quiz></quiz>',
    "<quiz/>",
    '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "b">]>\n<quiz>&a;</quiz>',
])
def test_moodle_xml_is_recognised_by_its_quiz_root(text):
    data = text.encode("utf-8")
    assert looks_like_moodle_xml(data) and detect_format(data, "bank.txt") == "xml"


@pytest.mark.parametrize("text", [
    "题型,题干,选项A,选项B,答案\n单选,<quiz> 标签的作用是,甲,乙,A\n",
    "<b>题型</b>,题干,答案\n单选,<quiz>,A\n",
    "::Q1:: <quiz> 是什么 {=标签 ~属性}\n",
    "<p>哪个是 XML 根元素？</p> {=<quiz> ~<html>}\n",
    "Which tag is the root of a Moodle export?\nA. <quiz>\nB. <html>\nANSWER: A\n",
    '<?xml version="1.0"?>\n<questions><quiz/></questions>',
])
def test_text_that_mentions_quiz_is_not_taken_for_moodle_xml(text):
    assert not looks_like_moodle_xml(text.encode("utf-8"))


@pytest.mark.parametrize("data", [b" " * 65536 + b"x", b"<!--" + b"-" * 65536,
                                  b"<?a?>" * 13000, b"<!DOCTYPE " + b"[" * 65536])
def test_sniffing_odd_input_is_quick_and_says_no(data):
    import time

    started = time.perf_counter()
    assert not looks_like_moodle_xml(data)
    assert time.perf_counter() - started < 0.5
