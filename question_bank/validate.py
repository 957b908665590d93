"""One question checked on its own (e.g. edited in a form), by the rules an imported row meets."""

from __future__ import annotations

from collections.abc import Sequence

from .model import OPTION_KEYS, ImportIssue, ParseResult, QuestionDraft, ReadOptions
from .template import TEMPLATE_HEADERS, FileContext, read_table

#: The template column each argument of `check_question` fills.
_COLUMNS = {"type": "题型", "stem": "题干", "answer": "答案", "explanation": "解析",
            "category": "分类", "difficulty": "难度",
            **{key: f"选项{key}" for key in OPTION_KEYS}}
#: Issue fields (template column names) back to the argument names; options as "A".."F".
FIELD_OF_COLUMN = {column: name for name, column in _COLUMNS.items()}


def check_question(*, qtype: str, stem: str, options: Sequence[str], answer: str,
                   explanation: str = "", category: str = "",
                   difficulty: str = "") -> tuple[QuestionDraft | None, list[ImportIssue]]:
    """The question as a draft if it is valid, and every issue found (`field` is the
    argument's name: "stem", "answer", an option's letter "A".."F"...)."""
    values = {"type": qtype, "stem": stem, "answer": answer, "explanation": explanation,
              "category": category, "difficulty": difficulty,
              **dict(zip(OPTION_KEYS, options, strict=False))}
    if len(options) > len(OPTION_KEYS):
        return None, [ImportIssue("too_many_options", {"count": len(options),
                                                       "maximum": len(OPTION_KEYS)})]
    row = [values.get(FIELD_OF_COLUMN[column], "") for column in TEMPLATE_HEADERS]
    result = ParseResult()
    read_table([(1, TEMPLATE_HEADERS), (2, row)], FileContext(result, ReadOptions()))
    issues = [
        ImportIssue(issue.code, issue.params, field=FIELD_OF_COLUMN.get(issue.field or ""))
        for issue in result.issues
    ]
    draft = result.drafts[0] if result.drafts and not issues else None
    if draft is not None:
        draft = QuestionDraft(type=draft.type, stem=draft.stem, options=draft.options,
                              answer=draft.answer, explanation=draft.explanation,
                              category=draft.category, difficulty=draft.difficulty)
    return draft, issues
