"""QR posters: the address phones reach, the link that preselects a unit on the campaign
page, and what a poster says (the campaign, the unit, the dates, three rules), for one unit
or for a unit and every unit below it (docs/posters.md).

Nothing here knows of the request: the views pass the PUBLIC_URL setting and the address
the page was asked at as plain strings.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote, urlencode, urlsplit

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..exports.poster_pdf import PdfText
from ..extensions import db
from ..models import Campaign, Quiz, Unit
from . import qr
from .campaigns import get_campaign, hosts
from .errors import NotFound, ValidationFailed
from .reach import Reach
from .units import in_subtree, unit_by_code

#: The most units one PDF (or one page of posters) holds: a township's few hundred fit,
#: a whole county of thousands is refused, with the count, rather than keeping a worker
#: busy for minutes and the printer for hours. One PDF per township instead.
MAX_UNITS_PER_PDF = 500
#: The PDF's layouts: one A4 poster per unit, or a sheet of small codes (3 × 4 per page).
LAYOUTS = ("posters", "sheet")


class TooManyUnits(ValidationFailed):
    code = "too_many_units"


# --- the address -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicBase:
    """The address the posters' links start with, and what is wrong with it."""

    #: Scheme, host and any path prefix, without a trailing slash.
    url: str
    #: For people: why these links may not work (empty: nothing to say).
    warnings: tuple[str, ...] = ()
    #: Why phones cannot reach `url` at all (a loopback or unspecified address; also the
    #: last of `warnings`): a poster printed so is useless, and the PDF says so on every
    #: page. None: they may.
    unreachable: str | None = None

    @property
    def reachable(self) -> bool:
        return self.unreachable is None


def public_base(setting: str | None, request_root: str) -> PublicBase:
    """The base of the posters' links: the PUBLIC_URL `setting` when it is a web address,
    else `request_root` (the address this page was asked at), with warnings for people."""
    warnings = []
    setting = (setting or "").strip()
    url = _web_address(setting) if setting else None
    if url is None:
        url = _web_address(request_root) or request_root.rstrip("/")
        if setting:
            warnings.append(_(
                "The setting PUBLIC_URL (“%(value)s”) is not a web address such as "
                "https://quiz.example.gov.cn: the links below use the address of this page, "
                "%(url)s, instead.", value=setting, url=url))
        else:
            warnings.append(_(
                "The setting PUBLIC_URL is not set: the links below use the address of this "
                "page, %(url)s. Check that phones reach the site there, and set PUBLIC_URL "
                "to the address people use (docs/deploy.md).", url=url))
    problem = _unreachable(urlsplit(url).hostname or "")
    if problem:
        warnings.append(problem)
    return PublicBase(url=url, warnings=tuple(warnings), unreachable=problem)


def _web_address(value: str) -> str | None:
    """`value` without its trailing slash when it is http(s)://host[:port][/path], else None."""
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username is not None:
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def _unreachable(host: str) -> str | None:
    """Why phones cannot reach `host` (a loopback or unspecified address), or None."""
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        loopback, unspecified = True, False
    else:
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return None  # a host name: whether it resolves for phones is not ours to tell
        mapped = getattr(address, "ipv4_mapped", None) or address
        loopback, unspecified = mapped.is_loopback, mapped.is_unspecified
    if loopback:
        return _("%(host)s is a loopback address: it means “this computer”, so a phone "
                 "that scans these codes reaches itself, not this site. Do not print them; "
                 "set PUBLIC_URL to the address people's phones use.", host=host)
    if unspecified:
        return _("%(host)s is not an address anyone can reach (it only tells a server to "
                 "listen everywhere). Do not print these codes; set PUBLIC_URL to the "
                 "address people's phones use.", host=host)
    return None


def unit_link(base_url: str, slug: str, code: str) -> str:
    """The campaign page with `code` preselected (participant.campaign: /c/<slug>)."""
    return f"{base_url}/c/{quote(slug, safe='')}?{urlencode({'unit': code}, quote_via=quote)}"


# --- which campaign and unit -----------------------------------------------------------


def campaign_by_slug(slug: str) -> Campaign:
    """The campaign called `slug`; NotFound saying so otherwise."""
    try:
        return get_campaign(slug)
    except NotFound:
        raise NotFound(_l("No campaign has the address “%(slug)s”.", slug=slug)) from None


def poster_unit(campaign: Campaign, within: Reach, code: str | None) -> Unit:
    """The unit named by `code` for the posters of `campaign`: within reach and within the
    campaign's host subtree, else NotFound. No code: the campaign's host when within reach,
    else the viewer's own unit."""
    code = (code or "").strip()
    if not code:
        if campaign.host_unit is not None and within.covers(campaign.host_unit):
            unit = campaign.host_unit
        else:
            unit = within.unit_by_code(None)
    else:
        unit = unit_by_code(code)
        if unit is None or not within.covers(unit):
            raise NotFound(_l("No unit with the code “%(code)s” is within your reach.",
                              code=code), field="unit")
    if not hosts(campaign, unit):
        raise NotFound(_l(
            "The unit “%(unit)s” (%(code)s) is not among this campaign's units: the campaign "
            "is held for %(host)s and the units below it.", unit=unit.name, code=unit.code,
            host=campaign.host_unit.name), field="unit")
    return unit


def check_layout(layout: str | None) -> str:
    """The PDF layout asked for (`posters` when none is), or ValidationFailed."""
    layout = (layout or "posters").strip()
    if layout not in LAYOUTS:
        raise ValidationFailed(_l("Unknown layout “%(layout)s”: use layout=posters (one A4 "
                                  "poster per unit) or layout=sheet (12 small codes per "
                                  "page).", layout=layout), field="layout")
    return layout


# --- what a poster says ----------------------------------------------------------------


@dataclass(frozen=True)
class Poster:
    """One unit's poster: the texts (in the page's language) and the link to encode."""

    title: str
    theme: str
    unit_name: str
    unit_code: str
    #: "Unit code: PA-CG", under the code (the sheet's cut-outs are told apart by it).
    code_line: str
    link: str
    dates: str
    rules: tuple[str, ...] = field(default=())

    @cached_property
    def svg(self) -> str:
        """The QR code as inline SVG, for pages."""
        return qr.svg(self.link)

    @cached_property
    def modules(self) -> tuple[tuple[bool, ...], ...]:
        """The QR code's modules (True: dark), for the PDF writer."""
        return qr.modules(self.link)


def active_quiz(campaign: Campaign) -> Quiz | None:
    """The quiz the posters describe: the campaign's first active one."""
    return next((quiz for quiz in campaign.quizzes if quiz.is_active), None)


def quiz_rules(quiz: Quiz | None) -> tuple[str, ...]:
    """Three lines of rules: questions, time limit, attempts a day (none without a quiz)."""
    if quiz is None:
        return ()
    minutes = quiz.time_limit_seconds / 60
    minutes_text = f"{minutes:.0f}" if minutes == int(minutes) else f"{minutes:.1f}"
    return (_("Questions per attempt: %(count)d", count=quiz.question_count),
            _("Time limit: %(minutes)s minutes", minutes=minutes_text),
            _("Attempts per day: up to %(count)d", count=quiz.attempts_per_day))


def campaign_dates(campaign: Campaign) -> str:
    """The campaign's first and last day, written out in the page's language."""
    return _("%(start)s to %(end)s", start=format_date(campaign.starts_on, "long"),
             end=format_date(campaign.ends_on, "long"))


def poster_for(campaign: Campaign, unit: Unit, base_url: str) -> Poster:
    """The poster of one unit; ValidationFailed for a retired unit (nobody may join it)."""
    if unit.is_retired:
        raise ValidationFailed(_l("The unit “%(unit)s” (%(code)s) has been retired: nobody "
                                  "can register with it any more, so it gets no poster.",
                                  unit=unit.name, code=unit.code), field="unit")
    return _poster(campaign, unit, base_url, quiz_rules(active_quiz(campaign)),
                   campaign_dates(campaign))


def subtree_posters(campaign: Campaign, unit: Unit, base_url: str,
                    limit: int | None = None) -> list[Poster]:
    """The posters of `unit` and every unit below it that is not retired, in tree order
    (each unit before the units below it, siblings by code). TooManyUnits beyond `limit`
    (MAX_UNITS_PER_PDF unless given), ValidationFailed when none is left."""
    limit = MAX_UNITS_PER_PDF if limit is None else limit
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(
        in_subtree(Unit.path, unit.path), Unit.retired_at.is_(None)))
    if count > limit:
        raise TooManyUnits(_l(
            "One print-out holds at most %(limit)d units, and “%(unit)s” has %(count)d "
            "(itself and the units below it). Please print the units below it one by one.",
            limit=limit, unit=unit.name, count=count), field="unit")
    units = [u for u in tree_order(unit) if not u.is_retired]
    if not units:
        raise ValidationFailed(_l("“%(unit)s” and every unit below it have been retired: "
                                  "there is nothing to print.", unit=unit.name), field="unit")
    rules, dates = quiz_rules(active_quiz(campaign)), campaign_dates(campaign)
    return [_poster(campaign, u, base_url, rules, dates) for u in units]


def tree_order(top: Unit) -> list[Unit]:
    """`top` and every unit below it (retired ones too), depth first, siblings by code."""
    below: dict[int | None, list[Unit]] = {}
    for unit in db.session.scalars(sa.select(Unit).where(in_subtree(Unit.path, top.path))
                                   .order_by(Unit.code)):
        below.setdefault(unit.parent_id, []).append(unit)
    ordered, stack = [], [top]
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(below.get(unit.id, [])))
    return ordered


def _poster(campaign: Campaign, unit: Unit, base_url: str, rules: tuple[str, ...],
            dates: str) -> Poster:
    return Poster(title=campaign.title, theme=campaign.theme or "", unit_name=unit.name,
                  unit_code=unit.code, code_line=_("Unit code: %(code)s", code=unit.code),
                  link=unit_link(base_url, campaign.slug, unit.code),
                  dates=dates, rules=rules)


def pdf_text(campaign: Campaign, unit: Unit, count: int, base: PublicBase) -> PdfText:
    """The PDF's fixed words: the hint under each code, the heading, the warning."""
    heading = _("%(campaign)s: QR codes of %(unit)s and the units below it (%(count)d)",
                campaign=campaign.title, unit=unit.name, count=count)
    return PdfText(scan=_("Scan with your phone to take part"), heading=heading,
                   warning=base.unreachable)


def pdf_names(campaign: Campaign, unit: Unit, layout: str) -> tuple[str, str]:
    """The PDF's file name (Chinese is fine) and a plain ASCII one for old clients."""
    kind = _("QR posters") if layout == "posters" else _("QR code sheet")
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", f"{unit.name}-{campaign.title}-{kind}")
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", f"{layout}-{campaign.slug}-{unit.code}")
    return f"{name}.pdf", f"{plain}.pdf"
