"""GIFT, Moodle's text format: reading the kinds a contest asks, and writing a bank as GIFT.

Read: multiple choice (`=right ~wrong`) as single choice; multiple response (`~%50%a
~%50%b ~%-100%c`: the options with a positive weight are the right ones) as multiple choice;
`{T}`/`{TRUE}`/`{F}`/`{FALSE}` as true/false. General feedback (`####...`) becomes the
explanation; per-answer feedback (`#...`) is dropped. `$CATEGORY: a/b/c` sets the category of
the questions after it to its last part ("c"). `[html]`, `[moodle]`, `[plain]` and
`[markdown]` markers are dropped and the text is kept as it is: HTML stays text. Essay,
matching, numerical, short answer and description items are reported as unsupported, by line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .model import OPTION_KEYS, ParseResult, QuestionDraft, QuestionType, ReadOptions
from .textformat import Collector, text_of

#: Characters GIFT gives a meaning; a backslash makes them plain text.
SPECIAL = "~=#{}:"
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TITLE = re.compile(r"^\s*::(.*?)::", re.DOTALL)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE = {"t", "true"}
_FALSE = {"f", "false"}


def looks_like_gift(data: bytes) -> bool:
    """GIFT: a `$CATEGORY:` line, a `::title::`, or a brace block with =/~/T/F answers."""
    head = data[:65536].decode("utf-8", "ignore")
    if re.search(r"^\s*\$CATEGORY:", head, re.MULTILINE):
        return True
    if re.search(r"^\s*::[^:\n]*::", head, re.MULTILINE) and "{" in head:
        return True
    return bool(re.search(r"\{\s*(?:[=~]|#|T\s*\}|F\s*\}|TRUE|FALSE)", head))


def _unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in SPECIAL:
                out.append(nxt)
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def _split_unescaped(text: str, marks: str) -> list[tuple[str, str]]:
    """Split at unescaped `marks`: [(mark or "", text after it up to the next mark)]."""
    parts: list[tuple[str, str]] = []
    mark, current, i = "", [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            current.append(text[i:i + 2])
            i += 2
            continue
        if char in marks:
            parts.append((mark, "".join(current)))
            mark, current = char, []
        else:
            current.append(char)
        i += 1
    parts.append((mark, "".join(current)))
    return parts


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == char:
            return i
        i += 1
    return -1


def _plain(text: str) -> str:
    """Drop a format marker, undo escapes, strip."""
    return _unescape(_FORMAT.sub("", text, count=1)).strip()


def _category(path: str) -> str:
    parts = [part for part in path.strip().split("/") if part.strip()]
    parts = [part for part in parts if not re.fullmatch(r"\$\w+\$", part.strip())]
    return parts[-1].strip() if parts else ""


def _blocks(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) of each item: items are separated by blank lines (as in
    Moodle, a blank line ends an item even inside braces); comment lines are dropped."""
    lines: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if lines:
                yield start, "\n".join(lines)
                lines = []
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        yield start, "\n".join(lines)


def read_gift(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse a GIFT file's bytes into drafts and issues placed by line."""
    result = ParseResult(format="gift")
    text = text_of(data, result)
    if text is None:
        return result
    found = Collector(result, options or ReadOptions())
    category = ""
    for line, block in _blocks(text):
        stripped = block.strip()
        if stripped.startswith("$CATEGORY:"):
            category = _category(stripped[len("$CATEGORY:"):].split("\n", 1)[0])
            rest = stripped.split("\n", 1)[1] if "\n" in stripped else ""
            if not rest.strip():
                continue
            line, block = line + 1, rest
        _read_item(block, line, category, found)
    return found.finish()


def _read_item(block: str, line: int, category: str, found: Collector) -> None:
    body = _TITLE.sub("", block, count=1)
    opening = _find_unescaped(body, "{")
    if opening < 0:
        found.unsupported("description", line)
        return
    closing = _find_unescaped(body, "}", opening + 1)
    if closing < 0:
        found.error("gift_unclosed", line)
        return
    after = body[closing + 1:].strip()
    if after and _find_unescaped(after, "{") >= 0:
        found.error("gift_two_answer_blocks", line)
        return
    stem = _plain(body[:opening])
    if after:  # "missing word": the blank stands where the answers were
        stem = f"{stem}（ ）{_plain(after)}".strip()
    answers = body[opening + 1:closing]
    answers, general = _general_feedback(answers)
    explanation = _plain(general)
    bare = answers.strip()
    if not bare:
        found.unsupported("essay", line)
        return
    if bare.startswith("#"):
        found.unsupported("numerical", line)
        return
    truth = _unescape(_split_unescaped(bare, "#")[0][1]).strip().lower()
    if truth in _TRUE | _FALSE:
        found.add(line, qtype="judge", stem=stem, options=[], category=category,
                  answer="A" if truth in _TRUE else "B", explanation=explanation)
        return
    choices = [(mark, value) for mark, value in _split_unescaped(bare, "=~") if mark]
    if not choices or _split_unescaped(bare, "=~")[0][1].strip():
        found.error("gift_answers_unreadable", line)
        return
    if any("->" in value for _, value in choices):
        found.unsupported("matching", line)
        return
    if all(mark == "=" for mark, _ in choices):
        found.unsupported("short answer", line)
        return
    texts, right = [], []
    for index, (mark, value) in enumerate(choices):
        answer_text = _split_unescaped(value, "#")[0][1]
        weight_match = _WEIGHT.match(answer_text.strip())
        if weight_match:
            weight = float(weight_match.group(1))
            answer_text = answer_text.strip()[weight_match.end():]
        else:
            weight = 100.0 if mark == "=" else 0.0
        texts.append(_plain(answer_text))
        if weight > 0 and index < len(OPTION_KEYS):
            right.append(OPTION_KEYS[index])
    if not right:
        found.error("gift_no_right_answer", line)
        return
    weighted = any(_WEIGHT.match(value.strip()) and mark == "~" for mark, value in choices)
    qtype = "multiple" if weighted and len(right) > 1 else "single"
    found.add(line, qtype=qtype, stem=stem, options=texts, answer="".join(right),
              explanation=explanation, category=category)


def _general_feedback(answers: str) -> tuple[str, str]:
    """Split `####general feedback` off the answer block."""
    i = 0
    while i < len(answers):
        if answers[i] == "\\":
            i += 2
            continue
        if answers.startswith("####", i):
            return answers[:i], answers[i + 4:]
        i += 1
    return answers, ""


# Writing ---------------------------------------------------------------------------------

def _escape(text: str) -> str:
    escaped = "".join("\\" + char if char in SPECIAL else char for char in text)
    return escaped.replace("\n", "\\n")


def _weight(count: int) -> str:
    return f"{100 / count:.5f}".rstrip("0").rstrip(".")


def write_gift(drafts: Iterable[QuestionDraft]) -> str:
    """The drafts as GIFT that `read_gift` reads back to the same questions (difficulty
    aside: GIFT has no place for it)."""
    out: list[str] = []
    category = None
    for number, draft in enumerate(drafts, start=1):
        if draft.category != category:
            category = draft.category
            out.append(f"$CATEGORY: {category.replace(chr(10), ' ')}\n")
        lines = [f"::Q{number}:: {_escape(draft.stem)} {{"]
        qtype = QuestionType(draft.type)
        if qtype is QuestionType.judge:
            lines.append("TRUE" if draft.answer == "A" else "FALSE")
        else:
            right = set(draft.answer)
            weight = _weight(len(right))
            for key, option in zip(OPTION_KEYS, draft.options, strict=False):
                if qtype is QuestionType.single:
                    lines.append(("=" if key in right else "~") + _escape(option))
                else:
                    mark = f"~%{weight}%" if key in right else "~%-100%"
                    lines.append(mark + _escape(option))
        if draft.explanation:
            lines.append("####" + _escape(draft.explanation))
        lines.append("}\n")
        out.append("\n".join(lines))
    return "\n".join(out)
