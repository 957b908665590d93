"""What every console page shares: the staff-only guard, the start page, downloads."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from flask import abort, redirect, request, send_file, url_for
from flask_login import current_user

from ..forms import current_path
from ..services import periods
from ..services.errors import InvalidFields, ValidationFailed
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
