"""`flask --app quiz ...` commands for the figures that go upward: export-stats."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..extensions import db
from ..models import Campaign
from ..services.errors import QuizError
from .common import UNIT_EXPORTERS, refuse


@click.command("export-stats")
@click.option("--campaign", "slug", required=True, help="The campaign's slug.")
@click.option("--unit", "unit_code", default=None, metavar="CODE",
              help="The unit whose subtree is reported; the single top unit by default.")
@click.option("--from", "first", default=None, metavar="DAY",
              help="The period's first day (2026-06-15); with --to, its figures are shown "
                   "beside the campaign's totals.")
@click.option("--to", "last", default=None, metavar="DAY", help="The period's last day.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx (every sheet) or FILE.csv (the summary, UTF-8 with a BOM).")
@with_appcontext
def export_stats_command(slug: str, unit_code: str | None, first: str | None,
                         last: str | None, out: Path):
    """Write a campaign's progress report (活动进展情况统计表) for a unit and the units below.

    Exit status 2, with one line on stderr, for a wrong option (campaign, unit, day, file
    name); 1 when the file cannot be written.
    """
    from ..clock import now
    from ..exports.stats_csv import write_csv
    from ..exports.stats_xlsx import write_xlsx
    from ..services import periods, report

    kind = UNIT_EXPORTERS.get(out.suffix.lower())
    if kind is None:
        refuse("out", _("the file name must end in .xlsx or .csv"))
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        refuse("campaign", _("there is no campaign with the slug “%(slug)s”", slug=slug))
    try:
        unit = report.everything().unit_by_code(unit_code, field="unit")
        period = periods.parse_period(campaign, first, last)
    except QuizError as error:
        if error.field == "unit" and not (unit_code or "").strip():
            refuse("unit", _("there are several top units: name one with --unit CODE"))
        name, item = next(iter((getattr(error, "errors", None) or {error.field: error}).items()))
        refuse(name, str(item.message))
    made = report.build_report(campaign, unit, period, now())
    try:
        with out.open("wb") as file:
            if kind == "csv":
                write_csv(made.summary, file)
            else:
                write_xlsx(made.sheets, file)
    except OSError as error:
        click.echo(f"{_('error')}: {out}: {error.strerror or error}", err=True)
        raise SystemExit(1) from None
    click.echo(_("Wrote the report of %(unit)s to %(file)s.", unit=unit.name, file=out))
