"""The console's report download: 活动进展情况统计表 as .xlsx."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..exports.stats_xlsx import write_xlsx
from ..services.campaigns import figures_unit, get_campaign
from ..services.errors import QuizError, ValidationFailed
from ..services.periods import parse_period
from ..services.reach import require_staff
from ..services.report import build_report
from . import bp
from .common import XLSX_MIME, download


@bp.route("/campaigns/<slug>/report.xlsx")
def campaign_report(slug: str):
    """?unit=CODE (within reach; the home unit by default) &from=DAY &to=DAY (a period
    beside the totals; either may be left out)."""
    reach = require_staff(current_user)
    campaign = get_campaign(slug)
    unit = figures_unit(reach, campaign, request.args.get("unit"))
    period = _period(campaign, request.args.get("from"), request.args.get("to"))
    report = build_report(campaign, unit, period, now())
    return download(write_xlsx(report.sheets), XLSX_MIME, report.filename("xlsx"),
                    report.ascii_name("xlsx"))


def _period(campaign, first: str | None, last: str | None):
    """The period asked for; a 422 page that names each wrong field otherwise."""
    try:
        return parse_period(campaign, first, last)
    except QuizError as error:
        labels = {"from": _("Start date (from)"), "to": _("End date (to)")}
        errors = getattr(error, "errors", None) or {error.field: error}
        message = _("; ").join(
            _("%(field)s: %(message)s", field=labels.get(name, name), message=item.message)
            for name, item in errors.items())
        raise ValidationFailed(message, field=error.field) from None
