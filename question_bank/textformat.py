"""What the text formats (GIFT, Aiken, Moodle XML) share: decoding, checks, duplicates, and
the question limit.

A question found in such a file is checked by the same rules as a spreadsheet row
(`check_question`), and its issues are placed by line. Every question a reader meets, kept
or not, goes through the Collector, which is where MAX_ROWS is applied to these formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .csvfile import decode
from .model import (
    MAX_LINES,
    MAX_ROWS,
    ImportIssue,
    LimitExceeded,
    ParseResult,
    QuestionDraft,
    ReadOptions,
)
from .validate import check_question

PROGRESS_EVERY = 500


def text_of(data: bytes, result: ParseResult) -> str | None:
    """The file's text with \\n newlines, or None (and an issue) if it cannot be decoded."""
    text = decode(data)
    if text is None:
        result.issues.append(ImportIssue("bad_encoding"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) one at a time, never held as a list of millions of strings; the
    line past MAX_LINES raises LimitExceeded."""
    start, number = 0, 1
    while True:
        if number > MAX_LINES:
            raise LimitExceeded(ImportIssue("too_many_lines", {"limit": MAX_LINES},
                                            line=number))
        end = text.find("\n", start)
        if end < 0:
            yield number, text[start:]
            return
        yield number, text[start:end]
        start, number = end + 1, number + 1


@dataclass
class Collector:
    """Checks questions as a reader finds them and keeps the valid ones, once each.

    Each question counts against MAX_ROWS whatever becomes of it; the one past the limit
    raises LimitExceeded, and the reader returns `stop(exceeded)`: nothing more is read."""

    result: ParseResult
    options: ReadOptions
    seen: dict[str, int] = field(default_factory=dict)
    found: int = 0

    def _count(self, line: int) -> None:
        self.found += 1
        if self.found > MAX_ROWS:
            raise LimitExceeded(ImportIssue("too_many_questions", {"limit": MAX_ROWS},
                                            line=line))

    def add(self, line: int, *, qtype: str, stem: str, options: list[str], answer: str,
            explanation: str = "", category: str = "") -> None:
        """A question as the file gives it: checked, then kept, or noted as a duplicate or
        as rejected with its issues."""
        self._count(line)
        draft, issues = check_question(qtype=qtype, stem=stem, options=options, answer=answer,
                                       explanation=explanation, category=category)
        for issue in issues:
            self.note(issue.code, line, **issue.params)
        if draft is None:
            self.result.rejected += 1
        else:
            fingerprint = draft.fingerprint()
            first = self.seen.get(fingerprint)
            if first is not None:
                self.result.issues.append(
                    ImportIssue("duplicate_at_line", {"first_line": first}, line=line))
                self.result.skipped_duplicates += 1
            else:
                self.seen[fingerprint] = line
                self.result.drafts.append(QuestionDraft(
                    type=draft.type, stem=draft.stem, options=draft.options,
                    answer=draft.answer, explanation=draft.explanation,
                    category=draft.category, difficulty=draft.difficulty, row=line))
        progress = self.options.progress
        if progress is not None and self.found % PROGRESS_EVERY == 0:
            progress(self.found, None)

    def error(self, code: str, line: int, **params: object) -> None:
        """A question (or a stray piece of one) that cannot be read: one rejected item."""
        self.reject(line)
        self.note(code, line, **params)

    def reject(self, line: int) -> None:
        """A question rejected for issues already noted."""
        self._count(line)
        self.result.rejected += 1

    def note(self, code: str, line: int, **params: object) -> None:
        """An issue about a question counted elsewhere (e.g. an option out of order in an
        Aiken question that is rejected when it ends)."""
        self.result.issues.append(ImportIssue(code, params, line=line))

    def unsupported(self, kind: str, line: int) -> None:
        self._count(line)
        self.result.unsupported(kind, self.options, line=line)

    def finish(self) -> ParseResult:
        if not self.found and not self.result.issues:
            self.result.issues.append(ImportIssue("empty_file"))
        return self.result

    def stop(self, exceeded: LimitExceeded) -> ParseResult:
        """The result of a file refused at a limit: what was read before it, and why not the
        rest (an error, so nothing is imported)."""
        self.result.issues.append(exceeded.issue)
        return self.result
