"""QR posters for the units of a campaign: a printable page per unit, a page of posters for
a unit and every unit below it, and the same as a PDF (docs/posters.md)."""

from __future__ import annotations

from io import BytesIO

from flask import current_app, render_template, request
from flask_login import current_user

from ..exports.poster_pdf import write_posters, write_sheet
from ..services import posters as service
from ..services.reach import require_staff
from . import bp
from .common import download

PDF_MIME = "application/pdf"


def _scope(slug: str, code: str | None):
    """The campaign, the unit (within reach and the campaign's units) and the links' base."""
    within = require_staff(current_user)
    campaign = service.campaign_by_slug(slug)
    unit = service.poster_unit(campaign, within, code)
    base = service.public_base(current_app.config.get("PUBLIC_URL"), request.url_root)
    return campaign, unit, base


@bp.route("/campaigns/<slug>/units/<code>/poster")
def unit_poster(slug: str, code: str):
    """One unit's A4 poster, to print from the browser."""
    campaign, unit, base = _scope(slug, code)
    poster = service.poster_for(campaign, unit, base.url)
    return render_template("manage/posters/poster.html", campaign=campaign, unit=unit,
                           base=base, posters=[poster])


@bp.route("/campaigns/<slug>/posters")
def subtree_posters(slug: str):
    """?unit=CODE: the posters of that unit and every unit below it, one A4 page each."""
    campaign, unit, base = _scope(slug, request.args.get("unit"))
    posters = service.subtree_posters(campaign, unit, base.url)
    return render_template("manage/posters/posters.html", campaign=campaign, unit=unit,
                           base=base, posters=posters, max_units=service.MAX_UNITS_PER_PDF)


@bp.route("/campaigns/<slug>/posters.pdf")
def posters_pdf(slug: str):
    """?unit=CODE&layout=posters|sheet: the same units as a PDF made on the server."""
    layout = service.check_layout(request.args.get("layout"))
    campaign, unit, base = _scope(slug, request.args.get("unit"))
    posters = service.subtree_posters(campaign, unit, base.url)
    body = BytesIO()
    write = write_posters if layout == "posters" else write_sheet
    write(posters, service.pdf_text(campaign, unit, len(posters), base), body)
    body.seek(0)
    return download(body, PDF_MIME, *service.pdf_names(campaign, unit, layout))
