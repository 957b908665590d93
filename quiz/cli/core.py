"""`flask --app quiz ...` commands for the database: init-db, seed-demo, reconcile."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from ..db import write_transaction
from ..extensions import db
from ..models import Campaign, Unit
from ..timeutil import utcnow


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
    from .. import demo

    if if_empty and db.session.scalar(sa.select(Unit.id).limit(1)) is not None:
        click.echo("The database already holds data; demo data not loaded.")
        _echo_accounts(demo)
        return
    from .. import demo_attempts

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
    from ..services import attempts, counters

    campaign_id = None
    if slug:
        campaign_id = db.session.scalar(sa.select(Campaign.id).where(Campaign.slug == slug))
        if campaign_id is None:
            raise click.BadParameter(f"no campaign has the slug {slug!r}", param_hint="--campaign")

    # Attempts whose time ran out unseen are finished (and counted) first.
    grace = current_app.config["QUIZ_GRACE_SECONDS"]
    overdue = attempts.overdue_attempts(utcnow(), grace, campaign_id=campaign_id)
    for attempt in overdue:  # a transaction each (see attempts.finish_if_overdue)
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
    from ..services import stats, units

    query = sa.select(Campaign)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    roots = [u for u in units.all_units() if u.parent_id is None]
    return [(campaign.slug, diff) for campaign in db.session.scalars(query)
            for root in roots for diff in stats.compare_figures(campaign, root)]
