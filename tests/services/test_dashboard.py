"""The dashboard's blocks (quiz.services.dashboard): the figures are figure_tree's, the score
bands and the questions answered wrongly most often as counted by hand, and what is compared
or shown follows reach."""

from __future__ import annotations

import datetime as dt

import pytest

from quiz.models import Question, Role
from quiz.services import dashboard as service
from quiz.services import stats
from quiz.services.counters import kept_question_counts
from quiz.services.periods import Period, campaign_days
from quiz.services.reach import reach_of
from quiz.services.stats import Counts
from tests import figures
from tests.helpers import correct_answers, wrong_answers
from tests.services.test_attempts import start, submit


@pytest.fixture
def world(db, make_unit, make_user, make_quiz, clock):
    return figures.build(db, make_unit, make_user, make_quiz, clock)


def _reach(make_user, world, code, role=Role.organizer):
    return reach_of(make_user(unit=world["units"][code], role=role))


def _people(bands):
    return [band.people for band in bands]


# --- the figures: figure_tree's, nothing recounted -------------------------------------------

def test_the_totals_and_the_days_are_figure_trees(world, make_user):
    campaign, county = world["campaign"], world["units"]["C"]
    reach = _reach(make_user, world, "C")
    for period in (None, Period(figures.DAY_15, figures.DAY_15 + dt.timedelta(days=6))):
        board = service.dashboard(campaign, county, reach, figures.DAY_15, period)
        tree = stats.figure_tree(campaign, county, period, daily=True)
        assert board.total.total == tree.total.total
        assert board.total.period == tree.total.period
        assert [day for day, _ in board.days] == campaign_days(campaign, figures.DAY_15, period)
        daily = tree.daily()
        assert all(counts == daily.get(day, Counts()) for day, counts in board.days)
    whole = service.dashboard(campaign, county, reach, figures.DAY_15)
    assert sum(counts.attempts for _, counts in whole.days) == figures.TOTALS["C"][2]
    by_day = dict(whole.days)
    assert (by_day[figures.DAY_10].participants, by_day[figures.DAY_10].attempts) == (4, 6)
    assert by_day[dt.date(2026, 6, 12)] == Counts()  # a day without anyone is there, as 0


# --- score bands -------------------------------------------------------------------------

def test_the_best_scores_fall_in_ten_point_bands_where_the_best_attempt_was(world):
    campaign, units = world["campaign"], world["units"]
    bands = service.score_bands(campaign, units["C"])
    assert [band.label for band in bands] == [
        "0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60–69", "70–79", "80–89",
        "90–100"]
    # Full marks 40: p1, p4, p5, p7 reached 40/40 (band 9); p2 (timed out) and p3 have 0.
    assert _people(bands) == [2, 0, 0, 0, 0, 0, 0, 0, 0, 4]
    assert _people(service.score_bands(campaign, units["T1"])) == [2] + [0] * 8 + [2]
    # p7's best attempt was taken in V1 after the move: V3 keeps only p4.
    assert _people(service.score_bands(campaign, units["V3"])) == [0] * 9 + [1]
    assert _people(service.score_bands(campaign, units["E"])) == [0] * 10


def _answer(attempt, right: int) -> dict[str, str]:
    """The first `right` drawn questions answered correctly, the rest wrongly."""
    good, bad = correct_answers(attempt), wrong_answers(attempt)
    ids = [str(item["id"]) for item in attempt.questions]
    return {qid: (good if n < right else bad)[qid] for n, qid in enumerate(ids)}


def test_scores_are_banded_on_a_scale_of_100_whatever_the_full_marks(
        make_unit, make_user, make_quiz, clock):
    quiz = make_quiz(attempts_per_day=5)  # 8 questions of 5 points: full marks 40
    unit = make_unit("测试县", code="X")
    clock.set(dt.datetime(2026, 6, 10, 2, 0))
    # Right answers -> score -> share of 100 -> band, counted by hand:
    # 0 -> 0 -> 0; 1 -> 5 -> 12.5 -> 1; 4 -> 20 -> 50 -> 5; 7 -> 35 -> 87.5 -> 8; 8 -> 100 -> 9;
    # the last one tries twice (2, then 6 -> 30 -> 75 -> 7): only the best counts.
    for tries in ([0], [1], [4], [7], [8], [2, 6]):
        user = make_user(unit=unit)
        for right in tries:
            clock.advance(60)
            attempt = start(user, quiz, clock)
            clock.advance(60)
            submit(user, attempt, clock, _answer(attempt, right))
    bands = service.score_bands(quiz.campaign, unit)
    assert _people(bands) == [1, 1, 0, 0, 0, 1, 0, 1, 1, 1]


# --- the questions answered wrongly most often -------------------------------------------

def test_the_questions_answered_wrongly_most_often_come_first(
        make_unit, make_user, make_bank, make_quiz, clock):
    bank = make_bank(single=4, multiple=2, judge=2)  # every attempt draws all eight
    quiz = make_quiz(bank=bank, attempts_per_day=10)
    user = make_user(unit=make_unit())
    q = sorted(question.id for question in bank.questions)
    clock.set(dt.datetime(2026, 6, 10, 2, 0))
    # (answered wrongly, left unanswered) per attempt, by question number.
    for wrong, skipped in (([0, 1], []), ([0], [2]), ([0, 1, 3], []), ([3], [4])):
        clock.advance(60)
        attempt = start(user, quiz, clock)
        answers = correct_answers(attempt)
        bad = wrong_answers(attempt)
        for n in wrong:
            answers[str(q[n])] = bad[str(q[n])]
        for n in skipped:
            del answers[str(q[n])]
        clock.advance(60)
        submit(user, attempt, clock, answers)
    found = service.wrong_most(quiz.campaign)
    # Wrong: q0 3 times, q1 and q3 twice each (the tie by question number); an unanswered
    # question is not a wrong one, and questions never answered wrongly are left out.
    assert [item.question.id for item in found] == [q[0], q[1], q[3]]
    assert [(item.answered, item.correct, item.wrong) for item in found] == [
        (4, 1, 3), (4, 2, 2), (4, 2, 2)]
    assert [item.correct_rate for item in found] == [0.25, 0.5, 0.5]
    kept = kept_question_counts(quiz.campaign_id)  # the shards added up, the same sums
    for item in found:
        counts = kept[(quiz.campaign_id, item.question.id)]
        assert (counts["answered"], counts["correct"]) == (item.answered, item.correct)
    assert [item.question.id for item in service.wrong_most(quiz.campaign, limit=2)] == [
        q[0], q[1]]


def test_a_long_stem_is_shortened(db, make_bank):
    question = db.session.get(Question, make_bank(single=1, multiple=0, judge=0).questions[0].id)
    question.stem = "发生火灾时\n应当" + "做什么" * 40
    item = service.WrongQuestion(question, answered=3, correct=1)
    assert len(item.short_stem) == service.STEM_LENGTH and item.short_stem.endswith("…")
    assert "\n" not in item.short_stem
    assert item.correct_rate == Counts(answers=3, correct_answers=1).correct_rate == 0.3333
    assert service.WrongQuestion(question, 0, 0).correct_rate is None


# --- reach -------------------------------------------------------------------------------

def test_only_a_reach_over_the_whole_campaign_gets_the_questions(world, make_user, make_unit):
    campaign, units = world["campaign"], world["units"]
    admin = _reach(make_user, world, "T1", role=Role.admin)
    county = _reach(make_user, world, "C")
    town = _reach(make_user, world, "T1")
    assert service.covers_campaign(admin) and service.covers_campaign(county)
    assert not service.covers_campaign(town)
    assert service.dashboard(campaign, units["T1"], town, figures.DAY_15).questions is None
    assert service.dashboard(campaign, units["T1"], county, figures.DAY_15).questions is not None
    make_unit("邻县", code="OTHER", kind="county")  # two trees: no organizer holds them all
    assert not service.covers_campaign(county)
    assert service.covers_campaign(admin)


def test_a_unit_is_compared_with_its_siblings_only_when_its_parent_is_within_reach(
        world, make_user):
    campaign, units = world["campaign"], world["units"]
    county, town = _reach(make_user, world, "C"), _reach(make_user, world, "T1")
    beside = service.comparison(campaign, units["T1"], county)
    assert beside.kind == "siblings"
    assert [row.unit.code for row in beside.rows] == ["T2", "T1"]  # by rate: 17.6 %, 13.3 %
    assert beside.rows[1].total == stats.figure_tree(campaign, units["T1"]).total.total
    below = service.comparison(campaign, units["T1"], town)  # C is above T1's organizer
    assert below.kind == "children"
    assert [row.unit.code for row in below.rows] == ["V1", "V2"]
    assert [row.unit.code for row in service.comparison(campaign, units["V1"], town).rows] == [
        "V1", "V2"]  # V1's parent, T1, is within reach
    top = service.comparison(campaign, units["C"], county)
    assert top.kind == "children" and {row.unit.code for row in top.rows} == {"T1", "T2"}
