"""What the text formats (GIFT, Aiken, Moodle XML) share: decoding, checks, duplicates.

A question found in such a file is checked by the same rules as a spreadsheet row
(`check_question`), and its issues are placed by line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .csvfile import decode
from .model import ImportIssue, ParseResult, QuestionDraft, ReadOptions
from .validate import check_question

PROGRESS_EVERY = 500


def text_of(data: bytes, result: ParseResult) -> str | None:
    """The file's text with \\n newlines, or None (and an issue) if it cannot be decoded."""
    text = decode(data)
    if text is None:
        result.issues.append(ImportIssue("bad_encoding"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Collector:
    """Checks questions as a reader finds them and keeps the valid ones, once each."""

    result: ParseResult
    options: ReadOptions
    seen: dict[str, int] = field(default_factory=dict)
    found: int = 0

    def add(self, line: int, *, qtype: str, stem: str, options: list[str], answer: str,
            explanation: str = "", category: str = "") -> None:
        self.found += 1
        draft, issues = check_question(qtype=qtype, stem=stem, options=options, answer=answer,
                                       explanation=explanation, category=category)
        for issue in issues:
            self.error(issue.code, line, **issue.params)
        if draft is not None:
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
        self.result.issues.append(ImportIssue(code, params, line=line))

    def unsupported(self, kind: str, line: int) -> None:
        self.found += 1
        self.result.unsupported(kind, self.options, line=line)

    def finish(self) -> ParseResult:
        if not self.found and not self.result.issues:
            self.result.issues.append(ImportIssue("empty_file"))
        return self.result
