"""The plain values a bank file becomes: question drafts and the issues found on the way."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field

from .normalize import fingerprint_text

STEM_MAX_LENGTH = 1000
OPTION_MAX_LENGTH = 500
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
OPTION_KEYS = "ABCDEF"
JUDGE_OPTIONS = ("正确", "错误")


class QuestionType(enum.StrEnum):
    single = "single"
    multiple = "multiple"
    judge = "judge"


#: English message templates by issue code; the app translates them by code.
MESSAGES: dict[str, str] = {
    "missing_stem": "The question text is missing.",
    "too_few_options": "A choice question needs at least 2 options; this one has {count}.",
    "too_many_options": "A question can have at most 6 options; this one has {count}.",
    "option_gap": "Option {key} is empty while a later option is filled in.",
    "option_too_long": "Option {key} is longer than {limit} characters.",
    "missing_answer": "The answer is missing.",
    "answer_not_an_option": "Answer '{answer}' names an option that does not exist "
                            "(options {first}–{last}).",
    "answer_unreadable": "The answer '{answer}' is not a list of option letters.",
    "single_with_several_answers": "A single-choice question has one answer, not '{answer}'.",
    "multiple_needs_two_answers": "A multiple-choice question needs at least 2 correct "
                                  "answers, not '{answer}'.",
    "judge_answer_unrecognised": "The true/false answer '{answer}' is not recognised "
                                 "(use 正确/错误, 对/错, √/×, T/F).",
    "unknown_type": "Unknown question type '{value}' (use 单选, 多选 or 判断).",
    "type_conflicts_with_sheet": "The type '{value}' does not match the sheet '{sheet}'.",
    "missing_type": "The question type is missing.",
    "stem_too_long": "The question text is longer than {limit} characters.",
    "difficulty_unrecognised": "The difficulty '{value}' is not recognised (use 易, 中 or 难).",
    "duplicate_in_file": "The same question already appears in row {first_row}; skipped.",
    "missing_header": "No header row was found (it needs at least the columns {columns}).",
    "empty_file": "The file holds no questions.",
    "not_a_spreadsheet": "The file is not a readable {expected} file.",
    "encrypted_file": "The file is encrypted or in the old .xls format; save it as .xlsx "
                      "without a password.",
    "zip_bomb": "The file unpacks to far more data than a question bank holds; refused.",
    "file_too_large": "The file is larger than {limit_mb} MB.",
    "too_many_rows": "The file has more than {limit} rows of questions.",
    "bad_encoding": "The file's text encoding is neither UTF-8 nor GBK/GB18030.",
}


@dataclass(frozen=True)
class ImportIssue:
    """Something wrong in a file, with where it is."""

    code: str
    params: dict = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    line: int | None = None
    severity: str = "error"

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    @property
    def where(self) -> str:
        """The place as a person reads it, e.g. "sheet 单选题, row 7, column 答案"."""
        parts = []
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"column {self.field}")
        return ", ".join(parts)


@dataclass(frozen=True)
class QuestionDraft:
    """One parsed, valid question, not yet stored."""

    type: QuestionType
    stem: str
    options: tuple[str, ...]
    answer: str
    explanation: str = ""
    category: str = ""
    difficulty: int = 2
    sheet: str | None = None
    row: int | None = None

    def fingerprint(self) -> str:
        """Digest of type, stem and options, normalised: the duplicate test."""
        text = "\x1f".join([self.type.value, fingerprint_text(self.stem),
                            *(fingerprint_text(o) for o in self.options)])
        return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class ParseResult:
    """What a file held: the valid drafts and every issue found."""

    drafts: list[QuestionDraft] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    format: str = ""
    skipped_duplicates: int = 0

    @property
    def errors(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors
