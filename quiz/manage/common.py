"""What every console page shares: the staff-only guard, the start page, downloads."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from urllib.parse import quote

from flask import abort, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from question_bank.model import MAX_FILE_BYTES

from ..clock import now
from ..forms import current_path
from ..services import campaigns, periods, reach
from ..services.errors import InvalidFields, ValidationFailed
from ..timeutil import local_date
from . import bp

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.before_request
def _staff_only():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=current_path()))
    if not current_user.is_staff:
        abort(403)
    return None


@bp.route("/")
def index():
    return redirect(url_for(".campaign_list"))


def read_upload(form) -> bytes | None:
    """The bytes of the file uploaded in `form.file`; None, with the reason beside the
    field, when none was chosen, it is empty, or it is larger than the limit."""
    upload = form.file.data
    data = upload.read(MAX_FILE_BYTES + 1) if upload and getattr(upload, "filename", "") else b""
    if not data:
        form.file.errors = [*form.file.errors, _("Choose a file to upload.")]
        return None
    if len(data) > MAX_FILE_BYTES:
        form.file.errors = [*form.file.errors, _("The file is larger than %(limit)d MB.",
                                                 limit=MAX_FILE_BYTES // (1024 * 1024))]
        return None
    return data


def download(data, mimetype: str, filename: str, ascii_name: str):
    """An attachment named `filename` (Chinese is fine), `ascii_name` for old clients.

    `data` is bytes or a file-like object (a spooled export is sent as it is).
    """
    body = BytesIO(data) if isinstance(data, bytes | bytearray) else data
    response = send_file(body, mimetype=mimetype, as_attachment=True,
                         download_name=ascii_name, max_age=0)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(filename)}')
    return response


@dataclass
class FiguresScope:
    """What a figures page asks for: the campaign, the unit (within the viewer's reach),
    the period (and what was mistyped of it), and the campaign's today and this week."""

    campaign: object
    within: object
    unit: object
    today: object
    period: object
    period_errors: dict
    week: object

    def context(self) -> dict:
        """The template variables every figures page uses."""
        return {"campaign": self.campaign, "unit": self.unit, "period": self.period,
                "period_errors": self.period_errors, "week": self.week,
                "trail": self.within.trail(self.unit), "args": request.args}


def figures_scope(slug: str) -> FiguresScope:
    """The scope of a figures page (?unit=&from=&to=); 404 for a campaign or a unit that is
    not (within reach), 403 for someone who is not staff."""
    campaign = campaigns.get_campaign(slug)
    within = reach.require_staff(current_user)
    unit = campaigns.figures_unit(within, campaign, request.args.get("unit"))
    today = local_date(now(), campaign.timezone)
    period, errors = requested_period(campaign)
    return FiguresScope(campaign, within, unit, today, period, errors,
                        periods.this_week(campaign, today))


def requested_period(campaign):
    """The period a figures page was asked for (?from=&to=), and what was mistyped
    ({field: message}; the page then shows the whole campaign and says so)."""
    try:
        return periods.parse_period(campaign, request.args.get("from"),
                                    request.args.get("to")), {}
    except InvalidFields as error:
        return None, {name: str(item.message) for name, item in error.errors.items()}
    except ValidationFailed as error:
        return None, {error.field: str(error.message)}
