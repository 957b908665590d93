"""Starting, saving, submitting and reviewing attempts: the participant's rules.

Every write here is a conditional UPDATE ``... WHERE status = 'open'``: whichever request
finishes an attempt first wins, and a retry, a double tap or a second tab finds it finished and
gets the stored result, so an attempt is counted exactly once.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import random
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from .. import db as db_module
from .. import fastsql, loading
from ..db import write_transaction
from ..extensions import db
from ..models import (
    OPTION_KEYS,
    Attempt,
    AttemptStatus,
    PersonBest,
    Quiz,
    Unit,
    User,
    new_attempt_id,
)
from ..timeutil import local_date
from . import campaigns, counters, ranking
from .drawing import DrawnQuestion, draw_questions, drawn_versions
from .errors import (
    AttemptFinished,
    CampaignClosed,
    CampaignEnded,
    CampaignNotStarted,
    DailyLimitReached,
    NotForYourUnit,
    NotFound,
    QuizError,
    QuizUnavailable,
    TimeUp,
    ValidationFailed,
)
from .scoring import score_answers, to_displayed_keys


def _draw_random() -> random.Random:
    """A generator for one draw, seeded with 128 bits from the system: no draw tells
    anything of another's (the system's generator itself costs a system call for each of
    the hundred or so numbers a draw takes)."""
    return random.Random(int.from_bytes(os.urandom(16), "big"))


@dataclass(frozen=True)
class Started:
    attempt: Attempt
    #: False when an unfinished attempt was resumed instead.
    created: bool


def get_quiz(quiz_id: int) -> Quiz:
    """The quiz with this id, with its campaign, or NotFound."""
    quiz = loading.load_chain(Quiz, quiz_id, "campaign", "host_unit")
    if quiz is None:
        raise NotFound()
    return quiz


def attempts_started_on(user: User, quiz: Quiz, day: dt.date) -> int:
    """How many attempts `user` started at `quiz` on `day` (campaign time zone)."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Attempt).where(
            Attempt.user_id == user.id, Attempt.quiz_id == quiz.id, Attempt.local_day == day
        )
    )


def attempts_left_today(user: User, quiz: Quiz, now: dt.datetime) -> int:
    """Attempts `user` may still start today at `quiz`."""
    today = local_date(now, quiz.campaign.timezone)
    return max(0, quiz.attempts_per_day - attempts_started_on(user, quiz, today))


def open_attempt(user: User, quiz: Quiz) -> Attempt | None:
    """The user's unfinished attempt at this quiz, if any."""
    return db.session.scalar(
        sa.select(Attempt).where(
            Attempt.user_id == user.id, Attempt.quiz_id == quiz.id,
            Attempt.status == AttemptStatus.open.value,
        )
    )


def check_open(quiz: Quiz, now: dt.datetime) -> None:
    """Raise unless attempts at `quiz` may start at `now`."""
    campaign = quiz.campaign
    if not quiz.is_active:
        raise QuizUnavailable()
    today = local_date(now, campaign.timezone)
    if today < campaign.starts_on:
        raise CampaignNotStarted()
    if today > campaign.ends_on:
        raise CampaignEnded()
    if campaign.archived_at is not None or (
            campaign.closed_at is not None and campaign.closed_at <= now):
        raise CampaignClosed()


def start(user: User, quiz: Quiz, now: dt.datetime, grace_seconds: int,
          rng: random.Random | None = None) -> Started:
    """Start an attempt, or resume the unfinished one; the server fixes the deadline.

    The checks and the draw are read and computed first; the write transaction holds one
    INSERT, which counts the day's attempts again (a unique index lets one open attempt per
    person and quiz exist: a second start at the same moment resumes the first).
    """
    today = local_date(now, quiz.campaign.timezone)
    open_id, taken_today = _own_attempts(user, quiz, today)
    if open_id is not None:
        existing = loading.load(Attempt, open_id)
        if not finish_if_overdue(existing, now, grace_seconds):
            return Started(existing, created=False)
    check_open(quiz, now)
    loading.load_related(user, "unit", Unit, user.unit_id)
    if not campaigns.hosts(quiz.campaign, user.unit):
        raise NotForYourUnit()
    if taken_today >= quiz.attempts_per_day:
        raise DailyLimitReached()
    drawn = draw_questions(quiz, rng or _draw_random())
    values = {
        "id": new_attempt_id(), "user_id": user.id, "quiz_id": quiz.id,
        "campaign_id": quiz.campaign_id, "unit_id": user.unit_id, "local_day": today,
        "status": AttemptStatus.open.value, "started_at": now,
        "deadline_at": now + dt.timedelta(seconds=quiz.time_limit_seconds),
        "questions": drawn, "answers": {}, "max_score": sum(item["points"] for item in drawn),
    }
    with write_transaction():
        inserted = db_module.execute(
            _insert_attempt_stmt(), {**values, "limit": quiz.attempts_per_day}).first()
        if inserted is None:  # not inserted: the day's limit, or an open attempt
            existing = open_attempt(user, quiz)
            if existing is None:
                raise DailyLimitReached()
            # Another request of this user started one at the same moment: resume that one.
            return Started(existing, created=False)
    attempt = Attempt(**values, unit_path=inserted.unit_path, finished_at=None, points=None,
                      correct=None, score=None, correct_count=None, answered_count=None,
                      passed=None)
    make_transient_to_detached(attempt)  # the row as inserted: persistent, no SELECT
    db.session.add(attempt)
    return Started(attempt, created=True)


_OWN_ATTEMPTS = fastsql.Statement(
    "SELECT id, status, local_day FROM attempt WHERE user_id = :user_id AND quiz_id = :quiz_id"
    " AND (status = 'open' OR local_day = :day)",
    {"day": sa.Date()}, [("id", sa.String()), ("status", sa.String()), ("local_day", sa.Date())])


def _own_attempts(user: User, quiz: Quiz, day: dt.date) -> tuple[str | None, int]:
    """(the person's open attempt's id or None, attempts they started on `day`), one query."""
    rows = db_module.execute(
        _OWN_ATTEMPTS, {"user_id": user.id, "quiz_id": quiz.id, "day": day}).all()
    open_ids = [row.id for row in rows if row.status == AttemptStatus.open.value]
    return open_ids[0] if open_ids else None, sum(1 for row in rows if row.local_day == day)


@functools.cache
def _insert_attempt_stmt() -> fastsql.Statement:
    """One statement that starts an attempt unless the person has used up the day's
    attempts or has one open (the unique index on open attempts): it takes the unit's
    place in the tree and counts the day's attempts in the INSERT itself, so that two
    starts at once cannot both pass the count. Returns the unit's path, or no row."""
    columns = ("id", "user_id", "quiz_id", "campaign_id", "unit_id", "local_day", "status",
               "started_at", "deadline_at", "questions", "answers", "max_score")
    table = Attempt.__table__
    sql = (
        f"INSERT INTO attempt ({', '.join(columns)}, unit_path) "
        f"SELECT {', '.join(':' + name for name in columns)}, "
        "(SELECT path FROM unit WHERE id = :unit_id) "
        "WHERE (SELECT count(*) FROM attempt WHERE user_id = :user_id AND quiz_id = :quiz_id"
        " AND local_day = :local_day) < :limit "
        "ON CONFLICT (user_id, quiz_id) WHERE status = 'open' DO NOTHING RETURNING unit_path"
    )
    return fastsql.Statement(sql, fastsql.types_of(table, columns),
                             fastsql.columns_of(table, ["unit_path"]))


def get_own_attempt(user: User, attempt_id: str, *, for_update: bool = False) -> Attempt:
    """The attempt if it belongs to `user`; NotFound otherwise (existence is not revealed).
    `for_update`: its row locked until the commit (in a write transaction)."""
    attempt = loading.load_where(
        Attempt, "id = :id AND user_id = :user_id", {"id": attempt_id, "user_id": user.id},
        for_update=for_update) if attempt_id else None
    if attempt is None:
        raise NotFound()
    return attempt


def is_overdue(attempt: Attempt, now: dt.datetime, grace_seconds: int) -> bool:
    """Past the deadline and its grace: nothing more is accepted."""
    return now > attempt.deadline_at + dt.timedelta(seconds=grace_seconds)


def remaining_seconds(attempt: Attempt, now: dt.datetime) -> int:
    """Whole seconds left before the deadline, never negative."""
    return max(0, int((attempt.deadline_at - now).total_seconds()))


def remaining_ms(attempt: Attempt, now: dt.datetime) -> int:
    """Milliseconds left before the deadline, never negative (the page's countdown)."""
    return max(0, int((attempt.deadline_at - now).total_seconds() * 1000))


def finish_if_overdue(attempt: Attempt, now: dt.datetime, grace_seconds: int) -> bool:
    """Finish an overdue open attempt with the answers saved in time; True if it is finished."""
    if not attempt.is_open:
        return True
    if not is_overdue(attempt, now, grace_seconds):
        return False
    with write_transaction():
        saved = _lock_open(attempt)
        if saved is not None:
            _finish(attempt, AttemptStatus.timed_out, attempt.deadline_at, saved)
    return True


def _lock_open(attempt: Attempt) -> dict[str, str] | None:
    """In a write transaction: the attempt's saved answers as they are now, its row locked
    until the commit; None (and the stored result loaded) when it is no longer open."""
    row = db_module.execute(_LOCK_OPEN, {"id": attempt.id}).one()
    if row.status != AttemptStatus.open.value:
        db.session.refresh(attempt)
        return None
    set_committed_value(attempt, "answers", row.answers)
    return dict(row.answers)


#: The attempt's status and saved answers, its row locked until the commit.
_LOCK_OPEN = fastsql.Statement(
    lambda dialect: "SELECT status, answers FROM attempt WHERE id = :id"
                    + fastsql.locking(dialect),
    columns=fastsql.columns_of(Attempt.__table__, ["status", "answers"]))


@functools.cache
def _save_answers_stmt() -> fastsql.Statement:
    return fastsql.Statement("UPDATE attempt SET answers = :answers WHERE id = :id",
                             fastsql.types_of(Attempt.__table__, ["answers"]))


def save_answers(user: User, attempt_id: str, answers: object, now: dt.datetime,
                 grace_seconds: int) -> Attempt:
    """Autosave: merge the given answers into the attempt's saved ones.

    All of it in the write transaction: there is nothing to compute before it worth a
    second read of the row (unlike a submit's scoring)."""
    with write_transaction():
        attempt = get_own_attempt(user, attempt_id, for_update=True)
        if not attempt.is_open:
            raise AttemptFinished()
        if finish_if_overdue(attempt, now, grace_seconds):
            raise TimeUp()  # keeps_changes: the finished attempt is committed
        merged = {**attempt.answers, **clean_answers(attempt, answers)}
        db_module.execute(_save_answers_stmt(), {"answers": merged, "id": attempt.id})
    set_committed_value(attempt, "answers", merged)
    return attempt


def submit(user: User, attempt_id: str, answers: object | None, now: dt.datetime,
           grace_seconds: int) -> Attempt:
    """Score and finish the attempt; submitting again returns the stored result unchanged.

    A submit that reaches the server at or after the deadline, within the grace (the page
    submits by itself when the time is up; the network takes a moment), takes the answers it
    carries and is timed_out: the result says the time ran out. After the grace the answers
    sent are not taken: the attempt is finished with what was saved in time (timed_out too).

    The answers are checked and the questions and quiz read before the write transaction,
    which then holds the attempt's row, its UPDATE and the counters only.
    """
    attempt = get_own_attempt(user, attempt_id)
    if not attempt.is_open or finish_if_overdue(attempt, now, grace_seconds):
        return attempt
    cleaned = clean_answers(attempt, answers) if answers is not None else {}
    load_questions(attempt)  # into memory, with the quiz, before the lock is taken
    loading.load_related(attempt, "quiz", Quiz, attempt.quiz_id)
    status = AttemptStatus.timed_out if now >= attempt.deadline_at else AttemptStatus.submitted
    with write_transaction():
        saved = _lock_open(attempt)
        if saved is not None:
            _finish(attempt, status, now, {**saved, **cleaned})
    return attempt


def clean_answers(attempt: Attempt, answers: object) -> dict[str, str]:
    """Check answers against the attempt's questions; {question id: sorted displayed keys}."""
    if not isinstance(answers, dict):
        raise ValidationFailed(
            _l("Answers must map question ids to lists of option keys."), field="answers"
        )
    drawn = {str(item["id"]): item for item in attempt.questions}
    cleaned = {}
    for raw_qid, raw_keys in answers.items():
        qid = str(raw_qid)
        field = f"answers.{qid}"
        item = drawn.get(qid)
        if item is None:
            raise ValidationFailed(_l("This question is not part of the attempt."), field=field)
        if isinstance(raw_keys, str):
            raw_keys = list(raw_keys)
        if raw_keys is None:
            raw_keys = []
        if not isinstance(raw_keys, list) or not all(isinstance(k, str) for k in raw_keys):
            raise ValidationFailed(_l("An answer must be a list of option keys."), field=field)
        valid = OPTION_KEYS[: len(item["order"])]
        keys = {k.strip().upper() for k in raw_keys if k.strip()}
        if not keys <= set(valid):
            raise ValidationFailed(
                _l("Unknown option: choose from %(keys)s.", keys=", ".join(valid)), field=field
            )
        if item["type"] != "multiple" and len(keys) > 1:
            raise ValidationFailed(_l("This question takes one answer only."), field=field)
        cleaned[qid] = "".join(sorted(keys))
    return cleaned


def _finish(attempt: Attempt, status: AttemptStatus, finished_at: dt.datetime,
            answers: dict[str, str]) -> bool:
    """Score and close an open attempt and count it, in the caller's transaction.

    Returns False (and loads the stored result) when another request finished it first.
    """
    questions = load_questions(attempt)
    quiz = attempt.quiz
    result = score_answers(attempt.questions, answers, questions, quiz.partial_credit)
    values = {
        "status": status.value,
        "finished_at": finished_at,
        "answers": answers,
        "points": result.points,
        "correct": result.correct,
        "score": result.score,
        "correct_count": result.correct_count,
        "answered_count": result.answered_count,
        "passed": result.score >= quiz.pass_mark,
    }
    updated = db_module.execute(_finish_stmt(), {**values, "attempt_id": attempt.id}).rowcount
    if updated != 1:
        db.session.refresh(attempt)
        return False
    for name, value in values.items():
        set_committed_value(attempt, name, value)
    counters.record_finished(attempt)
    return True


@functools.cache
def _finish_stmt() -> fastsql.Statement:
    """UPDATE of an open attempt with its result (built once: it runs at every submit)."""
    names = ("status", "finished_at", "answers", "points", "correct", "score",
             "correct_count", "answered_count", "passed")
    table = Attempt.__table__
    return fastsql.Statement(
        f"UPDATE attempt SET {', '.join(f'{name} = :{name}' for name in names)} "
        "WHERE id = :attempt_id AND status = 'open'", fastsql.types_of(table, names))


def load_questions(attempt: Attempt) -> dict[int, DrawnQuestion]:
    """The attempt's questions by id, each as the version that was drawn."""
    return drawn_versions({item["id"]: item.get("v", 1) for item in attempt.questions})


def public_questions(attempt: Attempt,
                     questions: dict[int, DrawnQuestion] | None = None) -> list[dict]:
    """The questions as the participant sees them: no answer key, no explanation."""
    questions = questions or load_questions(attempt)
    shown = []
    for item in attempt.questions:
        question = questions[item["id"]]
        shown.append({
            "id": question.id,
            "type": question.type,
            "stem": question.stem,
            "points": item["points"],
            "options": [
                {"key": OPTION_KEYS[pos], "text": question.options[OPTION_KEYS.index(key)]}
                for pos, key in enumerate(item["order"])
            ],
        })
    return shown


def review_marks_questions(quiz: Quiz) -> bool:
    """Whether a review may say, question by question, what was right: with the answers
    shown, or when the quiz marks right and wrong without them (off by default: for a
    true/false question the mark is the key)."""
    return quiz.review_shows_answers or quiz.review_shows_correctness


def review(attempt: Attempt) -> list[dict]:
    """A finished attempt question by question, with as much as the quiz allows to show.

    Always: the question, its options and the answer given. With the answers shown: the
    right keys, whether the answer was right and the points it got. With only right/wrong
    marks allowed: whether it was right and its points. Otherwise nothing that depends on
    the key (the total score is on the attempt).
    """
    if attempt.is_open:
        raise AttemptFinished()
    quiz = attempt.quiz
    questions = load_questions(attempt)
    drawn = {str(item["id"]): item for item in attempt.questions}
    marks = review_marks_questions(quiz)
    rows = []
    for shown in public_questions(attempt, questions):
        qid = str(shown["id"])
        item = drawn[qid]
        row = {**shown, "given": attempt.answers.get(qid, "")}
        if marks:
            row["awarded"] = attempt.points[qid]
            row["is_correct"] = row["given"] == to_displayed_keys(
                questions[shown["id"]].answer, item["order"])
        if quiz.review_shows_answers:
            row["correct"] = to_displayed_keys(questions[shown["id"]].answer, item["order"])
        if quiz.review_shows_explanations:
            row["explanation"] = questions[shown["id"]].explanation
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Standing:
    """A person's attempt that counts in a campaign (成绩取最高分) and where it ranks."""

    attempt: Attempt
    rank: int
    ranked: int
    #: Their rank among the people counted in the unit the attempt counts for (at its
    #: place in the tree then, should the unit have moved since).
    unit_rank: int
    unit_ranked: int


def _standing(row: PersonBest) -> Standing:
    attempt = db.session.get(Attempt, row.attempt_id)
    position, ranked = ranking.rank(row)
    unit_position, unit_ranked = ranking.rank(row, row.unit_path)
    return Standing(attempt, position, ranked, unit_position, unit_ranked)


def standings(user: User) -> dict[int, Standing]:
    """{campaign id: Standing} for every campaign the user has finished an attempt in."""
    rows = db.session.scalars(sa.select(PersonBest).where(PersonBest.user_id == user.id))
    return {row.campaign_id: _standing(row) for row in rows}


def standing(user: User, campaign_id: int) -> Standing | None:
    """The user's Standing in one campaign, if they have finished an attempt there."""
    row = ranking.best_of(user.id, campaign_id)
    return _standing(row) if row is not None else None


def can_start_again(user: User, quiz: Quiz, now: dt.datetime) -> bool:
    """Whether the user could start another attempt at this quiz now."""
    try:
        check_open(quiz, now)
    except QuizError:
        return False
    return attempts_left_today(user, quiz, now) > 0


def user_attempts(user: User) -> list[Attempt]:
    """The user's attempts, newest first."""
    return list(db.session.scalars(
        sa.select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.started_at.desc())
    ))


def overdue_attempts(now: dt.datetime, grace_seconds: int, user: User | None = None,
                     campaign_id: int | None = None) -> list[Attempt]:
    """Open attempts past their deadline and grace (of one user or campaign, or all)."""
    query = sa.select(Attempt).where(
        Attempt.status == AttemptStatus.open.value,
        Attempt.deadline_at < now - dt.timedelta(seconds=grace_seconds),
    )
    if user is not None:
        query = query.where(Attempt.user_id == user.id)
    if campaign_id is not None:
        query = query.where(Attempt.campaign_id == campaign_id)
    return list(db.session.scalars(query))
