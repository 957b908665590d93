"""Whole files: format detection, forced formats, size limits, issues, never a traceback."""

from __future__ import annotations

import random
import string

import pytest

import question_bank
from question_bank import (
    TEMPLATE_HEADERS,
    ImportIssue,
    ParseResult,
    QuestionDraft,
    QuestionType,
    parse_bytes,
    parse_file,
)
from question_bank.model import MAX_FILE_BYTES, MESSAGES, STEM_MAX_LENGTH
from tests.question_bank.test_csv import GOOD, csv_bytes
from tests.question_bank.test_xlsx import xlsx_bytes

XLSX = xlsx_bytes({"单选题": [["题干", "A", "B", "答案"], ["火警电话", "110", "119", "B"]]})
CSV = csv_bytes(GOOD)


def codes(result: ParseResult) -> list[str]:
    return [issue.code for issue in result.issues]


def test_the_public_api_is_importable():
    assert [t.value for t in QuestionType] == ["single", "multiple", "judge"]
    assert isinstance(QuestionType.judge, str) and QuestionType("judge") == "judge"
    assert TEMPLATE_HEADERS == ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E",
                                "选项F", "答案", "解析", "分类", "难度"]
    assert STEM_MAX_LENGTH == 1000 and MAX_FILE_BYTES == 20 * 1024 * 1024
    assert set(question_bank.FORMATS) == {"xlsx", "csv", "xml", "gift", "aiken"}
    assert QuestionDraft and ImportIssue


def test_the_template_headers_read_as_a_template():
    row = ["单选", "题", "甲", "乙", "", "", "", "", "B", "", "", ""]
    result = parse_bytes(csv_bytes(",".join(row), header=",".join(TEMPLATE_HEADERS)), "t.csv")
    assert result.ok and result.drafts[0].answer == "B"


@pytest.mark.parametrize("data, name, fmt", [
    (XLSX, "bank.xlsx", "xlsx"), (XLSX, "bank.csv", "xlsx"), (XLSX, "bank", "xlsx"),
    (CSV, "bank.csv", "csv"), (CSV, "bank.txt", "csv"), (CSV, "bank.dat", "csv"),
    (CSV, "BANK.CSV", "csv"),
])
def test_the_content_decides_the_format_before_the_name(data, name, fmt):
    result = parse_bytes(data, name)
    assert result.ok and result.format == fmt and len(result.drafts) == 1


@pytest.mark.parametrize("data, name", [
    (CSV, "bank.xlsx"), (b"just some text", "bank.xlsx"),
    (bytes(range(256)) * 4, "bank.xlsx"), (bytes(range(256)) * 4, "bank.csv"),
    (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "photo.csv"), (b"%PDF-1.4\n\0\x01", "bank.pdf"),
])
def test_a_file_that_is_not_what_its_name_says_is_not_a_bank_file(data, name):
    result = parse_bytes(data, name)
    assert codes(result) == ["not_a_bank_file"] and "can be read" in result.issues[0].message
    assert result.issues[0].params == {}  # nothing untranslated goes into the message


@pytest.mark.parametrize("data, fmt", [(XLSX, "csv"), (CSV, "xlsx")])
def test_a_forced_format_that_does_not_fit_is_refused(data, fmt):
    assert codes(parse_bytes(data, "bank", fmt=fmt)) == ["not_a_spreadsheet"]


def test_a_forced_format_that_fits_is_used():
    assert parse_bytes(CSV, "bank.xlsx", fmt="csv").ok
    assert parse_bytes(XLSX, "bank.csv", fmt="xlsx").ok


def test_an_unknown_forced_format_is_an_issue_not_an_exception():
    result = parse_bytes(CSV, "bank.pdf", fmt="pdf")
    assert codes(result) == ["unknown_format"] and "xlsx, xml, gift, aiken, csv" in \
        result.issues[0].message


@pytest.mark.parametrize("data", [b"", b"   \r\n\t ", b"\xef\xbb\xbf"])
def test_an_empty_file_is_empty(data):
    assert codes(parse_bytes(data, "bank.csv")) == ["empty_file"]


def test_an_oversized_file_is_refused_without_being_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no 20 MB written
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("file was read"))
    result = parse_file(path)
    assert codes(result) == ["file_too_large"] and "20 MB" in result.issues[0].message


def test_oversized_bytes_are_refused():
    assert codes(parse_bytes(b"x" * (MAX_FILE_BYTES + 1), "b.csv")) == ["file_too_large"]


def test_a_missing_file_is_an_issue(tmp_path):
    assert codes(parse_file(tmp_path / "nope.csv")) == ["file_unreadable"]


def test_a_csv_on_disk_is_read_by_path(tmp_path):
    path = tmp_path / "题库.csv"
    path.write_bytes(CSV)
    assert parse_file(str(path)).drafts[0].stem == "好题"


def test_issue_messages_are_the_code_templates_filled_with_params():
    issue = ImportIssue("answer_not_an_option", {"letters": "E", "answer": "e", "first": "A",
                                                 "last": "D"}, row=3, field="答案")
    assert issue.message == MESSAGES["answer_not_an_option"].format(**issue.params)
    assert issue.message == "Answer 'E' names an option that does not exist (options A–D)."
    assert issue.severity == "error" and issue.where == "row 3, column 答案"
    assert ImportIssue("duplicate_in_file", {"first_row": 2}).severity == "warning"
    assert hash(issue) == hash(ImportIssue("answer_not_an_option", {}, row=3, field="答案"))


def test_every_message_template_is_an_english_sentence():
    for code, template in MESSAGES.items():
        assert template.endswith(".") and template[0].isupper(), code


def test_a_result_splits_errors_from_warnings():
    result = ParseResult(issues=[ImportIssue("duplicate_in_file", {"first_row": 2}, row=3)])
    assert result.ok and len(result.warnings) == 1 and not result.errors
    result.issues.append(ImportIssue("missing_stem", row=4))
    assert not result.ok and [i.code for i in result.errors] == ["missing_stem"]


def test_truncated_workbooks_never_raise():
    for cut in range(0, len(XLSX), max(1, len(XLSX) // 60)):
        result = parse_bytes(XLSX[:cut], "bank.xlsx")
        assert result.issues, cut


def test_random_bytes_never_raise():
    rng = random.Random(20260616)
    alphabet = string.printable + "题干答案选项，、\u3000"
    for _ in range(200):
        if rng.random() < 0.5:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
        else:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 400)))
            data = ("题型,题干,A,B,答案\n" + text).encode("utf-8")
        for name in ("bank.csv", "bank.xlsx", "bank"):
            assert isinstance(parse_bytes(data, name), ParseResult)
