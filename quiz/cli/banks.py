"""`flask --app quiz ...` commands for question banks: import-bank, export-bank."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

import question_bank

from ..db import write_transaction
from ..services.errors import QuizError
from .common import end_import


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
    from ..services import banks

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
    end_import(result.ok, dry_run, _("Stored in the bank “%(bank)s”.",
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
    from ..services import banks

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
