"""`flask --app quiz ...` commands for operators."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from .db import write_transaction
from .extensions import db
from .models import Campaign, Unit
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
@with_appcontext
def seed_demo_command(if_empty: bool):
    """Load the demo county, accounts, question bank and campaign (safe to run again)."""
    from . import demo

    if if_empty and db.session.scalar(sa.select(Unit.id).limit(1)) is not None:
        click.echo("The database already holds data; demo data not loaded.")
        _echo_accounts(demo)
        return
    with write_transaction():
        report = demo.seed(utcnow())
    click.echo(
        f"Demo data: {report.units_added} units, {report.accounts_added} accounts, "
        f"{report.questions_added} questions added"
        + (", campaign created." if report.campaign_added else ".")
    )
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
    if not differences:
        click.echo("Counters agree with the attempts.")
        return
    codes = dict(db.session.execute(sa.select(Unit.id, Unit.code)).all())
    slugs = dict(db.session.execute(sa.select(Campaign.id, Campaign.slug)).all())
    click.echo(f"{'campaign':<24} {'unit':<16} {'day':<10} {'figure':<16} {'kept':>8} "
               f"{'counted':>8}")
    for diff in differences:
        click.echo(
            f"{slugs.get(diff.campaign_id, diff.campaign_id)!s:<24} "
            f"{codes.get(diff.unit_id, diff.unit_id)!s:<16} {str(diff.day or 'total'):<10} "
            f"{diff.field:<16} {diff.kept:>8} {diff.counted:>8}"
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


def init_cli(app) -> None:
    for command in (init_db_command, seed_demo_command, reconcile_command):
        app.cli.add_command(command)
