"""Moodle XML: multichoice (single and multiple) and truefalse questions, with categories.

What is read, following Moodle's importer (question/format/xml/format.php):

- `<question type="category">` sets the category of the questions after it to the last part
  of its path: `$course$/top/Iota/Kappa` gives "Kappa" (`$course$`-like parts and a leading
  "top" are left out; `//` in a path is a `/` inside a name, as Moodle writes it).
- `multichoice`: `<single>` true (or absent) gives single choice, false (or 0, or empty) gives
  multiple choice. Single choice: the right option is the one graded 100%; a partial grade
  counts as wrong (a contest has no partial credit) and without a 100% answer the question
  is refused, as Moodle refuses it. Multiple choice: every answer with a positive grade is
  right, negative and zero grades are wrong.
- `truefalse`: the answer whose text is "true" says, by its grade, whether the statement is
  true; answers whose text is neither "true" nor "false" count as true then false, by order.
- A grade must be one Moodle offers (100, 90, 83.33333, ... 5, 0, with either sign); any
  other (e.g. 33 for 33.33333) is an error on the line of its `<answer>`.
- `<generalfeedback>` becomes the explanation. Texts are kept as written, HTML included (in
  CDATA or escaped): they are shown as text, never as markup.
- Other question types (essay, matching, shortanswer, numerical, description, cloze...) are
  reported as unsupported by the line of their `<question>` element; every other issue of a
  question is placed on that line too.

Security: a document type or entity declaration is refused before anything is expanded (no
billion laughs, no external entities); nothing is ever fetched. The document is read one
question at a time, each checked as soon as it ends and then dropped; elements are counted
(model.MAX_XML_ELEMENTS in the file, MAX_QUESTION_ELEMENTS in a question) and questions too
(MAX_ROWS, by the Collector), so a file is refused where it passes a limit.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Callable

from .model import (
    MAX_XML_ELEMENTS,
    MIN_OPTIONS,
    ImportIssue,
    LimitExceeded,
    ParseResult,
    ReadOptions,
)
from .textformat import Collector

#: The grades Moodle accepts for an answer, in percent (its fraction options, both signs).
VALID_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                   16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)
_TOLERANCE = 0.0001
FULL_MARK = 100.0
#: Elements one question may hold (one is some 40; a matching question with many pairs a few
#: hundred): what is kept in memory at a time.
MAX_QUESTION_ELEMENTS = 10_000

_DECLARED_ENCODING = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']"
                                rb"([A-Za-z0-9._-]+)[\"']")
#: Encodings expat reads by itself; others (GBK, GB2312...) are decoded here first.
_EXPAT_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "iso-8859-1", "latin-1", "latin1",
                    "us-ascii", "ascii"}


def looks_like_moodle_xml(data: bytes) -> bool:
    """XML whose root element is `<quiz>`, after what may come before it: a BOM, the XML
    declaration, comments, processing instructions and a DOCTYPE (sniffed so that it is
    refused as XML). A linear scan: no regular expression to backtrack on odd input."""
    head = data[:65536].removeprefix(b"\xef\xbb\xbf")
    position = 0
    while True:
        while position < len(head) and head[position] in b" \t\r\n":
            position += 1
        if head.startswith(b"<quiz", position):
            return head[position + 5:position + 6] in (b" ", b"\t", b"\r", b"\n", b">", b"/")
        if head.startswith(b"<?", position):
            end = head.find(b"?>", position + 2)
            position = -1 if end < 0 else end + 2
        elif head.startswith(b"<!--", position):
            end = head.find(b"-->", position + 4)
            position = -1 if end < 0 else end + 3
        elif head.startswith(b"<!DOCTYPE", position):
            end = head.find(b">", position)
            subset = head.find(b"[", position)
            if 0 <= subset and (end < 0 or subset < end):
                closed = head.find(b"]", subset)
                end = -1 if closed < 0 else head.find(b">", closed)
            position = -1 if end < 0 else end + 1
        else:
            return False
        if position < 0:
            return False


class Node:
    """An element of a question: tag, attributes, line, children and text."""

    __slots__ = ("tag", "attrs", "line", "children", "_parts", "text")

    def __init__(self, tag: str, attrs: dict[str, str], line: int) -> None:
        self.tag, self.attrs, self.line = tag, attrs, line
        self.children: list[Node] = []
        # Character data arrives in pieces (expat hands over at most its buffer at a time,
        # and a text broken by child elements comes in several): collected here and joined
        # once when the element ends. `text += piece` copied the whole text each time:
        # quadratic on a long text, or on a <quiz> with many children and blank lines.
        self._parts: list[str] = []
        self.text = ""

    def child(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def inner(self, tag: str) -> str:
        """The text of `<tag><text>...</text></tag>` (or of `<tag>` itself)."""
        node = self.child(tag)
        if node is None:
            return ""
        return node.own_text()

    def own_text(self) -> str:
        """This node's `<text>` child's text, or its own text."""
        text = self.child("text")
        return (text.text if text is not None else self.text).strip()


class _Refused(Exception):
    pass


def _utf8(data: bytes) -> bytes:
    """The document as expat can read it: an encoding it lacks (e.g. GBK) is decoded here
    and the declaration rewritten; undecodable bytes are left for expat to report."""
    declared = _DECLARED_ENCODING.match(data[:200])
    if declared is None or declared.group(1).decode("ascii").lower() in _EXPAT_ENCODINGS:
        return data
    encoding = declared.group(1).decode("ascii").lower()
    # Text that is valid UTF-8 is UTF-8 whatever it declares (GBK text hardly ever is), as
    # for CSV: decoding it as GB18030 would turn it into other characters without an error.
    rest = data[declared.end():]
    for codec in ("utf-8", "gb18030" if encoding in ("gbk", "gb2312") else encoding):
        try:
            text = rest.decode(codec)
            break
        except (LookupError, UnicodeDecodeError):
            continue
    else:
        return data
    # The declaration up to its encoding's name is ASCII: the name is replaced where it is.
    head = data[:declared.start(1)] + b"UTF-8" + data[declared.end(1):declared.end()]
    return head + text.encode("utf-8")


def _parse(data: bytes, on_question: Callable[[Node | int], None]) -> bool:
    """Read the document, handing each `<quiz><question>` to `on_question` as soon as it
    ends, then forgetting it: memory holds one question at a time (a question of more than
    MAX_QUESTION_ELEMENTS is handed over as its line number only). True if the root is
    `<quiz>`. Elements outside questions are not kept; all count against MAX_XML_ELEMENTS."""
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True  # fewer, longer pieces of text
    #: The element being read at each depth below the root, None where nothing is kept.
    stack: list[Node | None] = []
    elements = in_question = 0
    is_quiz = False

    def start(tag, attrs):
        nonlocal elements, in_question, is_quiz
        elements += 1
        if elements > MAX_XML_ELEMENTS:
            raise LimitExceeded(ImportIssue("too_many_xml_elements",
                                            {"limit": MAX_XML_ELEMENTS},
                                            line=parser.CurrentLineNumber))
        parent = stack[-1] if stack else None
        node = None
        if not stack:
            is_quiz = tag == "quiz"
        elif len(stack) == 1:  # a child of the root: a question of a <quiz>
            if is_quiz and tag == "question":
                node = Node(tag, attrs, parser.CurrentLineNumber)
                in_question = 0
        elif parent is not None:  # inside a question
            in_question += 1
            if in_question <= MAX_QUESTION_ELEMENTS:
                node = Node(tag, attrs, parser.CurrentLineNumber)
                parent.children.append(node)
        stack.append(node)

    def end(tag):
        node = stack.pop()
        if node is None:
            return
        node.text = "".join(node._parts)
        node._parts = []
        if len(stack) == 1:
            on_question(node if in_question <= MAX_QUESTION_ELEMENTS else node.line)

    def chars(text):
        node = stack[-1] if stack else None
        if node is not None:
            node._parts.append(text)

    def refuse(*args):
        raise _Refused(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.Parse(_utf8(data), True)
    return is_quiz


def _fraction(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    if any(abs(abs(value) - valid) < _TOLERANCE for valid in VALID_FRACTIONS):
        return value
    return None


def _category(path: str) -> str:
    """The last part of a category path, as Moodle splits it (`//` is a `/` in a name)."""
    parts = [p.replace("//", "/").strip() for p in re.split(r"(?<!/)/(?!/)", path)]
    parts = [p for p in parts if p and not re.fullmatch(r"\$\w+\$", p)]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return parts[-1] if parts else ""


def read_moodle_xml(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse a Moodle XML file's bytes into drafts and issues placed by line."""
    result = ParseResult(format="xml")
    found = Collector(result, options or ReadOptions())
    category = ""

    def on_question(question: Node | int) -> None:
        nonlocal category
        if isinstance(question, int):
            found.error("xml_question_too_large", question, limit=MAX_QUESTION_ELEMENTS)
            return
        kind = question.attrs.get("type", "")
        if kind == "category":
            category = _category(question.inner("category"))
        elif kind == "multichoice":
            _multichoice(question, category, found)
        elif kind == "truefalse":
            _truefalse(question, category, found)
        else:
            found.unsupported(kind or "untyped", question.line)

    # Questions are checked as they are read; a refusal of the whole document replaces
    # what was found before it.
    try:
        is_quiz = _parse(data, on_question)
    except LimitExceeded as exceeded:
        return found.stop(exceeded)
    except _Refused as refused:
        return _refusal("xml_declarations", line=refused.args[0])
    except xml.parsers.expat.ExpatError as error:
        reason = xml.parsers.expat.ErrorString(error.code) if error.code else str(error)
        return _refusal("xml_malformed", {"reason": reason}, line=error.lineno)
    if not is_quiz:
        return _refusal("xml_not_moodle", line=1)
    return found.finish()


def _refusal(code: str, params: dict | None = None, *, line: int) -> ParseResult:
    return ParseResult(format="xml", issues=[ImportIssue(code, params or {}, line=line)])


def _answers(question: Node, found: Collector) -> list[tuple[str, float]] | None:
    """(text, grade in percent) of each answer; None after reporting a grade Moodle refuses."""
    answers = []
    for answer in question.all("answer"):
        written = answer.attrs.get("fraction", "0")
        fraction = _fraction(written)
        if fraction is None:
            found.error("xml_bad_fraction", answer.line, value=written)
            return None
        answers.append((answer.own_text(), fraction))
    return answers


def _is_single(question: Node) -> bool:
    # Moodle: absent means single; "false", "0" or empty mean multiple.
    node = question.child("single")
    if node is None:
        return True
    return node.own_text().lower() not in ("false", "0", "")


def _multichoice(question: Node, category: str, found: Collector) -> None:
    answers = _answers(question, found)
    if answers is None:
        return
    if len(answers) < MIN_OPTIONS:
        found.error("too_few_options", question.line, count=len(answers), minimum=MIN_OPTIONS)
        return
    single = _is_single(question)
    right = [index for index, (_, fraction) in enumerate(answers)
             if (abs(fraction - FULL_MARK) < _TOLERANCE if single else fraction > 0)]
    if not right:
        found.error("gift_no_right_answer", question.line)
        return
    letters = "".join(chr(ord("A") + i) for i in right)  # past F: too_many_options
    found.add(question.line, qtype="single" if single else "multiple",
              stem=question.inner("questiontext"), options=[text for text, _ in answers],
              answer=",".join(letters), explanation=question.inner("generalfeedback"),
              category=category)


def _truefalse(question: Node, category: str, found: Collector) -> None:
    answers = _answers(question, found)
    if answers is None:
        return
    graded_right = set()
    for position, (text, fraction) in enumerate(answers[:2]):
        said = text.strip().lower()
        if said not in ("true", "false"):
            said = "true" if position == 0 else "false"
        if abs(fraction - FULL_MARK) < _TOLERANCE:
            graded_right.add(said)
    truth = "A" if "true" in graded_right else "B" if "false" in graded_right else None
    if truth is None:
        found.error("gift_no_right_answer", question.line)
        return
    found.add(question.line, qtype="judge", stem=question.inner("questiontext"), options=[],
              answer=truth, explanation=question.inner("generalfeedback"), category=category)
