"""Spellings organizers use for types, answers and difficulty, and text clean-up."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(value: object) -> str:
    """A cell as the text the user saw, stripped of stray whitespace at both ends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").replace("\xa0", " ").strip()


def clean_inline(value: object) -> str:
    """Like `clean`, with inner runs of whitespace collapsed (stems, options)."""
    return _SPACES.sub(" ", clean(value))


def fingerprint_text(text: str) -> str:
    """NFKC, case-folded, without whitespace: what makes two spellings the same question."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _key(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).lower()


TYPE_NAMES = {
    **dict.fromkeys(["单选", "单选题", "单项选择题", "单项选择", "single", "singlechoice"],
                    "single"),
    **dict.fromkeys(["多选", "多选题", "多项选择题", "多项选择", "multiple", "multiplechoice",
                     "multi"], "multiple"),
    **dict.fromkeys(["判断", "判断题", "judge", "true-false", "truefalse", "true/false",
                     "tf"], "judge"),
}


def question_type(text: str) -> str | None:
    """'single', 'multiple' or 'judge' for a type as people write it, else None."""
    return TYPE_NAMES.get(_key(text))


JUDGE_TRUE = {"对", "正确", "√", "✓", "✔", "t", "true", "是", "y", "yes", "1", "a"}
JUDGE_FALSE = {"错", "错误", "×", "✗", "✘", "x", "f", "false", "否", "n", "no", "0", "b"}


def judge_answer(text: str) -> str | None:
    """"A" (正确) or "B" (错误) for a true/false answer as people write it, else None."""
    key = _key(text)
    if key in JUDGE_TRUE:
        return "A"
    if key in JUDGE_FALSE:
        return "B"
    return None


_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def choice_answer(text: str) -> str | None:
    """Sorted, distinct letters for "A,C", "a c", "Ａ、Ｃ", "AC"...; None if not letters."""
    letters = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not letters or not letters.isalpha() or not letters.isascii():
        return None
    return "".join(sorted(set(letters)))


DIFFICULTY = {
    **dict.fromkeys(["易", "简单", "容易", "1", "easy", "低"], 1),
    **dict.fromkeys(["中", "中等", "一般", "2", "medium", "普通"], 2),
    **dict.fromkeys(["难", "困难", "较难", "3", "hard", "高"], 3),
}


def difficulty(text: str) -> int | None:
    """1, 2 or 3; blank means 2 (medium); None if unrecognised."""
    if not text:
        return 2
    return DIFFICULTY.get(_key(text))
