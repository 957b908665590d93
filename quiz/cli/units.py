"""`flask --app quiz ...` commands for the unit tree: import-units, export-units."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import write_transaction
from ..services.errors import QuizError
from .common import UNIT_EXPORTERS, end_import


@click.command("import-units")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; store nothing.")
@with_appcontext
def import_units_command(path: Path, dry_run: bool):
    """Import the unit tree from ..xlsx or CSV (单位编码, 单位名称, 上级单位编码, 类型,
    应参与人数), all or nothing.

    Codes already in the database take the file's name, kind, headcount and parent (a
    unit moves with its subtree); new codes are added; units not in the file stay as they
    are. Exit status 0 when the file imported (or would import) cleanly; 1 with every error
    listed, in which case nothing is stored.
    """
    from ..services import unit_files, unit_import

    parsed = unit_files.read_units(path.read_bytes(), path.name)
    try:
        with write_transaction():
            report = unit_import.import_units(parsed, dry_run=dry_run)
    except QuizError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    for issue in report.issues:
        click.echo(f"{_('error')}: {issue}")
    click.echo(_(
        "%(file)s: %(added)d units to add, %(renamed)d to rename, %(kinds)d kinds and "
        "%(headcounts)d headcounts to change, %(moved)d to move, %(unchanged)d unchanged; "
        "%(absent)d units in the database are not in the file and stay as they are; "
        "%(errors)d errors.",
        file=path.name, added=report.added, renamed=report.renamed,
        kinds=report.kind_changed, headcounts=report.headcount_changed, moved=report.moved,
        unchanged=report.unchanged, absent=report.not_in_file, errors=len(report.issues)))
    end_import(report.ok, dry_run, _("The units were stored."))


@click.command("export-units")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx or FILE.csv, in the columns import-units reads.")
@with_appcontext
def export_units_command(out: Path):
    """Write the unit tree, parents before children; the file imports back unchanged."""
    from ..services import unit_files, unit_import

    kind = UNIT_EXPORTERS.get(out.suffix.lower())
    if kind is None:
        raise click.BadParameter(_("the file name must end in .xlsx or .csv"),
                                 param_hint="--out")
    headers, rows = unit_import.export_table()
    out.write_bytes(unit_files.write_table(headers, rows, kind))
    click.echo(_("Wrote %(count)d units to %(file)s.", count=len(rows), file=out))
