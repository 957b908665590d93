"""The import-units and export-units commands."""

from __future__ import annotations

import sqlalchemy as sa

from quiz.models import Unit
from tests.services.test_unit_import import csv_file


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Unit))


def test_import_units_stores_the_tree_and_summarises(db, runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file("T1,城关镇,C1,镇,5", "C1,平安县,,县,0"))
    result = runner.invoke(args=["import-units", str(path)])
    assert result.exit_code == 0, result.output
    assert "units.csv" in result.output and count(db) == 2


def test_import_units_dry_run_stores_nothing(db, runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file("C1,平安县,,县,0"))
    result = runner.invoke(args=["import-units", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert count(db) == 0


def test_import_units_lists_every_error_and_exits_1(db, runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file("C1,平安县,,县,abc", "C2,某镇,NOPE,镇,1"))
    result = runner.invoke(args=["import-units", str(path)])
    assert result.exit_code == 1
    assert "应参与人数" in result.output and "上级单位编码" in result.output
    assert "NOPE" in result.output and count(db) == 0


def test_export_units_round_trips_through_import(db, runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes(csv_file("C1,平安县,,县,0", "T1,=城关镇,C1,镇,5"))
    assert runner.invoke(args=["import-units", str(path)]).exit_code == 0
    for name in ("out.xlsx", "out.csv"):
        out = tmp_path / name
        result = runner.invoke(args=["export-units", "--out", str(out)])
        assert result.exit_code == 0, result.output
        again = runner.invoke(args=["import-units", str(out), "--dry-run"])
        assert again.exit_code == 0, again.output
        assert "2" in again.output and count(db) == 2
    result = runner.invoke(args=["export-units", "--out", str(tmp_path / "out.txt")])
    assert result.exit_code == 2
