"""Spellings, cell text and fingerprints, without any file."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from question_bank import QuestionDraft, QuestionType
from question_bank import normalize as norm


@pytest.mark.parametrize("written, expected", [
    ("单选", "single"), ("单选题", "single"), ("单项选择题", "single"), ("单项选择", "single"),
    ("Single", "single"), ("single choice", "single"), ("ＳＩＮＧＬＥ", "single"),
    (" 单 选 题 ", "single"), ("多选", "multiple"), ("多选题", "multiple"),
    ("多项选择题", "multiple"), ("多项选择", "multiple"), ("MULTIPLE", "multiple"),
    ("Multiple Choice", "multiple"), ("判断", "judge"), ("判断题", "judge"), ("judge", "judge"),
    ("true-false", "judge"), ("TrueFalse", "judge"), ("true/false question", "judge"),
    ("判\u3000断", "judge"),
])
def test_type_spellings_are_recognised(written, expected):
    assert norm.question_type(written) == expected


@pytest.mark.parametrize("written", ["填空", "问答题", "", "single-ish"])
def test_other_type_words_are_not_guessed(written):
    assert norm.question_type(written) is None


@pytest.mark.parametrize("written, expected", [
    ("A", "A"), ("AC", "AC"), ("A,C", "AC"), ("A，C", "AC"), ("A、C", "AC"), ("A C", "AC"),
    ("A;C", "AC"), ("a c", "AC"), ("Ａ、Ｃ", "AC"), ("ＡＣ", "AC"), ("AAC", "AC"), ("CBA", "ABC"),
])
def test_choice_answer_spellings_become_sorted_letters(written, expected):
    assert norm.choice_answer(written) == expected


@pytest.mark.parametrize("written", ["正确", "1", "A1", "甲"])
def test_a_choice_answer_that_is_not_letters_is_unreadable(written):
    assert norm.choice_answer(written) is None


@pytest.mark.parametrize("written, expected", [
    ("对", "A"), ("错", "B"), ("正确", "A"), ("错误", "B"), ("√", "A"), ("×", "B"),
    ("✓", "A"), ("✗", "B"), ("✔", "A"), ("✘", "B"), ("✔\ufe0f", "A"), ("T", "A"), ("f", "B"),
    ("TRUE", "A"), ("False", "B"), ("是", "A"), ("否", "B"), ("Y", "A"), ("n", "B"),
    ("yes", "A"), ("NO", "B"), ("1", "A"), ("0", "B"), (" 对 ", "A"),
])
def test_true_false_spellings_are_recognised(written, expected):
    assert norm.judge_answer(written) == expected


@pytest.mark.parametrize("written, expected", [
    ("易", 1), ("简单", 1), ("容易", 1), ("1", 1), ("Easy", 1), ("中", 2), ("中等", 2),
    ("一般", 2), ("2", 2), ("medium", 2), ("", 2), ("难", 3), ("困难", 3), ("较难", 3),
    ("3", 3), ("HARD", 3),
])
def test_difficulty_spellings_and_blank_means_medium(written, expected):
    assert norm.difficulty(written) == expected


def test_unknown_difficulty_is_none():
    assert norm.difficulty("很难很难") is None and norm.difficulty("4") is None


@pytest.mark.parametrize("value, shown", [
    (None, ""), (1.0, "1"), (3.14, "3.14"), (0.1 + 0.2, "0.3"), (2021, "2021"),
    (True, "TRUE"), (False, "FALSE"), (dt.date(2026, 6, 16), "2026-06-16"),
    (dt.datetime(2026, 6, 16), "2026-06-16"), (dt.datetime(2026, 6, 16, 9, 5), "2026-06-16 09:05"),
])
def test_cells_read_as_the_text_excel_shows(value, shown):
    assert norm.cell_text(value) == shown


def test_clean_strips_fullwidth_nbsp_and_zero_width_space_at_the_ends_only():
    assert norm.clean("\u3000\xa0\u200b第一行\n\n第二行 \u3000") == "第一行\n\n第二行"
    assert norm.clean("a\r\nb") == "a\nb"


def test_clean_inline_collapses_inner_whitespace_runs():
    assert norm.clean_inline(" 火警 \u3000 电话\n是 ") == "火警 电话 是"


def draft(stem: str, options=("110", "119"), type_=QuestionType.single) -> QuestionDraft:
    return QuestionDraft(type=type_, stem=stem, options=tuple(options), answer="B")


@pytest.mark.parametrize("variant", [
    "火警电话是（ ）。", "火警电话是（）。", "火警电话是( )。", " 火警电话是（\u3000）。 ",
    "火警电话是(  )。", "火警 电话是（ ）。", "火警电话是 （ ） 。",
])
def test_the_same_question_retyped_has_the_same_fingerprint(variant):
    assert draft(variant).fingerprint() == draft("火警电话是（ ）。").fingerprint()


def test_fullwidth_and_case_variants_of_options_have_the_same_fingerprint():
    first = draft("Which gas?", options=("CO2", "N2"))
    second = draft("which  GAS?", options=("ＣＯ２", " n2"))
    assert first.fingerprint() == second.fingerprint()


@pytest.mark.parametrize("other", [
    draft("火警电话是（ ）？"), draft("火警电话是（ ）。", options=("119", "110")),
    draft("火警电话是（ ）。", type_=QuestionType.multiple), draft("fire call is 1 19"),
])
def test_a_different_question_has_a_different_fingerprint(other):
    assert other.fingerprint() != draft("火警电话是（ ）。").fingerprint()


def test_spaces_between_latin_words_still_count():
    assert draft("a cat").fingerprint() != draft("acat").fingerprint()


def test_the_fingerprint_is_a_stable_sha1_of_type_stem_and_options():
    expected = hashlib.sha1("single\x1f火警电话是()。\x1f110\x1f119".encode()).hexdigest()
    assert draft("火警电话是（ ）。").fingerprint() == expected
