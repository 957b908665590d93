"""GIFT export and import give back every text unchanged: backslashes, a literal `\\n`,
every character GIFT gives a meaning."""

from __future__ import annotations

import pytest

from question_bank import QuestionDraft, QuestionType, parse_bytes
from question_bank.gift import SPECIAL, write_gift

TEXTS = [
    r"C:\new\table",
    r"x\=y",
    r"字面的 \n 不是换行",
    "\\",
    "\\\\ 两个反斜杠",
    "结尾一个反斜杠\\",
    r"\{不是括号\}",
    "每个特殊字符：" + SPECIAL + " 和 \\" + SPECIAL,
    "%50% 开头",
    "[html] 开头",
    "####四个井号",
    "::不是标题::",
    "// 不是注释",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_text_comes_back_unchanged_in_stem_options_and_explanation(text):
    draft = QuestionDraft(QuestionType.single, "题干 " + text, ("甲 " + text, text),
                          "B", "解析 " + text, "")
    back = parse_bytes(write_gift([draft]).encode("utf-8"), "bank.gift")
    assert back.ok, back.issues
    got = back.drafts[0]
    assert (got.stem, got.options, got.explanation) == (draft.stem, draft.options,
                                                        draft.explanation)


def test_a_multiline_explanation_keeps_its_lines_and_its_backslashes():
    draft = QuestionDraft(QuestionType.judge, r"路径 C:\temp 里的文件", ("正确", "错误"), "A",
                          "第一行\n第二行 \\n 照原样")
    back = parse_bytes(write_gift([draft]).encode("utf-8"), "bank.gift").drafts[0]
    assert back.stem == draft.stem and back.explanation == draft.explanation
