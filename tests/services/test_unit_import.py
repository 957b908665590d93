"""Importing and exporting the unit tree: read -> plan -> store, all or nothing."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from quiz.db import write_transaction
from quiz.models import Unit
from quiz.services import unit_files, unit_import

HEADER = "单位编码,单位名称,上级单位编码,类型,应参与人数"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def xlsx_file(*rows: list) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def do_import(data: bytes, name: str = "units.csv", **options) -> unit_import.UnitImportReport:
    parsed = unit_files.read_units(data, name)
    with write_transaction():
        return unit_import.import_units(parsed, **options)


def places(report) -> list[tuple[int | None, str | None]]:
    return [(issue.row, issue.column) for issue in report.issues]


def units_by_code(db) -> dict[str, Unit]:
    db.session.expire_all()
    return {u.code: u for u in db.session.scalars(sa.select(Unit))}


def test_a_tree_imports_with_parents_after_children(db):
    report = do_import(csv_file("V1,东村,T1,村,30", "T1,城关镇,C1,乡镇/街道,5",
                                "C1,平安县,,县/区,12"))
    assert report.ok and report.stored and report.added == 3
    units = units_by_code(db)
    county, town, village = units["C1"], units["T1"], units["V1"]
    assert county.parent_id is None and county.path == f"/{county.id}/"
    assert town.parent_id == county.id and town.path == f"/{county.id}/{town.id}/"
    assert village.path == f"/{county.id}/{town.id}/{village.id}/"
    assert (county.kind, town.kind, village.kind) == ("county", "township", "village")
    assert village.headcount == 30


def test_a_parent_may_be_a_unit_already_in_the_database(db, make_unit):
    county = make_unit("平安县", code="C1", kind="county")
    report = do_import(csv_file("T1,城关镇,C1,镇,"))
    assert report.ok and report.added == 1 and report.not_in_file == 1
    town = units_by_code(db)["T1"]
    assert town.path == f"/{county.id}/{town.id}/" and town.headcount == 0


def test_english_headers_in_any_order_case_spaces_and_full_width_are_read(db):
    header = "Ｈｅａｄｃｏｕｎｔ, Parent Code ,NAME,ｃｏｄｅ,kind"
    report = do_import(csv_file('１２０,,平安县,C1,county', '"1,200",C1,城关镇,T1,',
                                header=header))
    assert report.ok, [str(i) for i in report.issues]
    units = units_by_code(db)
    assert units["C1"].headcount == 120 and units["T1"].headcount == 1200
    assert units["T1"].kind == "other"  # a blank kind


def test_each_refusal_names_its_row_and_column_and_nothing_is_stored(db):
    report = do_import(csv_file(
        "C1,平安县,,县,10",        # row 2: fine
        "bad code,某单位,C1,企业,1",  # row 3: code
        "E2,,C1,企业,1",            # row 4: name
        "E3,某企业,C1,工厂,1",       # row 5: kind
        "E4,某企业,C1,企业,12.5",    # row 6: headcount
        "E5,某企业,C1,企业,-3",      # row 7
        "E6,某企业,C1,企业,abc",     # row 8
        "E7,某企业,NOPE,企业,1",     # row 9: unknown parent
        "C1,平安县,,县,10",          # row 10: duplicate code
        "E8,某\u200b企业,C1,企业,1",  # row 11: invisible character in the name
    ))
    assert not report.ok and not report.stored
    assert places(report) == [
        (3, "单位编码"), (4, "单位名称"), (5, "类型"), (6, "应参与人数"), (7, "应参与人数"),
        (8, "应参与人数"), (11, "单位名称"), (10, "单位编码"), (9, "上级单位编码")]
    messages = [str(i) for i in report.issues]
    assert "2" in str(report.issues[7].message) and "10" in messages[7]
    assert "NOPE" in messages[8]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_a_cycle_is_refused_naming_its_rows(db):
    report = do_import(csv_file("A,甲,,,", "B,乙,D,,", "C,丙,B,,", "D,丁,C,,"))
    assert not report.ok
    [issue] = report.issues
    assert (issue.row, issue.column) == (3, "上级单位编码")
    assert "3, 4, 5" in str(issue.message)


def test_a_unit_may_not_be_its_own_parent(db):
    report = do_import(csv_file("A,甲,A,,"))
    assert places(report) == [(2, "上级单位编码")]


def test_a_move_below_its_own_descendant_is_refused(db, make_unit):
    county = make_unit("平安县", code="C1", kind="county")
    make_unit("城关镇", parent=county, code="T1", kind="township")
    report = do_import(csv_file("C1,平安县,T1,县,0"))
    assert places(report) == [(2, "上级单位编码")]
    assert "C1" in str(report.issues[0].message) and "T1" in str(report.issues[0].message)


def test_a_reimport_renames_changes_headcounts_and_moves_a_subtree(db):
    assert do_import(csv_file("C1,平安县,,县,0", "T1,城关镇,C1,镇,0", "T2,东关镇,C1,镇,0",
                              "V1,东村,T1,村,30", "E1,某企业,V1,企业,8")).ok
    before = units_by_code(db)
    ids = {code: u.id for code, u in before.items()}
    report = do_import(csv_file("T1,城关街道,C1,街道,0", "V1,东村,T2,村,45",
                                "N1,新村,T2,村,3"))
    assert report.ok and report.stored
    assert (report.added, report.renamed, report.headcount_changed, report.moved,
            report.unchanged, report.not_in_file) == (1, 1, 1, 1, 0, 3)
    units = units_by_code(db)
    c, t2 = ids["C1"], ids["T2"]
    assert units["T1"].name == "城关街道"
    assert units["V1"].headcount == 45 and units["V1"].parent_id == t2
    assert units["V1"].path == f"/{c}/{t2}/{ids['V1']}/"
    # The enterprise is not in the file: it moves with its village.
    assert units["E1"].path == f"/{c}/{t2}/{ids['V1']}/{ids['E1']}/"
    assert units["N1"].path == f"/{c}/{t2}/{units['N1'].id}/"
    assert units["E1"].headcount == 8 and units["T2"].name == "东关镇"


def test_without_kind_and_headcount_columns_existing_units_keep_theirs(db, make_unit):
    make_unit("平安县", code="C1", kind="county", headcount=7)
    report = do_import(csv_file("C1,平安县,", "T1,城关镇,C1", header="code,name,parent_code"))
    assert report.ok and report.unchanged == 1 and report.added == 1
    units = units_by_code(db)
    assert (units["C1"].kind, units["C1"].headcount) == ("county", 7)
    assert (units["T1"].kind, units["T1"].headcount) == ("other", 0)


def test_a_dry_run_stores_nothing(db):
    report = do_import(csv_file("C1,平安县,,县,10"), dry_run=True)
    assert report.ok and report.added == 1 and not report.stored
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 0


def test_a_file_without_the_header_is_refused():
    parsed = unit_files.read_units(csv_file("C1,平安县,,县,10", header="a,b,c"), "u.csv")
    assert not parsed.ok and "上级单位编码" in str(parsed.issues[0].message)


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(unit_files, "MAX_UNIT_ROWS", 3)
    parsed = unit_files.read_units(csv_file(*(f"U{i},单位{i},,," for i in range(4))), "u.csv")
    [issue] = parsed.issues
    assert issue.row == 5 and "3" in str(issue.message) and not parsed.rows


def test_gbk_semicolons_and_xlsx_with_numbers_are_read(db):
    gbk = csv_file("C1;平安县;;县;10", header=HEADER.replace(",", ";")).decode().encode("gbk")
    assert unit_files.read_units(gbk, "u.csv").ok
    data = xlsx_file(["单位名单"], HEADER.split(","), [3301, "平安县", None, "县", 12.0],
                     ["T1", "城关镇", 3301, None, 5])
    parsed = unit_files.read_units(data, "u.xlsx")
    assert parsed.ok, [str(i) for i in parsed.issues]
    assert [(r.code, r.parent_code, r.headcount, r.row) for r in parsed.rows] == [
        ("3301", "", 12, 3), ("T1", "3301", 5, 4)]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_imports_back_unchanged(db, kind):
    assert do_import(csv_file("C1,平安县,,县,0", "T1,城关镇,C1,镇,10", "E1,=危险企业,T1,企业,3",
                              "E2,@公司,T1,公司,0", "-X,+加号单位,C1,学校,1")).ok
    headers, rows = unit_import.export_table()
    assert headers == HEADER.split(",")
    # Depth first, children by code: each subtree is one block.
    assert [row[0] for row in rows] == ["C1", "-X", "T1", "E1", "E2"]
    data = unit_files.write_table(headers, rows, kind)
    if kind == "xlsx":
        cells = [c.value for c in load_workbook(io.BytesIO(data)).active["B"]]
    else:
        cells = [line.split(",")[1] for line in data.decode("utf-8-sig").splitlines()]
    assert "'=危险企业" in cells and "'@公司" in cells and "'+加号单位" in cells
    before = {(u.code, u.name, u.parent_id, u.kind, u.headcount, u.path)
              for u in units_by_code(db).values()}
    report = do_import(data, f"units.{kind}")
    assert report.ok and report.unchanged == 5 and report.added == 0
    after = {(u.code, u.name, u.parent_id, u.kind, u.headcount, u.path)
             for u in units_by_code(db).values()}
    assert after == before


def city_file() -> bytes:
    """A city: 1 city, 20 counties, 250 townships, and villages and enterprises to 5,000."""
    rows = ["CITY,平安市,,市,0"]
    rows += [f"X{c},第{c}县,CITY,县,0" for c in range(20)]
    rows += [f"T{t},第{t}镇,X{t % 20},镇,0" for t in range(250)]
    rest = 5000 - len(rows)
    rows += [f"V{v},第{v}村,T{v % 250},{'村' if v % 3 else '企业'},{v % 200}"
             for v in range(rest)]
    return csv_file(*rows)


def test_a_city_of_5000_units_imports_in_few_queries(db):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    data = city_file()
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        report = do_import(data)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert report.ok and report.added == 5000
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Unit)) == 5000
    assert len(statements) < 40, len(statements)
    units = units_by_code(db)
    city, county, town, village = units["CITY"], units["X3"], units["T23"], units["V23"]
    assert village.path == f"/{city.id}/{county.id}/{town.id}/{village.id}/"
    assert sum(u.depth == 3 for u in units.values()) == 5000 - 271
