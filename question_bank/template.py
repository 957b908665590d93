"""Our template: one row per question, headers by name in any order (CSV and .xlsx alike)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from . import normalize as norm
from .model import (
    JUDGE_OPTIONS,
    MAX_ROWS,
    OPTION_KEYS,
    OPTION_MAX_LENGTH,
    STEM_MAX_LENGTH,
    ImportIssue,
    ParseResult,
    QuestionDraft,
    QuestionType,
)

TEMPLATE_HEADERS = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F",
                    "答案", "解析", "分类", "难度"]

#: Accepted header spellings (compared NFKC, case-folded, without spaces) by column role.
HEADER_ALIASES = {
    "type": ["题型", "type", "题目类型", "试题类型", "类型"],
    "stem": ["题干", "stem", "question", "题目", "试题内容", "题目内容"],
    "answer": ["答案", "answer", "正确答案", "参考答案"],
    "explanation": ["解析", "explanation", "答案解析", "试题解析"],
    "category": ["分类", "category", "知识点", "类别"],
    "difficulty": ["难度", "difficulty"],
    **{key: [f"选项{key}", key, f"option{key}", f"选项{key.lower()}"] for key in OPTION_KEYS},
}
_ALIAS_TO_ROLE = {norm.fingerprint_text(a): role for role, names in HEADER_ALIASES.items()
                  for a in names}
HEADER_SEARCH_ROWS = 10

Row = tuple[int, list]  # (row number as the user sees it, cell values)


def header_roles(cells: list) -> dict[str, int]:
    """Which column holds which role, for a row that may be the header."""
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _ALIAS_TO_ROLE.get(norm.fingerprint_text(norm.clean(cell)))
        if role and role not in roles:
            roles[role] = index
    return roles


def _is_header(roles: dict[str, int]) -> bool:
    return "stem" in roles and "answer" in roles


def read_rows(rows: Iterable[Row], result: ParseResult, sheet: str | None = None,
              seen: dict[str, int] | None = None) -> bool:
    """Parse one sheet (or a CSV) into `result`; False when it has no header row."""
    seen = {} if seen is None else seen
    sheet_type = norm.question_type(sheet) if sheet else None
    iterator: Iterator[Row] = iter(rows)
    roles = None
    headers: list = []
    for _ in range(HEADER_SEARCH_ROWS):
        try:
            _number, cells = next(iterator)
        except StopIteration:
            return False
        candidate = header_roles(cells)
        if _is_header(candidate):
            roles, headers = candidate, [norm.clean(c) for c in cells]
            break
    if roles is None:
        return False
    if "type" not in roles and sheet_type is None:
        result.issues.append(ImportIssue("missing_header", {"columns": "题型, 题干, 答案"},
                                         sheet=sheet))
        return True
    count = 0
    for number, cells in iterator:
        if not any(norm.clean(c) for c in cells):
            continue  # blank rows in the middle and at the end
        count += 1
        if count > MAX_ROWS:
            result.issues.append(ImportIssue("too_many_rows", {"limit": MAX_ROWS}, sheet=sheet))
            return True
        draft = _row(cells, roles, headers, number, sheet, sheet_type, result)
        if draft is None:
            continue
        fingerprint = draft.fingerprint()
        if fingerprint in seen:
            result.issues.append(ImportIssue("duplicate_in_file", {"first_row": seen[fingerprint]},
                                             sheet=sheet, row=number, severity="warning"))
            result.skipped_duplicates += 1
            continue
        seen[fingerprint] = number
        result.drafts.append(draft)
    return True


def _row(cells, roles, headers, number, sheet, sheet_type, result) -> QuestionDraft | None:
    issues: list[ImportIssue] = []

    def cell(role: str, inline: bool = True) -> str:
        index = roles.get(role)
        if index is None or index >= len(cells):
            return ""
        return norm.clean_inline(cells[index]) if inline else norm.clean(cells[index])

    def issue(code: str, role: str | None = None, **params) -> None:
        name = headers[roles[role]] if role in roles else None
        issues.append(ImportIssue(code, params, sheet=sheet, row=number, field=name))

    qtype = sheet_type
    raw_type = cell("type")
    if raw_type:
        named = norm.question_type(raw_type)
        if named is None:
            issue("unknown_type", "type", value=raw_type)
        elif sheet_type and named != sheet_type:
            # The sheet's type stays the one the rest of the row is checked against.
            issue("type_conflicts_with_sheet", "type", value=raw_type, sheet=sheet)
        else:
            qtype = named
    elif sheet_type is None:
        issue("missing_type", "type")

    stem = cell("stem")
    if not stem:
        issue("missing_stem", "stem")
    elif len(stem) > STEM_MAX_LENGTH:
        issue("stem_too_long", "stem", limit=STEM_MAX_LENGTH)

    options = [cell(key) for key in OPTION_KEYS]
    while options and not options[-1]:
        options.pop()
    for key, text in zip(OPTION_KEYS, options, strict=False):
        if not text:
            issue("option_gap", key, key=key)
        elif len(text) > OPTION_MAX_LENGTH:
            issue("option_too_long", key, key=key, limit=OPTION_MAX_LENGTH)

    raw_answer = cell("answer")
    answer = None
    if not raw_answer:
        issue("missing_answer", "answer")
    elif qtype == "judge":
        answer = norm.judge_answer(raw_answer)
        if answer is None:
            issue("judge_answer_unrecognised", "answer", answer=raw_answer)
        options = list(JUDGE_OPTIONS)
    elif qtype in ("single", "multiple"):
        if len(options) < 2:
            issue("too_few_options", "A", count=len(options))
        answer = norm.choice_answer(raw_answer)
        if answer is None:
            issue("answer_unreadable", "answer", answer=raw_answer)
        elif any(OPTION_KEYS.find(k) >= len(options) or k not in OPTION_KEYS for k in answer):
            if len(options) >= 2:
                issue("answer_not_an_option", "answer", answer=raw_answer, first="A",
                      last=OPTION_KEYS[len(options) - 1])
        elif qtype == "single" and len(answer) > 1:
            issue("single_with_several_answers", "answer", answer=raw_answer)
        elif qtype == "multiple" and len(answer) < 2:
            issue("multiple_needs_two_answers", "answer", answer=raw_answer)

    level = norm.difficulty(cell("difficulty"))
    if level is None:
        issue("difficulty_unrecognised", "difficulty", value=cell("difficulty"))

    if issues or qtype is None or answer is None:
        result.issues.extend(issues)
        return None
    return QuestionDraft(
        type=QuestionType(qtype), stem=stem, options=tuple(options), answer=answer,
        explanation=cell("explanation", inline=False), category=cell("category"),
        difficulty=level, sheet=sheet, row=number,
    )
