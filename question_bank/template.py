"""Our template: one row per question, headers by name in any order (CSV and .xlsx alike).

Other systems' headers are recognised too (HEADER_ALIASES): 类型/题目/所属知识点..., options
as 选项一…选项六(内容), a right/wrong column per option (选项一是否正确) when there is no answer
column, numeric type codes explained above the header or in it ("1单选 2多选 3判断 4简答").
A header with an option column and a right/wrong column is one row per option: optionrows.py.
"""

from __future__ import annotations

import enum
import re
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
    LimitExceeded,
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

NUMERALS = "一二三四五六七八九十"
HEADER_ALIASES: dict[str, list[str]] = {
    "type": ["题型", "type", "题目类型", "试题类型", "question type", "类型"],
    "stem": ["题干", "stem", "question", "题目", "试题内容", "题目内容", "试题"],
    "answer": ["答案", "answer", "正确答案", "参考答案", "标准答案"],
    "explanation": ["解析", "explanation", "答案解析", "试题解析", "题目解析"],
    "category": ["分类", "category", "知识点", "类别", "所属知识点", "知识分类", "考点"],
    "difficulty": ["难度", "difficulty", "难易程度", "难度等级"],
    **{key: [f"选项{key}", key, f"option {key}", f"{key}选项", f"选项{numeral}",
             f"选项{numeral}内容", f"选项{key}内容"]
       for key, numeral in zip(OPTION_KEYS + EXTRA_OPTION_KEYS, NUMERALS, strict=True)},
    # Systems that mark each option right or wrong instead of an answer column
    **{f"flag_{key}": [f"选项{key}是否正确", f"选项{numeral}是否正确", f"{key}是否正确",
                       f"option {key} correct"]
       for key, numeral in zip(OPTION_KEYS + EXTRA_OPTION_KEYS, NUMERALS, strict=True)},
    # Pictures cannot be imported: a filled picture cell is reported
    "image": ["图片", "题干图片", "试题图片", "image", "picture"],
    "image_option": ["选项图片", "option image", "option picture"],  # one row per option
    **{f"image_{key}": [f"选项{key}图片", f"选项{numeral}图片"]
       for key, numeral in zip(OPTION_KEYS + EXTRA_OPTION_KEYS, NUMERALS, strict=True)},
    # One row per option: the question's number, the option's text, whether it is right
    "number": ["题号", "序号", "试题编号", "题目编号", "题目序号", "试题序号", "试题id", "题目id",
               "question no", "question number", "question id", "no"],
    "option": ["选项", "选项内容", "选项文本", "选项描述", "答案选项", "option", "option text",
               "choice", "choice text", "answer option"],
    "flag": ["是否正确", "正确与否", "是否正确答案", "是否为正确答案", "是否答案", "是否正确选项",
             "正确标识", "对错", "正误", "correct", "is correct", "is answer"],
    # A second place for the category, used when the category column is blank: ExamStack's
    # importer files a question under its 知识类, its template also has 所属知识点.
    "category_alt": ["知识类", "题库", "题库名称", "所属题库", "章节", "所属章节", "科目"],
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
    progress_reported: int = 0  # in blocks of PROGRESS_EVERY rows

    def count_row(self, sheet: str | None, number: int) -> None:
        """Count one more row of questions; past MAX_ROWS the file is refused right there."""
        self.rows_read += 1
        if self.rows_read > MAX_ROWS:
            raise LimitExceeded(ImportIssue("too_many_rows", {"limit": MAX_ROWS}, sheet=sheet,
                                            row=number))

    def row_done(self) -> None:
        """Report progress once each time another PROGRESS_EVERY rows have been read (a
        reader may call this more than once per row)."""
        progress = self.options.progress
        block = self.rows_read // PROGRESS_EVERY
        if progress is not None and block > self.progress_reported:
            self.progress_reported = block
            progress(self.rows_read, self.total_rows)


#: A note in brackets after a column's name, e.g. 题型（1=单选，2=多选）.
_HEADER_NOTE = re.compile(r"\s*[（(【\[].*?[)）】\]]\s*$")


def header_roles(cells: Sequence[object]) -> dict[str, int]:
    """Column index by role ("stem", "A", ...) for a row that may be the header."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = norm.clean(cell)
        role = _ROLE_BY_KEY.get(norm.spelling_key(name))
        if role is None and name and len(name) < 100:
            role = _ROLE_BY_KEY.get(norm.spelling_key(_HEADER_NOTE.sub("", name)))
        if role and role not in roles:  # the first of two same-named columns wins
            roles[role] = index
    return roles


def is_header(roles: dict[str, int]) -> bool:
    """A header names the stem and where the answer is: an answer column, a right/wrong
    column per option, or (one row per option) option and right/wrong columns."""
    if "stem" not in roles:
        return False
    return ("answer" in roles or any(role.startswith("flag_") for role in roles)
            or is_option_rows(roles))


def is_option_rows(roles: dict[str, int]) -> bool:
    """One row per option: an option text column and a right/wrong column."""
    return "option" in roles and "flag" in roles


def _blank(cells: Sequence[object]) -> bool:
    return not any(norm.clean(cell) for cell in cells)


def read_table(rows: Iterable[Row], context: FileContext, sheet: str | None = None) -> Outcome:
    """Read one sheet (or a CSV) of our template into the context's result; raises
    LimitExceeded when the file passes MAX_ROWS (or a limit `rows` itself checks)."""
    iterator: Iterator[Row] = iter(rows)
    text_rows = 0
    above: list[str] = []  # instruction rows above the header may explain type codes
    for number, cells in iterator:
        if _blank(cells):
            continue
        roles = header_roles(cells)
        if is_header(roles):
            names = {role: norm.clean(cells[i]) for role, i in roles.items()}
            legend = norm.type_legend(" ".join([*above, names.get("type", "")]))
            columns = Columns(roles, names, sheet, legend)
            if "type" not in roles and columns.sheet_type is None:
                context.result.issues.append(ImportIssue("missing_type_column", sheet=sheet,
                                                         row=number))
            elif is_option_rows(roles):
                # optionrows builds on this module's row reader, hence imported here
                from .optionrows import read_option_rows

                read_option_rows(iterator, columns, context)
            else:
                _read_body(iterator, columns, context)
            return Outcome.READ
        above.append(" ".join(norm.clean(cell) for cell in cells))
        text_rows += 1
        if text_rows >= HEADER_SEARCH_ROWS:
            break
    return Outcome.NO_HEADER if text_rows else Outcome.BLANK


def _read_body(rows: Iterator[Row], columns: Columns, context: FileContext) -> None:
    for number, cells in rows:
        if _blank(cells):
            continue  # blank rows in the middle and at the end
        context.count_row(columns.sheet, number)
        take_row(RowReader(columns, cells, number, []), context)


def take_row(reader: RowReader, context: FileContext) -> None:
    """Check one question and keep it (once), or note its issues or its unsupported kind."""
    draft = reader.draft()
    if reader.unsupported_kind:
        context.result.unsupported(reader.unsupported_kind, context.options,
                                   sheet=reader.columns.sheet, row=reader.number,
                                   field=reader.columns.names.get("type"))
    else:  # of a kind we cannot ask, nothing else matters (e.g. an essay's unmarked options)
        context.result.issues.extend(reader.issues)
    if draft is not None:
        _keep_unless_duplicate(draft, context)
    elif not reader.unsupported_kind:
        context.result.rejected += 1
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
class Columns:
    """Where each role is, and how the user named its column."""

    roles: dict[str, int]
    names: dict[str, str]
    sheet: str | None
    #: Type codes the sheet explains, e.g. {"1": "single", "4": "简答题"}.
    legend: dict[str, str] = field(default_factory=dict)

    @property
    def sheet_type(self) -> str | None:
        return norm.question_type(self.sheet) if self.sheet else None


class RowReader:
    """Reads and checks one question row; problems go to `issues`."""

    def __init__(self, columns: Columns, cells: Sequence[object], number: int,
                 issues: list[ImportIssue]) -> None:
        self.columns, self.cells, self.number, self.issues = columns, cells, number, issues
        self.unsupported_kind: str | None = None
        #: The answer's problem was already reported (e.g. by the option rows' marks).
        self.answer_reported = False

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
        if self.unsupported_kind:
            return None  # not checked further: the kind itself is the problem
        stem = self.stem()
        self.pictures()
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
            category=self.text("category") or self.text("category_alt"), difficulty=level,
            sheet=self.columns.sheet, row=self.number,
        )

    def question_type(self) -> str | None:
        sheet_type, written = self.columns.sheet_type, self.text("type")
        if not written:
            if sheet_type is None:
                self.problem("missing_type", "type")
            return sheet_type
        named = norm.question_type(written)
        if named is None and written.isdigit() and written in self.columns.legend:
            named = self.columns.legend[written]
        if named not in (None, "single", "multiple", "judge"):
            self.unsupported_kind = named  # a kind from the sheet's legend, e.g. 简答题
            return None
        if named is None and norm.unsupported_type(written):
            self.unsupported_kind = norm.unsupported_type(written)
            return None
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

    def pictures(self) -> None:
        for role in self.columns.roles:
            if role.startswith("image") and self.text(role):
                self.problem("picture_not_imported", role)

    def flagged_answer(self) -> str:
        """Letters of the options whose right/wrong column says right."""
        letters = ""
        for key in OPTION_KEYS + EXTRA_OPTION_KEYS:
            if f"flag_{key}" not in self.columns.roles:
                continue
            meaning = norm.flag(self.text(f"flag_{key}"))
            if meaning is None:
                self.problem("flag_unrecognised", f"flag_{key}",
                             value=self.text(f"flag_{key}"))
            elif meaning:
                letters += key
        return letters

    def answer(self, qtype: str | None, options: list[str]) -> tuple[str | None, list[str]]:
        """The normalised answer (None if wrong) and the options the draft keeps."""
        if self.answer_reported:
            return None, options
        written = self.text("answer")
        if not written and any(role.startswith("flag_") for role in self.columns.roles):
            before = len(self.issues)
            written = self.flagged_answer()
            if len(self.issues) > before:
                return None, options
            if not written:
                self.problem("no_option_marked_right", next(
                    role for role in self.columns.roles if role.startswith("flag_")))
                return None, options
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
