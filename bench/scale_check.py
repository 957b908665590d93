"""Checks that the scale run's generated rows are what the app would have stored: the kept
tables against a recount (quiz.services.counters.compare, and every unit's figures as the
pages show them, over the whole campaign and over periods read from the week rows and from
the day rows), and a sample of attempts scored again by quiz.services.scoring."""

from __future__ import annotations

import datetime as dt
import json
import random

import sqlalchemy as sa

from quiz.extensions import db
from quiz.models import Attempt, Campaign, Unit
from quiz.services import attempts, counters, stats
from quiz.services.periods import Period
from quiz.services.scoring import score_answers

from . import scale_county as county


def check(app, sample: int = 300) -> dict:
    """{"differences", "figure_differences", "rescored", "mismatches", "json_same"}."""
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == county.SLUG))
        top = db.session.scalar(sa.select(Unit).where(Unit.code == "CH"))
        differences = counters.compare(campaign.id)
        figures = stats.compare_figures(campaign, top)
        for period in _periods(campaign):
            figures += stats.compare_figures(campaign, top, period)
        ids = list(db.session.scalars(sa.select(Attempt.id).order_by(Attempt.id)))
        mismatches, json_same = [], True
        for attempt_id in random.Random(7).sample(ids, min(sample, len(ids))):
            attempt = db.session.get(Attempt, attempt_id)
            result = score_answers(attempt.questions, attempt.answers,
                                   attempts.load_questions(attempt), attempt.quiz.partial_credit)
            got = (result.points, result.correct, result.score, result.correct_count,
                   result.answered_count, result.score >= attempt.quiz.pass_mark)
            kept = (attempt.points, attempt.correct, attempt.score, attempt.correct_count,
                    attempt.answered_count, attempt.passed)
            if got != kept:
                mismatches.append(attempt_id)
            attempts.review(attempt)  # the result page's review reads it as the app does
            # The stored text is json.dumps of the values, as SQLAlchemy writes them.
            raw = db.session.execute(sa.select(
                *(sa.cast(c, sa.Text) for c in (Attempt.questions, Attempt.answers,
                                                Attempt.points, Attempt.correct)))
                .where(Attempt.id == attempt_id)).one()
            json_same &= all(json.dumps(json.loads(text)) == text for text in raw)
        db.session.remove()
        return {"differences": [str(d) for d in differences[:20]],
                "difference_count": len(differences),
                "figure_differences": [str(d) for d in figures[:20]],
                "figure_difference_count": len(figures),
                "rescored": min(sample, len(ids)), "mismatches": mismatches[:20],
                "json_same": json_same}


def _periods(campaign) -> list[Period]:
    """Each calendar week of the campaign (its week rows), every day of it (its weeks'
    people counted from the week rows) and its first ten days (from the day rows)."""
    first_monday = campaign.starts_on - dt.timedelta(days=campaign.starts_on.weekday())
    weeks = [Period(max(monday, campaign.starts_on),
                    min(monday + dt.timedelta(days=6), campaign.ends_on))
             for monday in (first_monday + dt.timedelta(days=7 * n)
                            for n in range((campaign.ends_on - first_monday).days // 7 + 1))]
    ten = Period(campaign.starts_on,
                 min(campaign.ends_on, campaign.starts_on + dt.timedelta(days=9)))
    return [*weeks, Period(campaign.starts_on, campaign.ends_on), ten]
