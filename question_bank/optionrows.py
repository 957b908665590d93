"""Sheets with one row per option, as other exam systems export them.

A question spans several rows: its number (题号, 序号, 试题编号...), type, stem, explanation,
category and difficulty on its first row (or repeated on each), then one row per option with
the option's text (选项 / 选项内容) and whether it is right (是否正确: 正确/是/1/√/对/Y, or
错误/否/0/×/N/blank).

The layout is told by the header row alone (`template.is_option_rows`: an option text column
and a right/wrong column), sheet by sheet, so one workbook may mix it with our template;
a CSV file in this layout is read the same way.

A question starts where the number changes (blank numbers continue the question above) or,
without a number column, at each row with a stem. Its draft carries the row of its first row;
the question fields come from the first of its rows that fills them in. The rows are then
checked as one template row, so every rule (types, option count, answers, duplicates) is the
same; a mark that is not right/wrong is reported on its own row, and an option row before any
question, a question with no option marked right, or a filled picture cell, on theirs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from . import normalize as norm
from .model import OPTION_KEYS, ImportIssue
from .template import EXTRA_OPTION_KEYS, Columns, FileContext, Row, RowReader, take_row

#: The question's own fields, taken from the first of its rows that fills each in.
QUESTION_FIELDS = ("type", "stem", "explanation", "category", "category_alt", "difficulty")


@dataclass
class _Question:
    """The rows of one question."""

    number: str
    row: int
    fields: dict[str, object] = field(default_factory=dict)
    options: list[tuple[str, str, int]] = field(default_factory=list)  # text, mark, row
    pictures: list[tuple[str, int]] = field(default_factory=list)  # role, row

    def fill(self, columns: Columns, cells: Sequence[object]) -> None:
        for role in QUESTION_FIELDS:
            if not norm.clean(self.fields.get(role)):
                self.fields[role] = _cell(columns, cells, role, inline=False)


def _cell(columns: Columns, cells: Sequence[object], role: str, inline: bool = True) -> str:
    index = columns.roles.get(role)
    if index is None or index >= len(cells):
        return ""
    return norm.clean_inline(cells[index]) if inline else norm.clean(cells[index])


def read_option_rows(rows: Iterator[Row], columns: Columns, context: FileContext) -> None:
    """Read the rows below an option-rows header into the context's result."""
    question: _Question | None = None
    numbered = "number" in columns.roles
    for number, cells in rows:
        if not any(norm.clean(cell) for cell in cells):
            continue
        context.count_row(columns.sheet, number)
        qno = _cell(columns, cells, "number")
        if numbered:
            starts = bool(qno) and (question is None or qno != question.number)
        else:
            starts = bool(_cell(columns, cells, "stem"))
        if starts:
            if question is not None:
                _take_question(question, columns, context)
            question = _Question(qno, number)
        elif question is None:
            context.result.issues.append(ImportIssue(
                "option_row_before_question", sheet=columns.sheet, row=number,
                field=columns.names.get("number") or columns.names.get("stem")))
            context.result.rejected += 1  # a row that belongs to no question
            continue
        question.fill(columns, cells)
        for role in columns.roles:
            if role.startswith("image") and _cell(columns, cells, role):
                question.pictures.append((role, number))
        question.options.append((_cell(columns, cells, "option"), _cell(columns, cells, "flag"),
                                 number))
        context.row_done()
    if question is not None:
        _take_question(question, columns, context)


def _take_question(question: _Question, columns: Columns, context: FileContext) -> None:
    """Turn a question's option rows into one template row and check it like any other."""
    keys = OPTION_KEYS + EXTRA_OPTION_KEYS
    texts = [text for text, _, _ in question.options]
    while texts and not texts[-1]:
        texts.pop()  # rows that only repeat the question's fields are not options
    right, marks = [], []
    for key, (_, mark, row) in zip(keys, question.options, strict=False):
        meaning = norm.flag(mark)
        if meaning is None:
            marks.append(ImportIssue("flag_unrecognised", {"value": mark},
                                     sheet=columns.sheet, row=row,
                                     field=columns.names.get("flag")))
        elif meaning:
            right.append(key)
    # Pictures are not imported: a filled picture cell is reported where it is.
    pictures = [ImportIssue("picture_not_imported", sheet=columns.sheet, row=row,
                            field=columns.names.get(role)) for role, row in question.pictures]
    values = {**{role: question.fields.get(role) for role in QUESTION_FIELDS},
              "answer": "".join(right), **dict(zip(keys, texts, strict=False))}
    order = list(values)
    # Issues about the answer name the right/wrong column, about an option its text column.
    names = {**columns.names, "answer": columns.names.get("flag", ""),
             **dict.fromkeys(keys, columns.names.get("option", ""))}
    synthetic = Columns({role: i for i, role in enumerate(order)}, names, columns.sheet,
                        columns.legend)
    reader = RowReader(synthetic, [values[role] for role in order], question.row,
                       [*pictures, *marks])
    if not right and not marks:
        reader.problem("no_option_marked_right", "answer")
    reader.answer_reported = bool(marks) or not right
    take_row(reader, context)
