"""The import preview in Chinese: whole messages, the web's way to leave kinds out, counts."""

from __future__ import annotations

import pytest

from quiz.models import Role
from tests.manage.test_bank_pages import pending_token, upload
from tests.services.test_banks import ROWS, csv_file

SKIP_LABEL = "跳过竞赛不支持的题型（问答、匹配、填空等）"  # the upload form's checkbox, in zh
GIFT_WITH_ESSAY = "发现火灾应拨打的电话是 {=119 ~110}\n\n谈谈你对消防安全的认识。{}\n".encode()


@pytest.fixture
def organizer(make_user, auth):
    user = make_user(role=Role.organizer, name="组织者")
    auth.login(user.phone)
    return user


def preview(client, data: bytes, filename: str, **fields) -> str:
    token = pending_token(upload(client, data, filename, **fields))
    return client.get(f"/manage/imports/{token}",
                      headers={"Accept-Language": "zh-CN,zh"}).get_data(as_text=True)


def test_a_file_that_is_no_bank_file_is_named_so_wholly_in_chinese(client, organizer):
    page = preview(client, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "photo.png")
    assert "这不是可读取的题库文件" in page
    assert "question bank" not in page and "{expected}" not in page


def test_an_unsupported_kind_tells_the_organizer_to_tick_the_checkbox(client, organizer):
    page = preview(client, GIFT_WITH_ESSAY, "bank.gift")
    assert f"请重新上传文件并勾选“{SKIP_LABEL}”" in page
    assert "竞赛不支持“问答题”这类题目" in page  # the kind translated too
    assert "--skip-unsupported" not in page


def test_with_the_checkbox_ticked_the_kind_is_said_to_be_left_out(client, organizer):
    page = preview(client, GIFT_WITH_ESSAY, "bank.gift", skip_unsupported="y")
    assert "竞赛不支持“问答题”这类题目，已跳过。" in page
    assert "勾选" not in page and "--skip-unsupported" not in page


def test_a_kind_named_by_the_file_is_shown_as_written_and_escaped(client, organizer):
    data = (b'<quiz><question type="&lt;b&gt;50%"><questiontext><text>x</text>'
            b"</questiontext></question></quiz>")
    page = preview(client, data, "bank.xml")
    assert "竞赛不支持“&lt;b&gt;50%”这类题目" in page


def test_a_file_with_errors_says_how_many_questions_were_read_and_how_many_are_wrong(
        client, organizer):
    bad = ["单选,火警电话是,110,,,,B,,,", "判断,电梯可用于逃生,,,,,也许,,,"]
    page = preview(client, csv_file(ROWS[0], *bad), "bank.csv")
    assert "读出 3 道题，其中 2 道有错误" in page
    assert "读出 1 道题" not in page
    page = preview(client, csv_file(*bad), "bank.csv")
    assert "读出 2 道题，其中 2 道有错误" in page and "读出 0 道题" not in page


def test_a_file_refused_as_a_whole_says_no_question_was_read(client, organizer):
    page = preview(client, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "photo.png")
    assert "未能从文件中读出试题" in page and "读出 0 道题" not in page


def test_a_clean_file_still_says_how_many_questions_were_read(client, organizer):
    page = preview(client, csv_file(*ROWS), "bank.csv")
    assert "读出 3 道题" in page and "有错误" not in page


def test_the_command_line_still_names_its_flag(runner, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_bytes(GIFT_WITH_ESSAY)
    result = runner.invoke(args=["import-bank", str(path), "--bank", "消防题库", "--dry-run"])
    assert result.exit_code == 1
    assert "--skip-unsupported" in result.output and "勾选" not in result.output
