"""Scoring one attempt's answers; pure functions over plain values."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import OPTION_KEYS
from .drawing import DrawnQuestion


@dataclass(frozen=True)
class Score:
    points: dict[str, int]
    score: int
    #: Question ids (as strings) answered correctly, in the order drawn.
    correct: list[str]
    answered_count: int

    @property
    def correct_count(self) -> int:
        return len(self.correct)


def to_stored_keys(displayed: str, order: str) -> set[str]:
    """Map keys as the participant saw them (A = first shown) to the question's own keys."""
    return {order[OPTION_KEYS.index(key)] for key in displayed}


def to_displayed_keys(stored: str, order: str) -> str:
    """Map a question's own keys to the letters the participant saw, sorted."""
    return "".join(sorted(OPTION_KEYS[order.index(key)] for key in stored))


def question_points(question: DrawnQuestion, given: set[str], points: int,
                    partial_credit: bool) -> int:
    """Points for one answer: all or nothing, or half (rounded down) for a correct subset."""
    correct = set(question.answer)
    if given == correct:
        return points
    if partial_credit and question.type == "multiple" and given and given < correct:
        return points // 2
    return 0


def score_answers(
    drawn: list[dict], answers: dict[str, str], questions: dict[int, DrawnQuestion],
    partial_credit: bool,
) -> Score:
    """Score `answers` (displayed keys by question id) against the drawn questions."""
    points: dict[str, int] = {}
    correct: list[str] = []
    answered_count = 0
    for item in drawn:
        qid = str(item["id"])
        displayed = answers.get(qid, "")
        given = to_stored_keys(displayed, item["order"])
        got = question_points(questions[item["id"]], given, item["points"], partial_credit)
        points[qid] = got
        if displayed:
            answered_count += 1
        if given == set(questions[item["id"]].answer):
            correct.append(qid)
    return Score(points, sum(points.values()), correct, answered_count)
