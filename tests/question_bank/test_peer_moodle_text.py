"""Moodle's own GIFT and Aiken fixtures, read from ../shared (never copied here): every item
Moodle imports is accounted for on its line, the errors are on the lines Moodle's tests name,
and what we read survives our GIFT writer. (test_peer_moodle.py checks the drafts' content.)

Moodle's expectations: question/format/gift/tests/behat/import_export.feature ("Importing 9
questions from file" for questions.gift.txt); question/format/aiken/tests/aikenformat_test.php
(errors on lines 3, 5, 7 and 18 of aiken_errors.txt).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank import parse_bytes, parse_file
from question_bank.gift import write_gift

MOODLE = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "peer-formats" / "moodle"
FIELDS = ("type", "stem", "options", "answer", "explanation", "category", "difficulty")


def fixture(name: str) -> Path:
    path = MOODLE / name
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared fixtures are outside the repository)")
    return path


def lines(result, code=None):
    return [issue.line for issue in result.issues if code in (None, issue.code)]


def test_each_of_the_nine_gift_items_moodle_imports_is_accounted_for_on_its_line():
    result = parse_file(fixture("questions.gift.txt"))
    drafts = [d.row for d in result.drafts]
    unsupported = lines(result, "unsupported_question")
    repeated = lines(result, "duplicate_at_line")
    assert drafts == [14, 22, 41, 46] and unsupported == [2, 5, 31, 34] and repeated == [49]
    assert sorted(drafts + unsupported + repeated) == [2, 5, 14, 22, 31, 34, 41, 46, 49]
    skipped = parse_file(fixture("questions.gift.txt"), skip_unsupported=True)
    assert skipped.ok and lines(skipped, "unsupported_question") == [2, 5, 31, 34]
    assert len(skipped.drafts) + skipped.skipped_unsupported + skipped.skipped_duplicates == 9


def test_gift_questions_in_a_category_are_placed_after_the_category_line():
    result = parse_file(fixture("questions_in_category.gift.txt"))
    assert [d.row for d in result.drafts] == [14, 27]
    assert [(i.line, i.params["kind"]) for i in result.errors] == [(5, "matching"),
                                                                   (22, "short answer")]


@pytest.mark.parametrize("name", ["questions.gift.txt", "questions_in_category.gift.txt"])
def test_moodles_gift_questions_survive_our_gift_writer(name):
    read = parse_file(fixture(name), skip_unsupported=True).drafts
    back = parse_bytes(write_gift(read).encode("utf-8"), "again.gift")
    assert back.ok and not back.issues, back.issues
    assert [[getattr(d, f) for f in FIELDS] for d in back.drafts] == \
           [[getattr(d, f) for f in FIELDS] for d in read]


def test_moodles_aiken_questions_are_placed_on_their_stem_lines():
    result = parse_file(fixture("questions.aiken.txt"))
    assert result.ok and [d.row for d in result.drafts] == [1, 8]
    assert result.drafts[1].stem.endswith('<html class="cool"> & images:')  # text, not HTML


def test_aiken_errors_are_on_the_lines_moodles_messages_name():
    result = parse_file(fixture("aiken_errors.txt"))
    # "Question must have at least 2 answers on line 3", "Question not started on line 5" and
    # "on line 7", "Question not completed before next question start on line 18".
    assert [(i.line, i.code) for i in result.errors] == [
        (3, "too_few_options"), (5, "aiken_option_before_question"),
        (7, "aiken_answer_before_question"), (18, "aiken_not_finished")]
    # Upstream's newer copy adds a third good question; this one holds two, on lines 9, 18.
    assert [d.row for d in result.drafts] == [9, 18]
    assert parse_file(fixture("aiken_errors.txt"), skip_unsupported=True).issues == \
           result.issues
