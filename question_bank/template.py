"""Our template: one row per question, headers by name in any order (CSV and .xlsx alike)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from . import normalize as norm
from .model import (
    JUDGE_OPTIONS,
    MAX_OPTIONS,
    MAX_ROWS,
    MIN_OPTIONS,
    OPTION_KEYS,
    OPTION_MAX_LENGTH,
    STEM_MAX_LENGTH,
    ImportIssue,
    ParseResult,
    QuestionDraft,
    QuestionType,
    ReadOptions,
)

TEMPLATE_HEADERS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
                    "答案", "解析", "分类", "难度"]
REQUIRED_COLUMNS = "题干, 答案, 题型"
#: Option columns past F are recognised only to report too_many_options.
EXTRA_OPTION_KEYS = "GHIJ"
#: The header is looked for in this many non-blank rows (instruction rows come first).
HEADER_SEARCH_ROWS = 10
#: Progress is reported after every this many rows.
PROGRESS_EVERY = 500

HEADER_ALIASES: dict[str, list[str]] = {
    "type": ["题型", "type", "题目类型", "试题类型", "question type"],
    "stem": ["题干", "stem", "question", "题目", "试题内容", "题目内容", "试题"],
    "answer": ["答案", "answer", "正确答案", "参考答案", "标准答案"],
    "explanation": ["解析", "explanation", "答案解析", "试题解析", "题目解析"],
    "category": ["分类", "category", "知识点", "类别"],
    "difficulty": ["难度", "difficulty", "难易程度", "难度等级"],
    **{key: [f"选项{key}", key, f"option {key}", f"{key}选项"]
       for key in OPTION_KEYS + EXTRA_OPTION_KEYS},
}
_ROLE_BY_KEY = {norm.spelling_key(alias): role
                for role, aliases in HEADER_ALIASES.items() for alias in aliases}

Row = tuple[int, Sequence[object]]  # (row number as the user sees it, cell values)


class Outcome(enum.Enum):
    """What one sheet (or a CSV) turned out to hold."""

    BLANK = "blank"          # no text at all
    NO_HEADER = "no_header"  # text, but no header row: e.g. an instruction sheet
    READ = "read"            # a header row was found and the rows below it were read


@dataclass
class FileContext:
    """State shared by all sheets of one file: duplicates and the row limit span sheets."""

    result: ParseResult
    options: ReadOptions = field(default_factory=ReadOptions)
    #: Rows in the file if known (e.g. from a workbook's dimensions), for progress.
    total_rows: int | None = None
    seen: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    rows_read: int = 0
    stopped: bool = False

    def row_done(self) -> None:
        progress = self.options.progress
        if progress is not None and self.rows_read % PROGRESS_EVERY == 0:
            progress(self.rows_read, self.total_rows)


def header_roles(cells: Sequence[object]) -> dict[str, int]:
    """Column index by role ("stem", "A", ...) for a row that may be the header."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _ROLE_BY_KEY.get(norm.spelling_key(norm.clean(cell)))
        if role and role not in roles:  # the first of two same-named columns wins
            roles[role] = index
    return roles


def is_header(roles: dict[str, int]) -> bool:
    """A header names at least the stem and the answer columns."""
    return "stem" in roles and "answer" in roles


def _blank(cells: Sequence[object]) -> bool:
    return not any(norm.clean(cell) for cell in cells)


def read_table(rows: Iterable[Row], context: FileContext, sheet: str | None = None) -> Outcome:
    """Read one sheet (or a CSV) of our template into the context's result."""
    iterator: Iterator[Row] = iter(rows)
    text_rows = 0
    for number, cells in iterator:
        if _blank(cells):
            continue
        roles = header_roles(cells)
        if is_header(roles):
            columns = _Columns(roles, {role: norm.clean(cells[i]) for role, i in roles.items()},
                               sheet)
            if "type" not in roles and columns.sheet_type is None:
                context.result.issues.append(ImportIssue("missing_type_column", sheet=sheet,
                                                         row=number))
            else:
                _read_body(iterator, columns, context)
            return Outcome.READ
        text_rows += 1
        if text_rows >= HEADER_SEARCH_ROWS:
            break
    return Outcome.NO_HEADER if text_rows else Outcome.BLANK


def _read_body(rows: Iterator[Row], columns: _Columns, context: FileContext) -> None:
    result = context.result
    for number, cells in rows:
        if _blank(cells):
            continue  # blank rows in the middle and at the end
        context.rows_read += 1
        if context.rows_read > MAX_ROWS:
            result.issues.append(ImportIssue("too_many_rows", {"limit": MAX_ROWS},
                                             sheet=columns.sheet, row=number))
            context.stopped = True
            return
        issues: list[ImportIssue] = []
        draft = _RowReader(columns, cells, number, issues).draft()
        result.issues.extend(issues)
        if draft is not None:
            _keep_unless_duplicate(draft, context)
        context.row_done()


def _keep_unless_duplicate(draft: QuestionDraft, context: FileContext) -> None:
    fingerprint = draft.fingerprint()
    first = context.seen.get(fingerprint)
    if first is None:
        context.seen[fingerprint] = (draft.sheet, draft.row)
        context.result.drafts.append(draft)
        return
    first_sheet, first_row = first
    code = "duplicate_in_file" if first_sheet == draft.sheet else "duplicate_in_other_sheet"
    params = {"first_row": first_row, "first_sheet": first_sheet}
    context.result.issues.append(ImportIssue(code, params, sheet=draft.sheet, row=draft.row))
    context.result.skipped_duplicates += 1


@dataclass
class _Columns:
    """Where each role is, and how the user named its column."""

    roles: dict[str, int]
    names: dict[str, str]
    sheet: str | None

    @property
    def sheet_type(self) -> str | None:
        return norm.question_type(self.sheet) if self.sheet else None


class _RowReader:
    """Reads and checks one question row; problems go to `issues`."""

    def __init__(self, columns: _Columns, cells: Sequence[object], number: int,
                 issues: list[ImportIssue]) -> None:
        self.columns, self.cells, self.number, self.issues = columns, cells, number, issues

    def text(self, role: str, inline: bool = True) -> str:
        index = self.columns.roles.get(role)
        if index is None or index >= len(self.cells):
            return ""
        value = self.cells[index]
        return norm.clean_inline(value) if inline else norm.clean(value)

    def problem(self, code: str, role: str | None = None, **params: object) -> None:
        self.issues.append(ImportIssue(code, params, sheet=self.columns.sheet, row=self.number,
                                       field=self.columns.names.get(role or "")))

    def draft(self) -> QuestionDraft | None:
        qtype = self.question_type()
        stem = self.stem()
        options = self.options()
        answer, options = self.answer(qtype, options)
        level = norm.difficulty(self.text("difficulty"))
        if level is None:
            self.problem("difficulty_unrecognised", "difficulty", value=self.text("difficulty"))
        if self.issues or qtype is None or answer is None or level is None:
            return None
        return QuestionDraft(
            type=QuestionType(qtype), stem=stem, options=tuple(options), answer=answer,
            explanation=self.text("explanation", inline=False),
            category=self.text("category"), difficulty=level,
            sheet=self.columns.sheet, row=self.number,
        )

    def question_type(self) -> str | None:
        sheet_type, written = self.columns.sheet_type, self.text("type")
        if not written:
            if sheet_type is None:
                self.problem("missing_type", "type")
            return sheet_type
        named = norm.question_type(written)
        if named is None:
            self.problem("unknown_type", "type", value=written)
        elif sheet_type and named != sheet_type:
            self.problem("type_conflicts_with_sheet", "type", value=written,
                         sheet=self.columns.sheet, sheet_type=sheet_type)
        # With a conflict the sheet's type is the one the rest of the row is checked against.
        return sheet_type or named

    def stem(self) -> str:
        stem = self.text("stem")
        if not stem:
            self.problem("missing_stem", "stem")
        elif len(stem) > STEM_MAX_LENGTH:
            self.problem("stem_too_long", "stem", length=len(stem), limit=STEM_MAX_LENGTH)
        return stem

    def options(self) -> list[str]:
        keys = OPTION_KEYS + EXTRA_OPTION_KEYS
        options = [self.text(key) for key in keys]
        while options and not options[-1]:
            options.pop()  # blank options at the end are simply absent
        for key, option in zip(keys, options, strict=False):
            if not option:
                self.problem("option_gap", key, key=key)
            elif len(option) > OPTION_MAX_LENGTH:
                self.problem("option_too_long", key, key=key, length=len(option),
                             limit=OPTION_MAX_LENGTH)
        if len(options) > MAX_OPTIONS:
            self.problem("too_many_options", keys[MAX_OPTIONS], count=len(options),
                         maximum=MAX_OPTIONS)
        return options

    def answer(self, qtype: str | None, options: list[str]) -> tuple[str | None, list[str]]:
        """The normalised answer (None if wrong) and the options the draft keeps."""
        written = self.text("answer")
        if qtype == "judge":
            return self.judge_answer(written, options), list(JUDGE_OPTIONS)
        if not written:
            self.problem("missing_answer", "answer")
            return None, options
        if qtype is None:
            return None, options
        return self.choice_answer(qtype, written, options), options

    def judge_answer(self, written: str, options: list[str]) -> str | None:
        truth = self.judge_option_letters(options)
        if not written:
            self.problem("missing_answer", "answer")
            return None
        answer = norm.judge_answer(written)
        if answer is None and truth is not None:
            # "A"/"B" point at the option columns (正确/错误 when those are empty).
            answer = truth.get(norm.choice_answer(written) or "")
        # With odd options a letter answer cannot be judged; the options issue says why.
        if answer is None and (truth is not None or norm.choice_answer(written) is None):
            self.problem("judge_answer_unrecognised", "answer", answer=written)
        return answer if truth is not None else None

    def judge_option_letters(self, options: list[str]) -> dict[str, str] | None:
        """Letter -> "A" (正确) / "B" (错误) given the row's options; None if they are odd."""
        if not options:
            return {"A": "A", "B": "B"}
        meanings = [norm.judge_answer(option) for option in options]
        if len(options) == 2 and sorted(meanings, key=str) == ["A", "B"]:
            return {"A": meanings[0], "B": meanings[1]}
        self.problem("judge_options_unrecognised", "A", options=" / ".join(options))
        return None

    def choice_answer(self, qtype: str, written: str, options: list[str]) -> str | None:
        count = len(options)
        if count < MIN_OPTIONS:
            self.problem("too_few_options", "A", count=count, minimum=MIN_OPTIONS)
        answer = norm.choice_answer(written)
        if answer is None:
            self.problem("answer_unreadable", "answer", answer=written)
            return None
        existing = OPTION_KEYS[:min(count, MAX_OPTIONS)]
        missing = "".join(letter for letter in answer if letter not in existing)
        if missing:
            if count >= MIN_OPTIONS:  # else too_few_options already says what is wrong
                self.problem("answer_not_an_option", "answer", letters=missing, answer=written,
                             first="A", last=existing[-1])
            return None
        if qtype == "single" and len(answer) > 1:
            self.problem("single_with_several_answers", "answer", answer=written)
        elif qtype == "multiple" and len(answer) < 2:
            self.problem("multiple_needs_two_answers", "answer", answer=written)
        return answer
