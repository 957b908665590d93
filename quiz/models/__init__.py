"""The data model, one module per aggregate, all importable from here."""

from .attempt import Attempt, AttemptStatus
from .bank import JUDGE_OPTIONS, OPTION_KEYS, Bank, Question, QuestionType
from .campaign import Campaign, Quiz, QuizRule, quiz_bank
from .stats import COUNTER_FIELDS, Participation, ParticipationDay, UnitCounter, UnitDayCounter
from .unit import Unit, UnitKind
from .user import Role, User

__all__ = [
    "Attempt", "AttemptStatus", "Bank", "Campaign", "COUNTER_FIELDS", "JUDGE_OPTIONS",
    "OPTION_KEYS", "Participation", "ParticipationDay", "Question", "QuestionType", "Quiz",
    "QuizRule", "Role", "Unit", "UnitCounter", "UnitDayCounter", "UnitKind", "User",
    "quiz_bank",
]
