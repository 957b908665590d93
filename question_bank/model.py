"""The plain values a bank file becomes: question drafts and the issues found on the way."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from .normalize import fingerprint_text

STEM_MAX_LENGTH = 1000
OPTION_MAX_LENGTH = 500
MIN_OPTIONS = 2
MAX_OPTIONS = 6
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Questions in one file, whatever its format: spreadsheet rows below the header (an
#: option-rows sheet counts each option row), GIFT and Aiken items, Moodle XML questions.
MAX_ROWS = 20_000

# What a file may hold beyond its questions. Each is checked while the file is read, so a
# file is refused as soon as it passes one, with an issue naming the limit and the place.
# A real bank stays far below each; they bound the work an odd or hostile file can cause.
#: Sheets in a workbook (counted before any sheet is opened).
MAX_SHEETS = 50
#: Rows a workbook stores (all sheets), or records in a CSV file, blank ones included.
MAX_STORED_ROWS = 200_000
#: Cells a workbook stores (all sheets, blank formatted ones included), or fields in a CSV
#: file; a workbook's distinct texts (its shared strings) count against it too.
MAX_CELLS = 1_000_000
#: The last column a value may be in (IV, as in the old .xls format).
MAX_COLUMNS = 256
#: Lines of a GIFT or Aiken file, blank ones and comments included (a question is some 8).
MAX_LINES = 1_000_000
#: XML elements in a workbook's sheets and shared strings together (a cell is 2 to 4, a
#: piece of coloured text some 10 more), or in a Moodle XML file (a question is some 40).
MAX_XML_ELEMENTS = 4_000_000
OPTION_KEYS = "ABCDEF"
JUDGE_OPTIONS = ("正确", "错误")


class QuestionType(enum.StrEnum):
    """The three kinds of question a contest asks."""

    single = "single"
    multiple = "multiple"
    judge = "judge"


def N_(message: str) -> str:
    """Marks a message for the translation catalog (`make messages`); the app translates it
    where it is shown, so this package stays free of Flask."""
    return message


#: English message templates by issue code (str.format placeholders = the issue's params);
#: the app looks a template up by code to translate it.
MESSAGES: dict[str, str] = {
    # One row
    "missing_stem": N_("The question text is missing."),
    "stem_too_long": N_("The question text has {length} characters; the limit is {limit}."),
    "missing_type": N_("The question type is missing (use 单选, 多选 or 判断)."),
    "unknown_type": N_("Unknown question type '{value}' (use 单选, 多选 or 判断)."),
    "type_conflicts_with_sheet": N_("The type '{value}' does not match the sheet '{sheet}', "
                                    "which holds {sheet_type} questions."),
    "too_few_options": N_("A choice question needs at least {minimum} options; this one has "
                          "{count}."),
    "too_many_options": N_("A question can have at most {maximum} options (A–F); this one has "
                           "{count}."),
    "option_gap": N_("Option {key} is empty while a later option is filled in."),
    "option_too_long": N_("Option {key} has {length} characters; the limit is {limit}."),
    "judge_options_unrecognised": N_("A true/false question's options must be 正确 and 错误 "
                                     "(or left empty), not '{options}'."),
    "missing_answer": N_("The answer is missing."),
    "answer_unreadable": N_("The answer '{answer}' is not a list of option letters (e.g. A or "
                            "A,C)."),
    "answer_not_an_option": N_("Answer '{letters}' names an option that does not exist (options "
                               "{first}–{last})."),
    "single_with_several_answers": N_("A single-choice question has exactly one answer, not "
                                      "'{answer}'."),
    "multiple_needs_two_answers": N_("A multiple-choice question needs at least 2 correct "
                                     "answers, not '{answer}'."),
    "judge_answer_unrecognised": N_("The true/false answer '{answer}' is not recognised (use "
                                    "对/错, 正确/错误, √/×, T/F)."),
    "difficulty_unrecognised": N_("The difficulty '{value}' is not recognised (use 易, 中 or 难)."),
    "duplicate_in_file": N_("The same question already appears in row {first_row}; this copy is "
                            "skipped."),
    "duplicate_in_other_sheet": N_("The same question already appears in sheet '{first_sheet}', "
                                   "row {first_row}; this copy is skipped."),
    # The whole file
    "missing_header": N_("No header row was found in the first {search_rows} rows; it needs the "
                         "columns {columns}."),
    "missing_type_column": N_("The header row has no 题型 (type) column and the sheet name does "
                              "not give the type."),
    "empty_file": N_("The file holds no questions."),
    "not_a_spreadsheet": N_("The file is not a readable {expected} file; upload an .xlsx "
                            "workbook, a CSV file, or a GIFT, Aiken or Moodle XML export."),
    # The format was to be told from the file and none fits: no format to name.
    "not_a_bank_file": N_("The file is not a question bank file that can be read; upload an "
                          ".xlsx workbook, a CSV file, or a GIFT, Aiken or Moodle XML export."),
    "encrypted_file": N_("The file is encrypted or in the old .xls format; save it as .xlsx "
                         "without a password."),
    "zip_bomb": N_("The part {part} of the file unpacks to more than {limit} times its packed "
                   "size, as no workbook does; refused."),
    "unpacked_too_large": N_("The file unpacks to more than {limit_mb} MB; refused."),
    "part_too_large": N_("The part {part} of the workbook unpacks to more than {limit_mb} MB, "
                         "as no question bank does; refused."),
    "file_too_large": N_("The file is larger than {limit_mb} MB."),
    "file_unreadable": N_("The file could not be opened."),
    "too_many_rows": N_("The file has more than {limit} rows of questions; split it."),
    "too_many_questions": N_("The file has more than {limit} questions; split it."),
    "too_many_sheets": N_("The workbook has {count} sheets; at most {limit} are read. Delete "
                          "the sheets without questions or split the workbook."),
    "too_many_stored_rows": N_("The file stores more than {limit} rows, blank ones included; "
                               "delete the empty rows below the questions."),
    "too_many_cells": N_("The file stores more than {limit} cells, blank formatted ones "
                         "included; delete the empty rows and columns around the questions."),
    "too_many_columns": N_("A value is in column {column}; a question bank uses at most {limit} "
                           "columns. Delete what is far to the right."),
    "too_many_xml_elements": N_("The XML holds more than {limit} elements; a question bank "
                                "needs far fewer. Split the file."),
    "too_many_lines": N_("The file has more than {limit} lines, blank ones included; split "
                         "it."),
    "xml_question_too_large": N_("The question holds more than {limit} XML elements; a "
                                 "question needs some 40."),
    "bad_encoding": N_("The file's text encoding is neither UTF-8 nor GBK/GB18030; save it as "
                       "CSV UTF-8."),
    "bad_csv": N_("The CSV file is malformed near line {line}."),
    "unknown_format": N_("Unknown file format '{fmt}' (known: {known})."),
    "unsupported_question": N_("A {kind} question cannot be asked in the contest (only single "
                               "choice, multiple choice and true/false); import with "
                               "--skip-unsupported to leave it out."),
    # Text formats (GIFT, Aiken, Moodle XML)
    "duplicate_at_line": N_("The same question already appears at line {first_line}; this copy "
                            "is skipped."),
    "gift_unclosed": N_("The answers' opening brace {{ has no closing brace }}."),
    "gift_two_answer_blocks": N_("A question has more than one answer block {{…}}."),
    "gift_answers_unreadable": N_("The answers must each start with = (right) or ~ (wrong)."),
    "gift_no_right_answer": N_("No answer is marked right."),
    "aiken_option_before_question": N_("An option comes before any question text."),
    "aiken_answer_before_question": N_("An ANSWER line comes before any question text."),
    "aiken_not_finished": N_("The question has no ANSWER line before the next question starts."),
    "aiken_answer_unreadable": N_("The ANSWER '{answer}' is not one option letter."),
    "aiken_option_out_of_order": N_("Option {key} comes where option {expected} was expected."),
    "xml_malformed": N_("The XML is malformed: {reason}."),
    "xml_declarations": N_("The XML declares a document type or entities, which are not accepted."),
    "xml_not_moodle": N_("The XML is not a Moodle question export (no <quiz> element)."),
    "xml_bad_fraction": N_("The grade {value} is not one Moodle allows (100, 50, 33.33333, 25, "
                           "0, ...)."),
    # Other exam systems' sheets: right/wrong per option, one row per option, pictures
    "flag_unrecognised": N_("The mark '{value}' does not say whether the option is right (use 1 "
                            "or 0, 是 or 否, √ or ×)."),
    "no_option_marked_right": N_("No option is marked right."),
    "option_row_before_question": N_("An option row comes before the first question's row."),
    "picture_not_imported": N_("Pictures are not imported; put the question in words or leave "
                               "the picture cell empty."),
}

#: Codes that do not stop an import: the row is skipped and counted.
WARNING_CODES = frozenset({"duplicate_in_file", "duplicate_in_other_sheet",
                           "duplicate_at_line"})

#: Called now and then while a file is read: (questions read so far, total if known).
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class ReadOptions:
    """How a reader treats what it meets; the same for every format."""

    #: Question kinds the contest cannot ask (essay, matching...) are skipped and counted
    #: instead of failing the file.
    skip_unsupported: bool = False
    progress: Progress | None = None


class _Keep(dict):
    """Leaves an unknown placeholder visible instead of raising while formatting."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class ImportIssue:
    """Something wrong in a file, with where it is; `message` is MESSAGES[code] filled in."""

    code: str
    params: dict = field(default_factory=dict, hash=False)
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    line: int | None = None
    severity: str = ""  # "" = from the code: "warning" for WARNING_CODES, else "error"
    # `field` above shadows dataclasses.field inside this class body.
    message: str = dataclasses.field(init=False, default="", compare=False)

    def __post_init__(self) -> None:
        template = MESSAGES.get(self.code, self.code)
        object.__setattr__(self, "message", template.format_map(_Keep(self.params)))
        if not self.severity:
            severity = "warning" if self.code in WARNING_CODES else "error"
            object.__setattr__(self, "severity", severity)

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
        """SHA-1 of type, stem and options, normalised: equal for the same question retyped."""
        parts = [QuestionType(self.type).value, fingerprint_text(self.stem),
                 *(fingerprint_text(option) for option in self.options)]
        # \x1f (unit separator) cannot be typed into a cell, so parts never run together.
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class ParseResult:
    """What a file held: the valid drafts and every issue found."""

    drafts: list[QuestionDraft] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    format: str = ""
    skipped_duplicates: int = 0
    skipped_unsupported: int = 0
    #: Questions (rows, or items of a text file) not kept because of an error of their own.
    rejected: int = 0

    @property
    def read(self) -> int:
        """Questions found in the file (rows, or items of a text file), kept or not: the
        valid ones, the duplicates and unsupported ones skipped, and the rejected ones."""
        return (len(self.drafts) + self.skipped_duplicates + self.skipped_unsupported
                + self.rejected)

    @property
    def errors(self) -> list[ImportIssue]:
        """Issues that make the file unfit to import."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[ImportIssue]:
        """Issues that skip a row but do not stop the import."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def unsupported(self, kind: str, options: ReadOptions, **where: object) -> None:
        """Note a question of a kind the contest cannot ask: an error, or with
        `skip_unsupported` a warning and one more skipped question."""
        severity = "warning" if options.skip_unsupported else "error"
        self.issues.append(ImportIssue("unsupported_question", {"kind": kind},
                                       severity=severity, **where))
        if options.skip_unsupported:
            self.skipped_unsupported += 1
        else:
            self.rejected += 1


class LimitExceeded(Exception):
    """A file passed one of the limits above while it was read; `issue` says which and where.
    The reader stops there: nothing more of the file is read."""

    def __init__(self, issue: ImportIssue) -> None:
        super().__init__(issue.code)
        self.issue = issue
