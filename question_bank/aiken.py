"""Aiken, Moodle's simplest text format: single-choice questions.

    发现火灾应拨打的电话是：
    A. 110
    B) 119
    ANSWER: B

A question is its stem, options `A.` or `A)` and `ANSWER: X`; blank lines before an option or
the ANSWER line do not matter. As in Moodle's importer (question/format/aiken/format.php)
the space after the mark may be missing (`A)Correct` is an option), and every question is
single choice. Unlike Moodle, a stem may run over several lines, as long as they follow one
another: a line of text after a blank line, while a question has no options yet, starts the
next question and the unfinished one is reported there (Moodle: "question not completed
before next question start"). Problems are placed on the line where they show, as Moodle's
importer places them; a question's own problems (e.g. an ANSWER that names no option) on the
line it starts.
"""

from __future__ import annotations

import re

from .model import OPTION_KEYS, LimitExceeded, ParseResult, ReadOptions
from .textformat import Collector, numbered_lines, text_of

_OPTION = re.compile(r"^([A-Z])[.)．）]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*(.*)$", re.IGNORECASE)


def looks_like_aiken(data: bytes) -> bool:
    """Aiken: an `ANSWER: X` line after a line that starts with an option mark."""
    head = data[:65536].decode("utf-8", "ignore").replace("\r", "\n")
    lines = [line.strip() for line in head.split("\n")]
    for index, line in enumerate(lines):
        if re.fullmatch(r"ANSWER\s*[:：]\s*[A-Za-z]", line) and any(
                _OPTION.match(earlier) for earlier in lines[max(0, index - 7):index]):
            return True
    return False


def read_aiken(data: bytes, options: ReadOptions | None = None) -> ParseResult:
    """Parse an Aiken file's bytes into drafts and issues placed by line."""
    result = ParseResult(format="aiken")
    text = text_of(data, result)
    if text is None:
        return result
    found = Collector(result, options or ReadOptions())
    try:
        _read_lines(text, found)
    except LimitExceeded as exceeded:
        return found.stop(exceeded)
    return found.finish()


def _read_lines(text: str, found: Collector) -> None:
    stem: list[str] = []
    choices: list[str] = []
    start = 0
    broken = False  # an option out of order was reported: the question is not kept
    gap = False  # a blank line since the last line of text

    def reset() -> None:
        nonlocal broken
        stem.clear()
        choices.clear()
        broken = False

    for number, raw in numbered_lines(text):
        line = raw.strip()
        if not line:
            gap = True
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            if not stem:
                found.error("aiken_answer_before_question", number)
            elif len(choices) < 2:
                found.error("too_few_options", number, count=len(choices), minimum=2)
            else:
                letter = answer.group(1).strip()
                if not re.fullmatch(r"[A-Za-z]", letter):
                    found.error("aiken_answer_unreadable", number, answer=letter)
                elif broken:  # rejected: its option out of order is noted where it is
                    found.reject(start)
                else:
                    found.add(start, qtype="single", stem=" ".join(stem), options=list(choices),
                              answer=letter.upper())
            reset()
        elif option and stem:
            expected = OPTION_KEYS[len(choices)] if len(choices) < len(OPTION_KEYS) else "?"
            if option.group(1) != expected and not broken:
                found.note("aiken_option_out_of_order", number, key=option.group(1),
                           expected=expected)
                broken = True
            choices.append(option.group(2).strip())
        elif option:
            found.error("aiken_option_before_question", number)
        else:
            if choices or (stem and gap):  # the last question still waits for its ANSWER
                found.error("aiken_not_finished", number)
                reset()
            if not stem:
                start = number
            stem.append(line)
        gap = False
    if stem:
        found.error("aiken_not_finished", start)
