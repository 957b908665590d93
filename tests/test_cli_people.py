"""`flask import-people`: the roster from the command line, codes into --codes-out."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from quiz.extensions import db
from quiz.models import User
from tests.conftest import AuthActions


@pytest.fixture
def units(make_unit):
    county = make_unit("平安县", code="P", kind="county")
    return {"a": make_unit("城关镇", parent=county, code="A")}


def _roster(tmp_path, *lines: str):
    path = tmp_path / "roster.csv"
    path.write_bytes(("\r\n".join(("姓名,手机号,单位编码", *lines))).encode("gb18030"))
    return path


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_errors_exit_1_with_the_message_and_nothing_is_stored(runner, units, tmp_path):
    path = _roster(tmp_path, "张三,13812345678,A", "李四,12345,NOPE")
    out = tmp_path / "codes.xlsx"
    result = runner.invoke(args=["import-people", str(path), "--codes-out", str(out)])
    assert result.exit_code == 1
    assert "第 3 行" in result.output and "NOPE" in result.output
    assert _count() == 0 and not out.exists()


def test_a_dry_run_stores_nothing(runner, units, tmp_path):
    result = runner.invoke(args=["import-people", str(_roster(tmp_path, "张三,13812345678,A")),
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert _count() == 0


def test_the_codes_file_logs_each_person_in_once_and_they_must_change(app, runner, units,
                                                                       tmp_path):
    out = tmp_path / "codes.xlsx"
    result = runner.invoke(args=["import-people", str(_roster(tmp_path, "张三,13812345678,A")),
                                 "--codes-out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "手机号", "单位", "一次性登录码")
    name, phone, unit, code = rows[1]
    assert (name, phone, unit) == ("张三", "13812345678", "城关镇")
    client = app.test_client()
    response = AuthActions(client).login(phone, code)
    assert response.status_code == 302 and "/auth/password" in response.headers["Location"]
    again = runner.invoke(args=["import-people", str(_roster(tmp_path, "张三,13812345678,A")),
                                "--codes-out", str(tmp_path / "again.xlsx")])
    assert again.exit_code == 0 and "13812345678" in again.output  # reported, left as it is


def test_codes_out_is_required_unless_dry_run(runner, units, tmp_path):
    result = runner.invoke(args=["import-people", str(_roster(tmp_path, "张三,13812345678,A"))])
    assert result.exit_code == 2 and "--codes-out" in result.output
    assert _count() == 0
