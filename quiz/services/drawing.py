"""Drawing an attempt's questions from a quiz's banks, per the quiz's rules."""

from __future__ import annotations

import random
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from .. import db as db_module
from .. import fastsql
from ..extensions import db
from ..models import OPTION_KEYS, Question, QuestionRevision, QuestionType, Quiz
from .errors import NotEnoughQuestions


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as an attempt drew it: the version it shows and is scored on."""

    id: int
    type: str
    stem: str
    options: list[str]
    answer: str
    explanation: str


def as_drawn(question_id: int, version: Question | QuestionRevision) -> DrawnQuestion:
    """A question or one of its revisions as the attempt shows it."""
    return DrawnQuestion(question_id, version.type, version.stem, list(version.options),
                         version.answer, version.explanation or "")


#: Participants meet the types in this order, as on a paper exam.
TYPE_ORDER = (QuestionType.single.value, QuestionType.multiple.value, QuestionType.judge.value)


def draw_questions(quiz: Quiz, rng: random.Random) -> list[dict]:
    """Pick the quiz's questions; return [{"id", "v", "type", "order", "points"}] in display
    order. "v" is the question's version: the attempt shows and scores that version, whatever
    later edits do.

    "order" is the stored option keys in the order shown (options shuffled when the quiz
    says so; true/false always 正确 then 错误).

    The banks' active questions (id, type, category, version) come from `quiz_pool` (in
    memory while the banks' revisions stay the same), the chosen ones' options from
    `drawn_versions` (in memory after the first time).
    """
    rules = db_module.execute(_RULES, {"quiz_id": quiz.id}).all()
    pool = quiz_pool(quiz.id)
    versions, by_kind, by_type = pool.versions, pool.by_kind, pool.by_type
    picked: dict[str, list[int]] = {t: [] for t in TYPE_ORDER}
    taken: set[int] = set()
    for rule in rules:
        if rule.category:
            candidates = by_kind.get((rule.type, rule.category), ())
        else:
            candidates = by_type.get(rule.type, ())
        if taken:
            candidates = [qid for qid in candidates if qid not in taken]
        if len(candidates) < rule.count:
            raise NotEnoughQuestions(
                type=rule.type, category=rule.category, wanted=rule.count, found=len(candidates)
            )
        chosen = rng.sample(candidates, rule.count)
        taken.update(chosen)
        picked[rule.type].extend(chosen)

    shown = drawn_versions({qid: versions[qid] for qid in taken})
    drawn = []
    for qtype in TYPE_ORDER:
        ids = picked[qtype]
        if quiz.shuffle_questions:
            rng.shuffle(ids)
        for qid in ids:
            keys = list(OPTION_KEYS[: len(shown[qid].options)])
            if quiz.shuffle_options and qtype != QuestionType.judge.value:
                rng.shuffle(keys)
            drawn.append({"id": qid, "v": versions[qid], "type": qtype,
                          "order": "".join(keys), "points": quiz.points_for(qtype)})
    return drawn


@dataclass(frozen=True)
class Pool:
    """The active questions of a quiz's banks, as the draw picks from them."""

    #: {question id: its current version}
    versions: dict[int, int]
    #: {(type, category or ""): ids in ascending order}
    by_kind: dict[tuple[str, str], list[int]]
    #: {type: ids of every category, ascending}
    by_type: dict[str, list[int]]


def quiz_pool(quiz_id: int) -> Pool:
    """The active questions of the quiz's banks, kept in the app's memory per quiz and
    read again when the quiz's banks or their revisions (raised by the database at every
    write to a bank's questions, migration 0009) are no longer what they were.

    The revisions are read first and the questions after them: a write committed between
    the two makes the kept pool newer than its key, never older, and the next start reads
    it again. A pool read by a transaction that has written something is not kept: should
    it roll back, its revisions would be given again to other questions."""
    key = tuple(db_module.execute(_BANK_REVISIONS, {"quiz_id": quiz_id}).all())
    kept = current_app.extensions.setdefault("quiz_pools", {})
    found = kept.get(quiz_id)  # (connections made, revisions, pool)
    if found is not None and found[0] == db_module.connections_made and found[1] == key:
        return found[2]
    versions: dict[int, int] = {}
    by_kind: dict[tuple[str, str], list[int]] = {}
    by_type: dict[str, list[int]] = {}
    rows = db_module.execute(_POOL, {"quiz_id": quiz_id, "yes": True}).all()
    for qid, qtype, category, version in rows:
        versions[qid] = version
        by_kind.setdefault((qtype, category or ""), []).append(qid)
        by_type.setdefault(qtype, []).append(qid)  # in id order, as the query gives them
    pool = Pool(versions, by_kind, by_type)
    if db_module.transaction_has_written():
        return pool
    if len(kept) >= POOLS_KEPT:  # quizzes of years gone by: start again
        kept.clear()
    kept[quiz_id] = (db_module.connections_made, key, pool)
    return pool


#: At most this many quizzes' pools are kept in a process's memory.
POOLS_KEPT = 200

# Built once: the draw runs at every start.
_RULES = fastsql.Statement(
    "SELECT type, category, count FROM quiz_rule WHERE quiz_id = :quiz_id ORDER BY id",
    columns=[("type", sa.String()), ("category", sa.String()), ("count", sa.Integer())])
_BANK_REVISIONS = fastsql.Statement(
    "SELECT bank.id, bank.revision FROM quiz_bank JOIN bank ON bank.id = quiz_bank.bank_id "
    "WHERE quiz_bank.quiz_id = :quiz_id ORDER BY bank.id",
    columns=[("id", sa.Integer()), ("revision", sa.Integer())])
_POOL = fastsql.Statement(
    "SELECT id, type, category, version FROM question WHERE is_active = :yes AND bank_id IN "
    "(SELECT bank_id FROM quiz_bank WHERE quiz_id = :quiz_id) ORDER BY id",
    {"yes": sa.Boolean()},
    columns=[("id", sa.Integer()), ("type", sa.String()), ("category", sa.String()),
             ("version", sa.Integer())])

#: At most this many question versions are kept in a process's memory (about 1 KB each).
DRAWN_CACHE_SIZE = 20_000


def drawn_versions(wanted: dict[int, int]) -> dict[int, DrawnQuestion]:
    """{question id: the question as of `wanted[id]`, its version}.

    A version never changes once made (an edit makes the next one and keeps this one as a
    revision) and questions are never deleted, so what was read once is kept in the app's
    memory: a start and a submit usually read no question at all (dropped when the process
    makes a new database connection, should the database have been replaced). One query for
    the rest; a second only for versions that were edited since.
    """
    kept = current_app.extensions.get("drawn_questions")
    if kept is None or kept[0] != db_module.connections_made:  # new connections: start again
        kept = current_app.extensions["drawn_questions"] = (db_module.connections_made, {})
    cache = kept[1]
    found = {}
    for qid, v in wanted.items():
        question = cache.get((qid, v))  # .get: another thread may clear it meanwhile
        if question is not None:
            found[qid] = question
    missing = {qid: v for qid, v in wanted.items() if qid not in found}
    if not missing:
        return found
    current = {q.id: q for q in db.session.scalars(
        sa.select(Question).where(Question.id.in_(list(missing))))}
    loaded = {qid: as_drawn(qid, q) for qid, q in current.items() if q.version == missing[qid]}
    older = [(qid, v) for qid, v in missing.items() if qid not in loaded]
    if older:
        revisions = db.session.scalars(sa.select(QuestionRevision).where(
            sa.tuple_(QuestionRevision.question_id, QuestionRevision.version).in_(older)))
        for revision in revisions:
            loaded[revision.question_id] = as_drawn(revision.question_id, revision)
    if len(cache) + len(loaded) > DRAWN_CACHE_SIZE:
        cache.clear()
    cache.update({(qid, missing[qid]): question for qid, question in loaded.items()})
    for qid in missing:  # no revision kept (edited before versions existed): as it reads now,
        if qid not in loaded:  # and not kept, since "now" may change
            loaded[qid] = as_drawn(qid, current[qid])
    return {**found, **loaded}
