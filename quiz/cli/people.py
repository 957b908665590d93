"""`flask --app quiz ...` commands for people: create-user, import-people."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import write_transaction
from ..models import Role
from ..services.errors import QuizError
from .common import end_import, refuse


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
    from ..services import accounts

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


@click.command("import-people")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; store nothing.")
@click.option("--codes-out", "codes_out", type=click.Path(dir_okay=False, path_type=Path),
              help="CODES.xlsx: the new people's one-time login codes, the only copy.")
@with_appcontext
def import_people_command(path: Path, dry_run: bool, codes_out: Path | None):
    """Import a roster (花名册) from .xlsx or CSV (姓名, 手机号, 单位编码), all or nothing.

    New numbers become participants with a one-time code, written to --codes-out (姓名,
    手机号, 单位, 一次性登录码) and stored nowhere else; numbers already registered are
    reported and left as they are. Exit status 1 with every error listed, nothing stored.
    """
    from ..services import roster
    from ..services.reach import Reach

    if not dry_run and codes_out is None:
        refuse("codes-out", _("name the .xlsx file for the one-time codes (or use --dry-run)."))
    if codes_out is not None and codes_out.suffix.lower() != ".xlsx":
        refuse("codes-out", _("the file name must end in .xlsx"))
    if codes_out is not None and not dry_run and codes_out.exists():
        refuse("codes-out", _("%(file)s exists already; the codes are not written over "
                              "another file.", file=codes_out))
    try:
        with write_transaction():
            report = roster.import_roster(Reach(path=None, home_id=None), path.read_bytes(),
                                          path.name, dry_run=dry_run,
                                          max_rows=roster.MAX_CLI_ROWS)
            if report.stored:
                # Written before the commit: if the file cannot be written, nobody is created
                # (their codes would be lost).
                # Readable by the operator only: the codes log people in.
                with os.fdopen(os.open(codes_out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600),
                               "wb") as file:
                    file.write(roster.codes_xlsx(report.codes))
    except (QuizError, OSError) as error:
        if codes_out is not None and not dry_run and isinstance(error, QuizError):
            codes_out.unlink(missing_ok=True)
        click.echo(f"{_('error')}: {error}", err=True)
        raise SystemExit(1) from None
    for issue in report.issues:
        click.echo(f"{_('error')}: {issue}", err=True)
    for row in report.existing_rows:
        click.echo(_("row %(row)d: %(phone)s is registered already; left as it is.",
                     row=row.row, phone=row.phone))
    click.echo(_("%(file)s: %(new)d people to add, %(existing)d registered already, "
                 "%(errors)d errors.", file=path.name, new=len(report.new_rows),
                 existing=len(report.existing_rows), errors=len(report.issues)))
    end_import(report.ok, dry_run, _("%(n)d people added; their one-time codes are in "
                                     "%(file)s (the only copy).", n=len(report.codes),
                                     file=codes_out))
