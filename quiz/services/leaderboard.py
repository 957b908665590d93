"""The individual leaderboard (个人排行榜): per campaign and per unit subtree, each person
once with the attempt that counts (the person_best row), in quiz.services.ranking's order.

A page is the person_best rows of the campaign in that order with LIMIT/OFFSET, and a row's
rank is its place in it: the order is total (the attempt id breaks the last ties), so the
place is the count of the rows before it, as `ranking.rank` counts it. Attempts are never
read, let alone sorted.

Names and mobile numbers are masked for everyone but admins, the organizers whose reach
holds the person, and the person themself; `mask_name` and `mask_phone` are the one place
masks are made.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Attempt, Campaign, PersonBest, Unit, User
from ..timeutil import isoformat_utc, to_local
from . import ranking
from .campaigns import figures_unit
from .errors import NotFound, Unauthorized
from .reach import Reach, reach_of
from .units import in_subtree

#: People per page in the console and the API.
PER_PAGE = 50
#: What a participant sees of a board: its top, never further pages.
PARTICIPANT_TOP = 10

#: ranking.py's order (best score, shorter time, earlier finish, attempt id) as ORDER BY;
#: tests check that the place in it is the rank `ranking.rank` counts.
_RANK_ORDER = (PersonBest.score.desc(), PersonBest.duration_seconds.asc(),
               PersonBest.finished_at.asc(), PersonBest.attempt_id.asc())


# --- masks -----------------------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith(("CJK ", "HANGUL ", "HIRAGANA ", "KATAKANA "))


def mask_name(name: str | None) -> str:
    """A name others may see: 张* for two characters, 张*明 for more (first and last kept,
    one * however many are hidden, so the length is not told), * for one.

    A name of several words without Chinese characters (John Smith) keeps each word's
    first letter (J* S*): its first and last letters would read as a made-up word.
    """
    words = (name or "").split()
    if not words:
        return ""
    if len(words) > 1 and not any(_is_cjk(char) for char in "".join(words)):
        return " ".join(word[0] + "*" for word in words)
    text = "".join(words)  # 张 三 typed with a space is 张三
    if len(text) == 1:
        return "*"
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" + text[-1]


def mask_phone(phone: str | None) -> str:
    """A mobile number others may see: 138****1234 (the first three and last four kept).

    A number shorter than 11 characters keeps only its last third, so that most of it
    stays hidden whatever its length (1234567 → *****67); a longer one (+86...) keeps its
    first three and last four, as an 11-digit one.
    """
    phone = (phone or "").strip()
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    kept = len(phone) // 3
    return "*" * (len(phone) - kept) + (phone[len(phone) - kept:] if kept else "")


# --- the board -------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    """One person on a board, with the name and number as the viewer may see them."""

    rank: int
    user_id: int
    name: str
    phone: str
    #: The unit the attempt counts for.
    unit_code: str
    unit_name: str
    score: int
    max_score: int
    duration_seconds: int
    #: UTC, as stored; `finished_local` in the campaign's time zone, for pages.
    finished_at: dt.datetime
    finished_local: dt.datetime
    #: The name and number are masked for this viewer.
    masked: bool
    #: The viewer's own row.
    is_viewer: bool

    def as_dict(self) -> dict:
        return {
            "rank": self.rank, "name": self.name, "phone": self.phone,
            "unit_code": self.unit_code, "unit_name": self.unit_name, "score": self.score,
            "max_score": self.max_score, "duration_seconds": self.duration_seconds,
            "finished_at": isoformat_utc(self.finished_at), "masked": self.masked,
            "is_me": self.is_viewer,
        }


@dataclass(frozen=True)
class Board:
    """A page of a campaign's (or a unit subtree's) individual leaderboard."""

    campaign: Campaign
    #: None: the whole campaign.
    unit: Unit | None
    rows: list[BoardRow]
    #: People on the whole board (every page).
    total: int
    page: int
    per_page: int
    #: The viewer's own row when they are on this board (on this page or not).
    me: BoardRow | None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _row(rank: int, best: PersonBest, person: User, counted: Unit, max_score: int,
         campaign: Campaign, viewer: User | None, within: Reach) -> BoardRow:
    is_viewer = viewer is not None and viewer.id == person.id
    masked = not (is_viewer or within.covers_user(person))
    return BoardRow(
        rank=rank, user_id=person.id,
        name=mask_name(person.name) if masked else person.name,
        phone=mask_phone(person.phone) if masked else person.phone,
        unit_code=counted.code, unit_name=counted.name, score=best.score,
        max_score=max_score, duration_seconds=best.duration_seconds,
        finished_at=best.finished_at, finished_local=to_local(best.finished_at,
                                                              campaign.timezone),
        masked=masked, is_viewer=is_viewer,
    )


def people_board(campaign: Campaign, unit: Unit | None = None, *, page: int = 1,
                 per_page: int = PER_PAGE, viewer: User | None = None) -> Board:
    """A page of the people ranked in `campaign` (in `unit`'s subtree, when given), masked
    as `viewer` may see them; a page past the last shows the last."""
    counted = aliased(Unit)
    where = [PersonBest.campaign_id == campaign.id]
    if unit is not None:  # where the attempt was taken (Attempt.unit_path)
        where.append(in_subtree(PersonBest.unit_path, unit.path))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(PersonBest).where(*where))
    page = min(max(1, page), max(1, -(-total // per_page)))
    offset = (page - 1) * per_page
    found = db.session.execute(
        sa.select(PersonBest, User, counted, Attempt.max_score)
        .join(User, User.id == PersonBest.user_id)
        .join(counted, counted.id == PersonBest.unit_id)
        .join(Attempt, Attempt.id == PersonBest.attempt_id)
        .where(*where).order_by(*_RANK_ORDER).limit(per_page).offset(offset)
    ).all()
    within = reach_of(viewer)
    rows = [_row(offset + place, *found_row, campaign, viewer, within)
            for place, found_row in enumerate(found, start=1)]
    me = next((row for row in rows if row.is_viewer), None)
    if me is None and viewer is not None:
        me = _own_row(campaign, unit, viewer, within)
    return Board(campaign, unit, rows, total, page, per_page, me)


def _own_row(campaign: Campaign, unit: Unit | None, viewer: User,
             within: Reach) -> BoardRow | None:
    """The viewer's row when it lies beyond the page: its rank by two index range counts."""
    best = ranking.best_of(viewer.id, campaign.id)
    if best is None:
        return None
    counted = db.session.get(Unit, best.unit_id)
    if unit is not None and not best.unit_path.startswith(unit.path):
        return None  # taken outside this board's subtree
    position, _people = ranking.rank(best, unit.path if unit is not None else None)
    max_score = db.session.scalar(sa.select(Attempt.max_score)
                                  .where(Attempt.id == best.attempt_id))
    return _row(position, best, viewer, counted, max_score, campaign, viewer, within)


# --- who may see which board -----------------------------------------------------------


def own_unit(viewer: User, campaign: Campaign) -> Unit:
    """A participant's unit for a campaign: where their attempt counts (their rank on the
    result page is there), or the unit they belong to before they have one."""
    best = ranking.best_of(viewer.id, campaign.id)
    return db.session.get(Unit, best.unit_id) if best is not None else viewer.unit


def board_unit(viewer: User | None, campaign: Campaign, code: str | None) -> Unit | None:
    """The unit whose board `viewer` asks for with ?unit=CODE; None (no code) for the whole
    campaign, which everyone logged in may see (masked).

    Organizers and admins: any unit within reach. Participants: their own unit only (its
    code, or the code of the unit they belong to). NotFound otherwise, as for a unit that
    does not exist.
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        raise Unauthorized()
    code = (code or "").strip()
    if not code:
        return None
    if viewer.is_staff:
        return figures_unit(reach_of(viewer), campaign, code)
    for unit in (own_unit(viewer, campaign), viewer.unit):
        if unit.code == code:
            return unit
    raise NotFound(_l("No unit with this code is within your reach."), field="unit")


def board_for(viewer: User | None, campaign: Campaign, code: str | None = None,
              page: int = 1, per_page: int = PER_PAGE) -> Board:
    """The board `viewer` asks for (?unit=CODE&page=N): any page of a board within reach for
    organizers and admins, only the top (PARTICIPANT_TOP people) otherwise."""
    unit = board_unit(viewer, campaign, code)
    # Organizers page through the boards of units in reach; the whole campaign's board only
    # when their reach holds the whole campaign. Otherwise they see its top, as everyone
    # does: pages of it would show the people (and counts) of the units beyond their reach.
    if viewer.is_staff and (unit is not None or reach_of(viewer).covers_every_unit()):
        return people_board(campaign, unit, page=page, per_page=per_page, viewer=viewer)
    return people_board(campaign, unit, page=1, per_page=min(per_page, PARTICIPANT_TOP),
                        viewer=viewer)
