"""A campaign's dashboard for one unit: its figures (from `figure_tree`, nothing redefined),
the days, the spread of the best scores, the questions answered wrongly most often, and the
units to compare it with.

What each block may show follows reach:

- the question figures are kept per campaign, with no unit (QuestionCounter): they are shown
  only to someone whose reach covers the whole campaign, never to an organizer of a part;
- the comparison is with the unit's siblings when its parent is within reach (their figures
  add up to the parent's, which the viewer may see), else with the unit's own children.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Attempt, Campaign, PersonBest, Question, QuestionCounter, Unit
from .periods import Period, campaign_days
from .reach import Reach
from .stats import Counts, FigureTree, UnitRow, figure_tree, sort_rows, subtree_daily
from .units import in_subtree

#: Ten bands of ten points on a 100-point scale: 0–9, 10–19, ..., 90–100 (full marks go
#: in the last band).
BAND_COUNT = 10
#: How many of the questions answered wrongly most often are listed.
WRONG_MOST = 20
#: A stem is cut to this many characters in the list (the edit page has it whole).
STEM_LENGTH = 60


@dataclass(frozen=True)
class ScoreBand:
    """People whose best score lies in [low, high] points out of 100."""

    low: int
    high: int
    people: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}"


@dataclass(frozen=True)
class WrongQuestion:
    """A question with its kept counts over the whole campaign, the shards added up."""

    question: Question
    answered: int
    correct: int

    @property
    def wrong(self) -> int:
        return self.answered - self.correct

    @property
    def correct_rate(self) -> float | None:
        """correct / answered: 正确率 as `Counts` defines it, for one question."""
        return Counts(answers=self.answered, correct_answers=self.correct).correct_rate

    @property
    def short_stem(self) -> str:
        stem = " ".join(self.question.stem.split())
        return stem if len(stem) <= STEM_LENGTH else stem[:STEM_LENGTH - 1] + "…"


@dataclass(frozen=True)
class Comparison:
    """The units a unit is compared with, by participation rate."""

    #: "siblings": the unit among its parent's children; "children": the units below it.
    kind: str
    rows: list[UnitRow]


@dataclass(frozen=True)
class Dashboard:
    campaign: Campaign
    unit: Unit
    period: Period | None
    tree: FigureTree
    #: [(day, the unit's figures that day)] over `periods.campaign_days`, days without any
    #: included (zero).
    days: list[tuple[dt.date, Counts]]
    bands: list[ScoreBand]
    #: None when the viewer's reach does not cover the whole campaign.
    questions: list[WrongQuestion] | None
    comparison: Comparison

    @property
    def total(self) -> UnitRow:
        return self.tree.total


def dashboard(campaign: Campaign, unit: Unit, reach: Reach, today: dt.date,
              period: Period | None = None) -> Dashboard:
    """Every block of the dashboard of `unit` (which must lie within `reach`)."""
    reach.require(unit)
    tree = figure_tree(campaign, unit, period)
    daily = subtree_daily(campaign, unit, period)  # the page shows the unit's days only
    days = [(day, daily.get(day, Counts())) for day in campaign_days(campaign, today, period)]
    return Dashboard(
        campaign=campaign, unit=unit, period=period, tree=tree, days=days,
        bands=score_bands(campaign, unit),
        questions=wrong_most(campaign) if covers_campaign(reach) else None,
        comparison=comparison(campaign, unit, reach, period, tree),
    )


def score_bands(campaign: Campaign, top: Unit) -> list[ScoreBand]:
    """How many people of `top`'s subtree have their best score in each 10-point band.

    The best score is the person_best row's (the attempt that counts, 成绩取最高分), placed
    on a 100-point scale as score × 100 / the attempt's max_score, so quizzes with other
    full marks band alike; a person counts where their best attempt was taken. One grouped
    query over the best rows, whatever the number of attempts: by score, from an index
    alone, when the campaign's quizzes share their full marks (`_full_marks`), else with
    each row's attempt.
    """
    width = 100 // BAND_COUNT
    full = _full_marks(campaign)
    if full is not None:
        counted: dict[int, int] = {}
        for score, people in db.session.execute(
                sa.select(PersonBest.score, sa.func.count())
                .where(PersonBest.campaign_id == campaign.id,
                       in_subtree(PersonBest.unit_path, top.path))
                .group_by(PersonBest.score)):
            band = min(BAND_COUNT - 1, score * BAND_COUNT // full)
            counted[band] = counted.get(band, 0) + people
    else:
        counted = _bands_by_attempt(campaign, top)
    return [ScoreBand(n * width, n * width + width - 1 if n < BAND_COUNT - 1 else 100,
                      int(counted.get(n, 0)))
            for n in range(BAND_COUNT)]


def _full_marks(campaign: Campaign) -> int | None:
    """The full marks every attempt of the campaign has, when its quizzes agree on them.

    An attempt's max_score is its quiz's full marks when it was drawn, and a quiz's scoring
    (rules, points) is fixed once an attempt is taken (quiz_admin.SCORING: a change makes a
    new quiz). So when the campaign's quizzes share their full marks, so do its attempts,
    and the bands are a count of the best rows by score, from an index alone, without
    reading an attempt per person (87,628 of them in a county's month, bench/scale.py).
    """
    marks = {quiz.max_score for quiz in campaign.quizzes}
    return marks.pop() if len(marks) == 1 and min(marks) > 0 else None


def _bands_by_attempt(campaign: Campaign, top: Unit) -> dict[int, int]:
    """{band: people}, each best row's full marks read from its attempt."""
    # floor(score * 10 / max_score) is floor(percent / 10); full marks (10) join band 9.
    raw = (PersonBest.score * BAND_COUNT) // Attempt.max_score
    band = sa.case((raw >= BAND_COUNT, BAND_COUNT - 1), else_=raw)
    best = (
        sa.select(band.label("band"))
        .select_from(PersonBest)
        .join(Attempt, Attempt.id == PersonBest.attempt_id)
        .where(PersonBest.campaign_id == campaign.id, Attempt.max_score > 0,
               in_subtree(PersonBest.unit_path, top.path))
        .subquery()
    )
    return dict(db.session.execute(
        sa.select(best.c.band, sa.func.count()).group_by(best.c.band)).all())


def wrong_most(campaign: Campaign, limit: int = WRONG_MOST) -> list[WrongQuestion]:
    """The questions answered wrongly (answered − correct) most often in the campaign,
    most first, then by question number; questions never answered wrongly are left out."""
    kept = (
        sa.select(QuestionCounter.question_id,
                  sa.func.sum(QuestionCounter.answered).label("answered"),
                  sa.func.sum(QuestionCounter.correct).label("correct"))
        .where(QuestionCounter.campaign_id == campaign.id)
        .group_by(QuestionCounter.question_id)
        .subquery()
    )
    wrong = kept.c.answered - kept.c.correct
    rows = db.session.execute(
        sa.select(Question, kept.c.answered, kept.c.correct)
        .join(kept, kept.c.question_id == Question.id)
        .where(wrong > 0)
        .order_by(wrong.desc(), Question.id)
        .limit(limit)
    ).all()
    return [WrongQuestion(question, int(answered), int(correct))
            for question, answered, correct in rows]


def covers_campaign(reach: Reach) -> bool:
    """Whether the questions block (per campaign, not per unit) may be shown."""
    return reach.covers_every_unit()


def comparison(campaign: Campaign, unit: Unit, reach: Reach, period: Period | None = None,
               tree: FigureTree | None = None) -> Comparison:
    """The unit's siblings when its parent is within reach, else its own children.

    `tree` is the unit's own figure tree when the caller has it (saves the queries).
    """
    parent = unit.parent
    if parent is not None and reach.covers(parent):
        kind, rows = "siblings", figure_tree(campaign, parent, period).children()
    else:
        kind, rows = "children", (tree or figure_tree(campaign, unit, period)).children()
    return Comparison(kind, sort_rows(rows, "participation_rate"))
