"""The data model, one module per aggregate, all importable from here."""

from .attempt import Attempt, AttemptStatus, new_attempt_id
from .bank import (
    JUDGE_OPTIONS,
    OPTION_KEYS,
    VERSIONED_FIELDS,
    Bank,
    PendingImport,
    Question,
    QuestionRevision,
    QuestionType,
)
from .campaign import Campaign, Quiz, QuizRule, quiz_bank
from .stats import (
    COUNTER_FIELDS,
    QUESTION_COUNTER_FIELDS,
    QUESTION_COUNTER_SHARDS,
    Participation,
    ParticipationDay,
    ParticipationWeek,
    PersonBest,
    QuestionCounter,
    UnitCounter,
    UnitDayCounter,
    UnitWeekCounter,
)
from .unit import Unit, UnitKind
from .user import Role, User

__all__ = [
    "Attempt", "AttemptStatus", "Bank", "Campaign", "COUNTER_FIELDS", "JUDGE_OPTIONS",
    "OPTION_KEYS", "Participation", "PendingImport", "ParticipationDay", "ParticipationWeek",
    "PersonBest", "QUESTION_COUNTER_FIELDS", "QUESTION_COUNTER_SHARDS", "Question",
    "QuestionCounter", "QuestionRevision", "QuestionType", "Quiz", "QuizRule", "Role", "Unit",
    "UnitCounter", "UnitDayCounter", "UnitKind", "UnitWeekCounter", "User",
    "VERSIONED_FIELDS", "new_attempt_id", "quiz_bank",
]
