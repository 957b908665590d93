"""The additive figures of a unit, a subtree, a day or a period, and the ratios made of them
(the definitions are in quiz.services.stats)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Counts:
    """The additive figures of one unit, a subtree, a day or a period."""

    headcount: int = 0
    participants: int = 0
    attempts: int = 0
    answers: int = 0
    correct_answers: int = 0
    score_sum: int = 0
    passed_people: int = 0

    def __add__(self, other: Counts) -> Counts:
        # Field by field, written out: a figure tree with days adds thousands of these
        # (units × days), and going through dataclasses.fields() made that a tenth of a
        # second at a county's scale (bench/scale.py).
        return Counts(self.headcount + other.headcount,
                      self.participants + other.participants,
                      self.attempts + other.attempts, self.answers + other.answers,
                      self.correct_answers + other.correct_answers,
                      self.score_sum + other.score_sum,
                      self.passed_people + other.passed_people)

    def __sub__(self, other: Counts) -> Counts:
        """What is left of these figures without `other`'s (a unit's own part, 本级)."""
        return Counts(self.headcount - other.headcount,
                      self.participants - other.participants,
                      self.attempts - other.attempts, self.answers - other.answers,
                      self.correct_answers - other.correct_answers,
                      self.score_sum - other.score_sum,
                      self.passed_people - other.passed_people)

    @property
    def participation_rate(self) -> float | None:
        """Share of the expected people who took part, 0..1 (None without a headcount)."""
        return _ratio(self.participants, self.headcount, 4)

    @property
    def attempts_per_person(self) -> float | None:
        return _ratio(self.attempts, self.participants, 2)

    @property
    def average_score(self) -> float | None:
        return _ratio(self.score_sum, self.attempts, 1)

    @property
    def correct_rate(self) -> float | None:
        """Share of the questions answered that were answered correctly, 0..1."""
        return _ratio(self.correct_answers, self.answers, 4)

    def as_dict(self) -> dict:
        return {
            "headcount": self.headcount, "participants": self.participants,
            "participation_rate": self.participation_rate, "attempts": self.attempts,
            "attempts_per_person": self.attempts_per_person,
            "average_score": self.average_score, "answers": self.answers,
            "correct_answers": self.correct_answers, "correct_rate": self.correct_rate,
            "passed_people": self.passed_people,
        }


# Counts.__add__ and __sub__ name every field: a field added above must be added there too.
assert [f.name for f in fields(Counts)] == [
    "headcount", "participants", "attempts", "answers", "correct_answers", "score_sum",
    "passed_people"], "Counts.__add__ and __sub__ must name every field"

ZERO = Counts()


def day_dict(counts: Counts) -> dict:
    """A day's figures (a day has no headcount, hence no rate)."""
    data = counts.as_dict()
    del data["headcount"], data["participation_rate"]
    return data


def _ratio(part: int, whole: int, places: int) -> float | None:
    return round(part / whole, places) if whole else None
