"""`flask --app quiz ...` commands for operators."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

import question_bank

from .db import write_transaction
from .extensions import db
from .models import Campaign, Role, Unit
from .services.errors import QuizError
from .timeutil import utcnow


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the schema, or upgrade it to the newest migration."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database schema is up to date.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database holds units.")
@click.option("--attempts/--no-attempts", "with_attempts", default=True,
              help="Also add demo participants with finished attempts (the default).")
@with_appcontext
def seed_demo_command(if_empty: bool, with_attempts: bool):
    """Load the demo county, accounts, question bank and campaign (safe to run again)."""
    from . import demo

    if if_empty and db.session.scalar(sa.select(Unit.id).limit(1)) is not None:
        click.echo("The database already holds data; demo data not loaded.")
        _echo_accounts(demo)
        return
    from . import demo_attempts

    with write_transaction():
        report = demo.seed(utcnow())
    click.echo(
        f"Demo data: {report.units_added} units, {report.accounts_added} accounts, "
        f"{report.questions_added} questions added"
        + (", campaign created." if report.campaign_added else ".")
    )
    if with_attempts:
        campaign = db.session.scalar(sa.select(Campaign).order_by(Campaign.id.desc()).limit(1))
        with write_transaction():
            made = demo_attempts.seed_attempts(campaign, utcnow(),
                                               current_app.config["QUIZ_GRACE_SECONDS"])
        if made.people:
            click.echo(f"Demo participants: {made.people} people, {made.attempts} attempts.")
    _echo_accounts(demo)


def _echo_accounts(demo) -> None:
    click.echo("Demo accounts (mobile number / password):")
    for account in demo.DEMO_ACCOUNTS:
        click.echo(f"  {account.role:<12} {account.phone} / {account.password}")


@click.command("reconcile")
@click.option("--campaign", "slug", help="Only this campaign (its slug).")
@click.option("--fix", is_flag=True, help="Rewrite the kept counters from the recount.")
@with_appcontext
def reconcile_command(slug: str | None, fix: bool):
    """Recount every unit's figures from the attempts and compare with the kept counters.

    Exit status 0 when they agree, 1 with a table of the differences (after --fix: 0 when
    the rewrite made them agree).
    """
    from .services import attempts, counters

    campaign_id = None
    if slug:
        campaign_id = db.session.scalar(sa.select(Campaign.id).where(Campaign.slug == slug))
        if campaign_id is None:
            raise click.BadParameter(f"no campaign has the slug {slug!r}", param_hint="--campaign")

    # Attempts whose time ran out unseen are finished (and counted) first.
    grace = current_app.config["QUIZ_GRACE_SECONDS"]
    with write_transaction():
        overdue = attempts.overdue_attempts(utcnow(), grace, campaign_id=campaign_id)
        for attempt in overdue:
            attempts.finish_if_overdue(attempt, utcnow(), grace)
    if overdue:
        click.echo(f"Finished {len(overdue)} attempt(s) whose time had run out.")

    differences = counters.compare(campaign_id)
    figure_differences = _figure_differences(campaign_id)
    if not differences and not figure_differences:
        click.echo("Counters agree with the attempts.")
        return
    codes, paths = {}, {}
    for unit_id, code, path in db.session.execute(sa.select(Unit.id, Unit.code, Unit.path)):
        codes[unit_id], paths[unit_id] = code, path
    slugs = dict(db.session.execute(sa.select(Campaign.id, Campaign.slug)).all())
    click.echo(f"{'campaign':<24} {'unit':<16} {'day':<10} {'figure':<16} {'kept':>8} "
               f"{'counted':>8}")
    for slug_, diff in figure_differences:  # a unit's figure over its subtree
        click.echo(f"{slug_:<24} {diff.unit_code:<16} {'figure':<10} {diff.figure:<16} "
                   f"{diff.kept!s:>8} {diff.counted!s:>8}")
    for diff in differences:
        unit = codes.get(diff.unit_id, diff.unit_id)
        if diff.unit_path and diff.unit_path != paths.get(diff.unit_id):
            unit = f"{unit}@{diff.unit_path}"  # figures it took at a place it has moved from
        where = (f"question {diff.question_id}" if diff.question_id is not None
                 else f"{unit} user {diff.user_id}" if diff.unit_id and diff.user_id
                 else f"user {diff.user_id}" if diff.user_id is not None else unit)
        click.echo(
            f"{slugs.get(diff.campaign_id, diff.campaign_id)!s:<24} "
            f"{where!s:<16} {str(diff.day or 'total'):<10} "
            f"{diff.field:<16} {diff.kept!s:>8} {diff.counted!s:>8}"
        )
    if not fix:
        raise SystemExit(1)
    with write_transaction():
        counters.rebuild(campaign_id)
    remaining = counters.compare(campaign_id)
    if remaining:
        click.echo(f"{len(remaining)} difference(s) remain after the rewrite.", err=True)
        raise SystemExit(1)
    click.echo(f"Rewrote the counters; {len(differences)} difference(s) fixed.")


def _figure_differences(campaign_id: int | None) -> list[tuple[str, object]]:
    """The figures of every unit (subtree sums, as pages and reports show them) that differ
    from the recount of the attempts, in each campaign and tree."""
    from .services import stats, units

    query = sa.select(Campaign)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    roots = [u for u in units.all_units() if u.parent_id is None]
    return [(campaign.slug, diff) for campaign in db.session.scalars(query)
            for root in roots for diff in stats.compare_figures(campaign, root)]


class _Bar:
    """A progress bar on stderr for a long step; nothing for short ones."""

    SHOW_FROM = 2000

    def __init__(self, label: str) -> None:
        self.label, self.bar, self.shown = label, None, 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            if (total or done) < self.SHOW_FROM:
                return
            self.bar = click.progressbar(length=total or done, label=self.label,
                                         file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        if total and total > self.bar.length:
            self.bar.length = total
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@click.command("import-bank")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_name", required=True, help="The bank's name; created if new.")
@click.option("--format", "fmt", default="auto", show_default=True,
              type=click.Choice(["auto", *question_bank.FORMATS]),
              help="The file's format; auto tells it from the content.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; store nothing.")
@click.option("--update", is_flag=True,
              help="Questions already in the bank take the file's answer, explanation, "
                   "category and difficulty.")
@click.option("--skip-unsupported", is_flag=True,
              help="Leave out question kinds the contest cannot ask (essay, matching...).")
@with_appcontext
def import_bank_command(path: Path, bank_name: str, fmt: str, dry_run: bool, update: bool,
                        skip_unsupported: bool):
    """Import a question bank file (.xlsx, CSV, GIFT, Aiken, Moodle XML), all or nothing.

    Exit status 0 when the file imported (or, with --dry-run, would import) cleanly; 1 with
    every error listed, in which case nothing is stored.
    """
    from .services import banks

    reading = _Bar(_("Reading"))
    try:
        result = question_bank.parse_file(path, fmt, skip_unsupported=skip_unsupported,
                                          progress=reading)
    finally:
        reading.close()
    storing = _Bar(_("Storing"))
    try:
        with write_transaction():
            report = banks.import_parsed(bank_name, result, update=update, dry_run=dry_run,
                                         progress=storing)
    except QuizError as error:
        if error.field == "bank":
            raise click.BadParameter(str(error), param_hint="--bank") from None
        storing.close()
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    finally:
        storing.close()
    for issue in result.issues:
        mark = _("error") if issue.severity == "error" else _("skipped")
        click.echo(f"{mark}: {banks.issue_place(issue)}: {banks.issue_message(issue)}")
    click.echo(_(
        "%(file)s (%(format)s): %(added)d to add, %(updated)d to update, %(kept)d already "
        "in the bank, %(dupes)d duplicates in the file, %(unsupported)d unsupported "
        "skipped, %(errors)d errors.",
        file=path.name, format=result.format or "?", added=report.added,
        updated=report.updated, kept=report.already_in_bank, dupes=report.skipped_in_file,
        unsupported=report.skipped_unsupported, errors=len(result.errors)))
    _end_import(result.ok, dry_run, _("Stored in the bank “%(bank)s”.",
                                      bank=report.bank_name))


EXPORTERS = {".xlsx": "xlsx", ".gift": "gift", ".txt": "gift"}


@click.command("export-bank")
@click.argument("bank_name", metavar="NAME")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx (our template) or FILE.gift (Moodle's GIFT).")
@click.option("--include-disabled", is_flag=True, help="Also the disabled questions.")
@with_appcontext
def export_bank_command(bank_name: str, out: Path, include_disabled: bool):
    """Write a bank to our .xlsx template or to GIFT; the file imports back unchanged."""
    from .services import banks

    kind = EXPORTERS.get(out.suffix.lower())
    if kind is None:
        raise click.BadParameter(_("the file name must end in .xlsx or .gift"),
                                 param_hint="--out")
    bank = banks.find_bank(bank_name.strip())
    if bank is None:
        raise click.BadParameter(_("there is no bank named “%(name)s”", name=bank_name),
                                 param_hint="NAME")
    drafts = banks.export_drafts(bank, include_disabled=include_disabled)
    out.write_bytes(banks.export_bytes(drafts, kind))
    click.echo(_("Wrote %(count)d questions to %(file)s.", count=len(drafts), file=out))


@click.command("create-user")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True,
              help="admin: everything; organizer: their unit's subtree; participant.")
@click.option("--unit", "unit_code", required=True, metavar="CODE", help="The unit's code.")
@click.option("--phone", required=True, help="Mainland mobile number: the login name.")
@click.option("--name", required=True, help="The person's name.")
@click.option("--password", default=None,
              help="Asked for (twice, not shown) when not given here.")
@with_appcontext
def create_user_command(role: str, unit_code: str, phone: str, name: str,
                        password: str | None):
    """Create an account, e.g. the first admin of a new installation."""
    from .services import accounts

    if password is None:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    try:
        with write_transaction():
            user = accounts.register(name, phone, password, unit_code, role=Role(role))
    except QuizError as error:
        for item in getattr(error, "errors", {error.field: error}).values():
            click.echo(f"--{_OPTION_OF.get(item.field, item.field)}: {item.message}", err=True)
        sys.exit(1)
    click.echo(_("Created %(role)s %(name)s (%(phone)s) in %(unit)s.", role=user.role,
                 name=user.name, phone=user.phone, unit=user.unit.name))


#: The command line's name for a field the services name.
_OPTION_OF = {"unit_code": "unit"}


UNIT_EXPORTERS = {".xlsx": "xlsx", ".csv": "csv"}


@click.command("import-units")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; store nothing.")
@with_appcontext
def import_units_command(path: Path, dry_run: bool):
    """Import the unit tree from .xlsx or CSV (单位编码, 单位名称, 上级单位编码, 类型,
    应参与人数), all or nothing.

    Codes already in the database take the file's name, kind, headcount and parent (a
    unit moves with its subtree); new codes are added; units not in the file stay as they
    are. Exit status 0 when the file imported (or would import) cleanly; 1 with every error
    listed, in which case nothing is stored.
    """
    from .services import unit_files, unit_import

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
    _end_import(report.ok, dry_run, _("The units were stored."))


@click.command("export-units")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FILE.xlsx or FILE.csv, in the columns import-units reads.")
@with_appcontext
def export_units_command(out: Path):
    """Write the unit tree, parents before children; the file imports back unchanged."""
    from .services import unit_files, unit_import

    kind = UNIT_EXPORTERS.get(out.suffix.lower())
    if kind is None:
        raise click.BadParameter(_("the file name must end in .xlsx or .csv"),
                                 param_hint="--out")
    headers, rows = unit_import.export_table()
    out.write_bytes(unit_files.write_table(headers, rows, kind))
    click.echo(_("Wrote %(count)d units to %(file)s.", count=len(rows), file=out))


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
    from .clock import now
    from .exports.stats_csv import write_csv
    from .exports.stats_xlsx import write_xlsx
    from .services import periods, report

    kind = UNIT_EXPORTERS.get(out.suffix.lower())
    if kind is None:
        _refuse("out", _("the file name must end in .xlsx or .csv"))
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        _refuse("campaign", _("there is no campaign with the slug “%(slug)s”", slug=slug))
    try:
        unit = report.everything().unit_by_code(unit_code, field="unit")
        period = periods.parse_period(campaign, first, last)
    except QuizError as error:
        if error.field == "unit" and not (unit_code or "").strip():
            _refuse("unit", _("there are several top units: name one with --unit CODE"))
        name, item = next(iter((getattr(error, "errors", None) or {error.field: error}).items()))
        _refuse(name, str(item.message))
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


def _refuse(option: str, message: str) -> None:
    """One line on stderr naming the option, and exit status 2 (as click's usage errors)."""
    click.echo(f"{_('error')}: --{option}: {message}", err=True)
    raise SystemExit(2)


def _end_import(ok: bool, dry_run: bool, stored: str) -> None:
    """The last line of an import: exit 1 when it had errors (nothing stored)."""
    if not ok:
        click.echo(_("Nothing was stored: correct the errors above and import again."),
                   err=True)
        raise SystemExit(1)
    click.echo(_("Dry run: nothing was stored.") if dry_run else stored)


def init_cli(app) -> None:
    for command in (init_db_command, seed_demo_command, reconcile_command,
                    import_bank_command, export_bank_command, create_user_command,
                    import_units_command, export_units_command, export_stats_command):
        app.cli.add_command(command)
