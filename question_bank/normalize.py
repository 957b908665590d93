"""Spellings organisers use for types, answers and difficulty; cell text clean-up; fingerprints."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Zero-width characters and a stray BOM are invisible in Excel but break comparisons.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Variation selectors turn ✔ into an emoji ✔️ without changing what it means.
_VARIATION = re.compile("[\ufe00-\ufe0f]")
# Spellings are compared without spaces, hyphens, underscores or a trailing colon.
_KEY_NOISE = re.compile(r"[\s\-_:：]+")
# Fill-in brackets: "（ ）", "( )", "[ ]", "【 】" all mean the same blank.
_BLANK_BRACKETS = re.compile(r"([(\[【〔])\s+([)\]】〕])")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# A space next to a Chinese character or Chinese punctuation carries no meaning.
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) | (?=[{_CJK}])")


def cell_text(value: object) -> str:
    """A cell value as the text the user saw in Excel (numbers, dates, booleans), unstripped."""
    if isinstance(value, str):  # the common case first: most cells are text
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # Excel shows at most 15 significant digits: 0.1+0.2 is "0.3" there.
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def clean(value: object) -> str:
    """A cell's text without stray whitespace (incl. \\u3000, nbsp, zero-width) at the ends."""
    text = cell_text(value).strip()
    if text and (text[0] in _INVISIBLE or text[-1] in _INVISIBLE):
        text = text.strip(_INVISIBLE).strip()
    # Excel and Windows CSV write \r\n inside cells; explanations keep plain \n newlines.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def clean_inline(value: object) -> str:
    """Like `clean`, with inner whitespace runs (newlines too) collapsed to one space."""
    return _SPACES.sub(" ", clean(value))


def spelling_key(text: str) -> str:
    """NFKC, case-folded, without spaces/hyphens/underscores: how spellings are compared."""
    text = _VARIATION.sub("", unicodedata.normalize("NFKC", text))
    return _KEY_NOISE.sub("", text).casefold()


def fingerprint_text(text: str) -> str:
    """Normalised text for duplicate detection: NFKC, spaces collapsed, case-folded."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    text = _BLANK_BRACKETS.sub(r"\1\2", text)
    return _CJK_SPACE.sub("", text).casefold()


def _table(**groups: list[str]) -> dict[str, str]:
    return {spelling_key(name): value for value, names in groups.items() for name in names}


TYPE_NAMES = _table(
    single=["单选", "单选题", "单项选择", "单项选择题", "single", "single choice",
            "single-choice question", "single choice question"],
    multiple=["多选", "多选题", "多项选择", "多项选择题", "multiple", "multiple choice",
              "multiple-choice question", "multiple choice question", "multi", "multi choice"],
    judge=["判断", "判断题", "是非", "是非题", "judge", "judgement", "judgment", "true-false",
           "true/false", "true false", "true/false question", "true-false question",
           "truefalse question", "tf", "t/f"],
)


def question_type(text: str) -> str | None:
    """'single', 'multiple' or 'judge' for a type as people write it, else None."""
    return TYPE_NAMES.get(spelling_key(text))


_JUDGE = _table(
    A=["对", "正确", "√", "✓", "✔", "t", "true", "是", "y", "yes", "1", "○"],
    B=["错", "错误", "×", "✗", "✘", "✕", "x", "f", "false", "否", "n", "no", "0"],
)


def judge_answer(text: str) -> str | None:
    """"A" (正确) or "B" (错误) for a true/false word or sign, else None (letters excluded)."""
    return _JUDGE.get(spelling_key(text))


_ANSWER_SEPARATORS = re.compile(r"[\s,，、;；/|.。]+")


def choice_answer(text: str) -> str | None:
    """Sorted, distinct letters for "A,C", "a c", "Ａ、Ｃ", "AAC"...; None if not only letters."""
    letters = _ANSWER_SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not letters or not letters.isascii() or not letters.isalpha():
        return None
    return "".join(sorted(set(letters)))


DIFFICULTY = {spelling_key(name): level for level, names in {
    1: ["易", "简单", "容易", "较易", "1", "easy", "低"],
    2: ["中", "中等", "一般", "适中", "2", "medium", "normal", "普通"],
    3: ["难", "困难", "较难", "3", "hard", "difficult", "高"],
}.items() for name in names}


def difficulty(text: str) -> int | None:
    """1, 2 or 3 for a difficulty as people write it; blank means 2; None if unrecognised."""
    if not text:
        return 2
    return DIFFICULTY.get(spelling_key(text))


#: Question kinds other exam systems have and a contest cannot ask: reported as unsupported
#: (by name) instead of as an unknown type.
UNSUPPORTED_TYPE_NAMES = {spelling_key(name): name for name in [
    "填空", "填空题", "简答", "简答题", "问答", "问答题", "论述题", "案例分析题", "分析题",
    "计算题", "名词解释", "排序题", "连线题", "匹配题", "主观题", "作文", "essay", "short answer",
    "matching", "numerical", "fill in the blank", "cloze",
]}


def unsupported_type(text: str) -> str | None:
    """The name of a question kind we know and cannot ask (填空题, essay...), else None."""
    return UNSUPPORTED_TYPE_NAMES.get(spelling_key(text))


# The separator's spaces are only looked for after a separator: two optional runs of \s side
# by side would be tried in every split of a long run of spaces (quadratic backtracking).
_LEGEND = re.compile(r"(\d{1,2})\s*(?:[:：=、．.\-]\s*)?([^\d\s,，;；、()（）:：=]{1,8})")


def type_legend(text: str) -> dict[str, str]:
    """{"1": "single", "4": "简答题"...} from text such as "1单选题2多选题3判断题4简答题" or
    "1=单选, 2=多选"; empty unless at least two codes name question kinds."""
    legend: dict[str, str] = {}
    for code, name in _LEGEND.findall(text or ""):
        kind = question_type(name) or unsupported_type(name)
        if kind and code not in legend:
            legend[code] = kind
    return legend if len(legend) >= 2 else {}


def flag(text: str) -> bool | None:
    """An "is this option right" cell: 1/是/对/√/Y -> True, 0/否/错/×/N/blank -> False."""
    if not text:
        return False
    meaning = judge_answer(text)
    return None if meaning is None else meaning == "A"
