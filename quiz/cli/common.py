"""What the commands share: how a refusal and an import end."""

from __future__ import annotations

import click
from flask_babel import gettext as _

#: The file kinds the exports write, by the name's ending.
UNIT_EXPORTERS = {".xlsx": "xlsx", ".csv": "csv"}


def refuse(option: str, message: str) -> None:
    """One line on stderr naming the option, and exit status 2 (as click's usage errors)."""
    click.echo(f"{_('error')}: --{option}: {message}", err=True)
    raise SystemExit(2)


def end_import(ok: bool, dry_run: bool, stored: str) -> None:
    """The last line of an import: exit 1 when it had errors (nothing stored)."""
    if not ok:
        click.echo(_("Nothing was stored: correct the errors above and import again."),
                   err=True)
        raise SystemExit(1)
    click.echo(_("Dry run: nothing was stored.") if dry_run else stored)
