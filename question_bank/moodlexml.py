"""Moodle XML: multichoice (single and multiple) and truefalse questions, with categories.

`<question type="category">` sets the category of the questions after it to the last part of
its path (`$course$/Iota/Kappa` gives "Kappa"). `<generalfeedback>` becomes the explanation.
Texts are kept as written, HTML included: they are shown as text, never as markup. Other
question types are reported as unsupported, by the line of their `<question>` element.
Document type and entity declarations are refused (no entity expansion, nothing fetched).
"""

from __future__ import annotations

import re
import xml.parsers.expat
from dataclasses import dataclass, field

from .model import OPTION_KEYS, ImportIssue, ParseResult, ReadOptions
from .textformat import Collector

#: The grades Moodle accepts for an answer, in percent (its fraction options, both signs).
VALID_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                   16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)
_TOLERANCE = 0.0001


def looks_like_moodle_xml(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return b"<quiz" in data[:65536]


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def child(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def inner(self, tag: str) -> str:
        """The text of `<tag><text>...</text></tag>` (or of `<tag>` itself)."""
        node = self.child(tag)
        if node is None:
            return ""
        text = node.child("text")
        return (text.text if text is not None else node.text).strip()


class _Refused(Exception):
    pass


def _parse(data: bytes) -> Node:
    parser = xml.parsers.expat.ParserCreate()
    root = Node("#document", {}, 1)
    stack = [root]

    def start(tag, attrs):
        node = Node(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(tag):
        stack.pop()

    def chars(text):
        stack[-1].text += text

    def refuse(*args):
        raise _Refused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.Parse(data, True)
    return root


def _fraction(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if any(abs(abs(value) - valid) < _TOLERANCE for valid in VALID_FRACTIONS):
        return value
    return None


def _category(path: str) -> str:
    parts = [p.strip() for p in path.split("/") if p.strip()]
    parts = [p for p in parts if not re.fullmatch(r"\$\w+\$", p)]
    return parts[-1] if parts else ""


def read_moodle_xml(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse a Moodle XML file's bytes into drafts and issues placed by line."""
    result = ParseResult(format="xml")
    try:
        document = _parse(data)
    except _Refused as refused:
        result.issues.append(ImportIssue("xml_declarations", line=refused.args[0]))
        return result
    except xml.parsers.expat.ExpatError as error:
        result.issues.append(ImportIssue("xml_malformed", {"reason": str(error)},
                                         line=error.lineno))
        return result
    quiz = document.child("quiz")
    if quiz is None:
        result.issues.append(ImportIssue("xml_not_moodle", line=1))
        return result
    found = Collector(result, options or ReadOptions())
    category = ""
    for question in quiz.all("question"):
        kind = question.attrs.get("type", "")
        if kind == "category":
            category = _category(question.inner("category"))
            continue
        if kind == "multichoice":
            _multichoice(question, category, found)
        elif kind == "truefalse":
            _truefalse(question, category, found)
        else:
            found.unsupported(kind or "untyped", question.line)
    return found.finish()


def _answers(question: Node, found: Collector) -> list[tuple[str, float]] | None:
    answers = []
    for answer in question.all("answer"):
        fraction = _fraction(answer.attrs.get("fraction", "0"))
        if fraction is None:
            found.error("xml_bad_fraction", answer.line, value=answer.attrs.get("fraction"))
            return None
        answers.append((answer.inner("text") if answer.child("text") else answer.text.strip(),
                        fraction))
    return answers


def _multichoice(question: Node, category: str, found: Collector) -> None:
    answers = _answers(question, found)
    if answers is None:
        return
    single = question.inner("single").lower() not in ("false", "0")
    right = "".join(OPTION_KEYS[i] for i, (_, fraction) in enumerate(answers[:len(OPTION_KEYS)])
                    if fraction > 0)
    if not right:
        found.error("gift_no_right_answer", question.line)
        return
    found.add(question.line, qtype="single" if single else "multiple",
              stem=question.inner("questiontext"), options=[text for text, _ in answers],
              answer=right, explanation=question.inner("generalfeedback"), category=category)


def _truefalse(question: Node, category: str, found: Collector) -> None:
    answers = _answers(question, found)
    if answers is None:
        return
    truth = None
    for text, fraction in answers:
        if fraction > 0:
            truth = "A" if text.strip().lower() in ("true", "正确", "对") else "B"
    if truth is None:
        found.error("gift_no_right_answer", question.line)
        return
    found.add(question.line, qtype="judge", stem=question.inner("questiontext"), options=[],
              answer=truth, explanation=question.inner("generalfeedback"), category=category)
