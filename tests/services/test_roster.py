"""Rosters: every error by row and column, all or nothing, dry runs, re-imports, codes."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from quiz.db import write_transaction
from quiz.extensions import db
from quiz.models import Role, User
from quiz.services import roster
from quiz.services.reach import Reach, reach_of

EVERYTHING = Reach(path=None, home_id=None)


@pytest.fixture
def units(make_unit):
    county = make_unit("平安县", code="P", kind="county")
    return {"county": county, "a": make_unit("城关镇", parent=county, code="A"),
            "b": make_unit("河山镇", parent=county, code="B")}


def _csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def _people() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def _import(data: bytes, name: str = "roster.csv", reach: Reach = EVERYTHING, **kw):
    with write_transaction():
        return roster.import_roster(reach, data, name, **kw)


def test_every_error_is_placed_by_row_and_column_and_nothing_is_stored(app, units,
                                                                         make_user):
    organizer = make_user(unit=units["a"], role=Role.organizer)
    before = _people()
    data = _csv("姓名,手机号,单位编码",
                "张三,13812345678,A",          # 2: fine
                ",13812345679,A",              # 3: empty name
                "李四,1381234,A",               # 4: bad number
                "王五,13812345678,A",          # 5: duplicate of row 2
                "赵六,13812345670,NOPE",       # 6: unknown unit
                "钱七,13812345671,B",          # 7: outside reach
                f"{'长' * 51},13812345672,A")  # 8: name too long
    report = _import(data, reach=reach_of(organizer))
    places = {(issue.row, issue.column) for issue in report.issues}
    assert places == {(3, "姓名"), (4, "手机号"), (5, "手机号"), (6, "单位编码"),
                      (7, "单位编码"), (8, "姓名")}
    text = {issue.row: str(issue.message) for issue in report.issues}
    assert "2" in text[5] and "NOPE" in text[6] and "B" in text[7]
    assert not report.stored and _people() == before


def test_a_dry_run_stores_nothing(app, units):
    before = _people()
    report = _import(_csv("name,phone,unit_code", "张三,13812345678,A"), dry_run=True)
    assert report.ok and len(report.new_rows) == 1 and not report.codes
    assert _people() == before


def test_a_reimport_reports_the_numbers_registered_already(app, units):
    data = _csv("姓名,手机号,单位编码", "张三,13812345678,A", "李四,13812345679,B")
    first = _import(data)
    assert first.stored and len(first.codes) == 2
    second = _import(_csv("姓名,手机号,单位编码", "张三,13812345678,B",
                          "王五,13812345670,A"))
    assert second.ok and [row.row for row in second.existing_rows] == [2]
    assert [code.phone for code in second.codes] == ["13812345670"]
    zhang = db.session.scalar(sa.select(User).where(User.phone == "13812345678"))
    assert zhang.unit.code == "A"  # left as it was


def test_new_people_are_participants_with_a_one_time_code(app, units):
    report = _import(_csv("姓名,手机号,单位编码", "张三,１３８１２３４５６７８,A"))
    code = report.codes[0]
    user = db.session.scalar(sa.select(User).where(User.phone == "13812345678"))
    assert user.role == "participant" and user.must_change_password
    assert user.check_password(code.code) and code.code not in user.password_hash
    book = load_workbook(io.BytesIO(roster.codes_xlsx(report.codes)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows == [("姓名", "手机号", "单位", "一次性登录码"),
                    ("张三", "13812345678", "城关镇", code.code)]


def test_gb18030_csv_and_xlsx_are_read(app, units):
    assert _import(_csv("姓名,手机号,单位编码", "张三,13812345678,A", encoding="gb18030"),
                   dry_run=True).ok
    assert _import(b"\xef\xbb\xbf" + _csv("姓名,手机号,单位编码", "张三,13812345678,A"),
                   dry_run=True).ok
    book = Workbook()
    book.active.append(["姓名", "手机号", "单位编码"])
    book.active.append(["张三", 13812345678, "A"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = _import(buffer.getvalue(), "roster.xlsx", dry_run=True)
    assert report.ok and report.rows[0].phone == "13812345678"


def test_cells_that_look_like_formulas_are_neutralised_in_the_codes_file(app):
    data = roster.codes_xlsx([roster.IssuedCode("=HYPERLINK(1)", "13812345678", "@单位",
                                                "ABCDEFGH")])
    book = load_workbook(io.BytesIO(data))
    cell = book.active["A2"]
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == "=HYPERLINK(1)"


def test_a_file_without_the_columns_says_which_it_needs(app):
    report = roster.read_roster(_csv("名字,电话", "张三,13812345678"))
    assert not report.ok and "姓名, 手机号, 单位编码" in str(report.issues[0].message)
