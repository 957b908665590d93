"""GIFT, Moodle's text format: reading the kinds a contest asks, and writing a bank as GIFT.

Items are separated by blank lines; whole-line `//` comments are dropped. The kind of an
item follows Moodle's importer (question/format/gift/format.php), in its order:

- no braces: a description; `{}`: an essay; `{#...}`: numerical;
- a `~` in the braces: multiple choice. With an `=` answer it is Moodle's "one answer"
  question and becomes single choice: the right option is the full-credit one (`=`, or a
  weight of 100%); partial-credit options (`~%50%x`) count as wrong, the contest has no
  partial credit. Without an `=` it is Moodle's "multiple answers" question and becomes
  multiple choice: every option with a positive weight (`~%50%a ~%50%b ~%-100%c`) is right;
  if only one has, it is single choice;
- `=` and `->` (and no `~`): matching; `T`, `TRUE`, `F`, `FALSE` (any case): true/false;
  anything else (`{=a =b}`, `{=%50%a}`, `{119}`): short answer.

Description, essay, numerical, matching and short answer are reported as unsupported, by
line. Text after the braces makes a "missing word" question: the blank is written （ ）.
General feedback (`####...`, the last one) becomes the explanation; per-answer feedback
(`#...`) is dropped. `::title::` is dropped. `[html]`, `[moodle]`, `[plain]` and
`[markdown]` markers are dropped and the text is kept as it is: HTML stays text.
Escapes: `\\~ \\= \\# \\{ \\} \\:` give the character, `\\n` a newline, `\\\\` a backslash.

Categories: `$CATEGORY: $course$/top/消防安全` sets the category of the questions after it to
the path's last part ("消防安全"); `//` in a path is a `/` inside a name, as in Moodle.

The writer adds `// difficulty: N` before a question whose difficulty is not 2: Moodle
ignores the comment, `read_gift` reads it back.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .model import (
    OPTION_KEYS,
    LimitExceeded,
    ParseResult,
    QuestionDraft,
    QuestionType,
    ReadOptions,
)
from .textformat import Collector, numbered_lines, text_of

#: Characters GIFT gives a meaning; a backslash makes them plain text.
SPECIAL = "~=#{}:"
# Escaped characters stand in for themselves while an item is taken apart (as Moodle does
# with its "&&058;" placeholders): code points from the Supplementary Private Use Area-B.
_HELD = {char: chr(0x10FF00 + i) for i, char in enumerate("\\" + SPECIAL + "n")}
_RELEASE = {held: ("\n" if char == "n" else char) for char, held in _HELD.items()}
_ESCAPE = re.compile(r"\\([\\~=#{}:n])")
_RELEASED = re.compile("[" + "".join(_RELEASE) + "]")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d*)?)%")
_MARKS = re.compile("[=~]")
_DIFFICULTY = re.compile(r"^//\s*difficulty\s*:\s*([123])\s*$", re.IGNORECASE)
# Sniffing runs over the file's first 64 KB. A line's leading blanks are [^\S\n]*, never \s*:
# with re.MULTILINE, \s* at each of many blank lines would run on over all the lines below
# it before failing, and again from the next line (quadratic: seconds for 64 KB of them).
_SNIFF_CATEGORY = re.compile(r"^[^\S\n]*\$CATEGORY:", re.MULTILINE)
_SNIFF_TITLE = re.compile(r"^[^\S\n]*::[^:\n]*::", re.MULTILINE)
_SNIFF_ANSWERS = re.compile(r"\{\s*(?:[=~]|#|T\s*\}|F\s*\}|TRUE|FALSE)")
_TRUE = {"t", "true"}
_FALSE = {"f", "false"}
FULL_CREDIT = 100.0


def looks_like_gift(data: bytes) -> bool:
    """GIFT: a `$CATEGORY:` line, a `::title::`, or a brace block with =/~/T/F answers."""
    head = data[:65536].decode("utf-8", "ignore").replace("\r", "\n")
    if _SNIFF_CATEGORY.search(head):
        return True
    if _SNIFF_TITLE.search(head) and "{" in head:
        return True
    return bool(_SNIFF_ANSWERS.search(head))


def _hold(text: str) -> str:
    """Escaped characters replaced by stand-ins, so that they mean nothing to the parser."""
    return _ESCAPE.sub(lambda m: _HELD[m.group(1)], text)


def _release(text: str) -> str:
    return _RELEASED.sub(lambda m: _RELEASE[m.group(0)], text)


def _plain(text: str) -> str:
    """A piece of an item as text: format marker dropped, escapes undone, stripped."""
    return _release(_FORMAT.sub("", text.strip(), count=1)).strip()


def _category(path: str) -> str:
    """The last part of a Moodle category path; `//` is a slash inside a part."""
    parts = [part.replace("\x00", "/").strip() for part in path.replace("//", "\x00").split("/")]
    parts = [part for part in parts if part and not re.fullmatch(r"\$\w+\$", part)]
    return parts[-1] if parts else ""


@dataclass
class _Item:
    """One blank-line separated item: its lines (comments left out), from line `line` on."""

    line: int
    lines: list[str]
    difficulty: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _items(text: str) -> Iterator[_Item]:
    """Items are separated by blank lines (as in Moodle, a blank line ends an item even
    inside braces); comment lines are dropped, a `// difficulty: N` one is kept aside."""
    item = _Item(0, [])
    for number, line in numbered_lines(text):
        stripped = line.strip()
        if stripped.startswith("//"):
            level = _DIFFICULTY.match(stripped)
            if level:
                item.difficulty = level.group(1)
            continue
        if not stripped:
            if item.lines:
                yield item
                item = _Item(0, [])
            continue
        if not item.lines:
            item.line = number
        item.lines.append(line)
    if item.lines:
        yield item


def read_gift(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse a GIFT file's bytes into drafts and issues placed by line."""
    result = ParseResult(format="gift")
    text = text_of(data, result)
    if text is None:
        return result
    found = Collector(result, options or ReadOptions())
    category = ""
    try:
        for item in _items(text):
            first = item.lines[0].strip()
            if first.startswith("$CATEGORY:"):
                category = _release(_category(_hold(first[len("$CATEGORY:"):])))
                if len(item.lines) == 1:
                    continue
                # A question may follow without a blank line.
                item = replace(item, line=item.line + 1, lines=item.lines[1:])
            before = len(result.drafts)
            _read_item(_hold(item.text.strip()), item.line, category, found)
            if item.difficulty and len(result.drafts) > before:
                result.drafts[-1] = replace(result.drafts[-1], difficulty=int(item.difficulty))
    except LimitExceeded as exceeded:
        return found.stop(exceeded)
    return found.finish()


def _without_title(text: str) -> str:
    if not text.startswith("::"):
        return text
    end = text.find("::", 2)
    # Moodle: without a closing "::" the opening one is dropped and the rest is the text.
    return text[2:] if end < 0 else text[end + 2:]


def _read_item(text: str, line: int, category: str, found: Collector) -> None:
    body = _without_title(text)
    opening, closing = body.find("{"), body.find("}")
    if opening < 0 and closing < 0:
        found.unsupported("description", line)
        return
    if opening < 0 or closing < opening:
        found.error("gift_unclosed", line)
        return
    after = body[closing + 1:].strip()
    if "{" in after or "}" in after:
        found.error("gift_two_answer_blocks", line)
        return
    stem = _plain(body[:opening])
    if after:  # "missing word": the blank stands where the answers were
        stem = f"{stem}（ ）{_plain(after)}".strip()
    answers = body[opening + 1:closing].strip()
    general = answers.rfind("####")
    explanation = ""
    if general >= 0:
        answers, explanation = answers[:general].strip(), _plain(answers[general + 4:])
    kind = _kind(answers)
    if kind == "judge":
        truth = _plain(answers.split("#", 1)[0]).lower()
        found.add(line, qtype="judge", stem=stem, options=[], category=category,
                  answer="A" if truth in _TRUE else "B", explanation=explanation)
    elif kind == "choice":
        _read_choice(answers, line, stem, explanation, category, found)
    else:
        found.unsupported(kind, line)


def _kind(answers: str) -> str:
    """What Moodle makes of an answer block: "choice", "judge" or a kind we cannot ask."""
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if _plain(answers.split("#", 1)[0]).lower() in _TRUE | _FALSE:
        return "judge"
    return "short answer"


def _read_choice(answers: str, line: int, stem: str, explanation: str, category: str,
                 found: Collector) -> None:
    marks = list(itertools.islice(_MARKS.finditer(answers), len(OPTION_KEYS) + 1))
    if answers[:marks[0].start()].strip():  # text before the first answer's = or ~
        found.error("gift_answers_unreadable", line)
        return
    if len(marks) > len(OPTION_KEYS):  # counted, not taken apart: a block may hold millions
        found.error("too_many_options", line, count=answers.count("=") + answers.count("~"),
                    maximum=len(OPTION_KEYS))
        return
    one_answer = "=" in answers  # Moodle's "one answer" question, else "multiple answers"
    texts: list[str] = []
    right: list[str] = []
    for key, mark, after in zip(OPTION_KEYS, marks, [*marks[1:], None], strict=False):
        answer = answers[mark.end():after.start() if after else len(answers)]
        answer = answer.split("#", 1)[0]  # per-answer feedback is dropped
        weight = FULL_CREDIT if mark.group() == "=" else 0.0
        given = _WEIGHT.match(answer)
        if given:
            weight, answer = float(given.group(1)), answer[given.end():]
        texts.append(_plain(answer))
        if (weight >= FULL_CREDIT) if one_answer else (weight > 0):
            right.append(key)
    if not right:
        found.error("gift_no_right_answer", line)
        return
    qtype = "single" if one_answer or len(right) == 1 else "multiple"
    found.add(line, qtype=qtype, stem=stem, options=texts, answer="".join(right),
              explanation=explanation, category=category)


# Writing ---------------------------------------------------------------------------------

def _escape(text: str) -> str:
    escaped = "".join("\\" + char if char in "\\" + SPECIAL else char for char in text)
    return escaped.replace("\r", "").replace("\n", "\\n")


def _text(text: str) -> str:
    """A piece of a question as GIFT: escaped; `[plain]` first if it starts like a format
    marker or an answer weight, so that these are read back as text."""
    escaped = _escape(text)
    return "[plain]" + escaped if text[:1] in ("[", "%") else escaped


def _weight(count: int) -> str:
    return f"{FULL_CREDIT / count:.5f}".rstrip("0").rstrip(".")


def _category_line(category: str) -> str:
    return "$CATEGORY: " + " ".join(category.split()).replace("/", "//")


def write_gift(drafts: Iterable[QuestionDraft]) -> str:
    """The drafts as GIFT that `read_gift` reads back to the same questions, difficulty
    included (in a comment Moodle ignores)."""
    out: list[str] = []
    category = ""
    for number, draft in enumerate(drafts, start=1):
        if draft.category != category:
            category = draft.category
            out.append(_category_line(category) + "\n")
        lines = [f"// difficulty: {draft.difficulty}"] if draft.difficulty != 2 else []
        lines.append(f"::Q{number}:: {_text(draft.stem)} {{")
        qtype = QuestionType(draft.type)
        if qtype is QuestionType.judge:
            lines.append("\tTRUE" if draft.answer == "A" else "\tFALSE")
        else:
            right = set(draft.answer)
            weight = _weight(len(right))
            for key, option in zip(OPTION_KEYS, draft.options, strict=False):
                if qtype is QuestionType.single:
                    mark = "=" if key in right else "~"
                else:
                    mark = f"~%{weight}%" if key in right else "~%-100%"
                lines.append("\t" + mark + _text(option))
        if draft.explanation:
            lines.append("\t####" + _text(draft.explanation))
        lines.append("}\n")
        out.append("\n".join(lines))
    return "\n".join(out)
