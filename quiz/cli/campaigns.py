"""`flask --app quiz ...` commands for campaigns: create-campaign, add-quiz.

The same services and refusals as the console's forms: each refusal names its option, exit
status 1, nothing stored.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _

from ..db import write_transaction
from ..services.errors import QuizError
from ..services.report import everything

#: The command line's name for a field the services name.
_OPTION_OF = {"host": "host", "starts_on": "from", "ends_on": "to", "banks": "bank",
              "minutes": "minutes", "pass_mark": "pass", "attempts_per_day": "per-day",
              "timezone": "timezone"}


def _fail(error: QuizError) -> None:
    for item in (getattr(error, "errors", None) or {error.field: error}).values():
        option = _OPTION_OF.get(item.field, (item.field or "").replace("_", "-"))
        click.echo(f"{_('error')}: --{option}: {item.message}" if option
                   else f"{_('error')}: {item.message}", err=True)
    raise SystemExit(1)


@click.command("create-campaign")
@click.option("--slug", required=True, help="The address: /c/SLUG (lower-case letters, "
                                            "digits, '-'); never changes afterwards.")
@click.option("--title", required=True)
@click.option("--host", "host_code", default="", metavar="UNIT_CODE",
              help="The host unit (主办单位); left out: the whole installation.")
@click.option("--from", "starts_on", required=True, metavar="DATE", help="The first day.")
@click.option("--to", "ends_on", required=True, metavar="DATE", help="The last day.")
@click.option("--theme", default="", help="The year's theme.")
@click.option("--rules", "description", default="", help="Rules text for the campaign page.")
@click.option("--timezone", default="Asia/Shanghai", show_default=True)
@with_appcontext
def create_campaign_command(slug, title, host_code, starts_on, ends_on, theme, description,
                            timezone):
    """Create a campaign (then add its quiz with add-quiz)."""
    from ..services import campaign_admin

    values = campaign_admin.CampaignValues(
        title=title, theme=theme, description=description, host_code=host_code,
        starts_on=starts_on, ends_on=ends_on, timezone=timezone, slug=slug)
    try:
        with write_transaction():
            campaign = campaign_admin.create_campaign(everything(), values)
    except QuizError as error:
        _fail(error)
    click.echo(_("Created campaign %(slug)s: %(title)s, %(first)s to %(last)s.",
                 slug=campaign.slug, title=campaign.title,
                 first=campaign.starts_on.isoformat(), last=campaign.ends_on.isoformat()))


@click.command("add-quiz")
@click.option("--campaign", "slug", required=True, help="The campaign's slug.")
@click.option("--bank", "bank_names", multiple=True, required=True, metavar="NAME",
              help="A question bank to draw from (repeat for several).")
@click.option("--single", type=int, default=0, show_default=True)
@click.option("--multiple", type=int, default=0, show_default=True)
@click.option("--judge", type=int, default=0, show_default=True)
@click.option("--points", type=int, default=5, show_default=True,
              help="Points per question, every type.")
@click.option("--minutes", type=int, default=10, show_default=True)
@click.option("--pass", "pass_mark", type=int, default=60, show_default=True)
@click.option("--per-day", "per_day", type=int, default=3, show_default=True)
@click.option("--title", default=None, help="The quiz's title (default: the campaign's).")
@with_appcontext
def add_quiz_command(slug, bank_names, single, multiple, judge, points, minutes, pass_mark,
                     per_day, title):
    """Add a quiz to a campaign; refused when the banks hold too few questions (saying
    how many they hold), the pass mark is above the maximum, or the time is out of range."""
    from ..services import banks, campaign_admin, quiz_admin
    from ..services.errors import ValidationFailed

    try:
        with write_transaction():
            campaign = campaign_admin.get_managed(everything(), slug)
            found = []
            for name in bank_names:
                bank = banks.find_bank(name)
                if bank is None:
                    raise ValidationFailed(_("No question bank is named “%(name)s”.",
                                             name=name), field="banks")
                found.append(bank.id)
            values = quiz_admin.QuizValues(
                title=title or campaign.title, bank_ids=found,
                counts={"single": single, "multiple": multiple, "judge": judge},
                points=dict.fromkeys(quiz_admin.TYPES, points), minutes=minutes,
                pass_mark=pass_mark, attempts_per_day=per_day)
            quiz = quiz_admin.add_quiz(campaign, values)
    except QuizError as error:
        _fail(error)
    click.echo(_("Added quiz %(title)s to %(slug)s: %(n)d questions, %(max)d points.",
                 title=quiz.title, slug=campaign.slug, n=quiz.question_count,
                 max=quiz.max_score))
